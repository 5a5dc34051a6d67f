// Encoders for the handful of A64 instructions the simulator itself writes into guest memory
// (the ftrace patcher's NOP <-> BL rewrites, trampolines, test stubs), and the inverse for B/BL.
// Every function is constexpr; invalid arguments throw (std::out_of_range for branch targets,
// std::invalid_argument for register numbers, immediates and shifts), which in a constant
// expression is a compile error.
#pragma once

#include "isa/aarch64/bits.h"

#include <optional>

namespace cmodx::isa::enc {

namespace detail {

// Out of line so the message can be formatted; only ever reached at run time.
[[noreturn]] void branchOutOfRange(const char* mnemonic, u64 pc, u64 target);
[[noreturn]] void invalidArgument(const char* what, u64 value);

constexpr u32 reg(unsigned r) {
    if (r > 31) invalidArgument("register number", r);
    return r;
}

constexpr u32 imm16(u32 imm) {
    if (imm > 0xffff) invalidArgument("16-bit immediate", imm);
    return imm;
}

// imm26 word offset of a B/BL from pc to target: 4-aligned and within [-128 MiB, +128 MiB).
constexpr u32 branchImm26(const char* mnemonic, u64 pc, u64 target) {
    const s64 offset = static_cast<s64>(target - pc);
    constexpr s64 kRange = s64{1} << 27;
    if ((offset & 3) != 0 || offset < -kRange || offset >= kRange)
        branchOutOfRange(mnemonic, pc, target);
    return static_cast<u32>(offset >> 2) & 0x03ffffff;
}

} // namespace detail

// NOP (HINT #0).
constexpr u32 nop() { return 0xd503201f; }

// MOV Xd, Xm, i.e. ORR Xd, XZR, Xm (64-bit, LSL #0).
constexpr u32 movReg(unsigned xd, unsigned xm) {
    return 0xaa0003e0 | detail::reg(xm) << 16 | detail::reg(xd);
}

// B / BL from the instruction at `pc` to `target`.
constexpr u32 b(u64 pc, u64 target) { return 0x14000000 | detail::branchImm26("B", pc, target); }
constexpr u32 bl(u64 pc, u64 target) { return 0x94000000 | detail::branchImm26("BL", pc, target); }

// Exception generation.
constexpr u32 brk(u32 imm16) { return 0xd4200000 | detail::imm16(imm16) << 5; }
constexpr u32 hvc(u32 imm16) { return 0xd4000002 | detail::imm16(imm16) << 5; }
constexpr u32 svc(u32 imm16) { return 0xd4000001 | detail::imm16(imm16) << 5; }

// Barriers and cache maintenance, as needed after writing code.
constexpr u32 isb() { return 0xd5033fdf; }                                 // ISB SY
constexpr u32 dsbIsh() { return 0xd5033b9f; }                              // DSB ISH
constexpr u32 dcCvau(unsigned xt) { return 0xd50b7b20 | detail::reg(xt); } // DC CVAU, Xt
constexpr u32 icIvau(unsigned xt) { return 0xd50b7520 | detail::reg(xt); } // IC IVAU, Xt

// RET Xn (RET alone is RET X30).
constexpr u32 ret(unsigned xn = 30) { return 0xd65f0000 | detail::reg(xn) << 5; }

// MOVZ Xd, #imm16, LSL #shift (64-bit; shift is 0, 16, 32 or 48).
constexpr u32 movz(unsigned xd, u32 imm16, unsigned shift = 0) {
    if (shift % 16 != 0 || shift > 48) detail::invalidArgument("MOVZ shift", shift);
    return 0xd2800000 | (shift / 16) << 21 | detail::imm16(imm16) << 5 | detail::reg(xd);
}

// The target of a B or BL at `pc`; nullopt for any other word.
constexpr std::optional<u64> branchTarget(u32 word, u64 pc) {
    if ((word & 0x7c000000) != 0x14000000) return std::nullopt;
    return pc + static_cast<u64>(signExtend(word & 0x03ffffff, 26) * 4);
}

// True for BL (used to tell a patched call site from a plain branch).
constexpr bool isBl(u32 word) { return (word & 0xfc000000) == 0x94000000; }

} // namespace cmodx::isa::enc
