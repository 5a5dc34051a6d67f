// Data processing handlers: the Arm ARM's "Data processing -- immediate" and "-- register" groups.
#include "isa/aarch64/executor.h"

#include <bit>

namespace cmodx::isa {

namespace {

enum class LogicOp : u8 { And, Orr, Eor };

u64 logic(LogicOp op, u64 x, u64 y) {
    switch (op) {
    case LogicOp::And: return x & y;
    case LogicOp::Orr: return x | y;
    case LogicOp::Eor: return x ^ y;
    }
    return 0;
}

// ROR(x, r) on a datasize-bit value.
u64 ror(u64 x, unsigned r, unsigned datasize) {
    x &= ones(datasize);
    r %= datasize;
    if (r == 0) return x;
    return ((x >> r) | (x << (datasize - r))) & ones(datasize);
}

u64 reverseBits64(u64 x) {
    x = ((x >> 1) & 0x5555555555555555) | ((x & 0x5555555555555555) << 1);
    x = ((x >> 2) & 0x3333333333333333) | ((x & 0x3333333333333333) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0f) | ((x & 0x0f0f0f0f0f0f0f0f) << 4);
    return __builtin_bswap64(x);
}

// ADD/ADDS/SUB/SUBS once operand1 and operand2 are known. `d_is_sp`: R31 as Rd means SP.
[[gnu::always_inline]] inline void addSub(Executor& e, bool sf, Reg Rd, u64 operand1, u64 operand2,
                                          bool sub, bool setflags, bool d_is_sp) {
    const unsigned datasize = sf ? 64 : 32;
    const AddResult r = sub ? addWithCarry(datasize, operand1, ~operand2, true)
                            : addWithCarry(datasize, operand1, operand2, false);
    if (setflags) e.setNZCV(r.nzcv);
    if (d_is_sp)
        e.setRorSP(sf, Rd, r.value);
    else
        e.setR(sf, Rd, r.value);
}

[[gnu::always_inline]] inline void addSubImm(Executor& e, bool sf, bool sh, Imm<12> imm12, Reg Rn,
                                             Reg Rd, bool sub, bool setflags) {
    const u64 imm = sh ? imm12.zeroExtend() << 12 : imm12.zeroExtend();
    addSub(e, sf, Rd, e.XorSP(Rn), imm, sub, setflags, !setflags);
}

[[gnu::always_inline]] inline void addSubShift(Executor& e, bool sf, Imm<2> shift, Reg Rm,
                                               Imm<6> imm6, Reg Rn, Reg Rd, bool sub,
                                               bool setflags) {
    const unsigned datasize = sf ? 64 : 32;
    const u64 operand2 =
        Executor::shiftReg(e.R(sf, Rm), ShiftType(shift.value), imm6.value, datasize);
    addSub(e, sf, Rd, e.R(sf, Rn), operand2, sub, setflags, false);
}

[[gnu::always_inline]] inline void addSubExt(Executor& e, bool sf, Reg Rm, Imm<3> option,
                                             Imm<3> imm3, Reg Rn, Reg Rd, bool sub, bool setflags) {
    const unsigned datasize = sf ? 64 : 32;
    const u64 operand2 = Executor::extendReg(e.X(Rm), option.value, imm3.value, datasize);
    addSub(e, sf, Rd, e.XorSP(Rn), operand2, sub, setflags, !setflags);
}

void addSubCarry(Executor& e, bool sf, Reg Rm, Reg Rn, Reg Rd, bool sub, bool setflags) {
    const unsigned datasize = sf ? 64 : 32;
    const u64 operand2 = sub ? ~e.R(sf, Rm) : e.R(sf, Rm);
    const AddResult r = addWithCarry(datasize, e.R(sf, Rn), operand2, e.s.nzcv & kFlagC);
    if (setflags) e.setNZCV(r.nzcv);
    e.setR(sf, Rd, r.value);
}

[[gnu::always_inline]] inline void logicalImm(Executor& e, bool sf, bool N, Imm<6> immr,
                                              Imm<6> imms, Reg Rn, Reg Rd, LogicOp op,
                                              bool setflags) {
    const unsigned datasize = sf ? 64 : 32;
    u64 imm, tmask;
    if (!decodeBitMasks(datasize, N, imms.value, immr.value, true, imm, tmask)) e.undefined();
    const u64 result = logic(op, e.R(sf, Rn), imm);
    if (setflags) {
        e.setNZ00(sf, result);
        e.setR(sf, Rd, result);
    } else {
        e.setRorSP(sf, Rd, result);
    }
}

[[gnu::always_inline]] inline void logicalShift(Executor& e, bool sf, Imm<2> shift, Reg Rm,
                                                Imm<6> imm6, Reg Rn, Reg Rd, LogicOp op,
                                                bool invert, bool setflags) {
    const unsigned datasize = sf ? 64 : 32;
    u64 operand2 = Executor::shiftReg(e.R(sf, Rm), ShiftType(shift.value), imm6.value, datasize);
    if (invert) operand2 = ~operand2 & ones(datasize);
    const u64 result = logic(op, e.R(sf, Rn), operand2);
    if (setflags) e.setNZ00(sf, result);
    e.setR(sf, Rd, result);
}

// SBFM/BFM/UBFM: `inzero` starts from zeros instead of Rd; `extend` fills with src<S>.
void bitfield(Executor& e, bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd, bool inzero,
              bool extend) {
    const unsigned datasize = sf ? 64 : 32;
    const unsigned R = immr.value, S = imms.value;
    u64 wmask, tmask;
    if (!decodeBitMasks(datasize, N, imms.value, immr.value, false, wmask, tmask)) e.undefined();
    const u64 dst = inzero ? 0 : e.R(sf, Rd);
    const u64 src = e.R(sf, Rn);
    // Perform the bitfield move on the low bits, then pick the extension bits above them.
    const u64 bot = (dst & ~wmask) | (ror(src, R, datasize) & wmask);
    const u64 top = extend ? (bit(src, S) ? ones(datasize) : 0) : dst;
    e.setR(sf, Rd, (top & ~tmask) | (bot & tmask));
}

[[gnu::always_inline]] inline void condCompare(Executor& e, bool sf, u64 operand2, Cond cond,
                                               Reg Rn, Imm<4> nzcv, bool sub) {
    const unsigned datasize = sf ? 64 : 32;
    u32 flags = nzcv.value << 28;
    if (e.conditionHolds(cond)) {
        const u64 operand1 = e.R(sf, Rn);
        flags = sub ? addWithCarry(datasize, operand1, ~operand2, true).nzcv
                    : addWithCarry(datasize, operand1, operand2, false).nzcv;
    }
    e.setNZCV(flags);
}

// CSEL/CSINC/CSINV/CSNEG: Rn if cond holds, else Rm optionally inverted and/or incremented.
[[gnu::always_inline]] inline void condSelect(Executor& e, bool sf, Reg Rm, Cond cond, Reg Rn,
                                              Reg Rd, bool else_inv, bool else_inc) {
    u64 result;
    if (e.conditionHolds(cond)) {
        result = e.R(sf, Rn);
    } else {
        result = e.R(sf, Rm);
        if (else_inv) result = ~result;
        if (else_inc) result = result + 1;
    }
    e.setR(sf, Rd, result);
}

// Shift by register: amount = UInt(X[m]) MOD datasize.
void shiftVar(Executor& e, bool sf, Reg Rm, Reg Rn, Reg Rd, ShiftType type) {
    const unsigned datasize = sf ? 64 : 32;
    const unsigned amount = static_cast<unsigned>(e.X(Rm) % datasize);
    e.setR(sf, Rd, Executor::shiftReg(e.R(sf, Rn), type, amount, datasize));
}

// SMADDL/SMSUBL/UMADDL/UMSUBL: X[a] +/- Ext(W[n]) * Ext(W[m]), 64-bit wrap-around.
void mulAddLong(Executor& e, Reg Rm, Reg Ra, Reg Rn, Reg Rd, bool is_signed, bool sub) {
    const u64 operand1 = is_signed ? static_cast<u64>(s64{static_cast<s32>(e.W(Rn))}) : e.W(Rn);
    const u64 operand2 = is_signed ? static_cast<u64>(s64{static_cast<s32>(e.W(Rm))}) : e.W(Rm);
    const u64 product = operand1 * operand2;
    e.setX(Rd, sub ? e.X(Ra) - product : e.X(Ra) + product);
}

} // namespace

// ---- Data processing -- immediate ------------------------------------------------------------

void Executor::ADR(Imm<2> immlo, Imm<19> immhi, Reg Rd) {
    const u64 imm = static_cast<u64>(signExtend((immhi.zeroExtend() << 2) | immlo.value, 21));
    setX(Rd, s.pc + imm);
}

void Executor::ADRP(Imm<2> immlo, Imm<19> immhi, Reg Rd) {
    const u64 imm = static_cast<u64>(signExtend((immhi.zeroExtend() << 2) | immlo.value, 21)) << 12;
    const u64 base = s.pc & ~u64{0xfff};
    setX(Rd, base + imm);
}

void Executor::ADD_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd) {
    addSubImm(*this, sf, sh, imm12, Rn, Rd, false, false);
}
void Executor::ADDS_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd) {
    addSubImm(*this, sf, sh, imm12, Rn, Rd, false, true);
}
void Executor::SUB_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd) {
    addSubImm(*this, sf, sh, imm12, Rn, Rd, true, false);
}
void Executor::SUBS_imm(bool sf, bool sh, Imm<12> imm12, Reg Rn, Reg Rd) {
    addSubImm(*this, sf, sh, imm12, Rn, Rd, true, true);
}

void Executor::AND_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    logicalImm(*this, sf, N, immr, imms, Rn, Rd, LogicOp::And, false);
}
void Executor::ORR_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    logicalImm(*this, sf, N, immr, imms, Rn, Rd, LogicOp::Orr, false);
}
void Executor::EOR_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    logicalImm(*this, sf, N, immr, imms, Rn, Rd, LogicOp::Eor, false);
}
void Executor::ANDS_imm(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    logicalImm(*this, sf, N, immr, imms, Rn, Rd, LogicOp::And, true);
}

void Executor::MOVN(bool sf, Imm<2> hw, Imm<16> imm16, Reg Rd) {
    const unsigned pos = hw.value * 16;
    setR(sf, Rd, ~(imm16.zeroExtend() << pos));
}

void Executor::MOVZ(bool sf, Imm<2> hw, Imm<16> imm16, Reg Rd) {
    const unsigned pos = hw.value * 16;
    setR(sf, Rd, imm16.zeroExtend() << pos);
}

void Executor::MOVK(bool sf, Imm<2> hw, Imm<16> imm16, Reg Rd) {
    const unsigned pos = hw.value * 16;
    const u64 result = (R(sf, Rd) & ~(u64{0xffff} << pos)) | (imm16.zeroExtend() << pos);
    setR(sf, Rd, result);
}

void Executor::SBFM(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    bitfield(*this, sf, N, immr, imms, Rn, Rd, true, true);
}
void Executor::BFM(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    bitfield(*this, sf, N, immr, imms, Rn, Rd, false, false);
}
void Executor::UBFM(bool sf, bool N, Imm<6> immr, Imm<6> imms, Reg Rn, Reg Rd) {
    bitfield(*this, sf, N, immr, imms, Rn, Rd, true, false);
}

void Executor::EXTR(bool sf, bool /*N*/, Reg Rm, Imm<6> imms, Reg Rn, Reg Rd) {
    const unsigned datasize = sf ? 64 : 32;
    const unsigned lsb = imms.value;
    // result = (X[n]:X[m])<lsb+datasize-1:lsb>
    const u64 operand1 = R(sf, Rn), operand2 = R(sf, Rm);
    const u64 result = lsb == 0 ? operand2 : (operand2 >> lsb) | (operand1 << (datasize - lsb));
    setR(sf, Rd, result);
}

// ---- Data processing -- register: 2 source -----------------------------------------------------

void Executor::UDIV(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    const u64 operand1 = R(sf, Rn), operand2 = R(sf, Rm);
    setR(sf, Rd, operand2 == 0 ? 0 : operand1 / operand2);
}

void Executor::SDIV(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    const unsigned datasize = sf ? 64 : 32;
    const s64 operand1 = signExtend(R(sf, Rn), datasize);
    const s64 operand2 = signExtend(R(sf, Rm), datasize);
    u64 result;
    if (operand2 == 0)
        result = 0;
    else if (operand2 == -1)
        result = u64{0} - static_cast<u64>(operand1); // INT_MIN / -1 wraps
    else
        result = static_cast<u64>(operand1 / operand2); // rounds toward zero
    setR(sf, Rd, result);
}

void Executor::LSLV(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    shiftVar(*this, sf, Rm, Rn, Rd, ShiftType::LSL);
}
void Executor::LSRV(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    shiftVar(*this, sf, Rm, Rn, Rd, ShiftType::LSR);
}
void Executor::ASRV(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    shiftVar(*this, sf, Rm, Rn, Rd, ShiftType::ASR);
}
void Executor::RORV(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    shiftVar(*this, sf, Rm, Rn, Rd, ShiftType::ROR);
}

// ---- Data processing -- register: 1 source -----------------------------------------------------

void Executor::RBIT(bool sf, Reg Rn, Reg Rd) {
    const u64 reversed = reverseBits64(R(sf, Rn));
    setR(sf, Rd, sf ? reversed : reversed >> 32);
}

void Executor::REV16(bool sf, Reg Rn, Reg Rd) {
    const u64 operand = R(sf, Rn);
    setR(sf, Rd, ((operand >> 8) & 0x00ff00ff00ff00ff) | ((operand & 0x00ff00ff00ff00ff) << 8));
}

void Executor::REV_32(Reg Rn, Reg Rd) { setW(Rd, __builtin_bswap32(W(Rn))); }

void Executor::REV32(Reg Rn, Reg Rd) {
    // Byte-reverse each word: reversing all eight bytes also swaps the words, so swap them back.
    setX(Rd, std::rotr(__builtin_bswap64(X(Rn)), 32));
}

void Executor::REV_64(Reg Rn, Reg Rd) { setX(Rd, __builtin_bswap64(X(Rn))); }

void Executor::CLZ(bool sf, Reg Rn, Reg Rd) {
    const unsigned datasize = sf ? 64 : 32;
    setR(sf, Rd, static_cast<u64>(std::countl_zero(R(sf, Rn)) - (64 - datasize)));
}

void Executor::CLS(bool sf, Reg Rn, Reg Rd) {
    const unsigned datasize = sf ? 64 : 32;
    // CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>), a (datasize-1)-bit value.
    const u64 operand = R(sf, Rn);
    const u64 diff = (operand ^ (operand >> 1)) & ones(datasize - 1);
    setR(sf, Rd, static_cast<u64>(std::countl_zero(diff) - (65 - datasize)));
}

// ---- Data processing -- register: logical and add/subtract -------------------------------------

void Executor::AND_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::And, false, false);
}
void Executor::BIC_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::And, true, false);
}
void Executor::ORR_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::Orr, false, false);
}
void Executor::ORN_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::Orr, true, false);
}
void Executor::EOR_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::Eor, false, false);
}
void Executor::EON_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::Eor, true, false);
}
void Executor::ANDS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::And, false, true);
}
void Executor::BICS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    logicalShift(*this, sf, shift, Rm, imm6, Rn, Rd, LogicOp::And, true, true);
}

void Executor::ADD_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    addSubShift(*this, sf, shift, Rm, imm6, Rn, Rd, false, false);
}
void Executor::ADDS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    addSubShift(*this, sf, shift, Rm, imm6, Rn, Rd, false, true);
}
void Executor::SUB_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    addSubShift(*this, sf, shift, Rm, imm6, Rn, Rd, true, false);
}
void Executor::SUBS_shift(bool sf, Imm<2> shift, Reg Rm, Imm<6> imm6, Reg Rn, Reg Rd) {
    addSubShift(*this, sf, shift, Rm, imm6, Rn, Rd, true, true);
}

void Executor::ADD_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd) {
    addSubExt(*this, sf, Rm, option, imm3, Rn, Rd, false, false);
}
void Executor::ADDS_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd) {
    addSubExt(*this, sf, Rm, option, imm3, Rn, Rd, false, true);
}
void Executor::SUB_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd) {
    addSubExt(*this, sf, Rm, option, imm3, Rn, Rd, true, false);
}
void Executor::SUBS_ext(bool sf, Reg Rm, Imm<3> option, Imm<3> imm3, Reg Rn, Reg Rd) {
    addSubExt(*this, sf, Rm, option, imm3, Rn, Rd, true, true);
}

void Executor::ADC(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    addSubCarry(*this, sf, Rm, Rn, Rd, false, false);
}
void Executor::ADCS(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    addSubCarry(*this, sf, Rm, Rn, Rd, false, true);
}
void Executor::SBC(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    addSubCarry(*this, sf, Rm, Rn, Rd, true, false);
}
void Executor::SBCS(bool sf, Reg Rm, Reg Rn, Reg Rd) {
    addSubCarry(*this, sf, Rm, Rn, Rd, true, true);
}

// ---- Data processing -- register: conditional ---------------------------------------------------

void Executor::CCMN_reg(bool sf, Reg Rm, Cond cond, Reg Rn, Imm<4> nzcv) {
    condCompare(*this, sf, R(sf, Rm), cond, Rn, nzcv, false);
}
void Executor::CCMN_imm(bool sf, Imm<5> imm5, Cond cond, Reg Rn, Imm<4> nzcv) {
    condCompare(*this, sf, imm5.zeroExtend(), cond, Rn, nzcv, false);
}
void Executor::CCMP_reg(bool sf, Reg Rm, Cond cond, Reg Rn, Imm<4> nzcv) {
    condCompare(*this, sf, R(sf, Rm), cond, Rn, nzcv, true);
}
void Executor::CCMP_imm(bool sf, Imm<5> imm5, Cond cond, Reg Rn, Imm<4> nzcv) {
    condCompare(*this, sf, imm5.zeroExtend(), cond, Rn, nzcv, true);
}

void Executor::CSEL(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd) {
    condSelect(*this, sf, Rm, cond, Rn, Rd, false, false);
}
void Executor::CSINC(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd) {
    condSelect(*this, sf, Rm, cond, Rn, Rd, false, true);
}
void Executor::CSINV(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd) {
    condSelect(*this, sf, Rm, cond, Rn, Rd, true, false);
}
void Executor::CSNEG(bool sf, Reg Rm, Cond cond, Reg Rn, Reg Rd) {
    condSelect(*this, sf, Rm, cond, Rn, Rd, true, true);
}

// ---- Data processing -- register: 3 source ------------------------------------------------------

void Executor::MADD(bool sf, Reg Rm, Reg Ra, Reg Rn, Reg Rd) {
    setR(sf, Rd, R(sf, Ra) + R(sf, Rn) * R(sf, Rm));
}
void Executor::MSUB(bool sf, Reg Rm, Reg Ra, Reg Rn, Reg Rd) {
    setR(sf, Rd, R(sf, Ra) - R(sf, Rn) * R(sf, Rm));
}

void Executor::SMADDL(Reg Rm, Reg Ra, Reg Rn, Reg Rd) {
    mulAddLong(*this, Rm, Ra, Rn, Rd, true, false);
}
void Executor::SMSUBL(Reg Rm, Reg Ra, Reg Rn, Reg Rd) {
    mulAddLong(*this, Rm, Ra, Rn, Rd, true, true);
}
void Executor::UMADDL(Reg Rm, Reg Ra, Reg Rn, Reg Rd) {
    mulAddLong(*this, Rm, Ra, Rn, Rd, false, false);
}
void Executor::UMSUBL(Reg Rm, Reg Ra, Reg Rn, Reg Rd) {
    mulAddLong(*this, Rm, Ra, Rn, Rd, false, true);
}

void Executor::SMULH(Reg Rm, Reg Rn, Reg Rd) {
    const s128 product = s128{static_cast<s64>(X(Rn))} * s128{static_cast<s64>(X(Rm))};
    setX(Rd, static_cast<u64>(product >> 64));
}

void Executor::UMULH(Reg Rm, Reg Rn, Reg Rd) {
    const u128 product = u128{X(Rn)} * u128{X(Rm)};
    setX(Rd, static_cast<u64>(product >> 64));
}

} // namespace cmodx::isa
