// The Arm generic timer: one system counter derived from simulated cycles, and per core an EL1
// physical timer (PPI 30) and a virtual timer (PPI 27), both level-sensitive inputs of the GIC.
// There is no EL2 or EL3, so CNTVOFF_EL2 = 0 (CNTVCT = CNTPCT) and CNTHCTL_EL2 has no effect.
#pragma once

#include "sim/gicv3.h"
#include "sim/snapshot.h"

#include <array>
#include <vector>

namespace cmodx::sim {

class GenericTimer {
public:
    static constexpr unsigned kPhysicalPpi = 30, kVirtualPpi = 27;

    // counter_hz is what CNTFRQ_EL0 resets to; the machine uses 62'500'000 (QEMU virt).
    GenericTimer(unsigned cpus, GicV3& gic, u64 cpu_hz, u64 counter_hz);

    // CNTPCT at a global cycle: floor(cycle * counter_hz / cpu_hz), with a 128-bit intermediate
    // (truncated to 64 bits, as the counter wraps).
    u64 counterAt(u64 cycle) const;

    // System registers: CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0,
    // CNTP_TVAL_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0, CNTV_TVAL_EL0, CNTKCTL_EL1. `el` is the
    // current exception level (0 or 1). Undefined: the access is denied at EL0 by CNTKCTL_EL1
    // (EL0PCTEN, EL0VCTEN, EL0PTEN, EL0VTEN; CNTFRQ_EL0 is readable at EL0 if EL0PCTEN or
    // EL0VCTEN is set), or it is a write to a read-only register (CNTPCT_EL0, CNTVCT_EL0,
    // CNTFRQ_EL0 at EL0), or CNTKCTL_EL1 at EL0.
    struct Access {
        enum Result { NotTimer, Undefined, Ok } result;
        u64 value = 0;
    };
    Access readSysReg(unsigned cpu, u32 key, unsigned el, u64 now_cycle);
    // CNTFRQ_EL0 is writable at the highest implemented exception level, here EL1 (as in QEMU
    // without EL2/EL3). Writing it changes only what software reads, not the counter's rate.
    Access writeSysReg(unsigned cpu, u32 key, unsigned el, u64 value, u64 now_cycle);

    // Re-evaluates every timer condition at `now_cycle` and drives the PPIs
    // (level = ENABLE && ISTATUS && !IMASK).
    void update(u64 now_cycle);

    // The earliest cycle after `now_cycle` at which a timer output rises: the smallest cycle c
    // with counterAt(c) >= CVAL over the timers that are enabled and unmasked and whose
    // condition does not hold yet at `now_cycle`. ~0 if there is none. Outputs only change
    // otherwise through register writes, so a machine with every core in WFI can jump there.
    // (The counter is assumed never to wrap: 2^64 ticks.)
    u64 nextEventCycle(u64 now_cycle) const;

    void save(StateWriter&) const;
    // Restores the registers only: the PPI levels they imply are part of the GIC's snapshot.
    void load(StateReader&);

private:
    enum Which { kPhysical = 0, kVirtual = 1 };
    struct Timer {
        u64 ctl = 0; // ENABLE [0], IMASK [1]; ISTATUS is computed when read
        u64 cval = 0;
    };
    struct PerCpu {
        u64 cntfrq;
        u64 cntkctl = 0;
        std::array<Timer, 2> timer{};
    };

    bool conditionMet(const Timer& t, u64 now_cycle) const;
    u64 firstCycleReaching(u64 count) const;

    unsigned cpus_;
    GicV3& gic_;
    u64 cpu_hz_, counter_hz_;
    std::vector<PerCpu> cpu_;
};

} // namespace cmodx::sim
