// The multicore platform in-process: determinism, snapshots, injection, the global exclusive
// monitor, WFI and the clock, semihosting. Guest code is assembled with LLVM MC or taken from
// the bundled images.
#include "sim/elf_loader.h"
#include "sim/machine.h"
#include "sim/snapshot_file.h"
#include "tests/support/assembler.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace cmodx::sim {
namespace {

using test::assemble;

const std::string kWorkloads = CMODX_WORKLOAD_DIR;

MachineConfig smpConfig(unsigned cores = 4) {
    MachineConfig c;
    c.cores = cores;
    return c;
}

// A machine running the 4-core test image, with its console captured.
struct SmpRun {
    std::string console;
    Machine machine;
    explicit SmpRun(const MachineConfig& c = smpConfig())
        : machine(c, [this](char ch) { console.push_back(ch); }) {
        machine.loadElfImage(readFile(kWorkloads + "/smp_test.elf"));
    }
};

TEST(Platform, TwoMachinesInOneProcessRunIdentically) {
    SmpRun a, b;
    // Interleave the two runs: no state is shared between machines.
    for (u64 limit = 100'000; a.machine.stopReason() == StopReason::None; limit += 100'000) {
        a.machine.run(limit);
        b.machine.run(limit);
        ASSERT_LT(limit, u64{1} << 32);
    }
    EXPECT_EQ(a.machine.stopReason(), StopReason::PoweredOff) << a.machine.stopMessage();
    EXPECT_EQ(b.machine.stopReason(), StopReason::PoweredOff);
    EXPECT_EQ(a.console, b.console);
    EXPECT_EQ(a.machine.now(), b.machine.now());
    EXPECT_EQ(a.machine.stateHash(), b.machine.stateHash());
    EXPECT_NE(a.console.find("smp-test: done"), std::string::npos) << a.console;
}

TEST(Platform, TheQuantumChangesTimingButNotWhatTheGuestPrints) {
    SmpRun fine(smpConfig());
    MachineConfig coarse_config = smpConfig();
    coarse_config.quantum = 1000;
    SmpRun coarse(coarse_config);
    EXPECT_EQ(fine.machine.run(u64{1} << 32), StopReason::PoweredOff);
    EXPECT_EQ(coarse.machine.run(u64{1} << 32), StopReason::PoweredOff);
    EXPECT_EQ(fine.console, coarse.console);
    EXPECT_NE(fine.machine.stateHash(), coarse.machine.stateHash());
}

TEST(Platform, ARestoredSnapshotContinuesExactlyLikeTheOriginal) {
    constexpr u64 kN = 300'000, kM = 2'000'000;
    SmpRun run;
    ASSERT_EQ(run.machine.run(kN), StopReason::None);
    const Snapshot snap = run.machine.snapshot();
    const std::size_t console_at_snapshot = run.console.size();

    run.machine.run(kN + kM);
    const u64 hash_a = run.machine.stateHash();
    const std::string tail_a = run.console.substr(console_at_snapshot);

    // Restore into the same machine.
    run.machine.restore(snap);
    run.console.resize(console_at_snapshot);
    EXPECT_EQ(run.machine.now(), kN);
    run.machine.run(kN + kM);
    EXPECT_EQ(run.machine.stateHash(), hash_a);
    EXPECT_EQ(run.console.substr(console_at_snapshot), tail_a);

    // Through a file, into a fresh machine.
    const auto path = std::filesystem::temp_directory_path() / "cmodx-platform-test.snap";
    saveSnapshotFile(snap, path.string());
    const Snapshot loaded = loadSnapshotFile(path.string());
    EXPECT_EQ(loaded.bytes, snap.bytes);
    std::string console;
    Machine fresh(Machine::configOf(loaded), [&](char c) { console.push_back(c); });
    fresh.restore(loaded);
    fresh.run(kN + kM);
    EXPECT_EQ(fresh.stateHash(), hash_a);
    EXPECT_EQ(console, tail_a);
    std::filesystem::remove(path);
}

TEST(Platform, ARunSplitAnywhereByASnapshotEndsInTheSameState) {
    SmpRun whole;
    ASSERT_EQ(whole.machine.run(u64{1} << 32), StopReason::PoweredOff);
    // Early splits land while cores are being powered on and first wait: per-core statistics
    // must not depend on where the scheduler's turns happened to end.
    for (const u64 split : {u64{10}, u64{1000}, u64{20'000}, u64{150'000}}) {
        SCOPED_TRACE(split);
        SmpRun first;
        first.machine.run(split);
        std::string console;
        Machine second(smpConfig(), [&](char c) { console.push_back(c); });
        second.restore(first.machine.snapshot());
        ASSERT_EQ(second.run(u64{1} << 32), StopReason::PoweredOff);
        EXPECT_EQ(first.console + console, whole.console);
        EXPECT_EQ(second.now(), whole.machine.now());
        EXPECT_EQ(second.stateHash(), whole.machine.stateHash());
    }
}

TEST(Platform, SnapshotsDoNotRestoreIntoAnotherMachineShape) {
    SmpRun run;
    run.machine.run(1000);
    Machine two(smpConfig(2), [](char) {});
    EXPECT_THROW(two.restore(run.machine.snapshot()), SnapshotError);
    Snapshot damaged = run.machine.snapshot();
    damaged.bytes.resize(damaged.bytes.size() / 2);
    EXPECT_THROW(run.machine.restore(damaged), SnapshotError);
}

// ---- Small guests assembled in-process
// -----------------------------------------------------------

constexpr u64 kCode = kRamBase + 0x1000;
constexpr u64 kVectors = kRamBase + 0x10000;

// GIC set-up for SGI 0 on core 0 as a group-1 interrupt, then IRQs unmasked. The IRQ vector
// records ELR_EL1 in x20, the acknowledged INTID in x21 and x0 in x22, then powers off.
const char* kGicSetup = R"(
    movz x1, #0x0800, lsl #16       // GICD_CTLR: ARE, EnableGrp1
    mov w2, #0x12
    str w2, [x1]
    movz x1, #0x080a, lsl #16       // GICR_WAKER: awake
    str wzr, [x1, #0x14]
    movz x1, #0x080b, lsl #16       // SGI frame
    mov w2, #1
    str w2, [x1, #0x80]             // GICR_IGROUPR0: SGI 0 in group 1
    str w2, [x1, #0x100]            // GICR_ISENABLER0
    mov x2, #0xf0
    msr icc_pmr_el1, x2
    mov x2, #1
    msr icc_igrpen1_el1, x2
    isb
    msr daifclr, #2
)";

const char* kIrqVectors = R"(
    .rept 5
    b .
    .balign 128
    .endr
    mrs x20, elr_el1                // current EL with SPx, IRQ: +0x280
    mrs x21, icc_iar1_el1
    mov x22, x0                     // the count, before the PSCI call overwrites x0
    movz x0, #0x0008
    movk x0, #0x8400, lsl #16
    hvc #0
)";

// These tests count one cycle per instruction: functional timing unless a test says otherwise.
MachineConfig functionalConfig() {
    MachineConfig c;
    c.timing = loadProfile("functional");
    return c;
}

struct Guest {
    std::string console;
    Machine machine;
    explicit Guest(const std::string& text, const MachineConfig& c = functionalConfig())
        : machine(c, [this](char ch) { console.push_back(ch); }) {
        const auto code = assemble(text, kCode);
        machine.memory().writeBytes(kCode, code.data(), code.size());
        const auto v = assemble(kIrqVectors, kVectors);
        machine.memory().writeBytes(kVectors, v.data(), v.size());
        machine.core(0).powerOn(kCode, 0, 0);
        machine.core(0).state().vbar_el1 = kVectors;
    }
    isa::CpuState& state(unsigned core = 0) { return machine.core(core).state(); }
};

// The sled of adds after the GIC set-up; x0 counts how many ran.
std::string sledProgram() {
    return std::string(kGicSetup) + "sled:\n.rept 100\nadd x0, x0, #1\n.endr\nb .\n";
}

u64 sledAddress() {
    // The set-up is straight-line code: its length in words is the offset of the sled.
    return kCode + assemble(kGicSetup, kCode).size();
}

TEST(Injection, AnIrqAtTheRetirementOfAPcIsTakenBeforeTheNextInstruction) {
    for (const u64 hit_at : {u64{0}, u64{1}, u64{37}}) {
        Guest g(sledProgram());
        Injection inj;
        inj.trigger = Injection::Trigger::Pc;
        inj.pc = sledAddress() + 4 * hit_at;
        g.machine.addInjection(inj);
        ASSERT_EQ(g.machine.run(100'000), StopReason::PoweredOff) << g.machine.stopMessage();
        EXPECT_EQ(g.state().x[20], inj.pc + 4) << "ELR_EL1: the instruction after the PC";
        EXPECT_EQ(g.state().x[22], hit_at + 1) << "exactly the adds up to and including the PC";
        EXPECT_EQ(g.state().x[21], 0u) << "INTID of the injected SGI 0";
    }
}

TEST(Injection, TheNthHitCounts) {
    Guest g(std::string(kGicSetup) + "loop:\nadd x0, x0, #1\nb loop\n");
    Injection inj;
    inj.trigger = Injection::Trigger::Pc;
    inj.pc = sledAddress();
    inj.hit = 5;
    g.machine.addInjection(inj);
    ASSERT_EQ(g.machine.run(100'000), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[22], 5u);
    EXPECT_EQ(g.state().x[20], inj.pc + 4);
}

TEST(Injection, AnIrqAtACycleLandsInTheSledAtThatCycle) {
    Guest g(sledProgram());
    const u64 setup = (sledAddress() - kCode) / 4;
    Injection inj;
    inj.cycle = setup + 20; // before the 21st add
    g.machine.addInjection(inj);
    ASSERT_EQ(g.machine.run(100'000), StopReason::PoweredOff);
    EXPECT_EQ(g.state().x[22], 20u);
    EXPECT_EQ(g.state().x[20], sledAddress() + 4 * 20);
}

TEST(Injection, AStallDelaysACoreButChangesNothingElse) {
    const std::string program = "mov x0, #200\n1: subs x0, x0, #1\nb.ne 1b\n"
                                "movz x0, #0x0008\nmovk x0, #0x8400, lsl #16\nhvc #0\n";
    Guest plain(program), stalled(program);
    Injection inj;
    inj.kind = Injection::Kind::Stall;
    inj.cycle = 50;
    inj.cycles = 1000;
    stalled.machine.addInjection(inj);
    ASSERT_EQ(plain.machine.run(100'000), StopReason::PoweredOff);
    ASSERT_EQ(stalled.machine.run(100'000), StopReason::PoweredOff);
    EXPECT_EQ(stalled.machine.instructionsRetired(), plain.machine.instructionsRetired());
    EXPECT_EQ(stalled.machine.now(), plain.machine.now() + 1000);
    EXPECT_EQ(stalled.machine.core(0).statsAt(stalled.machine.now()).cycles_stalled, 1000u);
}

TEST(Injection, BadInjectionsAreRejected) {
    Guest g("b .\n");
    Injection inj;
    inj.core = 1;
    EXPECT_THROW(g.machine.addInjection(inj), std::invalid_argument);
    inj.core = 0;
    inj.intid = 600;
    EXPECT_THROW(g.machine.addInjection(inj), std::invalid_argument);
}

// ---- The global exclusive monitor
// ------------------------------------------------------------------

// Core 0 loads exclusively, waits a few cycles, then stores exclusively; core 1 meanwhile
// stores to `core1_target`. At quantum 1 the interleaving is exact.
u64 storeExclusiveStatus(u64 core1_target, u64 core1_value) {
    MachineConfig c = functionalConfig();
    c.cores = 2;
    Guest g(R"(
        ldxr x1, [x10]
        nop
        nop
        nop
        stxr w2, x3, [x10]
        b .
    )",
            c);
    const auto other = assemble("nop\nstr x4, [x11]\nb .\n", kCode + 0x800);
    g.machine.memory().writeBytes(kCode + 0x800, other.data(), other.size());
    g.machine.core(1).powerOn(kCode + 0x800, 0, 0);
    g.state(0).x[10] = kRamBase + 0x8000;
    g.state(0).x[3] = 7;
    g.state(1).x[11] = core1_target;
    g.state(1).x[4] = core1_value;
    g.machine.run(20);
    return g.state(0).x[2];
}

TEST(ExclusiveMonitor, AStoreByAnotherCoreMakesTheStoreExclusiveFail) {
    EXPECT_EQ(storeExclusiveStatus(kRamBase + 0x8000, 1), 1u);
    // The same value written back still breaks the reservation (QEMU compares values instead).
    EXPECT_EQ(storeExclusiveStatus(kRamBase + 0x8000, 0), 1u);
    // Another byte of the same 64-byte granule too.
    EXPECT_EQ(storeExclusiveStatus(kRamBase + 0x8038, 1), 1u);
}

TEST(ExclusiveMonitor, AStoreElsewhereLeavesTheReservation) {
    EXPECT_EQ(storeExclusiveStatus(kRamBase + 0x8040, 1), 0u);
    EXPECT_EQ(storeExclusiveStatus(kRamBase + 0x9000, 1), 0u);
}

// ---- WFI, the clock and the timer
// ------------------------------------------------------------------

TEST(Clock, WhenEveryCoreWaitsTheClockJumpsToTheTimer) {
    // The physical timer 1,000,000 ticks ahead (16 cycles each at 1 GHz / 62.5 MHz), its PPI
    // enabled in group 1; then WFI. The IRQ wakes the core.
    Guest g(R"(
        movz x1, #0x080a, lsl #16
        str wzr, [x1, #0x14]
        movz x1, #0x080b, lsl #16
        mov w2, #0x40000000            // PPI 30
        str w2, [x1, #0x80]
        str w2, [x1, #0x100]
        movz x1, #0x0800, lsl #16
        mov w2, #0x12
        str w2, [x1]
        mov x2, #0xf0
        msr icc_pmr_el1, x2
        mov x2, #1
        msr icc_igrpen1_el1, x2
        movz x2, #0x000f, lsl #16
        movk x2, #0x4240                // 1,000,000
        msr cntp_tval_el0, x2
        mov x2, #1
        msr cntp_ctl_el0, x2
        msr daifclr, #2
        wfi
        b .
    )");
    ASSERT_EQ(g.machine.run(100'000'000), StopReason::PoweredOff) << g.machine.stopMessage();
    EXPECT_EQ(g.state().x[21], 30u);
    EXPECT_LT(g.machine.instructionsRetired(), 40u);
    EXPECT_GE(g.machine.now(), 16'000'000u);
    EXPECT_LT(g.machine.now(), 16'000'100u);
    EXPECT_GE(g.machine.core(0).statsAt(g.machine.now()).cycles_waiting, 15'999'000u);
}

TEST(Clock, ADeadlockIsReportedNotSpunOn) {
    Guest g("wfi\nb .\n");
    EXPECT_EQ(g.machine.run(u64{1} << 40), StopReason::GuestWedged);
    EXPECT_NE(g.machine.stopMessage().find("deadlock"), std::string::npos)
        << g.machine.stopMessage();
    EXPECT_LT(g.machine.now(), 100u);
}

// ---- Observers

struct Recorder : Observer {
    unsigned wanted;
    explicit Recorder(unsigned w) : wanted(w) {}
    unsigned interests() const override { return wanted; }
    std::vector<u64> retired_pcs;
    std::vector<ExceptionEvent> exceptions;
    std::vector<std::pair<u64, u64>> writes; // pa, value
    std::vector<isa::CacheOp> maintenance;
    std::vector<DeviceEvent> devices;
    void onRetire(unsigned, u64 pc, u32, u64) override { retired_pcs.push_back(pc); }
    void onException(unsigned, const ExceptionEvent& e, u64) override { exceptions.push_back(e); }
    void onMemoryWrite(unsigned, u64, u64 pa, unsigned, u64 value, u64) override {
        writes.emplace_back(pa, value);
    }
    void onCacheMaintenance(unsigned, isa::CacheOp op, u64, u64) override {
        maintenance.push_back(op);
    }
    void onDevice(const DeviceEvent& e, u64) override { devices.push_back(e); }
};

const char* kObserved = R"(
    mov x1, #0x9000
    movk x1, #0x4000, lsl #16
    mov x2, #42
    str x2, [x1]
    dc cvau, x1
    movz x3, #0x0900, lsl #16
    mov w4, #'A'
    str w4, [x3]
    svc #7
)";

TEST(Observers, SeeRetirementsExceptionsWritesMaintenanceAndDevices) {
    Guest g(kObserved);
    Recorder all(Observer::kRetire | Observer::kException | Observer::kMemoryWrite |
                 Observer::kCacheMaintenance | Observer::kDevice);
    g.machine.addObserver(&all);
    g.machine.run(9);
    ASSERT_EQ(all.retired_pcs.size(), 9u);
    for (unsigned i = 0; i < 9; ++i)
        EXPECT_EQ(all.retired_pcs[i], kCode + 4 * i);
    ASSERT_EQ(all.exceptions.size(), 1u);
    EXPECT_EQ(all.exceptions[0].esr, 0x5600'0007u);
    EXPECT_EQ(all.exceptions[0].pc, kCode + 4 * 9);
    ASSERT_EQ(all.writes.size(), 2u); // RAM and the UART data register
    EXPECT_EQ(all.writes[0], std::make_pair(kRamBase + 0x9000, u64{42}));
    EXPECT_EQ(all.writes[1], std::make_pair(kUartBase, u64{'A'}));
    EXPECT_EQ(all.maintenance, std::vector<isa::CacheOp>{isa::CacheOp::DcCvau});
    ASSERT_EQ(all.devices.size(), 1u);
    EXPECT_EQ(all.devices[0].kind, DeviceEventKind::ConsoleOutput);
    EXPECT_EQ(all.devices[0].value, u64{'A'});
}

TEST(Observers, AnObserverOfFewEventsLeavesTheFastPathAndTheResultAlone) {
    Guest watched(kObserved), plain(kObserved);
    Recorder few(Observer::kException);
    watched.machine.addObserver(&few);
    watched.machine.run(9);
    plain.machine.run(9);
    EXPECT_TRUE(watched.machine.core(0).executor().fast_stores);
    EXPECT_EQ(few.exceptions.size(), 1u);
    EXPECT_TRUE(few.retired_pcs.empty());
    EXPECT_EQ(watched.machine.stateHash(), plain.machine.stateHash());
}

// ---- Semihosting
// ------------------------------------------------------------------------------------

TEST(Semihosting, Write0WritecAndExitWithAStatus) {
    Guest g(R"(
        mov w0, #0x04
        adr x1, text
        hlt #0xf000
        mov w0, #0x03
        adr x1, bang
        hlt #0xf000
        mov w0, #0x18
        adr x1, block
        hlt #0xf000
        b .
    text: .asciz "hi from semihosting"
    bang: .ascii "!"
        .balign 8
    block: .quad 0x20026, 3
    )");
    EXPECT_EQ(g.machine.run(1000), StopReason::SemihostingExit);
    EXPECT_EQ(g.machine.exitStatus(), 3u);
    EXPECT_EQ(g.console, "hi from semihosting!");
}

TEST(Semihosting, IsUndefinedAtEl0) {
    Guest g("hlt #0xf000\n");
    g.state().el = 0;
    g.state().spsel = false;
    g.machine.run(10);
    EXPECT_EQ(g.state().esr_el1, 0x0200'0000u); // UNDEF, taken to EL1
}

} // namespace
} // namespace cmodx::sim
