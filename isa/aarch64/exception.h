// Synchronous exceptions raised by instruction semantics. A handler that cannot complete throws a
// GuestException; the core catches it between instructions and performs exception entry. The
// C++ throw is the slow path only: no instruction that completes pays for it.
#pragma once

#include "isa/aarch64/bits.h"

namespace cmodx::isa {

// ESR_ELx.EC values (Arm ARM D17.2.37) for the exceptions this model raises.
enum class ExceptionClass : u8 {
    Unknown = 0x00, // UNDEFINED instruction
    WfxTrap = 0x01,
    IllegalState = 0x0e,
    Svc64 = 0x15,
    Hvc64 = 0x16,
    Smc64 = 0x17,
    SysRegTrap = 0x18,
    InstrAbortLowerEl = 0x20,
    InstrAbortSameEl = 0x21,
    PcAlignment = 0x22,
    DataAbortLowerEl = 0x24,
    DataAbortSameEl = 0x25,
    SpAlignment = 0x26,
    Brk64 = 0x3c,
};

// Data/instruction fault status codes (DFSC/IFSC) used in ESR.ISS. The translation-related
// codes carry the lookup level in their low two bits. Access flag and Permission faults at
// level 0 exist only with FEAT_LPA2, which an ARMv8.0 PE does not have.
enum class FaultStatus : u8 {
    AddressSizeL0 = 0x00,
    AddressSizeL1 = 0x01,
    AddressSizeL2 = 0x02,
    AddressSizeL3 = 0x03,
    TranslationL0 = 0x04,
    TranslationL1 = 0x05,
    TranslationL2 = 0x06,
    TranslationL3 = 0x07,
    AccessFlagL1 = 0x09,
    AccessFlagL2 = 0x0a,
    AccessFlagL3 = 0x0b,
    PermissionL1 = 0x0d,
    PermissionL2 = 0x0e,
    PermissionL3 = 0x0f,
    SyncExternal = 0x10,
    SyncExternalOnWalkL0 = 0x14, // synchronous External abort on a translation table walk
    SyncExternalOnWalkL1 = 0x15,
    SyncExternalOnWalkL2 = 0x16,
    SyncExternalOnWalkL3 = 0x17,
    Alignment = 0x21,
};

struct GuestException {
    ExceptionClass ec;
    u32 iss = 0;    // instruction-specific syndrome
    bool il = true; // instruction length bit: 32-bit instruction
    bool far_valid = false;
    u64 far = 0; // faulting virtual address when far_valid
    // For SVC/HVC/SMC the preferred return address is the next instruction.
    bool return_to_next = false;

    u64 esr() const {
        return (u64{static_cast<u8>(ec)} << 26) | (u64{il} << 25) | (iss & 0x1ffffff);
    }
};

} // namespace cmodx::isa

namespace cmodx::isa {

struct CpuState;

// Exception entry to EL1 for a synchronous exception raised by the instruction at s.pc
// (AArch64.TakeException): saves ELR/SPSR/ESR/FAR, masks DAIF, selects SP_EL1 and jumps to the
// VBAR_EL1 vector. The local exclusive monitor is cleared.
void takeSyncException(CpuState& s, const GuestException& ex);

// Exception entry for an IRQ taken before the instruction at s.pc.
void takeIrq(CpuState& s);
void takeFiq(CpuState& s);

} // namespace cmodx::isa
