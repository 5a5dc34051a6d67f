// Timing profiles: the built-in profiles and their files, the parameter registry, profile files
// (partial files, `base`, strictness, positions in messages), --set of each type, validation
// and the TOML printer.
#include "sim/config.h"
#include "sim/timing/builtin_profiles.h"
#include "sim/timing/profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace cmodx::sim {
namespace {

#define EXPECT_CONTAINS(haystack, needle)                                                          \
    do {                                                                                           \
        const std::string h_ = (haystack);                                                         \
        EXPECT_NE(h_.find(needle), std::string::npos)                                              \
            << "expected \"" << (needle) << "\" in: " << h_;                                       \
    } while (0)

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string profileFile(const std::string& name) {
    return std::string(CMODX_SOURCE_DIR) + "/profiles/" + name + ".toml";
}

std::string writeTemp(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / "cmodx-profile-tests";
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
}

// The message of the ConfigError `f` throws ("" if none).
template <typename F>
std::string errorOf(F f) {
    try {
        f();
    } catch (const ConfigError& e) { return e.what(); }
    return "";
}

std::string parseError(const std::string& text) {
    return errorOf([&] { parseProfile(text, "test.toml"); });
}

std::string setError(std::string_view key, std::string_view value) {
    TimingProfile p;
    const std::string e = errorOf([&] { setProfileParam(p, key, value); });
    EXPECT_EQ(p, TimingProfile{}) << "a failed --set changed the profile";
    return e;
}

std::string validateError(const TimingProfile& p) {
    return errorOf([&] { validateProfile(p); });
}

// Another valid value for `param` than the one `p` has.
ParamValue otherValue(const ProfileParam& param, const TimingProfile& p) {
    const ParamValue now = param.get(p);
    switch (param.type) {
    case ParamType::Integer: {
        const u32 v = std::get<u32>(now);
        if (param.power_of_two) return v * 2 <= param.max ? v * 2 : v / 2;
        return v + 1 <= param.max ? v + 1 : v - 1;
    }
    case ParamType::Boolean: return !std::get<bool>(now);
    case ParamType::String: return std::get<std::string>(now) + "-x";
    case ParamType::Choice:
        for (const std::string_view c : param.choices)
            if (c != std::get<std::string>(now)) return std::string(c);
    }
    ADD_FAILURE() << param.key << ": no other value";
    return now;
}

// ---- Built-in profiles --------------------------------------------------------------------------

TEST(Profile, BuiltinsLoadAndAreValid) {
    EXPECT_EQ(builtinProfileNames(), (std::vector<std::string>{"a53", "ideal", "functional"}));
    for (const std::string& name : builtinProfileNames()) {
        SCOPED_TRACE(name);
        const TimingProfile p = loadProfile(name);
        EXPECT_EQ(p.name, name);
        EXPECT_FALSE(p.description.empty());
        EXPECT_EQ(validateError(p), "");
    }
}

TEST(Profile, EmbeddedTextsAreTheFilesInTheSourceTree) {
    // A stale build would embed old text; the files are what users read and edit.
    for (const BuiltinProfileText& b : builtinProfileTexts())
        EXPECT_EQ(b.toml, readText(profileFile(std::string(b.name)))) << b.name;
}

TEST(Profile, A53IsTheDefaultsAndItsFileIsThePrintedProfile) {
    EXPECT_EQ(loadProfile("a53"), TimingProfile{});
    EXPECT_EQ(loadProfile(profileFile("a53")), TimingProfile{});
    // Every key, its value and its description, exactly as profileToml() prints them. When the
    // registry changes, regenerate: build/cmodx profile a53 > profiles/a53.toml
    EXPECT_EQ(readText(profileFile("a53")), profileToml(TimingProfile{}));
}

TEST(Profile, A53FileSetsEveryKey) {
    // Each key in its table, under its description, with the default value: no key is left to
    // the C++ defaults.
    const std::string text = readText(profileFile("a53"));
    for (const ProfileParam& param : profileParams()) {
        SCOPED_TRACE(param.key);
        const auto dot = param.key.find('.');
        const std::string table = dot == std::string_view::npos
                                      ? ""
                                      : "[" + std::string(param.key.substr(0, dot)) + "]\n";
        const std::string leaf(dot == std::string_view::npos ? param.key
                                                             : param.key.substr(dot + 1));
        const auto table_at = table.empty() ? 0 : text.find(table);
        ASSERT_NE(table_at, std::string::npos);
        const auto line = "\n# " + std::string(param.description) + "\n" + leaf + " = " +
                          param.format(TimingProfile{}) + "\n";
        const auto key_at = text.find(line, table_at);
        ASSERT_NE(key_at, std::string::npos) << line;
        const auto next_table = text.find("\n[", table_at + 1);
        if (!table.empty() && next_table != std::string::npos) { EXPECT_LT(key_at, next_table); }
        if (table.empty()) { EXPECT_LT(key_at, text.find("\n[")); }
    }
}

TEST(Profile, IdealTakesOneCyclePerInstruction) {
    const TimingProfile ideal = loadProfile("ideal");
    const TimingProfile a53;
    EXPECT_EQ(ideal.mode, TimingMode::Timing);
    EXPECT_EQ(ideal.issue.width, 1u);
    for (const ProfileParam& param : profileParams()) {
        const std::string_view key = param.key;
        ParamValue expected;
        if (key == "latency.div_bits_per_cycle")
            expected = u32{0}; // no data-dependent divide part
        else if (key.starts_with("latency."))
            expected = u32{1};
        else if (key.starts_with("advance.") || key.starts_with("serialise.") ||
                 key.ends_with("penalty"))
            expected = u32{0};
        else if (key == "name" || key == "description" || key == "issue.width" || key == "mode")
            continue; // checked above
        else
            expected = param.get(a53); // geometry: caches, predictor, units, fetch
        EXPECT_EQ(param.get(ideal), expected) << key;
    }
}

TEST(Profile, FunctionalIsA53WithoutTheTimingModel) {
    TimingProfile functional = loadProfile("functional");
    EXPECT_EQ(functional.mode, TimingMode::Functional);
    functional.mode = TimingMode::Timing;
    functional.name = "a53";
    functional.description = TimingProfile{}.description;
    EXPECT_EQ(functional, TimingProfile{});
}

// ---- The registry -------------------------------------------------------------------------------

TEST(Profile, RegistryKeysAreUniqueDocumentedAndInKnownTables) {
    std::set<std::string_view> keys;
    const auto tables = profileTables();
    for (const ProfileParam& param : profileParams()) {
        SCOPED_TRACE(param.key);
        EXPECT_TRUE(keys.insert(param.key).second) << "duplicate key";
        EXPECT_FALSE(param.description.empty());
        EXPECT_EQ(param.description.find('\n'), std::string_view::npos);
        // "# " + description fits the 100 columns of the source files.
        EXPECT_LE(param.description.size(), 98u);
        EXPECT_EQ(findProfileParam(param.key), &param);
        const auto dot = param.key.find('.');
        if (dot != std::string_view::npos) {
            EXPECT_NE(std::find(tables.begin(), tables.end(), param.key.substr(0, dot)),
                      tables.end());
        }
        if (param.type == ParamType::Integer) { EXPECT_LE(param.min, param.max); }
        if (param.type == ParamType::Choice) { EXPECT_GE(param.choices.size(), 2u); }
    }
    EXPECT_EQ(keys.size(), 44u); // 5 top-level keys and 39 in the 7 tables
    EXPECT_EQ(findProfileParam("nope"), nullptr);
    EXPECT_EQ(findProfileParam("icache"), nullptr);
}

TEST(Profile, EachParameterReachesItsOwnField) {
    // Changing one parameter changes the profile and no other parameter: no accessor points at
    // the wrong field.
    const TimingProfile base;
    for (const ProfileParam& param : profileParams()) {
        SCOPED_TRACE(param.key);
        TimingProfile p = base;
        const ParamValue v = otherValue(param, p);
        param.set(p, v);
        EXPECT_NE(p, base);
        EXPECT_EQ(param.get(p), v);
        for (const ProfileParam& other : profileParams())
            if (&other != &param) { EXPECT_EQ(other.get(p), other.get(base)) << other.key; }
    }
}

// ---- Printing and parsing -----------------------------------------------------------------------

TEST(Profile, PrintedProfilesParseBack) {
    for (const std::string& name : builtinProfileNames()) {
        const TimingProfile p = loadProfile(name);
        EXPECT_EQ(parseProfile(profileToml(p), "printed.toml"), p) << name;
    }
    // A profile where every parameter differs from the defaults (still valid: each rule holds).
    TimingProfile p;
    p.name = "every \"key\" \\ changed";
    p.description = "all of them, \"quoted\"";
    p.mode = TimingMode::Functional;
    p.coherent_fetch = true;
    p.fetch_buffer_bytes = 32;
    p.icache = {16384, 4, 128, 20};
    p.dcache = {65536, 8, 32, 30};
    p.issue = {3, 3, 2, 2, 2};
    p.latency = {4, 3, 5, 3, 2, 3, 6, 2, 2};
    p.advance = {1, 2, 3, 4, 5};
    p.branch = {PredictorKind::Gshare, 4096, 12, 512, 16, 12, 3, 1};
    p.serialise = {9, 5, 7, 3};
    ASSERT_EQ(validateError(p), "");
    for (const ProfileParam& param : profileParams())
        EXPECT_NE(param.get(p), param.get(TimingProfile{})) << param.key;
    EXPECT_EQ(parseProfile(profileToml(p), "printed.toml"), p) << profileToml(p);
}

TEST(Profile, PartialFilesStartFromA53OrTheirBase) {
    TimingProfile p = parseProfile("[icache]\nsize = 16384\n", "dir/small-icache.toml");
    TimingProfile expected;
    expected.icache.size = 16384;
    expected.name = "small-icache"; // from the file name
    expected.description = "a53 as changed by dir/small-icache.toml";
    EXPECT_EQ(p, expected);

    p = parseProfile("base = \"ideal\"\nname = \"mine\"\n[branch]\npredictor = \"gshare\"\n",
                     "x.toml");
    expected = loadProfile("ideal");
    expected.name = "mine";
    expected.description = "ideal as changed by x.toml";
    expected.branch.predictor = PredictorKind::Gshare;
    EXPECT_EQ(p, expected);

    // Dotted keys and inline tables are the same keys.
    EXPECT_EQ(parseProfile("icache.size = 16384\nbranch = { ras_entries = 4 }\n", "t.toml").icache,
              (CacheParams{16384, 2, 64, 13}));
    EXPECT_EQ(parseProfile("icache.size = 16384\nbranch = { ras_entries = 4 }\n", "t.toml")
                  .branch.ras_entries,
              4u);
}

TEST(Profile, LoadReadsFiles) {
    const std::string path = writeTemp("gshare.toml", "base = \"functional\"\n"
                                                      "description = \"functional, gshare\"\n"
                                                      "branch.predictor = \"gshare\"\n");
    const TimingProfile p = loadProfile(path);
    EXPECT_EQ(p.name, "gshare");
    EXPECT_EQ(p.description, "functional, gshare");
    EXPECT_EQ(p.mode, TimingMode::Functional);
    EXPECT_EQ(p.branch.predictor, PredictorKind::Gshare);
}

// ---- --set --------------------------------------------------------------------------------------

TEST(Profile, SetOfEachType) {
    TimingProfile p;
    setProfileParam(p, "icache.size", "16384");
    EXPECT_EQ(p.icache.size, 16384u);
    setProfileParam(p, "dcache.size", "0x4000");
    EXPECT_EQ(p.dcache.size, 0x4000u);
    setProfileParam(p, "branch.predictor_entries", "4_096");
    EXPECT_EQ(p.branch.predictor_entries, 4096u);
    setProfileParam(p, "coherent_fetch", "true");
    EXPECT_TRUE(p.coherent_fetch);
    setProfileParam(p, "coherent_fetch", "false");
    EXPECT_FALSE(p.coherent_fetch);
    setProfileParam(p, "branch.predictor", "gshare");
    EXPECT_EQ(p.branch.predictor, PredictorKind::Gshare);
    setProfileParam(p, "mode", "functional");
    EXPECT_EQ(p.mode, TimingMode::Functional);
    setProfileParam(p, "description", "with = signs, spaces");
    EXPECT_EQ(p.description, "with = signs, spaces");
    setProfileParam(p, "name=small=icache"); // KEY=VALUE: the first '=' splits
    EXPECT_EQ(p.name, "small=icache");
    setProfileParam(p, "serialise.isb=0");
    EXPECT_EQ(p.serialise.isb, 0u);
    EXPECT_EQ(validateError(p), "");
}

TEST(Profile, SetErrorsNameTheKey) {
    EXPECT_CONTAINS(setError("nope", "1"), "unknown key 'nope'");
    EXPECT_CONTAINS(setError("nope", "1"), "the keys are name, description, mode");
    EXPECT_CONTAINS(setError("icache.sise", "1"),
                    "unknown key 'icache.sise'; [icache] accepts: size, ways, line, miss_penalty");
    EXPECT_CONTAINS(setError("ways", "1"), "'ways' belongs in [icache] or [dcache]");
    EXPECT_CONTAINS(setError("icache", "1"), "'icache' is a table; give one of its keys");
    EXPECT_EQ(setError("icache.size", "abc"), "icache.size: expected an integer, got 'abc'");
    EXPECT_EQ(setError("icache.size", "-1"), "icache.size: expected an integer, got '-1'");
    EXPECT_EQ(setError("icache.size", "1.5"), "icache.size: expected an integer, got '1.5'");
    EXPECT_EQ(setError("icache.size", ""), "icache.size: expected an integer, got ''");
    EXPECT_EQ(setError("icache.ways", "17"), "icache.ways: must be in the range 1..16, got 17");
    EXPECT_EQ(setError("latency.alu", "0"), "latency.alu: must be in the range 1..100000, got 0");
    EXPECT_EQ(setError("latency.alu", "99999999999999999999999"),
              "latency.alu: must be in the range 1..100000, got 99999999999999999999999");
    EXPECT_EQ(setError("icache.line", "48"),
              "icache.line: must be a power of two in the range 16..256, got 48");
    EXPECT_EQ(setError("coherent_fetch", "1"), "coherent_fetch: expected true or false, got '1'");
    EXPECT_EQ(setError("branch.predictor", "tage"),
              "branch.predictor: expected \"bimodal\" or \"gshare\", got \"tage\"");
    EXPECT_EQ(setError("mode", "Timing"),
              "mode: expected \"functional\" or \"timing\", got \"Timing\"");
    EXPECT_CONTAINS(setError("name", "two\nlines"), "name: must be one line");
    TimingProfile p;
    EXPECT_CONTAINS(errorOf([&] { setProfileParam(p, "icache.size"); }), "expected KEY=VALUE");
    EXPECT_CONTAINS(errorOf([&] { setProfileParam(p, "=5"); }), "expected KEY=VALUE");
}

// ---- Files: strictness and messages -------------------------------------------------------------

TEST(Profile, FileErrorsNameFileLineAndKey) {
    EXPECT_EQ(parseError("[icache]\nsize = \"big\"\n"),
              "test.toml:2:8: icache.size: expected an integer, got a string");
    EXPECT_EQ(parseError("coherent_fetch = 1\n"),
              "test.toml:1:18: coherent_fetch: expected a boolean (true or false), got an integer");
    EXPECT_EQ(parseError("[branch]\npredictor = 2\n"),
              "test.toml:2:13: branch.predictor: expected a string, got an integer");
    EXPECT_EQ(parseError("[branch]\npredictor = \"tage\"\n"),
              "test.toml:2:13: branch.predictor: expected \"bimodal\" or \"gshare\", got \"tage\"");
    EXPECT_EQ(parseError("[latency]\nload = -4\n"),
              "test.toml:2:8: latency.load: must not be negative, got -4");
    EXPECT_EQ(parseError("[latency]\nload = 5000000000\n"),
              "test.toml:2:8: latency.load: must be in the range 1..100000, got 5000000000");
    EXPECT_EQ(parseError("[issue]\nwidth = 9\n"),
              "test.toml:2:9: issue.width: must be in the range 1..8, got 9");
    EXPECT_EQ(parseError("[latency]\nload = 4.0\n"),
              "test.toml:2:8: latency.load: expected an integer, got a floating-point number");
}

TEST(Profile, UnknownKeysAndTablesAreErrors) {
    EXPECT_CONTAINS(parseError("[icache]\nsize = 16384\nsets = 128\n"),
                    "test.toml:3:1: unknown key 'icache.sets'; [icache] accepts: size, ways, "
                    "line, miss_penalty");
    EXPECT_CONTAINS(parseError("[l2cache]\nsize = 1\n"), "test.toml:1:2: unknown key 'l2cache'");
    EXPECT_CONTAINS(parseError("width = 1\n"), "'width' belongs in [issue]");
    EXPECT_CONTAINS(parseError("width = 1\n"), "the keys are base, name, description");
    EXPECT_CONTAINS(parseError("icache = 5\n"),
                    "test.toml:1:10: 'icache' must be a table ([icache]), got an integer");
    EXPECT_CONTAINS(parseError("[issue.width]\nx = 1\n"), "issue.width: expected an integer, got a "
                                                          "table");
}

TEST(Profile, BaseMustNameABuiltin) {
    EXPECT_EQ(parseError("base = \"a72\"\n"),
              "test.toml:1:8: base: unknown built-in profile \"a72\"; expected one of a53, ideal, "
              "functional");
    EXPECT_CONTAINS(parseError("base = 1\n"), "test.toml:1:8: base: expected a string");
    // A file is not a base: profiles do not include each other.
    EXPECT_CONTAINS(parseError("base = \"" + profileFile("ideal") + "\"\n"),
                    "unknown built-in profile");
}

TEST(Profile, SyntaxErrorsNameFileAndLine) {
    EXPECT_CONTAINS(parseError("[icache\nsize = 1\n"), "test.toml:1:");
    EXPECT_CONTAINS(parseError("[icache\nsize = 1\n"), "TOML syntax error");
    EXPECT_CONTAINS(parseError("[icache]\nsize = 1\nsize = 2\n"), "test.toml:3:");
}

TEST(Profile, RuleViolationsInFilesPointAtAKeyTheFileSets) {
    // ways = 3 with the default 32 KiB and 64-byte lines leaves a non-power-of-two set count.
    EXPECT_EQ(parseError("[icache]\nways = 3\n"),
              "test.toml:2:8: invalid timing profile: icache.size (32768) must be icache.ways (3) "
              "x icache.line (64) x a power-of-two number of sets (e.g. 24576)");
    EXPECT_EQ(parseError("[latency]\nalu = 2\n"),
              "test.toml:2:7: invalid timing profile: advance.alu (2) must be less than "
              "latency.alu (2)");
}

TEST(Profile, MissingFileIsAnError) {
    const std::string e = errorOf([] { loadProfile("/nonexistent/p.toml"); });
    EXPECT_CONTAINS(e, "'/nonexistent/p.toml'");
    EXPECT_CONTAINS(e, "not built in (a53, ideal, functional)");
    EXPECT_CONTAINS(e, "No such file or directory");
    EXPECT_CONTAINS(errorOf([] { loadProfile("a54"); }), "timing profile 'a54' is not built in");
    EXPECT_CONTAINS(errorOf([] { loadProfile(""); }), "no timing profile given");
    EXPECT_CONTAINS(errorOf([] { loadProfile(std::filesystem::temp_directory_path().string()); }),
                    "is a directory");
}

// ---- Validation ---------------------------------------------------------------------------------

TEST(Profile, ValidationChecksEachRule) {
    auto with = [](auto change) {
        TimingProfile p;
        change(p);
        return validateError(p);
    };
    EXPECT_EQ(with([](TimingProfile&) {}), "");
    EXPECT_EQ(with([](TimingProfile& p) { p.icache.size = 30000; }),
              "invalid timing profile 'a53': icache.size (30000) must be icache.ways (2) x "
              "icache.line (64) x a power-of-two number of sets (e.g. 16384)");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.dcache.size = 64 * 4 * 3; }),
                    "dcache.size (768) must be dcache.ways (4) x dcache.line (64)");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.dcache.size = 64; }), "dcache.size (64)");
    EXPECT_EQ(with([](TimingProfile& p) { p.dcache.size = 256; }), ""); // one set
    EXPECT_EQ(with([](TimingProfile& p) { p.icache.ways = 3, p.icache.size = 3 * 64 * 128; }), "");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.icache.line = 512; }),
                    "icache.line: must be a power of two in the range 16..256, got 512");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.icache.line = 8; }), "icache.line");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.icache.ways = 0; }), "icache.ways: must be in");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.dcache.ways = 32; }), "dcache.ways: must be in");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.issue.width = 0; }), "issue.width");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.issue.width = 9; }), "issue.width");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.issue.ls_units = 0; }), "issue.ls_units");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.branch.predictor_entries = 1000; }),
                    "branch.predictor_entries: must be a power of two");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.branch.btb_entries = 0; }), "branch.btb_entries");
    EXPECT_EQ(with([](TimingProfile& p) { p.branch.btb_entries = 1; }), "");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.branch.ras_entries = 65; }),
                    "branch.ras_entries: must be in the range 0..64");
    EXPECT_EQ(with([](TimingProfile& p) { p.branch.ras_entries = 0; }), "");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.fetch_buffer_bytes = 2; }),
                    "fetch_buffer_bytes: must be a power of two");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.fetch_buffer_bytes = 24; }),
                    "fetch_buffer_bytes: must be a power of two");
    EXPECT_EQ(with([](TimingProfile& p) { p.fetch_buffer_bytes = 128; }),
              "invalid timing profile 'a53': fetch_buffer_bytes (128) must be at most icache.line "
              "(64): the buffer fills from one I-cache line");
    EXPECT_EQ(with([](TimingProfile& p) { p.fetch_buffer_bytes = 64; }), "");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.latency.load = 0; }), "latency.load");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.latency.store = 0; }), "latency.store");
    EXPECT_EQ(with([](TimingProfile& p) { p.latency.div_bits_per_cycle = 0; }), "");
    EXPECT_EQ(with([](TimingProfile& p) { p.advance = {0, 0, 0, 0, 0}; }), "");
    EXPECT_EQ(with([](TimingProfile& p) { p.advance.alu = 3; }),
              "invalid timing profile 'a53': advance.alu (3) must be less than latency.alu (3)");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.advance.shifted = 3; }),
                    "advance.shifted (3) must be less than latency.alu (3)");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.advance.accumulate = 4; }),
                    "advance.accumulate (4) must be less than latency.mul (4)");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.latency.div_base = 1; }),
                    "advance.div (1) must be less than latency.div_base (1)");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.mode = static_cast<TimingMode>(7); }),
                    "mode: expected \"functional\" or \"timing\", got \"<invalid 7>\"");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.name = ""; }), "name: must not be empty");
    EXPECT_CONTAINS(with([](TimingProfile& p) { p.description = "a\nb"; }),
                    "description: must be one line");
}

TEST(Profile, EnumNames) {
    EXPECT_EQ(toString(TimingMode::Timing), "timing");
    EXPECT_EQ(toString(TimingMode::Functional), "functional");
    EXPECT_EQ(toString(PredictorKind::Bimodal), "bimodal");
    EXPECT_EQ(toString(PredictorKind::Gshare), "gshare");
}

} // namespace
} // namespace cmodx::sim
