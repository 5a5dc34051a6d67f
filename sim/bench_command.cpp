// `cmodx bench`: simulation speed against qemu-system-aarch64, measured in the same invocation.
// Two parts: a compute-heavy single-core image (recursive fib) in functional mode, and the
// `parallel` image on 1 and 4 cores at quantum 1 under each timing profile (functional, ideal,
// a53), beside QEMU with -smp 1 and -smp 4. QEMU's start-up time is measured with an image that
// powers off at once and subtracted, so the ratios compare execution only.
#include "sim/commands.h"
#include "sim/exit_codes.h"
#include "sim/machine.h"
#include "sim/process.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <unistd.h>

namespace cmodx::sim {

namespace {

std::string besideExecutable(const std::string& relative) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return relative;
    return (exe.parent_path() / relative).string();
}

struct CmodxRun {
    u64 instructions = 0;
    u64 cycles = 0;
    double seconds = 0;
    std::string console;
    StopReason reason = StopReason::None;
    unsigned idle_cores = 0; // cores that retired nothing: the image did not use them
};

CmodxRun runOnCmodx(const std::vector<u8>& image, const MachineConfig& config) {
    CmodxRun r;
    Machine machine(config, [&r](char c) { r.console.push_back(c); });
    machine.loadElfImage(image);
    const auto t0 = std::chrono::steady_clock::now();
    r.reason = machine.run(~u64{0});
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.instructions = machine.instructionsRetired();
    r.cycles = machine.now();
    for (unsigned i = 0; i < machine.coreCount(); ++i)
        if (machine.core(i).state().retired == 0) ++r.idle_cores;
    return r;
}

// The fastest of `repeat` runs; nullopt (with a message on stderr) if the guest did not power
// off or left a core unused.
std::optional<CmodxRun> bestOnCmodx(const std::string& path, const std::vector<u8>& image,
                                    const MachineConfig& config, unsigned repeat) {
    std::optional<CmodxRun> best;
    for (unsigned i = 0; i < repeat; ++i) {
        CmodxRun r = runOnCmodx(image, config);
        if (r.reason != StopReason::PoweredOff) {
            fmt::print(stderr, "cmodx bench: {} did not power off on cmodx ({} cores, {})\n", path,
                       config.cores, config.timing.name);
            return std::nullopt;
        }
        if (r.idle_cores != 0) {
            fmt::print(stderr, "cmodx bench: {} left {} of {} cores idle\n", path, r.idle_cores,
                       config.cores);
            return std::nullopt;
        }
        if (!best || r.seconds < best->seconds) best = std::move(r);
    }
    return best;
}

std::vector<std::string> qemuCommand(const std::string& qemu, const std::string& image,
                                     unsigned cores) {
    return {qemu,
            "-M",
            "virt,gic-version=3",
            "-cpu",
            "cortex-a53",
            "-smp",
            fmt::format("{}", cores),
            "-m",
            "128M",
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "stdio",
            "-kernel",
            image};
}

struct QemuRun {
    double total = 0;   // wall time on the workload, start-up included
    double startup = 0; // wall time on the image that powers off at once
    double exec() const { return std::max(total - startup, 1e-6); }
    std::string console;
};

// The fastest of `repeat` runs of the workload and of the null image, each.
std::optional<QemuRun> timeQemu(const std::string& qemu, const std::string& image,
                                const std::string& null_image, unsigned cores, unsigned repeat) {
    QemuRun best{1e30, 1e30, {}};
    for (unsigned i = 0; i < repeat; ++i) {
        auto full = runProcess(qemuCommand(qemu, image, cores), 600);
        auto empty = runProcess(qemuCommand(qemu, null_image, cores), 60);
        if (!full || !empty || full->timed_out || empty->timed_out || full->exit_code != 0 ||
            empty->exit_code != 0)
            return std::nullopt;
        best.total = std::min(best.total, full->seconds);
        best.startup = std::min(best.startup, empty->seconds);
        best.console = full->out;
    }
    return best;
}

double mips(u64 instructions, double seconds) {
    return seconds > 0 ? static_cast<double>(instructions) / seconds / 1e6 : 0.0;
}

std::optional<std::vector<u8>> readImage(const std::string& path) {
    try {
        return readFile(path);
    } catch (const ImageError& e) {
        fmt::print(stderr, "cmodx bench: {}: {}\n", path, e.what());
        return std::nullopt;
    }
}

// Part 1: fib on one core in functional mode, the figure DESIGN.md's speed target is about.
int benchFib(const BenchOptions& o, bool have_qemu) {
    const auto image = readImage(o.image);
    if (!image) return kExitBadImage;
    MachineConfig config;
    config.timing = loadProfile("functional");
    std::optional<CmodxRun> best;
    try {
        best = bestOnCmodx(o.image, *image, config, o.repeat);
    } catch (const ImageError& e) {
        fmt::print(stderr, "cmodx bench: {}: {}\n", o.image, e.what());
        return kExitBadImage;
    }
    if (!best) return kExitGuestFailure;
    const double cmodx_mips = mips(best->instructions, best->seconds);

    fmt::print("image: {}\n", o.image);
    fmt::print("guest instructions: {}\n", best->instructions);
    fmt::print("{:<22} {:>12} {:>10} {:>12}\n", "simulator", "time [s]", "MIPS", "vs QEMU");
    fmt::print("{:<22} {:>12.3f} {:>10.1f}", "cmodx (functional)", best->seconds, cmodx_mips);
    if (!have_qemu) {
        fmt::print(" {:>12}\n", "n/a");
        fmt::print("QEMU ({}) not found: install qemu-system-arm to compare\n", o.qemu);
        return kExitPoweredOff;
    }
    const std::optional<QemuRun> q = timeQemu(o.qemu, o.image, o.null_image, 1, o.repeat);
    if (!q) {
        fmt::print("\nQEMU failed to run the images\n");
        return kExitGuestFailure;
    }
    const double qemu_mips = mips(best->instructions, q->exec());
    fmt::print(" {:>11.2f}x\n", cmodx_mips / qemu_mips);
    fmt::print("{:<22} {:>12.3f} {:>10.1f} {:>12}\n", "qemu", q->exec(), qemu_mips, "1.00x");
    fmt::print("QEMU start-up {:.3f} s subtracted (total {:.3f} s); best of {} runs each\n",
               q->startup, q->total, o.repeat);
    fmt::print("console output {}\n", q->console == best->console
                                          ? "identical on both simulators"
                                          : "DIFFERS between cmodx and QEMU");
    return q->console == best->console ? kExitPoweredOff : kExitGuestFailure;
}

// Part 2: every core busy, quantum 1, each timing profile; QEMU -smp N beside it.
int benchParallel(const BenchOptions& o, bool have_qemu) {
    const auto image = readImage(o.parallel_image);
    if (!image) return kExitBadImage;
    const unsigned core_counts[] = {1, 4};
    const char* const profiles[] = {"functional", "ideal", "a53"};

    struct Row {
        std::string profile;
        unsigned cores;
        CmodxRun run;
    };
    std::vector<Row> rows;
    for (const unsigned cores : core_counts) {
        for (const char* profile : profiles) {
            MachineConfig config;
            config.cores = cores;
            config.quantum = 1;
            config.timing = loadProfile(profile);
            validate(config);
            std::optional<CmodxRun> best;
            try {
                best = bestOnCmodx(o.parallel_image, *image, config, o.repeat);
            } catch (const ImageError& e) {
                fmt::print(stderr, "cmodx bench: {}: {}\n", o.parallel_image, e.what());
                return kExitBadImage;
            }
            if (!best) return kExitGuestFailure;
            rows.push_back({profile, cores, std::move(*best)});
        }
    }
    std::vector<std::optional<QemuRun>> qemu_runs;
    for (const unsigned cores : core_counts) {
        if (!have_qemu) {
            qemu_runs.emplace_back();
            continue;
        }
        qemu_runs.push_back(timeQemu(o.qemu, o.parallel_image, o.null_image, cores, o.repeat));
        if (!qemu_runs.back()) {
            fmt::print("QEMU failed to run the images with -smp {}\n", cores);
            return kExitGuestFailure;
        }
    }
    const auto qemuFor = [&](unsigned cores) -> const std::optional<QemuRun>& {
        for (std::size_t i = 0; i < std::size(core_counts); ++i)
            if (core_counts[i] == cores) return qemu_runs[i];
        return qemu_runs.front();
    };
    // QEMU's instruction count is cmodx's functional one: the work loops are deterministic,
    // only core 0's wait for the others to power off may spin a few times more or less.
    const auto functionalInstructions = [&](unsigned cores) {
        for (const Row& r : rows)
            if (r.cores == cores && r.profile == "functional") return r.run.instructions;
        return u64{0};
    };

    fmt::print("\nimage: {} (every core runs the same loop; quantum 1)\n", o.parallel_image);
    fmt::print("{:<9} {:<11} {:>5} {:>13} {:>13} {:>9} {:>8} {:>10} {:>12}\n", "simulator",
               "profile", "cores", "instructions", "cycles", "time [s]", "MIPS", "MIPS/core",
               "time / QEMU");
    for (const Row& r : rows) {
        const double m = mips(r.run.instructions, r.run.seconds);
        fmt::print("{:<9} {:<11} {:>5} {:>13} {:>13} {:>9.3f} {:>8.1f} {:>10.1f}", "cmodx",
                   r.profile, r.cores, r.run.instructions, r.run.cycles, r.run.seconds, m,
                   m / r.cores);
        if (const auto& q = qemuFor(r.cores))
            fmt::print(" {:>11.1f}x\n", r.run.seconds / q->exec());
        else
            fmt::print(" {:>12}\n", "n/a");
    }
    for (std::size_t i = 0; i < std::size(core_counts); ++i) {
        const auto& q = qemu_runs[i];
        if (!q) continue;
        const unsigned cores = core_counts[i];
        const double m = mips(functionalInstructions(cores), q->exec());
        fmt::print("{:<9} {:<11} {:>5} {:>13} {:>13} {:>9.3f} {:>8.1f} {:>10.1f} {:>12}\n", "qemu",
                   fmt::format("-smp {}", cores), cores, "-", "-", q->exec(), m, m / cores, "1.0x");
    }
    if (have_qemu) {
        fmt::print("QEMU start-up subtracted:");
        for (std::size_t i = 0; i < std::size(core_counts); ++i)
            fmt::print("{} {:.3f} s of {:.3f} s (-smp {})", i == 0 ? "" : ",",
                       qemu_runs[i]->startup, qemu_runs[i]->total, core_counts[i]);
        fmt::print("; best of {} runs each\n", o.repeat);
        fmt::print("QEMU's MIPS count the instructions cmodx retires in functional mode\n");
    } else {
        fmt::print("QEMU ({}) not found: install qemu-system-arm to compare\n", o.qemu);
    }
    // Say so when the profiles make no difference, so that the table is not read as timing.
    bool same_cycles = true;
    for (const Row& r : rows)
        for (const Row& other : rows)
            if (r.cores == other.cores && r.run.cycles != other.run.cycles) same_cycles = false;
    if (same_cycles)
        fmt::print("every profile gave the same cycles: the machine ignores the timing profile\n");
    return kExitPoweredOff;
}

} // namespace

void addBenchOptions(CLI::App& cmd, BenchOptions& o) {
    cmd.add_option("--image", o.image, "Workload image (default: the bundled recursive-fib image)");
    cmd.add_option("--parallel-image", o.parallel_image,
                   "Multicore workload, run on 1 and 4 cores under each timing profile (default: "
                   "the bundled parallel image)");
    cmd.add_option("--null-image", o.null_image,
                   "Image that powers off at once, to measure QEMU start-up (default: bundled)");
    cmd.add_option("--qemu", o.qemu, "QEMU binary")->capture_default_str();
    cmd.add_option("--repeat", o.repeat, "Runs per simulator; the fastest counts")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
}

int benchCommand(const BenchOptions& options) {
    BenchOptions o = options;
    if (o.image.empty()) o.image = besideExecutable("workloads/fib.elf");
    if (o.parallel_image.empty()) o.parallel_image = besideExecutable("workloads/parallel.elf");
    if (o.null_image.empty()) o.null_image = besideExecutable("workloads/null.elf");
    const bool have_qemu = programExists(o.qemu);

    const int fib = benchFib(o, have_qemu);
    if (fib != kExitPoweredOff && fib != kExitGuestFailure) return fib;
    const int parallel = benchParallel(o, have_qemu);
    return parallel != kExitPoweredOff ? parallel : fib;
}

} // namespace cmodx::sim
