// Branches, exception generation and return, hints, barriers, PSTATE and System register access,
// cache maintenance (SYS), and AArch64 exception entry.
#include "isa/aarch64/executor.h"
#include "isa/aarch64/sysreg.h"

namespace cmodx::isa {

// ---- Exception entry ----------------------------------------------------------------------------

namespace {

// Vector offsets from VBAR_EL1 (Arm ARM D1.10.2).
constexpr u64 kVectorCurrentElSp0 = 0x000;
constexpr u64 kVectorCurrentElSpx = 0x200;
constexpr u64 kVectorLowerElAarch64 = 0x400;
constexpr u64 kVectorSync = 0x000;
constexpr u64 kVectorIrq = 0x080;
constexpr u64 kVectorFiq = 0x100;

u64 vectorBase(const CpuState& s) {
    if (s.el == 0) return kVectorLowerElAarch64;
    return s.spsel ? kVectorCurrentElSpx : kVectorCurrentElSp0;
}

void enterEl1(CpuState& s, u64 vector_offset, u64 return_address) {
    const u64 target = (s.vbar_el1 & ~u64{0x7ff}) + vectorBase(s) + vector_offset;
    s.spsr_el1 = s.pstateAsSpsr();
    s.elr_el1 = return_address;
    s.selectStackPointer(1, true);
    s.daif = kDaifD | kDaifA | kDaifI | kDaifF;
    s.exclusive_valid = false;
    s.pc = target;
}

} // namespace

void takeSyncException(CpuState& s, const GuestException& ex) {
    s.esr_el1 = ex.esr();
    if (ex.far_valid) s.far_el1 = ex.far;
    enterEl1(s, kVectorSync, ex.return_to_next ? s.pc + 4 : s.pc);
}

void takeIrq(CpuState& s) { enterEl1(s, kVectorIrq, s.pc); }

void takeFiq(CpuState& s) { enterEl1(s, kVectorFiq, s.pc); }

// ---- Branches -----------------------------------------------------------------------------------

void Executor::B_cond(Imm<19> imm19, Cond cond) {
    branch_taken = conditionHolds(cond);
    if (branch_taken) npc = s.pc + static_cast<u64>(imm19.signExtend() << 2);
}

void Executor::B(Imm<26> imm26) { npc = s.pc + static_cast<u64>(imm26.signExtend() << 2); }

void Executor::BL(Imm<26> imm26) {
    s.x[30] = s.pc + 4;
    npc = s.pc + static_cast<u64>(imm26.signExtend() << 2);
}

void Executor::BR(Reg Rn) { npc = X(Rn); }

void Executor::BLR(Reg Rn) {
    const u64 target = X(Rn);
    s.x[30] = s.pc + 4;
    npc = target;
}

void Executor::RET(Reg Rn) { npc = X(Rn); }

void Executor::CBZ(bool sf, Imm<19> imm19, Reg Rt) {
    branch_taken = R(sf, Rt) == 0;
    if (branch_taken) npc = s.pc + static_cast<u64>(imm19.signExtend() << 2);
}

void Executor::CBNZ(bool sf, Imm<19> imm19, Reg Rt) {
    branch_taken = R(sf, Rt) != 0;
    if (branch_taken) npc = s.pc + static_cast<u64>(imm19.signExtend() << 2);
}

void Executor::TBZ(bool b5, Imm<5> b40, Imm<14> imm14, Reg Rt) {
    const unsigned bit_pos = (b5 ? 32 : 0) | b40.value;
    branch_taken = bit(X(Rt), bit_pos) == 0;
    if (branch_taken) npc = s.pc + static_cast<u64>(imm14.signExtend() << 2);
}

void Executor::TBNZ(bool b5, Imm<5> b40, Imm<14> imm14, Reg Rt) {
    const unsigned bit_pos = (b5 ? 32 : 0) | b40.value;
    branch_taken = bit(X(Rt), bit_pos) != 0;
    if (branch_taken) npc = s.pc + static_cast<u64>(imm14.signExtend() << 2);
}

void Executor::ERET() {
    if (s.el == 0) undefined();
    const u64 spsr = s.spsr_el1;
    const u32 mode = spsr & 0x1f;
    // Only AArch64 EL0t, EL1t and EL1h exist on this machine; anything else is an illegal
    // exception return (PSTATE.IL), reported as an Illegal Execution State exception.
    if (mode != 0b00000 && mode != 0b00100 && mode != 0b00101)
        throw GuestException{ExceptionClass::IllegalState};
    s.nzcv = static_cast<u32>(spsr) & 0xf0000000u;
    s.daif = static_cast<u32>(spsr) & (kDaifD | kDaifA | kDaifI | kDaifF);
    s.selectStackPointer(static_cast<u8>(mode >> 2), mode & 1);
    npc = s.elr_el1;
    s.exclusive_valid = false; // exception return clears the local monitor, as entry does
    s.event_register = true;   // and, like every exception return, sets the event register
    plat.contextSynchronize(); // exception return is a context synchronisation event
    endChain();                // the restored DAIF may unmask a pending interrupt
}

// ---- Exception generation -----------------------------------------------------------------------

void Executor::SVC(Imm<16> imm16) {
    GuestException ex{ExceptionClass::Svc64, imm16.value};
    ex.return_to_next = true;
    throw ex;
}

void Executor::HVC(Imm<16> imm16) {
    // No EL2 is implemented: HVC is the PSCI conduit at EL1 and UNDEFINED otherwise.
    if (s.el == 0 || !plat.hypervisorCall(static_cast<u16>(imm16.value))) undefined();
}

void Executor::SMC(Imm<16>) { undefined(); } // no EL3

void Executor::BRK(Imm<16> imm16) { throw GuestException{ExceptionClass::Brk64, imm16.value}; }

void Executor::HLT(Imm<16> imm16) {
    if (!plat.haltInstruction(static_cast<u16>(imm16.value))) undefined();
}

// ---- Hints and barriers -------------------------------------------------------------------------

void Executor::NOP() {}
void Executor::YIELD() {}
// WFE consumes a set event register instead of waiting.
void Executor::WFE() {
    if (s.event_register)
        s.event_register = false;
    else
        plat.waitForEvent();
}
void Executor::WFI() { plat.waitForInterrupt(); }
void Executor::SEV() { plat.sendEvent(); }
void Executor::SEVL() { s.event_register = true; }
void Executor::HINT(Imm<4>, Imm<3>) {} // unallocated hints execute as NOP
void Executor::CLREX() { s.exclusive_valid = false; }
// Memory is sequentially consistent in this model, so barriers order nothing further.
void Executor::DSB(Imm<4>) {}
void Executor::DMB(Imm<4>) {}
// ISB is a context synchronisation event: instructions already fetched are discarded.
void Executor::ISB() { plat.contextSynchronize(); }

// ---- PSTATE (MSR immediate) ---------------------------------------------------------------------

void Executor::MSR_imm(Imm<3> op1, Imm<4> CRm, Imm<3> op2) {
    const u32 field = op1.value << 3 | op2.value;
    switch (field) {
    case 0b000'101: // SPSel
        if (s.el == 0) undefined();
        s.selectStackPointer(s.el, CRm.bit(0));
        return;
    case 0b011'110:                                               // DAIFSet
        if (s.el == 0 && !(s.sctlr_el1 & (1u << 9))) undefined(); // SCTLR_EL1.UMA
        s.daif |= (CRm.value << 6) & (kDaifD | kDaifA | kDaifI | kDaifF);
        return;
    case 0b011'111: // DAIFClr
        if (s.el == 0 && !(s.sctlr_el1 & (1u << 9))) undefined();
        s.daif &= ~(CRm.value << 6);
        endChain(); // a pending interrupt may now be taken before the next instruction
        return;
    default: undefined();
    }
}

// ---- System instructions ------------------------------------------------------------------------

void Executor::SYS(Imm<3> op1, Imm<4> CRn, Imm<4> CRm, Imm<3> op2, Reg Rt) {
    const u32 op = op1.value << 11 | CRn.value << 7 | CRm.value << 3 | op2.value;
    constexpr auto sys = [](u32 o1, u32 n, u32 m, u32 o2) {
        return o1 << 11 | n << 7 | m << 3 | o2;
    };
    const u64 addr = X(Rt);
    const bool el0 = s.el == 0;
    const bool uci = s.sctlr_el1 & (1u << 26); // EL0 may use DC CVAU/CIVAC/CVAC and IC IVAU
    switch (op) {
    case sys(0, 7, 1, 0):
        if (el0) undefined();
        plat.cacheMaintenance(CacheOp::IcIalluis, 0);
        return;
    case sys(0, 7, 5, 0):
        if (el0) undefined();
        plat.cacheMaintenance(CacheOp::IcIallu, 0);
        return;
    case sys(3, 7, 5, 1):
        if (el0 && !uci) undefined();
        plat.cacheMaintenance(CacheOp::IcIvau, addr);
        return;
    case sys(3, 7, 11, 1):
        if (el0 && !uci) undefined();
        plat.cacheMaintenance(CacheOp::DcCvau, addr);
        return;
    case sys(3, 7, 10, 1):
        if (el0 && !uci) undefined();
        plat.cacheMaintenance(CacheOp::DcCvac, addr);
        return;
    case sys(3, 7, 14, 1):
        if (el0 && !uci) undefined();
        plat.cacheMaintenance(CacheOp::DcCivac, addr);
        return;
    case sys(0, 7, 6, 1):
        if (el0) undefined();
        plat.cacheMaintenance(CacheOp::DcIvac, addr);
        return;
    case sys(0, 7, 6, 2):
    case sys(0, 7, 10, 2):
    case sys(0, 7, 14, 2):
        if (el0) undefined();
        plat.cacheMaintenance(CacheOp::DcSetWay, addr);
        return;
    case sys(3, 7, 4, 1): {                                  // DC ZVA
        if (el0 && !(s.sctlr_el1 & (1u << 14))) undefined(); // SCTLR_EL1.DZE
        const u64 block = u64{4} << sysreg::kDczidEl0;
        const u64 base = addr & ~(block - 1);
        for (u64 a = base; a < base + block; a += 8)
            store<u64>(a, 0);
        plat.cacheMaintenance(CacheOp::DcZva, base);
        return;
    }
    default: break;
    }
    // TLB maintenance (TLBI, op1 = 0, CRn = 8) at EL1. CRm = 3: Inner Shareable (broadcast),
    // CRm = 7: this PE only. op2: 0 VMALLE1, 1 VAE1, 2 ASIDE1, 3 VAAE1, 5 VALE1, 7 VAALE1.
    if (op1.value == 0 && CRn.value == 8 && (CRm.value == 3 || CRm.value == 7)) {
        if (el0) undefined();
        const bool is = CRm.value == 3;
        switch (op2.value) {
        case 0:
            plat.cacheMaintenance(is ? CacheOp::TlbiVmalle1Is : CacheOp::TlbiVmalle1, 0);
            return;
        case 1:
        case 3:
        case 5:
        case 7: plat.cacheMaintenance(is ? CacheOp::TlbiVae1Is : CacheOp::TlbiVae1, addr); return;
        case 2:
            plat.cacheMaintenance(is ? CacheOp::TlbiAside1Is : CacheOp::TlbiAside1, addr);
            return;
        default: break;
        }
    }
    // Address translation (AT, op1 = 0, CRn = 7, CRm = 8) at EL1. op2: 0 S1E1R, 1 S1E1W,
    // 2 S1E0R, 3 S1E0W. (S1E1RP/S1E1WP, CRm = 9, need FEAT_PAN2; the S12E*, S1E2* and S1E3*
    // forms have op1 = 4 or 6 and need EL2 or EL3: all UNDEFINED here.)
    if (op1.value == 0 && CRn.value == 7 && CRm.value == 8 && op2.value < 4) {
        if (el0) undefined();
        addressTranslate(addr, op2.bit(0) ? AccessType::Write : AccessType::Read,
                         op2.bit(1) ? 0 : 1);
        return;
    }
    undefined();
}

// The translation is walked afresh from the tables (any TLB entry may have been evicted, so this
// is one of the permitted outcomes) and nothing is cached: the software TLB only ever holds
// translations that real accesses completed. A fault raises no exception: PAR_EL1 reports it.
// The one exception is a synchronous External abort on the walk, which is taken as a Data Abort
// (ESR.CM, "a synchronous fault on the execution of an address translation instruction", is 1,
// and WnR is 1 as for every abort on a cache maintenance or address translation instruction),
// with FAR = the operand, leaving PAR_EL1 as it was. QEMU 7.2 does exactly this (ESR 0x96000156
// for a level 2 walk abort at EL1).
void Executor::addressTranslate(u64 va, AccessType type, unsigned perm_el) {
    const Translation t = translate(translationRegs(), ram, va, type, perm_el);
    if (!t.ok && isWalkExternalAbort(t.fault)) {
        GuestException ex = abortFor(t, va, AccessType::Write, s.el);
        constexpr u32 kIssCm = 1u << 8;
        ex.iss |= kIssCm;
        throw ex;
    }
    s.par_el1 = parFor(t);
}

void Executor::SYSL(Imm<3>, Imm<4>, Imm<4>, Imm<3>, Reg) { undefined(); }

// ---- System register moves ----------------------------------------------------------------------

namespace {
// The System registers the executor keeps in CpuState (the rest belong to the machine: GIC CPU
// interface, timers, PMU). For these, EL0 access is decided here; the machine decides for its own.
bool executorOwns(u32 key) {
    switch (key) {
    case sysreg::NZCV:
    case sysreg::DAIF:
    case sysreg::SPSel:
    case sysreg::CurrentEL:
    case sysreg::SP_EL0:
    case sysreg::ELR_EL1:
    case sysreg::SPSR_EL1:
    case sysreg::ESR_EL1:
    case sysreg::FAR_EL1:
    case sysreg::PAR_EL1:
    case sysreg::VBAR_EL1:
    case sysreg::SCTLR_EL1:
    case sysreg::CPACR_EL1:
    case sysreg::TCR_EL1:
    case sysreg::TTBR0_EL1:
    case sysreg::TTBR1_EL1:
    case sysreg::MAIR_EL1:
    case sysreg::AMAIR_EL1:
    case sysreg::CONTEXTIDR_EL1:
    case sysreg::MDSCR_EL1:
    case sysreg::TPIDR_EL0:
    case sysreg::TPIDRRO_EL0:
    case sysreg::TPIDR_EL1:
    case sysreg::MIDR_EL1:
    case sysreg::MPIDR_EL1:
    case sysreg::CTR_EL0:
    case sysreg::DCZID_EL0:
    case sysreg::ID_AA64PFR0_EL1:
    case sysreg::ID_AA64PFR1_EL1:
    case sysreg::ID_AA64DFR0_EL1:
    case sysreg::ID_AA64ISAR0_EL1:
    case sysreg::ID_AA64ISAR1_EL1:
    case sysreg::ID_AA64MMFR0_EL1:
    case sysreg::ID_AA64MMFR1_EL1: return true;
    default: return false;
    }
}

bool accessibleAtEl0(u32 key, u64 sctlr) {
    switch (key) {
    case sysreg::NZCV:
    case sysreg::TPIDR_EL0:
    case sysreg::TPIDRRO_EL0:
    case sysreg::DCZID_EL0: return true;
    case sysreg::DAIF: return sctlr & (1u << 9);     // UMA
    case sysreg::CTR_EL0: return sctlr & (1u << 15); // UCT
    default: return false;
    }
}

bool readOnly(u32 key) {
    switch (key) {
    case sysreg::CurrentEL:
    case sysreg::MIDR_EL1:
    case sysreg::MPIDR_EL1:
    case sysreg::CTR_EL0:
    case sysreg::DCZID_EL0:
    case sysreg::ID_AA64PFR0_EL1:
    case sysreg::ID_AA64PFR1_EL1:
    case sysreg::ID_AA64DFR0_EL1:
    case sysreg::ID_AA64ISAR0_EL1:
    case sysreg::ID_AA64ISAR1_EL1:
    case sysreg::ID_AA64MMFR0_EL1:
    case sysreg::ID_AA64MMFR1_EL1: return true;
    default: return false;
    }
}
} // namespace

void Executor::MRS(Imm<15> field, Reg Rt) {
    const u32 key = sysreg::fromMoveField(field.value);
    if (!executorOwns(key)) {
        // The machine's registers; it checks EL0 access itself.
        const auto r = plat.readSysReg(key);
        if (!r) undefined();
        setX(Rt, *r);
        return;
    }
    if (s.el == 0 && !accessibleAtEl0(key, s.sctlr_el1)) undefined();
    u64 v = 0;
    switch (key) {
    case sysreg::NZCV: v = s.nzcv; break;
    case sysreg::DAIF: v = s.daif; break;
    case sysreg::SPSel: v = s.spsel ? 1 : 0; break;
    case sysreg::CurrentEL: v = u64{s.el} << 2; break;
    case sysreg::SP_EL0: v = s.stackPointer(0); break;
    case sysreg::ELR_EL1: v = s.elr_el1; break;
    case sysreg::SPSR_EL1: v = s.spsr_el1; break;
    case sysreg::ESR_EL1: v = s.esr_el1; break;
    case sysreg::FAR_EL1: v = s.far_el1; break;
    case sysreg::PAR_EL1: v = s.par_el1; break;
    case sysreg::VBAR_EL1: v = s.vbar_el1; break;
    case sysreg::SCTLR_EL1: v = s.sctlr_el1; break;
    case sysreg::CPACR_EL1: v = s.cpacr_el1; break;
    case sysreg::TCR_EL1: v = s.tcr_el1; break;
    case sysreg::TTBR0_EL1: v = s.ttbr0_el1; break;
    case sysreg::TTBR1_EL1: v = s.ttbr1_el1; break;
    case sysreg::MAIR_EL1: v = s.mair_el1; break;
    case sysreg::AMAIR_EL1: v = s.amair_el1; break;
    case sysreg::CONTEXTIDR_EL1: v = s.contextidr_el1; break;
    case sysreg::MDSCR_EL1: v = s.mdscr_el1; break;
    case sysreg::TPIDR_EL0: v = s.tpidr_el0; break;
    case sysreg::TPIDRRO_EL0: v = s.tpidrro_el0; break;
    case sysreg::TPIDR_EL1: v = s.tpidr_el1; break;
    case sysreg::MIDR_EL1: v = features.midr; break;
    case sysreg::MPIDR_EL1: v = s.mpidr_el1; break;
    case sysreg::CTR_EL0: v = sysreg::kCtrEl0; break;
    case sysreg::DCZID_EL0: v = sysreg::kDczidEl0; break;
    // What this model implements: EL0 and EL1 in AArch64 only, no FP/AdvSIMD, the GICv3 CPU
    // interface as System registers; LSE per profile; 40-bit PA, 16-bit ASID, 4 KiB granule.
    case sysreg::ID_AA64PFR0_EL1: v = sysreg::kIdAa64Pfr0; break;
    case sysreg::ID_AA64ISAR0_EL1: v = features.lse ? u64{2} << 20 : 0; break;
    case sysreg::ID_AA64DFR0_EL1: v = sysreg::kIdAa64Dfr0; break;
    case sysreg::ID_AA64MMFR0_EL1: v = sysreg::kIdAa64Mmfr0; break;
    default: v = 0; break; // ID_AA64PFR1, ISAR1, MMFR1: nothing beyond ARMv8.0
    }
    setX(Rt, v);
}

void Executor::MSR_reg(Imm<15> field, Reg Rt) {
    const u32 key = sysreg::fromMoveField(field.value);
    const u64 v = X(Rt);
    if (!executorOwns(key)) {
        if (!plat.writeSysReg(key, v)) undefined();
        return;
    }
    if (s.el == 0 && (!accessibleAtEl0(key, s.sctlr_el1) || key == sysreg::TPIDRRO_EL0))
        undefined();
    if (readOnly(key)) undefined();
    switch (key) {
    case sysreg::NZCV: s.nzcv = static_cast<u32>(v) & 0xf0000000u; return;
    case sysreg::DAIF:
        s.daif = static_cast<u32>(v) & (kDaifD | kDaifA | kDaifI | kDaifF);
        endChain(); // a pending interrupt may now be taken before the next instruction
        return;
    case sysreg::SPSel: s.selectStackPointer(s.el, v & 1); return;
    case sysreg::SP_EL0:
        // Writing SP_EL0 while it is the current stack pointer is UNDEFINED.
        if (s.el == 1 && !s.spsel) undefined();
        s.stackPointer(0) = v;
        return;
    case sysreg::ELR_EL1: s.elr_el1 = v; return;
    case sysreg::SPSR_EL1: s.spsr_el1 = v; return;
    case sysreg::ESR_EL1: s.esr_el1 = v; return;
    case sysreg::FAR_EL1: s.far_el1 = v; return;
    case sysreg::PAR_EL1: s.par_el1 = v; return; // every bit kept, as in QEMU
    case sysreg::VBAR_EL1: s.vbar_el1 = v & ~u64{0x7ff}; return;
    case sysreg::CPACR_EL1: s.cpacr_el1 = v; return;
    case sysreg::AMAIR_EL1: s.amair_el1 = v; return;
    case sysreg::CONTEXTIDR_EL1: s.contextidr_el1 = v & 0xffff'ffff; return;
    case sysreg::MDSCR_EL1: s.mdscr_el1 = v; return;
    case sysreg::TPIDR_EL0: s.tpidr_el0 = v; return;
    case sysreg::TPIDRRO_EL0: s.tpidrro_el0 = v; return;
    case sysreg::TPIDR_EL1: s.tpidr_el1 = v; return;
    // The translation registers: a write drops this PE's cached translations. (Hardware may
    // keep TLB entries across such a write; dropping them is one of the behaviours allowed.)
    case sysreg::SCTLR_EL1: s.sctlr_el1 = v; break;
    case sysreg::TCR_EL1: s.tcr_el1 = v; break;
    case sysreg::TTBR0_EL1: s.ttbr0_el1 = v; break;
    case sysreg::TTBR1_EL1: s.ttbr1_el1 = v; break;
    case sysreg::MAIR_EL1: s.mair_el1 = v; break;
    default: undefined();
    }
    flushTranslations();
    endChain(); // the next instruction is fetched through the new translation
}

} // namespace cmodx::isa
