// Small value types shared by the whole ISA layer: fixed-width integers, typed instruction
// fields (Reg, Imm<N>, Cond) and the bit helpers the Arm ARM pseudocode uses.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace cmodx::isa {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using s8 = std::int8_t;
using s16 = std::int16_t;
using s32 = std::int32_t;
using s64 = std::int64_t;
using u128 = unsigned __int128;
using s128 = __int128;

// Ones(n): the low n bits set (n may be 64).
constexpr u64 ones(unsigned n) { return n >= 64 ? ~u64{0} : (u64{1} << n) - 1; }

// SignExtend(x, n): sign-extend the low n bits of x to 64 bits.
constexpr s64 signExtend(u64 x, unsigned n) {
    const unsigned s = 64 - n;
    return static_cast<s64>(x << s) >> s;
}

constexpr u64 bit(u64 x, unsigned n) { return (x >> n) & 1; }
constexpr u64 bits(u64 x, unsigned hi, unsigned lo) { return (x >> lo) & ones(hi - lo + 1); }

// A general-purpose register number as written in the encoding. R31 means SP or XZR depending on
// the instruction; the executor's accessors (X/SP) choose, as the Arm ARM's X[] and SP[] do.
struct Reg {
    u8 index;
    constexpr bool isR31() const { return index == 31; }
    constexpr bool operator==(const Reg&) const = default;
};

// An N-bit immediate field, as extracted from the instruction word.
template <unsigned N>
struct Imm {
    static_assert(N >= 1 && N <= 32);
    u32 value;
    static constexpr unsigned width = N;
    constexpr u64 zeroExtend() const { return value; }
    constexpr s64 signExtend() const { return isa::signExtend(value, N); }
    constexpr bool bit(unsigned n) const { return (value >> n) & 1; }
    constexpr u32 bits(unsigned hi, unsigned lo) const { return (value >> lo) & ones(hi - lo + 1); }
};

// A 4-bit condition code (EQ, NE, ...). See ConditionHolds in executor.h.
struct Cond {
    u8 value;
};

// A string usable as a template argument, so decode patterns are checked at compile time.
template <std::size_t N>
struct FixedString {
    char chars[N]{};
    constexpr FixedString(const char (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i)
            chars[i] = s[i];
    }
    constexpr std::size_t size() const { return N - 1; }
    constexpr char operator[](std::size_t i) const { return chars[i]; }
};

} // namespace cmodx::isa
