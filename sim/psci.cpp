// PSCI (Arm DEN 0022) over HVC #0, the conduit QEMU's virt board uses without EL3: CPU power
// management and system power. Function ID in X0, arguments in X1..X3, result in X0.
#include "sim/machine.h"

#include <fmt/format.h>

namespace cmodx::sim {

using isa::s64;

namespace {
// Function IDs; the SMC64 forms (0xC4...) take 64-bit arguments.
constexpr u32 kVersion = 0x8400'0000;
constexpr u32 kCpuSuspend32 = 0x8400'0001, kCpuSuspend64 = 0xc400'0001;
constexpr u32 kCpuOff = 0x8400'0002;
constexpr u32 kCpuOn32 = 0x8400'0003, kCpuOn64 = 0xc400'0003;
constexpr u32 kAffinityInfo32 = 0x8400'0004, kAffinityInfo64 = 0xc400'0004;
constexpr u32 kMigrateInfoType = 0x8400'0006;
constexpr u32 kSystemOff = 0x8400'0008;
constexpr u32 kSystemReset = 0x8400'0009;
constexpr u32 kFeatures = 0x8400'000a;

// Return codes.
constexpr s64 kSuccess = 0;
constexpr s64 kNotSupported = -1;
constexpr s64 kInvalidParameters = -2;
constexpr s64 kAlreadyOn = -4;

constexpr u64 kVersion_1_1 = 0x0001'0001; // what QEMU 7.2 implements
constexpr u64 kAffinityOn = 0, kAffinityOff = 1;
constexpr u64 kMigrateNotRequired = 2; // no Trusted OS

bool isPsciFunction(u64 fn) {
    const u32 f = static_cast<u32>(fn);
    return (fn >> 32) == 0 &&
           ((f & 0xffff'ffe0) == 0x8400'0000 || (f & 0xffff'ffe0) == 0xc400'0000);
}

bool supported(u32 fn) {
    switch (fn) {
    case kVersion:
    case kCpuSuspend32:
    case kCpuSuspend64:
    case kCpuOff:
    case kCpuOn32:
    case kCpuOn64:
    case kAffinityInfo32:
    case kAffinityInfo64:
    case kMigrateInfoType:
    case kSystemOff:
    case kSystemReset:
    case kFeatures: return true;
    default: return false;
    }
}
} // namespace

bool Machine::psciCall(Core& caller) {
    isa::CpuState& s = caller.state();
    const u64 fn = s.x[0];
    if (!isPsciFunction(fn)) return false; // HVC without EL2: UNDEFINED
    const bool smc64 = (fn & 0x4000'0000) != 0;
    const auto arg = [&](unsigned i) { return smc64 ? s.x[i] : s.x[i] & 0xffff'ffff; };
    // The core a target MPIDR names (Aff0 = core number, the other affinity levels 0), or null.
    const auto target = [&](u64 mpidr) -> Core* {
        if ((mpidr & 0xff'00ff'ff00) != 0 || (mpidr & 0xff) >= cores_.size()) return nullptr;
        return cores_[mpidr & 0xff].get();
    };
    s64 result = kSuccess;
    switch (static_cast<u32>(fn)) {
    case kVersion: result = static_cast<s64>(kVersion_1_1); break;
    case kCpuSuspend32:
    case kCpuSuspend64:
        // Only standby states exist here (as in QEMU): the core waits as in WFI.
        s.x[0] = 0;
        caller.waitForInterrupt();
        return true;
    case kCpuOff:
        caller.powerOff();
        if (wants(Observer::kDevice))
            notify(Observer::kDevice, [&](Observer& o) {
                o.onDevice({DeviceEventKind::CpuOff, caller.index(), 0}, caller.currentCycle());
            });
        return true;
    case kCpuOn32:
    case kCpuOn64: {
        Core* t = target(arg(1));
        if (!t) {
            result = kInvalidParameters;
        } else if (t->activity() != CoreActivity::Off) {
            result = kAlreadyOn;
        } else {
            t->powerOn(arg(2), arg(3), caller.currentCycle());
            if (wants(Observer::kDevice))
                notify(Observer::kDevice, [&](Observer& o) {
                    o.onDevice({DeviceEventKind::CpuOn, t->index(), arg(2)}, caller.currentCycle());
                });
        }
        break;
    }
    case kAffinityInfo32:
    case kAffinityInfo64: {
        Core* t = target(arg(1));
        if (!t || arg(2) != 0)
            result = kInvalidParameters;
        else
            result =
                static_cast<s64>(t->activity() == CoreActivity::Off ? kAffinityOff : kAffinityOn);
        break;
    }
    case kMigrateInfoType: result = static_cast<s64>(kMigrateNotRequired); break;
    case kSystemOff: requestStop(StopReason::PoweredOff); return true;
    case kSystemReset: requestStop(StopReason::Reset); return true;
    case kFeatures: result = supported(static_cast<u32>(arg(1))) ? kSuccess : kNotSupported; break;
    default: result = kNotSupported; break;
    }
    s.x[0] = static_cast<u64>(result);
    return true;
}

} // namespace cmodx::sim
