// Subcommands of the cmodx command line.
#pragma once

#include "sim/timing/profile.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace cmodx::sim {

struct RunOptions {
    std::string image;
    std::string config_file;
    // Machine settings: the command line overrides the config file, which overrides defaults.
    unsigned cores = 1;
    std::string cpu = "cortex-a53";
    std::uint64_t ram_mib = 128;
    std::uint64_t quantum = 1;
    std::uint64_t seed = 0;
    std::string bootargs;
    // Timing: --profile replaces the config file's profile, then each --set changes one key.
    std::string profile = "a53";
    std::vector<std::string> sets;
    // Limits (0 = none).
    std::uint64_t max_cycles = 20'000'000'000ULL;
    std::uint64_t max_insns = 0;
    std::vector<std::string> injections;
    bool stats = false;
    std::string stats_json;
    std::string save_snapshot;
    std::string restore;
    // Which machine settings were given on the command line.
    CLI::Option* opt_cores = nullptr;
    CLI::Option* opt_cpu = nullptr;
    CLI::Option* opt_ram = nullptr;
    CLI::Option* opt_quantum = nullptr;
    CLI::Option* opt_seed = nullptr;
    CLI::Option* opt_bootargs = nullptr;
    CLI::Option* opt_profile = nullptr;
};
void addRunOptions(CLI::App& cmd, RunOptions& options);
int runCommand(const RunOptions& options);

struct BenchOptions {
    std::string image;          // default: the bundled fib workload next to the binary
    std::string parallel_image; // default: the bundled parallel workload (every core busy)
    std::string null_image;     // an image that powers off at once (measures QEMU start-up)
    std::string qemu = "qemu-system-aarch64";
    unsigned repeat = 3;
};
void addBenchOptions(CLI::App& cmd, BenchOptions& options);
int benchCommand(const BenchOptions& options);

struct ProfileOptions {
    std::string profile = "a53"; // a built-in name or a profile file
    std::vector<std::string> sets;
    bool list = false;
};
void addProfileOptions(CLI::App& cmd, ProfileOptions& options);
int profileCommand(const ProfileOptions& options);

// The --set options of `run` and `profile`: applies each KEY=VALUE in order. Throws ConfigError
// ("--set KEY=VALUE: ...").
void applyProfileSets(TimingProfile& profile, const std::vector<std::string>& sets);
// The help text of --set and the profile argument (names the built-in profiles).
std::string profileOptionHelp();
std::string setOptionHelp();

} // namespace cmodx::sim
