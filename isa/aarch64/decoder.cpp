#include "isa/aarch64/decoder.h"

#include "isa/aarch64/matcher.h"

#include <algorithm>
#include <bit>

namespace cmodx::isa {

namespace {

constexpr Encoding kRawTable[] = {
#define INST(id, name, bits)                                                                       \
    Encoding{#id,                                                                                  \
             name,                                                                                 \
             bits,                                                                                 \
             detail::maskOf<bits>(),                                                               \
             detail::expectOf<bits>(),                                                             \
             &detail::Specialised<&Executor::id, bits>::select,                                    \
             false,                                                                                \
             false},
#define UNALLOC(id, name, bits)                                                                    \
    Encoding{#id,     name, bits, detail::maskOf<bits>(), detail::expectOf<bits>(),                \
             nullptr, true, false},
#include "isa/aarch64/a64.inc"
};

constexpr Priority kPriorities[] = {
#define PRIORITY(winner, loser) Priority{#winner, #loser},
#include "isa/aarch64/a64.inc"
};

struct Requirement {
    std::string_view id;
    std::string_view feature;
};
constexpr Requirement kRequirements[] = {
#define REQUIRES(id, feature) Requirement{#id, #feature},
#include "isa/aarch64/a64.inc"
};

std::vector<Encoding> buildTable() {
    std::vector<Encoding> table(std::begin(kRawTable), std::end(kRawTable));
    for (const Requirement& r : kRequirements)
        for (Encoding& e : table)
            if (e.id == r.id && r.feature == "LSE") e.needs_lse = true;
    return table;
}

// Bits 29..22 and 13..10 select a bucket (as dynarmic does): they separate most encoding classes.
constexpr u32 kBucketMask = 0x3fc03c00;

} // namespace

std::span<const Encoding> encodingTable() {
    static const std::vector<Encoding> table = buildTable();
    return table;
}

std::span<const Priority> priorityTable() { return kPriorities; }

void executeUndefined(Executor& e, u32) { e.undefined(); }

unsigned Decoder::bucketOf(u32 insn) { return ((insn >> 22) & 0xff) << 4 | ((insn >> 10) & 0xf); }

Decoder::Decoder(Features features) : features_(features), buckets_(4096) {
    const auto table = encodingTable();

    std::vector<const Encoding*> order;
    for (const Encoding& e : table)
        order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const Encoding* a, const Encoding* b) {
        if (a->unallocated != b->unallocated) return a->unallocated;
        return std::popcount(a->mask) > std::popcount(b->mask);
    });
    // Declared winners go before their losers.
    for (bool moved = true; moved;) {
        moved = false;
        for (const Priority& p : priorityTable()) {
            auto w = std::find_if(order.begin(), order.end(),
                                  [&](const Encoding* e) { return e->id == p.winner; });
            auto l = std::find_if(order.begin(), order.end(),
                                  [&](const Encoding* e) { return e->id == p.loser; });
            if (w != order.end() && l != order.end() && l < w) {
                const Encoding* winner = *w;
                order.erase(w);
                order.insert(l, winner);
                moved = true;
            }
        }
    }

    for (unsigned b = 0; b < buckets_.size(); ++b) {
        const u32 bucket_bits = ((b >> 4) & 0xff) << 22 | (b & 0xf) << 10;
        for (const Encoding* e : order) {
            const u32 m = e->mask & kBucketMask;
            if ((bucket_bits & m) == (e->expect & m)) buckets_[b].push_back(e);
        }
    }
}

Decoded Decoder::decode(u32 insn) const {
    for (const Encoding* e : buckets_[bucketOf(insn)]) {
        if (!e->matches(insn)) continue;
        if (e->unallocated) break;
        if (e->needs_lse && !features_.lse) continue;
        return {e->handler(insn), e};
    }
    return {&executeUndefined, nullptr};
}

} // namespace cmodx::isa
