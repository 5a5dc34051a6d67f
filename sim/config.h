// Machine configuration: everything that shapes a simulated machine before it starts, and the
// TOML file format that sets it (`--config FILE`).
//
// A config starts from the defaults below; applyConfigFile() overlays a TOML file on it (only
// the keys present change), command-line options may overlay it further, and validate() checks
// the result once, before the machine is built. The file format, with every key optional:
//
//   [machine]
//   cores = 4            # 1..kMaxCores
//   ram_mib = 128        # RAM size in MiB at 0x4000_0000, 1..kMaxRamMib
//   cpu = "cortex-a53"   # "cortex-a53" (ARMv8.0-A) or "max" (adds FEAT_LSE)
//   quantum = 1          # cycles a core runs before the next core's turn, >= 1
//   seed = 0             # all simulated randomness derives from it (0..2^63-1 in TOML)
//   [clock]
//   cpu_hz = 1000000000  # simulated core clock; >= counter_hz
//   counter_hz = 62500000
//   [boot]
//   bootargs = "scenario=ftrace-race ftrace.strategy=none"
//   semihosting = true
//   [timing]
//   profile = "a53"      # a built-in timing profile, or a profile file (relative to this file)
//   icache.size = 16384  # then any key of the profile (sim/timing/profile.h) overrides it
//   branch.predictor = "gshare"
//
// The file is strict, to catch typos: unknown tables or keys, values of the wrong type,
// negative numbers and out-of-range values are errors (ConfigError, whose message names the
// file, line and column, the key and what is wrong). defaultConfigToml() prints this schema
// with the default values. In [timing], `profile` is read first wherever it stands, then the
// other keys change the profile it names; without `profile` they change the default (a53).
#pragma once

#include "isa/aarch64/bits.h"
#include "isa/aarch64/executor.h"
#include "sim/timing/profile.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace cmodx::sim {

using isa::u64;

struct MachineConfig {
    unsigned cores = 1;             // 1..kMaxCores
    u64 ram_size = u64{128} << 20;  // bytes; RAM at kRamBase (0x4000_0000)
    std::string cpu = "cortex-a53"; // "cortex-a53" (ARMv8.0) or "max" (adds FEAT_LSE)
    isa::Features features{};       // derived from cpu: set both with setCpuProfile()
    // Cycles each core runs before the next core's turn (>= 1). In functional mode one
    // instruction takes one cycle, so it is also the number of instructions.
    u64 quantum = 1;
    u64 cpu_hz = 1'000'000'000;  // simulated core clock
    u64 counter_hz = 62'500'000; // generic timer frequency (CNTFRQ_EL0), as QEMU virt reports
    u64 seed = 0;                // all simulated randomness derives from it
    bool semihosting = true;     // HLT #0xF000 calls (SYS_WRITEC/WRITE0/EXIT)
    // Placed NUL-terminated at kBootArgsAddress. (The `{}` spares designated initializers that
    // omit it GCC's -Wmissing-field-initializers.)
    std::string bootargs{};
    // The timing model's parameters and mode (the default is the a53 profile); `--profile` and
    // `--set` on the command line, [timing] in the file.
    TimingProfile timing{};

    bool operator==(const MachineConfig&) const = default;
};

// At most 16 cores: MPIDR Aff0 is the core number, as on QEMU virt with GICv3 (which starts
// a new Aff1 cluster every 16 CPUs), and a GICv3 SGI target list addresses 16 PEs.
inline constexpr unsigned kMaxCores = 16;
// RAM limits, as `cmodx run --ram` accepts them. RAM must be a whole number of 4 KiB pages.
inline constexpr u64 kMinRamSize = u64{1} << 20;
inline constexpr u64 kMaxRamMib = 4096;
inline constexpr u64 kMaxRamSize = kMaxRamMib << 20;
// The boot arguments string, NUL-terminated, 64 MiB into RAM; kBootArgsMax includes the NUL.
inline constexpr u64 kBootArgsAddress = 0x4400'0000;
inline constexpr u64 kBootArgsMax = 4096;

class ConfigError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

// Applies a TOML file on top of `config`: only the keys present change. On error throws
// ConfigError ("FILE:LINE:COLUMN: machine.cores: ...") and leaves `config` unchanged. Checks
// each value on its own (type, range); cross-field rules are validate()'s.
void applyConfigFile(MachineConfig& config, const std::string& path);
// The same for TOML text; `source_name` stands for the file in messages.
void applyConfigText(MachineConfig& config, std::string_view text, std::string_view source_name);

// Sets cpu and features together; returns false (config unchanged) for an unknown name.
bool setCpuProfile(MachineConfig& config, const std::string& cpu);

// Checks every field and the rules across fields: cores 1..kMaxCores; RAM kMinRamSize..
// kMaxRamSize in whole pages; a known cpu whose features match it; quantum >= 1;
// cpu_hz >= counter_hz > 0; bootargs without NUL characters, shorter than kBootArgsMax and, when
// not empty, inside RAM at kBootArgsAddress (so RAM must be over 64 MiB); the timing profile
// (validateProfile). Throws ConfigError.
void validate(const MachineConfig& config);

// A TOML document with every key, its default value and a one-line comment; applying it to any
// config yields MachineConfig{}. Of [timing] it shows `profile`; the profile's own keys are
// profileToml()'s (`cmodx profile`).
std::string defaultConfigToml();

} // namespace cmodx::sim
