// Stage 1 address translation for the EL1&0 translation regime (Arm ARM D8, VMSAv8-64), as a
// pure function of the translation System registers and physical memory: the pseudocode's
// AArch64.FirstStageTranslate, with AArch64.TranslationTableWalk and AArch64.CheckPermission.
// It holds no state, so the core is free to cache its results in a TLB of its own and the
// tests can drive it without a machine.
//
// What this models (an ARMv8.0 PE, QEMU's cortex-a53):
// - 4 KiB translation granule only. A 16 KiB or 64 KiB granule in TCR_EL1.TG0/TG1 gives a
//   Translation fault at level 0 (a limitation of this model: the Cortex-A53 implements 64 KiB).
// - PAMax() = 40 bits (ID_AA64MMFR0_EL1.PARange = 0b0010), for TCR_EL1.IPS and with the MMU off.
// - Top-byte-ignore (TCR_EL1.TBI0/TBI1) applies to instruction fetches too: TCR_EL1.TBIDx, which
//   makes it data-only, arrived with FEAT_PAuth (ARMv8.3).
// - No hardware Access flag or dirty state update (FEAT_HAFDBS, ARMv8.1): AF = 0 faults.
// - No PAN, no EL2 (so no stage 2), little-endian descriptors (SCTLR_EL1.EE is not modelled).
#pragma once

#include "isa/aarch64/bits.h"
#include "isa/aarch64/exception.h"
#include "isa/aarch64/platform.h"

namespace cmodx::isa {

enum class AccessType : u8 { Read, Write, Fetch };

enum class MemType : u8 { Device, Normal };

// The System registers that control EL1&0 stage 1 translation.
struct TranslationRegs {
    u64 sctlr = 0x00c50838; // SCTLR_EL1: M [0] enables translation, WXN [19]
    u64 tcr = 0;            // TCR_EL1
    u64 ttbr0 = 0;          // TTBR0_EL1: ASID [63:48], BADDR [47:1]
    u64 ttbr1 = 0;          // TTBR1_EL1
    u64 mair = 0;           // MAIR_EL1: eight attribute bytes selected by a descriptor's AttrIndx
};

// Permission bits of a translation: what the final descriptor, combined with the table-level
// APTable/XNTable bits, SCTLR_EL1.WXN and the implicit rule "EL0-writable => not
// EL1-executable", allows.
enum Perm : u8 {
    kEl1Read = 1,
    kEl1Write = 2,
    kEl1Exec = 4,
    kEl0Read = 8,
    kEl0Write = 16,
    kEl0Exec = 32,
};

struct Translation {
    bool ok = false;
    // pa, type, mair_attr, perms, global, asid and block_size are valid when ok, and also for a
    // Permission fault (the walk succeeded; only the access was denied).
    u64 pa = 0;
    MemType type = MemType::Normal;
    u8 mair_attr = 0;       // the MAIR byte selected by AttrIndx (0 with the MMU off)
    u8 shareability = 0b10; // the descriptor's SH[1:0] (0b10, Outer Shareable, with the MMU off)
    u8 perms = 0;           // Perm bits
    bool global = true;     // nG == 0
    u16 asid = 0;           // from the TTBR that TCR_EL1.A1 selects; 8 bits unless TCR_EL1.AS
    unsigned level = 0;     // level of the final descriptor, or of the fault
    u64 block_size = 4096;  // size of the region the final descriptor maps (4 KiB, 2 MiB, 1 GiB)
    FaultStatus fault{};    // when !ok
};

// Translate `va` for an access of `type` at exception level `el` (0 or 1), including the
// permission check for that access (a denied access is a Permission fault). Descriptors are read
// from `ram` (physical addresses); a descriptor outside it is a synchronous External abort on the
// translation table walk at that level.
// With SCTLR_EL1.M == 0 the map is flat, pa = va less any ignored top byte; a va above PAMax()
// is an Address size fault at level 0. Data accesses are then Device-nGnRnE, instruction fetches
// Normal, and everything is permitted.
Translation translate(const TranslationRegs& regs, const RamWindow& ram, u64 va, AccessType type,
                      unsigned el);

// For the core: the Instruction or Data Abort, taken to EL1, that reports a failed translation
// (full ESR_EL1 syndrome, FAR_EL1 = va).
GuestException abortFor(const Translation& t, u64 va, AccessType type, unsigned el);

// Whether a failed translation ended in a synchronous External abort on the walk (a descriptor
// outside RAM). An address translation instruction does not report that in PAR_EL1: it takes a
// Data Abort instead (Executor::addressTranslate).
bool isWalkExternalAbort(FaultStatus status);

// The value of PAR_EL1 (64-bit format) with which an address translation instruction (AT S1E1R,
// S1E1W, S1E0R, S1E0W) reports `t`:
// - success, F [0] = 0: ATTR [63:56] = the MAIR attribute byte (0x00, Device-nGnRnE, with the MMU
//   off), PA [47:12], bit 11 RES1, NS [9] = 1 (UNKNOWN for a Non-secure translation regime;
//   QEMU reports 1), SH [8:7]: 0b10 for Device and for Inner and Outer Non-cacheable Normal
//   memory, as the Arm ARM requires, else the descriptor's SH (the reserved 0b01, CONSTRAINED
//   UNPREDICTABLE, is taken as 0b10, Outer Shareable).
// - a fault, F [0] = 1: FST [6:1] = the fault status code (with the level), bit 11 RES1, S [9]
//   and PTW [8] 0 (there is no stage 2); every other bit 0.
u64 parFor(const Translation& t);

} // namespace cmodx::isa
