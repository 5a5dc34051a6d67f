// Set-associative caches with true LRU replacement. CacheTags models only which lines are
// present (the data cache: data memory stays coherent, so the cache affects timing only);
// InstructionCache also keeps each line's bytes as they were when the line was filled, which
// is what makes instruction fetch non-coherent with data stores.
#pragma once

#include "sim/snapshot.h"
#include "sim/timing/profile.h"

#include <bit>
#include <cstring>
#include <vector>

namespace cmodx::sim {

using isa::u64;
using isa::u8;

struct CacheStats {
    u64 hits = 0;
    u64 misses = 0;
    bool operator==(const CacheStats&) const = default;
};

class CacheTags {
public:
    static constexpr u64 kInvalid = ~u64{0};

    explicit CacheTags(const CacheParams& p)
        : ways_(p.ways), sets_(p.size / (p.ways * p.line)),
          line_shift_(static_cast<unsigned>(std::countr_zero(p.line))),
          lines_(std::size_t{sets_} * ways_, kInvalid), stamps_(lines_.size(), 0) {}

    unsigned lineShift() const { return line_shift_; }
    u64 lineBytes() const { return u64{1} << line_shift_; }
    u64 lineOf(u64 addr) const { return addr >> line_shift_; }

    struct Access {
        bool hit;
        std::size_t slot;  // where the line now lives
        u64 evicted_line;  // the line number that was replaced, or kInvalid
    };

    // Looks the line of `addr` up; a miss allocates it over the least recently used way.
    Access access(u64 addr) {
        const u64 line = lineOf(addr);
        const std::size_t base = setOf(line) * ways_;
        ++clock_;
        std::size_t victim = base;
        for (std::size_t s = base; s < base + ways_; ++s) {
            if (lines_[s] == line) {
                stamps_[s] = clock_;
                ++stats_.hits;
                return {true, s, kInvalid};
            }
            if (stamps_[s] < stamps_[victim]) victim = s;
        }
        ++stats_.misses;
        const u64 evicted = lines_[victim];
        lines_[victim] = line;
        stamps_[victim] = clock_;
        return {false, victim, evicted};
    }

    // The slot holding the line of `addr`, or -1.
    long find(u64 addr) const {
        const u64 line = lineOf(addr);
        const std::size_t base = setOf(line) * ways_;
        for (std::size_t s = base; s < base + ways_; ++s)
            if (lines_[s] == line) return static_cast<long>(s);
        return -1;
    }

    // Marks a use of a line known to be present (no statistics).
    void touch(std::size_t slot) { stamps_[slot] = ++clock_; }
    void countHit() { ++stats_.hits; }

    bool invalidate(u64 addr) {
        const long s = find(addr);
        if (s < 0) return false;
        lines_[static_cast<std::size_t>(s)] = kInvalid;
        stamps_[static_cast<std::size_t>(s)] = 0;
        return true;
    }
    void invalidateAll() {
        std::fill(lines_.begin(), lines_.end(), kInvalid);
        std::fill(stamps_.begin(), stamps_.end(), 0);
    }
    // Every present line, for invalidating whatever depends on them.
    template <typename F>
    void forEachLine(F&& f) const {
        for (const u64 l : lines_)
            if (l != kInvalid) f(l << line_shift_);
    }

    const CacheStats& stats() const { return stats_; }

    void save(StateWriter& w) const {
        w.putArray(lines_.data(), lines_.size());
        w.putArray(stamps_.data(), stamps_.size());
        w.put(clock_);
        w.put(stats_.hits);
        w.put(stats_.misses);
    }
    void load(StateReader& r) {
        r.getArray(lines_.data(), lines_.size());
        r.getArray(stamps_.data(), stamps_.size());
        r.get(clock_);
        r.get(stats_.hits);
        r.get(stats_.misses);
    }

private:
    std::size_t setOf(u64 line) const { return line & (sets_ - 1); }

    std::size_t ways_, sets_;
    unsigned line_shift_;
    std::vector<u64> lines_;  // line number (address >> line_shift) per slot, or kInvalid
    std::vector<u64> stamps_; // last use, for LRU
    u64 clock_ = 0;
    CacheStats stats_;
};

// A physically indexed and tagged instruction cache that holds a copy of each line.
class InstructionCache {
public:
    explicit InstructionCache(const CacheParams& p)
        : tags_(p), data_(std::size_t{p.size}, 0) {}

    CacheTags& tags() { return tags_; }
    const CacheTags& tags() const { return tags_; }

    struct Fetch {
        u32 word;
        bool hit;
        u64 evicted_pa; // first byte of the line a miss replaced, or CacheTags::kInvalid
    };

    // The word at physical `pa` as this cache holds it; a miss fills the line from `ram`
    // (the host bytes of physical address `ram_base`). A hit changes nothing: the decode
    // cache in front of this one refetches at will, and must not disturb the simulated state
    // (the timing model counts hits and keeps the LRU order as instructions retire).
    Fetch fetch(u64 pa, const u8* ram, u64 ram_base) {
        if (const long s = tags_.find(pa); s >= 0) {
            u32 word;
            std::memcpy(&word, lineData(static_cast<std::size_t>(s)) + (pa & (tags_.lineBytes() - 1) & ~u64{3}), 4);
            return {word, true, CacheTags::kInvalid};
        }
        const CacheTags::Access a = tags_.access(pa);
        u8* line = lineData(a.slot);
        if (!a.hit) {
            const u64 start = pa & ~(tags_.lineBytes() - 1);
            std::memcpy(line, ram + (start - ram_base), tags_.lineBytes());
        }
        u32 word;
        std::memcpy(&word, line + (pa & (tags_.lineBytes() - 1) & ~u64{3}), 4);
        const u64 evicted = a.evicted_line == CacheTags::kInvalid
                                ? CacheTags::kInvalid
                                : a.evicted_line << tags_.lineShift();
        return {word, a.hit, evicted};
    }

    // The cached copy of the word at `pa`, if its line is present (no LRU update).
    bool peek(u64 pa, u32& word) const {
        const long s = tags_.find(pa);
        if (s < 0) return false;
        std::memcpy(&word,
                    data_.data() + static_cast<std::size_t>(s) * tags_.lineBytes() +
                        (pa & (tags_.lineBytes() - 1) & ~u64{3}),
                    4);
        return true;
    }

    void save(StateWriter& w) const {
        tags_.save(w);
        w.putArray(data_.data(), data_.size());
    }
    void load(StateReader& r) {
        tags_.load(r);
        r.getArray(data_.data(), data_.size());
    }

private:
    u8* lineData(std::size_t slot) { return data_.data() + slot * tags_.lineBytes(); }

    CacheTags tags_;
    std::vector<u8> data_;
};

} // namespace cmodx::sim
