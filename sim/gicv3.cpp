#include "sim/gicv3.h"

#include "isa/aarch64/sysreg.h"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace cmodx::sim {

namespace {

using isa::bit;
using isa::bits;
namespace sysreg = isa::sysreg;

// Distributor register offsets (GICv3 spec, GICD_* register map).
constexpr u64 kGICD_CTLR = 0x0000, kGICD_TYPER = 0x0004, kGICD_IIDR = 0x0008,
              kGICD_STATUSR = 0x0010, kGICD_IPRIORITYR = 0x0400, kGICD_ITARGETSR = 0x0800,
              kGICD_ICFGR = 0x0c00, kGICD_IGRPMODR = 0x0d00, kGICD_NSACR = 0x0e00,
              kGICD_SGIR = 0x0f00, kGICD_CPENDSGIR = 0x0f10, kGICD_SPENDSGIR = 0x0f20,
              kGICD_IROUTER = 0x6000;
// Redistributor RD_base frame.
constexpr u64 kGICR_CTLR = 0x0000, kGICR_IIDR = 0x0004, kGICR_TYPER = 0x0008,
              kGICR_STATUSR = 0x0010, kGICR_WAKER = 0x0014;
// Redistributor SGI_base frame, as offsets from the start of the core's RD_base frame.
constexpr u64 kSgiBase = 0x1'0000;
constexpr u64 kGICR_IPRIORITYR = kSgiBase + 0x0400, kGICR_ICFGR0 = kSgiBase + 0x0c00,
              kGICR_ICFGR1 = kSgiBase + 0x0c04, kGICR_IGRPMODR0 = kSgiBase + 0x0d00,
              kGICR_NSACR = kSgiBase + 0x0e00;
// Both kinds of frame end with the CoreSight identification registers PIDR4..7, PIDR0..3,
// CIDR0..3. PIDR2.ArchRev = 3 (GICv3); PIDR0 tells the frames apart. Values as QEMU (an Arm
// GIC-500 look-alike).
constexpr u64 kIdRegs = 0xffd0;
constexpr u64 kPidr0 = kIdRegs + 0x10; // entry 4 below, the one that differs per frame
constexpr u8 kIdValues[12] = {0x44, 0x00, 0x00, 0x00, 0x00, 0xb4,
                              0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
constexpr u8 kDistributorPidr0 = 0x92, kRedistributorPidr0 = 0x93;

// GICD_IIDR and GICR_IIDR: implementer Arm (JEP106 0x43b), product 0, r0p0.
constexpr u32 kIidr = 0x43b;

// GICD_CTLR with DS = 1: EnableGrp0 [0], EnableGrp1 [1] writable; ARE [4] and DS [6] RAO/WI;
// RWP [31] reads 0 because every write takes effect at once.
constexpr u32 kCtlrEnableGrp0 = 1u << 0, kCtlrEnableGrp1 = 1u << 1, kCtlrAre = 1u << 4,
              kCtlrDs = 1u << 6;

// GICD_TYPER, the value QEMU 7.2's virt board reports (a guest sees no difference):
// ITLinesNumber [4:0] = 7 (INTIDs up to 255); CPUNumber = 0 (ARE = 1); SecurityExtn = 0
// (DS = 1); LPIS [17] = 1 and IDbits [23:19] = 15 as QEMU with its ITS, although this model
// has no LPIs (docs/platform.md); A3V [24] = 1; No1N [25] = 1: guests must not rely on
// GICD_IROUTER.IRM = 1 routing (which this model nevertheless implements).
constexpr u32 kGicdTyper = (GicV3::kIntidCount / 32 - 1) | 1u << 17 | 15u << 19 | 1u << 24 |
                           1u << 25;

// GICD_IROUTER: Aff0..Aff2 [23:0], Interrupt_Routing_Mode [31], Aff3 [39:32]; the rest RES0.
constexpr u64 kIrouterIrm = u64{1} << 31;
constexpr u64 kIrouterMask = u64{0xff} << 32 | kIrouterIrm | 0xff'ffff;

// GICR_WAKER: ProcessorSleep [1], ChildrenAsleep [2]. Both set at reset; software clears
// ProcessorSleep and waits for ChildrenAsleep to follow, which here it does at once.
constexpr u32 kWakerProcessorSleep = 1u << 1, kWakerChildrenAsleep = 1u << 2;

// The CPU interface implements 5 priority bits and 5 preemption bits, as the Cortex-A53's
// (QEMU: gic_pribits = 5). Priorities in the Distributor and Redistributors keep all 8 bits, as
// QEMU's do; ICC_PMR_EL1 keeps the top 5. Group priorities are 5-bit indexes into the single
// 32-bit active-priorities register of each group.
constexpr unsigned kPreemptionBits = 5;
constexpr u8 kPmrMask = 0xf8;
constexpr unsigned kMinBpr0 = 7 - kPreemptionBits; // group priority [7:3]
constexpr unsigned kMinBpr1 = kMinBpr0 + 1;        // BPR1 counts one higher for the same split
constexpr u8 kIdlePriority = 0xff;

// ICC_CTLR_EL1: CBPR [0] and EOImode [1] writable; PRIbits [10:8] = 5 - 1, IDbits [13:11] = 1
// (24-bit INTIDs, as QEMU reports) and A3V [15] read-only.
constexpr u32 kIccCtlrCbpr = 1u << 0, kIccCtlrEoiMode = 1u << 1;
constexpr u32 kIccCtlrReadOnly = (kPreemptionBits - 1) << 8 | 1u << 11 | 1u << 15;

// ICC_SRE_EL1: SRE, DFB, DIB all RAO/WI: the system register interface is always on.
constexpr u64 kIccSre = 0x7;

constexpr bool inRange(u64 offset, u64 base, u64 size) {
    return offset >= base && offset - base < size;
}

// GICD_CPENDSGIR<n> and GICD_SPENDSGIR<n>: byte-wide, and RAZ/WI with affinity routing.
constexpr bool isSgiPendingReg(u64 offset) {
    return inRange(offset, kGICD_CPENDSGIR, 0x10) || inRange(offset, kGICD_SPENDSGIR, 0x10);
}

// The one-bit-per-INTID registers. They have the same layout in the Distributor (register n
// covers INTID 32n..32n+31) and in the SGI_base frame (register 0 only).
enum class BitReg {
    Group,
    SetEnable,
    ClearEnable,
    SetPending,
    ClearPending,
    SetActive,
    ClearActive
};
constexpr u64 kBitRegsBase = 0x0080, kBitRegsEnd = 0x0400;

BitReg bitRegAt(u64 offset) { return static_cast<BitReg>((offset - kBitRegsBase) >> 7); }
unsigned bitRegIndex(u64 offset) { return (offset & 0x7f) >> 2; }

template <typename BankT>
u32 readBits(const BankT& b, BitReg r) {
    switch (r) {
    case BitReg::Group: return b.group;
    case BitReg::SetEnable:
    case BitReg::ClearEnable: return b.enabled;
    case BitReg::SetPending:
    case BitReg::ClearPending: return b.pending();
    case BitReg::SetActive:
    case BitReg::ClearActive: return b.active;
    }
    return 0;
}

// Clearing the pending state clears only the latch: a level-sensitive interrupt whose line is
// still high stays pending.
template <typename BankT>
void writeBits(BankT& b, BitReg r, u32 v) {
    switch (r) {
    case BitReg::Group: b.group = v; break;
    case BitReg::SetEnable: b.enabled |= v; break;
    case BitReg::ClearEnable: b.enabled &= ~v; break;
    case BitReg::SetPending: b.latch |= v; break;
    case BitReg::ClearPending: b.latch &= ~v; break;
    case BitReg::SetActive: b.active |= v; break;
    case BitReg::ClearActive: b.active &= ~v; break;
    }
}

// ICFGR: two bits per INTID, bit 2k+1 set = edge-triggered; the even bits are RES0.
u32 icfgrFromEdge(u32 edge16) {
    u32 v = 0;
    for (unsigned k = 0; k < 16; ++k)
        if (edge16 >> k & 1) v |= 2u << (2 * k);
    return v;
}
u32 edgeFromIcfgr(u32 icfgr) {
    u32 e = 0;
    for (unsigned k = 0; k < 16; ++k)
        if (icfgr >> (2 * k + 1) & 1) e |= 1u << k;
    return e;
}

// The affinity of core `cpu`, packed Aff3:Aff2:Aff1:Aff0 as in GICR_TYPER[63:32].
constexpr u32 affinityOf(unsigned cpu) { return cpu; }

} // namespace

GicV3::GicV3(unsigned cpus, InterruptLines& lines)
    : cpus_(cpus), lines_(lines), redist_(cpus), cpuif_(cpus), hppi_(cpus) {
    if (cpus == 0 || cpus > kMaxCpus)
        throw std::invalid_argument("GicV3: unsupported number of cores " + std::to_string(cpus));
    // Reset values as QEMU: every interrupt Group 0, disabled, priority 0, IROUTER 0; SPIs and
    // PPIs level-sensitive, SGIs edge-triggered (fixed).
    for (auto& r : redist_) {
        r.bank.edge = 0xffff;
        r.waker = kWakerProcessorSleep | kWakerChildrenAsleep;
    }
    for (auto& c : cpuif_) {
        c.bpr0 = kMinBpr0;
        c.bpr1 = kMinBpr1;
    }
}

// ---- Inputs ----

void GicV3::setPpiLevel(unsigned cpu, unsigned intid, bool level) {
    if (cpu >= cpus_ || intid < 16 || intid >= 32)
        throw std::out_of_range("GicV3::setPpiLevel: no PPI " + std::to_string(intid));
    Bank& b = redist_[cpu].bank;
    const u32 m = 1u << intid;
    if (bool(b.level & m) == level) return;
    b.level ^= m;
    if (level && (b.edge & m)) b.latch |= m; // a rising edge latches an edge-triggered PPI
    update();
}

void GicV3::setSpiLevel(unsigned intid, bool level) {
    if (intid < 32 || intid >= kIntidCount)
        throw std::out_of_range("GicV3::setSpiLevel: no SPI " + std::to_string(intid));
    Bank& b = spi_[(intid - 32) / 32];
    const u32 m = 1u << (intid % 32);
    if (bool(b.level & m) == level) return;
    b.level ^= m;
    if (level && (b.edge & m)) b.latch |= m;
    update();
}

void GicV3::setPending(unsigned cpu, unsigned intid) {
    if (cpu >= cpus_ || intid >= kIntidCount)
        throw std::out_of_range("GicV3::setPending: no INTID " + std::to_string(intid));
    bankOf(cpu, intid).latch |= 1u << (intid % 32);
    update();
}

// ---- Interrupt state ----

GicV3::Bank& GicV3::bankOf(unsigned cpu, unsigned intid) {
    return intid < 32 ? redist_[cpu].bank : spi_[(intid - 32) / 32];
}

u8 GicV3::priorityOf(unsigned cpu, unsigned intid) const {
    return intid < 32 ? redist_[cpu].priority[intid] : spi_priority_[intid - 32];
}

GicV3::Bank* GicV3::spiBank(unsigned n) {
    return n >= 1 && n <= spi_.size() ? &spi_[n - 1] : nullptr;
}
const GicV3::Bank* GicV3::spiBank(unsigned n) const {
    return n >= 1 && n <= spi_.size() ? &spi_[n - 1] : nullptr;
}

// The core an SPI is forwarded to. IRM = 0: the core whose affinity matches GICD_IROUTER (none
// if no core has it). IRM = 1 ("any participating core"): the lowest-numbered core whose CPU
// interface has the interrupt's group enabled, so the choice is deterministic.
std::optional<unsigned> GicV3::spiTarget(unsigned intid, unsigned group) const {
    const u64 r = irouter_[intid - 32];
    if (r & kIrouterIrm) {
        for (unsigned c = 0; c < cpus_; ++c)
            if (group ? cpuif_[c].igrpen1 : cpuif_[c].igrpen0) return c;
        return std::nullopt;
    }
    const u32 aff = static_cast<u32>(bits(r, 23, 0) | bits(r, 39, 32) << 24);
    for (unsigned c = 0; c < cpus_; ++c)
        if (affinityOf(c) == aff) return c;
    return std::nullopt;
}

// A group takes part in prioritisation only when enabled in both the Distributor
// (GICD_CTLR.EnableGrpN) and the core's CPU interface (ICC_IGRPENn_EL1): a CPU interface with a
// group disabled does not hold on to that group's interrupts.
bool GicV3::groupEnabled(unsigned cpu, unsigned group) const {
    if (group) return (gicd_ctlr_ & kCtlrEnableGrp1) && cpuif_[cpu].igrpen1;
    return (gicd_ctlr_ & kCtlrEnableGrp0) && cpuif_[cpu].igrpen0;
}

void GicV3::update() {
    // Highest-priority pending interrupt per core: pending, enabled, not active, group enabled.
    // Lower priority value wins, then lower INTID. Priority 0xff is never signalled (no PMR
    // value admits it), so it is not a candidate, as in QEMU.
    auto consider = [](Candidate& best, unsigned intid, u8 priority, unsigned group) {
        if (priority == kIdlePriority) return;
        if (priority < best.priority || (priority == best.priority && intid < best.intid))
            best = {intid, priority, group};
    };
    std::fill(hppi_.begin(), hppi_.end(), Candidate{});
    for (unsigned n = 0; n < spi_.size(); ++n) {
        const Bank& b = spi_[n];
        for (u32 m = b.pending() & b.enabled & ~b.active; m; m &= m - 1) {
            const unsigned intid = 32 * (n + 1) + std::countr_zero(m);
            const unsigned group = bit(b.group, intid % 32);
            const auto target = spiTarget(intid, group);
            if (target && groupEnabled(*target, group))
                consider(hppi_[*target], intid, priorityOf(*target, intid), group);
        }
    }
    for (unsigned c = 0; c < cpus_; ++c) {
        const Redistributor& r = redist_[c];
        for (u32 m = r.bank.pending() & r.bank.enabled & ~r.bank.active; m; m &= m - 1) {
            const unsigned intid = std::countr_zero(m);
            const unsigned group = bit(r.bank.group, intid);
            if (groupEnabled(c, group)) consider(hppi_[c], intid, priorityOf(c, intid), group);
        }
    }

    // A signalled Group 0 interrupt is an FIQ, a Group 1 interrupt an IRQ.
    for (unsigned c = 0; c < cpus_; ++c) {
        CpuInterface& ci = cpuif_[c];
        const bool signal = canSignal(c);
        const bool irq = signal && hppi_[c].group == 1, fiq = signal && hppi_[c].group == 0;
        if (irq != ci.irq_out) {
            ci.irq_out = irq;
            lines_.setIrq(c, irq);
        }
        if (fiq != ci.fiq_out) {
            ci.fiq_out = fiq;
            lines_.setFiq(c, fiq);
        }
    }
}

// ---- CPU interface ----

// The group priority bits of a priority (the spec's GroupBits). ICC_BPR0_EL1 = n splits the
// priority into group priority [7:n+1] and subpriority [n:0]; ICC_BPR1_EL1 = n into [7:n] and
// [n-1:0]. With ICC_CTLR_EL1.CBPR = 1, Group 1 uses ICC_BPR0_EL1.
u32 GicV3::groupPriorityMask(unsigned cpu, unsigned group) const {
    const CpuInterface& ci = cpuif_[cpu];
    if (group == 0 || (ci.ctlr & kIccCtlrCbpr)) return (0xffu << (ci.bpr0 + 1)) & 0xff;
    return (0xffu << ci.bpr1) & 0xff;
}

// The running priority: the group priority of the highest-priority active interrupt, from the
// lowest bit set in the active-priorities registers; idle (0xff) when none is active.
u8 GicV3::runningPriority(unsigned cpu) const {
    const u32 apr = cpuif_[cpu].apr0 | cpuif_[cpu].apr1;
    if (apr == 0) return kIdlePriority;
    return static_cast<u8>(std::countr_zero(apr) << (8 - kPreemptionBits));
}

// The HPPI is signalled when its priority is above the priority mask and its group priority is
// above the running priority (only the group priority preempts; subpriority does not).
bool GicV3::canSignal(unsigned cpu) const {
    const Candidate& h = hppi_[cpu];
    if (!h.valid() || h.priority >= cpuif_[cpu].pmr) return false;
    const u8 running = runningPriority(cpu);
    if (running == kIdlePriority) return true;
    const u32 mask = groupPriorityMask(cpu, h.group);
    return (h.priority & mask) < (running & mask);
}

// ICC_HPPIR0/1_EL1: the HPPI if it belongs to `group`, whether or not it could be signalled.
u64 GicV3::highestPending(unsigned cpu, unsigned group) const {
    const Candidate& h = hppi_[cpu];
    return h.valid() && h.group == group ? h.intid : kSpuriousIntid;
}

// ICC_IAR0/1_EL1: acknowledges the HPPI if it could be signalled and belongs to `group`: it
// becomes active (and no longer latched pending) and its group priority becomes the running
// priority. Otherwise the read returns the spurious INTID and changes nothing.
u64 GicV3::acknowledge(unsigned cpu, unsigned group) {
    const Candidate h = hppi_[cpu];
    if (!canSignal(cpu) || h.group != group) return kSpuriousIntid;
    CpuInterface& ci = cpuif_[cpu];
    const unsigned apr_bit = (h.priority & groupPriorityMask(cpu, group)) >> (8 - kPreemptionBits);
    (group ? ci.apr1 : ci.apr0) |= 1u << apr_bit;
    Bank& b = bankOf(cpu, h.intid);
    const u32 m = 1u << (h.intid % 32);
    b.active |= m;
    b.latch &= ~m;
    update();
    return h.intid;
}

// ICC_EOIR0/1_EL1: priority drop, and with EOImode = 0 deactivation too. Software must write
// the INTID it acknowledged last in that group; the dropped priority is the running one (the
// lowest set active-priority bit). Writes that cannot match an acknowledge (special INTIDs,
// INTIDs this GIC lacks, a group other than that of the running priority) are ignored, the
// choice QEMU makes for these UNPREDICTABLE cases.
void GicV3::endOfInterrupt(unsigned cpu, unsigned group, u64 value) {
    const u64 intid = bits(value, 23, 0);
    if (intid >= kIntidCount) return;
    CpuInterface& ci = cpuif_[cpu];
    if ((ci.apr0 | ci.apr1) == 0) return;
    // The group of the running priority; Group 0 wins a tie.
    const unsigned running_group = std::countr_zero(ci.apr1) < std::countr_zero(ci.apr0) ? 1 : 0;
    if (running_group != group) return;
    u32& apr = group ? ci.apr1 : ci.apr0;
    apr &= apr - 1;
    if (!(ci.ctlr & kIccCtlrEoiMode)) deactivate(cpu, intid);
    update();
}

// Deactivation (ICC_DIR_EL1, or ICC_EOIRn_EL1 with EOImode = 0): the interrupt leaves the
// active state; a level-sensitive one whose line is still high is pending again.
void GicV3::deactivate(unsigned cpu, u64 intid) {
    if (intid >= kIntidCount) return;
    bankOf(cpu, static_cast<unsigned>(intid)).active &= ~(1u << (intid % 32));
}

// ICC_SGI0R_EL1 / ICC_SGI1R_EL1: TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32],
// IRM [40], Aff3 [55:48]. IRM = 1 targets every core but the sender; otherwise the cores
// Aff3.Aff2.Aff1.n for each bit n of TargetList. An SGI is made pending only on targets where
// it is configured in the requested group. RS [47:44] is ignored: GICD_TYPER.RSS = 0.
void GicV3::generateSgi(unsigned cpu, u64 value, unsigned group) {
    const u32 target_list = static_cast<u32>(bits(value, 15, 0));
    const unsigned intid = static_cast<unsigned>(bits(value, 27, 24));
    const bool all_but_self = bit(value, 40);
    const u32 upper_aff = static_cast<u32>(bits(value, 23, 16) << 8 | bits(value, 39, 32) << 16 |
                                           bits(value, 55, 48) << 24);
    for (unsigned t = 0; t < cpus_; ++t) {
        if (all_but_self) {
            if (t == cpu) continue;
        } else {
            const u32 aff = affinityOf(t), aff0 = aff & 0xff;
            if ((aff & ~0xffu) != upper_aff || aff0 > 15 || !(target_list >> aff0 & 1)) continue;
        }
        Bank& b = redist_[t].bank;
        if (bit(b.group, intid) == group) b.latch |= 1u << intid;
    }
    update();
}

std::optional<u64> GicV3::readIcc(unsigned cpu, u32 key) {
    const CpuInterface& ci = cpuif_.at(cpu);
    switch (key) {
    case sysreg::ICC_PMR_EL1: return ci.pmr;
    case sysreg::ICC_IAR0_EL1: return acknowledge(cpu, 0);
    case sysreg::ICC_IAR1_EL1: return acknowledge(cpu, 1);
    case sysreg::ICC_HPPIR0_EL1: return highestPending(cpu, 0);
    case sysreg::ICC_HPPIR1_EL1: return highestPending(cpu, 1);
    case sysreg::ICC_BPR0_EL1: return ci.bpr0;
    // With CBPR = 1, ICC_BPR1_EL1 reads as ICC_BPR0_EL1 + 1 (at most 7).
    case sysreg::ICC_BPR1_EL1: return (ci.ctlr & kIccCtlrCbpr) ? std::min(ci.bpr0 + 1, 7) : ci.bpr1;
    case sysreg::ICC_AP0R0_EL1: return ci.apr0;
    case sysreg::ICC_AP1R0_EL1: return ci.apr1;
    case sysreg::ICC_RPR_EL1: return runningPriority(cpu);
    case sysreg::ICC_CTLR_EL1: return ci.ctlr | kIccCtlrReadOnly;
    case sysreg::ICC_SRE_EL1: return kIccSre;
    case sysreg::ICC_IGRPEN0_EL1: return ci.igrpen0;
    case sysreg::ICC_IGRPEN1_EL1: return ci.igrpen1;
    default: return std::nullopt;
    }
}

bool GicV3::writeIcc(unsigned cpu, u32 key, u64 value) {
    CpuInterface& ci = cpuif_.at(cpu);
    switch (key) {
    case sysreg::ICC_PMR_EL1: ci.pmr = value & kPmrMask; break;
    case sysreg::ICC_EOIR0_EL1: endOfInterrupt(cpu, 0, value); return true;
    case sysreg::ICC_EOIR1_EL1: endOfInterrupt(cpu, 1, value); return true;
    // Values below the minimum binary point read back as the minimum.
    case sysreg::ICC_BPR0_EL1: ci.bpr0 = static_cast<u8>(std::max<u64>(value & 7, kMinBpr0)); break;
    case sysreg::ICC_BPR1_EL1:
        if (ci.ctlr & kIccCtlrCbpr) return true; // writes ignored while BPR0 is shared
        ci.bpr1 = static_cast<u8>(std::max<u64>(value & 7, kMinBpr1));
        break;
    case sysreg::ICC_AP0R0_EL1: ci.apr0 = static_cast<u32>(value); break;
    case sysreg::ICC_AP1R0_EL1: ci.apr1 = static_cast<u32>(value); break;
    // EOImode = 0 makes ICC_DIR_EL1 writes UNPREDICTABLE; they are ignored.
    case sysreg::ICC_DIR_EL1:
        if (ci.ctlr & kIccCtlrEoiMode) deactivate(cpu, bits(value, 23, 0));
        break;
    case sysreg::ICC_SGI0R_EL1: generateSgi(cpu, value, 0); return true;
    case sysreg::ICC_SGI1R_EL1: generateSgi(cpu, value, 1); return true;
    // "Group 1 of the other Security state" is Secure Group 1, which a GIC with DS = 1 treats
    // as Group 0.
    case sysreg::ICC_ASGI1R_EL1: generateSgi(cpu, value, 0); return true;
    case sysreg::ICC_CTLR_EL1: ci.ctlr = value & (kIccCtlrCbpr | kIccCtlrEoiMode); break;
    case sysreg::ICC_SRE_EL1: return true; // RAO/WI
    case sysreg::ICC_IGRPEN0_EL1: ci.igrpen0 = value & 1; break;
    case sysreg::ICC_IGRPEN1_EL1: ci.igrpen1 = value & 1; break;
    default: return false;
    }
    update();
    return true;
}

// ---- Distributor ----

u64 GicV3::distributorRead(u64 offset, unsigned size) {
    if ((size == 1 || size == 4 || size == 8) && offset % size == 0) {
        if (size == 4) {
            if (const auto v = distributorRead32(offset)) return *v;
        } else if (size == 1) {
            if (inRange(offset, kGICD_IPRIORITYR, 0x400)) {
                const u64 intid = offset - kGICD_IPRIORITYR;
                return intid >= 32 && intid < kIntidCount ? spi_priority_[intid - 32] : 0;
            }
            // Byte-wide, and RAZ/WI with affinity routing.
            if (inRange(offset, kGICD_ITARGETSR, 0x400) || isSgiPendingReg(offset)) return 0;
        } else if (inRange(offset, kGICD_IROUTER, 0x2000)) {
            const u64 intid = (offset - kGICD_IROUTER) / 8;
            return intid >= 32 && intid < kIntidCount ? irouter_[intid - 32] : 0;
        }
    }
    ++invalid_accesses_;
    return 0;
}

void GicV3::distributorWrite(u64 offset, unsigned size, u64 value) {
    bool ok = false;
    if ((size == 1 || size == 4 || size == 8) && offset % size == 0) {
        if (size == 4) {
            ok = distributorWrite32(offset, static_cast<u32>(value));
        } else if (size == 1) {
            if (inRange(offset, kGICD_IPRIORITYR, 0x400)) {
                const u64 intid = offset - kGICD_IPRIORITYR;
                if (intid >= 32 && intid < kIntidCount) spi_priority_[intid - 32] = value & 0xff;
                ok = true;
            } else {
                ok = inRange(offset, kGICD_ITARGETSR, 0x400) || isSgiPendingReg(offset);
            }
        } else if (inRange(offset, kGICD_IROUTER, 0x2000)) {
            const u64 intid = (offset - kGICD_IROUTER) / 8;
            if (intid >= 32 && intid < kIntidCount) irouter_[intid - 32] = value & kIrouterMask;
            ok = true;
        }
    }
    if (!ok) ++invalid_accesses_;
    update();
}

std::optional<u32> GicV3::distributorRead32(u64 offset) const {
    switch (offset) {
    case kGICD_CTLR: return gicd_ctlr_ | kCtlrAre | kCtlrDs;
    case kGICD_TYPER: return kGicdTyper;
    case kGICD_IIDR: return kIidr;
    case kGICD_STATUSR: return 0; // optional error reporting, not implemented
    case kGICD_SGIR: return 0;    // write-only, RES0 with affinity routing
    default: break;
    }
    // SGIs and PPIs are configured in the Redistributors when ARE = 1: their bits, bytes and
    // fields here (register 0, IPRIORITYR0..7, ICFGR0..1) are RAZ/WI; so are those of INTIDs
    // this GIC does not have.
    if (inRange(offset, kBitRegsBase, kBitRegsEnd - kBitRegsBase)) {
        const Bank* b = spiBank(bitRegIndex(offset));
        return b ? readBits(*b, bitRegAt(offset)) : 0;
    }
    if (inRange(offset, kGICD_IPRIORITYR, 0x400)) {
        const u64 first = offset - kGICD_IPRIORITYR;
        if (first < 32 || first >= kIntidCount) return 0;
        u32 v = 0;
        for (unsigned k = 0; k < 4; ++k)
            v |= u32{spi_priority_[first - 32 + k]} << (8 * k);
        return v;
    }
    if (inRange(offset, kGICD_ITARGETSR, 0x400)) return 0; // affinity routing: RAZ/WI
    if (inRange(offset, kGICD_ICFGR, 0x100)) {
        const u64 first = (offset - kGICD_ICFGR) * 4; // 16 INTIDs per register
        if (first < 32 || first >= kIntidCount) return 0;
        const u32 edge = spi_[(first - 32) / 32].edge >> (first % 32);
        return icfgrFromEdge(edge & 0xffff);
    }
    // DS = 1: group modifiers and Non-secure access control do not exist.
    if (inRange(offset, kGICD_IGRPMODR, 0x80) || inRange(offset, kGICD_NSACR, 0x100)) return 0;
    if (isSgiPendingReg(offset)) return 0;
    // GICD_IROUTER<n> is 64-bit; 32-bit accesses reach either half.
    if (inRange(offset, kGICD_IROUTER, 0x2000)) {
        const u64 intid = (offset - kGICD_IROUTER) / 8;
        if (intid < 32 || intid >= kIntidCount) return 0;
        return static_cast<u32>(irouter_[intid - 32] >> (offset & 4 ? 32 : 0));
    }
    if (inRange(offset, kIdRegs, 0x30))
        return offset == kPidr0 ? kDistributorPidr0 : kIdValues[(offset - kIdRegs) / 4];
    return std::nullopt;
}

bool GicV3::distributorWrite32(u64 offset, u32 value) {
    switch (offset) {
    case kGICD_CTLR: gicd_ctlr_ = value & (kCtlrEnableGrp0 | kCtlrEnableGrp1); return true;
    case kGICD_STATUSR:
    case kGICD_SGIR: return true;
    default: break;
    }
    if (inRange(offset, kBitRegsBase, kBitRegsEnd - kBitRegsBase)) {
        if (Bank* b = spiBank(bitRegIndex(offset))) writeBits(*b, bitRegAt(offset), value);
        return true;
    }
    if (inRange(offset, kGICD_IPRIORITYR, 0x400)) {
        const u64 first = offset - kGICD_IPRIORITYR;
        if (first >= 32 && first < kIntidCount)
            for (unsigned k = 0; k < 4; ++k)
                spi_priority_[first - 32 + k] = static_cast<u8>(value >> (8 * k));
        return true;
    }
    if (inRange(offset, kGICD_ICFGR, 0x100)) {
        const u64 first = (offset - kGICD_ICFGR) * 4;
        if (first >= 32 && first < kIntidCount) {
            u32& edge = spi_[(first - 32) / 32].edge;
            const unsigned shift = first % 32;
            edge = (edge & ~(0xffffu << shift)) | edgeFromIcfgr(value) << shift;
        }
        return true;
    }
    if (inRange(offset, kGICD_ITARGETSR, 0x400) || inRange(offset, kGICD_IGRPMODR, 0x80) ||
        inRange(offset, kGICD_NSACR, 0x100) || isSgiPendingReg(offset))
        return true;
    if (inRange(offset, kGICD_IROUTER, 0x2000)) {
        const u64 intid = (offset - kGICD_IROUTER) / 8;
        if (intid >= 32 && intid < kIntidCount) {
            u64& r = irouter_[intid - 32];
            const unsigned shift = offset & 4 ? 32 : 0;
            r = ((r & ~(u64{0xffff'ffff} << shift)) | u64{value} << shift) & kIrouterMask;
        }
        return true;
    }
    return false; // reserved, or read-only (TYPER, IIDR, ID registers)
}

// ---- Redistributors ----

u64 GicV3::redistributorRead(u64 offset, unsigned size) {
    const unsigned cpu = static_cast<unsigned>(offset / kRedistributorStride);
    const u64 frame = offset % kRedistributorStride;
    if (cpu < cpus_ && (size == 1 || size == 4 || size == 8) && frame % size == 0) {
        if (size == 4) {
            if (const auto v = redistributorRead32(cpu, frame)) return *v;
        } else if (size == 1) {
            if (inRange(frame, kGICR_IPRIORITYR, 32))
                return redist_[cpu].priority[frame - kGICR_IPRIORITYR];
        } else if (frame == kGICR_TYPER) {
            return *redistributorRead32(cpu, frame) | u64{*redistributorRead32(cpu, frame + 4)}
                                                          << 32;
        }
    }
    ++invalid_accesses_;
    return 0;
}

void GicV3::redistributorWrite(u64 offset, unsigned size, u64 value) {
    const unsigned cpu = static_cast<unsigned>(offset / kRedistributorStride);
    const u64 frame = offset % kRedistributorStride;
    bool ok = false;
    if (cpu < cpus_ && (size == 1 || size == 4) && frame % size == 0) {
        if (size == 4) {
            ok = redistributorWrite32(cpu, frame, static_cast<u32>(value));
        } else if (inRange(frame, kGICR_IPRIORITYR, 32)) {
            redist_[cpu].priority[frame - kGICR_IPRIORITYR] = value & 0xff;
            ok = true;
        }
    }
    if (!ok) ++invalid_accesses_; // includes 64-bit writes to GICR_TYPER, which is read-only
    update();
}

std::optional<u32> GicV3::redistributorRead32(unsigned cpu, u64 frame) const {
    const Redistributor& r = redist_[cpu];
    // GICR_TYPER: Affinity_Value [63:32]; CommonLPIAff [25:24] = 1 (as QEMU);
    // Processor_Number [23:8]; Last [4] on the highest-numbered Redistributor; PLPIS [0] = 1
    // as QEMU reports it (LPIs are not modelled).
    const u64 typer =
        u64{affinityOf(cpu)} << 32 | 1u << 24 | u64{cpu} << 8 | u64{cpu + 1 == cpus_} << 4 | 1u;
    switch (frame) {
    case kGICR_CTLR: return 0; // no LPIs, and every write completes at once (RWP = 0)
    case kGICR_IIDR: return kIidr;
    case kGICR_TYPER: return static_cast<u32>(typer);
    case kGICR_TYPER + 4: return static_cast<u32>(typer >> 32);
    case kGICR_STATUSR: return 0;
    case kGICR_WAKER: return r.waker;
    case kGICR_ICFGR0: return icfgrFromEdge(0xffff); // SGIs are always edge-triggered
    case kGICR_ICFGR1: return icfgrFromEdge(r.bank.edge >> 16);
    case kGICR_IGRPMODR0:
    case kGICR_NSACR: return 0; // DS = 1
    default: break;
    }
    if (inRange(frame, kSgiBase + kBitRegsBase, kBitRegsEnd - kBitRegsBase) &&
        bitRegIndex(frame) == 0)
        return readBits(r.bank, bitRegAt(frame - kSgiBase));
    if (inRange(frame, kGICR_IPRIORITYR, 32)) {
        const u64 first = frame - kGICR_IPRIORITYR;
        u32 v = 0;
        for (unsigned k = 0; k < 4; ++k)
            v |= u32{r.priority[first + k]} << (8 * k);
        return v;
    }
    if (inRange(frame, kIdRegs, 0x30))
        return frame == kPidr0 ? kRedistributorPidr0 : kIdValues[(frame - kIdRegs) / 4];
    return std::nullopt;
}

bool GicV3::redistributorWrite32(unsigned cpu, u64 frame, u32 value) {
    Redistributor& r = redist_[cpu];
    switch (frame) {
    case kGICR_CTLR:
    case kGICR_STATUSR:
    case kGICR_ICFGR0:
    case kGICR_IGRPMODR0:
    case kGICR_NSACR: return true;
    case kGICR_WAKER:
        // The Redistributor quiesces (or wakes) at once: ChildrenAsleep follows ProcessorSleep.
        r.waker = (value & kWakerProcessorSleep) ? kWakerProcessorSleep | kWakerChildrenAsleep : 0;
        return true;
    case kGICR_ICFGR1:
        r.bank.edge = (r.bank.edge & 0xffff) | edgeFromIcfgr(value) << 16;
        return true;
    default: break;
    }
    if (inRange(frame, kSgiBase + kBitRegsBase, kBitRegsEnd - kBitRegsBase) &&
        bitRegIndex(frame) == 0) {
        writeBits(r.bank, bitRegAt(frame - kSgiBase), value);
        return true;
    }
    if (inRange(frame, kGICR_IPRIORITYR, 32)) {
        const u64 first = frame - kGICR_IPRIORITYR;
        for (unsigned k = 0; k < 4; ++k)
            r.priority[first + k] = static_cast<u8>(value >> (8 * k));
        return true;
    }
    return false; // reserved, or read-only (IIDR, TYPER, ID registers)
}

// ---- Snapshot ----

namespace {
template <typename BankT>
void putBank(StateWriter& w, const BankT& b) {
    w.put(b.group);
    w.put(b.enabled);
    w.put(b.latch);
    w.put(b.level);
    w.put(b.active);
    w.put(b.edge);
}
template <typename BankT>
void getBank(StateReader& r, BankT& b) {
    r.get(b.group);
    r.get(b.enabled);
    r.get(b.latch);
    r.get(b.level);
    r.get(b.active);
    r.get(b.edge);
}
} // namespace

void GicV3::save(StateWriter& w) const {
    w.tag("GIC3");
    w.put(cpus_);
    w.put(gicd_ctlr_);
    for (const Bank& b : spi_)
        putBank(w, b);
    w.putArray(spi_priority_.data(), spi_priority_.size());
    w.putArray(irouter_.data(), irouter_.size());
    for (const Redistributor& r : redist_) {
        putBank(w, r.bank);
        w.putArray(r.priority.data(), r.priority.size());
        w.put(r.waker);
    }
    for (const CpuInterface& c : cpuif_) {
        w.put(c.pmr);
        w.put(c.bpr0);
        w.put(c.bpr1);
        w.put(c.ctlr);
        w.put(c.igrpen0);
        w.put(c.igrpen1);
        w.put(c.apr0);
        w.put(c.apr1);
        w.put(c.irq_out);
        w.put(c.fiq_out);
    }
}

void GicV3::load(StateReader& r) {
    r.tag("GIC3");
    if (r.get<unsigned>() != cpus_) throw SnapshotError("GICv3 snapshot is for another core count");
    r.get(gicd_ctlr_);
    for (Bank& b : spi_)
        getBank(r, b);
    r.getArray(spi_priority_.data(), spi_priority_.size());
    r.getArray(irouter_.data(), irouter_.size());
    for (Redistributor& rd : redist_) {
        getBank(r, rd.bank);
        r.getArray(rd.priority.data(), rd.priority.size());
        r.get(rd.waker);
    }
    for (CpuInterface& c : cpuif_) {
        r.get(c.pmr);
        r.get(c.bpr0);
        r.get(c.bpr1);
        r.get(c.ctlr);
        r.get(c.igrpen0);
        r.get(c.igrpen1);
        r.get(c.apr0);
        r.get(c.apr1);
        r.get(c.irq_out);
        r.get(c.fiq_out);
    }
    // The lines' receivers may hold anything: drive every output, then recompute the derived
    // HPPIs (which leaves the outputs as they are: they were saved consistent with the state).
    for (unsigned c = 0; c < cpus_; ++c) {
        lines_.setIrq(c, cpuif_[c].irq_out);
        lines_.setFiq(c, cpuif_[c].fiq_out);
    }
    update();
}

} // namespace cmodx::sim
