// The generic timer at register level: counter scaling, the timer registers, EL0 access control,
// the PPI outputs into a real GIC (observed through fake interrupt lines) and the exactness of
// nextEventCycle, which the machine relies on to skip idle time.
#include "sim/generic_timer.h"

#include "isa/aarch64/sysreg.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace cmodx::sim {
namespace {

namespace sysreg = isa::sysreg;

class FakeLines final : public InterruptLines {
public:
    explicit FakeLines(unsigned cpus) : irq(cpus, false) {}
    void setIrq(unsigned cpu, bool asserted) override { irq.at(cpu) = asserted; }
    void setFiq(unsigned, bool) override {}
    std::vector<bool> irq;
};

constexpr u64 kCpuHz = 1'000'000'000, kCounterHz = 62'500'000; // 16 cycles per tick
constexpr u64 kNever = ~u64{0};
constexpr u64 GICR_ISPENDR0 = 0x10200;
constexpr u64 kEnable = 1, kImask = 2, kIstatus = 4;

struct Timer {
    explicit Timer(unsigned cpus = 2, u64 cpu_hz = kCpuHz, u64 counter_hz = kCounterHz)
        : lines(cpus), gic(cpus, lines), timer(cpus, gic, cpu_hz, counter_hz) {}

    u64 read(unsigned cpu, u32 key, u64 now, unsigned el = 1) {
        const auto a = timer.readSysReg(cpu, key, el, now);
        EXPECT_EQ(a.result, GenericTimer::Access::Ok) << "key " << key;
        return a.value;
    }
    void write(unsigned cpu, u32 key, u64 value, u64 now, unsigned el = 1) {
        EXPECT_EQ(timer.writeSysReg(cpu, key, el, value, now).result, GenericTimer::Access::Ok)
            << "key " << key;
    }
    // The PPI input levels as the GIC sees them (level-sensitive: pending while high).
    bool ppiLevel(unsigned cpu, unsigned ppi) {
        return gic.redistributors().read(cpu * GicV3::kRedistributorStride + GICR_ISPENDR0, 4) >>
                   ppi &
               1;
    }
    // Lets PPI `ppi` of every core reach the IRQ line.
    void routeToIrq(unsigned ppi) {
        gic.distributor().write(0, 4, 2); // EnableGrp1
        for (unsigned c = 0; c < gic.cpus(); ++c) {
            const u64 rd = c * GicV3::kRedistributorStride;
            gic.redistributors().write(rd + 0x10080, 4, 1u << ppi);  // IGROUPR0
            gic.redistributors().write(rd + 0x10400 + ppi, 1, 0x80); // IPRIORITYR
            gic.redistributors().write(rd + 0x10100, 4, 1u << ppi);  // ISENABLER0
            gic.writeIcc(c, sysreg::ICC_IGRPEN1_EL1, 1);
            gic.writeIcc(c, sysreg::ICC_PMR_EL1, 0xff);
        }
    }

    FakeLines lines;
    GicV3 gic;
    GenericTimer timer;
};

TEST(Timer, CounterScalesCyclesWithFloor) {
    Timer t;
    EXPECT_EQ(t.timer.counterAt(0), 0u);
    EXPECT_EQ(t.timer.counterAt(15), 0u);
    EXPECT_EQ(t.timer.counterAt(16), 1u);
    EXPECT_EQ(t.timer.counterAt(1600), 100u);
    EXPECT_EQ(t.timer.counterAt(u64{1} << 63), u64{1} << 59); // needs the 128-bit product
    EXPECT_EQ(t.timer.counterAt(kNever), kNever / 16);

    Timer odd(1, 3, 2); // 2 ticks every 3 cycles
    const u64 expected[] = {0, 0, 1, 2, 2, 3, 4, 4, 5};
    for (u64 c = 0; c < 9; ++c)
        EXPECT_EQ(odd.timer.counterAt(c), expected[c]) << c;
    Timer prime(1, 999'999'937, 62'500'000);
    EXPECT_EQ(prime.timer.counterAt(999'999'937), 62'500'000u);
    EXPECT_EQ(prime.timer.counterAt(999'999'936), 62'499'999u);

    EXPECT_EQ(t.read(0, sysreg::CNTPCT_EL0, 1600), 100u);
    EXPECT_EQ(t.read(1, sysreg::CNTVCT_EL0, 1600), 100u); // CNTVOFF = 0
    EXPECT_EQ(t.read(0, sysreg::CNTFRQ_EL0, 0), kCounterHz);
}

TEST(Timer, IstatusReflectsTheCondition) {
    Timer t;
    t.write(0, sysreg::CNTP_CVAL_EL0, 100, 0);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CTL_EL0, 100 * 16), 0u); // disabled: no ISTATUS
    t.write(0, sysreg::CNTP_CTL_EL0, kEnable, 0);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CTL_EL0, 100 * 16 - 1), kEnable);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CTL_EL0, 100 * 16), kEnable | kIstatus);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CVAL_EL0, 0), 100u);
    // ISTATUS is read-only; other CTL bits are RES0.
    t.write(0, sysreg::CNTP_CTL_EL0, 0xff, 0);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CTL_EL0, 0), kEnable | kImask);
    // The other timer and the other core are separate.
    EXPECT_EQ(t.read(0, sysreg::CNTV_CTL_EL0, 100 * 16), 0u);
    EXPECT_EQ(t.read(1, sysreg::CNTP_CTL_EL0, 100 * 16), 0u);
}

TEST(Timer, TvalIsASigned32BitViewOfCval) {
    Timer t;
    t.write(0, sysreg::CNTP_TVAL_EL0, 50, 10 * 16);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CVAL_EL0, 0), 60u);
    EXPECT_EQ(t.read(0, sysreg::CNTP_TVAL_EL0, 20 * 16), 40u);
    EXPECT_EQ(t.read(0, sysreg::CNTP_TVAL_EL0, 70 * 16), 0xffff'fff6u); // -10, bits [63:32] 0
    // Writing a negative TimerValue puts CVAL in the past.
    t.write(1, sysreg::CNTV_TVAL_EL0, 0xffff'fffb, 100 * 16); // -5
    EXPECT_EQ(t.read(1, sysreg::CNTV_CVAL_EL0, 0), 95u);
    // Only the low 32 bits of the written value count.
    t.write(1, sysreg::CNTV_TVAL_EL0, 0x1234'0000'0007, 100 * 16);
    EXPECT_EQ(t.read(1, sysreg::CNTV_CVAL_EL0, 0), 107u);
}

TEST(Timer, OutputIsEnableAndIstatusAndNotImask) {
    Timer t;
    t.write(0, sysreg::CNTP_CVAL_EL0, 10, 0);
    t.write(0, sysreg::CNTP_CTL_EL0, kEnable | kImask, 0);
    t.timer.update(10 * 16);
    EXPECT_EQ(t.read(0, sysreg::CNTP_CTL_EL0, 10 * 16), kEnable | kImask | kIstatus);
    EXPECT_FALSE(t.ppiLevel(0, GenericTimer::kPhysicalPpi));
    t.write(0, sysreg::CNTP_CTL_EL0, kEnable, 10 * 16);
    EXPECT_TRUE(t.ppiLevel(0, GenericTimer::kPhysicalPpi));
    EXPECT_FALSE(t.ppiLevel(1, GenericTimer::kPhysicalPpi));
    EXPECT_FALSE(t.ppiLevel(0, GenericTimer::kVirtualPpi));
    // Moving CVAL into the future lowers the line.
    t.write(0, sysreg::CNTP_CVAL_EL0, 11, 10 * 16);
    EXPECT_FALSE(t.ppiLevel(0, GenericTimer::kPhysicalPpi));
    t.timer.update(11 * 16);
    EXPECT_TRUE(t.ppiLevel(0, GenericTimer::kPhysicalPpi));
    t.write(0, sysreg::CNTP_CTL_EL0, 0, 11 * 16);
    EXPECT_FALSE(t.ppiLevel(0, GenericTimer::kPhysicalPpi));
}

TEST(Timer, PpisReachTheIrqLines) {
    Timer t;
    t.routeToIrq(GenericTimer::kVirtualPpi);
    t.write(1, sysreg::CNTV_TVAL_EL0, 5, 0);
    t.write(1, sysreg::CNTV_CTL_EL0, kEnable, 0);
    t.timer.update(4 * 16);
    EXPECT_EQ(t.lines.irq, (std::vector<bool>{false, false}));
    t.timer.update(5 * 16);
    EXPECT_EQ(t.lines.irq, (std::vector<bool>{false, true}));
    EXPECT_EQ(t.gic.readIcc(1, sysreg::ICC_IAR1_EL1), u64{GenericTimer::kVirtualPpi});
    t.write(1, sysreg::CNTV_CTL_EL0, kEnable | kImask, 5 * 16); // the handler masks the timer
    t.gic.writeIcc(1, sysreg::ICC_EOIR1_EL1, GenericTimer::kVirtualPpi);
    EXPECT_EQ(t.lines.irq, (std::vector<bool>{false, false}));
}

TEST(Timer, NextEventCycleSkipsTimersThatCannotFire) {
    Timer t;
    EXPECT_EQ(t.timer.nextEventCycle(0), kNever);
    t.write(0, sysreg::CNTP_CVAL_EL0, 100, 0);
    EXPECT_EQ(t.timer.nextEventCycle(0), kNever); // disabled
    t.write(0, sysreg::CNTP_CTL_EL0, kEnable | kImask, 0);
    EXPECT_EQ(t.timer.nextEventCycle(0), kNever); // masked
    t.write(0, sysreg::CNTP_CTL_EL0, kEnable, 0);
    EXPECT_EQ(t.timer.nextEventCycle(0), 1600u);
    EXPECT_EQ(t.timer.nextEventCycle(1599), 1600u);
    EXPECT_EQ(t.timer.nextEventCycle(1600), kNever); // already fired
    // The earliest over all timers of all cores.
    t.write(1, sysreg::CNTV_CVAL_EL0, 50, 0);
    t.write(1, sysreg::CNTV_CTL_EL0, kEnable, 0);
    EXPECT_EQ(t.timer.nextEventCycle(0), 800u);
    EXPECT_EQ(t.timer.nextEventCycle(800), 1600u);
    // A compare value no 64-bit cycle reaches.
    t.write(0, sysreg::CNTP_CVAL_EL0, kNever, 0);
    t.write(1, sysreg::CNTV_CVAL_EL0, kNever / 16 + 1, 0);
    EXPECT_EQ(t.timer.nextEventCycle(0), kNever);
}

// For many clock ratios and compare values: the returned cycle is the first one at which the
// counter reaches CVAL.
TEST(Timer, NextEventCycleIsExact) {
    const u64 cpu_hzs[] = {1'000'000'000, 62'500'000,    999'999'937,  3, 7,
                           100,           2'400'000'000, 1'000'000'007};
    const u64 counter_hzs[] = {62'500'000, 1, 3, 7, 24'000'000, 1'000'000'000, 19'200'000, 999};
    std::mt19937_64 rng(12345);
    unsigned checked = 0;
    for (u64 cpu_hz : cpu_hzs) {
        for (u64 counter_hz : counter_hzs) {
            Timer t(1, cpu_hz, counter_hz);
            for (int i = 0; i < 200; ++i) {
                // Compare values of every magnitude, including counts the cycle range cannot
                // reach.
                const unsigned width = 1 + rng() % 64;
                const u64 cval = std::max<u64>(1, rng() >> (64 - width));
                const u64 now = rng() % 4 == 0 ? 0 : rng() >> (rng() % 64);
                // The counter wraps after 2^64 ticks; the model assumes it never gets there.
                if (isa::u128{now} * counter_hz / cpu_hz > kNever) continue;
                t.write(0, sysreg::CNTP_CVAL_EL0, cval, now);
                t.write(0, sysreg::CNTP_CTL_EL0, kEnable, now);
                const u64 next = t.timer.nextEventCycle(now);
                SCOPED_TRACE(testing::Message()
                             << "cpu_hz " << cpu_hz << " counter_hz " << counter_hz << " cval "
                             << cval << " now " << now);
                if (t.timer.counterAt(now) >= cval) {
                    EXPECT_EQ(next, kNever);
                } else if (next != kNever) {
                    EXPECT_GT(next, now);
                    EXPECT_GE(t.timer.counterAt(next), cval);
                    EXPECT_LT(t.timer.counterAt(next - 1), cval);
                    ++checked;
                } else {
                    // Nothing reaches it: the exact first cycle lies beyond 2^64 - 1, or the
                    // counter would wrap before it.
                    const isa::u128 first =
                        (isa::u128{cval} * cpu_hz + counter_hz - 1) / counter_hz;
                    EXPECT_TRUE(first > kNever || first * counter_hz / cpu_hz > kNever);
                }
            }
        }
    }
    EXPECT_GT(checked, 5000u);
}

TEST(Timer, El0AccessFollowsCntkctl) {
    Timer t;
    using R = GenericTimer::Access;
    auto rd = [&](u32 key) { return t.timer.readSysReg(0, key, 0, 1600).result; };
    auto wr = [&](u32 key) { return t.timer.writeSysReg(0, key, 0, 1, 1600).result; };
    for (u32 key :
         {sysreg::CNTFRQ_EL0, sysreg::CNTPCT_EL0, sysreg::CNTVCT_EL0, sysreg::CNTP_CTL_EL0,
          sysreg::CNTP_CVAL_EL0, sysreg::CNTP_TVAL_EL0, sysreg::CNTV_CTL_EL0, sysreg::CNTV_CVAL_EL0,
          sysreg::CNTV_TVAL_EL0, sysreg::CNTKCTL_EL1})
        EXPECT_EQ(rd(key), R::Undefined) << key;
    EXPECT_EQ(wr(sysreg::CNTP_CTL_EL0), R::Undefined);
    EXPECT_EQ(wr(sysreg::CNTKCTL_EL1), R::Undefined);

    t.write(0, sysreg::CNTKCTL_EL1, 1u << 0, 0); // EL0PCTEN
    EXPECT_EQ(t.read(0, sysreg::CNTKCTL_EL1, 0), 1u);
    EXPECT_EQ(rd(sysreg::CNTPCT_EL0), R::Ok);
    EXPECT_EQ(rd(sysreg::CNTFRQ_EL0), R::Ok);
    EXPECT_EQ(rd(sysreg::CNTVCT_EL0), R::Undefined);
    t.write(0, sysreg::CNTKCTL_EL1, 1u << 1, 0); // EL0VCTEN
    EXPECT_EQ(rd(sysreg::CNTVCT_EL0), R::Ok);
    EXPECT_EQ(rd(sysreg::CNTFRQ_EL0), R::Ok);
    EXPECT_EQ(rd(sysreg::CNTPCT_EL0), R::Undefined);
    t.write(0, sysreg::CNTKCTL_EL1, 1u << 9, 0); // EL0PTEN
    EXPECT_EQ(rd(sysreg::CNTP_TVAL_EL0), R::Ok);
    EXPECT_EQ(wr(sysreg::CNTP_CVAL_EL0), R::Ok);
    EXPECT_EQ(rd(sysreg::CNTV_CTL_EL0), R::Undefined);
    EXPECT_EQ(rd(sysreg::CNTFRQ_EL0), R::Undefined);
    t.write(0, sysreg::CNTKCTL_EL1, 1u << 8, 0); // EL0VTEN
    EXPECT_EQ(wr(sysreg::CNTV_CTL_EL0), R::Ok);
    EXPECT_EQ(rd(sysreg::CNTP_CTL_EL0), R::Undefined);
    // Only the CNTKCTL_EL1 fields of ARMv8.0 are kept.
    t.write(0, sysreg::CNTKCTL_EL1, ~u64{0}, 0);
    EXPECT_EQ(t.read(0, sysreg::CNTKCTL_EL1, 0), 0x3ffu);
    EXPECT_EQ(t.read(1, sysreg::CNTKCTL_EL1, 0), 0u); // per core

    // CNTFRQ_EL0: writable at EL1 (the highest EL here), never at EL0; the counters never.
    t.write(0, sysreg::CNTKCTL_EL1, 3, 0);
    EXPECT_EQ(wr(sysreg::CNTFRQ_EL0), R::Undefined);
    t.write(0, sysreg::CNTFRQ_EL0, 0x1'0000'1000, 0);
    EXPECT_EQ(t.read(0, sysreg::CNTFRQ_EL0, 0, 0), 0x1000u);
    EXPECT_EQ(t.read(1, sysreg::CNTFRQ_EL0, 0), kCounterHz);
    EXPECT_EQ(t.read(0, sysreg::CNTPCT_EL0, 1600), 100u); // the rate itself is unchanged
    EXPECT_EQ(t.timer.writeSysReg(0, sysreg::CNTPCT_EL0, 1, 0, 0).result, R::Undefined);
    EXPECT_EQ(t.timer.writeSysReg(0, sysreg::CNTVCT_EL0, 1, 0, 0).result, R::Undefined);
    // Not a timer register.
    EXPECT_EQ(t.timer.readSysReg(0, sysreg::MIDR_EL1, 1, 0).result, R::NotTimer);
    EXPECT_EQ(t.timer.writeSysReg(0, sysreg::ICC_PMR_EL1, 1, 0, 0).result, R::NotTimer);
}

TEST(Timer, SaveLoadRoundTrip) {
    Timer a;
    a.write(0, sysreg::CNTP_CVAL_EL0, 123, 0);
    a.write(0, sysreg::CNTP_CTL_EL0, kEnable, 0);
    a.write(1, sysreg::CNTV_TVAL_EL0, 77, 160);
    a.write(1, sysreg::CNTV_CTL_EL0, kEnable | kImask, 160);
    a.write(1, sysreg::CNTKCTL_EL1, 0x303, 0);
    a.write(0, sysreg::CNTFRQ_EL0, 1234, 0);
    StateWriter w;
    a.timer.save(w);

    Timer b;
    StateReader r(w.data());
    b.timer.load(r);
    EXPECT_TRUE(r.atEnd());
    StateWriter w2;
    b.timer.save(w2);
    EXPECT_EQ(w2.data(), w.data());
    for (unsigned c = 0; c < 2; ++c) {
        for (u32 key : {sysreg::CNTP_CTL_EL0, sysreg::CNTP_CVAL_EL0, sysreg::CNTV_CTL_EL0,
                        sysreg::CNTV_TVAL_EL0, sysreg::CNTKCTL_EL1, sysreg::CNTFRQ_EL0})
            EXPECT_EQ(a.read(c, key, 5000), b.read(c, key, 5000)) << c << " " << key;
    }
    EXPECT_EQ(a.timer.nextEventCycle(0), b.timer.nextEventCycle(0));
    b.timer.update(123 * 16);
    EXPECT_TRUE(b.ppiLevel(0, GenericTimer::kPhysicalPpi));
    EXPECT_FALSE(a.ppiLevel(0, GenericTimer::kPhysicalPpi)); // independent objects

    Timer other(2, kCpuHz, 24'000'000);
    StateReader r2(w.data());
    EXPECT_THROW(other.timer.load(r2), SnapshotError);
}

TEST(Timer, RejectsBadConfiguration) {
    FakeLines lines(2);
    GicV3 gic(2, lines);
    EXPECT_THROW(GenericTimer(3, gic, kCpuHz, kCounterHz), std::invalid_argument);
    EXPECT_THROW(GenericTimer(2, gic, 0, kCounterHz), std::invalid_argument);
    EXPECT_THROW(GenericTimer(2, gic, kCpuHz, 0), std::invalid_argument);
}

} // namespace
} // namespace cmodx::sim
