// Compile-time machinery that turns a decode-table bit pattern into a mask, an expected value
// and a handler call with typed arguments (one argument per run of a letter, dynarmic-style).
#pragma once

#include "isa/aarch64/bits.h"
#include "isa/aarch64/decode_cache.h"

#include <array>
#include <tuple>
#include <utility>

namespace cmodx::isa::detail {

template <FixedString P>
consteval void checkPattern() {
    static_assert(P.size() == 32, "a decode pattern must have exactly 32 characters");
}

constexpr bool isFieldChar(char c) { return c != '0' && c != '1' && c != '-'; }

template <FixedString P>
consteval u32 maskOf() {
    checkPattern<P>();
    u32 m = 0;
    for (std::size_t i = 0; i < 32; ++i)
        if (P[i] == '0' || P[i] == '1') m |= 1u << (31 - i);
    return m;
}

template <FixedString P>
consteval u32 expectOf() {
    u32 e = 0;
    for (std::size_t i = 0; i < 32; ++i)
        if (P[i] == '1') e |= 1u << (31 - i);
    return e;
}

struct Field {
    u8 shift;
    u8 width;
};

template <FixedString P>
consteval std::size_t fieldCount() {
    std::size_t n = 0;
    for (std::size_t i = 0; i < 32; ++i)
        if (isFieldChar(P[i]) && (i == 0 || P[i - 1] != P[i])) ++n;
    return n;
}

// The letter runs of a pattern, in order of appearance (most significant first).
template <FixedString P>
consteval auto fieldsOf() {
    std::array<Field, fieldCount<P>()> f{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < 32;) {
        if (!isFieldChar(P[i])) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < 32 && P[j] == P[i])
            ++j;
        f[n++] = Field{static_cast<u8>(31 - (j - 1)), static_cast<u8>(j - i)};
        i = j;
    }
    return f;
}

// Converts an extracted field to the handler's declared parameter type, checking at compile
// time that the type fits the run's width (Reg = 5 bits, Cond = 4, bool = 1, Imm<N> = N).
template <typename T, unsigned W>
constexpr T fieldAs(u32 v) {
    if constexpr (std::is_same_v<T, bool>) {
        static_assert(W == 1, "a bool argument needs a one-bit field");
        return v != 0;
    } else if constexpr (std::is_same_v<T, Reg>) {
        static_assert(W == 5, "a Reg argument needs a five-bit field");
        return Reg{static_cast<u8>(v)};
    } else if constexpr (std::is_same_v<T, Cond>) {
        static_assert(W == 4, "a Cond argument needs a four-bit field");
        return Cond{static_cast<u8>(v)};
    } else {
        static_assert(T::width == W, "Imm<N> width does not match the pattern's field width");
        return T{v};
    }
}

template <typename F>
struct HandlerTraits;
template <typename C, typename... A>
struct HandlerTraits<void (C::*)(A...)> {
    using Class = C;
    using Args = std::tuple<A...>;
};

// Retires the instruction just executed and, while the chain lasts and the next PC is decoded,
// continues straight into its handler: each handler ends in its own indirect jump, which host
// branch predictors follow far better than one shared dispatch site. The chain length bounds
// the stack depth even where the compiler does not turn the call into a jump.
[[gnu::always_inline]] inline void retireAndContinue(Executor& e) {
    if (e.retire_hook) e.retire_hook(e.retire_context, e.s.pc, e.npc);
    e.s.pc = e.npc;
    e.s.clearZeroRegister();
    ++e.s.retired;
    if (--e.chain_left == 0) return;
    const DecodeCache::Entry& next = e.dcache->slot(e.s.pc);
    if (next.tag != DecodeCache::tagFor(e.s.pc, e.s.el)) return;
    e.npc = e.s.pc + 4;
    return next.fn(e, next.insn);
}

// Decode-time specialisation. Fields of at most two bits (sf, S, shift type, load/store size
// and opc ...) pick one of up to 2^kMaxSpecialisedBits instantiations of the trampoline, in
// which they are compile-time constants: the handler's branches on them fold away. Wider
// fields (registers, immediates) are still extracted from the word at run time.
inline constexpr unsigned kMaxSpecialisedBits = 6;

// Specialised<Fn, P>::select(word) returns the trampoline that calls handler Fn with the fields
// of the word laid out by pattern P, then retires the instruction.
template <auto Fn, FixedString P>
struct Specialised {
    using Class = typename HandlerTraits<decltype(Fn)>::Class;
    using Args = typename HandlerTraits<decltype(Fn)>::Args;
    static constexpr auto fields = fieldsOf<P>();
    static_assert(fields.size() == std::tuple_size_v<Args>,
                  "handler arity differs from the number of fields in its pattern");

    struct Plan {
        std::array<int, fields.size()> offset{}; // bit offset in the variant index, or -1
        unsigned bits = 0;
    };
    static constexpr Plan plan = [] {
        Plan p;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            p.offset[i] = -1;
            if (fields[i].width <= 2 && p.bits + fields[i].width <= kMaxSpecialisedBits) {
                p.offset[i] = static_cast<int>(p.bits);
                p.bits += fields[i].width;
            }
        }
        return p;
    }();

    template <std::size_t I, u32 Variant>
    [[gnu::always_inline]] static auto arg(u32 insn) {
        using T = std::tuple_element_t<I, Args>;
        constexpr u32 mask = static_cast<u32>(ones(fields[I].width));
        if constexpr (plan.offset[I] >= 0)
            return fieldAs<T, fields[I].width>((Variant >> plan.offset[I]) & mask);
        else
            return fieldAs<T, fields[I].width>((insn >> fields[I].shift) & mask);
    }

    template <u32 Variant>
    [[gnu::flatten]] static void run(Class& self, u32 insn) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (self.*Fn)(arg<I, Variant>(insn)...);
        }
        (std::make_index_sequence<fields.size()>{});
        return retireAndContinue(self);
    }

    using Fn_t = void (*)(Class&, u32);
    static constexpr auto variants = []<u32... V>(std::integer_sequence<u32, V...>) {
        return std::array<Fn_t, sizeof...(V)>{&run<V>...};
    }(std::make_integer_sequence<u32, (1u << plan.bits)>{});

    // The instantiation for this word's small fields.
    static Fn_t select(u32 insn) {
        u32 variant = 0;
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (plan.offset[i] >= 0)
                variant |= ((insn >> fields[i].shift) & static_cast<u32>(ones(fields[i].width)))
                           << plan.offset[i];
        return variants[variant];
    }
};

} // namespace cmodx::isa::detail
