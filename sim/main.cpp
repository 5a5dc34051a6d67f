// The cmodx command line: `cmodx run IMAGE.elf`, `cmodx bench` and `cmodx profile`.
#include "sim/commands.h"
#include "sim/exit_codes.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

int main(int argc, char** argv) {
    using namespace cmodx::sim;
    CLI::App app{"cmodx: a multicore AArch64 simulator for studying live code patching"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "cmodx 0.1.0");

    RunOptions run;
    CLI::App* run_cmd = app.add_subcommand("run", "Run a bare-metal AArch64 ELF image on the "
                                                  "QEMU-virt-like machine; stdout is the guest "
                                                  "console");
    addRunOptions(*run_cmd, run);

    BenchOptions bench;
    CLI::App* bench_cmd = app.add_subcommand(
        "bench", "Measure simulation speed (MIPS) against qemu-system-aarch64 on the same image");
    addBenchOptions(*bench_cmd, bench);

    ProfileOptions profile;
    CLI::App* profile_cmd = app.add_subcommand(
        "profile", "Print a timing profile as TOML, every parameter with its description");
    addProfileOptions(*profile_cmd, profile);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        fmt::print(stderr, "cmodx: {}\nRun 'cmodx --help' or 'cmodx run --help' for usage.\n",
                   e.what());
        return kExitUsage;
    }

    try {
        if (*run_cmd) return runCommand(run);
        if (*bench_cmd) return benchCommand(bench);
        if (*profile_cmd) return profileCommand(profile);
    } catch (const std::exception& e) {
        fmt::print(stderr, "cmodx: internal error: {}\n", e.what());
        return kExitInternal;
    }
    return kExitUsage;
}
