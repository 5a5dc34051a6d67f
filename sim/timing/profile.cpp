// Timing profiles: the parameter registry, profile files (built in or on disk), --set,
// validation and printing. Each parameter is one line of kParams below; reading, setting,
// checking and printing all walk that table, so adding a parameter to TimingProfile means adding
// one line there (and its key to profiles/a53.toml, which a test compares with profileToml()).
#include "sim/timing/profile.h"
#include "sim/config.h"
#include "sim/timing/builtin_profiles.h"
#include "sim/timing/profile_toml.h"
#include "sim/toml_support.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <type_traits>

namespace cmodx::sim {

namespace {

// Names of the enum values, indexed by the enum.
constexpr std::string_view kModeNames[] = {"functional", "timing"};
constexpr std::string_view kPredictorNames[] = {"bimodal", "gshare"};
static_assert(static_cast<unsigned>(TimingMode::Functional) == 0 &&
              static_cast<unsigned>(TimingMode::Timing) == 1);
static_assert(static_cast<unsigned>(PredictorKind::Bimodal) == 0 &&
              static_cast<unsigned>(PredictorKind::Gshare) == 1);

// How a field's C++ type maps to a parameter: its ParamType, the names of an enum's values, and
// the conversions to and from ParamValue.
template <typename T>
struct Traits;

template <>
struct Traits<u32> {
    static constexpr ParamType type = ParamType::Integer;
    static constexpr std::span<const std::string_view> choices() { return {}; }
    static ParamValue get(u32 v) { return v; }
    static void set(u32& field, const ParamValue& v) { field = std::get<u32>(v); }
};

template <>
struct Traits<bool> {
    static constexpr ParamType type = ParamType::Boolean;
    static constexpr std::span<const std::string_view> choices() { return {}; }
    static ParamValue get(bool v) { return v; }
    static void set(bool& field, const ParamValue& v) { field = std::get<bool>(v); }
};

template <>
struct Traits<std::string> {
    static constexpr ParamType type = ParamType::String;
    static constexpr std::span<const std::string_view> choices() { return {}; }
    static ParamValue get(const std::string& v) { return v; }
    static void set(std::string& field, const ParamValue& v) { field = std::get<std::string>(v); }
};

template <typename Enum, const auto& Names>
struct EnumTraits {
    static constexpr ParamType type = ParamType::Choice;
    static constexpr std::span<const std::string_view> choices() { return Names; }
    static ParamValue get(Enum v) {
        const auto i = static_cast<std::size_t>(v);
        // An out-of-range value (a cast in C++ code) shows as a name validation rejects.
        return i < std::size(Names) ? std::string(Names[i]) : fmt::format("<invalid {}>", i);
    }
    static void set(Enum& field, const ParamValue& v) {
        for (std::size_t i = 0; i < std::size(Names); ++i)
            if (Names[i] == std::get<std::string>(v)) field = static_cast<Enum>(i);
    }
};
template <>
struct Traits<TimingMode> : EnumTraits<TimingMode, kModeNames> {};
template <>
struct Traits<PredictorKind> : EnumTraits<PredictorKind, kPredictorNames> {};

// A field of TimingProfile, directly or one struct down: Field<&TimingProfile::icache,
// &CacheParams::size>::of(profile) is profile.icache.size (const or not, as the profile is).
template <auto... Path>
struct Field;
template <auto Member>
struct Field<Member> {
    static auto& of(auto& object) { return object.*Member; }
};
template <auto Outer, auto Inner>
struct Field<Outer, Inner> {
    static auto& of(auto& object) { return (object.*Outer).*Inner; }
};

struct Range {
    u32 min;
    u32 max;
    bool power_of_two = false;
};

template <auto... Path>
constexpr ProfileParam param(std::string_view key, std::string_view description, Range range) {
    using F = Field<Path...>;
    using T = std::remove_cvref_t<decltype(F::of(std::declval<TimingProfile&>()))>;
    return {key,
            description,
            Traits<T>::type,
            range.min,
            range.max,
            range.power_of_two,
            Traits<T>::choices(),
            [](const TimingProfile& p) { return Traits<T>::get(F::of(p)); },
            [](TimingProfile& p, const ParamValue& v) { Traits<T>::set(F::of(p), v); }};
}

// Bounds that only catch typos (a penalty in nanoseconds at the wrong scale, a size in KiB
// written as bytes of a wrong power) and keep the model's tables a sane size.
constexpr u32 kMaxCycles = 100'000;
constexpr u32 kMaxTableEntries = u32{1} << 20;
constexpr u32 kMaxCacheSize = u32{64} << 20;
constexpr Range kNone{0, 0};             // not an integer
constexpr Range kLatency{1, kMaxCycles}; // an operation takes at least one cycle
constexpr Range kCycles{0, kMaxCycles};  // extra cycles: advances, penalties
constexpr Range kUnits{1, 8};            // pipes of one kind, issue width
constexpr Range kEntries{1, kMaxTableEntries, true};

using P = TimingProfile;
using C = CacheParams;

constexpr ProfileParam kParams[] = {
    param<&P::name>("name", "short name of the profile", kNone),
    param<&P::description>("description", "what the profile models, in one line", kNone),
    param<&P::mode>("mode",
                    "\"timing\": the pipeline, caches and predictor below; \"functional\": one "
                    "instruction per cycle",
                    kNone),
    param<&P::coherent_fetch>("coherent_fetch",
                              "instruction fetch sees stores at once, as on QEMU (false: "
                              "through the I-cache)",
                              kNone),
    param<&P::fetch_buffer_bytes>("fetch_buffer_bytes",
                                  "bytes fetched ahead of the PC (an aligned block), a power "
                                  "of two 4..icache.line",
                                  {4, 256, true}),

    param<&P::icache, &C::size>("icache.size",
                                "L1 I-cache capacity in bytes: ways x line x sets, sets a power "
                                "of two",
                                {16, kMaxCacheSize}),
    param<&P::icache, &C::ways>("icache.ways", "I-cache associativity, 1..16", {1, 16}),
    param<&P::icache, &C::line>("icache.line", "I-cache line size in bytes, a power of two 16..256",
                                {16, 256, true}),
    param<&P::icache, &C::miss_penalty>(
        "icache.miss_penalty", "extra cycles to fill an I-cache line from the next level", kCycles),

    param<&P::dcache, &C::size>("dcache.size",
                                "L1 D-cache capacity in bytes: ways x line x sets, sets a power "
                                "of two",
                                {16, kMaxCacheSize}),
    param<&P::dcache, &C::ways>("dcache.ways", "D-cache associativity, 1..16", {1, 16}),
    param<&P::dcache, &C::line>("dcache.line", "D-cache line size in bytes, a power of two 16..256",
                                {16, 256, true}),
    param<&P::dcache, &C::miss_penalty>(
        "dcache.miss_penalty", "extra cycles to fill a D-cache line from the next level", kCycles),

    param<&P::issue, &P::Issue::width>("issue.width", "instructions issued per cycle, 1..8",
                                       kUnits),
    param<&P::issue, &P::Issue::alu_units>("issue.alu_units", "integer ALU pipes, 1..8", kUnits),
    param<&P::issue, &P::Issue::mac_units>("issue.mac_units", "multiply(-accumulate) pipes, 1..8",
                                           kUnits),
    param<&P::issue, &P::Issue::ls_units>("issue.ls_units", "load/store pipes, 1..8", kUnits),
    param<&P::issue, &P::Issue::branch_units>("issue.branch_units", "branch pipes, 1..8", kUnits),

    param<&P::latency, &P::Latency::alu>("latency.alu",
                                         "cycles until an ADD, SUB, logical, MOV, CSEL or "
                                         "flag-setting result is ready",
                                         kLatency),
    param<&P::latency, &P::Latency::shift>("latency.shift",
                                           "shift and bitfield by immediate (LSL, UBFM, SBFM "
                                           "...)",
                                           kLatency),
    param<&P::latency, &P::Latency::mul>("latency.mul", "multiplies (MUL, MADD, SMULL, UMULH ...)",
                                         kLatency),
    param<&P::latency, &P::Latency::load>(
        "latency.load", "load to use: cycles until a loaded value can be used", kLatency),
    param<&P::latency, &P::Latency::store>("latency.store",
                                           "cycles a store occupies its load/store pipe", kLatency),
    param<&P::latency, &P::Latency::load_pair>(
        "latency.load_pair", "cycles LDP (and LDXP) occupy the load/store pipe", kLatency),
    param<&P::latency, &P::Latency::div_base>("latency.div_base",
                                              "UDIV/SDIV take div_base + ceil(quotient bits / "
                                              "div_bits_per_cycle) cycles",
                                              kLatency),
    param<&P::latency, &P::Latency::div_bits_per_cycle>(
        "latency.div_bits_per_cycle",
        "quotient bits a divide resolves per cycle; 0: no data-dependent part (div_base only)",
        {0, 64}),
    param<&P::latency, &P::Latency::sysreg>(
        "latency.sysreg", "cycles of MRS, MSR and other system instructions", kLatency),

    param<&P::advance, &P::Advance::alu>("advance.alu",
                                         "cycles later an ALU reads its plain register operands, "
                                         "< latency.alu",
                                         kCycles),
    param<&P::advance, &P::Advance::shifted>("advance.shifted",
                                             "cycles later an ALU reads an operand it shifts "
                                             "or extends, < latency.alu",
                                             kCycles),
    param<&P::advance, &P::Advance::mul>("advance.mul",
                                         "cycles later a multiply reads its multiplicands, < "
                                         "latency.mul",
                                         kCycles),
    param<&P::advance, &P::Advance::accumulate>("advance.accumulate",
                                                "cycles later a multiply-accumulate reads its "
                                                "addend, < latency.mul",
                                                kCycles),
    param<&P::advance, &P::Advance::div>("advance.div",
                                         "cycles later a divide reads its operands, < "
                                         "latency.div_base",
                                         kCycles),

    param<&P::branch, &P::Branch::predictor>("branch.predictor",
                                             "direction predictor: \"bimodal\" (by PC) or "
                                             "\"gshare\" (PC xor global history)",
                                             kNone),
    param<&P::branch, &P::Branch::predictor_entries>("branch.predictor_entries",
                                                     "2-bit counters in the predictor, a power of "
                                                     "two",
                                                     kEntries),
    param<&P::branch, &P::Branch::history_bits>("branch.history_bits",
                                                "global history length for gshare, 0..32", {0, 32}),
    param<&P::branch, &P::Branch::btb_entries>("branch.btb_entries",
                                               "entries of the direct-mapped branch target "
                                               "buffer, a power of two",
                                               kEntries),
    param<&P::branch, &P::Branch::ras_entries>("branch.ras_entries",
                                               "return-address stack entries, 0..64", {0, 64}),
    param<&P::branch, &P::Branch::mispredict_penalty>("branch.mispredict_penalty",
                                                      "cycles lost when a branch resolves "
                                                      "against its prediction",
                                                      kCycles),
    param<&P::branch, &P::Branch::btb_miss_penalty>("branch.btb_miss_penalty",
                                                    "cycles lost by a correctly predicted taken "
                                                    "branch without a BTB target",
                                                    kCycles),
    param<&P::branch, &P::Branch::taken_penalty>("branch.taken_penalty",
                                                 "bubble after every correctly predicted taken "
                                                 "branch",
                                                 kCycles),

    param<&P::serialise, &P::Serialise::isb>(
        "serialise.isb", "ISB: cycles to drain the pipeline and refetch", kCycles),
    param<&P::serialise, &P::Serialise::barrier>("serialise.barrier",
                                                 "DSB and DMB: cycles waiting for outstanding "
                                                 "memory accesses",
                                                 kCycles),
    param<&P::serialise, &P::Serialise::exception>(
        "serialise.exception", "cycles of exception entry and of ERET", kCycles),
    param<&P::serialise, &P::Serialise::sysreg_write>("serialise.sysreg_write",
                                                      "cycles of an MSR that changes translation "
                                                      "or exception state",
                                                      kCycles),
};

constexpr std::string_view kTables[] = {"icache",  "dcache", "issue",    "latency",
                                        "advance", "branch", "serialise"};

// The table of a dotted key ("" for a top-level key) and its last part.
std::pair<std::string_view, std::string_view> splitKey(std::string_view key) {
    const auto dot = key.rfind('.');
    if (dot == std::string_view::npos) return {"", key};
    return {key.substr(0, dot), key.substr(dot + 1)};
}

bool isTable(std::string_view name) {
    for (const std::string_view t : kTables)
        if (t == name) return true;
    return false;
}

template <typename Items>
std::string join(const Items& items, std::string_view separator, std::string_view before = "",
                 std::string_view after = "") {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += fmt::format("{}{}{}", before, item, after);
    }
    return out;
}

// The keys of one table ("" for the top level), without the table name.
std::vector<std::string_view> keysOf(std::string_view table) {
    std::vector<std::string_view> out;
    for (const ProfileParam& p : kParams) {
        const auto [t, leaf] = splitKey(p.key);
        if (t == table) out.push_back(leaf);
    }
    return out;
}

std::string choiceList(std::span<const std::string_view> choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
        out += tomlString(choices[i]);
    }
    return out;
}

std::string_view expectedType(const ProfileParam& p) {
    switch (p.type) {
    case ParamType::Integer: return "an integer";
    case ParamType::Boolean: return "a boolean (true or false)";
    case ParamType::String:
    case ParamType::Choice: return "a string";
    }
    return "?";
}

// What is wrong with an integer for `p` that may not even fit u32.
std::string rangeError(const ProfileParam& p, std::string_view value) {
    return fmt::format("must be {}in the range {}..{}, got {}",
                       p.power_of_two ? "a power of two " : "", p.min, p.max, value);
}

// Why `key` is not a parameter, with the keys that are.
std::string unknownKey(std::string_view key, std::string_view key_prefix,
                       std::string_view reserved) {
    const auto [table, leaf] = splitKey(key);
    if (isTable(key))
        return fmt::format("'{}{}' is a table; give one of its keys: {}", key_prefix, key,
                           join(keysOf(key), ", ", fmt::format("{}.", key)));
    if (isTable(table))
        return fmt::format("unknown key '{}{}'; [{}{}] accepts: {}", key_prefix, key, key_prefix,
                           table, join(keysOf(table), ", "));
    std::vector<std::string_view> top;
    if (!reserved.empty()) top.push_back(reserved);
    for (const std::string_view k : keysOf(""))
        top.push_back(k);
    std::string hint; // a table's key written at the top?
    std::vector<std::string_view> homes;
    for (const std::string_view t : kTables)
        for (const std::string_view k : keysOf(t))
            if (k == key) homes.push_back(t);
    if (!homes.empty())
        hint = fmt::format(" ('{}' belongs in {})", key, join(homes, " or ", "[", "]"));
    return fmt::format("unknown key '{}{}'{}; the keys are {} and the tables {}", key_prefix, key,
                       hint, join(top, ", "),
                       join(kTables, ", ", fmt::format("[{}", key_prefix), "]"));
}

// Reads an integer as --set takes it: decimal or 0x-hex, with optional '_' between digits.
std::optional<std::uint64_t> parseInteger(std::string_view text) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    std::string digits;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_' && i > 0 && i + 1 < text.size() && text[i - 1] != '_') continue;
        digits += text[i];
    }
    std::uint64_t value = 0;
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size())
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) return std::numeric_limits<std::uint64_t>::max();
    return value;
}

// The value of TOML `node` for `p`, or what is wrong with it.
std::variant<ParamValue, std::string> fromToml(const ProfileParam& p, const toml::node& node) {
    const auto wrongType = [&] {
        return fmt::format("expected {}, got {}", expectedType(p), describeType(node.type()));
    };
    switch (p.type) {
    case ParamType::Integer: {
        const auto* v = node.as_integer();
        if (!v) return wrongType();
        const std::int64_t x = v->get();
        if (x < 0) return fmt::format("must not be negative, got {}", x);
        if (static_cast<std::uint64_t>(x) > std::numeric_limits<u32>::max())
            return rangeError(p, fmt::format("{}", x));
        return ParamValue{static_cast<u32>(x)};
    }
    case ParamType::Boolean: {
        const auto* v = node.as_boolean();
        if (!v) return wrongType();
        return ParamValue{v->get()};
    }
    case ParamType::String:
    case ParamType::Choice: {
        const auto* v = node.as_string();
        if (!v) return wrongType();
        return ParamValue{v->get()};
    }
    }
    return std::string("unknown parameter type");
}

// A problem validation found: what is wrong (naming the keys) and the keys involved, so that a
// file's message can point at the first of them the file sets.
struct Problem {
    std::vector<std::string_view> keys;
    std::string what;
};

std::optional<Problem> findProblem(const TimingProfile& p) {
    for (const ProfileParam& param : kParams) {
        const std::string error = checkParam(param, param.get(p));
        if (!error.empty()) return Problem{{param.key}, fmt::format("{}: {}", param.key, error)};
    }
    if (p.name.empty()) return Problem{{"name"}, "name: must not be empty"};

    const auto cache = [](const CacheParams& c, std::string_view t) -> std::optional<Problem> {
        const u64 way_bytes = u64{c.ways} * c.line;
        const u64 sets = c.size / way_bytes;
        if (c.size % way_bytes == 0 && sets >= 1 && std::has_single_bit(sets)) return std::nullopt;
        return Problem{{t == "icache" ? "icache.size" : "dcache.size",
                        t == "icache" ? "icache.ways" : "dcache.ways",
                        t == "icache" ? "icache.line" : "dcache.line"},
                       fmt::format("{0}.size ({1}) must be {0}.ways ({2}) x {0}.line ({3}) x a "
                                   "power-of-two number of sets (e.g. {4})",
                                   t, c.size, c.ways, c.line,
                                   way_bytes * std::bit_floor(std::max<u64>(sets, 1)))};
    };
    if (auto problem = cache(p.icache, "icache")) return problem;
    if (auto problem = cache(p.dcache, "dcache")) return problem;
    if (p.fetch_buffer_bytes > p.icache.line)
        return Problem{{"fetch_buffer_bytes", "icache.line"},
                       fmt::format("fetch_buffer_bytes ({}) must be at most icache.line ({}): "
                                   "the buffer fills from one I-cache line",
                                   p.fetch_buffer_bytes, p.icache.line)};

    // An advance lets a consumer issue before the producer's full latency, never before the
    // producer's own issue cycle: below the latency of its class (see profile.h).
    struct Advance {
        std::string_view advance_key;
        u32 advance;
        std::string_view latency_key;
        u32 latency;
    };
    const Advance advances[] = {
        {"advance.alu", p.advance.alu, "latency.alu", p.latency.alu},
        {"advance.shifted", p.advance.shifted, "latency.alu", p.latency.alu},
        {"advance.mul", p.advance.mul, "latency.mul", p.latency.mul},
        {"advance.accumulate", p.advance.accumulate, "latency.mul", p.latency.mul},
        {"advance.div", p.advance.div, "latency.div_base", p.latency.div_base},
    };
    for (const Advance& a : advances)
        if (a.advance >= a.latency)
            return Problem{{a.advance_key, a.latency_key},
                           fmt::format("{} ({}) must be less than {} ({})", a.advance_key,
                                       a.advance, a.latency_key, a.latency)};
    return std::nullopt;
}

std::string readTextFile(const std::string& path, bool& ok) {
    std::ifstream in(path, std::ios::binary);
    ok = false;
    if (!in) return std::strerror(errno);
    if (std::filesystem::is_directory(path)) return "is a directory";
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return "read error";
    ok = true;
    return text.str();
}

// A built-in profile may name another as its base; more than this many steps is a loop.
constexpr int kMaxBaseDepth = 4;

TimingProfile parse(std::string_view text, std::string_view source, int depth);

TimingProfile builtin(std::string_view name, int depth) {
    for (const BuiltinProfileText& b : builtinProfileTexts())
        if (b.name == name) return parse(b.toml, fmt::format("profiles/{}.toml", b.name), depth);
    throw ConfigError(fmt::format("no built-in timing profile '{}'", name));
}

TimingProfile parse(std::string_view text, std::string_view source, int depth) {
    toml::table doc;
    try {
        doc = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        throw ConfigError(fmt::format("{}: TOML syntax error: {}", sourceAt(source, e.source()),
                                      e.description()));
    }

    TimingProfile profile;
    std::string base_name = profile.name;
    if (const toml::node* base = doc.get("base")) {
        const auto* name = base->as_string();
        const std::vector<std::string> builtins = builtinProfileNames();
        if (!name)
            throw ConfigError(fmt::format("{}: base: expected a string (a built-in profile: {}), "
                                          "got {}",
                                          sourceAt(source, base->source()), join(builtins, ", "),
                                          describeType(base->type())));
        if (std::find(builtins.begin(), builtins.end(), name->get()) == builtins.end())
            throw ConfigError(fmt::format("{}: base: unknown built-in profile {}; expected one of "
                                          "{}",
                                          sourceAt(source, base->source()), tomlString(name->get()),
                                          join(builtins, ", ")));
        if (depth >= kMaxBaseDepth)
            throw ConfigError(fmt::format("{}: base: the chain of base profiles loops",
                                          sourceAt(source, base->source())));
        profile = builtin(name->get(), depth + 1);
        base_name = name->get();
    }
    // Unless the file names and describes itself, say where it came from.
    profile.name = std::filesystem::path(source).stem().string();
    profile.description = fmt::format("{} as changed by {}", base_name, source);

    applyProfileTable(profile, doc, source, "base", "");
    if (const std::optional<Problem> problem = findProblem(profile)) {
        // Point at the first key involved that the file sets; the others have their defaults.
        std::string where(source);
        for (const std::string_view key : problem->keys)
            if (const toml::node* node = doc.at_path(key).node()) {
                where = sourceAt(source, node->source());
                break;
            }
        throw ConfigError(fmt::format("{}: invalid timing profile: {}", where, problem->what));
    }
    return profile;
}

} // namespace

std::string ProfileParam::format(const TimingProfile& profile) const {
    const ParamValue v = get(profile);
    switch (type) {
    case ParamType::Integer: return fmt::format("{}", std::get<u32>(v));
    case ParamType::Boolean: return std::get<bool>(v) ? "true" : "false";
    case ParamType::String:
    case ParamType::Choice: return tomlString(std::get<std::string>(v));
    }
    return "?";
}

std::span<const ProfileParam> profileParams() { return kParams; }

const ProfileParam* findProfileParam(std::string_view key) {
    for (const ProfileParam& p : kParams)
        if (p.key == key) return &p;
    return nullptr;
}

std::span<const std::string_view> profileTables() { return kTables; }

std::string checkParam(const ProfileParam& p, const ParamValue& value) {
    switch (p.type) {
    case ParamType::Integer: {
        const u32* v = std::get_if<u32>(&value);
        if (!v) return fmt::format("expected {}", expectedType(p));
        if (*v < p.min || *v > p.max || (p.power_of_two && !std::has_single_bit(*v)))
            return rangeError(p, fmt::format("{}", *v));
        return "";
    }
    case ParamType::Boolean:
        return std::holds_alternative<bool>(value) ? ""
                                                   : fmt::format("expected {}", expectedType(p));
    case ParamType::String: {
        const std::string* v = std::get_if<std::string>(&value);
        if (!v) return fmt::format("expected {}", expectedType(p));
        // Names and descriptions are printed on one line, also inside comments.
        for (const char c : *v)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                return fmt::format("must be one line without control characters, got {}",
                                   tomlString(*v));
        return "";
    }
    case ParamType::Choice: {
        const std::string* v = std::get_if<std::string>(&value);
        if (!v) return fmt::format("expected {}", expectedType(p));
        for (const std::string_view c : p.choices)
            if (c == *v) return "";
        return fmt::format("expected {}, got {}", choiceList(p.choices), tomlString(*v));
    }
    }
    return "unknown parameter type";
}

void applyProfileTable(TimingProfile& profile, const toml::table& table, std::string_view source,
                       std::string_view reserved, std::string_view key_prefix) {
    // Top-level keys and tables, then each table's keys. Nested TOML tables, dotted keys and
    // inline tables all arrive here as tables.
    for (const auto& [key, node] : table) {
        const std::string_view name = key.str();
        if (name == reserved) continue;
        if (isTable(name)) {
            const toml::table* sub = node.as_table();
            if (!sub)
                throw ConfigError(fmt::format("{}: '{}{}' must be a table ([{}{}]), got {}",
                                              sourceAt(source, node.source()), key_prefix, name,
                                              key_prefix, name, describeType(node.type())));
            for (const auto& [sub_key, sub_node] : *sub) {
                const std::string full = fmt::format("{}.{}", name, sub_key.str());
                const ProfileParam* p = findProfileParam(full);
                if (!p)
                    throw ConfigError(fmt::format("{}: {}", sourceAt(source, sub_key.source()),
                                                  unknownKey(full, key_prefix, reserved)));
                const auto value = fromToml(*p, sub_node);
                std::string error = value.index() == 1 ? std::get<1>(value) : "";
                if (error.empty()) error = checkParam(*p, std::get<0>(value));
                if (!error.empty())
                    throw ConfigError(fmt::format("{}: {}{}: {}",
                                                  sourceAt(source, sub_node.source()), key_prefix,
                                                  full, error));
                p->set(profile, std::get<0>(value));
            }
            continue;
        }
        const ProfileParam* p = findProfileParam(name);
        if (!p)
            throw ConfigError(fmt::format("{}: {}", sourceAt(source, key.source()),
                                          unknownKey(name, key_prefix, reserved)));
        const auto value = fromToml(*p, node);
        std::string error = value.index() == 1 ? std::get<1>(value) : "";
        if (error.empty()) error = checkParam(*p, std::get<0>(value));
        if (!error.empty())
            throw ConfigError(fmt::format("{}: {}{}: {}", sourceAt(source, node.source()),
                                          key_prefix, name, error));
        p->set(profile, std::get<0>(value));
    }
}

std::vector<std::string> builtinProfileNames() {
    std::vector<std::string> out;
    for (const BuiltinProfileText& b : builtinProfileTexts())
        out.emplace_back(b.name);
    return out;
}

TimingProfile parseProfile(std::string_view text, std::string_view source_name) {
    return parse(text, source_name, 0);
}

TimingProfile loadProfile(const std::string& name_or_path) {
    for (const BuiltinProfileText& b : builtinProfileTexts())
        if (b.name == name_or_path) return builtin(b.name, 0);
    if (name_or_path.empty())
        throw ConfigError(fmt::format("no timing profile given; the built-in ones are {}",
                                      join(builtinProfileNames(), ", ")));
    bool ok = false;
    const std::string text = readTextFile(name_or_path, ok);
    if (!ok)
        throw ConfigError(fmt::format("timing profile '{}' is not built in ({}) and cannot be "
                                      "read as a file: {}",
                                      name_or_path, join(builtinProfileNames(), ", "), text));
    return parse(text, name_or_path, 0);
}

void setProfileParam(TimingProfile& profile, std::string_view key, std::string_view value) {
    const ProfileParam* p = findProfileParam(key);
    if (!p) throw ConfigError(unknownKey(key, "", ""));
    ParamValue v;
    switch (p->type) {
    case ParamType::Integer: {
        const std::optional<std::uint64_t> x = parseInteger(value);
        if (!x) throw ConfigError(fmt::format("{}: expected an integer, got '{}'", key, value));
        if (*x > std::numeric_limits<u32>::max())
            throw ConfigError(fmt::format("{}: {}", key, rangeError(*p, value)));
        v = static_cast<u32>(*x);
        break;
    }
    case ParamType::Boolean:
        if (value != "true" && value != "false")
            throw ConfigError(fmt::format("{}: expected true or false, got '{}'", key, value));
        v = value == "true";
        break;
    case ParamType::String:
    case ParamType::Choice: v = std::string(value); break;
    }
    if (const std::string error = checkParam(*p, v); !error.empty())
        throw ConfigError(fmt::format("{}: {}", key, error));
    p->set(profile, v);
}

void setProfileParam(TimingProfile& profile, std::string_view spec) {
    const auto eq = spec.find('=');
    if (eq == std::string_view::npos || eq == 0)
        throw ConfigError(
            fmt::format("expected KEY=VALUE (e.g. icache.size=16384), got '{}'", spec));
    setProfileParam(profile, spec.substr(0, eq), spec.substr(eq + 1));
}

void validateProfile(const TimingProfile& profile) {
    if (const std::optional<Problem> problem = findProblem(profile))
        throw ConfigError(
            fmt::format("invalid timing profile '{}': {}", profile.name, problem->what));
}

std::string profileToml(const TimingProfile& profile) {
    std::string out = fmt::format(
        "# cmodx timing profile: {}\n"
        "# {}\n"
        "# Every parameter with its value. A profile file may set only some of them: the others\n"
        "# come from a53, or from the built-in profile that a top-level `base = \"NAME\"` names.\n",
        profile.name, profile.description);
    std::string_view table = "";
    out += '\n';
    for (const ProfileParam& p : kParams) {
        const auto [t, leaf] = splitKey(p.key);
        if (t != table) {
            out += fmt::format("\n[{}]\n", t);
            table = t;
        }
        out += fmt::format("# {}\n{} = {}\n", p.description, leaf, p.format(profile));
    }
    return out;
}

std::string_view toString(TimingMode mode) {
    const auto i = static_cast<std::size_t>(mode);
    return i < std::size(kModeNames) ? kModeNames[i] : "?";
}

std::string_view toString(PredictorKind kind) {
    const auto i = static_cast<std::size_t>(kind);
    return i < std::size(kPredictorNames) ? kPredictorNames[i] : "?";
}

} // namespace cmodx::sim
