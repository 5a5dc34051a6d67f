// Branch prediction for the in-order core: a table of 2-bit saturating counters for the
// direction of conditional branches (indexed by the PC, or by the PC XOR global history for
// gshare), a direct-mapped branch target buffer for taken branches, and a return-address
// stack for BL/BLR and RET.
#pragma once

#include "isa/aarch64/timing_class.h"
#include "sim/snapshot.h"
#include "sim/timing/profile.h"

#include <vector>

namespace cmodx::sim {

using isa::u64;
using isa::u8;

struct BranchStats {
    u64 branches = 0;       // branches resolved
    u64 conditional = 0;    // of which conditional
    u64 mispredicts = 0;    // direction or target wrong
    u64 btb_misses = 0;     // taken and predicted so, but without a target in the BTB
    bool operator==(const BranchStats&) const = default;
};

class BranchPredictor {
public:
    // What resolving a branch cost the front end.
    enum class Outcome : u8 { Correct, BtbMiss, Mispredict };

    explicit BranchPredictor(const TimingProfile::Branch& p)
        : kind_(p.predictor), history_mask_((u64{1} << p.history_bits) - 1),
          counters_(p.predictor_entries, 2), btb_(p.btb_entries, kEmpty),
          btb_targets_(p.btb_entries, 0), ras_(p.ras_entries, 0) {}

    // Predicts and trains on one branch at `pc` that went to `next`; `taken` says whether a
    // conditional branch's condition held (its target may be pc + 4).
    Outcome resolve(isa::BranchKind kind, u64 pc, u64 next, bool taken) {
        using isa::BranchKind;
        ++stats_.branches;
        Outcome out = Outcome::Correct;
        switch (kind) {
        case BranchKind::Conditional: {
            ++stats_.conditional;
            u8& c = counters_[counterIndex(pc)];
            const bool predicted = c >= 2;
            if (taken && c < 3) ++c;
            if (!taken && c > 0) --c;
            history_ = ((history_ << 1) | u64{taken}) & history_mask_;
            if (predicted != taken) out = Outcome::Mispredict;
            else if (taken) out = targetLookup(pc, next);
            break;
        }
        case BranchKind::Direct: out = targetLookup(pc, next); break;
        case BranchKind::Call:
            push(pc + 4);
            out = targetLookup(pc, next);
            break;
        case BranchKind::IndirectCall:
            push(pc + 4);
            out = indirect(pc, next);
            break;
        case BranchKind::Indirect: out = indirect(pc, next); break;
        case BranchKind::Return: {
            const u64 predicted = pop();
            out = predicted == next ? Outcome::Correct : Outcome::Mispredict;
            break;
        }
        case BranchKind::None: break;
        }
        if (out == Outcome::Mispredict) ++stats_.mispredicts;
        if (out == Outcome::BtbMiss) ++stats_.btb_misses;
        return out;
    }

    const BranchStats& stats() const { return stats_; }

    void save(StateWriter& w) const {
        w.putArray(counters_.data(), counters_.size());
        w.putArray(btb_.data(), btb_.size());
        w.putArray(btb_targets_.data(), btb_targets_.size());
        w.putArray(ras_.data(), ras_.size());
        w.put(ras_top_);
        w.put(ras_depth_);
        w.put(history_);
        w.put(stats_.branches);
        w.put(stats_.conditional);
        w.put(stats_.mispredicts);
        w.put(stats_.btb_misses);
    }
    void load(StateReader& r) {
        r.getArray(counters_.data(), counters_.size());
        r.getArray(btb_.data(), btb_.size());
        r.getArray(btb_targets_.data(), btb_targets_.size());
        r.getArray(ras_.data(), ras_.size());
        r.get(ras_top_);
        r.get(ras_depth_);
        r.get(history_);
        r.get(stats_.branches);
        r.get(stats_.conditional);
        r.get(stats_.mispredicts);
        r.get(stats_.btb_misses);
        if (ras_top_ >= std::max<std::size_t>(ras_.size(), 1) || ras_depth_ > ras_.size())
            throw SnapshotError("snapshot is damaged (return-address stack)");
    }

private:
    static constexpr u64 kEmpty = ~u64{0};

    std::size_t counterIndex(u64 pc) const {
        u64 i = pc >> 2;
        if (kind_ == PredictorKind::Gshare) i ^= history_;
        return i & (counters_.size() - 1);
    }

    // A taken branch whose direction was right: is its target in the BTB?
    Outcome targetLookup(u64 pc, u64 target) {
        const std::size_t i = (pc >> 2) & (btb_.size() - 1);
        if (btb_[i] == pc && btb_targets_[i] == target) return Outcome::Correct;
        btb_[i] = pc;
        btb_targets_[i] = target;
        return Outcome::BtbMiss;
    }

    // BR and BLR: the BTB's target is the prediction; without one the fetch stalls until the
    // branch resolves, which costs as much as a mispredict.
    Outcome indirect(u64 pc, u64 target) {
        const std::size_t i = (pc >> 2) & (btb_.size() - 1);
        const bool right = btb_[i] == pc && btb_targets_[i] == target;
        btb_[i] = pc;
        btb_targets_[i] = target;
        return right ? Outcome::Correct : Outcome::Mispredict;
    }

    void push(u64 return_address) {
        if (ras_.empty()) return;
        ras_top_ = (ras_top_ + 1) % ras_.size();
        ras_[ras_top_] = return_address;
        if (ras_depth_ < ras_.size()) ++ras_depth_;
    }
    u64 pop() {
        if (ras_depth_ == 0) return kEmpty;
        const u64 v = ras_[ras_top_];
        ras_top_ = (ras_top_ + ras_.size() - 1) % ras_.size();
        --ras_depth_;
        return v;
    }

    PredictorKind kind_;
    u64 history_mask_;
    u64 history_ = 0;
    std::vector<u8> counters_; // 2-bit, start weakly taken
    std::vector<u64> btb_;     // branch PC per entry, or kEmpty
    std::vector<u64> btb_targets_;
    std::vector<u64> ras_; // circular; overflow overwrites the oldest
    std::size_t ras_top_ = 0;
    std::size_t ras_depth_ = 0;
    BranchStats stats_;
};

} // namespace cmodx::sim
