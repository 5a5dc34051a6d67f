// End-to-end tests of `cmodx run` as a user runs it: console on stdout, documented exit codes,
// clear errors for bad images, runaway guests and guests that cannot make progress.
#include "sim/exit_codes.h"
#include "sim/process.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace cmodx::sim {
namespace {

const std::string kCmodx = CMODX_BINARY;
const std::string kWorkloads = CMODX_WORKLOAD_DIR;

std::string workload(const std::string& name) { return kWorkloads + "/" + name + ".elf"; }

ProcessResult cmodx(std::vector<std::string> args) {
    args.insert(args.begin(), kCmodx);
    auto r = runProcess(args, 120, /*capture_stderr=*/true);
    if (!r) throw std::runtime_error("cannot start " + kCmodx);
    return *r;
}

std::vector<std::uint8_t> readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `bytes` to a fresh file in the test's temporary directory.
std::string writeTemp(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const auto dir = std::filesystem::temp_directory_path() / "cmodx-cli-tests";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
    return path.string();
}

const char* kDemoConsole = "Hello from a bare-metal AArch64 guest on the virt board.\n"
                           "primes below 200000: 17984\n"
                           "crc32(\"The quick brown fox jumps over the lazy dog\") = 414fa339\n"
                           "sorted 4096 values: min -499943 max 499931 weighted sum 1399427952051\n"
                           "fib(25) = 75025\n"
                           "Done.\n";

TEST(RunCommand, DemoPrintsItsConsoleAndPowersOff) {
    const ProcessResult r = cmodx({"run", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    EXPECT_EQ(r.out, kDemoConsole);
    EXPECT_EQ(r.err, "");
}

TEST(RunCommand, DemoMatchesQemu) {
    auto q = runProcess({"qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a53",
                         "-m", "128M", "-display", "none", "-monitor", "none", "-serial", "stdio",
                         "-kernel", workload("demo")},
                        120);
    if (!q && std::getenv("CMODX_ALLOW_NO_QEMU")) GTEST_SKIP() << "qemu-system-aarch64 missing";
    ASSERT_TRUE(q) << "qemu-system-aarch64 not found (scripts/install-deps.sh installs it)";
    EXPECT_EQ(q->exit_code, 0);
    EXPECT_EQ(q->out, cmodx({"run", workload("demo")}).out);
}

TEST(RunCommand, StatsGoToStderrOnly) {
    const ProcessResult r = cmodx({"run", "--stats", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff);
    EXPECT_EQ(r.out, kDemoConsole);
    EXPECT_NE(r.err.find("powered off at cycle "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("MIPS"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("state hash 0x"), std::string::npos) << r.err;
}

TEST(RunCommand, IsDeterministic) {
    const ProcessResult a = cmodx({"run", "--stats", workload("demo")});
    const ProcessResult b = cmodx({"run", "--stats", workload("demo")});
    // Everything but the host time and speed line.
    const auto deterministic = [](std::string err) {
        const auto p = err.find("cmodx: host time");
        return err.erase(p, err.find('\n', p) - p);
    };
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(deterministic(a.err), deterministic(b.err));
    EXPECT_NE(a.err.find("state hash 0x"), std::string::npos) << a.err;
}

TEST(RunCommand, UndefinedInstructionIsAGuestException) {
    // The guest's own handler reports EC 0x00 (UNDEF) and EC 0x3c (BRK #0x42) with ELR pointing
    // at the faulting instruction, then resumes after it.
    const ProcessResult r = cmodx({"run", workload("test_undef")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    EXPECT_EQ(r.out, "EC=00 0000 18\nAEC=3c 0042 24\nB\n");
}

TEST(RunCommand, GuestWithoutVectorsIsReportedAsWedged) {
    const ProcessResult r = cmodx({"run", workload("test_no_vectors")});
    EXPECT_EQ(r.exit_code, kExitGuestWedged);
    EXPECT_NE(r.err.find("exception loop"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("VBAR_EL1 0x0"), std::string::npos) << r.err;
}

TEST(RunCommand, RunawayGuestStopsAtTheInstructionLimit) {
    const ProcessResult r = cmodx({"run", "--max-insns", "100000", workload("test_spin")});
    EXPECT_EQ(r.exit_code, kExitLimit);
    EXPECT_NE(r.err.find("instruction limit reached: 100000 instructions"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(RunCommand, UsageErrorsHaveTheirOwnExitCode) {
    EXPECT_EQ(cmodx({"run", "--no-such-option", workload("demo")}).exit_code, kExitUsage);
    EXPECT_EQ(cmodx({"run"}).exit_code, kExitUsage);
    EXPECT_EQ(cmodx({"frobnicate"}).exit_code, kExitUsage);
    EXPECT_EQ(cmodx({"run", "--cpu", "pentium", workload("demo")}).exit_code, kExitUsage);
    EXPECT_EQ(cmodx({"run", "--max-insns", "lots", workload("demo")}).exit_code, kExitUsage);
    EXPECT_EQ(cmodx({"run", "--max-insns", "-5", workload("demo")}).exit_code, kExitUsage);
    EXPECT_EQ(cmodx({"run", "--ram", "0", workload("demo")}).exit_code, kExitUsage);
    const ProcessResult help = cmodx({"run", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--max-insns"), std::string::npos);
}

// ---- Bad images ---------------------------------------------------------------------------------

struct BadImage {
    const char* name;
    std::function<void(std::vector<std::uint8_t>&)> corrupt;
    const char* message; // expected in stderr
};

// gtest prints parameters into test names and failure messages: name them, not their bytes.
void PrintTo(const BadImage& image, std::ostream* os) { *os << image.name; }

Elf64_Ehdr& header(std::vector<std::uint8_t>& b) {
    return *reinterpret_cast<Elf64_Ehdr*>(b.data());
}
Elf64_Phdr& firstLoad(std::vector<std::uint8_t>& b) {
    auto& eh = header(b);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        auto* ph = reinterpret_cast<Elf64_Phdr*>(b.data() + eh.e_phoff + i * sizeof(Elf64_Phdr));
        if (ph->p_type == PT_LOAD) return *ph;
    }
    throw std::runtime_error("no PT_LOAD");
}

class BadImages : public ::testing::TestWithParam<BadImage> {};

TEST_P(BadImages, AreRejectedWithAClearErrorAndExitCode3) {
    std::vector<std::uint8_t> bytes = readBytes(workload("demo"));
    ASSERT_GT(bytes.size(), sizeof(Elf64_Ehdr));
    GetParam().corrupt(bytes);
    const std::string path = writeTemp(std::string(GetParam().name) + ".elf", bytes);
    const ProcessResult r = cmodx({"run", path});
    EXPECT_EQ(r.exit_code, kExitBadImage) << r.err;
    EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

INSTANTIATE_TEST_SUITE_P(
    RunCommand, BadImages,
    ::testing::Values(
        BadImage{"empty", [](auto& b) { b.clear(); }, "not an ELF file"},
        BadImage{"text",
                 [](auto& b) {
                     b.assign({'h', 'e', 'l', 'l', 'o', '\n'});
                 },
                 "not an ELF file"},
        BadImage{"truncated_header", [](auto& b) { b.resize(40); }, "truncated ELF header"},
        BadImage{"truncated_segments", [](auto& b) { b.resize(300); }, "truncated ELF file"},
        BadImage{"x86_64", [](auto& b) { header(b).e_machine = EM_X86_64; }, "not AArch64"},
        BadImage{"elf32", [](auto& b) { b[EI_CLASS] = ELFCLASS32; }, "not a 64-bit ELF"},
        BadImage{"big_endian", [](auto& b) { b[EI_DATA] = ELFDATA2MSB; }, "not a little-endian"},
        BadImage{"relocatable", [](auto& b) { header(b).e_type = ET_REL; }, "not an executable"},
        BadImage{"phdrs_beyond_end", [](auto& b) { header(b).e_phoff = 1u << 30; },
                 "program headers lie beyond its end"},
        BadImage{"segment_outside_ram",
                 [](auto& b) {
                     firstLoad(b).p_paddr = 0x1000;
                     firstLoad(b).p_vaddr = 0x1000;
                 },
                 "outside RAM"},
        BadImage{"segment_overlapping_mmio", [](auto& b) { firstLoad(b).p_paddr = 0x09000000; },
                 "overlaps the pl011 device's registers"},
        BadImage{"entry_outside_ram", [](auto& b) { header(b).e_entry = 0x10; },
                 "entry point 0x10"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RunCommand, MissingImageFileIsABadImage) {
    const ProcessResult r = cmodx({"run", "/nonexistent/image.elf"});
    EXPECT_EQ(r.exit_code, kExitBadImage);
    EXPECT_NE(r.err.find("cannot open"), std::string::npos) << r.err;
}

TEST(RunCommand, DirectoriesAndDevicesAreNotImages) {
    for (const char* path : {"/tmp", "/dev/zero", "/dev/null"}) {
        const ProcessResult r = cmodx({"run", path});
        EXPECT_EQ(r.exit_code, kExitBadImage) << path << ": " << r.err;
        EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
    }
}

} // namespace
} // namespace cmodx::sim

// ---- The multicore platform as a user runs it
// -----------------------------------------------------

namespace cmodx::sim {
namespace {

std::string readText(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ProcessResult qemu(const std::string& cpu, unsigned cores, const std::string& image,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"qemu-system-aarch64",
                                     "-M",
                                     "virt,gic-version=3",
                                     "-cpu",
                                     cpu,
                                     "-smp",
                                     std::to_string(cores),
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
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = runProcess(args, 60, /*capture_stderr=*/true);
    if (!r) throw std::runtime_error("cannot start qemu-system-aarch64");
    return *r;
}

class SmpTest : public ::testing::TestWithParam<std::string> {};

// The 4-core test image (PSCI, MMU, GIC, timers, IPIs, exclusives, LSE, EL0, aborts) prints
// the same on cmodx and on QEMU, and what the project recorded from QEMU.
TEST_P(SmpTest, PrintsTheSameAsQemu) {
    const std::string cpu = GetParam();
    const ProcessResult c = cmodx({"run", "--cores", "4", "--cpu", cpu, workload("smp_test")});
    EXPECT_EQ(c.exit_code, kExitPoweredOff) << c.err;
    const ProcessResult q = qemu(cpu, 4, workload("smp_test"));
    EXPECT_EQ(q.exit_code, 0) << q.err;
    EXPECT_EQ(c.out, q.out);
    EXPECT_EQ(c.out,
              readText(std::string(CMODX_SOURCE_DIR) + "/workloads/smp/expected/" + cpu + ".txt"));
}

INSTANTIATE_TEST_SUITE_P(RunCommand, SmpTest, ::testing::Values("cortex-a53", "max"),
                         [](const auto& info) {
                             return info.param == "max" ? std::string("max")
                                                        : std::string("cortex_a53");
                         });

TEST(RunCommand, BootArgumentsReachTheGuestAsOnQemu) {
    const std::string args = "scenario=ftrace-race ftrace.strategy=none toggles=200";
    const ProcessResult c = cmodx({"run", "--bootargs", args, workload("test_bootargs")});
    EXPECT_EQ(c.exit_code, kExitPoweredOff) << c.err;
    EXPECT_EQ(c.out, args + "\n");
    std::vector<std::uint8_t> bytes(args.begin(), args.end());
    bytes.push_back(0);
    const std::string file = writeTemp("bootargs.bin", bytes);
    const ProcessResult q =
        qemu("cortex-a53", 1, workload("test_bootargs"),
             {"-device", "loader,file=" + file + ",addr=0x44000000,force-raw=on"});
    EXPECT_EQ(q.out, c.out) << q.err;
}

TEST(RunCommand, ASnapshotFileContinuesTheRunExactly) {
    const auto hash = [](const std::string& err) {
        const auto p = err.find("state hash ");
        return p == std::string::npos ? std::string("none") : err.substr(p, 29);
    };
    const ProcessResult whole = cmodx({"run", "--cores", "4", "--stats", workload("smp_test")});
    ASSERT_EQ(whole.exit_code, kExitPoweredOff) << whole.err;
    const std::string snap = writeTemp("smp.snap", {});
    const ProcessResult first = cmodx({"run", "--cores", "4", "--max-cycles", "400000",
                                       "--save-snapshot", snap, workload("smp_test")});
    EXPECT_EQ(first.exit_code, kExitLimit) << first.err;
    const ProcessResult second = cmodx({"run", "--restore", snap, "--stats"});
    EXPECT_EQ(second.exit_code, kExitPoweredOff) << second.err;
    EXPECT_EQ(first.out + second.out, whole.out);
    EXPECT_EQ(hash(second.err), hash(whole.err));
}

TEST(RunCommand, StatsJsonHasPerCoreFigures) {
    const std::string path = writeTemp("stats.json", {});
    const ProcessResult r =
        cmodx({"run", "--cores", "4", "--stats-json", path, workload("smp_test")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    const std::string json = readText(path);
    EXPECT_NE(json.find("\"state_hash\": \"0x"), std::string::npos) << json;
    EXPECT_NE(json.find("\"core\": 3"), std::string::npos) << json;
    EXPECT_NE(json.find("\"irqs\""), std::string::npos) << json;
}

TEST(RunCommand, BadConfigFilesHaveTheirOwnExitCode) {
    const std::string typo =
        writeTemp("typo.toml", {'[', 'm', 'a', 'c', 'h', 'i', 'n', 'e', ']', '\n', 'c',
                                'o', 'r', 'e', 's', 'e', ' ', '=', ' ', '4', '\n'});
    const ProcessResult r = cmodx({"run", "--config", typo, workload("demo")});
    EXPECT_EQ(r.exit_code, kExitBadConfig) << r.err;
    EXPECT_NE(r.err.find("typo.toml:2:1: unknown key 'machine.corese'"), std::string::npos)
        << r.err;
    EXPECT_EQ(cmodx({"run", "--config", "/nonexistent.toml", workload("demo")}).exit_code,
              kExitBadConfig);
}

TEST(RunCommand, BadInjectionsAreUsageErrors) {
    const ProcessResult syntax = cmodx({"run", "--inject", "irq:core=1:when=5", workload("demo")});
    EXPECT_EQ(syntax.exit_code, kExitUsage);
    EXPECT_NE(syntax.err.find("when"), std::string::npos) << syntax.err;
    const ProcessResult core = cmodx({"run", "--inject", "irq:core=3:cycle=5", workload("demo")});
    EXPECT_EQ(core.exit_code, kExitUsage);
    EXPECT_NE(core.err.find("the machine has 1 core"), std::string::npos) << core.err;
}

TEST(RunCommand, BadSnapshotFilesHaveTheirOwnExitCode) {
    const std::string junk = writeTemp("junk.snap", {'n', 'o', 'p', 'e'});
    const ProcessResult r = cmodx({"run", "--restore", junk});
    EXPECT_EQ(r.exit_code, kExitBadSnapshot);
    EXPECT_NE(r.err.find("not a cmodx snapshot file"), std::string::npos) << r.err;
    EXPECT_EQ(cmodx({"run"}).exit_code, kExitUsage); // neither image nor snapshot
}

TEST(RunCommand, HelpListsTheMachineOptionsWithDefaults) {
    const ProcessResult help = cmodx({"run", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    for (const char* option :
         {"--cores", "--config", "--seed", "--bootargs", "--max-cycles", "--stats-json", "--inject",
          "--quantum", "--save-snapshot", "--restore"})
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    EXPECT_NE(help.out.find("--max-cycles UINT:UINT=20000000000"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--profile TEXT=a53"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("--set TEXT"), std::string::npos) << help.out;
}

// ---- Timing profiles ----------------------------------------------------------------------------

std::string writeText(const std::string& name, const std::string& text) {
    return writeTemp(name, {text.begin(), text.end()});
}

// "powered off at cycle N; M instructions" from --stats: {N, M}.
std::pair<std::uint64_t, std::uint64_t> cyclesAndInstructions(const std::string& err) {
    const auto at = err.find("at cycle ");
    const auto semi = err.find("; ", at);
    if (at == std::string::npos || semi == std::string::npos) return {0, 0};
    return {std::stoull(err.substr(at + 9, semi - at - 9)), std::stoull(err.substr(semi + 2))};
}

TEST(RunCommand, IdealProfileTakesOneCyclePerInstruction) {
    const ProcessResult r = cmodx({"run", "--profile", "ideal", "--stats", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    EXPECT_EQ(r.out, kDemoConsole);
    const auto [cycles, instructions] = cyclesAndInstructions(r.err);
    EXPECT_GT(instructions, 50'000'000u) << r.err;
    EXPECT_EQ(cycles, instructions) << r.err;
}

TEST(RunCommand, ProfileOptionsAcceptBuiltinsFilesAndSets) {
    const std::string profile =
        writeText("gshare.toml", "base = \"functional\"\nbranch.predictor = \"gshare\"\n");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--profile", "functional"}, {"--profile", "a53"},
          {"--profile", profile},
          {"--set", "icache.size=16384", "--set", "branch.predictor=gshare", "--set",
           "coherent_fetch=true"}}) {
        std::vector<std::string> command{"run"};
        command.insert(command.end(), args.begin(), args.end());
        command.push_back(workload("demo"));
        const ProcessResult r = cmodx(command);
        EXPECT_EQ(r.exit_code, kExitPoweredOff) << args[1] << ": " << r.err;
        EXPECT_EQ(r.out, kDemoConsole) << args[1];
    }
}

TEST(RunCommand, MissingProfileIsABadConfiguration) {
    const ProcessResult r = cmodx({"run", "--profile", "/nonexistent", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitBadConfig) << r.err;
    EXPECT_EQ(r.err, "cmodx: timing profile '/nonexistent' is not built in (a53, ideal, "
                     "functional) and cannot be read as a file: No such file or directory\n");
    EXPECT_EQ(r.out, "");
}

TEST(RunCommand, BadSetsAreBadConfigurationsNamingTheKey) {
    ProcessResult r = cmodx({"run", "--set", "nope=1", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitBadConfig) << r.err;
    EXPECT_EQ(r.err.rfind("cmodx: --set nope=1: unknown key 'nope'; the keys are ", 0), 0u)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;

    r = cmodx({"run", "--set", "issue.width=wide", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitBadConfig);
    EXPECT_EQ(r.err, "cmodx: --set issue.width=wide: issue.width: expected an integer, got "
                     "'wide'\n");
    // A rule across keys, checked once every --set is applied.
    r = cmodx({"run", "--set", "icache.ways=3", workload("demo")});
    EXPECT_EQ(r.exit_code, kExitBadConfig);
    EXPECT_NE(r.err.find("icache.size (32768) must be icache.ways (3)"), std::string::npos)
        << r.err;
    EXPECT_EQ(cmodx({"run", "--set", "icache.ways=4", "--set", "icache.size=65536",
                     workload("demo")})
                  .exit_code,
              kExitPoweredOff);
    // On a restored run too (where --set may not change the snapshot's profile anyway).
    const std::string snap = writeTemp("profile.snap", {});
    ASSERT_EQ(cmodx({"run", "--max-cycles", "1000", "--save-snapshot", snap, workload("demo")})
                  .exit_code,
              kExitLimit);
    r = cmodx({"run", "--restore", snap, "--set", "nope=1"});
    EXPECT_EQ(r.exit_code, kExitBadConfig) << r.err;
    EXPECT_NE(r.err.find("--set nope=1"), std::string::npos) << r.err;
}

TEST(ProfileCommand, PrintsTheA53ProfileAsItsFile) {
    const ProcessResult r = cmodx({"profile", "a53"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, readText(std::string(CMODX_SOURCE_DIR) + "/profiles/a53.toml"));
    EXPECT_EQ(cmodx({"profile"}).out, r.out); // a53 is the default
}

TEST(ProfileCommand, AppliesSetsAndValidates) {
    ProcessResult r = cmodx({"profile", "ideal", "--set", "issue.width=2", "--set",
                             "branch.predictor=gshare"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("# cmodx timing profile: ideal\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[issue]\n# instructions issued per cycle, 1..8\nwidth = 2\n"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("predictor = \"gshare\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("alu = 1\n"), std::string::npos) << r.out;

    r = cmodx({"profile", "a53", "--set", "latency.alu=1"});
    EXPECT_EQ(r.exit_code, kExitBadConfig);
    EXPECT_EQ(r.err, "cmodx: invalid timing profile 'a53': advance.alu (2) must be less than "
                     "latency.alu (1)\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(cmodx({"profile", "/nonexistent"}).exit_code, kExitBadConfig);
}

TEST(ProfileCommand, ListsTheBuiltins) {
    const ProcessResult r = cmodx({"profile", "--list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("a53          Cortex-A53 from public figures", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\nideal        one cycle per instruction"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nfunctional   no timing model"), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);
    EXPECT_EQ(cmodx({"profile", "--list", "a53"}).exit_code, kExitUsage);
}

} // namespace
} // namespace cmodx::sim
