// One simulated PE: architectural state, the interpreter, its decode cache and PMU, and the
// machine-side half of the ISA's Platform interface (MMIO, PSCI, semihosting, the GIC CPU
// interface and timer registers, WFI/WFE, cache and TLB maintenance).
#pragma once

#include "isa/aarch64/decode_cache.h"
#include "isa/aarch64/executor.h"
#include "sim/pmu.h"
#include "sim/snapshot.h"
#include "sim/timing/cache.h"
#include "sim/timing/pipeline.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace cmodx::sim {

class Machine;

// What a core is doing between instructions.
enum class CoreActivity : u8 {
    Off,     // powered down (before PSCI CPU_ON, after CPU_OFF)
    Running, //
    Wfi,     // waiting for an interrupt
    Wfe,     // waiting for an event
};

// Counted at the cycle of each transition (power on/off, wait/wake, stall), so the figures do
// not depend on how the scheduler happened to split the run; Core::statsAt() adds the part of
// the current power-on or wait period up to a given cycle.
struct CoreStats {
    u64 cycles_on = 0;      // cycles while powered on
    u64 cycles_waiting = 0; // of which in WFI or WFE
    u64 cycles_stalled = 0; // of which stalled by an injection
    u64 exceptions = 0;     // synchronous exceptions taken
    u64 irqs = 0;           // IRQs taken
    u64 fiqs = 0;           // FIQs taken
};

class Core final : public isa::Platform {
public:
    Core(Machine& machine, unsigned index);
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    isa::CpuState& state() { return state_; }
    const isa::CpuState& state() const { return state_; }
    isa::DecodeCache& decodeCache() { return dcache_; }
    isa::Executor& executor() { return exec_; }
    unsigned index() const { return index_; }
    CoreActivity activity() const { return activity_; }
    // The statistics as of global cycle `now`.
    CoreStats statsAt(u64 now) const;
    u64 stalledUntil() const { return stalled_until_; }

    // Can execute at global cycle `now`.
    bool runnable(u64 now) const {
        return activity_ == CoreActivity::Running && now >= stalled_until_;
    }

    // Runs this core's turn, which starts at global cycle `turn_start`, for `cycles` cycles
    // but at most `insns` instructions. Returns the cycles the core advanced (with the timing
    // model, the last instruction may issue a little past the turn). Stops early when the
    // core waits, powers off, stalls, or the machine asks every core to yield (a stop, or
    // another core woke up). Without a timing model one instruction takes one cycle.
    u64 run(u64 turn_start, u64 cycles, u64 insns);
    // The same as one of several cores taking turns: other cores waking up do not end it.
    u64 runTurn(u64 turn_start, u64 cycles, u64 insns);

    // The global cycle of the instruction this core is executing (or would execute next).
    u64 currentCycle() const {
        return pipeline_ ? pipeline_->cycle() : turn_start_ + (state_.retired - turn_retired_);
    }
    // The timing model's statistics (nullopt in functional mode).
    std::optional<TimingStats> timingStats() const;
    const InstructionCache& icache() const { return icache_; }

    // Ends the current chain of threaded dispatch after the executing instruction.
    void endChain() { exec_.endChain(); }

    // ---- Inputs from the machine -------------------------------------------------------------
    void setIrqLine(bool asserted);
    void setFiqLine(bool asserted);
    bool irqLine() const { return irq_line_; }
    bool fiqLine() const { return fiq_line_; }
    // The event register is set (SEV on any core, a global monitor cleared): wakes WFE.
    void signalEvent();
    // Out of reset at `entry` in EL1h, MMU off, every interrupt masked, X0 = `context_id`.
    void powerOn(u64 entry, u64 context_id, u64 cycle);
    void powerOff();
    void stallUntil(u64 from, u64 until) {
        if (until > stalled_until_) {
            stats_.cycles_stalled += until - std::max(from, stalled_until_);
            stalled_until_ = until;
        }
        endChain();
    }
    // Single-step this core, checking after each instruction whether the instruction at `pc`
    // retired (for the `hit`-th time counting from now): then `fired` is called.
    struct PcWatch {
        u64 pc;
        u64 hits_left;
        unsigned id; // the machine's injection index
    };
    void addPcWatch(const PcWatch& watch);
    const std::vector<PcWatch>& pcWatches() const { return pc_watches_; }
    // Every instruction is reported to the machine's retire observers.
    void setStepped(bool stepped) {
        observed_retire_ = stepped;
        updateStepping();
    }
    void setObservedStores(bool observed) {
        exec_.fast_stores = !observed;
        exec_.tlb.flushAll();
    }

    // TLBI VMALLE1, VAE1 (operand as written by the guest) or ASIDE1 on this core.
    void applyTlbi(isa::CacheOp op, u64 operand);

    // A store at physical `pa` changed RAM that this core may have decoded.
    void invalidateCodeAt(u64 pa, u64 len);
    void invalidateAllCode();
    // Instruction cache maintenance arriving at this core (IC IVAU is broadcast): the line
    // holding physical `pa`, or every line. Words already in the fetch buffer stay there.
    void invalidateICacheLine(u64 pa);
    void invalidateICache();
    // RAM was rewritten behind the caches' back (an image was loaded): start cold.
    void resetCaches();

    void save(StateWriter& w) const;
    void load(StateReader& r);

    // isa::Platform
    bool readSlow(u64 addr, unsigned size, u64& value) override;
    bool writeSlow(u64 addr, unsigned size, u64 value) override;
    void watchedStore(u64 pa, unsigned size) override;
    void observedStore(u64 va, u64 pa, unsigned size, u64 value) override;
    void exclusiveLoad(u64 pa, unsigned size) override;
    bool exclusiveStore(u64 pa, unsigned size) override;
    void clearExclusive() override;
    void translationsFlushed() override;
    bool hypervisorCall(isa::u16 imm) override;
    bool haltInstruction(isa::u16 imm) override;
    void waitForInterrupt() override;
    void waitForEvent() override;
    void sendEvent() override;
    void cacheMaintenance(isa::CacheOp op, u64 addr) override;
    void contextSynchronize() override;
    std::optional<u64> readSysReg(u32 key) override;
    bool writeSysReg(u32 key, u64 value) override;

private:
    template <bool YieldOnReschedule>
    u64 execute(u64 turn_start, u64 cycles, u64 insns);
    void fill(isa::DecodeCache::Entry& entry, u64 pc);
    u32 fetchWord(u64 pc, u64 pa);
    // The timing model's hook (Executor::retire_hook).
    static void timedRetire(void* self, u64 pc, u64 npc);
    // Keeps the words of the fetch block holding the next PC when their I-cache line goes.
    void holdFetchBlock(u64 line_pa, u64 line_bytes);
    void releaseFetchBlock();
    bool takePendingInterrupt();
    void takeException(const isa::GuestException& ex);
    void afterRetire(u64 pc, u32 insn);
    std::string describeFault(const isa::GuestException& ex, u64 pc) const;
    bool semihostingCall();
    void wake();
    void startWaiting(CoreActivity how);
    // Reads guest memory by virtual address at EL1 (semihosting); false when it faults.
    bool readGuest(u64 va, void* out, unsigned size) const;

    Machine& machine_;
    unsigned index_;
    isa::CpuState state_;
    isa::Executor exec_;
    isa::DecodeCache dcache_;
    // Instruction fetch (docs/timing.md): the I-cache keeps copies of lines as filled, so a
    // store to code is not seen until the line is invalidated and refetched; with
    // coherent_fetch the decode cache follows stores instead (QEMU's behaviour).
    bool coherent_fetch_;
    InstructionCache icache_;
    // The fetch buffer matters only while it holds words its I-cache line no longer has (an
    // IC invalidation while the PC is in the block): then the block's words live here until
    // the PC leaves the block or a context synchronisation event.
    u64 fetch_block_bytes_;
    bool fetch_held_ = false;
    u64 fetch_held_va_ = 0;
    std::array<u32, 64> fetch_held_words_{};
    std::unique_ptr<Pipeline> pipeline_; // null in functional mode
    u64 turn_end_ = 0;                   // the cycle at which the current turn ends
    bool turn_over_ = false;             // stopped before an instruction that issues after it
    Pmu pmu_;
    CoreActivity activity_ = CoreActivity::Off;
    bool irq_line_ = false;
    bool fiq_line_ = false;
    bool event_register_ = false;
    u64 stalled_until_ = 0;
    u64 turn_start_ = 0;   // global cycle at which the current turn began
    u64 turn_retired_ = 0; // state_.retired then
    bool observed_retire_ = false;
    // One instruction at a time, each followed by afterRetire(): retire observers or PC watches.
    bool single_step_ = false;
    void updateStepping() { single_step_ = observed_retire_ || !pc_watches_.empty(); }
    std::vector<PcWatch> pc_watches_;
    CoreStats stats_;
    u64 on_since_ = 0;   // cycle of the last power-on
    u64 wait_since_ = 0; // cycle the current WFI/WFE began
    // Which virtual pages this core decoded instructions from, by physical page: a store to a
    // physical page invalidates the decoded words of every virtual alias.
    std::unordered_map<u64, std::vector<u64>> decoded_pages_;
    // Exception-loop detection: where the last exception went and what had retired by then.
    u64 last_vector_ = ~u64{0};
    u64 retired_at_last_exception_ = 0;
    unsigned repeated_exceptions_ = 0;
    std::string first_fault_; // the exception that started the current chain
};

} // namespace cmodx::sim
