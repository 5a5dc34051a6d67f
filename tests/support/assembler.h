// In-process AArch64 assembler and disassembler for tests, built on the LLVM MC library
// (llvm-14-dev). Tests write instructions as assembly text; nothing shells out.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cmodx::test {

struct AssemblyError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct AssemblerOptions {
    // Extra target features, LLVM spelling (e.g. "+lse"; LLVM 14 assembles SMC only with "+el3").
    std::string features = "+lse";
};

// Assembles `text` (GNU syntax, one or more lines, labels allowed) as if placed at `base`.
// Returns the little-endian bytes of the .text section. References to labels in the same text
// are resolved, including the base-dependent ones (ADRP, :lo12:, `.quad label`, `ldr x0,
// =label`); anything needing a relocation against another section or an undefined symbol is an
// AssemblyError, as are LLVM's diagnostics (the message is LLVM's "<test>:line:col: error: ...").
std::vector<std::uint8_t> assemble(std::string_view text, std::uint64_t base = 0,
                                   const AssemblerOptions& options = {});

// Assembles exactly one instruction and returns its 32-bit encoding.
std::uint32_t assembleOne(std::string_view instruction, const AssemblerOptions& options = {});

// LLVM's own disassembly of one word (an independent second opinion next to Capstone);
// nullopt when LLVM does not decode it as a valid instruction for `features`. LLVM's SoftFail
// (decoded, but CONSTRAINED UNPREDICTABLE or with "should be" bits off, e.g. LDP x0, x0, [x0]
// or LDR x24, [x24], #200) counts as valid: these are allocated encodings hardware executes.
// Capstone 4 rejects them. `features` is an LLVM feature string for the "generic" CPU, e.g.
// "-lse,+el3" for ARMv8.0 (LLVM only decodes SMC with +el3).
std::optional<std::string> llvmDisassemble(std::uint32_t word, std::string_view features = "+lse");

} // namespace cmodx::test
