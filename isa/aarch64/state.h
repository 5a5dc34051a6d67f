// Architectural state of one AArch64 PE (processing element): what the Arm ARM calls the
// general-purpose registers, PSTATE and the System registers this model implements.
#pragma once

#include "isa/aarch64/bits.h"

#include <array>

namespace cmodx::isa {

// PSTATE.NZCV lives in bits 31..28, as in the NZCV system register and SPSR.
inline constexpr u32 kFlagN = 1u << 31;
inline constexpr u32 kFlagZ = 1u << 30;
inline constexpr u32 kFlagC = 1u << 29;
inline constexpr u32 kFlagV = 1u << 28;

// PSTATE.DAIF bits as they appear in the DAIF register and SPSR (bits 9..6).
inline constexpr u32 kDaifD = 1u << 9;
inline constexpr u32 kDaifA = 1u << 8;
inline constexpr u32 kDaifI = 1u << 7;
inline constexpr u32 kDaifF = 1u << 6;

struct CpuState {
    // X0..X30, and XZR in slot 31: it reads as zero because every instruction that writes
    // "register 31" as XZR writes there and the core zeroes the slot again when the
    // instruction retires or faults (clearZeroRegister). Reads therefore need no branch.
    std::array<u64, 32> x{};
    u64 pc = 0;

    // The stack pointer selected by PSTATE.SPSel and PSTATE.EL is kept in `sp`; the other one
    // waits in its banked slot (see selectStackPointer).
    u64 sp = 0;
    u64 sp_el0 = 0;
    u64 sp_el1 = 0;

    // PSTATE pieces.
    u32 nzcv = 0;                                 // bits 31..28
    u32 daif = kDaifD | kDaifA | kDaifI | kDaifF; // bits 9..6; all masked out of reset
    u8 el = 1;                                    // current exception level (0 or 1)
    bool spsel = true; // PSTATE.SPSel: true = SP_ELx (EL1h), false = SP_EL0 (EL1t)

    // Exception and translation System registers (EL1).
    u64 elr_el1 = 0;
    u64 spsr_el1 = 0;
    u64 esr_el1 = 0;
    u64 far_el1 = 0;
    u64 vbar_el1 = 0;
    u64 sctlr_el1 = 0x00c50838; // MMU and caches off; the value QEMU's cortex-a53 resets to
    u64 tpidr_el0 = 0;
    u64 tpidr_el1 = 0;
    u64 tpidrro_el0 = 0;
    u64 cpacr_el1 = 0;
    u64 tcr_el1 = 0;
    u64 ttbr0_el1 = 0;
    u64 ttbr1_el1 = 0;
    u64 mair_el1 = 0;
    u64 amair_el1 = 0;
    u64 contextidr_el1 = 0;
    u64 mdscr_el1 = 0;
    u64 mpidr_el1 = 0x80000000; // bit 31 RES1; Aff0 = core number, set by the machine
    // PAR_EL1: the result of the last AT instruction, or whatever software wrote (all 64 bits
    // are kept, as QEMU keeps them). Architecturally UNKNOWN out of reset; 0 here, as in QEMU.
    u64 par_el1 = 0;

    // Local exclusive monitor: set by load-exclusive, checked and cleared by store-exclusive.
    bool exclusive_valid = false;
    u64 exclusive_addr = 0;
    u64 exclusive_size = 0;

    // The event register WFE waits on (set by SEV/SEVL, exception return, monitor clearing).
    bool event_register = false;

    // Instructions retired on this PE.
    u64 retired = 0;

    void clearZeroRegister() { x[31] = 0; }

    // The SP register of an exception level, wherever it is currently kept.
    u64& stackPointer(unsigned level) {
        const bool active = level == 0 ? (el == 0 || !spsel) : (el == 1 && spsel);
        if (active) return sp;
        return level == 0 ? sp_el0 : sp_el1;
    }

    // Re-bank the stack pointer after a change of PSTATE.EL or PSTATE.SPSel.
    void selectStackPointer(u8 new_el, bool new_spsel) {
        const unsigned old_level = (el == 0 || !spsel) ? 0 : 1;
        const unsigned new_level = (new_el == 0 || !new_spsel) ? 0 : 1;
        (old_level == 0 ? sp_el0 : sp_el1) = sp;
        sp = new_level == 0 ? sp_el0 : sp_el1;
        el = new_el;
        spsel = new_spsel;
    }

    // PSTATE as saved into SPSR_EL1 on exception entry (AArch64 format).
    u64 pstateAsSpsr() const {
        const u64 mode = (u64{el} << 2) | (spsel ? 1 : 0);
        return u64{nzcv} | u64{daif} | mode;
    }
};

} // namespace cmodx::isa
