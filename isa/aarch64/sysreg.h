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
inline constexpr u32 ID_AA64PFR1_EL1 = key(3, 0, 0, 4, 1);
inline constexpr u32 ID_AA64DFR0_EL1 = key(3, 0, 0, 5, 0);
inline constexpr u32 ID_AA64ISAR0_EL1 = key(3, 0, 0, 6, 0);
inline constexpr u32 ID_AA64ISAR1_EL1 = key(3, 0, 0, 6, 1);
inline constexpr u32 ID_AA64MMFR0_EL1 = key(3, 0, 0, 7, 0);
inline constexpr u32 ID_AA64MMFR1_EL1 = key(3, 0, 0, 7, 1);
inline constexpr u32 SCTLR_EL1 = key(3, 0, 1, 0, 0);
inline constexpr u32 CPACR_EL1 = key(3, 0, 1, 0, 2);
inline constexpr u32 TTBR0_EL1 = key(3, 0, 2, 0, 0);
inline constexpr u32 TTBR1_EL1 = key(3, 0, 2, 0, 1);
inline constexpr u32 TCR_EL1 = key(3, 0, 2, 0, 2);
inline constexpr u32 MAIR_EL1 = key(3, 0, 10, 2, 0);
inline constexpr u32 AMAIR_EL1 = key(3, 0, 10, 3, 0);
inline constexpr u32 CONTEXTIDR_EL1 = key(3, 0, 13, 0, 1);
inline constexpr u32 MDSCR_EL1 = key(2, 0, 0, 2, 2);
inline constexpr u32 SPSR_EL1 = key(3, 0, 4, 0, 0);
inline constexpr u32 ELR_EL1 = key(3, 0, 4, 0, 1);
inline constexpr u32 SP_EL0 = key(3, 0, 4, 1, 0);
inline constexpr u32 SPSel = key(3, 0, 4, 2, 0);
inline constexpr u32 CurrentEL = key(3, 0, 4, 2, 2);
inline constexpr u32 ESR_EL1 = key(3, 0, 5, 2, 0);
inline constexpr u32 FAR_EL1 = key(3, 0, 6, 0, 0);
inline constexpr u32 PAR_EL1 = key(3, 0, 7, 4, 0);
inline constexpr u32 VBAR_EL1 = key(3, 0, 12, 0, 0);
inline constexpr u32 TPIDR_EL1 = key(3, 0, 13, 0, 4);
inline constexpr u32 CTR_EL0 = key(3, 3, 0, 0, 1);
inline constexpr u32 DCZID_EL0 = key(3, 3, 0, 0, 7);
inline constexpr u32 NZCV = key(3, 3, 4, 2, 0);
inline constexpr u32 DAIF = key(3, 3, 4, 2, 1);
inline constexpr u32 TPIDR_EL0 = key(3, 3, 13, 0, 2);
inline constexpr u32 TPIDRRO_EL0 = key(3, 3, 13, 0, 3);

// GICv3 CPU interface (ICC_*), accessed through the system register interface (ICC_SRE_EL1.SRE=1).
inline constexpr u32 ICC_PMR_EL1 = key(3, 0, 4, 6, 0);
inline constexpr u32 ICC_IAR0_EL1 = key(3, 0, 12, 8, 0);
inline constexpr u32 ICC_EOIR0_EL1 = key(3, 0, 12, 8, 1);
inline constexpr u32 ICC_HPPIR0_EL1 = key(3, 0, 12, 8, 2);
inline constexpr u32 ICC_BPR0_EL1 = key(3, 0, 12, 8, 3);
inline constexpr u32 ICC_AP0R0_EL1 = key(3, 0, 12, 8, 4);
inline constexpr u32 ICC_AP1R0_EL1 = key(3, 0, 12, 9, 0);
inline constexpr u32 ICC_DIR_EL1 = key(3, 0, 12, 11, 1);
inline constexpr u32 ICC_RPR_EL1 = key(3, 0, 12, 11, 3);
inline constexpr u32 ICC_SGI1R_EL1 = key(3, 0, 12, 11, 5);
inline constexpr u32 ICC_ASGI1R_EL1 = key(3, 0, 12, 11, 6);
inline constexpr u32 ICC_SGI0R_EL1 = key(3, 0, 12, 11, 7);
inline constexpr u32 ICC_IAR1_EL1 = key(3, 0, 12, 12, 0);
inline constexpr u32 ICC_EOIR1_EL1 = key(3, 0, 12, 12, 1);
inline constexpr u32 ICC_HPPIR1_EL1 = key(3, 0, 12, 12, 2);
inline constexpr u32 ICC_BPR1_EL1 = key(3, 0, 12, 12, 3);
inline constexpr u32 ICC_CTLR_EL1 = key(3, 0, 12, 12, 4);
inline constexpr u32 ICC_SRE_EL1 = key(3, 0, 12, 12, 5);
inline constexpr u32 ICC_IGRPEN0_EL1 = key(3, 0, 12, 12, 6);
inline constexpr u32 ICC_IGRPEN1_EL1 = key(3, 0, 12, 12, 7);

// Generic timer: the system counter and the EL1 physical and virtual timers.
inline constexpr u32 CNTKCTL_EL1 = key(3, 0, 14, 1, 0);
inline constexpr u32 CNTFRQ_EL0 = key(3, 3, 14, 0, 0);
inline constexpr u32 CNTPCT_EL0 = key(3, 3, 14, 0, 1);
inline constexpr u32 CNTVCT_EL0 = key(3, 3, 14, 0, 2);
inline constexpr u32 CNTP_TVAL_EL0 = key(3, 3, 14, 2, 0);
inline constexpr u32 CNTP_CTL_EL0 = key(3, 3, 14, 2, 1);
inline constexpr u32 CNTP_CVAL_EL0 = key(3, 3, 14, 2, 2);
inline constexpr u32 CNTV_TVAL_EL0 = key(3, 3, 14, 3, 0);
inline constexpr u32 CNTV_CTL_EL0 = key(3, 3, 14, 3, 1);
inline constexpr u32 CNTV_CVAL_EL0 = key(3, 3, 14, 3, 2);

// Performance monitors (PMUv3). PMEVCNTR<n>_EL0 is key(3,3,14,8+n/8,n%8), PMEVTYPER<n>_EL0
// key(3,3,14,12+n/8,n%8).
inline constexpr u32 PMCR_EL0 = key(3, 3, 9, 12, 0);
inline constexpr u32 PMCNTENSET_EL0 = key(3, 3, 9, 12, 1);
inline constexpr u32 PMCNTENCLR_EL0 = key(3, 3, 9, 12, 2);
inline constexpr u32 PMOVSCLR_EL0 = key(3, 3, 9, 12, 3);
inline constexpr u32 PMSWINC_EL0 = key(3, 3, 9, 12, 4);
inline constexpr u32 PMSELR_EL0 = key(3, 3, 9, 12, 5);
inline constexpr u32 PMCEID0_EL0 = key(3, 3, 9, 12, 6);
inline constexpr u32 PMCEID1_EL0 = key(3, 3, 9, 12, 7);
inline constexpr u32 PMCCNTR_EL0 = key(3, 3, 9, 13, 0);
inline constexpr u32 PMXEVTYPER_EL0 = key(3, 3, 9, 13, 1);
inline constexpr u32 PMXEVCNTR_EL0 = key(3, 3, 9, 13, 2);
inline constexpr u32 PMUSERENR_EL0 = key(3, 3, 9, 14, 0);
inline constexpr u32 PMINTENSET_EL1 = key(3, 0, 9, 14, 1);
inline constexpr u32 PMINTENCLR_EL1 = key(3, 0, 9, 14, 2);
inline constexpr u32 PMOVSSET_EL0 = key(3, 3, 9, 14, 3);
inline constexpr u32 PMCCFILTR_EL0 = key(3, 3, 14, 15, 7);
constexpr u32 PMEVCNTRn_EL0(unsigned n) { return key(3, 3, 14, 8 + n / 8, n % 8); }
constexpr u32 PMEVTYPERn_EL0(unsigned n) { return key(3, 3, 14, 12 + n / 8, n % 8); }

// Identification values: a Cortex-A53 r0p4 as QEMU's -cpu cortex-a53 reports it. CTR_EL0 has
// IDC=0 and DIC=0, so software must clean and invalidate caches after writing code.
inline constexpr u64 kMidrCortexA53 = 0x410fd034;
inline constexpr u64 kCtrEl0 = 0x84448004;
inline constexpr u64 kDczidEl0 = 4; // DC ZVA zeroes 64 bytes
// EL0/EL1 AArch64 only, EL2/EL3 absent, FP/AdvSIMD not implemented, GIC CPU interface v3.
inline constexpr u64 kIdAa64Pfr0 = 0x01ff'0011;
// PMUv3 (PMUVer 1), 6 breakpoints, 4 watchpoints, as QEMU's cortex-a53.
inline constexpr u64 kIdAa64Dfr0 = 0x1030'5106;
// PARange 40 bits, 16-bit ASIDs, 4 KiB granule only (16 KiB and 64 KiB not supported).
inline constexpr u64 kIdAa64Mmfr0 = 0x0f00'0022;

} // namespace cmodx::isa::sysreg
