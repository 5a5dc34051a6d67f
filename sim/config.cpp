// Machine configuration: the TOML schema (one table of fields drives both parsing and
// defaultConfigToml()), per-value checks with file positions, and cross-field validation.
#include "sim/config.h"
#include "sim/machine.h"
#include "sim/timing/profile_toml.h"
#include "sim/toml_support.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

namespace cmodx::sim {

namespace {

constexpr u64 kMiB = u64{1} << 20;
constexpr u64 kPageSize = u64{1} << PhysicalMemory::kPageShift;
constexpr u64 kTomlIntMax = static_cast<u64>(std::numeric_limits<std::int64_t>::max());

static_assert(kBootArgsAddress >= kRamBase, "boot arguments live in RAM");
static_assert(kMaxCores == 16 && kMaxRamMib == 4096, "update the comments in kFields");
static_assert(MachineConfig{}.ram_size >= kMinRamSize && MachineConfig{}.ram_size <= kMaxRamSize);

std::optional<isa::Features> profileFeatures(std::string_view cpu) {
    if (cpu == "cortex-a53") return isa::Features{};     // ARMv8.0-A, as QEMU's -cpu cortex-a53
    if (cpu == "max") // everything cmodx implements, reported as QEMU's -cpu max does
        return isa::Features{.lse = true, .midr = 0x000f'0510};
    return std::nullopt;
}
constexpr std::string_view kCpuNames = "\"cortex-a53\" or \"max\"";

// Reads one value for one key, failing with the file position and the key's full name.
class Reader {
public:
    Reader(std::string_view source_name, std::string_view table, std::string_view key,
           const toml::node& node)
        : source_(source_name), name_(fmt::format("{}.{}", table, key)), node_(node) {}

    [[noreturn]] void fail(std::string_view what) const {
        const toml::source_position& at = node_.source().begin;
        if (at.line == 0) throw ConfigError(fmt::format("{}: {}: {}", source_, name_, what));
        throw ConfigError(
            fmt::format("{}:{}:{}: {}: {}", source_, at.line, at.column, name_, what));
    }

    u64 integer(u64 min, u64 max) const {
        const auto* v = node_.as_integer();
        if (!v) fail(fmt::format("expected an integer, got {}", describeType(node_.type())));
        const std::int64_t x = v->get();
        if (x < 0) fail(fmt::format("must not be negative, got {}", x));
        const u64 u = static_cast<u64>(x);
        if (u < min || u > max) {
            if (max == kTomlIntMax) fail(fmt::format("must be at least {}, got {}", min, u));
            fail(fmt::format("must be in the range {}..{}, got {}", min, max, u));
        }
        return u;
    }

    std::string string() const {
        const auto* v = node_.as_string();
        if (!v) fail(fmt::format("expected a string, got {}", describeType(node_.type())));
        return v->get();
    }

    bool boolean() const {
        const auto* v = node_.as_boolean();
        if (!v)
            fail(fmt::format("expected a boolean (true or false), got {}",
                             describeType(node_.type())));
        return v->get();
    }

private:
    std::string_view source_;
    std::string name_;
    const toml::node& node_;
};

// One key of the schema: where it lives, how to read it, how to print its current value.
struct Field {
    std::string_view table;
    std::string_view key;
    std::string_view comment;
    void (*apply)(const Reader&, MachineConfig&);
    std::string (*show)(const MachineConfig&);
};

const Field kFields[] = {
    {"machine", "cores", "number of cores, 1..16",
     [](const Reader& r, MachineConfig& c) {
         c.cores = static_cast<unsigned>(r.integer(1, kMaxCores));
     },
     [](const MachineConfig& c) { return fmt::format("{}", c.cores); }},
    {"machine", "ram_mib", "RAM size in MiB at 0x40000000, 1..4096",
     [](const Reader& r, MachineConfig& c) { c.ram_size = r.integer(1, kMaxRamMib) * kMiB; },
     [](const MachineConfig& c) { return fmt::format("{}", c.ram_size / kMiB); }},
    {"machine", "cpu", "CPU profile: \"cortex-a53\" (ARMv8.0-A) or \"max\" (adds FEAT_LSE atomics)",
     [](const Reader& r, MachineConfig& c) {
         const std::string cpu = r.string();
         if (!setCpuProfile(c, cpu))
             r.fail(fmt::format("unknown CPU profile {}; expected {}", tomlString(cpu), kCpuNames));
     },
     [](const MachineConfig& c) { return tomlString(c.cpu); }},
    {"machine", "quantum", "cycles each core runs before the next core's turn, >= 1",
     [](const Reader& r, MachineConfig& c) { c.quantum = r.integer(1, kTomlIntMax); },
     [](const MachineConfig& c) { return fmt::format("{}", c.quantum); }},
    {"machine", "seed", "all simulated randomness derives from this seed, 0..2^63-1",
     [](const Reader& r, MachineConfig& c) { c.seed = r.integer(0, kTomlIntMax); },
     [](const MachineConfig& c) { return fmt::format("{}", c.seed); }},
    {"clock", "cpu_hz", "simulated core clock in Hz, >= counter_hz",
     [](const Reader& r, MachineConfig& c) { c.cpu_hz = r.integer(1, kTomlIntMax); },
     [](const MachineConfig& c) { return fmt::format("{}", c.cpu_hz); }},
    {"clock", "counter_hz", "generic timer frequency in Hz (CNTFRQ_EL0), as QEMU virt reports",
     [](const Reader& r, MachineConfig& c) { c.counter_hz = r.integer(1, kTomlIntMax); },
     [](const MachineConfig& c) { return fmt::format("{}", c.counter_hz); }},
    {"boot", "bootargs", "string placed NUL-terminated at 0x44000000 (RAM must then exceed 64 MiB)",
     [](const Reader& r, MachineConfig& c) {
         std::string args = r.string();
         if (args.find('\0') != std::string::npos) r.fail("must not contain NUL characters");
         if (args.size() >= kBootArgsMax)
             r.fail(fmt::format("is {} bytes long; at most {} fit (with the terminating NUL)",
                                args.size(), kBootArgsMax - 1));
         c.bootargs = std::move(args);
     },
     [](const MachineConfig& c) { return tomlString(c.bootargs); }},
    {"boot", "semihosting",
     "serve semihosting calls (HLT #0xF000: SYS_WRITEC, SYS_WRITE0, SYS_EXIT)",
     [](const Reader& r, MachineConfig& c) { c.semihosting = r.boolean(); },
     [](const MachineConfig& c) { return std::string(c.semihosting ? "true" : "false"); }},
};

// [timing] is not in kFields: its keys are the timing profile's (applyTimingTable).
constexpr std::string_view kTables[] = {"machine", "clock", "boot", "timing"};

std::string keysOf(std::string_view table) {
    std::string out;
    for (const Field& f : kFields) {
        if (f.table != table) continue;
        if (!out.empty()) out += ", ";
        out += f.key;
    }
    return out;
}

std::string tableList() {
    std::string out;
    for (const std::string_view t : kTables) {
        if (!out.empty()) out += ", ";
        out += fmt::format("[{}]", t);
    }
    return out;
}

std::string at(std::string_view source, const toml::source_region& where) {
    return sourceAt(source, where);
}

// [timing]: `profile` (a built-in name, or a file relative to `base_dir`, the config file's
// directory) replaces the timing profile first, wherever it stands in the table; the other keys
// then override single parameters of it.
void applyTimingTable(MachineConfig& config, std::string_view source,
                      const std::filesystem::path& base_dir, const toml::table& table) {
    if (const toml::node* node = table.get("profile")) {
        const auto* name = node->as_string();
        if (!name)
            throw ConfigError(fmt::format("{}: timing.profile: expected a string (a built-in "
                                          "profile or a file), got {}",
                                          at(source, node->source()), describeType(node->type())));
        std::string target = name->get();
        const std::vector<std::string> builtins = builtinProfileNames();
        if (std::find(builtins.begin(), builtins.end(), target) == builtins.end() &&
            std::filesystem::path(target).is_relative() && !base_dir.empty())
            target = (base_dir / target).string();
        try {
            config.timing = loadProfile(target);
        } catch (const ConfigError& e) {
            throw ConfigError(
                fmt::format("{}: timing.profile: {}", at(source, node->source()), e.what()));
        }
    }
    applyProfileTable(config.timing, table, source, "profile", "timing.");
}

void applyTable(MachineConfig& config, std::string_view source, std::string_view table_name,
                const toml::table& table) {
    for (const auto& [key, node] : table) {
        const Field* field = nullptr;
        for (const Field& f : kFields)
            if (f.table == table_name && f.key == key.str()) field = &f;
        if (!field)
            throw ConfigError(fmt::format("{}: unknown key '{}.{}'; [{}] accepts: {}",
                                          at(source, key.source()), table_name, key.str(),
                                          table_name, keysOf(table_name)));
        field->apply(Reader(source, table_name, key.str(), node), config);
    }
}

} // namespace

bool setCpuProfile(MachineConfig& config, const std::string& cpu) {
    const std::optional<isa::Features> features = profileFeatures(cpu);
    if (!features) return false;
    config.cpu = cpu;
    config.features = *features;
    return true;
}

namespace {

void applyConfig(MachineConfig& config, std::string_view text, std::string_view source_name,
                 const std::filesystem::path& base_dir) {
    toml::table doc;
    try {
        doc = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        throw ConfigError(
            fmt::format("{}: TOML syntax error: {}", at(source_name, e.source()), e.description()));
    }

    MachineConfig result = config; // all or nothing: `config` changes only if every key is good
    for (const auto& [key, node] : doc) {
        const std::string_view name = key.str();
        bool known = false;
        for (const std::string_view t : kTables)
            known = known || t == name;
        if (!known) {
            // A key meant for a table but written above every table header?
            std::string hint;
            for (const Field& f : kFields)
                if (f.key == name && node.is_value())
                    hint = fmt::format(" ('{}' belongs in [{}])", name, f.table);
            throw ConfigError(fmt::format(
                "{}: unknown {} '{}'{}; accepted tables: {}", at(source_name, key.source()),
                node.is_table() ? "table" : "top-level key", name, hint, tableList()));
        }
        const toml::table* table = node.as_table();
        if (!table)
            throw ConfigError(fmt::format("{}: '{}' must be a table ([{}]), got {}",
                                          at(source_name, node.source()), name, name,
                                          describeType(node.type())));
        if (name == "timing")
            applyTimingTable(result, source_name, base_dir, *table);
        else
            applyTable(result, source_name, name, *table);
    }
    config = std::move(result);
}

} // namespace

void applyConfigText(MachineConfig& config, std::string_view text, std::string_view source_name) {
    applyConfig(config, text, source_name, {});
}

void applyConfigFile(MachineConfig& config, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError(
            fmt::format("cannot read config file '{}': {}", path, std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw ConfigError(fmt::format("cannot read config file '{}'", path));
    applyConfig(config, text.str(), path, std::filesystem::path(path).parent_path());
}

void validate(const MachineConfig& c) {
    auto fail = [](const std::string& what) {
        throw ConfigError("invalid configuration: " + what);
    };
    if (c.cores < 1 || c.cores > kMaxCores)
        fail(fmt::format("cores must be in the range 1..{}, got {}", kMaxCores, c.cores));
    if (c.ram_size < kMinRamSize || c.ram_size > kMaxRamSize)
        fail(fmt::format("RAM size must be 1 MiB..{} MiB, got {} bytes", kMaxRamMib, c.ram_size));
    if (c.ram_size % kPageSize != 0)
        fail(fmt::format("RAM size must be a whole number of 4 KiB pages, got {} bytes",
                         c.ram_size));
    const std::optional<isa::Features> features = profileFeatures(c.cpu);
    if (!features) fail(fmt::format("unknown CPU profile '{}'; expected {}", c.cpu, kCpuNames));
    if (c.features != *features)
        fail(fmt::format("the ISA features do not match CPU profile '{}' (set both with "
                         "setCpuProfile)",
                         c.cpu));
    if (c.quantum < 1) fail("quantum must be at least 1 instruction");
    if (c.counter_hz == 0) fail("counter_hz must be at least 1");
    if (c.cpu_hz < c.counter_hz)
        fail(fmt::format("cpu_hz ({}) must be at least counter_hz ({})", c.cpu_hz, c.counter_hz));
    if (c.bootargs.find('\0') != std::string::npos)
        fail("bootargs must not contain NUL characters");
    if (c.bootargs.size() >= kBootArgsMax)
        fail(fmt::format("bootargs is {} bytes long; at most {} fit (with the terminating NUL)",
                         c.bootargs.size(), kBootArgsMax - 1));
    if (!c.bootargs.empty()) {
        const u64 end = kBootArgsAddress + c.bootargs.size() + 1;
        if (end > kRamBase + c.ram_size)
            fail(fmt::format("bootargs go at {:#x}..{:#x}, beyond the end of RAM at {:#x} ({} MiB "
                             "from {:#x}); give more RAM",
                             kBootArgsAddress, end, kRamBase + c.ram_size, c.ram_size / kMiB,
                             kRamBase));
    }
    validateProfile(c.timing);
}

std::string defaultConfigToml() {
    const MachineConfig defaults;
    std::string out = "# cmodx machine configuration. Every key is optional; these are the "
                      "defaults.\n";
    for (const std::string_view table : kTables) {
        out += fmt::format("\n[{}]\n", table);
        for (const Field& f : kFields)
            if (f.table == table)
                out += fmt::format("# {}\n{} = {}\n", f.comment, f.key, f.show(defaults));
        if (table == "timing")
            out += fmt::format(
                "# timing profile: built in ({}) or a profile file, relative to this one\n"
                "profile = {}\n"
                "# any key of the profile overrides it here, e.g. icache.size = 16384 "
                "(`cmodx profile` lists them)\n",
                fmt::join(builtinProfileNames(), ", "), tomlString(defaults.timing.name));
    }
    return out;
}

} // namespace cmodx::sim
