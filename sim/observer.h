// Observers watch a running machine: statistics, traces, race oracles and the visualizer are all
// observers. The machine calls them synchronously, in simulated-time order, on the thread that
// runs it. An observer declares which events it wants; a machine whose observers want no
// per-instruction or per-store events keeps its fast path (threaded dispatch, direct RAM stores)
// and pays nothing for the observers it has.
#pragma once

#include "isa/aarch64/bits.h"
#include "isa/aarch64/platform.h"

namespace cmodx::sim {

using isa::u32;
using isa::u64;
using isa::u8;

// Why a core entered an exception vector.
enum class ExceptionKind : u8 { Synchronous, Irq, Fiq };

struct ExceptionEvent {
    ExceptionKind kind;
    u64 pc;     // preferred return address (ELR_EL1 after entry)
    u64 vector; // where execution continues
    u64 esr;    // ESR_EL1 (synchronous exceptions only)
    u64 far;    // FAR_EL1 when the syndrome has one
    u8 from_el;
};

// Things devices and firmware do that a trace or an oracle may care about.
enum class DeviceEventKind : u8 {
    CpuOn,         // PSCI CPU_ON: `core` powered on at `value` (entry point)
    CpuOff,        // PSCI CPU_OFF
    IrqInjected,   // an --inject irq fired; `value` = INTID
    StallBegin,    // an --inject stall began; `value` = cycles
    ConsoleOutput, // a byte written to the console; `value` = the byte
};

struct DeviceEvent {
    DeviceEventKind kind;
    unsigned core;
    u64 value;
};

class Observer {
public:
    // Bits of interests(): which callbacks this observer needs.
    enum Interest : unsigned {
        kRetire = 1,           // every retired instruction (forces single-stepping)
        kException = 2,        // exception entries
        kMemoryWrite = 4,      // every data store (forces the slow store path)
        kCacheMaintenance = 8, // DC / IC / TLBI
        kDevice = 16,          // DeviceEvent
    };

    virtual ~Observer() = default;
    virtual unsigned interests() const = 0;

    // `pc` and `insn` of an instruction that just completed on `core` at global `cycle`.
    virtual void onRetire(unsigned core, u64 pc, u32 insn, u64 cycle) {
        (void)core, (void)pc, (void)insn, (void)cycle;
    }
    virtual void onException(unsigned core, const ExceptionEvent& event, u64 cycle) {
        (void)core, (void)event, (void)cycle;
    }
    // A data store: virtual and physical address, size in bytes, the value stored.
    virtual void onMemoryWrite(unsigned core, u64 va, u64 pa, unsigned size, u64 value, u64 cycle) {
        (void)core, (void)va, (void)pa, (void)size, (void)value, (void)cycle;
    }
    virtual void onCacheMaintenance(unsigned core, isa::CacheOp op, u64 va, u64 cycle) {
        (void)core, (void)op, (void)va, (void)cycle;
    }
    virtual void onDevice(const DeviceEvent& event, u64 cycle) { (void)event, (void)cycle; }
};

} // namespace cmodx::sim
