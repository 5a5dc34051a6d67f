// The boundary between the ISA layer and the machine around it (dynarmic's UserCallbacks, ares's
// abstract bus). Instruction semantics reach RAM through a direct window for speed and everything
// else -- MMIO, hypervisor calls, semihosting, cache maintenance, System registers the machine
// owns -- through this interface.
#pragma once

#include "isa/aarch64/bits.h"

#include <optional>

namespace cmodx::isa {

// Cache and TLB maintenance operations executed by SYS instructions.
enum class CacheOp : u8 {
    IcIalluis, // IC IALLUIS: invalidate all instruction caches, Inner Shareable
    IcIallu,   // IC IALLU:   invalidate this PE's instruction cache
    IcIvau,    // IC IVAU:    invalidate instruction cache line by VA to PoU
    DcCvau,    // DC CVAU:    clean data cache line by VA to PoU
    DcCvac,
    DcCivac,
    DcIvac,
    DcSetWay, // DC ISW/CSW/CISW
    DcZva,    // DC ZVA (zeroing is done by the executor; this reports it)
    // TLB maintenance (TLBI). The "Is" forms are broadcast to every PE in the Inner Shareable
    // domain; `addr` is the register operand as written (VA[55:12] in bits 43..0, ASID 63..48).
    TlbiVmalle1,
    TlbiVmalle1Is,
    TlbiVae1, // VAE1, VALE1, VAAE1, VAALE1: by virtual address
    TlbiVae1Is,
    TlbiAside1,
    TlbiAside1Is,
};

// Host-side view of guest RAM: [base, base + size) maps to host[0 .. size). size >= 8.
struct RamWindow {
    u8* host = nullptr;
    u64 base = 0;
    u64 size = 0;
    // One byte per 4 KiB page of RAM, checked at the first byte of every store; a store to a
    // page whose byte is non-zero is reported through Platform::watchedStore. The machine sets
    // it on pages holding decoded code (and on the page before each of them, so a store that
    // starts there and spills over into code is reported too) and on pages holding an
    // exclusive reservation.
    const u8* code_pages = nullptr;
};

class Platform {
public:
    virtual ~Platform() = default;

    // Physical accesses outside the RAM window. Return false when nothing answers at `addr`
    // (the executor then raises a synchronous external abort).
    virtual bool readSlow(u64 addr, unsigned size, u64& value) = 0;
    virtual bool writeSlow(u64 addr, unsigned size, u64 value) = 0;

    // A data store to RAM at physical `pa` touched a watched page (see RamWindow::code_pages).
    virtual void watchedStore(u64 pa, unsigned size) = 0;
    // Every store to RAM or MMIO while Executor::fast_stores is false (observers).
    virtual void observedStore(u64 va, u64 pa, unsigned size, u64 value) = 0;

    // The global exclusive monitor (physical addresses). A load-exclusive marks [pa, pa+size)
    // for this PE; a store-exclusive asks whether this PE still holds it (and clears it).
    virtual void exclusiveLoad(u64 pa, unsigned size) = 0;
    virtual bool exclusiveStore(u64 pa, unsigned size) = 0;
    virtual void clearExclusive() = 0;

    // The PE's cached translations were dropped (TLB maintenance, or a write to SCTLR, TCR,
    // TTBR0/1 or MAIR): whatever the platform caches by virtual address must go too.
    virtual void translationsFlushed() = 0;

    // HVC #imm from EL1. Return true if the platform consumed the call (PSCI); false makes the
    // HVC UNDEFINED, as on a machine without EL2.
    virtual bool hypervisorCall(u16 imm) = 0;

    // HLT #imm. Return true if handled (semihosting, HLT #0xF000); false makes it UNDEFINED.
    virtual bool haltInstruction(u16 imm) = 0;

    // WFI / WFE / SEV hints.
    virtual void waitForInterrupt() = 0;
    virtual void waitForEvent() = 0;
    virtual void sendEvent() = 0;

    // DC / IC maintenance on the line containing `addr` (addr is ignored for "all" forms).
    virtual void cacheMaintenance(CacheOp op, u64 addr) = 0;

    // A context synchronisation event (ISB, ERET): instructions fetched but not yet executed
    // are discarded, so the next ones are fetched afresh.
    virtual void contextSynchronize() {}

    // System registers the machine owns (timers, GIC CPU interface, PMU ...). `key` is the
    // 16-bit encoding op0:op1:CRn:CRm:op2. nullopt / false means "no such register here".
    virtual std::optional<u64> readSysReg(u32 key) = 0;
    virtual bool writeSysReg(u32 key, u64 value) = 0;
};

} // namespace cmodx::isa
