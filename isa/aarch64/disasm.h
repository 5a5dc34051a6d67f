// Instruction text for traces and diagnostics, from Capstone (CS_ARCH_ARM64).
//
// Capstone 4 knows ARMv8.0 plus some later extensions but not FEAT_LSE, so textOrFallback()
// falls back to the decode table's display name for words our decoder implements but Capstone
// cannot print, and to objdump's ".inst 0x%08x" for words nobody decodes.
#pragma once

#include "isa/aarch64/bits.h"

#include <cstddef>
#include <optional>
#include <string>

namespace cmodx::isa {

class Decoder;

class Disassembler {
public:
    // Opens a Capstone handle; throws std::runtime_error if Capstone cannot.
    Disassembler();
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    // "mnemonic operands" (no trailing blanks) for the word at `pc`, or nullopt when Capstone
    // does not decode it. Not thread-safe: one Disassembler per thread.
    std::optional<std::string> text(u32 word, u64 pc) const;

    // Capstone's text if it has any; else, when `decoder` implements the word (e.g. LSE), the
    // table's display name and the word: "<SWP> .inst 0xf8208020"; else ".inst 0x%08x".
    std::string textOrFallback(u32 word, u64 pc, const Decoder& decoder) const;

private:
    std::size_t handle_ = 0; // csh
    void* insn_ = nullptr;   // cs_insn scratch buffer from cs_malloc
};

// The same, with a Disassembler per thread created on first use.
std::string textOrFallback(u32 word, u64 pc, const Decoder& decoder);

} // namespace cmodx::isa
