// Random program generator of the QEMU differential tests (cmodx_difftest).
//
// A program is one random straight-line block of integer instructions (with short forward
// branches inside it) plus the setup that gives it a deterministic starting state: a scratch
// buffer filled from the program's seed, random initial registers and flags. A batch image runs
// many programs one after another and prints every program's final state over the UART:
//
//   P <seed, 16 hex digits>
//   x0=<16 hex digits>          (x0 .. x30, one per line)
//   nzcv=<8 hex digits>
//   mem=<16 hex digits>         (FNV-1a over the 64-bit words of the scratch buffer)
//
// and `D` once all programs have run. An unexpected exception prints
// `E <vector offset> <ESR_EL1> <ELR_EL1>` and powers off.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cmodx::test {

// Memory map of a difftest image (QEMU virt / cmodx: RAM at 0x40000000, PL011 at 0x09000000).
inline constexpr std::uint64_t kImageBase = 0x40000000;
inline constexpr std::uint64_t kMaxCodeBytes = 0x100000; // code must end below the data
inline constexpr std::uint64_t kScratchBase = kImageBase + kMaxCodeBytes;
inline constexpr std::uint64_t kScratchBytes = 16 * 1024;
inline constexpr std::uint64_t kSaveArea = kScratchBase + kScratchBytes; // SP; 264 bytes used
inline constexpr std::uint64_t kImageMemBytes = kSaveArea + 0x1000 - kImageBase;
inline constexpr std::uint64_t kUartBase = 0x09000000;

// Output lines per program after its `P` line: x0..x30, nzcv, mem.
inline constexpr int kStateLines = 33;

struct GenOptions {
    unsigned block_len = 40; // instructions in the random block (approximately)
    bool lse = false;        // also generate FEAT_LSE atomics (CAS, CASP, LD<op>, SWP)
};

struct Program {
    std::uint64_t seed = 0;
    std::array<std::uint64_t, 31> init{}; // initial x0..x30 (x26..x28 set by the harness rules)
    std::uint32_t nzcv = 0;               // initial NZCV, bits 31..28
    std::uint64_t fill_state = 0;         // xorshift64 state that fills the scratch buffer
    std::string block;                    // the random block and its literal pool, alone
    unsigned block_insns = 0;             // instructions in `block` before the pool
    std::string text;                     // complete assembly of the program (setup .. dump)
};

// Generates program `seed`. Deterministic: the same seed and options give the same program.
Program generateProgramSpec(std::uint64_t seed, const GenOptions& options);

// The assembly text of program `seed` (Program::text): setup, random block, literal pool and the
// call that prints its final state. Only assembles inside an image from buildImageSource().
std::string generateProgram(std::uint64_t seed, const GenOptions& options);

// The whole image: entry, vector table, the programs in order, the shared print and fill
// routines, and PSCI SYSTEM_OFF at the end. Assemble it at kImageBase.
std::string buildImageSource(const std::vector<Program>& programs);

} // namespace cmodx::test
