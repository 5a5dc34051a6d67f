// The in-order issue model of one core (docs/timing.md). The interpreter executes each
// instruction functionally; afterwards retire() works out the cycle at which it issued on a
// dual-issue, in-order pipeline with a register scoreboard, and what that means for the
// instructions after it (result latencies, branch redirects, pipeline drains). It never
// changes architectural state: timing decides when, never what.
//
// The model, in short:
//   - An instruction issues at the earliest cycle >= the cycle of the previous issue group
//     when its operands are ready, its unit has a free slot, the group is not full
//     (issue.width) and the front end has delivered it (redirects, I-cache misses).
//   - A result is ready latency.* cycles after issue; a consumer that reads the operand late
//     (advance.*) may issue that much earlier if the producer forwards (ALU, shift, multiply,
//     divide; not loads).
//   - Loads/stores use one pipe (a pair occupies it latency.load_pair cycles); a load that
//     misses the D-cache delays its result by dcache.miss_penalty.
//   - Branches are predicted (branch_predictor.h); a wrong prediction makes the next
//     instruction wait mispredict_penalty cycles; a taken branch ends its issue group.
//   - ISB, DSB/DMB, exception entry/return and MSR to translation or exception registers
//     wait for every earlier result and then hold the next instruction back.
#pragma once

#include "isa/aarch64/state.h"
#include "isa/aarch64/timing_class.h"
#include "sim/snapshot.h"
#include "sim/timing/branch_predictor.h"
#include "sim/timing/cache.h"
#include "sim/timing/profile.h"

#include <algorithm>
#include <array>
#include <bit>

namespace cmodx::sim {

// Cycles an instruction issued later than the pipeline could have issued it, by cause.
struct StallStats {
    u64 dependency = 0;  // waiting for an operand
    u64 structural = 0;  // its unit (load/store pipe, divider, MAC) was busy
    u64 icache = 0;      // its fetch missed the I-cache
    u64 dcache = 0;      // waiting for a load that missed the D-cache
    u64 mispredict = 0;  // the front end was redirected by a branch
    u64 serialise = 0;   // ISB, barriers, exception entry/return, draining MSR
    u64 total() const { return dependency + structural + icache + dcache + mispredict + serialise; }
    bool operator==(const StallStats&) const = default;
};

struct TimingStats {
    u64 issued = 0; // instructions that went through the model
    StallStats stalls;
    CacheStats icache;
    CacheStats dcache;
    BranchStats branches;
    bool operator==(const TimingStats&) const = default;
};

class Pipeline {
public:
    // `icache` is the core's instruction cache, whose LRU order the model keeps up to date.
    Pipeline(const TimingProfile& profile, CacheTags& icache);

    // The per-instruction facts with this profile's numbers filled in (done once per
    // decoded word; the decode cache keeps the result).
    isa::IssueInfo resolve(const isa::TimingInfo& t) const;

    // Empty pipeline at `cycle` (power-on).
    void reset(u64 cycle);
    // The earliest cycle the next instruction can issue: the core's clock.
    u64 cycle() const { return std::max(group_cycle_, front_ready_); }
    // The core did nothing until `c` (it waited or was stalled): an empty issue group opens
    // then. Nothing changes when the pipeline is already busy until `c` or later.
    void idleUntil(u64 c) {
        if (c <= cycle()) return;
        group_cycle_ = c;
        group_issued_ = 0;
        group_units_ = 0;
    }

    // The next instruction's fetch missed the I-cache: it arrives miss_penalty cycles late.
    void fetchMissed() { fetch_penalty_ = icache_miss_penalty_; }

    // The instruction at `pc` (fetched from physical `pa`, described by `info`) has executed;
    // `next` is where execution continues, `mem_addr` the address of its data access if it
    // made one, `taken` whether it was a conditional branch whose condition held, and `state`
    // the architectural state after it (a divide's latency depends on its quotient).
    [[gnu::always_inline]] void retire(const isa::IssueInfo& info, u64 pc, u64 pa, u64 next,
                                       u64 mem_addr, bool taken, const isa::CpuState& state);

    // For the turn boundary: the cycle at which the instruction described by `info` would
    // issue if it came next, computed as retire() would but changing nothing.
    [[gnu::always_inline]] u64 nextIssueCycle(const isa::IssueInfo& info) const {
        u64 ideal, unfetched;
        return earliestIssue(info, ideal, unfetched);
    }
    // No instruction, whatever it is, can issue next earlier than this (for a next word that
    // is not decoded yet).
    u64 earliestNextIssue() const {
        return std::max(group_cycle_ + (group_issued_ >= width_ ? 1 : 0), front_ready_) +
               fetch_penalty_;
    }
    // No instruction can issue next later than this: the bound that makes nextIssueCycle()
    // worth asking only near the end of a turn.
    u64 latestNextIssue() const {
        return std::max({std::max(group_cycle_ + 1, front_ready_) + fetch_penalty_, last_result_,
                         ls_free_, div_free_});
    }

    // The instruction being executed raised a synchronous exception, or an interrupt is taken.
    void exceptionEntry();

    TimingStats stats() const;

    void save(StateWriter& w) const;
    void load(StateReader& r);

private:
    // The earliest cycle `info` can issue as the next instruction; in `ideal` the cycle it would
    // issue at without any stall (this group if it has room, else the next), in `unfetched` the
    // earliest cycle before a pending fetch miss and the memory/drain/divide limits count.
    [[gnu::always_inline]] u64 earliestIssue(const isa::IssueInfo& info, u64& ideal,
                                             u64& unfetched) const;

    enum class Cause : u8 { None, Dependency, Structural, ICache, DCache, Mispredict, Serialise };
    static constexpr unsigned kCauses = 7;
    enum Unit : u8 { kAlu, kMac, kLs, kBranch, kUnits };

    // The slow parts, out of line.
    void attributeStall(const isa::IssueInfo& info, u64 issue, u64 ideal);
    void memoryAccess(const isa::IssueInfo& info, u64 issue, u64 mem_addr, u64& latency);
    void resolveBranch(const isa::IssueInfo& info, u64 pc, u64 next, bool taken, u64 issue);
    void touchFetchLine(u64 pa);
    void redirect(u64 ready, Cause cause) {
        group_issued_ = width_; // the next instruction starts a new group
        if (ready > front_ready_) {
            front_ready_ = ready;
            front_cause_ = cause;
        }
    }

    const TimingProfile profile_;
    CacheTags& icache_;
    CacheTags dcache_;
    BranchPredictor predictor_;
    u32 width_;
    u32 icache_miss_penalty_;
    std::array<u32, kUnits> unit_limit_{};

    // Scoreboard, indexed by register (X0..X30, NZCV as 31; IssueInfo::kNone is always
    // ready, kSink is written and never read): the cycle each value is ready, whether its
    // producer forwards early, and whether it waits for a D-cache miss (for attribution).
    std::array<u64, 256> ready_{};
    std::array<u8, 256> forwards_{};
    std::array<u8, 256> missed_{};
    u64 last_result_ = 0; // the latest ready cycle of any result (what a drain waits for)

    u64 group_cycle_ = 0; // cycle of the current issue group
    u32 group_issued_ = 0; // instructions in it
    u32 group_units_ = 0;  // per unit, 8 bits each
    u64 front_ready_ = 0;  // the front end delivers the next instruction no earlier
    Cause front_cause_ = Cause::None;
    u32 fetch_penalty_ = 0; // the next instruction's fetch missed the I-cache
    u64 ls_free_ = 0;  // the load/store pipe accepts the next access (pairs hold it)
    u64 div_free_ = 0; // the divider is free again (it is not pipelined)
    u64 last_fetch_line_ = ~u64{0};

    u64 issued_ = 0;
    std::array<u64, kCauses> stalls_{};
};

inline u64 Pipeline::earliestIssue(const isa::IssueInfo& info, u64& ideal, u64& unfetched) const {
    using isa::IssueInfo;
    const unsigned shift = 8u * info.unit;
    const bool room = group_issued_ < width_ && ((group_units_ >> shift) & 0xff) < unit_limit_[info.unit];
    ideal = group_cycle_ + (room ? 0 : 1);
    // Operands: a late reader may issue `adv` cycles early if the producer forwards.
    const auto need = [&](unsigned i) -> u64 {
        const unsigned r = info.src[i];
        const u64 adv = forwards_[r] ? info.adv[i] : 0;
        return ready_[r] > adv ? ready_[r] - adv : 0;
    };
    unfetched = std::max({ideal, front_ready_, need(0), need(1), need(2)});
    u64 issue = unfetched;
    if (fetch_penalty_ != 0) [[unlikely]]
        issue = std::max(issue, std::max(ideal, front_ready_) + fetch_penalty_);
    if (info.kind & (IssueInfo::kMem | IssueInfo::kDrain | IssueInfo::kDiv)) [[unlikely]] {
        if (info.kind & IssueInfo::kMem) issue = std::max(issue, ls_free_);
        if (info.kind & IssueInfo::kDrain) issue = std::max(issue, last_result_);
        if (info.kind & IssueInfo::kDiv) issue = std::max(issue, div_free_);
    }
    return issue;
}

inline void Pipeline::retire(const isa::IssueInfo& info, u64 pc, u64 pa, u64 next, u64 mem_addr,
                             bool taken, const isa::CpuState& state) {
    using isa::IssueInfo;
    ++issued_;
    if (icache_.lineOf(pa) != last_fetch_line_) [[unlikely]]
        touchFetchLine(pa);

    u64 ideal, unfetched;
    const u64 issue = earliestIssue(info, ideal, unfetched);
    if (fetch_penalty_ != 0) [[unlikely]] {
        // The fetch started when the instruction could otherwise have issued.
        const u64 arrives = std::max(ideal, front_ready_) + fetch_penalty_;
        fetch_penalty_ = 0;
        if (arrives >= unfetched) {
            front_ready_ = arrives;
            front_cause_ = Cause::ICache;
        }
    }
    const unsigned shift = 8u * info.unit;
    if (issue != group_cycle_) {
        if (issue > ideal) [[unlikely]]
            attributeStall(info, issue, ideal);
        group_cycle_ = issue;
        group_issued_ = 0;
        group_units_ = 0;
    }
    ++group_issued_;
    group_units_ += 1u << shift;

    // Results.
    u64 latency = info.latency;
    u8 missed = 0;
    if (info.kind & (IssueInfo::kMem | IssueInfo::kDiv)) [[unlikely]] {
        if (info.kind & IssueInfo::kMem) {
            const u64 before = latency;
            memoryAccess(info, issue, mem_addr, latency);
            missed = latency != before;
        } else {
            // The quotient's significant bits set how many steps the divider runs.
            const u64 q = info.dst[0] == IssueInfo::kSink ? 0 : state.x[info.dst[0]];
            const u64 bits = 64 - static_cast<u64>(std::countl_zero(q));
            const u64 per = profile_.latency.div_bits_per_cycle;
            latency += per == 0 ? 0 : (bits + per - 1) / per;
            div_free_ = issue + latency;
        }
    }
    const u64 ready = issue + latency;
    for (const u8 r : info.dst) {
        ready_[r] = ready;
        forwards_[r] = info.forwards;
        missed_[r] = missed;
    }
    ready_[info.wb] = issue + 1;
    forwards_[info.wb] = 1;
    missed_[info.wb] = 0;
    last_result_ = std::max(last_result_, ready);

    // What this instruction does to the ones after it.
    if (info.kind & (IssueInfo::kBranch | IssueInfo::kDrain)) [[unlikely]] {
        if (info.kind & IssueInfo::kBranch)
            resolveBranch(info, pc, next, taken, issue);
        else
            redirect(issue + 1 + info.redirect, Cause::Serialise);
    }
}

} // namespace cmodx::sim
