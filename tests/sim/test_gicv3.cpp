// GICv3 at register level: Distributor and Redistributor MMIO, the ICC_* CPU interface and the
// IRQ/FIQ outputs, observed through a fake set of interrupt lines. No machine or core involved.
#include "sim/gicv3.h"

#include "isa/aarch64/sysreg.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cmodx::sim {
namespace {

namespace sysreg = isa::sysreg;

// Records the level of every line and each call that changed it.
class FakeLines final : public InterruptLines {
public:
    explicit FakeLines(unsigned cpus) : irq(cpus, false), fiq(cpus, false) {}
    void setIrq(unsigned cpu, bool asserted) override {
        irq.at(cpu) = asserted;
        calls.push_back("irq" + std::to_string(cpu) + (asserted ? "+" : "-"));
    }
    void setFiq(unsigned cpu, bool asserted) override {
        fiq.at(cpu) = asserted;
        calls.push_back("fiq" + std::to_string(cpu) + (asserted ? "+" : "-"));
    }
    std::vector<bool> irq, fiq;
    std::vector<std::string> calls;
};

// Distributor offsets.
constexpr u64 GICD_CTLR = 0x0, GICD_TYPER = 0x4, GICD_IIDR = 0x8, GICD_IGROUPR = 0x80,
              GICD_ISENABLER = 0x100, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280,
              GICD_ISACTIVER = 0x300, GICD_IPRIORITYR = 0x400, GICD_ICFGR = 0xc00,
              GICD_IROUTER = 0x6000, GICD_PIDR0 = 0xffe0, GICD_PIDR2 = 0xffe8;
// Redistributor offsets within a core's 128 KiB (RD_base, then SGI_base at +64 KiB).
constexpr u64 GICR_CTLR = 0x0, GICR_IIDR = 0x4, GICR_TYPER = 0x8, GICR_WAKER = 0x14,
              GICR_PIDR0 = 0xffe0, GICR_PIDR2 = 0xffe8, GICR_IGROUPR0 = 0x10080,
              GICR_ISENABLER0 = 0x10100, GICR_ICENABLER0 = 0x10180, GICR_ISPENDR0 = 0x10200,
              GICR_ICPENDR0 = 0x10280, GICR_ISACTIVER0 = 0x10300, GICR_ICACTIVER0 = 0x10380,
              GICR_IPRIORITYR0 = 0x10400, GICR_ICFGR0 = 0x10c00, GICR_ICFGR1 = 0x10c04;

constexpr u64 kSpurious = 1023;

struct Gic {
    explicit Gic(unsigned cpus = 4) : lines(cpus), gic(cpus, lines) {}

    u64 dread(u64 off, unsigned size = 4) { return gic.distributor().read(off, size); }
    void dwrite(u64 off, u64 v, unsigned size = 4) { gic.distributor().write(off, size, v); }
    u64 rread(unsigned cpu, u64 off, unsigned size = 4) {
        return gic.redistributors().read(cpu * GicV3::kRedistributorStride + off, size);
    }
    void rwrite(unsigned cpu, u64 off, u64 v, unsigned size = 4) {
        gic.redistributors().write(cpu * GicV3::kRedistributorStride + off, size, v);
    }
    u64 icc(unsigned cpu, u32 key) {
        const auto v = gic.readIcc(cpu, key);
        EXPECT_TRUE(v.has_value()) << "ICC key " << key;
        return v.value_or(~u64{0});
    }
    void setIcc(unsigned cpu, u32 key, u64 v) { EXPECT_TRUE(gic.writeIcc(cpu, key, v)); }
    void setPending(unsigned cpu, unsigned intid) { gic.setPending(cpu, intid); }

    // The usual Group 1 set-up: enabled in the Distributor and in every CPU interface, with the
    // priority mask fully open.
    void enableGroup1() {
        dwrite(GICD_CTLR, dread(GICD_CTLR) | 2);
        for (unsigned c = 0; c < gic.cpus(); ++c) {
            setIcc(c, sysreg::ICC_IGRPEN1_EL1, 1);
            setIcc(c, sysreg::ICC_PMR_EL1, 0xff);
        }
    }
    void enableGroup0() {
        dwrite(GICD_CTLR, dread(GICD_CTLR) | 1);
        for (unsigned c = 0; c < gic.cpus(); ++c) {
            setIcc(c, sysreg::ICC_IGRPEN0_EL1, 1);
            setIcc(c, sysreg::ICC_PMR_EL1, 0xff);
        }
    }
    // An SGI or PPI of `cpu`: group, priority, enabled.
    void privateIrq(unsigned cpu, unsigned intid, u8 priority, unsigned group = 1) {
        const u64 grp = rread(cpu, GICR_IGROUPR0);
        rwrite(cpu, GICR_IGROUPR0, group ? grp | 1u << intid : grp & ~(1u << intid));
        rwrite(cpu, GICR_IPRIORITYR0 + intid, priority, 1);
        rwrite(cpu, GICR_ISENABLER0, 1u << intid);
    }
    void spi(unsigned intid, u8 priority, u64 irouter, unsigned group = 1) {
        const u64 reg = GICD_IGROUPR + intid / 32 * 4;
        const u64 grp = dread(reg);
        const u32 m = 1u << (intid % 32);
        dwrite(reg, group ? grp | m : grp & ~m);
        dwrite(GICD_IPRIORITYR + intid, priority, 1);
        dwrite(GICD_IROUTER + 8 * intid, irouter, 8);
        dwrite(GICD_ISENABLER + intid / 32 * 4, m);
    }
    // ICC_SGI1R_EL1 with Aff3..1 = 0.
    void sgi1(unsigned from, unsigned intid, u64 target_list, bool all_but_self = false) {
        setIcc(from, sysreg::ICC_SGI1R_EL1,
               target_list | u64{intid} << 24 | u64{all_but_self} << 40);
    }

    FakeLines lines;
    GicV3 gic;
};

TEST(Gic, ResetValues) {
    Gic g(3);
    EXPECT_EQ(g.dread(GICD_CTLR), 0x50u); // ARE and DS read as one
    // What QEMU 7.2 reports: ITLinesNumber 7 (INTIDs up to 255), LPIS, IDbits 15, A3V, No1N.
    EXPECT_EQ(g.dread(GICD_TYPER), 0x037a'0007u);
    EXPECT_EQ(g.dread(GICD_IIDR), 0x43bu);
    EXPECT_EQ(g.dread(GICD_PIDR2), 0x3bu); // ArchRev 3
    EXPECT_EQ(g.dread(GICD_PIDR0), 0x92u);
    for (unsigned c = 0; c < 3; ++c) {
        SCOPED_TRACE(c);
        EXPECT_EQ(g.rread(c, GICR_CTLR), 0u);
        EXPECT_EQ(g.rread(c, GICR_IIDR), 0x43bu);
        EXPECT_EQ(g.rread(c, GICR_PIDR2), 0x3bu);
        EXPECT_EQ(g.rread(c, GICR_PIDR0), 0x93u);
        EXPECT_EQ(g.rread(c, GICR_WAKER), 0x6u); // ProcessorSleep, ChildrenAsleep
        // Affinity, CommonLPIAff = 1, Processor_Number, Last, PLPIS (as QEMU reports).
        const u64 typer = u64{c} << 32 | 1u << 24 | c << 8 | (c == 2 ? 1u << 4 : 0) | 1u;
        EXPECT_EQ(g.rread(c, GICR_TYPER, 8), typer);
        EXPECT_EQ(g.rread(c, GICR_TYPER, 4), typer & 0xffff'ffff);
        EXPECT_EQ(g.rread(c, GICR_TYPER + 4, 4), typer >> 32);
        EXPECT_EQ(g.rread(c, GICR_ICFGR0), 0xaaaa'aaaau); // SGIs edge-triggered
        EXPECT_EQ(g.rread(c, GICR_ICFGR1), 0u);           // PPIs level-sensitive
        EXPECT_EQ(g.rread(c, GICR_IGROUPR0), 0u);
        EXPECT_EQ(g.icc(c, sysreg::ICC_SRE_EL1), 0x7u);
        EXPECT_EQ(g.icc(c, sysreg::ICC_CTLR_EL1), 0x8c00u); // A3V, IDbits 1, PRIbits 4
        EXPECT_EQ(g.icc(c, sysreg::ICC_PMR_EL1), 0u);
        EXPECT_EQ(g.icc(c, sysreg::ICC_BPR0_EL1), 2u);
        EXPECT_EQ(g.icc(c, sysreg::ICC_BPR1_EL1), 3u);
        EXPECT_EQ(g.icc(c, sysreg::ICC_RPR_EL1), 0xffu);
        EXPECT_EQ(g.icc(c, sysreg::ICC_IAR1_EL1), kSpurious);
    }
    EXPECT_TRUE(g.lines.calls.empty());
    EXPECT_EQ(g.gic.invalidAccesses(), 0u);
}

TEST(Gic, DistributorControlAndWakerWritableBits) {
    Gic g(2);
    g.dwrite(GICD_CTLR, 0xffff'ffff);
    EXPECT_EQ(g.dread(GICD_CTLR), 0x53u);
    g.dwrite(GICD_CTLR, 0);
    EXPECT_EQ(g.dread(GICD_CTLR), 0x50u);
    g.rwrite(1, GICR_WAKER, 0);
    EXPECT_EQ(g.rread(1, GICR_WAKER), 0u);
    EXPECT_EQ(g.rread(0, GICR_WAKER), 0x6u);
    g.rwrite(1, GICR_WAKER, 0x2);
    EXPECT_EQ(g.rread(1, GICR_WAKER), 0x6u);
    // Read-only registers ignore writes (and count as guest errors).
    g.dwrite(GICD_TYPER, 0);
    EXPECT_EQ(g.dread(GICD_TYPER), 0x037a'0007u);
    EXPECT_EQ(g.gic.invalidAccesses(), 1u);
}

TEST(Gic, SgiTargetListReachesOnlyTheTargets) {
    Gic g(4);
    g.enableGroup1();
    for (unsigned c = 0; c < 4; ++c)
        g.privateIrq(c, 5, 0x80);
    g.lines.calls.clear();
    g.sgi1(0, 5, 0b1010);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>{false, true, false, true}));
    EXPECT_EQ(g.lines.calls, (std::vector<std::string>{"irq1+", "irq3+"}));
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 1u << 5);
    EXPECT_EQ(g.rread(0, GICR_ISPENDR0), 0u);
    EXPECT_EQ(g.icc(3, sysreg::ICC_HPPIR1_EL1), 5u);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR1_EL1), kSpurious);
}

TEST(Gic, SgiBroadcastExcludesTheSender) {
    Gic g(4);
    g.enableGroup1();
    for (unsigned c = 0; c < 4; ++c)
        g.privateIrq(c, 2, 0x80);
    g.sgi1(2, 2, 0, /*all_but_self=*/true);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>{true, true, false, true}));
}

TEST(Gic, SgiToOtherAffinityOrOtherGroupIsDropped) {
    Gic g(2);
    g.enableGroup1();
    g.enableGroup0();
    g.privateIrq(0, 1, 0x80);
    g.privateIrq(1, 1, 0x80, /*group=*/0);
    // Aff1 = 1: no such core.
    g.setIcc(1, sysreg::ICC_SGI1R_EL1, 0b11 | u64{1} << 24 | u64{1} << 16);
    EXPECT_EQ(g.rread(0, GICR_ISPENDR0), 0u);
    // A Group 1 SGI does not pend an SGI configured as Group 0, and vice versa.
    g.sgi1(0, 1, 0b11);
    EXPECT_EQ(g.rread(0, GICR_ISPENDR0), 1u << 1);
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 0u);
    g.setIcc(0, sysreg::ICC_SGI0R_EL1, 0b10 | u64{1} << 24);
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 1u << 1);
    EXPECT_TRUE(g.lines.fiq[1]);
    EXPECT_FALSE(g.lines.irq[1]);
}

TEST(Gic, AcknowledgeActivatesAndSetsTheRunningPriority) {
    Gic g(2);
    g.enableGroup1();
    g.privateIrq(1, 7, 0x88);
    g.sgi1(0, 7, 0b10);
    ASSERT_TRUE(g.lines.irq[1]);
    EXPECT_EQ(g.icc(1, sysreg::ICC_IAR1_EL1), 7u);
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 0u);
    EXPECT_EQ(g.rread(1, GICR_ISACTIVER0), 1u << 7);
    EXPECT_EQ(g.icc(1, sysreg::ICC_RPR_EL1), 0x88u);
    EXPECT_EQ(g.icc(1, sysreg::ICC_AP1R0_EL1), 1u << (0x88 >> 3));
    EXPECT_FALSE(g.lines.irq[1]);
    EXPECT_EQ(g.icc(1, sysreg::ICC_IAR1_EL1), kSpurious); // nothing else pending
    g.setIcc(1, sysreg::ICC_EOIR1_EL1, 7);
    EXPECT_EQ(g.icc(1, sysreg::ICC_RPR_EL1), 0xffu);
    EXPECT_EQ(g.icc(1, sysreg::ICC_AP1R0_EL1), 0u);
    EXPECT_EQ(g.rread(1, GICR_ISACTIVER0), 0u);
    EXPECT_FALSE(g.lines.irq[1]);
}

TEST(Gic, OnlyAHigherGroupPriorityPreempts) {
    Gic g(1);
    g.enableGroup1();
    g.privateIrq(0, 1, 0x80);
    g.privateIrq(0, 2, 0x80);
    g.privateIrq(0, 3, 0x48);
    g.privateIrq(0, 4, 0x40);
    g.setPending(0, 1);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 1u);
    g.setPending(0, 2); // equal priority: waits
    EXPECT_FALSE(g.lines.irq[0]);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR1_EL1), 2u);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), kSpurious);
    g.setPending(0, 3); // higher priority: preempts
    EXPECT_TRUE(g.lines.irq[0]);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 3u);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0x48u);
    // With BPR1 = 4 the group priority is [7:4]: 0x40 is in the same group as 0x48.
    g.setIcc(0, sysreg::ICC_BPR1_EL1, 4);
    g.setPending(0, 4);
    EXPECT_FALSE(g.lines.irq[0]);
    g.setIcc(0, sysreg::ICC_BPR1_EL1, 3);
    EXPECT_TRUE(g.lines.irq[0]);
    g.setIcc(0, sysreg::ICC_BPR1_EL1, 0); // below the minimum: reads back as the minimum
    EXPECT_EQ(g.icc(0, sysreg::ICC_BPR1_EL1), 3u);
    // Unwind: EOI drops the running priority one level at a time.
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 4u);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0x40u);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 4);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0x48u);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 3);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0x80u);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 1);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0xffu);
    EXPECT_TRUE(g.lines.irq[0]); // SGI 2 at last
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 2u);
}

TEST(Gic, EoiModeSplitsPriorityDropFromDeactivation) {
    Gic g(1);
    g.enableGroup1();
    g.privateIrq(0, 9, 0x60);
    g.setIcc(0, sysreg::ICC_CTLR_EL1, 0x2); // EOImode
    EXPECT_EQ(g.icc(0, sysreg::ICC_CTLR_EL1), 0x8c02u);
    g.setPending(0, 9);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 9u);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 9);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0xffu);
    EXPECT_EQ(g.rread(0, GICR_ISACTIVER0), 1u << 9); // still active
    g.setPending(0, 9);
    EXPECT_FALSE(g.lines.irq[0]); // pending and active: not signalled
    g.setIcc(0, sysreg::ICC_DIR_EL1, 9);
    EXPECT_EQ(g.rread(0, GICR_ISACTIVER0), 0u);
    EXPECT_TRUE(g.lines.irq[0]);

    // EOImode = 0: EOIR deactivates, DIR is ignored.
    g.setIcc(0, sysreg::ICC_CTLR_EL1, 0);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 9u);
    g.setIcc(0, sysreg::ICC_DIR_EL1, 9);
    EXPECT_EQ(g.rread(0, GICR_ISACTIVER0), 1u << 9);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 9);
    EXPECT_EQ(g.rread(0, GICR_ISACTIVER0), 0u);
}

TEST(Gic, PriorityMaskAndGroupEnablesMask) {
    Gic g(1);
    g.enableGroup1();
    g.privateIrq(0, 20, 0x80);
    g.setIcc(0, sysreg::ICC_PMR_EL1, 0x80);
    g.setPending(0, 20);
    EXPECT_FALSE(g.lines.irq[0]); // priority must be strictly higher than the mask
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), kSpurious);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR1_EL1), 20u); // HPPIR ignores the mask
    g.setIcc(0, sysreg::ICC_PMR_EL1, 0x8f);           // 5 implemented bits
    EXPECT_EQ(g.icc(0, sysreg::ICC_PMR_EL1), 0x88u);
    EXPECT_TRUE(g.lines.irq[0]);
    g.setIcc(0, sysreg::ICC_IGRPEN1_EL1, 0);
    EXPECT_FALSE(g.lines.irq[0]);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR1_EL1), kSpurious);
    g.setIcc(0, sysreg::ICC_IGRPEN1_EL1, 1);
    EXPECT_TRUE(g.lines.irq[0]);
    g.dwrite(GICD_CTLR, 0); // Distributor Group 1 enable
    EXPECT_FALSE(g.lines.irq[0]);
    g.dwrite(GICD_CTLR, 2);
    EXPECT_TRUE(g.lines.irq[0]);
    g.rwrite(0, GICR_ICENABLER0, 1u << 20);
    EXPECT_FALSE(g.lines.irq[0]);
    EXPECT_EQ(g.rread(0, GICR_ISENABLER0), 0u);
}

TEST(Gic, GroupZeroSignalsFiq) {
    Gic g(1);
    g.enableGroup0();
    g.enableGroup1();
    g.privateIrq(0, 3, 0x50, /*group=*/0);
    g.setPending(0, 3);
    EXPECT_TRUE(g.lines.fiq[0]);
    EXPECT_FALSE(g.lines.irq[0]);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR1_EL1), kSpurious);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), kSpurious);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR0_EL1), 3u);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR0_EL1), 3u);
    EXPECT_FALSE(g.lines.fiq[0]);
    EXPECT_EQ(g.icc(0, sysreg::ICC_AP0R0_EL1), 1u << (0x50 >> 3));
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0x50u);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 3); // wrong group: ignored
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0x50u);
    g.setIcc(0, sysreg::ICC_EOIR0_EL1, 3);
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0xffu);
    EXPECT_EQ(g.rread(0, GICR_ISACTIVER0), 0u);
    g.setIcc(0, sysreg::ICC_IGRPEN0_EL1, 0);
    g.setPending(0, 3);
    EXPECT_FALSE(g.lines.fiq[0]);
}

TEST(Gic, LevelSensitivePpiFollowsItsLine) {
    Gic g(2);
    g.enableGroup1();
    g.privateIrq(1, 30, 0xa0);
    g.gic.setPpiLevel(1, 30, true);
    EXPECT_TRUE(g.lines.irq[1]);
    EXPECT_FALSE(g.lines.irq[0]);
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 1u << 30);
    g.rwrite(1, GICR_ICPENDR0, 1u << 30); // the line is still high: stays pending
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 1u << 30);
    EXPECT_EQ(g.icc(1, sysreg::ICC_IAR1_EL1), 30u);
    EXPECT_FALSE(g.lines.irq[1]); // active
    g.setIcc(1, sysreg::ICC_EOIR1_EL1, 30);
    EXPECT_TRUE(g.lines.irq[1]); // the line is still high
    EXPECT_EQ(g.icc(1, sysreg::ICC_IAR1_EL1), 30u);
    g.gic.setPpiLevel(1, 30, false); // device lowers its line while the handler runs
    g.setIcc(1, sysreg::ICC_EOIR1_EL1, 30);
    EXPECT_FALSE(g.lines.irq[1]);
    EXPECT_EQ(g.rread(1, GICR_ISPENDR0), 0u);
    // A pulse that ends before anyone looks leaves nothing behind.
    g.gic.setPpiLevel(1, 30, true);
    g.gic.setPpiLevel(1, 30, false);
    EXPECT_FALSE(g.lines.irq[1]);
    EXPECT_EQ(g.icc(1, sysreg::ICC_HPPIR1_EL1), kSpurious);
}

TEST(Gic, PendingAndActiveBitsAreWritable) {
    Gic g(1);
    g.enableGroup1();
    g.privateIrq(0, 3, 0x80);
    g.rwrite(0, GICR_ISPENDR0, 1u << 3);
    EXPECT_TRUE(g.lines.irq[0]);
    g.rwrite(0, GICR_ICPENDR0, 1u << 3);
    EXPECT_FALSE(g.lines.irq[0]);
    g.rwrite(0, GICR_ISPENDR0, 1u << 3);
    g.rwrite(0, GICR_ISACTIVER0, 1u << 3); // pending and active: not signalled
    EXPECT_FALSE(g.lines.irq[0]);
    EXPECT_EQ(g.rread(0, GICR_ISACTIVER0), 1u << 3);
    g.rwrite(0, GICR_ICACTIVER0, 1u << 3);
    EXPECT_TRUE(g.lines.irq[0]);
    // The same for an SPI in the Distributor.
    g.spi(64, 0x80, 0);
    g.dwrite(GICD_ISPENDR + 8, 1u);
    EXPECT_EQ(g.dread(GICD_ISPENDR + 8), 1u);
    g.dwrite(GICD_ISACTIVER + 8, 1u);
    EXPECT_EQ(g.dread(GICD_ISACTIVER + 8), 1u);
    g.dwrite(GICD_ICPENDR + 8, 1u);
    EXPECT_EQ(g.dread(GICD_ISPENDR + 8), 0u);
}

TEST(Gic, SpuriousWhenNothingIsPending) {
    Gic g(1);
    g.enableGroup1();
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), kSpurious);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR0_EL1), kSpurious);
    EXPECT_EQ(g.icc(0, sysreg::ICC_HPPIR1_EL1), kSpurious);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, kSpurious); // ignored
    EXPECT_EQ(g.icc(0, sysreg::ICC_RPR_EL1), 0xffu);
    // Priority 0xff is never signalled.
    g.privateIrq(0, 4, 0xff);
    g.setPending(0, 4);
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), kSpurious);
    // Direction and existence: write-only registers are not readable, and back.
    EXPECT_FALSE(g.gic.readIcc(0, sysreg::ICC_EOIR1_EL1).has_value());
    EXPECT_FALSE(g.gic.readIcc(0, sysreg::ICC_SGI1R_EL1).has_value());
    EXPECT_FALSE(g.gic.writeIcc(0, sysreg::ICC_IAR1_EL1, 0));
    EXPECT_FALSE(g.gic.writeIcc(0, sysreg::ICC_RPR_EL1, 0));
    EXPECT_FALSE(g.gic.readIcc(0, sysreg::MIDR_EL1).has_value());
}

TEST(Gic, SpiRoutingFollowsIrouter) {
    Gic g(4);
    g.enableGroup1();
    g.spi(40, 0x80, /*irouter=*/2);
    EXPECT_EQ(g.dread(GICD_IROUTER + 8 * 40, 8), 2u);
    g.gic.setSpiLevel(40, true);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>{false, false, true, false}));
    g.dwrite(GICD_IROUTER + 8 * 40, 1, 8);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>{false, true, false, false}));
    // Aff1 = 1 matches no core: the SPI stays pending, undelivered.
    g.dwrite(GICD_IROUTER + 8 * 40 + 0, 0x100, 4);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>(4, false)));
    // IRM = 1: the lowest-numbered core with Group 1 enabled.
    g.dwrite(GICD_IROUTER + 8 * 40, u64{1} << 31, 8);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>{true, false, false, false}));
    g.setIcc(0, sysreg::ICC_IGRPEN1_EL1, 0);
    EXPECT_EQ(g.lines.irq, (std::vector<bool>{false, true, false, false}));
    EXPECT_EQ(g.icc(1, sysreg::ICC_IAR1_EL1), 40u);
    EXPECT_EQ(g.dread(GICD_ISACTIVER + 4), 1u << 8);
    g.setIcc(1, sysreg::ICC_EOIR1_EL1, 40);
    EXPECT_EQ(g.dread(GICD_ISACTIVER + 4), 0u);
    EXPECT_TRUE(g.lines.irq[1]); // level still high
    // The 32-bit halves of IROUTER, and its RES0 bits.
    g.dwrite(GICD_IROUTER + 8 * 41, 0xffff'ffff, 4);
    g.dwrite(GICD_IROUTER + 8 * 41 + 4, 0xffff'ffff, 4);
    EXPECT_EQ(g.dread(GICD_IROUTER + 8 * 41, 8), 0xff'80ff'ffffu);
    EXPECT_EQ(g.dread(GICD_IROUTER + 8 * 41 + 4, 4), 0xffu);
    // No IROUTER for SGIs/PPIs or INTIDs beyond 287.
    g.dwrite(GICD_IROUTER + 8 * 31, 3, 8);
    g.dwrite(GICD_IROUTER + 8 * 288, 3, 8);
    EXPECT_EQ(g.dread(GICD_IROUTER + 8 * 31, 8), 0u);
    EXPECT_EQ(g.dread(GICD_IROUTER + 8 * 288, 8), 0u);
    EXPECT_EQ(g.gic.invalidAccesses(), 0u);
}

TEST(Gic, EdgeTriggeredSpiLatchesRisingEdges) {
    Gic g(1);
    g.enableGroup1();
    g.spi(33, 0x80, 0);
    g.dwrite(GICD_ICFGR + 8, 0x2 << 2); // INTID 33 edge-triggered (ICFGR2 covers 32..47)
    EXPECT_EQ(g.dread(GICD_ICFGR + 8), 0x8u);
    g.gic.setSpiLevel(33, true);
    g.gic.setSpiLevel(33, false);
    EXPECT_TRUE(g.lines.irq[0]); // latched
    EXPECT_EQ(g.icc(0, sysreg::ICC_IAR1_EL1), 33u);
    g.setIcc(0, sysreg::ICC_EOIR1_EL1, 33);
    EXPECT_FALSE(g.lines.irq[0]);
    g.gic.setSpiLevel(33, true); // a new edge
    EXPECT_TRUE(g.lines.irq[0]);
}

TEST(Gic, PriorityRegistersAreByteAccessible) {
    Gic g(2);
    g.dwrite(GICD_IPRIORITYR + 41, 0xa8, 1);
    EXPECT_EQ(g.dread(GICD_IPRIORITYR + 40), 0xa800u);
    EXPECT_EQ(g.dread(GICD_IPRIORITYR + 41, 1), 0xa8u);
    g.dwrite(GICD_IPRIORITYR + 44, 0x11223344);
    EXPECT_EQ(g.dread(GICD_IPRIORITYR + 46, 1), 0x22u);
    // All 8 bits are kept, as in QEMU.
    g.dwrite(GICD_IPRIORITYR + 48, 0xff, 1);
    EXPECT_EQ(g.dread(GICD_IPRIORITYR + 48, 1), 0xffu);
    g.rwrite(1, GICR_IPRIORITYR0 + 27, 0x5c, 1);
    EXPECT_EQ(g.rread(1, GICR_IPRIORITYR0 + 24), 0x5c00'0000u);
    EXPECT_EQ(g.rread(0, GICR_IPRIORITYR0 + 24), 0u);
    // SGI/PPI priorities live in the Redistributors: RAZ/WI in the Distributor.
    g.dwrite(GICD_IPRIORITYR + 4, 0xffff'ffff);
    EXPECT_EQ(g.dread(GICD_IPRIORITYR + 4), 0u);
    EXPECT_EQ(g.gic.invalidAccesses(), 0u);
}

TEST(Gic, DistributorIgnoresSgisAndPpisAndBadAccesses) {
    Gic g(1);
    g.dwrite(GICD_ISENABLER, 0xffff'ffff);
    g.dwrite(GICD_IGROUPR, 0xffff'ffff);
    EXPECT_EQ(g.dread(GICD_ISENABLER), 0u);
    EXPECT_EQ(g.dread(GICD_IGROUPR), 0u);
    EXPECT_EQ(g.rread(0, GICR_ISENABLER0), 0u);
    EXPECT_EQ(g.gic.invalidAccesses(), 0u);
    EXPECT_EQ(g.dread(0x000c), 0u);                // reserved
    EXPECT_EQ(g.dread(GICD_CTLR, 2), 0u);          // halfword
    EXPECT_EQ(g.dread(GICD_ISENABLER + 4, 8), 0u); // doubleword outside IROUTER
    g.rwrite(0, GICR_TYPER, 0, 8);                 // read-only
    g.rwrite(0, 0x20000 - 4, 1);                   // reserved, end of the SGI frame
    EXPECT_EQ(g.gic.invalidAccesses(), 5u);
}

// A state worth saving: an active SPI, a pending SGI behind it, a high PPI line, EOImode.
void buildState(Gic& g) {
    g.enableGroup1();
    g.enableGroup0();
    g.spi(100, 0x40, 1);
    g.privateIrq(1, 6, 0x80);
    g.privateIrq(0, 30, 0x90);
    g.privateIrq(0, 2, 0x30, /*group=*/0);
    g.setIcc(1, sysreg::ICC_CTLR_EL1, 0x2);
    g.gic.setSpiLevel(100, true);
    EXPECT_EQ(g.icc(1, sysreg::ICC_IAR1_EL1), 100u);
    g.sgi1(0, 6, 0b10);
    g.gic.setPpiLevel(0, 30, true);
    g.setPending(0, 2);
}

// Drives both GICs the same way and compares what software sees.
void expectSameBehaviour(Gic& a, Gic& b) {
    for (unsigned c = 0; c < a.gic.cpus(); ++c) {
        SCOPED_TRACE(c);
        EXPECT_EQ(a.lines.irq[c], b.lines.irq[c]);
        EXPECT_EQ(a.lines.fiq[c], b.lines.fiq[c]);
        for (u32 key : {sysreg::ICC_RPR_EL1, sysreg::ICC_HPPIR1_EL1, sysreg::ICC_HPPIR0_EL1,
                        sysreg::ICC_CTLR_EL1, sysreg::ICC_PMR_EL1, sysreg::ICC_AP1R0_EL1})
            EXPECT_EQ(a.icc(c, key), b.icc(c, key)) << key;
        for (u64 off : {GICR_ISPENDR0, GICR_ISACTIVER0, GICR_IGROUPR0, GICR_WAKER})
            EXPECT_EQ(a.rread(c, off), b.rread(c, off));
    }
    for (unsigned c = 0; c < a.gic.cpus(); ++c) {
        EXPECT_EQ(a.icc(c, sysreg::ICC_IAR0_EL1), b.icc(c, sysreg::ICC_IAR0_EL1));
        EXPECT_EQ(a.icc(c, sysreg::ICC_IAR1_EL1), b.icc(c, sysreg::ICC_IAR1_EL1));
    }
    a.setIcc(1, sysreg::ICC_EOIR1_EL1, 100);
    b.setIcc(1, sysreg::ICC_EOIR1_EL1, 100);
    a.setIcc(1, sysreg::ICC_DIR_EL1, 100);
    b.setIcc(1, sysreg::ICC_DIR_EL1, 100);
    EXPECT_EQ(a.lines.irq, b.lines.irq);
    EXPECT_EQ(a.icc(1, sysreg::ICC_IAR1_EL1), b.icc(1, sysreg::ICC_IAR1_EL1));
    EXPECT_EQ(a.dread(GICD_ISACTIVER + 12), b.dread(GICD_ISACTIVER + 12));
}

TEST(Gic, SaveLoadRoundTripRestoresBehaviour) {
    Gic a(2);
    buildState(a);
    StateWriter w;
    a.gic.save(w);
    const std::vector<u8> snapshot = w.data();

    Gic b(2); // a second, independent GIC in the same process
    StateReader r(snapshot);
    b.gic.load(r);
    EXPECT_TRUE(r.atEnd());
    // Loading drives the lines to the restored outputs.
    EXPECT_EQ(b.lines.irq, a.lines.irq);
    EXPECT_EQ(b.lines.fiq, a.lines.fiq);
    EXPECT_TRUE(b.lines.fiq[0]); // SGI 2, Group 0
    StateWriter w2;
    b.gic.save(w2);
    EXPECT_EQ(w2.data(), snapshot);

    expectSameBehaviour(a, b);

    // Changing one GIC leaves the other alone.
    Gic c(2);
    c.gic.setPending(0, 1);
    c.enableGroup1();
    EXPECT_EQ(a.rread(0, GICR_ISPENDR0) & 2u, 0u);
}

TEST(Gic, LoadRejectsAnotherShape) {
    Gic a(2);
    StateWriter w;
    a.gic.save(w);
    Gic b(3);
    StateReader r(w.data());
    EXPECT_THROW(b.gic.load(r), SnapshotError);
}

TEST(Gic, InputsAreChecked) {
    Gic g(2);
    EXPECT_THROW(g.gic.setPpiLevel(0, 15, true), std::out_of_range);
    EXPECT_THROW(g.gic.setPpiLevel(2, 30, true), std::out_of_range);
    EXPECT_THROW(g.gic.setSpiLevel(31, true), std::out_of_range);
    EXPECT_THROW(g.gic.setSpiLevel(288, true), std::out_of_range);
    EXPECT_THROW(g.gic.setPending(0, 288), std::out_of_range);
    FakeLines lines(1);
    EXPECT_THROW(GicV3(0, lines), std::invalid_argument);
}

} // namespace
} // namespace cmodx::sim
