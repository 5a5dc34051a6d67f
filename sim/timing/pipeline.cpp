#include "sim/timing/pipeline.h"

#include <algorithm>

namespace cmodx::sim {

using isa::BranchKind;
using isa::IssueInfo;
using isa::ReadRole;
using isa::TimingClass;
using isa::TimingInfo;

Pipeline::Pipeline(const TimingProfile& profile, CacheTags& icache)
    : profile_(profile), icache_(icache), dcache_(profile.dcache), predictor_(profile.branch),
      width_(profile.issue.width), icache_miss_penalty_(profile.icache.miss_penalty) {
    unit_limit_ = {profile.issue.alu_units, profile.issue.mac_units, profile.issue.ls_units,
                   profile.issue.branch_units};
}

IssueInfo Pipeline::resolve(const TimingInfo& t) const {
    const TimingProfile::Latency& l = profile_.latency;
    const TimingProfile::Advance& a = profile_.advance;
    const TimingProfile::Serialise& s = profile_.serialise;
    IssueInfo r;
    const auto clamp8 = [](u64 v) { return static_cast<u8>(std::min<u64>(v, 255)); };
    switch (t.cls) {
    case TimingClass::Alu: r.unit = kAlu; r.latency = clamp8(l.alu); r.forwards = 1; break;
    case TimingClass::Shift: r.unit = kAlu; r.latency = clamp8(l.shift); r.forwards = 1; break;
    case TimingClass::Mul: r.unit = kMac; r.latency = clamp8(l.mul); r.forwards = 1; break;
    case TimingClass::Div:
        r.unit = kMac;
        r.latency = clamp8(l.div_base);
        r.forwards = 1;
        r.kind |= IssueInfo::kDiv;
        break;
    case TimingClass::Load:
    case TimingClass::Atomic:
        r.unit = kLs;
        r.latency = clamp8(l.load);
        r.kind |= IssueInfo::kLoad;
        break;
    case TimingClass::Store:
        // A store's only register result is an exclusive's status, known when the access is.
        r.unit = kLs;
        r.latency = clamp8(l.load);
        r.kind |= IssueInfo::kStore;
        break;
    case TimingClass::Branch:
        r.unit = kBranch;
        r.kind |= IssueInfo::kBranch;
        r.branch = static_cast<u8>(t.branch);
        r.latency = 1; // BL/BLR's link register
        r.forwards = 1;
        break;
    case TimingClass::Nop:
    case TimingClass::System: r.unit = kBranch; r.latency = clamp8(l.sysreg); break;
    case TimingClass::SysregWrite:
        r.unit = kBranch;
        r.kind |= IssueInfo::kDrain;
        r.redirect = clamp8(s.sysreg_write);
        break;
    case TimingClass::Barrier:
        r.unit = kBranch;
        r.kind |= IssueInfo::kDrain;
        r.redirect = clamp8(s.barrier);
        break;
    case TimingClass::Isb:
        r.unit = kBranch;
        r.kind |= IssueInfo::kDrain;
        r.redirect = clamp8(s.isb);
        break;
    case TimingClass::Exception:
        r.unit = kBranch;
        r.kind |= IssueInfo::kDrain;
        r.redirect = clamp8(s.exception);
        break;
    }
    if (t.flags & TimingInfo::kPair) r.kind |= IssueInfo::kPair;
    const auto advanceOf = [&](ReadRole role) -> u32 {
        switch (role) {
        case ReadRole::Early: return 0;
        case ReadRole::Alu: return a.alu;
        case ReadRole::Shifted: return a.shifted;
        case ReadRole::Mul: return a.mul;
        case ReadRole::Accumulate: return a.accumulate;
        case ReadRole::Div: return a.div;
        }
        return 0;
    };
    // Branches never wait for operands: they are predicted and resolve later.
    unsigned n = 0;
    if (t.cls != TimingClass::Branch) {
        for (unsigned i = 0; i < TimingInfo::kMaxSrc && t.src[i] != TimingInfo::kNoReg; ++i) {
            r.src[n] = t.src[i];
            r.adv[n++] = clamp8(advanceOf(t.role[i]));
        }
        if ((t.flags & TimingInfo::kReadsFlags) && n < 3) r.src[n++] = IssueInfo::kFlagsReg;
    }
    unsigned d = 0;
    const bool wb = t.flags & TimingInfo::kWriteback;
    for (unsigned i = 0; i < TimingInfo::kMaxDst && t.dst[i] != TimingInfo::kNoReg; ++i) {
        const bool last = i + 1 == TimingInfo::kMaxDst || t.dst[i + 1] == TimingInfo::kNoReg;
        if (wb && last)
            r.wb = t.dst[i];
        else
            r.dst[d++] = t.dst[i];
    }
    if ((t.flags & TimingInfo::kWritesFlags) && d < 3) r.dst[d++] = IssueInfo::kFlagsReg;
    return r;
}

void Pipeline::reset(u64 cycle) {
    ready_.fill(0);
    forwards_.fill(0);
    missed_.fill(0);
    last_result_ = cycle;
    group_cycle_ = cycle;
    group_issued_ = 0;
    group_units_ = 0;
    front_ready_ = cycle;
    front_cause_ = Cause::None;
    fetch_penalty_ = 0;
    ls_free_ = div_free_ = cycle;
    last_fetch_line_ = ~u64{0};
}

void Pipeline::touchFetchLine(u64 pa) {
    // Keep the I-cache's LRU order: the decode cache serves the words, but their line is
    // present for as long as they stay decoded, and each move to another line is a use.
    last_fetch_line_ = icache_.lineOf(pa);
    if (const long slot = icache_.find(pa); slot >= 0) {
        icache_.touch(static_cast<std::size_t>(slot));
        icache_.countHit();
    }
}

// Which constraint held the instruction back: the first one, in front-to-back order, that
// alone would have made it issue as late as it did.
void Pipeline::attributeStall(const IssueInfo& info, u64 issue, u64 ideal) {
    Cause cause = Cause::Structural;
    if (front_ready_ == issue) {
        cause = front_cause_;
    } else {
        bool found = false;
        for (unsigned i = 0; i < 3 && !found; ++i) {
            const unsigned r = info.src[i];
            const u64 adv = forwards_[r] ? info.adv[i] : 0;
            if (ready_[r] > adv && ready_[r] - adv == issue) {
                cause = missed_[r] ? Cause::DCache : Cause::Dependency;
                found = true;
            }
        }
        if (!found && (info.kind & IssueInfo::kDrain) && last_result_ == issue)
            cause = Cause::Serialise;
    }
    stalls_[static_cast<unsigned>(cause)] += issue - ideal;
}

void Pipeline::memoryAccess(const IssueInfo& info, u64 issue, u64 mem_addr, u64& latency) {
    if ((info.kind & IssueInfo::kPair) && (info.kind & IssueInfo::kLoad))
        ls_free_ = issue + profile_.latency.load_pair;
    else if (info.kind & IssueInfo::kStore)
        ls_free_ = issue + profile_.latency.store;
    else
        ls_free_ = issue + 1;
    // Loads wait for a miss; stores retire into the store buffer and do not.
    if (!dcache_.access(mem_addr).hit && (info.kind & IssueInfo::kLoad))
        latency += profile_.dcache.miss_penalty;
}

void Pipeline::resolveBranch(const IssueInfo& info, u64 pc, u64 next, bool taken, u64 issue) {
    const TimingProfile::Branch& b = profile_.branch;
    const auto kind = static_cast<BranchKind>(info.branch);
    // Only a conditional branch can fall through; a taken one may still target pc + 4.
    if (kind != BranchKind::Conditional) taken = true;
    const auto o = predictor_.resolve(kind, pc, next, taken);
    if (o == BranchPredictor::Outcome::Mispredict)
        redirect(issue + 1 + b.mispredict_penalty, Cause::Mispredict);
    else if (taken)
        redirect(issue + 1 + b.taken_penalty +
                     (o == BranchPredictor::Outcome::BtbMiss ? b.btb_miss_penalty : 0),
                 Cause::Mispredict);
}

void Pipeline::exceptionEntry() {
    fetch_penalty_ = 0;
    const u64 from = std::max({group_cycle_ + 1, front_ready_, last_result_});
    redirect(from + profile_.serialise.exception, Cause::Serialise);
}

TimingStats Pipeline::stats() const {
    TimingStats s;
    s.issued = issued_;
    s.stalls.dependency = stalls_[static_cast<unsigned>(Cause::Dependency)];
    s.stalls.structural = stalls_[static_cast<unsigned>(Cause::Structural)];
    s.stalls.icache = stalls_[static_cast<unsigned>(Cause::ICache)];
    s.stalls.dcache = stalls_[static_cast<unsigned>(Cause::DCache)];
    s.stalls.mispredict = stalls_[static_cast<unsigned>(Cause::Mispredict)];
    s.stalls.serialise = stalls_[static_cast<unsigned>(Cause::Serialise)];
    s.icache = icache_.stats();
    s.dcache = dcache_.stats();
    s.branches = predictor_.stats();
    return s;
}

void Pipeline::save(StateWriter& w) const {
    w.tag("PIPE");
    dcache_.save(w);
    predictor_.save(w);
    w.putArray(ready_.data(), ready_.size());
    w.putArray(forwards_.data(), forwards_.size());
    w.putArray(missed_.data(), missed_.size());
    w.put(last_result_);
    w.put(group_cycle_);
    w.put(group_issued_);
    w.put(group_units_);
    w.put(front_ready_);
    w.put(front_cause_);
    w.put(fetch_penalty_);
    w.put(ls_free_);
    w.put(div_free_);
    w.put(last_fetch_line_);
    w.put(issued_);
    w.putArray(stalls_.data(), stalls_.size());
}

void Pipeline::load(StateReader& r) {
    r.tag("PIPE");
    dcache_.load(r);
    predictor_.load(r);
    r.getArray(ready_.data(), ready_.size());
    r.getArray(forwards_.data(), forwards_.size());
    r.getArray(missed_.data(), missed_.size());
    r.get(last_result_);
    r.get(group_cycle_);
    r.get(group_issued_);
    r.get(group_units_);
    r.get(front_ready_);
    r.get(front_cause_);
    r.get(fetch_penalty_);
    r.get(ls_free_);
    r.get(div_free_);
    r.get(last_fetch_line_);
    r.get(issued_);
    r.getArray(stalls_.data(), stalls_.size());
    if (static_cast<unsigned>(front_cause_) >= kCauses)
        throw SnapshotError("snapshot is damaged (pipeline)");
}

} // namespace cmodx::sim
