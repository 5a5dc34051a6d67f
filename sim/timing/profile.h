// A timing profile: every parameter of the core timing model, the instruction and data caches,
// the branch predictor and the fetch path. Profiles are TOML files (profiles/*.toml, built into
// the binary: `a53`, `ideal`, `functional`); `cmodx run --profile NAME|FILE` picks one and
// `--set key=value` overrides single parameters. The defaults here are the `a53` profile,
// taken from public Cortex-A53 figures (LLVM's AArch64SchedA53.td, the A53 TRM's cache
// geometry, gem5's HPI model; see docs/timing.md).
//
// Latencies follow the scoreboard model of docs/timing.md: a producer's value is ready
// `latency.*` cycles after it issues; a consumer that reads the operand late (an ALU reads in
// its second execute stage) may issue `advance.*` cycles earlier, but only when the producer
// is an ALU, multiply or divide (loads do not forward early).
#pragma once

#include "isa/aarch64/bits.h"

#include <string>

namespace cmodx::sim {

using isa::u32;

enum class TimingMode : isa::u8 {
    Functional, // no timing model: one instruction per cycle, fastest
    Timing,     // the in-order pipeline, caches and branch predictor below
};

enum class PredictorKind : isa::u8 { Bimodal, Gshare };

struct CacheParams {
    u32 size;         // bytes
    u32 ways;         // associativity
    u32 line;         // line size in bytes (a power of two, 16..256)
    u32 miss_penalty; // extra cycles to fill a line from the next level

    bool operator==(const CacheParams&) const = default;
};

struct TimingProfile {
    std::string name = "a53";
    std::string description = "Cortex-A53 from public figures: dual-issue in-order, 32 KiB "
                              "2-way L1I, 32 KiB 4-way L1D, bimodal predictor";
    TimingMode mode = TimingMode::Timing;

    // Instruction fetch sees data stores at once (QEMU-like) instead of through the I-cache.
    bool coherent_fetch = false;
    // Bytes of already-fetched instructions a core keeps ahead of its PC (an aligned block).
    u32 fetch_buffer_bytes = 16;

    CacheParams icache{32 * 1024, 2, 64, 13};
    CacheParams dcache{32 * 1024, 4, 64, 13};

    struct Issue {
        u32 width = 2;       // instructions issued per cycle
        u32 alu_units = 2;   // integer ALU pipes
        u32 mac_units = 1;   // multiply(-accumulate) pipes
        u32 ls_units = 1;    // load/store pipes
        u32 branch_units = 1;
        bool operator==(const Issue&) const = default;
    } issue;

    struct Latency {
        u32 alu = 3;        // ADD, SUB, logical, MOV, CSEL, flag setting (full latency)
        u32 shift = 2;      // shift and bitfield by immediate (LSL, UBFM, SBFM ...)
        u32 mul = 4;        // MUL, MADD, SMULL, UMULH ...
        u32 load = 4;       // load to use
        u32 store = 1;      // a store occupies its pipe for this many cycles
        u32 load_pair = 2;  // LDP (and LDXP) occupy the load/store pipe for this many cycles
        u32 div_base = 4;   // UDIV/SDIV: base latency ...
        u32 div_bits_per_cycle = 4; // ... plus one cycle per this many quotient bits
        u32 sysreg = 1;     // MRS, MSR and other system instructions
        bool operator==(const Latency&) const = default;
    } latency;

    struct Advance {
        u32 alu = 2;        // an ALU reads its plain register operands this much later
        u32 shifted = 1;    // ... and an operand it shifts or extends
        u32 mul = 1;        // a multiply reads its multiplicands
        u32 accumulate = 2; // a multiply-accumulate reads its addend
        u32 div = 1;        // a divide reads its operands
        bool operator==(const Advance&) const = default;
    } advance;

    struct Branch {
        PredictorKind predictor = PredictorKind::Bimodal;
        u32 predictor_entries = 2048; // 2-bit counters (4 Kbit, as Arm quotes for the A53)
        u32 history_bits = 8;         // global history length for gshare
        u32 btb_entries = 256;        // direct-mapped branch target buffer
        u32 ras_entries = 8;          // return-address stack
        u32 mispredict_penalty = 9;   // cycles lost when a branch resolves against prediction
        u32 btb_miss_penalty = 2;     // a correctly predicted taken branch without a BTB target
        u32 taken_penalty = 0;        // bubble after every correctly predicted taken branch
        bool operator==(const Branch&) const = default;
    } branch;

    struct Serialise {
        u32 isb = 8;       // ISB: the pipeline drains and refetches
        u32 barrier = 4;   // DSB (DMB) waits for outstanding memory accesses
        u32 exception = 8; // exception entry and ERET
        u32 sysreg_write = 4; // MSR to a register that changes translation or exception state
        bool operator==(const Serialise&) const = default;
    } serialise;

    bool operator==(const TimingProfile&) const = default;
};

} // namespace cmodx::sim
