// `cmodx run IMAGE.elf`: load a bare-metal image, run it, report how it stopped.
#include "sim/commands.h"
#include "sim/console.h"
#include "sim/exit_codes.h"
#include "sim/machine.h"

#include <fmt/format.h>

#include <chrono>

namespace cmodx::sim {

namespace {
bool featuresForCpu(const std::string& cpu, isa::Features& out) {
    if (cpu == "cortex-a53") {
        out = {}; // ARMv8.0-A, as QEMU's -cpu cortex-a53: no LSE
        return true;
    }
    if (cpu == "max") {
        out = isa::Features{.lse = true}; // everything cmodx implements, like QEMU's -cpu max
        return true;
    }
    return false;
}
} // namespace

// CLI11 converts "-5" to a huge unsigned number; counts and sizes must be written unsigned.
const CLI::Validator kUnsigned(
    [](std::string& value) {
        return value.find_first_not_of("0123456789") == std::string::npos && !value.empty()
                   ? std::string()
                   : "must be a non-negative whole number, got '" + value + "'";
    },
    "UINT");

void addRunOptions(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("image", o.image, "Bare-metal AArch64 ELF executable to run")->required();
    cmd.add_option("--max-insns", o.max_insns,
                   "Stop with exit code 4 after this many instructions (0 = no limit)")
        ->check(kUnsigned)
        ->capture_default_str();
    cmd.add_option("--cpu", o.cpu,
                   "CPU profile: cortex-a53 (ARMv8.0) or max (adds FEAT_LSE atomics)")
        ->check(CLI::IsMember({"cortex-a53", "max"}))
        ->capture_default_str();
    cmd.add_option("--ram", o.ram_mib, "RAM size in MiB at 0x40000000")
        ->check(kUnsigned)
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    cmd.add_flag("--stats", o.stats,
                 "Print instructions retired, host time and MIPS to stderr at the end");
}

int runCommand(const RunOptions& o) {
    MachineConfig config;
    config.ram_size = o.ram_mib << 20;
    if (!featuresForCpu(o.cpu, config.features)) {
        fmt::print(stderr, "cmodx: unknown CPU profile '{}'\n", o.cpu);
        return kExitUsage;
    }

    StdoutConsole console;
    Machine machine(config, [&console](char c) { console.put(c); });
    try {
        machine.loadElfImage(readFile(o.image));
    } catch (const ImageError& e) {
        fmt::print(stderr, "cmodx: {}: {}\n", o.image, e.what());
        return kExitBadImage;
    }

    const u64 limit = o.max_insns == 0 ? ~u64{0} : o.max_insns;
    const auto t0 = std::chrono::steady_clock::now();
    const StopReason reason = machine.run(limit);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    console.flush();

    const u64 insns = machine.instructionsRetired();
    if (o.stats) {
        fmt::print(stderr, "cmodx: instructions retired: {}\n", insns);
        fmt::print(stderr, "cmodx: host time: {:.3f} s\n", seconds);
        fmt::print(stderr, "cmodx: simulation speed: {:.1f} MIPS\n",
                   seconds > 0 ? insns / seconds / 1e6 : 0.0);
    }
    switch (reason) {
    case StopReason::PoweredOff: return kExitPoweredOff;
    case StopReason::Reset:
        fmt::print(stderr, "cmodx: guest requested a system reset; stopping\n");
        return kExitPoweredOff;
    case StopReason::GuestWedged:
        fmt::print(stderr, "cmodx: guest wedged: {}\n", machine.stopMessage());
        return kExitGuestWedged;
    case StopReason::None:
        fmt::print(stderr,
                   "cmodx: instruction limit reached: {} instructions retired without the guest "
                   "powering off (PC {:#x}); raise --max-insns if the guest needs longer\n",
                   insns, machine.core(0).state().pc);
        return kExitLimit;
    }
    return kExitInternal;
}

} // namespace cmodx::sim
