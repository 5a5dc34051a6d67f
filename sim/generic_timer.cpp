#include "sim/generic_timer.h"

#include "isa/aarch64/sysreg.h"

#include <optional>
#include <stdexcept>

namespace cmodx::sim {

namespace {

using isa::u128;
namespace sysreg = isa::sysreg;

// CNTKCTL_EL1 fields (ARMv8.0, no FEAT_VHE). The event stream fields (EVNTEN, EVNTDIR, EVNTI)
// are kept for software to read back; no event stream is generated.
constexpr u64 kEl0Pcten = 1u << 0, kEl0Vcten = 1u << 1, kEl0Vten = 1u << 8, kEl0Pten = 1u << 9;
constexpr u64 kCntkctlMask = 0x3ff;

// CNTx_CTL_EL0: ENABLE [0] and IMASK [1] are writable; ISTATUS [2] is read-only.
constexpr u64 kCtlEnable = 1u << 0, kCtlImask = 1u << 1, kCtlIstatus = 1u << 2;

// The timer registers of the EL1 physical and the virtual timer.
enum class Field { Ctl, Cval, Tval };
struct TimerReg {
    unsigned which; // 0: physical, 1: virtual
    Field field;
};
std::optional<TimerReg> timerReg(u32 key) {
    switch (key) {
    case sysreg::CNTP_CTL_EL0: return TimerReg{0, Field::Ctl};
    case sysreg::CNTP_CVAL_EL0: return TimerReg{0, Field::Cval};
    case sysreg::CNTP_TVAL_EL0: return TimerReg{0, Field::Tval};
    case sysreg::CNTV_CTL_EL0: return TimerReg{1, Field::Ctl};
    case sysreg::CNTV_CVAL_EL0: return TimerReg{1, Field::Cval};
    case sysreg::CNTV_TVAL_EL0: return TimerReg{1, Field::Tval};
    default: return std::nullopt;
    }
}

constexpr GenericTimer::Access ok(u64 v) { return {GenericTimer::Access::Ok, v}; }
constexpr GenericTimer::Access kUndefined{GenericTimer::Access::Undefined};
constexpr GenericTimer::Access kNotTimer{GenericTimer::Access::NotTimer};

} // namespace

GenericTimer::GenericTimer(unsigned cpus, GicV3& gic, u64 cpu_hz, u64 counter_hz)
    : cpus_(cpus), gic_(gic), cpu_hz_(cpu_hz), counter_hz_(counter_hz), cpu_(cpus) {
    if (cpus == 0 || cpus > gic.cpus())
        throw std::invalid_argument("GenericTimer: core count does not match the GIC");
    if (cpu_hz == 0 || counter_hz == 0)
        throw std::invalid_argument("GenericTimer: clock frequencies must be non-zero");
    for (PerCpu& p : cpu_)
        p.cntfrq = counter_hz;
}

u64 GenericTimer::counterAt(u64 cycle) const {
    return static_cast<u64>(u128{cycle} * counter_hz_ / cpu_hz_);
}

// The timer condition: CVAL <= count, compared as unsigned 64-bit values.
bool GenericTimer::conditionMet(const Timer& t, u64 now_cycle) const {
    return (t.ctl & kCtlEnable) && counterAt(now_cycle) >= t.cval;
}

// The smallest cycle c with floor(c * counter_hz / cpu_hz) >= count, that is
// c = ceil(count * cpu_hz / counter_hz); ~0 if no 64-bit cycle reaches `count` before the
// counter wraps.
u64 GenericTimer::firstCycleReaching(u64 count) const {
    // count * cpu_hz < 2^128 - 2^65 + 1, so adding counter_hz - 1 cannot overflow either.
    const u128 c = (u128{count} * cpu_hz_ + counter_hz_ - 1) / counter_hz_;
    if (c > ~u64{0}) return ~u64{0};
    auto exactCount = [this](u128 cycle) { return cycle * counter_hz_ / cpu_hz_; };
    // The division above is exact: c reaches `count` and c - 1 does not. Beyond 2^64 the
    // counter would have wrapped on the way, so the condition never holds at c.
    if (exactCount(c) > ~u64{0}) return ~u64{0};
    return static_cast<u64>(c);
}

GenericTimer::Access GenericTimer::readSysReg(unsigned cpu, u32 key, unsigned el, u64 now_cycle) {
    const PerCpu& p = cpu_.at(cpu);
    // At EL0 each register is gated by its CNTKCTL_EL1 enable(s).
    const auto el0 = [&](u64 enables) { return el > 0 || (p.cntkctl & enables) != 0; };
    switch (key) {
    case sysreg::CNTFRQ_EL0: return el0(kEl0Pcten | kEl0Vcten) ? ok(p.cntfrq) : kUndefined;
    case sysreg::CNTPCT_EL0: return el0(kEl0Pcten) ? ok(counterAt(now_cycle)) : kUndefined;
    case sysreg::CNTVCT_EL0: return el0(kEl0Vcten) ? ok(counterAt(now_cycle)) : kUndefined;
    case sysreg::CNTKCTL_EL1: return el > 0 ? ok(p.cntkctl) : kUndefined;
    default: break;
    }
    const auto reg = timerReg(key);
    if (!reg) return kNotTimer;
    if (!el0(reg->which == kPhysical ? kEl0Pten : kEl0Vten)) return kUndefined;
    const Timer& t = p.timer[reg->which];
    switch (reg->field) {
    case Field::Ctl: return ok(t.ctl | (conditionMet(t, now_cycle) ? kCtlIstatus : 0));
    case Field::Cval: return ok(t.cval);
    // TimerValue is the signed 32-bit view of CVAL - count; bits [63:32] are RES0.
    case Field::Tval: return ok(static_cast<u32>(t.cval - counterAt(now_cycle)));
    }
    return kNotTimer;
}

GenericTimer::Access GenericTimer::writeSysReg(unsigned cpu, u32 key, unsigned el, u64 value,
                                               u64 now_cycle) {
    PerCpu& p = cpu_.at(cpu);
    switch (key) {
    case sysreg::CNTFRQ_EL0:
        if (el == 0) return kUndefined;
        p.cntfrq = value & 0xffff'ffff; // [63:32] RES0
        return ok(0);
    case sysreg::CNTPCT_EL0:
    case sysreg::CNTVCT_EL0: return kUndefined; // read-only
    case sysreg::CNTKCTL_EL1:
        if (el == 0) return kUndefined;
        p.cntkctl = value & kCntkctlMask;
        return ok(0);
    default: break;
    }
    const auto reg = timerReg(key);
    if (!reg) return kNotTimer;
    if (el == 0 && !(p.cntkctl & (reg->which == kPhysical ? kEl0Pten : kEl0Vten)))
        return kUndefined;
    Timer& t = p.timer[reg->which];
    switch (reg->field) {
    case Field::Ctl: t.ctl = value & (kCtlEnable | kCtlImask); break;
    case Field::Cval: t.cval = value; break;
    // CVAL = count + SignExtend(TimerValue).
    case Field::Tval: t.cval = counterAt(now_cycle) + isa::signExtend(value, 32); break;
    }
    update(now_cycle);
    return ok(0);
}

void GenericTimer::update(u64 now_cycle) {
    for (unsigned c = 0; c < cpus_; ++c) {
        for (unsigned which : {kPhysical, kVirtual}) {
            const Timer& t = cpu_[c].timer[which];
            const bool level = conditionMet(t, now_cycle) && !(t.ctl & kCtlImask);
            gic_.setPpiLevel(c, which == kPhysical ? kPhysicalPpi : kVirtualPpi, level);
        }
    }
}

u64 GenericTimer::nextEventCycle(u64 now_cycle) const {
    u64 next = ~u64{0};
    for (const PerCpu& p : cpu_) {
        for (const Timer& t : p.timer) {
            if ((t.ctl & (kCtlEnable | kCtlImask)) != kCtlEnable) continue; // output stays low
            if (conditionMet(t, now_cycle)) continue;                       // already high
            const u64 c = firstCycleReaching(t.cval);
            if (c > now_cycle && c < next) next = c;
        }
    }
    return next;
}

void GenericTimer::save(StateWriter& w) const {
    w.tag("GTMR");
    w.put(cpus_);
    w.put(cpu_hz_);
    w.put(counter_hz_);
    for (const PerCpu& p : cpu_) {
        w.put(p.cntfrq);
        w.put(p.cntkctl);
        for (const Timer& t : p.timer) {
            w.put(t.ctl);
            w.put(t.cval);
        }
    }
}

// The PPI levels live in the GIC's snapshot, so nothing is driven here.
void GenericTimer::load(StateReader& r) {
    r.tag("GTMR");
    if (r.get<unsigned>() != cpus_ || r.get<u64>() != cpu_hz_ || r.get<u64>() != counter_hz_)
        throw SnapshotError("generic timer snapshot is for another machine configuration");
    for (PerCpu& p : cpu_) {
        r.get(p.cntfrq);
        r.get(p.cntkctl);
        for (Timer& t : p.timer) {
            r.get(t.ctl);
            r.get(t.cval);
        }
    }
}

} // namespace cmodx::sim
