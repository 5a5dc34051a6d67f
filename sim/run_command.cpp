// `cmodx run IMAGE.elf`: build the machine, load a bare-metal image (or restore a snapshot), run
// it, and report how it stopped. stdout carries the guest console and nothing else.
#include "sim/commands.h"
#include "sim/config.h"
#include "sim/console.h"
#include "sim/exit_codes.h"
#include "sim/injection.h"
#include "sim/machine.h"
#include "sim/snapshot_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

namespace cmodx::sim {

// CLI11 converts "-5" to a huge unsigned number; counts and sizes must be written unsigned.
const CLI::Validator kUnsigned(
    [](std::string& value) {
        return value.find_first_not_of("0123456789") == std::string::npos && !value.empty()
                   ? std::string()
                   : "must be a non-negative whole number, got '" + value + "'";
    },
    "UINT");

void addRunOptions(CLI::App& cmd, RunOptions& o) {
    cmd.add_option("image", o.image, "Bare-metal AArch64 ELF executable to run");
    cmd.add_option("--config", o.config_file,
                   "Machine configuration file (TOML; see docs/platform.md); command-line "
                   "options override it");
    o.opt_cores = cmd.add_option("--cores", o.cores,
                                 "Number of cores (PEs); core 0 starts at "
                                 "the ELF entry, the others at PSCI CPU_ON")
                      ->check(kUnsigned)
                      ->check(CLI::Range(1u, kMaxCores))
                      ->capture_default_str();
    o.opt_cpu = cmd.add_option("--cpu", o.cpu,
                               "CPU profile: cortex-a53 (ARMv8.0) or max (adds FEAT_LSE atomics)")
                    ->check(CLI::IsMember({"cortex-a53", "max"}))
                    ->capture_default_str();
    o.opt_ram = cmd.add_option("--ram", o.ram_mib, "RAM size in MiB at 0x40000000")
                    ->check(kUnsigned)
                    ->check(CLI::Range(1, 4096))
                    ->capture_default_str();
    o.opt_quantum =
        cmd.add_option("--quantum", o.quantum,
                       "Cycles each core runs before the next core's turn (1: an interrupt or "
                       "another core can come between any two instructions)")
            ->check(kUnsigned)
            ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32))
            ->capture_default_str();
    o.opt_seed = cmd.add_option("--seed", o.seed, "Seed of all simulated randomness")
                     ->check(kUnsigned)
                     ->capture_default_str();
    o.opt_bootargs = cmd.add_option(
        "--bootargs", o.bootargs,
        "Boot-argument string, placed NUL-terminated at 0x44000000 (docs/platform.md)");
    o.opt_profile = cmd.add_option("--profile", o.profile,
                                   profileOptionHelp() + "; replaces the --config file's [timing]")
                        ->capture_default_str();
    cmd.add_option("--set", o.sets, setOptionHelp())
        ->allow_extra_args(false); // one KEY=VALUE per --set: the image is not swallowed
    cmd.add_option("--max-cycles", o.max_cycles,
                   "Stop with exit code 4 when the global clock reaches N cycles (0 = no limit)")
        ->check(kUnsigned)
        ->capture_default_str();
    cmd.add_option("--max-insns", o.max_insns,
                   "Stop with exit code 4 after N instructions on all cores together (0 = no "
                   "limit)")
        ->check(kUnsigned)
        ->capture_default_str();
    cmd.add_option("--inject", o.injections,
                   "Inject an event, repeatable: irq:core=C:cycle=T[:intid=N], "
                   "irq:core=C:pc=ADDR[:hit=N][:intid=N], stall:core=C:cycle=T:cycles=N, "
                   "stall:core=C:pc=ADDR[:hit=N]:cycles=N")
        ->allow_extra_args(false); // one spec per --inject: the image is not swallowed
    cmd.add_flag("--stats", o.stats, "Print per-core statistics and the state hash to stderr");
    cmd.add_option("--stats-json", o.stats_json, "Write the statistics as JSON to FILE");
    cmd.add_option("--save-snapshot", o.save_snapshot,
                   "Save the whole machine state to FILE when the run stops");
    cmd.add_option("--restore", o.restore,
                   "Continue from a snapshot FILE instead of loading an image (the machine "
                   "settings and the timing profile come from the snapshot)");
}

namespace {

const char* stopText(StopReason r) {
    switch (r) {
    case StopReason::None: return "limit reached";
    case StopReason::PoweredOff: return "powered off";
    case StopReason::Reset: return "system reset";
    case StopReason::SemihostingExit: return "semihosting exit";
    case StopReason::GuestWedged: return "wedged";
    }
    return "?";
}

const char* activityText(CoreActivity a) {
    switch (a) {
    case CoreActivity::Off: return "off";
    case CoreActivity::Running: return "running";
    case CoreActivity::Wfi: return "wfi";
    case CoreActivity::Wfe: return "wfe";
    }
    return "?";
}

// --profile replaces the timing profile (the config file's [timing] with its overrides), then
// each --set changes one key of the result.
void applyTimingOptions(MachineConfig& c, const RunOptions& o) {
    if (o.opt_profile && o.opt_profile->count()) c.timing = loadProfile(o.profile);
    applyProfileSets(c.timing, o.sets);
}

// Builds the machine configuration: defaults, then the config file, then the command line.
MachineConfig configure(const RunOptions& o) {
    MachineConfig c;
    if (!o.config_file.empty()) applyConfigFile(c, o.config_file);
    if (o.opt_cores && o.opt_cores->count()) c.cores = o.cores;
    if (o.opt_cpu && o.opt_cpu->count()) setCpuProfile(c, o.cpu);
    if (o.opt_ram && o.opt_ram->count()) c.ram_size = o.ram_mib << 20;
    if (o.opt_quantum && o.opt_quantum->count()) c.quantum = o.quantum;
    if (o.opt_seed && o.opt_seed->count()) c.seed = o.seed;
    if (o.opt_bootargs && o.opt_bootargs->count()) c.bootargs = o.bootargs;
    applyTimingOptions(c, o);
    validate(c);
    return c;
}

int exitCodeFor(const Machine& m) {
    switch (m.stopReason()) {
    case StopReason::PoweredOff:
    case StopReason::Reset: return kExitPoweredOff;
    case StopReason::SemihostingExit:
        return m.exitStatus() == 0 ? kExitPoweredOff : kExitGuestFailure;
    case StopReason::GuestWedged: return kExitGuestWedged;
    case StopReason::None: return kExitLimit;
    }
    return kExitInternal;
}

// `ran`: instructions retired in this run (a restored run continues an earlier one).
nlohmann::json statsJson(const Machine& m, double seconds, u64 ran, int exit_code) {
    nlohmann::json j;
    j["stop"] = stopText(m.stopReason());
    j["exit_code"] = exit_code;
    j["cycles"] = m.now();
    j["instructions"] = m.instructionsRetired();
    j["state_hash"] = fmt::format("{:#018x}", m.stateHash());
    j["host_seconds"] = seconds;
    j["mips"] = seconds > 0 ? static_cast<double>(ran) / seconds / 1e6 : 0.0;
    nlohmann::json cores = nlohmann::json::array();
    for (unsigned i = 0; i < m.coreCount(); ++i) {
        const Core& c = m.core(i);
        const CoreStats s = c.statsAt(m.now());
        cores.push_back({{"core", i},
                         {"state", activityText(c.activity())},
                         {"pc", fmt::format("{:#x}", c.state().pc)},
                         {"instructions", c.state().retired},
                         {"cycles_on", s.cycles_on},
                         {"cycles_waiting", s.cycles_waiting},
                         {"cycles_stalled", s.cycles_stalled},
                         {"exceptions", s.exceptions},
                         {"irqs", s.irqs},
                         {"fiqs", s.fiqs}});
        if (const auto t = c.timingStats()) {
            const u64 busy = s.cycles_on - s.cycles_waiting - s.cycles_stalled;
            cores.back()["timing"] = {
                {"ipc", busy ? static_cast<double>(c.state().retired) / busy : 0.0},
                {"stall_cycles",
                 {{"dependency", t->stalls.dependency},
                  {"structural", t->stalls.structural},
                  {"icache_miss", t->stalls.icache},
                  {"dcache_miss", t->stalls.dcache},
                  {"mispredict", t->stalls.mispredict},
                  {"serialisation", t->stalls.serialise}}},
                {"icache", {{"hits", t->icache.hits}, {"misses", t->icache.misses}}},
                {"dcache", {{"hits", t->dcache.hits}, {"misses", t->dcache.misses}}},
                {"branches",
                 {{"resolved", t->branches.branches},
                  {"conditional", t->branches.conditional},
                  {"mispredicted", t->branches.mispredicts},
                  {"btb_misses", t->branches.btb_misses}}}};
        }
    }
    j["profile"] = m.config().timing.name;
    j["cores"] = cores;
    return j;
}

double percent(u64 part, u64 whole) {
    return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// The timing model's view: IPC over the cycles a core was busy (on, not waiting or stalled),
// the cycles instructions issued late by cause, cache and predictor figures.
void printTimingStats(const Machine& m) {
    if (m.config().timing.mode != TimingMode::Timing) return;
    fmt::print(stderr, "cmodx: timing profile {}\n", m.config().timing.name);
    fmt::print(stderr, "core    IPC  stalls: dependency structural    i-miss    d-miss mispredict "
                       "serialise\n");
    for (unsigned i = 0; i < m.coreCount(); ++i) {
        const Core& c = m.core(i);
        const auto t = c.timingStats();
        const CoreStats s = c.statsAt(m.now());
        const u64 busy = s.cycles_on - s.cycles_waiting - s.cycles_stalled;
        fmt::print(stderr, "{:>4} {:>6.3f}  {:>18} {:>10} {:>9} {:>9} {:>10} {:>9}\n", i,
                   busy ? static_cast<double>(c.state().retired) / busy : 0.0,
                   t->stalls.dependency, t->stalls.structural, t->stalls.icache, t->stalls.dcache,
                   t->stalls.mispredict, t->stalls.serialise);
    }
    fmt::print(stderr, "core     I-cache hits/misses    D-cache hits/misses   branches  "
                       "mispredicted  accuracy\n");
    for (unsigned i = 0; i < m.coreCount(); ++i) {
        const auto t = m.core(i).timingStats();
        fmt::print(stderr, "{:>4} {:>14}/{:<8} {:>14}/{:<8} {:>10} {:>13} {:>8.2f}%\n", i,
                   t->icache.hits, t->icache.misses, t->dcache.hits, t->dcache.misses,
                   t->branches.branches, t->branches.mispredicts,
                   100.0 - percent(t->branches.mispredicts, t->branches.branches));
    }
}

void printStats(const Machine& m, double seconds, u64 ran) {
    const u64 insns = m.instructionsRetired();
    fmt::print(stderr, "cmodx: {} at cycle {}; {} instructions on {} core{}\n",
               stopText(m.stopReason()), m.now(), insns, m.coreCount(),
               m.coreCount() == 1 ? "" : "s");
    fmt::print(stderr, "cmodx: host time {:.3f} s, {:.1f} MIPS\n", seconds,
               seconds > 0 ? static_cast<double>(ran) / seconds / 1e6 : 0.0);
    fmt::print(stderr, "core  state    instructions      cycles-on        waiting    stalled  "
                       "exceptions       irqs\n");
    for (unsigned i = 0; i < m.coreCount(); ++i) {
        const Core& c = m.core(i);
        const CoreStats s = c.statsAt(m.now());
        fmt::print(stderr, "{:>4}  {:<7} {:>13} {:>14} {:>14} {:>10} {:>11} {:>10}\n", i,
                   activityText(c.activity()), c.state().retired, s.cycles_on, s.cycles_waiting,
                   s.cycles_stalled, s.exceptions, s.irqs + s.fiqs);
    }
    printTimingStats(m);
    fmt::print(stderr, "cmodx: state hash {:#018x}\n", m.stateHash());
}

} // namespace

int runCommand(const RunOptions& o) {
    if (o.image.empty() == o.restore.empty()) {
        fmt::print(stderr, "cmodx: give either an IMAGE to run or --restore SNAPSHOT\n");
        return kExitUsage;
    }

    std::vector<Injection> injections;
    for (const std::string& spec : o.injections) {
        try {
            injections.push_back(parseInjection(spec));
        } catch (const InjectionSyntaxError& e) {
            fmt::print(stderr, "cmodx: --inject {}: {}\n", spec, e.what());
            return kExitUsage;
        }
    }

    Snapshot snapshot;
    MachineConfig config;
    try {
        if (!o.restore.empty()) {
            snapshot = loadSnapshotFile(o.restore);
            config = Machine::configOf(snapshot);
            // The snapshot records its timing profile; --profile or --set that change it are
            // refused when the snapshot is restored (a model's state needs its parameters).
            applyTimingOptions(config, o);
            validate(config);
        } else {
            config = configure(o);
        }
    } catch (const ConfigError& e) {
        fmt::print(stderr, "cmodx: {}\n", e.what());
        return kExitBadConfig;
    } catch (const SnapshotError& e) {
        fmt::print(stderr, "cmodx: {}\n", e.what());
        return kExitBadSnapshot;
    }

    StdoutConsole console;
    Machine machine(config, [&console](char c) { console.put(c); });
    try {
        if (!o.restore.empty())
            machine.restore(snapshot);
        else
            machine.loadElfImage(readFile(o.image));
    } catch (const ImageError& e) {
        fmt::print(stderr, "cmodx: {}: {}\n", o.image, e.what());
        return kExitBadImage;
    } catch (const SnapshotError& e) {
        fmt::print(stderr, "cmodx: {}: {}\n", o.restore, e.what());
        return kExitBadSnapshot;
    }
    for (const Injection& inj : injections) {
        try {
            machine.addInjection(inj);
        } catch (const std::invalid_argument& e) {
            fmt::print(stderr, "cmodx: --inject {}: {}\n", formatInjection(inj), e.what());
            return kExitUsage;
        }
    }

    const u64 cycle_limit = o.max_cycles == 0 ? ~u64{0} : o.max_cycles;
    const u64 insn_limit = o.max_insns == 0 ? ~u64{0} : o.max_insns;
    const u64 retired_before = machine.instructionsRetired(); // non-zero after --restore
    const auto t0 = std::chrono::steady_clock::now();
    const StopReason reason = machine.run(cycle_limit, insn_limit);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    console.flush();

    const int code = exitCodeFor(machine);
    switch (reason) {
    case StopReason::PoweredOff: break;
    case StopReason::Reset:
        fmt::print(stderr, "cmodx: guest requested a system reset; stopping\n");
        break;
    case StopReason::SemihostingExit:
        if (machine.exitStatus() != 0)
            fmt::print(stderr, "cmodx: guest exited with status {} (semihosting SYS_EXIT, {})\n",
                       machine.exitStatus(), machine.stopMessage());
        break;
    case StopReason::GuestWedged:
        fmt::print(stderr, "cmodx: guest wedged: {}\n", machine.stopMessage());
        break;
    case StopReason::None:
        if (machine.instructionsRetired() >= insn_limit)
            fmt::print(stderr,
                       "cmodx: instruction limit reached: {} instructions retired without the "
                       "guest powering off (core 0 PC {:#x}); raise --max-insns if the guest "
                       "needs longer\n",
                       machine.instructionsRetired(), machine.core(0).state().pc);
        else
            fmt::print(stderr,
                       "cmodx: cycle limit reached: {} cycles without the guest powering off "
                       "(core 0 PC {:#x}); raise --max-cycles if the guest needs longer\n",
                       machine.now(), machine.core(0).state().pc);
        break;
    }

    if (o.stats) printStats(machine, seconds, machine.instructionsRetired() - retired_before);
    if (!o.stats_json.empty()) {
        std::ofstream f(o.stats_json);
        f << statsJson(machine, seconds, machine.instructionsRetired() - retired_before, code).dump(2)
          << '\n';
        if (!f) {
            fmt::print(stderr, "cmodx: cannot write {}\n", o.stats_json);
            return kExitUsage;
        }
    }
    if (!o.save_snapshot.empty()) {
        try {
            saveSnapshotFile(machine.snapshot(), o.save_snapshot);
        } catch (const SnapshotError& e) {
            fmt::print(stderr, "cmodx: {}\n", e.what());
            return kExitBadSnapshot;
        }
    }
    return code;
}

} // namespace cmodx::sim
