#include "sim/pmu.h"

#include "isa/aarch64/sysreg.h"

namespace cmodx::sim {

namespace sr = isa::sysreg;

namespace {
constexpr u64 kPmcrE = 1u << 0;  // enable all counters
constexpr u64 kPmcrP = 1u << 1;  // reset event counters (write-only)
constexpr u64 kPmcrC = 1u << 2;  // reset cycle counter (write-only)
constexpr u64 kPmcrD = 1u << 3;  // cycle counter counts every 64th cycle
constexpr u64 kPmcrLc = 1u << 6; // long cycle counter overflow (64-bit)
constexpr u64 kPmcrWritable = kPmcrE | kPmcrD | (1u << 4) | (1u << 5) | kPmcrLc;
constexpr u32 kCycleBit = 1u << 31;
constexpr u32 kCounterMask = kCycleBit | ((1u << Pmu::kEventCounters) - 1);
// PMUSERENR_EL0 bits.
constexpr u32 kUserEn = 1u << 0, kUserSw = 1u << 1, kUserCr = 1u << 2, kUserEr = 1u << 3;
// Events this model counts (PMCEID0_EL0 bit = event number).
constexpr u64 kCeid0 = (u64{1} << Pmu::kEventSwIncr) | (u64{1} << Pmu::kEventInstRetired) |
                       (u64{1} << Pmu::kEventCpuCycles);

bool isEventCounter(u32 key, unsigned& n) {
    for (unsigned i = 0; i < Pmu::kEventCounters; ++i)
        if (key == sr::PMEVCNTRn_EL0(i)) {
            n = i;
            return true;
        }
    return false;
}
bool isEventType(u32 key, unsigned& n) {
    for (unsigned i = 0; i < Pmu::kEventCounters; ++i)
        if (key == sr::PMEVTYPERn_EL0(i)) {
            n = i;
            return true;
        }
    return false;
}
bool isPmuKey(u32 key) {
    unsigned n;
    switch (key) {
    case sr::PMCR_EL0:
    case sr::PMCNTENSET_EL0:
    case sr::PMCNTENCLR_EL0:
    case sr::PMOVSCLR_EL0:
    case sr::PMSWINC_EL0:
    case sr::PMSELR_EL0:
    case sr::PMCEID0_EL0:
    case sr::PMCEID1_EL0:
    case sr::PMCCNTR_EL0:
    case sr::PMXEVTYPER_EL0:
    case sr::PMXEVCNTR_EL0:
    case sr::PMUSERENR_EL0:
    case sr::PMINTENSET_EL1:
    case sr::PMINTENCLR_EL1:
    case sr::PMOVSSET_EL0:
    case sr::PMCCFILTR_EL0: return true;
    default: return isEventCounter(key, n) || isEventType(key, n);
    }
}
} // namespace

bool Pmu::cycleCounterRunning() const { return (pmcr_ & kPmcrE) && (cnten_ & kCycleBit); }
bool Pmu::eventCounterRunning(unsigned n) const { return (pmcr_ & kPmcrE) && (cnten_ & (1u << n)); }

u64 Pmu::sourceFor(u32 event, Sources now) const {
    switch (event & 0xffff) {
    case kEventInstRetired: return now.instructions;
    case kEventCpuCycles: return now.cycles;
    default: return 0; // not counted (SW_INCR is added explicitly)
    }
}

u64 Pmu::cycleCount(Sources now) const {
    if (!cycleCounterRunning()) return cycle_.base;
    const u64 elapsed = now.cycles - cycle_.source_base;
    return cycle_.base + ((pmcr_ & kPmcrD) ? elapsed / 64 : elapsed);
}

u64 Pmu::eventCount(unsigned n, Sources now) const {
    const Counter& c = event_[n];
    if (!eventCounterRunning(n)) return static_cast<u32>(c.base);
    return static_cast<u32>(c.base + (sourceFor(evtype_[n], now) - c.source_base));
}

void Pmu::sync(Sources now) {
    const u64 cycles = cycleCount(now);
    if (cycleCounterRunning() && !(pmcr_ & kPmcrD)) {
        // Overflow of the cycle counter: bit 31 of PMOVS (at 32 or 64 bits per PMCR.LC).
        const bool lc = pmcr_ & kPmcrLc;
        if (lc ? cycles < cycle_.base : (cycles >> 32) != (cycle_.base >> 32)) ovs_ |= kCycleBit;
    }
    cycle_ = {cycles, now.cycles};
    for (unsigned n = 0; n < kEventCounters; ++n) {
        const u64 full =
            event_[n].base +
            (eventCounterRunning(n) ? sourceFor(evtype_[n], now) - event_[n].source_base : 0);
        if ((full >> 32) != (event_[n].base >> 32)) ovs_ |= 1u << n;
        event_[n] = {static_cast<u32>(full), sourceFor(evtype_[n], now)};
    }
}

bool Pmu::el0Allowed(u32 key, bool is_write) const {
    if (userenr_ & kUserEn) return key != sr::PMUSERENR_EL0 || !is_write;
    unsigned n;
    switch (key) {
    case sr::PMUSERENR_EL0: return !is_write;
    case sr::PMSWINC_EL0: return is_write && (userenr_ & kUserSw);
    case sr::PMCCNTR_EL0: return !is_write && (userenr_ & kUserCr);
    case sr::PMSELR_EL0: return userenr_ & kUserEr;
    case sr::PMXEVCNTR_EL0: return !is_write && (userenr_ & kUserEr);
    default: return isEventCounter(key, n) && !is_write && (userenr_ & kUserEr);
    }
}

Pmu::Access Pmu::read(u32 key, unsigned el, Sources now) {
    if (!isPmuKey(key)) return {};
    if (key == sr::PMINTENSET_EL1 || key == sr::PMINTENCLR_EL1) {
        if (el == 0) return {Result::Undefined};
        return {Result::Ok, inten_};
    }
    if (el == 0 && !el0Allowed(key, false)) return {Result::Undefined};
    unsigned n;
    if (isEventCounter(key, n)) return {Result::Ok, eventCount(n, now)};
    if (isEventType(key, n)) return {Result::Ok, evtype_[n]};
    switch (key) {
    case sr::PMCR_EL0: return {Result::Ok, pmcr_};
    case sr::PMCNTENSET_EL0:
    case sr::PMCNTENCLR_EL0: return {Result::Ok, cnten_};
    case sr::PMOVSCLR_EL0:
    case sr::PMOVSSET_EL0: sync(now); return {Result::Ok, ovs_};
    case sr::PMSWINC_EL0: return {Result::Ok, 0}; // write-only: reads as zero
    case sr::PMSELR_EL0: return {Result::Ok, selr_};
    case sr::PMCEID0_EL0: return {Result::Ok, kCeid0};
    case sr::PMCEID1_EL0: return {Result::Ok, 0};
    case sr::PMCCNTR_EL0: return {Result::Ok, cycleCount(now)};
    case sr::PMXEVTYPER_EL0:
        if (selr_ == 31) return {Result::Ok, ccfiltr_};
        return {Result::Ok, selr_ < kEventCounters ? evtype_[selr_] : 0};
    case sr::PMXEVCNTR_EL0:
        return {Result::Ok, selr_ < kEventCounters ? eventCount(selr_, now) : 0};
    case sr::PMUSERENR_EL0: return {Result::Ok, userenr_};
    case sr::PMCCFILTR_EL0: return {Result::Ok, ccfiltr_};
    default: return {};
    }
}

Pmu::Access Pmu::write(u32 key, unsigned el, u64 value, Sources now) {
    if (!isPmuKey(key)) return {};
    if (key == sr::PMINTENSET_EL1 || key == sr::PMINTENCLR_EL1) {
        if (el == 0) return {Result::Undefined};
        if (key == sr::PMINTENSET_EL1)
            inten_ |= static_cast<u32>(value) & kCounterMask;
        else
            inten_ &= ~(static_cast<u32>(value) & kCounterMask);
        return {Result::Ok};
    }
    if (el == 0 && !el0Allowed(key, true)) return {Result::Undefined};
    // Read-only registers: writes are UNDEFINED.
    if (key == sr::PMCEID0_EL0 || key == sr::PMCEID1_EL0) return {Result::Undefined};
    sync(now);
    unsigned n;
    if (isEventCounter(key, n)) {
        event_[n].base = static_cast<u32>(value);
        return {Result::Ok};
    }
    if (isEventType(key, n)) {
        evtype_[n] = static_cast<u32>(value) & 0xfc00'ffff;
        event_[n].source_base = sourceFor(evtype_[n], now);
        return {Result::Ok};
    }
    switch (key) {
    case sr::PMCR_EL0:
        pmcr_ = (pmcr_ & ~kPmcrWritable) | (value & kPmcrWritable);
        if (value & kPmcrC) cycle_.base = 0;
        if (value & kPmcrP)
            for (Counter& c : event_)
                c.base = 0;
        break;
    case sr::PMCNTENSET_EL0: cnten_ |= static_cast<u32>(value) & kCounterMask; break;
    case sr::PMCNTENCLR_EL0: cnten_ &= ~(static_cast<u32>(value) & kCounterMask); break;
    case sr::PMOVSCLR_EL0: ovs_ &= ~(static_cast<u32>(value) & kCounterMask); break;
    case sr::PMOVSSET_EL0: ovs_ |= static_cast<u32>(value) & kCounterMask; break;
    case sr::PMSWINC_EL0:
        for (unsigned i = 0; i < kEventCounters; ++i)
            if ((value & (1u << i)) && eventCounterRunning(i) &&
                (evtype_[i] & 0xffff) == kEventSwIncr)
                event_[i].base = static_cast<u32>(event_[i].base + 1);
        break;
    case sr::PMSELR_EL0: selr_ = static_cast<u32>(value) & 0x1f; break;
    case sr::PMCCNTR_EL0: cycle_.base = value; break;
    case sr::PMXEVTYPER_EL0:
        if (selr_ == 31)
            ccfiltr_ = value & 0xfc00'0000;
        else if (selr_ < kEventCounters) {
            evtype_[selr_] = static_cast<u32>(value) & 0xfc00'ffff;
            event_[selr_].source_base = sourceFor(evtype_[selr_], now);
        }
        break;
    case sr::PMXEVCNTR_EL0:
        if (selr_ < kEventCounters) event_[selr_].base = static_cast<u32>(value);
        break;
    case sr::PMUSERENR_EL0: userenr_ = static_cast<u32>(value) & 0xf; break;
    case sr::PMCCFILTR_EL0: ccfiltr_ = value & 0xfc00'0000; break;
    default: break;
    }
    // Counters that start or stop running begin counting from now.
    sync(now);
    return {Result::Ok};
}

void Pmu::save(StateWriter& w) const {
    w.tag("PMU_");
    w.put(pmcr_);
    w.put(cnten_);
    w.put(inten_);
    w.put(ovs_);
    w.put(selr_);
    w.put(userenr_);
    w.put(ccfiltr_);
    w.put(cycle_.base);
    w.put(cycle_.source_base);
    for (unsigned n = 0; n < kEventCounters; ++n) {
        w.put(event_[n].base);
        w.put(event_[n].source_base);
        w.put(evtype_[n]);
    }
}

void Pmu::load(StateReader& r) {
    r.tag("PMU_");
    r.get(pmcr_);
    r.get(cnten_);
    r.get(inten_);
    r.get(ovs_);
    r.get(selr_);
    r.get(userenr_);
    r.get(ccfiltr_);
    r.get(cycle_.base);
    r.get(cycle_.source_base);
    for (unsigned n = 0; n < kEventCounters; ++n) {
        r.get(event_[n].base);
        r.get(event_[n].source_base);
        r.get(evtype_[n]);
    }
}

} // namespace cmodx::sim
