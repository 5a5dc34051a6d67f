// A direct-mapped cache of decoded instructions keyed by PC (Spike's "icache" idea). Hot code is
// decoded once; invalidate() drops entries by address range, which is how the machine models
// instruction-cache maintenance and stores to code.
//
// The PC is a virtual address, and whether it may be executed depends on the exception level
// (the page tables' UXN/PXN), so an entry's tag is the PC with the EL in bit 0: code decoded at
// EL1 is fetched afresh (and permission-checked) the first time EL0 runs it.
#pragma once

#include "isa/aarch64/decoder.h"
#include "isa/aarch64/timing_class.h"

#include <vector>

namespace cmodx::isa {

class DecodeCache {
public:
    struct Entry {
        u64 tag; // tagFor(PC, EL) of the decoded word, or kInvalid
        ExecFn fn;
        u64 pa; // physical address the word was fetched from
        u32 insn;
        IssueInfo timing; // for the timing model (left default without one)
    };
    static constexpr u64 kInvalid = ~u64{0};

    explicit DecodeCache(unsigned log2_entries = 16)
        : mask_((1u << log2_entries) - 1),
          entries_(std::size_t{1} << log2_entries, Entry{kInvalid, nullptr, 0, 0, {}}) {}

    static u64 tagFor(u64 pc, unsigned el) { return pc | el; }
    Entry& slot(u64 pc) { return entries_[(pc >> 2) & mask_]; }

    // Drops every entry whose PC lies in [addr, addr + len).
    void invalidate(u64 addr, u64 len) {
        if (len == 0) return;
        if (len / 4 >= entries_.size()) {
            invalidateAll();
            return;
        }
        for (u64 pc = addr & ~u64{3}; pc < addr + len; pc += 4) {
            Entry& e = slot(pc);
            if ((e.tag & ~u64{3}) == pc) e.tag = kInvalid;
        }
    }

    void invalidateAll() {
        for (Entry& e : entries_)
            e.tag = kInvalid;
    }

    std::size_t size() const { return entries_.size(); }

private:
    u64 mask_;
    std::vector<Entry> entries_;
};

} // namespace cmodx::isa
