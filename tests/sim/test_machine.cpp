// The machine in-process: guest code assembled with LLVM MC, loaded into RAM, run, and its
// architectural state inspected.
#include "sim/machine.h"
#include "sim/timing/profile.h"
#include "tests/support/assembler.h"

#include <gtest/gtest.h>

namespace cmodx::sim {
namespace {

using test::assemble;

constexpr u64 kCode = kRamBase + 0x1000;
constexpr u64 kVectors = kRamBase + 0x10000;

TimingProfile functionalTiming() { return loadProfile("functional"); }

TimingProfile coherentTiming() {
    TimingProfile p = functionalTiming();
    p.coherent_fetch = true;
    return p;
}

struct Guest {
    std::string console;
    Machine machine;

    // Functional timing by default: these tests count one cycle per instruction.
    explicit Guest(const std::string& text, isa::Features f = {},
                   TimingProfile timing = functionalTiming())
        : machine(MachineConfig{.ram_size = 1 << 20, .features = f, .timing = timing},
                  [this](char c) { console.push_back(c); }) {
        const auto code = assemble(text, kCode);
        machine.memory().writeBytes(kCode, code.data(), code.size());
        machine.core(0).powerOn(kCode, 0, 0);
    }
    // Vectors whose synchronous handler (current EL, SPx) powers the machine off.
    void installPowerOffVectors() {
        const auto v = assemble(R"(
            .rept 4
            b .
            .balign 128
            .endr
            movz x0, #0x0008
            movk x0, #0x8400, lsl #16
            hvc #0
        )",
                                kVectors);
        machine.memory().writeBytes(kVectors, v.data(), v.size());
        state().vbar_el1 = kVectors;
    }
    isa::CpuState& state() { return machine.core(0).state(); }
    // Runs for at most `limit` more cycles (one instruction each on a single core).
    StopReason run(u64 limit = 1'000'000) { return machine.run(machine.now() + limit); }
};

const char* kPowerOff = R"(
    movz x0, #0x0008
    movk x0, #0x8400, lsl #16
    hvc #0
)";

TEST(Machine, PsciSystemOffStopsTheRun) {
    Guest g(std::string("mov x1, #7\n") + kPowerOff);
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[1], 7u);
    EXPECT_EQ(g.machine.instructionsRetired(), 4u);
}

TEST(Machine, PsciVersionAnswersAndUnknownPsciCallsAreNotSupported) {
    Guest g(std::string(R"(
        movz x0, #0x0000
        movk x0, #0x8400, lsl #16
        hvc #0
        mov x20, x0
        movz x0, #0x001f
        movk x0, #0x8400, lsl #16
        hvc #0
        mov x21, x0
    )") + kPowerOff);
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[20], 0x10001u);
    EXPECT_EQ(g.state().x[21], ~u64{0});
}

TEST(Machine, UartBytesReachTheConsole) {
    Guest g(std::string(R"(
        movz x1, #0x0900, lsl #16
        mov w2, #'o'
        strb w2, [x1]
        mov w2, #'k'
        str w2, [x1]
    )") + kPowerOff);
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.console, "ok");
}

TEST(Machine, NonPsciHvcIsUndefined) {
    Guest g("mov x0, #1\nhvc #0\n");
    g.installPowerOffVectors();
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().esr_el1 >> 26, 0x00u); // EC = unknown (UNDEFINED)
    EXPECT_EQ(g.state().elr_el1, kCode + 4);
}

TEST(Machine, SvcTakesTheSynchronousVectorWithReturnAddressAfterIt) {
    Guest g("svc #0x1234\n");
    g.installPowerOffVectors();
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().esr_el1, (u64{0x15} << 26) | (1u << 25) | 0x1234);
    EXPECT_EQ(g.state().elr_el1, kCode + 4);
    EXPECT_EQ(g.state().spsr_el1 & 0xf, 0x5u); // came from EL1h
}

TEST(Machine, AccessToUnmappedAddressIsADataAbort) {
    Guest g("movz x1, #0x0100, lsl #16\nldr x2, [x1, #8]\n");
    g.installPowerOffVectors();
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().esr_el1 >> 26, 0x25u);  // data abort, same EL
    EXPECT_EQ(g.state().esr_el1 & 0x3f, 0x10u); // synchronous external abort
    EXPECT_EQ(g.state().far_el1, 0x01000008u);
    EXPECT_EQ(g.state().elr_el1, kCode + 4);
}

TEST(Machine, UnalignedExclusiveIsAnAlignmentFault) {
    Guest g("movz x1, #0x4000, lsl #16\nadd x1, x1, #0x801\nldxr x2, [x1]\n");
    g.installPowerOffVectors();
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().esr_el1 >> 26, 0x25u);
    EXPECT_EQ(g.state().esr_el1 & 0x3f, 0x21u); // alignment fault
    EXPECT_EQ(g.state().far_el1, 0x40000801u);
}

TEST(Machine, LseIsUndefinedOnCortexA53AndWorksOnMax) {
    const std::string text = std::string(R"(
        movz x1, #0x4000, lsl #16
        add x1, x1, #0x800
        mov x2, #5
        str x2, [x1]
        mov x3, #3
        ldadd x3, x4, [x1]
        ldr x5, [x1]
    )") + kPowerOff;
    Guest a53(text);
    a53.installPowerOffVectors();
    EXPECT_EQ(a53.run(), StopReason::PoweredOff);
    EXPECT_EQ(a53.state().esr_el1 >> 26, 0x00u);
    EXPECT_EQ(a53.state().elr_el1, kCode + 20);

    Guest max(text, isa::Features{.lse = true});
    EXPECT_EQ(max.run(), StopReason::PoweredOff);
    EXPECT_EQ(max.state().x[4], 5u);
    EXPECT_EQ(max.state().x[5], 8u);
}

TEST(Machine, AddressTranslationResultIsPartOfTheSnapshotAndTheStateHash) {
    Guest g(std::string(R"(
        movz x1, #0x4000, lsl #16
        add x1, x1, #0x234
        at s1e1w, x1
        isb
        mrs x2, par_el1
    )") + kPowerOff);
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    // MMU off: flat, Device-nGnRnE (ATTR 0x00), Outer Shareable (SH 0b10), NS and bit 11 set.
    constexpr u64 kPar = 0x4000'0b00;
    EXPECT_EQ(g.state().x[2], kPar);
    EXPECT_EQ(g.state().par_el1, kPar);

    const Snapshot snap = g.machine.snapshot();
    Machine fresh(Machine::configOf(snap), [](char) {});
    fresh.restore(snap);
    EXPECT_EQ(fresh.core(0).state().par_el1, kPar);
    EXPECT_EQ(fresh.stateHash(), g.machine.stateHash());
    fresh.core(0).state().par_el1 = 0;
    EXPECT_NE(fresh.stateHash(), g.machine.stateHash());
}

// A loop whose first instruction the loop itself overwrites (add #1 -> add #100) on its first
// pass, then runs once more; `maintenance` goes between the store and the next pass.
std::string selfPatchingLoop(const std::string& maintenance) {
    return std::string(R"(
        mov x5, #0
        adr x1, patched
        ldr w2, replacement
        mov x6, #2
    loop:
    patched:
        add x5, x5, #1
        str w2, [x1]
)") + maintenance + R"(
        subs x6, x6, #1
        b.ne loop
        b done
    replacement:
        add x5, x5, #100
    done:
    )" + kPowerOff;
}

TEST(Machine, WithoutMaintenanceTheStaleInstructionKeepsRunning) {
    // Fetch is not coherent with stores (the default): the I-cache line keeps the old word.
    Guest g(selfPatchingLoop(""), {}, TimingProfile{});
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[5], 2u); // both passes ran the old add #1
    // The same in functional mode: staleness is a property of the fetch path, not of timing.
    Guest f(selfPatchingLoop(""));
    EXPECT_EQ(f.run(), StopReason::PoweredOff);
    EXPECT_EQ(f.state().x[5], 2u);
}

TEST(Machine, CacheMaintenanceMakesTheNewInstructionRun) {
    const std::string sequence = "dc cvau, x1\ndsb ish\nic ivau, x1\ndsb ish\nisb\n";
    Guest g(selfPatchingLoop(sequence), {}, TimingProfile{});
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[5], 101u); // first pass +1 (old word), second +100 (new word)
    // IC IVAU without the ISB: the next instructions were already fetched, but the loop's
    // branch leaves the fetch block, so the refetch sees memory.
    Guest no_isb(selfPatchingLoop("dc cvau, x1\ndsb ish\nic ivau, x1\ndsb ish\n"), {},
                 TimingProfile{});
    EXPECT_EQ(no_isb.run(), StopReason::PoweredOff);
    EXPECT_EQ(no_isb.state().x[5], 101u);
    // IC IALLU invalidates everything.
    Guest iallu(selfPatchingLoop("dsb ish\nic iallu\ndsb ish\nisb\n"), {}, TimingProfile{});
    EXPECT_EQ(iallu.run(), StopReason::PoweredOff);
    EXPECT_EQ(iallu.state().x[5], 101u);
}

// Core 1 spins in a loop that fits in one aligned 16-byte fetch block and contains the word
// core 0 patches (mov x8, #1 -> mov x8, #2) with the full maintenance sequence. Core 1 keeps
// running the word its fetch buffer already holds until it leaves the block; after an ISB it
// runs the new one. Returns {x8 seen after the patch, x8 after the ISB}.
std::pair<u64, u64> crossCorePatch(TimingProfile timing) {
    constexpr u64 kCore1 = kCode + 0x800, kFlags = kRamBase + 0x8000;
    std::string console;
    MachineConfig config{.cores = 2, .ram_size = 1 << 20, .timing = timing};
    Machine m(config, [&](char c) { console.push_back(c); });
    const auto core0 = assemble(std::string(R"(
        mov x4, #300
    wait:
        subs x4, x4, #1
        b.ne wait
        str w2, [x1]
        dc cvau, x1
        dsb ish
        ic ivau, x1
        dsb ish
        isb
        mov w3, #1
        str w3, [x10]
    done:
        ldr w3, [x10, #4]
        cbz w3, done
    )") + kPowerOff,
                                kCode);
    const auto core1 = assemble(R"(
    loop:
        mov x8, #1
        ldr w3, [x10]
        cbz w3, loop
        cbnz x13, finished
        mov x11, x8
        mov x13, #1
        isb
        b loop
    finished:
        mov x12, x8
        mov w3, #1
        str w3, [x10, #4]
        b .
    )",
                                kCore1);
    const auto patch = assemble("mov x8, #2\n", kCore1);
    m.memory().writeBytes(kCode, core0.data(), core0.size());
    m.memory().writeBytes(kCore1, core1.data(), core1.size());
    for (unsigned c = 0; c < 2; ++c) {
        m.core(c).powerOn(c == 0 ? kCode : kCore1, 0, 0);
        m.core(c).state().x[10] = kFlags;
    }
    m.core(0).state().x[1] = kCore1;
    m.core(0).state().x[2] = static_cast<u32>(patch[0] | patch[1] << 8 | patch[2] << 16 |
                                              u32{patch[3]} << 24);
    EXPECT_EQ(m.run(1'000'000), StopReason::PoweredOff) << m.stopMessage();
    return {m.core(1).state().x[11], m.core(1).state().x[12]};
}

TEST(Machine, ACoreRunsTheOldWordFromItsFetchBufferUntilAnIsb) {
    EXPECT_EQ(crossCorePatch(TimingProfile{}), std::make_pair(u64{1}, u64{2}));
    EXPECT_EQ(crossCorePatch(functionalTiming()), std::make_pair(u64{1}, u64{2}));
    EXPECT_EQ(crossCorePatch(coherentTiming()), std::make_pair(u64{2}, u64{2}));
}

TEST(Machine, StoresToCodeAreSeenByLaterFetchesWithCoherentFetch) {
    // coherent_fetch = true: QEMU's behaviour, a store over a decoded instruction takes
    // effect at once.
    Guest g(std::string(R"(
        mov x5, #0
        adr x1, patched
        ldr w2, replacement
        mov x6, #2
    loop:
    patched:
        add x5, x5, #1
        str w2, [x1]
        subs x6, x6, #1
        b.ne loop
        b done
    replacement:
        add x5, x5, #100
    done:
    )") + kPowerOff, {}, coherentTiming());
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[5], 101u); // first pass: +1 (old word), second: +100 (new word)
}

TEST(Machine, AStoreSpillingIntoACodePageIsSeenWithCoherentFetch) {
    // kCode is page-aligned and the page before it holds no code: the 8-byte store starts
    // there (at kCode - 4) and its upper half overwrites the first instruction.
    static_assert((kCode & 0xfff) == 0);
    Guest g(std::string(R"(
    target:
        add x5, x5, #1
        cbnz x6, done
        mov x6, #1
        ldr w2, replacement
        lsl x2, x2, #32
        adr x1, target
        sub x1, x1, #4
        str x2, [x1]
        b target
    replacement:
        add x5, x5, #100
    done:
    )") + kPowerOff, {}, coherentTiming());
    EXPECT_EQ(g.run(), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[5], 101u); // first pass +1 (old word), second +100 (new word)
}

TEST(Machine, ExceptionLoopIsDetectedAndExplained) {
    Guest g(".inst 0x00000000\n");
    g.state().vbar_el1 = 0x0; // nothing is mapped there
    EXPECT_EQ(g.run(), StopReason::GuestWedged);
    EXPECT_NE(g.machine.stopMessage().find("exception loop"), std::string::npos);
}

TEST(Machine, InstructionBudgetStopsARunawayGuest) {
    Guest g("loop: add x0, x0, #1\nb loop\n");
    EXPECT_EQ(g.run(1001), StopReason::None);
    EXPECT_EQ(g.machine.instructionsRetired(), 1001u);
    EXPECT_EQ(g.state().x[0], 501u);
    EXPECT_EQ(g.run(1), StopReason::None); // resumable
    EXPECT_EQ(g.machine.instructionsRetired(), 1002u);
}

TEST(DecodeCache, InvalidateDropsOnlyTheRange) {
    isa::DecodeCache cache(8);
    for (u64 pc = 0x1000; pc < 0x1000 + 64 * 4; pc += 4)
        cache.slot(pc) = {.tag = pc, .fn = nullptr, .pa = pc, .insn = 0, .timing = {}};
    cache.invalidate(0x1010, 8);
    EXPECT_EQ(cache.slot(0x100c).tag, 0x100cu);
    EXPECT_EQ(cache.slot(0x1010).tag, isa::DecodeCache::kInvalid);
    EXPECT_EQ(cache.slot(0x1014).tag, isa::DecodeCache::kInvalid);
    EXPECT_EQ(cache.slot(0x1018).tag, 0x1018u);
    cache.invalidateAll();
    EXPECT_EQ(cache.slot(0x100c).tag, isa::DecodeCache::kInvalid);
}

} // namespace
} // namespace cmodx::sim
