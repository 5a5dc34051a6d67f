// The Performance Monitors Extension (PMUv3) of one core, as much of it as guest code needs to
// time itself: the cycle counter PMCCNTR_EL0 and six event counters of which CPU_CYCLES (0x11),
// INST_RETIRED (0x08) and SW_INCR (0x00) count; other event numbers are accepted and count
// nothing. Counters are computed lazily from the core's cycle and instruction totals, so the
// simulator's hot loop does no work for them.
//
// Not modelled (documented in docs/platform.md): the EL filtering bits of PMEVTYPER<n>_EL0 and
// PMCCFILTR_EL0 are stored but not applied, overflow sets PMOVSSET but raises no interrupt.
#pragma once

#include "sim/snapshot.h"

#include <array>
#include <optional>

namespace cmodx::sim {

class Pmu {
public:
    static constexpr unsigned kEventCounters = 6; // PMCR_EL0.N, as QEMU's cortex-a53
    static constexpr u32 kEventSwIncr = 0x00, kEventInstRetired = 0x08, kEventCpuCycles = 0x11;

    // The two quantities counters are derived from, at the moment of an access.
    struct Sources {
        u64 cycles;
        u64 instructions;
    };

    enum class Result { NotPmu, Undefined, Ok };
    struct Access {
        Result result = Result::NotPmu;
        u64 value = 0;
    };
    // `el` is the current exception level: EL0 access follows PMUSERENR_EL0.
    Access read(u32 key, unsigned el, Sources now);
    Access write(u32 key, unsigned el, u64 value, Sources now);

    void save(StateWriter& w) const;
    void load(StateReader& r);

private:
    struct Counter {
        u64 base = 0;        // value when last synchronised
        u64 source_base = 0; // the source's value then
    };
    bool cycleCounterRunning() const;
    bool eventCounterRunning(unsigned n) const;
    u64 sourceFor(u32 event, Sources now) const;
    u64 cycleCount(Sources now) const;
    u64 eventCount(unsigned n, Sources now) const;
    // Folds the running counts into the bases before anything that changes how they count.
    void sync(Sources now);
    bool el0Allowed(u32 key, bool is_write) const;

    u64 pmcr_ = 0x4101'3000; // IMP 0x41 (Arm), IDCODE 0x01, N = 6
    u32 cnten_ = 0;          // PMCNTENSET/CLR: bit 31 cycle counter, bits 5..0 event counters
    u32 inten_ = 0;
    u32 ovs_ = 0;
    u32 selr_ = 0;
    u32 userenr_ = 0;
    u64 ccfiltr_ = 0;
    Counter cycle_{};
    std::array<Counter, kEventCounters> event_{};
    std::array<u32, kEventCounters> evtype_{};
};

} // namespace cmodx::sim
