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
// is an ALU, multiply or divide (loads do not forward early). validateProfile() keeps every
// advance below the latency of its own class (advance.alu and advance.shifted below
// latency.alu, advance.mul and advance.accumulate below latency.mul, advance.div below
// latency.div_base), so an advance of 0 with every latency 1 means no forwarding at all.
//
// A divide takes `div_base + ceil(quotient_bits / div_bits_per_cycle)` cycles, quotient_bits
// being the significant bits of the quotient; div_bits_per_cycle = 0 means the divide has no
// data-dependent part and takes div_base cycles. That is how `ideal` makes every instruction,
// divides included, take exactly one cycle.
//
// Every parameter has a dotted key ("icache.size", "branch.predictor"), the same in profile
// files, in the [timing] table of a --config file and in `--set KEY=VALUE`: the registry
// (profileParams()) is the one list of them, and everything that reads or prints a profile
// goes through it.
#pragma once

#include "isa/aarch64/bits.h"

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// ---- The parameter registry ----------------------------------------------------------------

enum class ParamType : isa::u8 {
    Integer, // unsigned, at most 2^32-1; on the command line decimal or 0x-hex, '_' allowed
    Boolean, // true or false
    String,  // any one-line text
    Choice,  // one of a fixed set of names (an enum field: TimingMode, PredictorKind)
};

// A parameter's value outside the struct. Choice parameters travel as their name.
using ParamValue = std::variant<u32, bool, std::string>;

struct ProfileParam {
    std::string_view key;         // dotted TOML path: "mode", "icache.size", "branch.predictor"
    std::string_view description; // one line: the comment profileToml() prints above the key
    ParamType type;
    // Integer: the accepted range, checked when a value is read and by validateProfile().
    u32 min = 0;
    u32 max = 0;
    bool power_of_two = false;                 // Integer: must also be a power of two
    std::span<const std::string_view> choices; // Choice: the accepted names, in enum order
    ParamValue (*get)(const TimingProfile&);
    void (*set)(TimingProfile&, const ParamValue&); // the value must have passed checkParam()

    // The value as TOML writes it: 32768, true, "a53", "gshare".
    std::string format(const TimingProfile& profile) const;
};

// Every parameter, top-level keys first, then table by table in the order of profileToml().
std::span<const ProfileParam> profileParams();
// nullptr when no parameter has this key.
const ProfileParam* findProfileParam(std::string_view key);
// The table part of every dotted key, in order: "icache", "dcache", "issue", ...
std::span<const std::string_view> profileTables();

// An empty string when `value` suits `param` (type, range, power of two, choice), else what is
// wrong, e.g. "must be in the range 1..16, got 32".
std::string checkParam(const ProfileParam& param, const ParamValue& value);

// ---- Profiles: built-in, from files, from the command line ----------------------------------

// Every function below reports errors as ConfigError (sim/config.h).

// The profiles built into the binary from profiles/*.toml, the default (a53) first.
std::vector<std::string> builtinProfileNames();

// A built-in profile by name, else a TOML file by path. A file may set only some keys: the rest
// come from the a53 defaults, or from the built-in profile its optional top-level key
// `base = "NAME"` names. A file without `name` takes its file name without extension. The
// result is validated (validateProfile); errors name the file, line, column and key.
TimingProfile loadProfile(const std::string& name_or_path);

// The same for TOML text: `source_name` stands for the file in messages and in the default name.
TimingProfile parseProfile(std::string_view text, std::string_view source_name);

// `--set KEY=VALUE` for one key: decimal or 0x-hex integers, true/false, names of choices,
// strings as given. Checks the value on its own (type, range); cross-key rules are
// validateProfile()'s. Throws ConfigError naming the key; `profile` is unchanged then.
void setProfileParam(TimingProfile& profile, std::string_view key, std::string_view value);
// `spec` is "KEY=VALUE" as --set takes it.
void setProfileParam(TimingProfile& profile, std::string_view spec);

// Checks every parameter's range and the rules across them: a cache's size is ways x line x
// sets with sets a power of two; fetch_buffer_bytes is at most icache.line; every advance is
// below its class's latency (above); name is not empty. Throws ConfigError ("invalid timing
// profile 'NAME': KEY ...").
void validateProfile(const TimingProfile& profile);

// A TOML document with every key, its value and its description as a comment. Parsing it gives
// `profile` back; for TimingProfile{} it is profiles/a53.toml.
std::string profileToml(const TimingProfile& profile);

std::string_view toString(TimingMode mode);
std::string_view toString(PredictorKind kind);

} // namespace cmodx::sim
