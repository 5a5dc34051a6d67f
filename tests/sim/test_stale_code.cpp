// Non-coherent instruction fetch as the guest sees it (workloads/stale_code/, docs/stale-code.md):
// a patched instruction is not seen until the maintenance the architecture requires, and a core
// that keeps looping inside its fetch buffer does not see it until it synchronises its context.
// QEMU, whose fetch is coherent, and cmodx with coherent_fetch=true see a store to code at once.
#include "tests/sim/cmodx_cli.h"

#include "sim/exit_codes.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace cmodx::sim {
namespace {

using testing::runCmodx;
using testing::workloadImage;

const std::string kSingleHeader = "stale code, one core: the loop runs mov w2, #1 (prints 1) "
                                  "until it runs the patch mov w2, #2 (prints 2)\n";
const std::string kMaintained = "after DC CVAU; DSB ISH; IC IVAU; DSB ISH; ISB: 2 2 2\n";

// The line a run printed that starts with `prefix` (empty if none), for clearer failures.
std::string lineStarting(const std::string& out, const std::string& prefix) {
    const auto p = out.find(prefix);
    if (p == std::string::npos) return "";
    return out.substr(p, out.find('\n', p) - p + 1);
}

// The I-cache and fetch buffer are part of every timing profile, functional included: what runs
// must not depend on how its time is counted.
class StaleCodeProfile : public ::testing::TestWithParam<std::string> {
protected:
    std::vector<std::string> runArgs(const std::string& image, unsigned cores) {
        std::vector<std::string> args = {"run", "--cores", std::to_string(cores)};
        args.insert(args.end(), {"--profile", GetParam()});
        args.push_back(workloadImage(image));
        return args;
    }
};

TEST_P(StaleCodeProfile, OneCoreRunsTheOldWordUntilTheMaintenance) {
    const ProcessResult r = runCmodx(runArgs("stale_code_single", 1));
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    // The store changed memory, not the instruction cache's copy of the line: the loop runs the
    // old word, also after leaving the fetch buffer's block and coming back.
    EXPECT_EQ(r.out, kSingleHeader +
                         "before the store: 1 1 1\n"
                         "after a plain store, no maintenance: 1 1 1\n"
                         "the same loop called again: 1 1 1\n" +
                         kMaintained);
}

TEST(StaleCode, OneCoreWithCoherentFetchRunsTheNewWordAtOnce) {
    const ProcessResult r =
        runCmodx({"run", "--set", "coherent_fetch=true", workloadImage("stale_code_single")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    EXPECT_EQ(r.out, kSingleHeader +
                         "before the store: 1 1 1\n"
                         "after a plain store, no maintenance: 2 2 2\n"
                         "the same loop called again: 2 2 2\n" +
                         kMaintained);
}

// The documented difference: QEMU notices stores to translated code and retranslates, so the
// new word runs right after the store.
TEST(StaleCode, OneCoreOnQemuRunsTheNewWordAtOnce) {
    auto q = runProcess({"qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a53",
                         "-m", "128M", "-display", "none", "-monitor", "none", "-serial", "stdio",
                         "-kernel", workloadImage("stale_code_single")},
                        60);
    if (!q && std::getenv("CMODX_ALLOW_NO_QEMU")) GTEST_SKIP() << "qemu-system-aarch64 missing";
    ASSERT_TRUE(q) << "qemu-system-aarch64 not found (scripts/install-deps.sh installs it)";
    EXPECT_EQ(q->exit_code, 0);
    EXPECT_EQ(q->out, kSingleHeader +
                          "before the store: 1 1 1\n"
                          "after a plain store, no maintenance: 2 2 2\n"
                          "the same loop called again: 2 2 2\n" +
                          kMaintained);
}

const std::string kBeforeIsb = "core 1, 1000 iterations after the flag, no ISB: ";
const std::string kAfterIsb = "core 1, 1000 iterations after its ISB: ";

// Core 0's IC IVAU reaches core 1's instruction cache but not the words already in its fetch
// buffer: core 1 runs the old word on every iteration until its ISB empties the buffer.
TEST_P(StaleCodeProfile, SpinningCoreRunsTheOldWordUntilItsIsb) {
    const ProcessResult r = runCmodx(runArgs("stale_code_smp", 2));
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    EXPECT_NE(r.out.find("core 0: patched the loop"), std::string::npos) << r.out;
    EXPECT_EQ(lineStarting(r.out, kBeforeIsb), kBeforeIsb + "old word 1000, new word 0\n") << r.out;
    EXPECT_EQ(lineStarting(r.out, kAfterIsb), kAfterIsb + "old word 0, new word 1000\n") << r.out;
}

TEST(StaleCode, SpinningCoreWithCoherentFetchRunsTheNewWordAtOnce) {
    const ProcessResult r = runCmodx(
        {"run", "--cores", "2", "--set", "coherent_fetch=true", workloadImage("stale_code_smp")});
    EXPECT_EQ(r.exit_code, kExitPoweredOff) << r.err;
    EXPECT_EQ(lineStarting(r.out, kBeforeIsb), kBeforeIsb + "old word 0, new word 1000\n") << r.out;
    EXPECT_EQ(lineStarting(r.out, kAfterIsb), kAfterIsb + "old word 0, new word 1000\n") << r.out;
}

INSTANTIATE_TEST_SUITE_P(StaleCode, StaleCodeProfile,
                         ::testing::Values("a53", "ideal", "functional"),
                         [](const auto& info) { return info.param; });

} // namespace
} // namespace cmodx::sim
