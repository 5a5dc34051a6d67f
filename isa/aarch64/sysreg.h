// System register encodings (op0, op1, CRn, CRm, op2) packed into the 16-bit key used by MRS/MSR
// and the Platform's readSysReg/writeSysReg.
#pragma once

#include "isa/aarch64/bits.h"

namespace cmodx::isa::sysreg {

constexpr u32 key(u32 op0, u32 op1, u32 crn, u32 crm, u32 op2) {
    return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
}

// The 15-bit MRS/MSR field (o0:op1:CRn:CRm:op2) with op0 = 2 + o0.
constexpr u32 fromMoveField(u32 field15) {
    return (2u + (field15 >> 14)) << 14 | (field15 & 0x3fff);
}

inline constexpr u32 MIDR_EL1 = key(3, 0, 0, 0, 0);
inline constexpr u32 MPIDR_EL1 = key(3, 0, 0, 0, 5);
inline constexpr u32 ID_AA64PFR0_EL1 = key(3, 0, 0, 4, 0);
inline constexpr u32 ID_AA64ISAR0_EL1 = key(3, 0, 0, 6, 0);
inline constexpr u32 SCTLR_EL1 = key(3, 0, 1, 0, 0);
inline constexpr u32 CPACR_EL1 = key(3, 0, 1, 0, 2);
inline constexpr u32 SPSR_EL1 = key(3, 0, 4, 0, 0);
inline constexpr u32 ELR_EL1 = key(3, 0, 4, 0, 1);
inline constexpr u32 SP_EL0 = key(3, 0, 4, 1, 0);
inline constexpr u32 SPSel = key(3, 0, 4, 2, 0);
inline constexpr u32 CurrentEL = key(3, 0, 4, 2, 2);
inline constexpr u32 ESR_EL1 = key(3, 0, 5, 2, 0);
inline constexpr u32 FAR_EL1 = key(3, 0, 6, 0, 0);
inline constexpr u32 VBAR_EL1 = key(3, 0, 12, 0, 0);
inline constexpr u32 TPIDR_EL1 = key(3, 0, 13, 0, 4);
inline constexpr u32 CTR_EL0 = key(3, 3, 0, 0, 1);
inline constexpr u32 DCZID_EL0 = key(3, 3, 0, 0, 7);
inline constexpr u32 NZCV = key(3, 3, 4, 2, 0);
inline constexpr u32 DAIF = key(3, 3, 4, 2, 1);
inline constexpr u32 TPIDR_EL0 = key(3, 3, 13, 0, 2);
inline constexpr u32 TPIDRRO_EL0 = key(3, 3, 13, 0, 3);

// Identification values: a Cortex-A53 r0p4 as QEMU's -cpu cortex-a53 reports it. CTR_EL0 has
// IDC=0 and DIC=0, so software must clean and invalidate caches after writing code.
inline constexpr u64 kMidrCortexA53 = 0x410fd034;
inline constexpr u64 kCtrEl0 = 0x84448004;
inline constexpr u64 kDczidEl0 = 4; // DC ZVA zeroes 64 bytes

} // namespace cmodx::isa::sysreg
