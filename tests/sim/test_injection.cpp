// --inject specs: every accepted form, the canonical text form and its round trip, and an error
// for each way a spec can be wrong that names the offending part and shows the grammar.
#include "sim/injection.h"

#include <gtest/gtest.h>

#include <ostream>

namespace cmodx::sim {

// gtest prints injections in their text form.
void PrintTo(const Injection& x, std::ostream* os) { *os << formatInjection(x); }

namespace {

using Kind = Injection::Kind;
using Trigger = Injection::Trigger;

// The message of the InjectionSyntaxError parsing `spec` throws ("" if none).
std::string parseError(std::string_view spec) {
    try {
        parseInjection(spec);
    } catch (const InjectionSyntaxError& e) { return e.what(); }
    return "";
}

// Expects `spec` to be rejected with a message that quotes the spec, contains every one of
// `needles` and shows the grammar.
void expectError(std::string_view spec, std::initializer_list<std::string_view> needles) {
    const std::string e = parseError(spec);
    ASSERT_NE(e, "") << "accepted: " << spec;
    EXPECT_NE(e.find("'" + std::string(spec) + "'"), std::string::npos) << e;
    for (const std::string_view n : needles)
        EXPECT_NE(e.find(n), std::string::npos) << "expected \"" << n << "\" in: " << e;
    EXPECT_NE(e.find("irq:core=N:(cycle=N|pc=ADDR[:hit=N])[:intid=N]"), std::string::npos) << e;
    EXPECT_NE(e.find("stall:core=N:(cycle=N|pc=ADDR[:hit=N]):cycles=N"), std::string::npos) << e;
}

TEST(Injection, IrqAtCycle) {
    const Injection x = parseInjection("irq:core=1:cycle=12345");
    EXPECT_EQ(x,
              (Injection{.kind = Kind::Irq, .trigger = Trigger::Cycle, .core = 1, .cycle = 12345}));
    EXPECT_EQ(x.intid, 0u); // SGI 0 by default
    EXPECT_EQ(x.hit, 1u);
}

TEST(Injection, IrqAtPcHit) {
    EXPECT_EQ(
        parseInjection("irq:core=0:pc=0x40001234:hit=3"),
        (Injection{
            .kind = Kind::Irq, .trigger = Trigger::Pc, .core = 0, .pc = 0x40001234, .hit = 3}));
    // hit defaults to the first retirement.
    EXPECT_EQ(parseInjection("irq:core=0:pc=0x40001234").hit, 1u);
}

TEST(Injection, IrqWithIntid) {
    EXPECT_EQ(parseInjection("irq:core=2:cycle=100:intid=27"),
              (Injection{.kind = Kind::Irq, .core = 2, .cycle = 100, .intid = 27}));
    EXPECT_EQ(parseInjection("irq:core=0:cycle=0:intid=1019").intid, 1019u);
}

TEST(Injection, StallAtCycle) {
    EXPECT_EQ(parseInjection("stall:core=2:cycle=5000:cycles=200"),
              (Injection{.kind = Kind::Stall,
                         .trigger = Trigger::Cycle,
                         .core = 2,
                         .cycle = 5000,
                         .cycles = 200}));
}

TEST(Injection, StallAtPcHit) {
    EXPECT_EQ(parseInjection("stall:core=1:pc=0x4000abcd:hit=2:cycles=50"),
              (Injection{.kind = Kind::Stall,
                         .trigger = Trigger::Pc,
                         .core = 1,
                         .pc = 0x4000abcd,
                         .hit = 2,
                         .cycles = 50}));
}

TEST(Injection, KeysInAnyOrderAndNumbersInEitherBase) {
    EXPECT_EQ(parseInjection("stall:cycles=0x32:hit=0x2:pc=1073785805:core=0x1"),
              parseInjection("stall:core=1:pc=0x4000abcd:hit=2:cycles=50"));
    EXPECT_EQ(parseInjection("irq:core=0:pc=0X4000ABCD").pc, 0x4000abcdu);
    EXPECT_EQ(parseInjection("irq:core=0:cycle=18446744073709551615").cycle, ~u64{0});
    EXPECT_EQ(parseInjection("irq:core=0:cycle=0xffffffffffffffff").cycle, ~u64{0});
    EXPECT_EQ(parseInjection("irq:core=0:cycle=007").cycle, 7u);
}

TEST(Injection, CanonicalForm) {
    EXPECT_EQ(formatInjection(parseInjection("irq:cycle=12345:core=1")), "irq:core=1:cycle=12345");
    EXPECT_EQ(formatInjection(parseInjection("irq:core=0:pc=1073746484:hit=3")),
              "irq:core=0:pc=0x40001234:hit=3");
    EXPECT_EQ(formatInjection(parseInjection("irq:core=0:pc=0x40001234:hit=1")),
              "irq:core=0:pc=0x40001234");
    EXPECT_EQ(formatInjection(parseInjection("irq:core=2:cycle=100:intid=0")),
              "irq:core=2:cycle=100");
    EXPECT_EQ(formatInjection(parseInjection("irq:intid=27:core=2:cycle=100")),
              "irq:core=2:cycle=100:intid=27");
    EXPECT_EQ(formatInjection(parseInjection("stall:cycles=200:core=2:cycle=5000")),
              "stall:core=2:cycle=5000:cycles=200");
    EXPECT_EQ(formatInjection(parseInjection("stall:core=1:pc=0x4000ABCD:hit=2:cycles=50")),
              "stall:core=1:pc=0x4000abcd:hit=2:cycles=50");
}

TEST(Injection, RoundTrip) {
    const char* specs[] = {
        "irq:core=1:cycle=12345",
        "irq:core=0:pc=0x40001234:hit=3",
        "irq:core=2:cycle=100:intid=27",
        "stall:core=2:cycle=5000:cycles=200",
        "stall:core=1:pc=0x4000abcd:hit=2:cycles=50",
        "irq:core=4294967295:pc=0xffffffffffffffff:hit=18446744073709551615:intid=1019",
        "stall:core=0:cycle=0:cycles=1",
        "irq:core=7:pc=0x0",
    };
    for (const char* spec : specs) {
        const Injection x = parseInjection(spec);
        EXPECT_EQ(formatInjection(x), spec);
        EXPECT_EQ(parseInjection(formatInjection(x)), x) << spec;
    }
}

TEST(Injection, UnknownKind) {
    expectError("nmi:core=1:cycle=5", {"unknown kind 'nmi'", "irq or stall"});
    expectError("IRQ:core=1:cycle=5", {"unknown kind 'IRQ'"});
    expectError("core=1:cycle=5", {"unknown kind 'core=1'"});
    expectError("", {"empty"});
}

TEST(Injection, UnknownKey) {
    expectError("irq:core=1:cycel=5",
                {"unknown key 'cycel'", "core, cycle, pc, hit, intid, cycles"});
    expectError("stall:core=1:cycle=5:duration=3", {"unknown key 'duration'"});
}

TEST(Injection, MalformedParts) {
    expectError("irq:core=1:cycle", {"'cycle' is not of the form key=value"});
    expectError("irq:core=1::cycle=5", {"empty part"});
    expectError("irq:core=1:cycle=5:", {"empty part", "trailing ':'"});
    expectError("irq:", {"trailing ':'"});
}

TEST(Injection, DuplicateKey) {
    expectError("irq:core=1:cycle=5:core=2", {"duplicate key 'core'"});
    expectError("stall:core=1:cycle=5:cycles=3:cycles=3", {"duplicate key 'cycles'"});
}

TEST(Injection, MissingCore) {
    expectError("irq:cycle=5", {"missing core=N"});
    expectError("irq", {"missing core=N"});
}

TEST(Injection, BothOrNeitherTrigger) {
    expectError("irq:core=1:cycle=5:pc=0x40000000", {"cycle=N and pc=ADDR given together"});
    expectError("irq:core=1", {"missing trigger", "cycle=N or pc=ADDR"});
    expectError("stall:core=1:cycles=10", {"missing trigger"});
}

TEST(Injection, HitWithoutPc) {
    expectError("irq:core=1:cycle=5:hit=2", {"hit=N", "cannot go with cycle=N"});
    expectError("irq:core=1:pc=0x40000000:hit=0", {"hit=0", "count from 1"});
}

TEST(Injection, CyclesOnlyForStall) {
    expectError("stall:core=1:cycle=5", {"missing cycles=N for stall"});
    expectError("stall:core=1:pc=0x40000000:hit=2", {"missing cycles=N"});
    expectError("irq:core=1:cycle=5:cycles=10", {"cycles=N is for stall"});
    expectError("stall:core=1:cycle=5:cycles=0", {"cycles=0", "at least 1 cycle"});
}

TEST(Injection, IntidOnlyForIrq) {
    expectError("stall:core=1:cycle=5:cycles=10:intid=3", {"intid=N is for irq"});
    expectError("irq:core=1:cycle=5:intid=1020", {"intid=1020 is out of range 0..1019"});
    expectError("irq:core=1:cycle=5:intid=0x10000000000", {"intid=1099511627776"});
}

TEST(Injection, BadNumbers) {
    expectError("irq:core=one:cycle=5", {"core=one", "'one' is not a decimal or 0x-hex number"});
    expectError("irq:core=1:cycle=-5", {"cycle=-5", "'-5' is not"});
    expectError("irq:core=1:cycle=+5", {"'+5' is not"});
    expectError("irq:core=1:cycle=", {"cycle=", "'' is not"});
    expectError("irq:core=1:pc=0x", {"pc=0x", "'0x' is not"});
    expectError("irq:core=1:pc=0x4000_1234", {"'0x4000_1234' is not"});
    expectError("irq:core=1:pc=40001234h", {"'40001234h' is not"});
    expectError("irq:core=1:cycle=12 ", {"'12 ' is not"});
    expectError("irq:core=1:cycle=18446744073709551616",
                {"cycle=18446744073709551616", "does not fit in 64 bits"});
    expectError("irq:core=1:pc=0x10000000000000000", {"does not fit in 64 bits"});
    expectError("irq:core=4294967296:cycle=5", {"core=4294967296 is out of range"});
}

} // namespace
} // namespace cmodx::sim
