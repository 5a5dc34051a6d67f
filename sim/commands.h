// Subcommands of the cmodx command line.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace cmodx::sim {

struct RunOptions {
    std::string image;
    std::uint64_t max_insns = 20'000'000'000ULL;
    std::string cpu = "cortex-a53";
    std::uint64_t ram_mib = 128;
    bool stats = false;
};
void addRunOptions(CLI::App& cmd, RunOptions& options);
int runCommand(const RunOptions& options);

struct BenchOptions {
    std::string image;      // default: the bundled fib workload next to the binary
    std::string null_image; // an image that powers off at once (measures QEMU start-up)
    std::string qemu = "qemu-system-aarch64";
    unsigned repeat = 3;
};
void addBenchOptions(CLI::App& cmd, BenchOptions& options);
int benchCommand(const BenchOptions& options);

} // namespace cmodx::sim
