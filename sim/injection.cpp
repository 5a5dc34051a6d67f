// --inject specs: parsing with errors that name the offending part, and the canonical text form.
#include "sim/injection.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <limits>
#include <optional>

namespace cmodx::sim {

namespace {

constexpr std::string_view kGrammar =
    "expected irq:core=N:(cycle=N|pc=ADDR[:hit=N])[:intid=N] or "
    "stall:core=N:(cycle=N|pc=ADDR[:hit=N]):cycles=N, numbers decimal or 0x-hex";

enum Key { kCore, kCycle, kPc, kHit, kIntid, kCycles, kKeyCount };
constexpr std::array<std::string_view, kKeyCount> kKeyNames = {"core", "cycle", "pc",
                                                               "hit",  "intid", "cycles"};

class Parser {
public:
    explicit Parser(std::string_view spec) : spec_(spec) {}

    [[noreturn]] void fail(std::string_view what) const {
        throw InjectionSyntaxError(
            fmt::format("invalid injection '{}': {}; {}", spec_, what, kGrammar));
    }

    Injection parse() {
        if (spec_.empty()) fail("the spec is empty");
        std::string_view rest = spec_;
        const std::string_view kind = next(rest);
        Injection inj;
        if (kind == "irq")
            inj.kind = Injection::Kind::Irq;
        else if (kind == "stall")
            inj.kind = Injection::Kind::Stall;
        else
            fail(fmt::format("unknown kind '{}' (irq or stall)", kind));

        std::array<std::optional<u64>, kKeyCount> values;
        while (!rest.empty()) {
            const std::string_view part = next(rest);
            if (part.empty()) fail("empty part between ':' separators");
            const size_t eq = part.find('=');
            if (eq == std::string_view::npos)
                fail(fmt::format("'{}' is not of the form key=value", part));
            const std::string_view key = part.substr(0, eq);
            const std::string_view text = part.substr(eq + 1);
            int k = 0;
            while (k < kKeyCount && kKeyNames[k] != key)
                ++k;
            if (k == kKeyCount)
                fail(fmt::format("unknown key '{}' (keys: core, cycle, pc, hit, intid, cycles)",
                                 key));
            if (values[k]) fail(fmt::format("duplicate key '{}'", key));
            values[k] = number(key, text);
        }
        if (spec_.back() == ':') fail("empty part after the trailing ':'");

        if (!values[kCore]) fail("missing core=N (which core it happens on)");
        if (*values[kCore] > std::numeric_limits<unsigned>::max())
            fail(fmt::format("core={} is out of range", *values[kCore]));
        inj.core = static_cast<unsigned>(*values[kCore]);

        if (values[kCycle] && values[kPc])
            fail("cycle=N and pc=ADDR given together; give exactly one trigger");
        if (!values[kCycle] && !values[kPc]) fail("missing trigger: give cycle=N or pc=ADDR");
        if (values[kCycle]) {
            if (values[kHit])
                fail("hit=N counts retirements of pc=ADDR; it cannot go with cycle=N");
            inj.trigger = Injection::Trigger::Cycle;
            inj.cycle = *values[kCycle];
        } else {
            inj.trigger = Injection::Trigger::Pc;
            inj.pc = *values[kPc];
            if (values[kHit]) {
                if (*values[kHit] == 0) fail("hit=0: hits count from 1 (the first retirement)");
                inj.hit = *values[kHit];
            }
        }

        if (inj.kind == Injection::Kind::Irq) {
            if (values[kCycles]) fail("cycles=N is for stall; an irq has no duration");
            if (values[kIntid]) {
                if (*values[kIntid] > kMaxIntid)
                    fail(fmt::format("intid={} is out of range 0..{} (1020..1023 are special "
                                     "INTIDs)",
                                     *values[kIntid], kMaxIntid));
                inj.intid = static_cast<unsigned>(*values[kIntid]);
            }
        } else {
            if (values[kIntid]) fail("intid=N is for irq; a stall raises no interrupt");
            if (!values[kCycles]) fail("missing cycles=N for stall (how long the core stalls)");
            if (*values[kCycles] == 0) fail("cycles=0: a stall lasts at least 1 cycle");
            inj.cycles = *values[kCycles];
        }
        return inj;
    }

private:
    // Splits off the text up to the next ':' (or the end).
    static std::string_view next(std::string_view& rest) {
        const size_t colon = rest.find(':');
        const std::string_view part = rest.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        return part;
    }

    u64 number(std::string_view key, std::string_view text) const {
        std::string_view digits = text;
        int base = 10;
        if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
            digits.remove_prefix(2);
            base = 16;
        }
        u64 value = 0;
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
        if (ec == std::errc::result_out_of_range)
            fail(fmt::format("{}={}: the number does not fit in 64 bits", key, text));
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
            fail(fmt::format("{}={}: '{}' is not a decimal or 0x-hex number", key, text, text));
        return value;
    }

    std::string_view spec_;
};

} // namespace

Injection parseInjection(std::string_view spec) { return Parser(spec).parse(); }

std::string formatInjection(const Injection& x) {
    std::string out =
        fmt::format("{}:core={}", x.kind == Injection::Kind::Irq ? "irq" : "stall", x.core);
    if (x.trigger == Injection::Trigger::Cycle) {
        out += fmt::format(":cycle={}", x.cycle);
    } else {
        out += fmt::format(":pc={:#x}", x.pc);
        if (x.hit != 1) out += fmt::format(":hit={}", x.hit);
    }
    if (x.kind == Injection::Kind::Irq) {
        if (x.intid != 0) out += fmt::format(":intid={}", x.intid);
    } else {
        out += fmt::format(":cycles={}", x.cycles);
    }
    return out;
}

} // namespace cmodx::sim
