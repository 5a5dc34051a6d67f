// The simulated machine: the part of QEMU's `virt` board a small SMP kernel needs (RAM at
// 0x4000_0000, PL011, GICv3, the generic timer, PSCI over HVC, semihosting) with N cores that
// interleave on one global cycle clock. See docs/platform.md.
#pragma once

#include "isa/aarch64/decoder.h"
#include "sim/config.h"
#include "sim/core.h"
#include "sim/elf_loader.h"
#include "sim/generic_timer.h"
#include "sim/gicv3.h"
#include "sim/injection.h"
#include "sim/memory.h"
#include "sim/observer.h"
#include "sim/pl011.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cmodx::sim {

// The QEMU virt memory map (hw/arm/virt.c), the parts modelled.
inline constexpr u64 kRamBase = 0x4000'0000;
inline constexpr u64 kUartBase = 0x0900'0000;

// Why a run stopped.
enum class StopReason {
    None,            // still runnable (the cycle or instruction limit came first)
    PoweredOff,      // PSCI SYSTEM_OFF
    Reset,           // PSCI SYSTEM_RESET
    SemihostingExit, // SYS_EXIT; the guest's status is exitStatus()
    GuestWedged,     // the guest cannot make progress
};

// The whole machine state as a byte stream (see snapshot.h); restorable into a machine built
// with the same configuration.
struct Snapshot {
    std::vector<u8> bytes;
};

class Machine final : private InterruptLines {
public:
    Machine(const MachineConfig& config, std::function<void(char)> console);
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Loads an ELF image into RAM, places the boot arguments and points core 0 at the entry
    // (EL1h, MMU off); the other cores stay off until PSCI CPU_ON.
    LoadedImage loadElfImage(const std::vector<u8>& image);

    // Runs until the guest stops, the global clock reaches `cycle_limit` or `insn_limit`
    // instructions have retired in total (both absolute).
    StopReason run(u64 cycle_limit, u64 insn_limit = ~u64{0});

    u64 now() const { return now_; }
    // The cycle of whatever is happening: the executing core's current instruction during a
    // turn, otherwise the clock.
    u64 cycleNow() const { return executing_ ? executing_->currentCycle() : now_; }
    Core& core(unsigned i) { return *cores_.at(i); }
    const Core& core(unsigned i) const { return *cores_.at(i); }
    unsigned coreCount() const { return static_cast<unsigned>(cores_.size()); }
    PhysicalMemory& memory() { return memory_; }
    const isa::Decoder& decoder() const { return decoder_; }
    const MachineConfig& config() const { return config_; }
    GicV3& gic() { return gic_; }
    GenericTimer& timer() { return timer_; }
    u64 instructionsRetired() const;

    StopReason stopReason() const { return stop_; }
    const std::string& stopMessage() const { return stop_message_; }
    u64 exitStatus() const { return exit_status_; }
    void requestStop(StopReason reason, std::string message = {}, u64 status = 0);

    // ---- Injection and observation -----------------------------------------------------------
    // Throws std::invalid_argument if the injection names a core or INTID the machine lacks.
    void addInjection(const Injection& injection);
    const std::vector<Injection>& injections() const { return injections_; }
    // The observer must outlive the machine (or be removed with clearObservers()).
    void addObserver(Observer* observer);
    void clearObservers();

    // ---- Snapshots ---------------------------------------------------------------------------
    Snapshot snapshot() const;
    // The configuration of the machine a snapshot was taken of (what restoring it needs).
    static MachineConfig configOf(const Snapshot& snapshot);
    // Throws SnapshotError when the snapshot is damaged or from a differently shaped machine.
    void restore(const Snapshot& snapshot);
    // A 64-bit hash (XXH3) of the complete machine state: equal states, equal hashes.
    u64 stateHash() const;

    // ---- Used by the cores -------------------------------------------------------------------
    bool psciCall(Core& caller);
    void console(char c);
    // SEV: every core's event register is set.
    void sendEventToAll();
    // A core's state changed so that other cores may now run (wake-up, power-on): every
    // running core yields at its next instruction boundary so the schedule is recomputed.
    void reschedule();
    bool rescheduleRequested() const { return reschedule_; }
    // A generic timer register was written: its next event may have moved.
    void timerChanged();
    // Physical stores that may change decoded code or break exclusive reservations.
    void watchedStore(unsigned core, u64 pa, unsigned size);
    void exclusiveLoad(unsigned core, u64 pa, unsigned size);
    bool exclusiveStore(unsigned core, u64 pa, unsigned size);
    void clearExclusive(unsigned core);
    void markCode(u64 pa);
    // TLB maintenance broadcast to the Inner Shareable domain (every core).
    void broadcastTlbi(isa::CacheOp op, u64 operand);
    // IC IVAU (the line holding physical `pa`) and IC IALLUIS, on every core.
    void broadcastICacheLine(u64 pa);
    void broadcastICacheAll();
    // A core retired the PC of a PC-triggered injection for the n-th time.
    void pcWatchFired(unsigned injection);

    // Observer dispatch (callers check the interest first; see wants()).
    bool wants(unsigned interest) const { return (observer_interests_ & interest) != 0; }
    template <typename F>
    void notify(unsigned interest, F&& f) {
        for (Observer* o : observers_)
            if (o->interests() & interest) f(*o);
    }

private:
    // InterruptLines (from the GIC)
    void setIrq(unsigned cpu, bool asserted) override;
    void setFiq(unsigned cpu, bool asserted) override;

    void fireDueEvents();
    void fireInjection(unsigned index);
    u64 nextEventCycle() const;
    void stopIfNothingCanRun();
    void saveState(StateWriter& w) const;

    MachineConfig config_;
    PhysicalMemory memory_;
    isa::Decoder decoder_;
    std::function<void(char)> console_;
    Pl011 uart_;
    GicV3 gic_;
    GenericTimer timer_;
    std::vector<std::unique_ptr<Core>> cores_;

    u64 now_ = 0;
    u64 timer_next_ = ~u64{0};
    bool reschedule_ = false;
    Core* executing_ = nullptr;

    // The global exclusive monitor: per core, the reserved granule (physical, 64-byte aligned
    // as CTR_EL0.ERG says) or kNoReservation.
    static constexpr u64 kNoReservation = ~u64{0};
    static constexpr u64 kGranule = 64;
    std::vector<u64> reservation_;

    std::vector<Injection> injections_;
    std::vector<bool> injection_fired_;
    std::vector<Observer*> observers_;
    unsigned observer_interests_ = 0;

    StopReason stop_ = StopReason::None;
    std::string stop_message_;
    u64 exit_status_ = 0;
};

} // namespace cmodx::sim
