// Arm Generic Interrupt Controller v3, as QEMU's virt board builds it for
// `-M virt,gic-version=3` without EL3: a single Security state (GICD_CTLR.DS = 1), affinity
// routing always enabled (ARE = 1), no LPIs and no ITS. It has three parts:
//  - the Distributor (MMIO): SPIs, INTID 32..287;
//  - one Redistributor per core (MMIO, an RD_base frame and an SGI_base frame): that core's
//    SGIs (INTID 0..15) and PPIs (INTID 16..31);
//  - one CPU interface per core, reached through the ICC_* system registers.
// Interrupt groups: Group 0 is signalled as FIQ, Group 1 (Non-secure Group 1 in the spec's
// terms; with DS = 1 there is no Secure Group 1) as IRQ.
#pragma once

#include "sim/memory.h"
#include "sim/snapshot.h"

#include <array>
#include <optional>
#include <vector>

namespace cmodx::sim {

// What the GIC drives: the IRQ and FIQ inputs of each core (index = core number).
class InterruptLines {
public:
    virtual ~InterruptLines() = default;
    virtual void setIrq(unsigned cpu, bool asserted) = 0;
    virtual void setFiq(unsigned cpu, bool asserted) = 0;
};

class GicV3 {
public:
    static constexpr u64 kDistributorBase = 0x0800'0000, kDistributorSize = 0x1'0000;
    // Each core has an RD_base frame followed by an SGI_base frame, 64 KiB each.
    static constexpr u64 kRedistributorBase = 0x080A'0000, kRedistributorStride = 0x2'0000;
    // INTIDs 0..255, as QEMU 7.2's virt board reports (GICD_TYPER.ITLinesNumber = 7): 224 SPIs.
    static constexpr unsigned kSpiCount = 224;
    static constexpr unsigned kIntidCount = 32 + kSpiCount; // SGIs + PPIs + SPIs
    static constexpr unsigned kSpuriousIntid = 1023;
    // Affinity values are Aff0 = core number (Aff1..3 = 0), so at most 256 cores.
    static constexpr unsigned kMaxCpus = 256;

    GicV3(unsigned cpus, InterruptLines& lines);
    // The MMIO frames refer back to this object.
    GicV3(const GicV3&) = delete;
    GicV3& operator=(const GicV3&) = delete;

    unsigned cpus() const { return cpus_; }
    Device& distributor() { return distributor_device_; } // at kDistributorBase, kDistributorSize
    Device& redistributors() { return redistributor_device_; } // at kRedistributorBase
    u64 redistributorsSize() const { return cpus_ * kRedistributorStride; }

    // CPU interface through ICC_* system registers. nullopt / false: `key` is not an ICC register
    // this model has, or not in that direction (reading a write-only register, writing a
    // read-only one), so the access is UNDEFINED. (The core checks EL0 access itself.)
    // Reading ICC_IAR0/1_EL1 acknowledges the interrupt it returns.
    std::optional<u64> readIcc(unsigned cpu, u32 key);
    bool writeIcc(unsigned cpu, u32 key, u64 value);

    // Inputs from devices and the machine.
    void setPpiLevel(unsigned cpu, unsigned intid, bool level); // INTID 16..31 of `cpu`
    void setSpiLevel(unsigned intid, bool level);               // INTID 32..287
    // Makes an SGI/PPI (of `cpu`) or an SPI pending as if an edge arrived (fault injection).
    void setPending(unsigned cpu, unsigned intid);

    bool irqAsserted(unsigned cpu) const { return cpuif_.at(cpu).irq_out; }
    bool fiqAsserted(unsigned cpu) const { return cpuif_.at(cpu).fiq_out; }

    // MMIO accesses QEMU reports as guest errors: reserved offsets, unsupported access sizes,
    // writes to read-only registers. They read as zero and are otherwise ignored. Diagnostic
    // only: not part of the snapshot.
    u64 invalidAccesses() const { return invalid_accesses_; }

    void save(StateWriter&) const;
    // Restores the state and re-drives every InterruptLines output to match it.
    void load(StateReader&);

private:
    // Interrupt state of 32 consecutive INTIDs, one bit per interrupt.
    struct Bank {
        u32 group = 0; // 1: Group 1 (IRQ); 0: Group 0 (FIQ)
        u32 enabled = 0;
        u32 latch = 0; // pending latch: edges, SGIs, GICD_ISPENDR writes
        u32 level = 0; // input line level
        u32 active = 0;
        u32 edge = 0; // 1: edge-triggered, 0: level-sensitive
        // A level-sensitive interrupt is also pending while its line is high.
        u32 pending() const { return latch | (level & ~edge); }
    };
    struct Redistributor {
        Bank bank; // SGIs and PPIs
        std::array<u8, 32> priority{};
        u32 waker;
    };
    struct CpuInterface {
        u8 pmr = 0;
        u8 bpr0, bpr1;
        u32 ctlr = 0; // the writable ICC_CTLR_EL1 bits: CBPR, EOImode
        bool igrpen0 = false, igrpen1 = false;
        u32 apr0 = 0, apr1 = 0; // ICC_AP0R0_EL1, ICC_AP1R0_EL1: one bit per group priority
        bool irq_out = false, fiq_out = false; // what the lines were last driven to
    };
    // The highest-priority pending interrupt (HPPI) of a CPU interface.
    struct Candidate {
        unsigned intid = kSpuriousIntid;
        u8 priority = 0xff; // 0xff: none
        unsigned group = 0;
        bool valid() const { return intid != kSpuriousIntid; }
    };

    class DistributorDevice final : public Device {
    public:
        explicit DistributorDevice(GicV3& gic) : gic_(gic) {}
        std::string name() const override { return "gicv3-distributor"; }
        u64 read(u64 offset, unsigned size) override { return gic_.distributorRead(offset, size); }
        void write(u64 offset, unsigned size, u64 value) override {
            gic_.distributorWrite(offset, size, value);
        }

    private:
        GicV3& gic_;
    };
    class RedistributorDevice final : public Device {
    public:
        explicit RedistributorDevice(GicV3& gic) : gic_(gic) {}
        std::string name() const override { return "gicv3-redistributors"; }
        u64 read(u64 offset, unsigned size) override {
            return gic_.redistributorRead(offset, size);
        }
        void write(u64 offset, unsigned size, u64 value) override {
            gic_.redistributorWrite(offset, size, value);
        }

    private:
        GicV3& gic_;
    };

    // MMIO.
    u64 distributorRead(u64 offset, unsigned size);
    void distributorWrite(u64 offset, unsigned size, u64 value);
    u64 redistributorRead(u64 offset, unsigned size);
    void redistributorWrite(u64 offset, unsigned size, u64 value);
    std::optional<u32> distributorRead32(u64 offset) const;
    bool distributorWrite32(u64 offset, u32 value);
    std::optional<u32> redistributorRead32(unsigned cpu, u64 offset) const;
    bool redistributorWrite32(unsigned cpu, u64 offset, u32 value);
    Bank* spiBank(unsigned n); // bank n of the distributor bitmaps (INTID 32n..), null if none
    const Bank* spiBank(unsigned n) const;

    // Interrupt state.
    Bank& bankOf(unsigned cpu, unsigned intid);
    u8 priorityOf(unsigned cpu, unsigned intid) const;
    std::optional<unsigned> spiTarget(unsigned intid, unsigned group) const;
    bool groupEnabled(unsigned cpu, unsigned group) const;

    // CPU interface.
    u32 groupPriorityMask(unsigned cpu, unsigned group) const;
    u8 runningPriority(unsigned cpu) const;
    bool canSignal(unsigned cpu) const;
    u64 acknowledge(unsigned cpu, unsigned group);
    u64 highestPending(unsigned cpu, unsigned group) const;
    void endOfInterrupt(unsigned cpu, unsigned group, u64 value);
    void deactivate(unsigned cpu, u64 intid);
    void generateSgi(unsigned cpu, u64 value, unsigned group);

    // Recomputes every core's HPPI and drives the lines whose value changed.
    void update();

    unsigned cpus_;
    InterruptLines& lines_;
    u32 gicd_ctlr_ = 0; // EnableGrp0, EnableGrp1: the only writable GICD_CTLR bits
    std::array<Bank, kSpiCount / 32> spi_{};
    std::array<u8, kSpiCount> spi_priority_{};
    std::array<u64, kSpiCount> irouter_{};
    std::vector<Redistributor> redist_;
    std::vector<CpuInterface> cpuif_;
    std::vector<Candidate> hppi_; // derived from the state above by update()
    u64 invalid_accesses_ = 0;
    DistributorDevice distributor_device_{*this};
    RedistributorDevice redistributor_device_{*this};
};

} // namespace cmodx::sim
