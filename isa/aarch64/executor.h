// The A64 interpreter: one handler per decode-table line, named exactly like the table's Id, whose
// body reads like the Arm ARM pseudocode. Handlers run on one PE's state; they set `npc` when they
// branch and throw GuestException when the instruction cannot complete.
#pragma once

#include "isa/aarch64/bits.h"
#include "isa/aarch64/exception.h"
#include "isa/aarch64/mmu.h"
#include "isa/aarch64/platform.h"
#include "isa/aarch64/state.h"
#include "isa/aarch64/tlb.h"

#include <array>
#include <cstring>

namespace cmodx::isa {

// Optional architecture features a CPU profile may have.
struct Features {
    bool lse = false; // FEAT_LSE: CAS, CASP, LD<op>, SWP
    // MIDR_EL1: the part the profile claims to be (Cortex-A53 r0p4 by default; QEMU's `max`
    // CPU reports 0x000f0510).
    u64 midr = 0x410f'd034;

    bool operator==(const Features&) const = default;
};

// Shift types of the shifted-register forms.
enum class ShiftType : u8 { LSL = 0, LSR = 1, ASR = 2, ROR = 3 };

// Result and flags of AddWithCarry(x, y, carry_in) at a given width.
struct AddResult {
    u64 value;
    u32 nzcv;
};

namespace detail {
// AddWithCarry at the width of U (S is its signed twin): C is unsigned overflow, V signed
// overflow of the true sum x + y + carry_in.
template <typename U, typename S>
[[gnu::always_inline]] inline AddResult addWithCarryAt(U x, U y, bool carry_in) {
    U partial, result;
    S spartial, sresult;
    const bool c = __builtin_add_overflow(x, y, &partial) |
                   __builtin_add_overflow(partial, U{carry_in}, &result);
    const bool v = __builtin_add_overflow(static_cast<S>(x), static_cast<S>(y), &spartial) ^
                   __builtin_add_overflow(spartial, S{carry_in}, &sresult);
    constexpr unsigned kTop = sizeof(U) * 8 - 1;
    const u32 nzcv = static_cast<u32>(result >> kTop) << 31 | u32{result == 0} << 30 |
                     u32{c} << 29 | u32{v} << 28;
    return {result, nzcv};
}
} // namespace detail

inline AddResult addWithCarry(unsigned datasize, u64 x, u64 y, bool carry_in) {
    if (datasize == 64) return detail::addWithCarryAt<u64, s64>(x, y, carry_in);
    return detail::addWithCarryAt<u32, s32>(static_cast<u32>(x), static_cast<u32>(y), carry_in);
}

// DecodeBitMasks(N, imms, immr, immediate=true) for logical immediates and bitfield moves.
// Returns false for reserved combinations.
bool decodeBitMasks(unsigned datasize, bool n, u32 imms, u32 immr, bool immediate, u64& wmask,
                    u64& tmask);

namespace detail {
// For each condition code, bit n says whether it holds when NZCV == n.
constexpr std::array<u16, 16> makeConditionTable() {
    std::array<u16, 16> t{};
    for (unsigned cond = 0; cond < 16; ++cond) {
        for (unsigned nzcv = 0; nzcv < 16; ++nzcv) {
            const bool n = nzcv & 8, z = nzcv & 4, c = nzcv & 2, v = nzcv & 1;
            bool r = false;
            switch (cond >> 1) {
            case 0: r = z; break;            // EQ / NE
            case 1: r = c; break;            // CS / CC
            case 2: r = n; break;            // MI / PL
            case 3: r = v; break;            // VS / VC
            case 4: r = c && !z; break;      // HI / LS
            case 5: r = n == v; break;       // GE / LT
            case 6: r = n == v && !z; break; // GT / LE
            default: r = true; break;        // AL / NV
            }
            if ((cond & 1) && cond != 15) r = !r;
            if (r) t[cond] |= static_cast<u16>(1u << nzcv);
        }
    }
    return t;
}
} // namespace detail
inline constexpr std::array<u16, 16> kConditionTable = detail::makeConditionTable();

class DecodeCache;

class Executor {
public:
    Executor(CpuState& state, Platform& platform, RamWindow ram, Features features)
        : s(state), plat(platform), ram(ram), features(features) {}

    CpuState& s;
    Platform& plat;
    RamWindow ram;
    Features features;

    // Address of the next instruction; set to PC + 4 before each handler runs.
    u64 npc = 0;

    // Threaded dispatch: after a handler completes, its trampoline commits the PC, counts the
    // instruction and jumps straight to the next instruction's handler if that is decoded,
    // until `chain_left` runs out. The core's run loop sets both; endChain() stops a chain
    // after the current instruction (used when the machine must stop).
    DecodeCache* dcache = nullptr;
    u64 chain_left = 0;
    void endChain() { chain_left = 1; }

    // Called after every instruction that completes (not one that raises an exception), with
    // its PC and the address of the next instruction, before the PC moves on: the timing
    // model's entry point. Null when no timing model runs, so the functional fast path pays
    // one predictable test. The hook may end the chain (endChain()) to stop at a cycle.
    using RetireHook = void (*)(void* context, u64 pc, u64 npc);
    RetireHook retire_hook = nullptr;
    void* retire_context = nullptr;
    // The virtual address of the last data access (the timing model's D-cache looks it up).
    u64 mem_addr = 0;
    // Whether the last conditional branch was taken (a taken branch may target PC + 4).
    bool branch_taken = false;

    // ---- Register access (the Arm ARM's X[], W[] and SP[]) ------------------------------------
    // s.x[31] is XZR: it holds 0 whenever a handler starts (see CpuState::x).
    u64 X(Reg r) const { return s.x[r.index]; }
    u32 W(Reg r) const { return static_cast<u32>(X(r)); }
    // A register operand at `datasize` bits, zero-extended: X(r) or W(r).
    u64 R(bool sf, Reg r) const { return sf ? X(r) : W(r); }
    // Rn/Rd where R31 means the stack pointer.
    u64 XorSP(Reg r) const { return r.isR31() ? s.sp : s.x[r.index]; }

    // Writes to R31 land in s.x[31]; retiring (or faulting) the instruction zeroes it again.
    void setX(Reg r, u64 v) { s.x[r.index] = v; }
    void setW(Reg r, u32 v) { s.x[r.index] = v; }
    void setR(bool sf, Reg r, u64 v) { s.x[r.index] = sf ? v : static_cast<u32>(v); }
    void setXorSP(Reg r, u64 v) {
        if (r.isR31())
            s.sp = v;
        else
            s.x[r.index] = v;
    }
    void setRorSP(bool sf, Reg r, u64 v) { setXorSP(r, sf ? v : static_cast<u32>(v)); }

    // ---- PSTATE ------------------------------------------------------------------------------
    // ConditionHolds(): a 16-entry table per condition, indexed by the current NZCV.
    bool conditionHolds(Cond c) const { return (kConditionTable[c.value] >> (s.nzcv >> 28)) & 1; }
    void setNZCV(u32 nzcv) { s.nzcv = nzcv; }
    // N and Z from a result; C and V cleared (logical flag-setting instructions).
    void setNZ00(bool sf, u64 result);

    // ---- Operand helpers ---------------------------------------------------------------------
    // ShiftReg(): `amount` is below `datasize` (the decoder removes larger encodings).
    static u64 shiftReg(u64 value, ShiftType type, unsigned amount, unsigned datasize) {
        if (datasize == 32) value = static_cast<u32>(value);
        switch (type) {
        case ShiftType::LSL: return (value << amount) & ones(datasize);
        case ShiftType::LSR: return value >> amount;
        case ShiftType::ASR:
            return static_cast<u64>(signExtend(value, datasize) >> amount) & ones(datasize);
        case ShiftType::ROR:
            if (amount == 0) return value;
            return ((value >> amount) | (value << (datasize - amount))) & ones(datasize);
        }
        return value;
    }
    // ExtendReg(): extend a register by `option` and shift left by `shift` (0..4).
    static u64 extendReg(u64 value, u32 option, unsigned shift, unsigned datasize);

    // ---- Memory --------------------------------------------------------------------------------
    // Data accesses by virtual address. A hit in the software TLB for the current EL goes straight
    // to RAM; everything else (a miss, a page-crossing access, MMIO, a fault) takes the slow path,
    // which walks the translation tables, checks permissions and refills the TLB.
    FastTlb tlb;
    // When false, store hits are not cached in the TLB, so every store takes the slow path and
    // is reported through Platform::observedStore (an observer wants every write).
    bool fast_stores = true;

    template <typename T>
    [[gnu::always_inline]] T load(u64 addr) {
        mem_addr = addr;
        const FastTlb::Entry& e = tlb.entry(s.el, FastTlb::kRead, addr);
        if (e.tag == (addr & ~(FastTlb::kPageSize - 1)) &&
            (addr & (FastTlb::kPageSize - 1)) <= FastTlb::kPageSize - sizeof(T)) [[likely]] {
            T v;
            std::memcpy(&v, ram.host + (addr + e.offset), sizeof(T));
            return v;
        }
        return static_cast<T>(loadSlow(addr, sizeof(T), s.el));
    }
    template <typename T>
    [[gnu::always_inline]] void store(u64 addr, T v) {
        mem_addr = addr;
        const FastTlb::Entry& e = tlb.entry(s.el, FastTlb::kWrite, addr);
        if (e.tag == (addr & ~(FastTlb::kPageSize - 1)) &&
            (addr & (FastTlb::kPageSize - 1)) <= FastTlb::kPageSize - sizeof(T)) [[likely]] {
            const u64 off = addr + e.offset;
            std::memcpy(ram.host + off, &v, sizeof(T));
            // Stores to pages holding decoded code or an exclusive reservation are reported.
            if (ram.code_pages[off >> FastTlb::kPageShift]) [[unlikely]]
                plat.watchedStore(ram.base + off, sizeof(T));
            return;
        }
        storeSlow(addr, sizeof(T), static_cast<u64>(v), s.el);
    }
    // Load/store of `size` bytes (1, 2, 4, 8), zero-extended into a u64.
    [[gnu::always_inline]] u64 loadSized(u64 addr, unsigned size) {
        switch (size) {
        case 1: return load<u8>(addr);
        case 2: return load<u16>(addr);
        case 4: return load<u32>(addr);
        default: return load<u64>(addr);
        }
    }
    [[gnu::always_inline]] void storeSized(u64 addr, unsigned size, u64 value) {
        switch (size) {
        case 1: store<u8>(addr, static_cast<u8>(value)); break;
        case 2: store<u16>(addr, static_cast<u16>(value)); break;
        case 4: store<u32>(addr, static_cast<u32>(value)); break;
        default: store<u64>(addr, value); break;
        }
    }
    // Accesses with the permissions of EL `perm_el` (LDTR/STTR use EL0's at EL1). Always the
    // slow path.
    u64 loadSlow(u64 addr, unsigned size, unsigned perm_el);
    void storeSlow(u64 addr, unsigned size, u64 value, unsigned perm_el);

    // The registers stage-1 translation uses, as currently set.
    TranslationRegs translationRegs() const {
        return {s.sctlr_el1, s.tcr_el1, s.ttbr0_el1, s.ttbr1_el1, s.mair_el1};
    }
    // Translates `va` for an access at the current EL, raising the abort a failed translation
    // causes. Used for exclusives (the global monitor works on physical addresses), instruction
    // fetch and semihosting.
    Translation translateOrAbort(u64 va, AccessType type, unsigned perm_el);
    // Drops every cached translation of this PE: the TLB, and through the platform the decoded
    // instructions (their cache is keyed by virtual address).
    void flushTranslations();
    // AT S1E1R/W, S1E0R/W: translates `va` for a data access of `type` with the permissions of
    // EL `perm_el` and reports the result in PAR_EL1 (see parFor).
    void addressTranslate(u64 va, AccessType type, unsigned perm_el);

    // The base register of a load or store: X[n], or SP checked for 16-byte alignment when
    // SCTLR_EL1.SA (at EL1) or SA0 (at EL0) asks for it (the Arm ARM's CheckSPAlignment).
    // Prefetches use SP unchecked.
    [[gnu::always_inline]] u64 baseRegister(Reg Rn, bool prefetch = false) {
        if (!Rn.isR31()) return s.x[Rn.index];
        constexpr u64 kSctlrSa = 1u << 3, kSctlrSa0 = 1u << 4;
        if ((s.sp & 15) && !prefetch && (s.sctlr_el1 & (s.el == 0 ? kSctlrSa0 : kSctlrSa)))
            spAlignmentFault();
        return s.sp;
    }

    // Atomic, exclusive and acquire/release accesses need natural alignment.
    void checkAlignment(u64 addr, unsigned size, bool is_write);

    // ---- Exceptions --------------------------------------------------------------------------
    [[noreturn]] void undefined();
    [[noreturn]] void dataAbort(u64 addr, bool is_write, FaultStatus status);
    [[noreturn]] void spAlignmentFault();

    // ---- Handlers (one per INST line of a64.inc) ----------------------------------------------
    // Data processing -- immediate
    void ADR(Imm<2> immlo, Imm<19> immhi, Reg Rd);
    void ADRP(Imm<2> immlo, Imm<19> immhi, Reg Rd);
    void ADD_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd);
    void ADDS_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd);
    void SUB_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd);
    void SUBS_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd);
    void AND_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void ORR_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void EOR_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void ANDS_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void MOVN(bool sf, Imm<2> hw, Imm<16> imm16, Reg Rd);
    void MOVZ(bool sf, Imm<2> hw, Imm<16> imm16, Reg Rd);
    void MOVK(bool sf, Imm<2> hw, Imm<16> imm16, Reg Rd);
    void SBFM(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void BFM(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void UBFM(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd);
    void EXTR(bool sf, bool N, Reg Rm, Imm<6> imms, Reg Rn, Reg Rd);

    // Branches, exception generating and system instructions
    void B_cond(Imm<19> imm19, Cond cond);
    void SVC(Imm<16> imm16);
    void HVC(Imm<16> imm16);
    void SMC(Imm<16> imm16);
    void BRK(Imm<16> imm16);
    void HLT(Imm<16> imm16);
    void NOP();
    void YIELD();
    void WFE();
    void WFI();
    void SEV();
    void SEVL();
    void HINT(Imm<4> CRm, Imm<3> op2);
    void CLREX();
    void DSB(Imm<4> CRm);
    void DMB(Imm<4> CRm);
    void ISB();
    void MSR_imm(Imm<3> op1, Imm<4> CRm, Imm<3> op2);
    void SYS(Imm<3> op1, Imm<4> CRn, Imm<4> CRm, Imm<3> op2, Reg Rt);
    void SYSL(Imm<3> op1, Imm<4> CRn, Imm<4> CRm, Imm<3> op2, Reg Rt);
    void MSR_reg(Imm<15> sysreg, Reg Rt);
    void MRS(Imm<15> sysreg, Reg Rt);
    void BR(Reg Rn);
    void BLR(Reg Rn);
    void RET(Reg Rn);
    void ERET();
    void B(Imm<26> imm26);
    void BL(Imm<26> imm26);
    void CBZ(bool sf, Imm<19> imm19, Reg Rt);
    void CBNZ(bool sf, Imm<19> imm19, Reg Rt);
    void TBZ(bool b5, Imm<5> b40, Imm<14> imm14, Reg Rt);
    void TBNZ(bool b5, Imm<5> b40, Imm<14> imm14, Reg Rt);

    // Loads and stores
    void STXR(Imm<2> size, Reg Rs, Reg Rn, Reg Rt);
    void STLXR(Imm<2> size, Reg Rs, Reg Rn, Reg Rt);
    void LDXR(Imm<2> size, Reg Rn, Reg Rt);
    void LDAXR(Imm<2> size, Reg Rn, Reg Rt);
    void STLR(Imm<2> size, Reg Rn, Reg Rt);
    void LDAR(Imm<2> size, Reg Rn, Reg Rt);
    void STXP(bool sz, Reg Rs, Reg Rt2, Reg Rn, Reg Rt);
    void STLXP(bool sz, Reg Rs, Reg Rt2, Reg Rn, Reg Rt);
    void LDXP(bool sz, Reg Rt2, Reg Rn, Reg Rt);
    void LDAXP(bool sz, Reg Rt2, Reg Rn, Reg Rt);
    void CAS(Imm<2> size, bool L, Reg Rs, bool o0, Reg Rn, Reg Rt);
    void CASP(bool sz, bool L, Reg Rs, bool o0, Reg Rn, Reg Rt);
    void LDR_lit_32(Imm<19> imm19, Reg Rt);
    void LDR_lit_64(Imm<19> imm19, Reg Rt);
    void LDRSW_lit(Imm<19> imm19, Reg Rt);
    void PRFM_lit(Imm<19> imm19, Reg Rt);
    void STNP(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDNP(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void STP_post(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDP_post(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void STP_off(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDP_off(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void STP_pre(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDP_pre(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDPSW_post(Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDPSW_off(Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDPSW_pre(Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt);
    void LDST_unscaled(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt);
    void LDST_post(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt);
    void LDST_unpriv(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt);
    void LDST_pre(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt);
    void LDST_reg(Imm<2> size, Imm<2> opc, Reg Rm, Imm<3> option, bool S, Reg Rn, Reg Rt);
    void LDST_uoff(Imm<2> size, Imm<2> opc, Imm<12> imm12, Reg Rn, Reg Rt);
    void LDATOMIC(Imm<2> size, bool A, bool R, Reg Rs, Imm<3> opc, Reg Rn, Reg Rt);
    void SWP(Imm<2> size, bool A, bool R, Reg Rs, Reg Rn, Reg Rt);

    // Data processing -- register
    void UDIV(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void SDIV(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void LSLV(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void LSRV(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void ASRV(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void RORV(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void RBIT(bool sf, Reg Rn, Reg Rd);
    void REV16(bool sf, Reg Rn, Reg Rd);
    void REV_32(Reg Rn, Reg Rd);
    void REV32(Reg Rn, Reg Rd);
    void REV_64(Reg Rn, Reg Rd);
    void CLZ(bool sf, Reg Rn, Reg Rd);
    void CLS(bool sf, Reg Rn, Reg Rd);
    void AND_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void BIC_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void ORR_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void ORN_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void EOR_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void EON_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void ANDS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void BICS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void ADD_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void ADDS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void SUB_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void SUBS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd);
    void ADD_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd);
    void ADDS_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd);
    void SUB_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd);
    void SUBS_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd);
    void ADC(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void ADCS(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void SBC(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void SBCS(bool sf, Reg Rm, Reg Rn, Reg Rd);
    void CCMN_reg(bool sf, Reg Rm, Cond cond, Reg Rn, Imm<4> nzcv);
    void CCMN_imm(bool sf, Imm<5> imm5, Cond cond, Reg Rn, Imm<4> nzcv);
    void CCMP_reg(bool sf, Reg Rm, Cond cond, Reg Rn, Imm<4> nzcv);
    void CCMP_imm(bool sf, Imm<5> imm5, Cond cond, Reg Rn, Imm<4> nzcv);
    void CSEL(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd);
    void CSINC(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd);
    void CSINV(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd);
    void CSNEG(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd);
    void MADD(bool sf, Reg Rm, Reg Ra, Reg Rn, Reg Rd);
    void MSUB(bool sf, Reg Rm, Reg Ra, Reg Rn, Reg Rd);
    void SMADDL(Reg Rm, Reg Ra, Reg Rn, Reg Rd);
    void SMSUBL(Reg Rm, Reg Ra, Reg Rn, Reg Rd);
    void SMULH(Reg Rm, Reg Rn, Reg Rd);
    void UMADDL(Reg Rm, Reg Ra, Reg Rn, Reg Rd);
    void UMSUBL(Reg Rm, Reg Ra, Reg Rn, Reg Rd);
    void UMULH(Reg Rm, Reg Rn, Reg Rd);

private:
    u64 accessSlow(u64 addr, unsigned size, u64 value, bool is_write, unsigned perm_el);
};

} // namespace cmodx::isa
