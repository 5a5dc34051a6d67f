// The software TLB through which every data access passes (QEMU's softmmu idea, at 4 KiB pages).
// An entry caches one completed stage-1 translation of a RAM page for one exception level and one
// access kind, as the offset from the virtual address to the page's byte offset in the RAM window.
// Entries are filled only after the full walk and permission check succeeded, so a hit needs no
// further check. Like a hardware TLB it keeps a translation until TLB maintenance or a change of
// the translation registers drops it; it may also drop one at any time (conflict misses), which
// the architecture allows.
#pragma once

#include "isa/aarch64/bits.h"

#include <array>

namespace cmodx::isa {

struct FastTlb {
    static constexpr unsigned kPageShift = 12;
    static constexpr u64 kPageSize = u64{1} << kPageShift;
    static constexpr unsigned kEntries = 256;
    static constexpr u64 kInvalidTag = 1; // never equal to a page-aligned address

    struct Entry {
        u64 tag = kInvalidTag; // page-aligned virtual address
        u64 offset = 0;        // RAM-window offset of the byte at VA v is v + offset
    };
    enum Kind { kRead = 0, kWrite = 1 };

    // [EL][kind][set]
    std::array<std::array<std::array<Entry, kEntries>, 2>, 2> sets{};

    static unsigned index(u64 va) { return (va >> kPageShift) & (kEntries - 1); }
    Entry& entry(unsigned el, Kind kind, u64 va) { return sets[el][kind][index(va)]; }

    void flushAll() {
        for (auto& per_el : sets)
            for (auto& per_kind : per_el)
                per_kind.fill(Entry{});
    }
    // Drops the entries of the page holding `va`, for every EL and kind. Entries are keyed by
    // the full address the guest used, which may carry a top-byte tag (TCR_EL1.TBIx), so the
    // comparison ignores bits 63..56.
    void flushPage(u64 va) {
        constexpr u64 kMask = 0x00ff'ffff'ffff'f000;
        for (auto& per_el : sets)
            for (auto& per_kind : per_el) {
                Entry& e = per_kind[index(va)];
                if (e.tag != kInvalidTag && (e.tag & kMask) == (va & kMask)) e = Entry{};
            }
    }
};

} // namespace cmodx::isa
