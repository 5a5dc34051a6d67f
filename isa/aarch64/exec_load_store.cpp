// Loads and stores: exclusives, acquire/release, literal, pair, single-register and LSE atomics.
#include "isa/aarch64/executor.h"

namespace cmodx::isa {

namespace {

// The low `bytes` bytes of `v`, sign-extended to 64 bits.
u64 signExtendBytes(u64 v, unsigned bytes) { return static_cast<u64>(signExtend(v, bytes * 8)); }

// Single-copy atomic read-modify-write accesses (CAS, CASP, LD<op>, SWP) read as well as write;
// a read of the address would already take an alignment fault, so ESR.WnR reports a read
// (Arm ARM: AlignmentFault() sets fault.write = !accdesc.read && accdesc.write).
constexpr bool kAtomicFaultIsWrite = false;

// ---- Single register ---------------------------------------------------------------------------

// The LDR/STR family body once the address is known. opc: 00 STR, 01 LDR (zero-extended),
// 10 LDRS* into X (PRFM when size == 11), 11 LDRS* into W.
[[gnu::always_inline]] inline void loadStoreSingle(Executor& e, u32 size, u32 opc, u64 address,
                                                   Reg Rt) {
    const unsigned bytes = 1u << size;
    switch (opc) {
    case 0: e.storeSized(address, bytes, e.X(Rt)); break;
    case 1: e.setX(Rt, e.loadSized(address, bytes)); break; // W destination when size < 3
    case 2:
        if (size == 3) return; // PRFM/PRFUM: a hint; no access, no fault
        e.setX(Rt, signExtendBytes(e.loadSized(address, bytes), bytes));
        break;
    default: e.setW(Rt, static_cast<u32>(signExtendBytes(e.loadSized(address, bytes), bytes)));
    }
}

// PRFM/PRFUM: size 11 with opc 10 in the LDR/STR encodings.
constexpr bool isPrefetch(u32 size, u32 opc) { return size == 3 && opc == 2; }

// Immediate-offset forms: access at base + offset (or at base when post-indexed), then write
// the new address back to Rn. The access reads Rt before the writeback, and a load into Rt ==
// Rn is overwritten by the writeback (CONSTRAINED UNPREDICTABLE; QEMU does the same).
[[gnu::always_inline]] inline void loadStoreImm(Executor& e, u32 size, u32 opc, s64 offset,
                                                bool wback, bool postindex, Reg Rn, Reg Rt) {
    const u64 base = e.baseRegister(Rn, isPrefetch(size, opc));
    const u64 address = postindex ? base : base + static_cast<u64>(offset);
    loadStoreSingle(e, size, opc, address, Rt);
    if (wback) e.setXorSP(Rn, base + static_cast<u64>(offset));
}

// ---- Register pair -----------------------------------------------------------------------------

enum class PairKind { Store, Load, LoadSigned };

// STP/LDP/STNP/LDNP/LDPSW: `bytes` per element (4 or 8); Rt at address, Rt2 at address + bytes.
// Both registers are read before anything is written, and both loads complete before either
// register is written, so a fault on the second element leaves the registers untouched.
[[gnu::always_inline]] inline void loadStorePair(Executor& e, PairKind kind, unsigned bytes,
                                                 Imm<7> imm7, bool wback, bool postindex, Reg Rt2,
                                                 Reg Rn, Reg Rt) {
    const u64 offset = static_cast<u64>(imm7.signExtend()) * bytes;
    const u64 base = e.baseRegister(Rn);
    const u64 address = postindex ? base : base + offset;
    if (kind == PairKind::Store) {
        const u64 data1 = e.X(Rt), data2 = e.X(Rt2);
        e.storeSized(address, bytes, data1);
        e.storeSized(address + bytes, bytes, data2);
    } else {
        u64 data1 = e.loadSized(address, bytes);
        u64 data2 = e.loadSized(address + bytes, bytes);
        if (kind == PairKind::LoadSigned) {
            data1 = signExtendBytes(data1, bytes);
            data2 = signExtendBytes(data2, bytes);
        }
        e.setX(Rt, data1);
        e.setX(Rt2, data2); // Rt == Rt2 is CONSTRAINED UNPREDICTABLE: Rt2 wins
    }
    if (wback) e.setXorSP(Rn, base + offset);
}

// ---- Exclusives ------------------------------------------------------------------------------

// LDXR/LDAXR (elements == 1) and LDXP/LDAXP (elements == 2): aligned to the whole access, then
// mark [address, address + total) in the local monitor.
void loadExclusive(Executor& e, unsigned bytes, unsigned elements, Reg Rt2, Reg Rn, Reg Rt) {
    const u64 address = e.baseRegister(Rn);
    const unsigned total = bytes * elements;
    e.checkAlignment(address, total, false);
    const u64 data1 = e.loadSized(address, bytes);
    const u64 data2 = elements == 2 ? e.loadSized(address + bytes, bytes) : 0;
    e.setX(Rt, data1);
    if (elements == 2) e.setX(Rt2, data2);
    e.s.exclusive_valid = true;
    e.s.exclusive_addr = address;
    e.s.exclusive_size = total;
    e.plat.exclusiveLoad(e.translateOrAbort(address, AccessType::Read, e.s.el).pa, total);
}

// STXR/STLXR (elements == 1) and STXP/STLXP (elements == 2). The alignment check comes before
// the monitor check (AArch64.ExclusiveMonitorsPass). The store happens only when the monitor
// holds exactly this range; the monitor is open afterwards either way. Ws = 0 on success.
void storeExclusive(Executor& e, unsigned bytes, unsigned elements, Reg Rs, Reg Rt2, Reg Rn,
                    Reg Rt) {
    const u64 address = e.baseRegister(Rn);
    const unsigned total = bytes * elements;
    const u64 data1 = e.X(Rt), data2 = e.X(Rt2);
    e.checkAlignment(address, total, true);
    // Permission to write is checked whether or not the monitors pass (as QEMU does).
    const u64 pa = e.translateOrAbort(address, AccessType::Write, e.s.el).pa;
    // Both monitors must hold: the local one (this PE's last load-exclusive was to exactly this
    // range) and the global one (no other PE has stored to the granule since).
    const bool local =
        e.s.exclusive_valid && e.s.exclusive_addr == address && e.s.exclusive_size == total;
    const bool pass = e.plat.exclusiveStore(pa, total) && local;
    if (pass) {
        e.storeSized(address, bytes, data1);
        if (elements == 2) e.storeSized(address + bytes, bytes, data2);
    }
    e.s.exclusive_valid = false;
    e.setW(Rs, pass ? 0 : 1);
}

// ---- LSE atomics -------------------------------------------------------------------------------

// MemAtomic's operation on `bytes`-wide values (both zero-extended); the result is truncated by
// the store.
u64 atomicOp(u32 opc, u64 old, u64 value, unsigned bytes) {
    const s64 sold = static_cast<s64>(signExtendBytes(old, bytes));
    const s64 svalue = static_cast<s64>(signExtendBytes(value, bytes));
    switch (opc) {
    case 0: return old + value;                 // LDADD
    case 1: return old & ~value;                // LDCLR
    case 2: return old ^ value;                 // LDEOR
    case 3: return old | value;                 // LDSET
    case 4: return sold > svalue ? old : value; // LDSMAX
    case 5: return sold < svalue ? old : value; // LDSMIN
    case 6: return old > value ? old : value;   // LDUMAX
    default: return old < value ? old : value;  // LDUMIN
    }
}

} // namespace

// ---- Load/store exclusive and ordered ---------------------------------------------------------

void Executor::STXR(Imm<2> size, Reg Rs, Reg Rn, Reg Rt) {
    storeExclusive(*this, 1u << size.value, 1, Rs, Rt, Rn, Rt);
}

void Executor::STLXR(Imm<2> size, Reg Rs, Reg Rn, Reg Rt) {
    storeExclusive(*this, 1u << size.value, 1, Rs, Rt, Rn, Rt);
}

void Executor::LDXR(Imm<2> size, Reg Rn, Reg Rt) {
    loadExclusive(*this, 1u << size.value, 1, Rt, Rn, Rt);
}

void Executor::LDAXR(Imm<2> size, Reg Rn, Reg Rt) {
    loadExclusive(*this, 1u << size.value, 1, Rt, Rn, Rt);
}

void Executor::STLR(Imm<2> size, Reg Rn, Reg Rt) {
    const unsigned bytes = 1u << size.value;
    const u64 address = baseRegister(Rn);
    checkAlignment(address, bytes, true);
    storeSized(address, bytes, X(Rt));
}

void Executor::LDAR(Imm<2> size, Reg Rn, Reg Rt) {
    const unsigned bytes = 1u << size.value;
    const u64 address = baseRegister(Rn);
    checkAlignment(address, bytes, false);
    setX(Rt, loadSized(address, bytes)); // zero-extended: a W destination when size < 3
}

void Executor::STXP(bool sz, Reg Rs, Reg Rt2, Reg Rn, Reg Rt) {
    storeExclusive(*this, sz ? 8 : 4, 2, Rs, Rt2, Rn, Rt);
}

void Executor::STLXP(bool sz, Reg Rs, Reg Rt2, Reg Rn, Reg Rt) {
    storeExclusive(*this, sz ? 8 : 4, 2, Rs, Rt2, Rn, Rt);
}

void Executor::LDXP(bool sz, Reg Rt2, Reg Rn, Reg Rt) {
    loadExclusive(*this, sz ? 8 : 4, 2, Rt2, Rn, Rt);
}

void Executor::LDAXP(bool sz, Reg Rt2, Reg Rn, Reg Rt) {
    loadExclusive(*this, sz ? 8 : 4, 2, Rt2, Rn, Rt);
}

// ---- Compare and swap (FEAT_LSE); L and o0 only add ordering --------------------------------

void Executor::CAS(Imm<2> size, bool /*L*/, Reg Rs, bool /*o0*/, Reg Rn, Reg Rt) {
    const unsigned bytes = 1u << size.value;
    const u64 address = baseRegister(Rn);
    const u64 compare = X(Rs) & ones(bytes * 8), newvalue = X(Rt);
    checkAlignment(address, bytes, kAtomicFaultIsWrite);
    const u64 old = loadSized(address, bytes);
    if (old == compare) storeSized(address, bytes, newvalue);
    setX(Rs, old); // zero-extended: a W destination when size < 3
}

void Executor::CASP(bool sz, bool /*L*/, Reg Rs, bool /*o0*/, Reg Rn, Reg Rt) {
    if ((Rs.index & 1) || (Rt.index & 1)) undefined();
    const unsigned bytes = sz ? 8 : 4;
    const u64 m = ones(bytes * 8);
    const Reg Rs2{static_cast<u8>(Rs.index + 1)}, Rt2{static_cast<u8>(Rt.index + 1)};
    const u64 address = baseRegister(Rn);
    const u64 compare1 = X(Rs) & m, compare2 = X(Rs2) & m;
    const u64 new1 = X(Rt), new2 = X(Rt2);
    checkAlignment(address, 2 * bytes, kAtomicFaultIsWrite);
    const u64 old1 = loadSized(address, bytes);
    const u64 old2 = loadSized(address + bytes, bytes);
    if (old1 == compare1 && old2 == compare2) {
        storeSized(address, bytes, new1);
        storeSized(address + bytes, bytes, new2);
    }
    setX(Rs, old1);
    setX(Rs2, old2);
}

// ---- Load register (literal) ----------------------------------------------------------------

void Executor::LDR_lit_32(Imm<19> imm19, Reg Rt) {
    const u64 address = s.pc + static_cast<u64>(imm19.signExtend() * 4);
    setW(Rt, load<u32>(address));
}

void Executor::LDR_lit_64(Imm<19> imm19, Reg Rt) {
    const u64 address = s.pc + static_cast<u64>(imm19.signExtend() * 4);
    setX(Rt, load<u64>(address));
}

void Executor::LDRSW_lit(Imm<19> imm19, Reg Rt) {
    const u64 address = s.pc + static_cast<u64>(imm19.signExtend() * 4);
    setX(Rt, signExtendBytes(load<u32>(address), 4));
}

void Executor::PRFM_lit(Imm<19> /*imm19*/, Reg /*Rt*/) {} // a hint: no access, no fault

// ---- Load/store register pair -----------------------------------------------------------------

void Executor::STNP(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Store, x ? 8 : 4, imm7, false, false, Rt2, Rn, Rt);
}

void Executor::LDNP(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Load, x ? 8 : 4, imm7, false, false, Rt2, Rn, Rt);
}

void Executor::STP_post(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Store, x ? 8 : 4, imm7, true, true, Rt2, Rn, Rt);
}

void Executor::LDP_post(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Load, x ? 8 : 4, imm7, true, true, Rt2, Rn, Rt);
}

void Executor::STP_off(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Store, x ? 8 : 4, imm7, false, false, Rt2, Rn, Rt);
}

void Executor::LDP_off(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Load, x ? 8 : 4, imm7, false, false, Rt2, Rn, Rt);
}

void Executor::STP_pre(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Store, x ? 8 : 4, imm7, true, false, Rt2, Rn, Rt);
}

void Executor::LDP_pre(bool x, Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::Load, x ? 8 : 4, imm7, true, false, Rt2, Rn, Rt);
}

void Executor::LDPSW_post(Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::LoadSigned, 4, imm7, true, true, Rt2, Rn, Rt);
}

void Executor::LDPSW_off(Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::LoadSigned, 4, imm7, false, false, Rt2, Rn, Rt);
}

void Executor::LDPSW_pre(Imm<7> imm7, Reg Rt2, Reg Rn, Reg Rt) {
    loadStorePair(*this, PairKind::LoadSigned, 4, imm7, true, false, Rt2, Rn, Rt);
}

// ---- Load/store register (single) -------------------------------------------------------------

void Executor::LDST_unscaled(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt) {
    loadStoreImm(*this, size.value, opc.value, imm9.signExtend(), false, false, Rn, Rt);
}

void Executor::LDST_post(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt) {
    loadStoreImm(*this, size.value, opc.value, imm9.signExtend(), true, true, Rn, Rt);
}

// LDTR/STTR family: accesses with EL0's permissions, at EL0 and at EL1 alike.
void Executor::LDST_unpriv(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt) {
    const unsigned bytes = 1u << size.value;
    const u64 address = baseRegister(Rn) + static_cast<u64>(imm9.signExtend());
    switch (opc.value) {
    case 0: storeSlow(address, bytes, X(Rt), 0); break;
    case 1: setX(Rt, loadSlow(address, bytes, 0)); break;
    case 2: setX(Rt, signExtendBytes(loadSlow(address, bytes, 0), bytes)); break;
    default: setW(Rt, static_cast<u32>(signExtendBytes(loadSlow(address, bytes, 0), bytes))); break;
    }
}

void Executor::LDST_pre(Imm<2> size, Imm<2> opc, Imm<9> imm9, Reg Rn, Reg Rt) {
    loadStoreImm(*this, size.value, opc.value, imm9.signExtend(), true, false, Rn, Rt);
}

void Executor::LDST_reg(Imm<2> size, Imm<2> opc, Reg Rm, Imm<3> option, bool S, Reg Rn, Reg Rt) {
    const u64 offset = extendReg(X(Rm), option.value, S ? size.value : 0, 64);
    loadStoreSingle(*this, size.value, opc.value,
                    baseRegister(Rn, isPrefetch(size.value, opc.value)) + offset, Rt);
}

void Executor::LDST_uoff(Imm<2> size, Imm<2> opc, Imm<12> imm12, Reg Rn, Reg Rt) {
    const u64 offset = imm12.zeroExtend() << size.value;
    loadStoreSingle(*this, size.value, opc.value,
                    baseRegister(Rn, isPrefetch(size.value, opc.value)) + offset, Rt);
}

// ---- Atomic memory operations (FEAT_LSE); A and R only add ordering --------------------------

// LD<op>: Rt = old value (discarded for the ST<op> alias, Rt == XZR), memory = op(old, Rs).
void Executor::LDATOMIC(Imm<2> size, bool /*A*/, bool /*R*/, Reg Rs, Imm<3> opc, Reg Rn, Reg Rt) {
    const unsigned bytes = 1u << size.value;
    const u64 address = baseRegister(Rn);
    const u64 value = X(Rs) & ones(bytes * 8);
    checkAlignment(address, bytes, kAtomicFaultIsWrite);
    const u64 old = loadSized(address, bytes);
    storeSized(address, bytes, atomicOp(opc.value, old, value, bytes));
    setX(Rt, old); // zero-extended: a W destination when size < 3
}

void Executor::SWP(Imm<2> size, bool /*A*/, bool /*R*/, Reg Rs, Reg Rn, Reg Rt) {
    const unsigned bytes = 1u << size.value;
    const u64 address = baseRegister(Rn);
    const u64 value = X(Rs);
    checkAlignment(address, bytes, kAtomicFaultIsWrite);
    const u64 old = loadSized(address, bytes);
    storeSized(address, bytes, value);
    setX(Rt, old);
}

} // namespace cmodx::isa
