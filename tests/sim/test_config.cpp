// Machine configuration: the TOML file format (every key, strictness, error messages with file
// positions), CPU profiles, cross-field validation and the self-describing default document.
#include "sim/config.h"
#include "sim/machine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace cmodx::sim {
namespace {

// The message of the ConfigError that applying `text` throws ("" if none).
std::string applyError(std::string_view text, MachineConfig* config = nullptr) {
    MachineConfig local;
    try {
        applyConfigText(config ? *config : local, text, "test.toml");
    } catch (const ConfigError& e) { return e.what(); }
    return "";
}

std::string validateError(const MachineConfig& config) {
    try {
        validate(config);
    } catch (const ConfigError& e) { return e.what(); }
    return "";
}

#define EXPECT_CONTAINS(haystack, needle)                                                          \
    do {                                                                                           \
        const std::string h_ = (haystack);                                                         \
        EXPECT_NE(h_.find(needle), std::string::npos)                                              \
            << "expected \"" << (needle) << "\" in: " << h_;                                       \
    } while (0)

std::string writeTemp(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / "cmodx-config-tests";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

TEST(Config, Defaults) {
    const MachineConfig c;
    EXPECT_EQ(c.cores, 1u);
    EXPECT_EQ(c.ram_size, u64{128} << 20);
    EXPECT_EQ(c.cpu, "cortex-a53");
    EXPECT_EQ(c.features, isa::Features{});
    EXPECT_EQ(c.quantum, 1u);
    EXPECT_EQ(c.cpu_hz, 1'000'000'000u);
    EXPECT_EQ(c.counter_hz, 62'500'000u);
    EXPECT_EQ(c.seed, 0u);
    EXPECT_TRUE(c.semihosting);
    EXPECT_EQ(c.bootargs, "");
    EXPECT_EQ(c.timing, TimingProfile{}); // the a53 profile
    EXPECT_NO_THROW(validate(c));
}

TEST(Config, EveryKeyApplies) {
    MachineConfig c;
    applyConfigText(c, R"(
[machine]
cores = 4
ram_mib = 256
cpu = "max"
quantum = 100
seed = 0x1234_5678
[clock]
cpu_hz = 2_000_000_000
counter_hz = 100000000
[boot]
bootargs = "scenario=ftrace-race ftrace.strategy=none"
semihosting = false
)",
                    "test.toml");
    EXPECT_EQ(c.cores, 4u);
    EXPECT_EQ(c.ram_size, u64{256} << 20);
    EXPECT_EQ(c.cpu, "max");
    EXPECT_TRUE(c.features.lse);
    EXPECT_EQ(c.quantum, 100u);
    EXPECT_EQ(c.seed, 0x12345678u);
    EXPECT_EQ(c.cpu_hz, 2'000'000'000u);
    EXPECT_EQ(c.counter_hz, 100'000'000u);
    EXPECT_EQ(c.bootargs, "scenario=ftrace-race ftrace.strategy=none");
    EXPECT_FALSE(c.semihosting);
    EXPECT_NO_THROW(validate(c));
}

TEST(Config, OnlyPresentKeysChange) {
    MachineConfig c;
    c.seed = 99;
    c.bootargs = "keep";
    applyConfigText(c, "[machine]\ncores = 2\n", "test.toml");
    MachineConfig expected;
    expected.seed = 99;
    expected.bootargs = "keep";
    expected.cores = 2;
    EXPECT_EQ(c, expected);
    applyConfigText(c, "", "empty.toml");
    EXPECT_EQ(c, expected);
}

TEST(Config, DottedKeysAndInlineTablesWork) {
    MachineConfig c;
    applyConfigText(c, "machine.cores = 3\nclock = { cpu_hz = 500000000 }\n", "test.toml");
    EXPECT_EQ(c.cores, 3u);
    EXPECT_EQ(c.cpu_hz, 500'000'000u);
}

TEST(Config, FileIsApplied) {
    const std::string path = writeTemp("good.toml", "[machine]\ncores = 8\nseed = 7\n");
    MachineConfig c;
    applyConfigFile(c, path);
    EXPECT_EQ(c.cores, 8u);
    EXPECT_EQ(c.seed, 7u);
}

TEST(Config, MissingFileNamesIt) {
    MachineConfig c;
    try {
        applyConfigFile(c, "/nonexistent/cmodx.toml");
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_CONTAINS(e.what(), "/nonexistent/cmodx.toml");
        EXPECT_CONTAINS(e.what(), "No such file");
    }
}

TEST(Config, MalformedTomlNamesFileAndLine) {
    const std::string path = writeTemp("bad.toml", "[machine]\ncores = 4\nram_mib = = 5\n");
    MachineConfig c;
    try {
        applyConfigFile(c, path);
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_CONTAINS(e.what(), path + ":3:");
        EXPECT_CONTAINS(e.what(), "TOML syntax error");
    }
    EXPECT_EQ(c, MachineConfig{}); // nothing applied
    EXPECT_CONTAINS(applyError("[machine\ncores = 1\n"), "test.toml:1:");
    EXPECT_CONTAINS(applyError("[machine]\ncores = 1\ncores = 2\n"), "test.toml:3:");
    EXPECT_CONTAINS(applyError("[boot]\nbootargs = \"unterminated\n"), "test.toml:2:");
}

TEST(Config, UnknownKeyIsAnError) {
    const std::string e = applyError("[machine]\ncores = 2\ncorse = 4\n");
    EXPECT_CONTAINS(e, "test.toml:3:1:");
    EXPECT_CONTAINS(e, "unknown key 'machine.corse'");
    EXPECT_CONTAINS(e, "cores, ram_mib, cpu, quantum, seed"); // what [machine] accepts
    EXPECT_CONTAINS(applyError("[clock]\ncpu_mhz = 1000\n"), "'clock.cpu_mhz'");
    EXPECT_CONTAINS(applyError("[boot]\nbootarg = \"x\"\n"), "'boot.bootarg'");
    // A nested table inside a known one is an unknown key too.
    EXPECT_CONTAINS(applyError("[machine.extra]\nx = 1\n"), "unknown key 'machine.extra'");
}

TEST(Config, UnknownTableIsAnError) {
    const std::string e = applyError("[machine]\ncores = 2\n\n[mchine]\ncores = 4\n");
    EXPECT_CONTAINS(e, "test.toml:4:");
    EXPECT_CONTAINS(e, "unknown table 'mchine'");
    EXPECT_CONTAINS(e, "[machine], [clock], [boot]");
}

TEST(Config, TopLevelKeyIsAnErrorWithAHint) {
    const std::string e = applyError("cores = 4\n");
    EXPECT_CONTAINS(e, "test.toml:1:1:");
    EXPECT_CONTAINS(e, "unknown top-level key 'cores'");
    EXPECT_CONTAINS(e, "belongs in [machine]");
}

TEST(Config, TableOfTheWrongTypeIsAnError) {
    EXPECT_CONTAINS(applyError("machine = 4\n"), "'machine' must be a table");
    EXPECT_CONTAINS(applyError("[[clock]]\ncpu_hz = 5\n"), "got an array");
}

TEST(Config, WrongTypeIsAnError) {
    std::string e = applyError("[machine]\ncores = \"4\"\n");
    EXPECT_CONTAINS(e, "test.toml:2:9:");
    EXPECT_CONTAINS(e, "machine.cores: expected an integer, got a string");
    EXPECT_CONTAINS(applyError("[clock]\ncpu_hz = 1.5e9\n"),
                    "clock.cpu_hz: expected an integer, got a floating-point number");
    EXPECT_CONTAINS(applyError("[machine]\ncpu = 53\n"),
                    "machine.cpu: expected a string, got an integer");
    EXPECT_CONTAINS(applyError("[boot]\nsemihosting = \"yes\"\n"),
                    "boot.semihosting: expected a boolean");
    EXPECT_CONTAINS(applyError("[boot]\nbootargs = [\"a\"]\n"),
                    "boot.bootargs: expected a string, got an array");
    EXPECT_CONTAINS(applyError("[machine]\nseed = 1979-05-27\n"), "got a date");
}

TEST(Config, NegativeNumbersAreErrors) {
    for (const char* key : {"cores", "ram_mib", "quantum", "seed"}) {
        const std::string e = applyError(std::string("[machine]\n") + key + " = -1\n");
        EXPECT_CONTAINS(e, std::string("machine.") + key + ": must not be negative, got -1");
        EXPECT_CONTAINS(e, "test.toml:2:");
    }
    EXPECT_CONTAINS(applyError("[clock]\ncounter_hz = -62500000\n"),
                    "clock.counter_hz: must not be negative");
}

TEST(Config, OverflowingNumbersAreErrors) {
    // Past int64: toml++ rejects it while parsing.
    EXPECT_CONTAINS(applyError("[machine]\nseed = 9223372036854775808\n"), "test.toml:2:");
    EXPECT_CONTAINS(applyError("[machine]\nseed = 0xffffffffffffffff\n"), "test.toml:2:");
    // Fits in int64 but not in the field.
    EXPECT_CONTAINS(applyError("[machine]\ncores = 4294967297\n"),
                    "machine.cores: must be in the range 1..16, got 4294967297");
    EXPECT_CONTAINS(applyError("[machine]\nram_mib = 17592186044416\n"),
                    "machine.ram_mib: must be in the range 1..4096");
    MachineConfig c;
    applyConfigText(c, "[machine]\nseed = 9223372036854775807\n", "test.toml");
    EXPECT_EQ(c.seed, 9223372036854775807u);
}

TEST(Config, OutOfRangeValuesAreErrors) {
    EXPECT_CONTAINS(applyError("[machine]\ncores = 0\n"),
                    "test.toml:2:9: machine.cores: must be in the range 1..16, got 0");
    EXPECT_CONTAINS(applyError("[machine]\ncores = 65\n"), "got 65");
    EXPECT_CONTAINS(applyError("[machine]\nquantum = 0\n"),
                    "machine.quantum: must be at least 1, got 0");
    EXPECT_CONTAINS(applyError("[machine]\nram_mib = 0\n"),
                    "machine.ram_mib: must be in the range");
    EXPECT_CONTAINS(applyError("[machine]\nram_mib = 4097\n"), "got 4097");
    EXPECT_CONTAINS(applyError("[clock]\ncounter_hz = 0\n"),
                    "clock.counter_hz: must be at least 1");
    EXPECT_CONTAINS(applyError("[clock]\ncpu_hz = 0\n"), "clock.cpu_hz: must be at least 1");
    MachineConfig c;
    applyConfigText(c, "[machine]\ncores = 16\nram_mib = 4096\n", "test.toml");
    EXPECT_EQ(c.cores, 16u);
    EXPECT_EQ(c.ram_size, u64{4096} << 20);
}

TEST(Config, InvalidCpuIsAnError) {
    const std::string e = applyError("[machine]\ncpu = \"cortex-a72\"\n");
    EXPECT_CONTAINS(e, "test.toml:2:7: machine.cpu: unknown CPU profile \"cortex-a72\"");
    EXPECT_CONTAINS(e, "\"cortex-a53\" or \"max\"");
}

TEST(Config, BootargsTooLongIsAnError) {
    const std::string fits(kBootArgsMax - 1, 'a');
    MachineConfig c;
    applyConfigText(c, "[boot]\nbootargs = \"" + fits + "\"\n", "test.toml");
    EXPECT_EQ(c.bootargs, fits);
    EXPECT_NO_THROW(validate(c));

    const std::string e = applyError("[boot]\nbootargs = \"" + fits + "a\"\n");
    EXPECT_CONTAINS(e, "test.toml:2:");
    EXPECT_CONTAINS(e, "boot.bootargs: is 4096 bytes long; at most 4095 fit");
    EXPECT_CONTAINS(applyError("[boot]\nbootargs = \"a\\u0000b\"\n"),
                    "boot.bootargs: must not contain NUL");
}

TEST(Config, ErrorsLeaveTheConfigUnchanged) {
    MachineConfig c;
    // The first key is good, the second bad: neither applies.
    EXPECT_NE(applyError("[machine]\ncores = 4\ncpu = \"max\"\nquantum = 0\n", &c), "");
    EXPECT_EQ(c, MachineConfig{});
}

TEST(Config, DefaultTomlParsesBackToTheDefaults) {
    const std::string text = defaultConfigToml();
    MachineConfig c;
    c.cores = 7;
    c.ram_size = u64{512} << 20;
    setCpuProfile(c, "max");
    c.quantum = 3;
    c.cpu_hz = 5;
    c.counter_hz = 5;
    c.seed = 42;
    c.semihosting = false;
    c.bootargs = "x";
    c.timing = loadProfile("ideal");
    applyConfigText(c, text, "defaults.toml");
    EXPECT_EQ(c, MachineConfig{}) << text;
    // Every key is in it, each with a comment.
    for (const char* key :
         {"[machine]", "cores = 1", "ram_mib = 128", "cpu = \"cortex-a53\"", "quantum = 1",
          "seed = 0", "[clock]", "cpu_hz = 1000000000", "counter_hz = 62500000", "[boot]",
          "bootargs = \"\"", "semihosting = true", "[timing]", "profile = \"a53\""})
        EXPECT_CONTAINS(text, key);
    EXPECT_GE(std::count(text.begin(), text.end(), '#'), 10);
}

TEST(Config, SetCpuProfile) {
    MachineConfig c;
    EXPECT_TRUE(setCpuProfile(c, "max"));
    EXPECT_EQ(c.cpu, "max");
    EXPECT_TRUE(c.features.lse);
    EXPECT_TRUE(setCpuProfile(c, "cortex-a53"));
    EXPECT_EQ(c.cpu, "cortex-a53");
    EXPECT_FALSE(c.features.lse);
    EXPECT_FALSE(setCpuProfile(c, "Max"));
    EXPECT_FALSE(setCpuProfile(c, ""));
    EXPECT_EQ(c, MachineConfig{});
}

TEST(Config, ValidateChecksEveryField) {
    auto with = [](auto change) {
        MachineConfig c;
        change(c);
        return validateError(c);
    };
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.cores = 0; }),
                    "cores must be in the range 1..16");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.cores = 65; }), "got 65");
    EXPECT_EQ(with([](MachineConfig& c) { c.cores = 16; }), "");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.quantum = 0; }), "quantum must be at least 1");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.ram_size = (u64{1} << 20) - 4096; }),
                    "RAM size must be 1 MiB..4096 MiB");
    EXPECT_EQ(with([](MachineConfig& c) { c.ram_size = u64{1} << 20; }), "");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.ram_size = (u64{4096} << 20) + 4096; }),
                    "RAM size");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.ram_size = (u64{2} << 20) + 1; }),
                    "whole number of 4 KiB pages");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.cpu = "cortex-a72"; }),
                    "unknown CPU profile 'cortex-a72'");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.features.lse = true; }),
                    "do not match CPU profile 'cortex-a53'");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.counter_hz = 0; }),
                    "counter_hz must be at least 1");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.cpu_hz = 1000; }),
                    "cpu_hz (1000) must be at least counter_hz (62500000)");
    EXPECT_EQ(with([](MachineConfig& c) { c.cpu_hz = c.counter_hz; }), "");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.bootargs = std::string(kBootArgsMax, 'a'); }),
                    "bootargs is 4096 bytes long");
    EXPECT_CONTAINS(with([](MachineConfig& c) { c.bootargs = std::string("a\0b", 3); }),
                    "bootargs must not contain NUL");
}

TEST(Config, BootargsMustFitInRam) {
    MachineConfig c;
    c.ram_size = u64{64} << 20;      // RAM ends exactly at kBootArgsAddress
    EXPECT_EQ(validateError(c), ""); // no bootargs: nothing to place
    c.bootargs = "console=ttyAMA0";
    const std::string e = validateError(c);
    EXPECT_CONTAINS(e, "bootargs go at 0x44000000..0x44000010");
    EXPECT_CONTAINS(e, "beyond the end of RAM at 0x44000000");
    c.ram_size = (u64{64} << 20) + 4096; // one page past: fits
    EXPECT_EQ(validateError(c), "");
    c.bootargs = std::string(kBootArgsMax - 1, 'a'); // 4096 bytes with the NUL: exactly fits
    EXPECT_EQ(validateError(c), "");
    static_assert(kBootArgsAddress == kRamBase + (u64{64} << 20));
}

TEST(Config, TimingTableNamesAProfileAndOverridesKeys) {
    MachineConfig c;
    // `profile` applies first wherever it stands; then the other keys change it.
    applyConfigText(c,
                    "[timing]\nicache.size = 16384\nprofile = \"ideal\"\n"
                    "branch = { predictor = \"gshare\" }\n[timing.issue]\nwidth = 2\n",
                    "test.toml");
    TimingProfile expected = loadProfile("ideal");
    expected.icache.size = 16384;
    expected.branch.predictor = PredictorKind::Gshare;
    expected.issue.width = 2;
    EXPECT_EQ(c.timing, expected);
    EXPECT_NO_THROW(validate(c));

    // Without `profile` the keys change the profile the config already has.
    applyConfigText(c, "[timing]\nmode = \"functional\"\n", "test.toml");
    expected.mode = TimingMode::Functional;
    EXPECT_EQ(c.timing, expected);
}

TEST(Config, TimingProfileFilesAreRelativeToTheConfigFile) {
    const std::string profile =
        writeTemp("my-profile.toml", "base = \"ideal\"\nissue.width = 2\n");
    const std::string config =
        writeTemp("with-profile.toml", "[timing]\nprofile = \"my-profile.toml\"\n");
    MachineConfig c;
    applyConfigFile(c, config);
    EXPECT_EQ(c.timing, loadProfile(profile));
    EXPECT_EQ(c.timing.name, "my-profile");
    EXPECT_EQ(c.timing.issue.width, 2u);
    // A built-in name wins over a file of that name.
    writeTemp("a53", "this is not TOML");
    applyConfigFile(c, writeTemp("builtin.toml", "[timing]\nprofile = \"a53\"\n"));
    EXPECT_EQ(c.timing, TimingProfile{});
}

TEST(Config, TimingTableErrors) {
    EXPECT_CONTAINS(applyError("[timing]\nicache.sise = 1\n"),
                    "test.toml:2:8: unknown key 'timing.icache.sise'; [timing.icache] accepts: "
                    "size, ways, line, miss_penalty");
    EXPECT_CONTAINS(applyError("[timing]\nbase = \"ideal\"\n"),
                    "test.toml:2:1: unknown key 'timing.base'; the keys are profile, name");
    EXPECT_CONTAINS(applyError("[timing]\nissue.width = \"2\"\n"),
                    "test.toml:2:15: timing.issue.width: expected an integer, got a string");
    EXPECT_CONTAINS(applyError("[timing]\nprofile = 5\n"),
                    "test.toml:2:11: timing.profile: expected a string");
    const std::string e = applyError("[timing]\nprofile = \"/nonexistent/p.toml\"\n");
    EXPECT_CONTAINS(e, "test.toml:2:11: timing.profile: timing profile '/nonexistent/p.toml'");
    EXPECT_CONTAINS(e, "No such file or directory");
    // Errors inside the profile file name that file.
    const std::string bad = writeTemp("bad-profile.toml", "[issue]\nwidth = 0\n");
    EXPECT_CONTAINS(applyError("[timing]\nprofile = \"" + bad + "\"\n"),
                    bad + ":2:9: issue.width: must be in the range 1..8, got 0");
    // Rules across keys are validate()'s, as for the other tables.
    MachineConfig c;
    applyConfigText(c, "[timing]\nicache.size = 1000\n", "test.toml");
    EXPECT_CONTAINS(validateError(c),
                    "invalid timing profile 'a53': icache.size (1000) must be icache.ways (2)");
}

TEST(Config, MachineTakesTheConfig) {
    MachineConfig c;
    applyConfigText(c, "[machine]\nram_mib = 2\ncpu = \"max\"\n", "test.toml");
    validate(c);
    Machine m(c, [](char) {});
    EXPECT_EQ(m.memory().ramSize(), u64{2} << 20);
    EXPECT_EQ(m.config(), c);
}

} // namespace
} // namespace cmodx::sim
