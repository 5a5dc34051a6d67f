// The timing model against its own specification: the timing_micro image (workloads/timing/)
// times small kernels with the PMU, and each kernel's cycles per iteration must EQUAL what the
// timing parameters predict. The predictions are derived below, kernel by kernel, from the
// parameter values of the built-in a53 profile.
//
// Every kernel loop is `1: SUBS x0, x0, #1; <body>; B.NE 1b` (see micro.S). The guest prints
// the difference between a run of 150 and a run of 50 iterations, so only steady-state
// iterations count: caches warm, every branch but the last one predicted and in the BTB.
#include "tests/sim/cmodx_cli.h"

#include "sim/exit_codes.h"
#include "sim/timing/profile.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <regex>

namespace cmodx::sim {
namespace {

using testing::runCmodx;
using testing::workloadImage;

using u64 = std::uint64_t;

// The timing parameters the predictions use.
struct Params {
    u64 width, alu_units, mac_units, ls_units, branch_units;
    u64 lat_alu, lat_shift, lat_mul, lat_load, div_base, div_bits_per_cycle;
    u64 adv_alu, adv_shifted, adv_mul, adv_accumulate, adv_div;
    u64 mispredict, btb_miss, taken, btb_entries;
    u64 isb, barrier;
    u64 icache_size, icache_ways, icache_line, icache_miss;
    u64 dcache_size, dcache_ways, dcache_line, dcache_miss;
};

// The built-in a53 profile, the one `cmodx run --profile a53` uses (profiles/a53.toml).
const Params& a53() {
    static const Params params = [] {
        const TimingProfile t = loadProfile("a53");
        Params p{};
        p.width = t.issue.width;
        p.alu_units = t.issue.alu_units;
        p.mac_units = t.issue.mac_units;
        p.ls_units = t.issue.ls_units;
        p.branch_units = t.issue.branch_units;
        p.lat_alu = t.latency.alu;
        p.lat_shift = t.latency.shift;
        p.lat_mul = t.latency.mul;
        p.lat_load = t.latency.load;
        p.div_base = t.latency.div_base;
        p.div_bits_per_cycle = t.latency.div_bits_per_cycle;
        p.adv_alu = t.advance.alu;
        p.adv_shifted = t.advance.shifted;
        p.adv_mul = t.advance.mul;
        p.adv_accumulate = t.advance.accumulate;
        p.adv_div = t.advance.div;
        p.mispredict = t.branch.mispredict_penalty;
        p.btb_miss = t.branch.btb_miss_penalty;
        p.taken = t.branch.taken_penalty;
        p.btb_entries = t.branch.btb_entries;
        p.isb = t.serialise.isb;
        p.barrier = t.serialise.barrier;
        p.icache_size = t.icache.size;
        p.icache_ways = t.icache.ways;
        p.icache_line = t.icache.line;
        p.icache_miss = t.icache.miss_penalty;
        p.dcache_size = t.dcache.size;
        p.dcache_ways = t.dcache.ways;
        p.dcache_line = t.dcache.line;
        p.dcache_miss = t.dcache.miss_penalty;
        return p;
    }();
    return params;
}

u64 divideRoundingUp(u64 a, u64 b) { return (a + b - 1) / b; }
unsigned significantBits(u64 v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// A divide's latency: div_base plus one cycle per div_bits_per_cycle bits of its quotient.
u64 divLat(const Params& p, u64 quotient) {
    return p.div_base + divideRoundingUp(significantBits(quotient), p.div_bits_per_cycle);
}

// A kernel of micro.S: its name, the instructions it executes in `iterations` (an even number)
// and its cycles predicted from the parameters. A prediction whose derivation
// assumes something about the parameters (e.g. that a dependent ADD takes at least one cycle)
// checks it with `require`, so a profile outside the derivation fails with the reason instead
// of a wrong expectation.
struct Kernel {
    const char* name;
    std::function<u64(u64 iterations)> instructions;
    std::function<u64(const Params&, u64 iterations)> cycles;
};

// Kernels that execute the same instructions on every iteration.
std::function<u64(u64)> perIteration(u64 instructions) {
    return [instructions](u64 n) { return n * instructions; };
}

void require(bool holds, const char* assumption) {
    if (!holds) throw std::runtime_error(std::string("prediction assumes ") + assumption);
}

constexpr u64 kChain = 64;          // copies of the body instruction in the chain kernels
constexpr u64 kNops = 256;          // NOPs in the sled
constexpr u64 kBranchUnits = 32;    // {ALU, ALU, branch} units in the branch kernels
constexpr u64 kFitBytes = 16384;    // straight-line loop that fits the I-cache
constexpr u64 kThrashBytes = 49152; // ... and one that does not
constexpr u64 kRingNodes = 5, kRingStride = 8192;   // micro.c's D-cache-missing ring
constexpr u64 kBtbConflicts = 7, kBtbStride = 1024; // k_btb_conflict's branches

// In the chain kernels the SUBS issues with the first link and the B.NE with the last one (a
// branch has its own unit), so an iteration costs exactly the chain, provided every link takes
// at least one cycle.
u64 chain(u64 links, u64 per_link) {
    require(per_link >= 1, "a dependent link takes at least one cycle");
    return links * per_link;
}

// Instructions with no dependency that matters, two per cycle: the loop's B.NE is the last
// instruction of an even count, so it closes its group and the taken branch costs nothing more
// than taken_penalty.
u64 widthBound(const Params& p, u64 instructions) {
    require(p.width == 2 && p.alu_units >= 2, "dual issue with two ALUs");
    require(instructions % 2 == 0, "an even instruction count");
    return instructions / p.width + p.taken;
}

const std::vector<Kernel>& kernels() {
    static const std::vector<Kernel> list = {
        // ADD x1, x1, #1: the result is ready latency.alu after issue, and a plain operand is
        // read advance.alu later than issue.
        {"alu_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * chain(kChain, p.lat_alu - p.adv_alu); }},
        // Two interleaved ADD chains: pairs issue together.
        {"alu_pairs", perIteration(kChain + 2),
         [](const Params& p, u64 n) {
             require(p.lat_alu - p.adv_alu <= 1, "an ADD chain link of at most one cycle");
             return n * widthBound(p, kChain + 2);
         }},
        // LSL #1 (UBFM): latency.shift, its operand read as a plain ALU operand (LLVM's ReadI:
        // advance.alu). With the a53 values the link takes no cycle, so the chain issues two
        // per cycle like independent instructions.
        {"shift_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) {
             if (p.lat_shift <= p.adv_alu) return n * widthBound(p, kChain + 2);
             return n * chain(kChain, p.lat_shift - p.adv_alu);
         }},
        // ADD x1, x2, x1, LSL #2: the chain goes through the shifted operand.
        {"shifted_operand_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * chain(kChain, p.lat_alu - p.adv_shifted); }},
        {"mul_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * chain(kChain, p.lat_mul - p.adv_mul); }},
        // MADD through the accumulator, read advance.accumulate late.
        {"mac_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) {
             require(p.mac_units >= 1, "a multiply unit");
             return n * chain(kChain, p.lat_mul - p.adv_accumulate);
         }},
        // Loads forward nothing early and an address base has no advance.
        {"load_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * chain(kChain, p.lat_load); }},
        {"load_alu_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * chain(kChain / 2, p.lat_load + p.lat_alu); }},
        // Every load misses (five lines in one set of four ways, LRU): the miss penalty is
        // added to the load's ready time.
        {"load_miss_chain", perIteration(kChain + 2),
         [](const Params& p, u64 n) {
             require(p.dcache_size / p.dcache_ways == kRingStride,
                     "a D-cache set spanning the ring's 8 KiB stride");
             require(p.dcache_ways < kRingNodes, "fewer D-cache ways than ring nodes");
             return n * chain(kChain, p.lat_load + p.dcache_miss);
         }},
        // UDIV x1, x1, x2 with x2 = 1: the quotient stays the dividend. The divider is not
        // pipelined, so the next divide waits for the whole latency even though it could read
        // its operand advance.div earlier.
        {"div_q0", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * kChain * divLat(p, 0); }},
        {"div_q5", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * kChain * divLat(p, 0x1f); }},
        {"div_q16", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * kChain * divLat(p, 0xffff); }},
        {"div_q64", perIteration(kChain + 2),
         [](const Params& p, u64 n) { return n * kChain * divLat(p, ~u64{0}); }},
        // NOPs go down the branch pipe: one per cycle; the B.NE needs that pipe too, so it
        // issues in the cycle after the last NOP.
        {"nop_sled", perIteration(kNops + 2),
         [](const Params& p, u64 n) {
             require(p.branch_units == 1, "one branch unit");
             return n * (kNops + 1 + p.taken);
         }},
        // An ISB drains: it issues once every earlier result is ready (the first one waits for
        // the SUBS, latency.alu), and the next instruction issues serialise.isb + 1 cycles
        // after it.
        {"isb_sled", perIteration(kChain + 2),
         [](const Params& p, u64 n) {
             return n * (p.lat_alu + kChain * (1 + p.isb) + 1 + p.taken);
         }},
        // A DSB drains the same way and holds the next instruction serialise.barrier cycles.
        {"dsb_sled", perIteration(kChain + 2),
         [](const Params& p, u64 n) {
             return n * (p.lat_alu + kChain * (1 + p.barrier) + 1 + p.taken);
         }},
        // {ADD, ADD} in one cycle, the taken branch alone in the next (it closes its group); the
        // words it skips never run.
        {"branch_taken", perIteration(3 * kBranchUnits),
         [](const Params& p, u64 n) {
             require(p.width == 2 && p.alu_units >= 2, "dual issue with two ALUs");
             return n * kBranchUnits * (2 + p.taken);
         }},
        // The same with every branch to the next instruction: taken all the same.
        {"branch_taken_next", perIteration(3 * kBranchUnits),
         [](const Params& p, u64 n) {
             require(p.width == 2 && p.alu_units >= 2, "dual issue with two ALUs");
             return n * kBranchUnits * (2 + p.taken);
         }},
        // Not taken, predicted: nothing stops dual issue (no two branches are adjacent).
        {"branch_not_taken", perIteration(3 * kBranchUnits),
         [](const Params& p, u64 n) { return n * widthBound(p, 3 * kBranchUnits); }},
        // Taken on odd iterations, not taken on even ones, counters trained to taken first: a
        // 2-bit counter then swings between strongly and weakly taken, so every taken
        // iteration is predicted and every not-taken branch (31 of them) is mispredicted. A
        // mispredicted unit: {ADD, ADD}, the branch in the next cycle, then the ADD it falls
        // through to mispredict_penalty + 1 cycles after the branch, paired with the next
        // unit's first ADD: mispredict_penalty + 2 cycles a unit. A taken iteration skips
        // those ADDs: 96 instructions; a not-taken one runs them: 96 + 31.
        {"branch_alternating",
         [](u64 n) { return n / 2 * (3 * kBranchUnits + 3 * kBranchUnits + kBranchUnits - 1); },
         [](const Params& p, u64 n) {
             require(p.width == 2 && p.alu_units >= 2, "dual issue with two ALUs");
             const u64 taken_iteration = kBranchUnits * (2 + p.taken);
             const u64 not_taken_iteration =
                 (kBranchUnits - 1) * (2 + p.mispredict) + (2 + p.taken);
             return n / 2 * (taken_iteration + not_taken_iteration);
         }},
        // BL and RET each issue alone (taken: they close their group): two cycles per call;
        // the SUBS pairs with the first BL and the B.NE costs one more cycle.
        {"call_return", perIteration(2 * kChain + 2),
         [](const Params& p, u64 n) { return n * (kChain * (2 + 2 * p.taken) + 1 + p.taken); }},
        // Seven taken branches 1 KiB apart share a BTB entry: each is predicted taken but finds
        // another's target, so the next instruction issues 1 + btb_miss_penalty cycles after
        // it; the SUBS and the loop branch (another entry, a hit) issue together.
        {"btb_conflict", perIteration(9),
         [](const Params& p, u64 n) {
             require(kBtbStride / 4 % p.btb_entries == 0 && p.btb_entries > 1,
                     "branches 1 KiB apart share a BTB entry, the next word does not");
             return n * (kBtbConflicts * (1 + p.taken + p.btb_miss) + 1 + p.taken);
         }},
        {"icache_fit", perIteration(kFitBytes / 4),
         [](const Params& p, u64 n) {
             require(kFitBytes <= p.icache_size, "the loop fits the I-cache");
             return n * widthBound(p, kFitBytes / 4);
         }},
        // Every line misses (three lines per set of two ways, LRU): each costs
        // icache.miss_penalty before its first instruction issues.
        {"icache_thrash", perIteration(kThrashBytes / 4),
         [](const Params& p, u64 n) {
             require(kThrashBytes / (p.icache_size / p.icache_ways) > p.icache_ways,
                     "more lines per I-cache set than ways");
             return n * (widthBound(p, kThrashBytes / 4) +
                         kThrashBytes / p.icache_line * p.icache_miss);
         }},
    };
    return list;
}

// ---- Running the image ---------------------------------------------------------------------

struct Measured {
    u64 iterations = 0, cycles = 0, instructions = 0;
};

struct MicroRun {
    std::string error; // why there are no figures, if there are none
    std::map<std::string, Measured> kernels;
};

// Runs timing_micro once per profile and parses its lines.
const MicroRun& runMicro(const std::string& profile) {
    static std::map<std::string, MicroRun> runs;
    if (auto it = runs.find(profile); it != runs.end()) return it->second;
    MicroRun& run = runs[profile];
    const ProcessResult r = runCmodx({"run", "--profile", profile, workloadImage("timing_micro")});
    if (r.exit_code != kExitPoweredOff || r.out.find("\ndone\n") == std::string::npos) {
        run.error = "cmodx exited " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out +
                    "\nstderr:\n" + r.err;
        return run;
    }
    static const std::regex line(R"((\w+) iterations=(\d+) cycles=(\d+) instructions=(\d+))");
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), line), end; it != end; ++it)
        run.kernels[(*it)[1]] = {std::stoull((*it)[2]), std::stoull((*it)[3]),
                                 std::stoull((*it)[4])};
    return run;
}


class TimingMicro : public ::testing::TestWithParam<Kernel> {
protected:
    const Measured& measured(const std::string& profile) {
        const MicroRun& run = runMicro(profile);
        if (!run.error.empty()) throw std::runtime_error(run.error);
        const auto it = run.kernels.find(GetParam().name);
        if (it == run.kernels.end())
            throw std::runtime_error(std::string("timing_micro printed no line for ") +
                                     GetParam().name);
        return it->second;
    }
};

// gtest prints parameters into test names and failure messages: name them.
void PrintTo(const Kernel& k, std::ostream* os) { *os << k.name; }

TEST_P(TimingMicro, A53CyclesEqualThePrediction) {
    const Kernel& k = GetParam();
    const Measured& m = measured("a53");
    ASSERT_EQ(m.iterations % 2, 0u);
    // The kernel ran the instructions it was written with (the PMU's instruction count).
    EXPECT_EQ(m.instructions, k.instructions(m.iterations));
    const u64 expected = k.cycles(a53(), m.iterations);
    EXPECT_EQ(m.cycles, expected) << k.name << ": measured "
                                  << static_cast<double>(m.cycles) / m.iterations
                                  << " cycles per iteration, predicted "
                                  << static_cast<double>(expected) / m.iterations;
}

// The ideal profile: exactly one cycle per instruction, whatever the kernel.
TEST_P(TimingMicro, IdealIsOneCyclePerInstruction) {
    const Kernel& k = GetParam();
    const Measured& m = measured("ideal");
    EXPECT_EQ(m.instructions, k.instructions(m.iterations));
    EXPECT_EQ(m.cycles, m.instructions) << k.name;
}

INSTANTIATE_TEST_SUITE_P(Kernels, TimingMicro, ::testing::ValuesIn(kernels()),
                         [](const auto& info) { return std::string(info.param.name); });

} // namespace
} // namespace cmodx::sim
