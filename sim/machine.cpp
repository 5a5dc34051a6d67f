#include "sim/machine.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <stdexcept>

namespace cmodx::sim {

namespace {
constexpr u64 kNever = ~u64{0};
constexpr u32 kSnapshotVersion = 3; // 2: the timing profile and model state; 3: PAR_EL1
} // namespace

Machine::Machine(const MachineConfig& config, std::function<void(char)> console)
    : config_(config), memory_(kRamBase, config.ram_size), decoder_(config.features),
      console_(std::move(console)), uart_([this](char c) { this->console(c); }),
      gic_(config.cores, *this), timer_(config.cores, gic_, config.cpu_hz, config.counter_hz) {
    if (config.cores == 0 || config.cores > kMaxCores)
        throw std::invalid_argument(
            fmt::format("{} cores requested; this machine has 1 to {}", config.cores, kMaxCores));
    if (config.quantum == 0) throw std::invalid_argument("the quantum must be at least 1");
    memory_.map(kUartBase, Pl011::kSize, &uart_);
    memory_.map(GicV3::kDistributorBase, GicV3::kDistributorSize, &gic_.distributor());
    memory_.map(GicV3::kRedistributorBase, config.cores * GicV3::kRedistributorStride,
                &gic_.redistributors());
    for (unsigned i = 0; i < config.cores; ++i)
        cores_.push_back(std::make_unique<Core>(*this, i));
    reservation_.assign(config.cores, kNoReservation);
    timer_next_ = timer_.nextEventCycle(0);
}

LoadedImage Machine::loadElfImage(const std::vector<u8>& image) {
    const LoadedImage loaded = loadElf(image, memory_);
    if (!config_.bootargs.empty()) {
        // The boot-argument string goes to a fixed address (docs/platform.md), where QEMU's
        // `-device loader,file=ARGS,addr=0x44000000,force-raw=on` puts the same bytes.
        const u64 len = config_.bootargs.size() + 1;
        if (len > kBootArgsMax)
            throw ImageError(fmt::format("boot arguments are {} bytes; at most {} fit", len - 1,
                                         kBootArgsMax - 1));
        if (!memory_.inRam(kBootArgsAddress, len))
            throw ImageError(fmt::format("boot arguments at {:#x} lie outside RAM; give the "
                                         "machine at least {} MiB",
                                         kBootArgsAddress,
                                         (kBootArgsAddress + kBootArgsMax - kRamBase) >> 20));
        if (loaded.low < kBootArgsAddress + len && kBootArgsAddress < loaded.high)
            throw ImageError(fmt::format("the image ({:#x}..{:#x}) overlaps the boot-argument "
                                         "string at {:#x}",
                                         loaded.low, loaded.high, kBootArgsAddress));
        memory_.writeBytes(kBootArgsAddress, reinterpret_cast<const u8*>(config_.bootargs.c_str()),
                           len);
    }
    for (auto& c : cores_)
        c->resetCaches();
    cores_[0]->powerOn(loaded.entry, 0, now_);
    return loaded;
}

// ---- The scheduler ------------------------------------------------------------------------------

u64 Machine::nextEventCycle() const {
    u64 next = timer_next_;
    for (std::size_t i = 0; i < injections_.size(); ++i)
        if (!injection_fired_[i] && injections_[i].trigger == Injection::Trigger::Cycle)
            next = std::min(next, std::max(injections_[i].cycle, now_));
    for (const auto& c : cores_)
        if (c->activity() == CoreActivity::Running && c->stalledUntil() > now_)
            next = std::min(next, c->stalledUntil());
    return next;
}

void Machine::fireDueEvents() {
    if (now_ >= timer_next_) {
        timer_.update(now_);
        timer_next_ = timer_.nextEventCycle(now_);
    }
    for (std::size_t i = 0; i < injections_.size(); ++i)
        if (!injection_fired_[i] && injections_[i].trigger == Injection::Trigger::Cycle &&
            injections_[i].cycle <= now_)
            fireInjection(static_cast<unsigned>(i));
}

StopReason Machine::run(u64 cycle_limit, u64 insn_limit) {
    while (stop_ == StopReason::None && now_ < cycle_limit) {
        const u64 retired = instructionsRetired();
        if (retired >= insn_limit) break;
        fireDueEvents();
        if (stop_ != StopReason::None) break;

        unsigned runnable = 0;
        Core* only = nullptr;
        for (auto& c : cores_)
            if (c->runnable(now_)) {
                ++runnable;
                only = c.get();
            }

        if (runnable == 0) {
            // Every core is off, waiting or stalled: jump to the next thing that can happen.
            const u64 next = nextEventCycle();
            if (next == kNever) {
                stopIfNothingCanRun();
                break;
            }
            const u64 to = std::min(next, cycle_limit);
            now_ = to;
            continue;
        }

        u64 consumed;
        if (runnable == 1) {
            // Nothing else can run in between, so the only core runs until the next event in
            // one turn; a wake-up of another core ends the turn early (reschedule()).
            u64 span = std::min(std::max(config_.quantum, nextEventCycle() - now_),
                                cycle_limit - now_);
            if (config_.timing.mode == TimingMode::Functional)
                span = std::min(span, insn_limit - retired);
            reschedule_ = false;
            executing_ = only;
            consumed = std::max<u64>(only->run(now_, span, insn_limit - retired), 1);
            executing_ = nullptr;
        } else {
            // Round robin in core order, `quantum` cycles each, for as many rounds as the set
            // of running cores stays the same and no event is due.
            Core* running[kMaxCores];
            unsigned n = 0;
            for (auto& c : cores_)
                if (c->runnable(now_)) running[n++] = c.get();
            u64 until = std::min(nextEventCycle(), cycle_limit);
            if (config_.timing.mode == TimingMode::Functional)
                until = std::min(until, now_ + std::max<u64>((insn_limit - retired) / n, 1));
            u64 insns_left = insn_limit - retired;
            u64 t = now_;
            reschedule_ = false;
            while (t < until && !reschedule_ && stop_ == StopReason::None && insns_left > 0) {
                const u64 q = std::min(config_.quantum, until - t);
                for (unsigned i = 0; i < n && insns_left > 0; ++i) {
                    executing_ = running[i];
                    const u64 before = running[i]->state().retired;
                    running[i]->runTurn(t, q, insns_left);
                    insns_left -= running[i]->state().retired - before;
                }
                executing_ = nullptr;
                t += q;
            }
            consumed = std::max<u64>(t - now_, 1);
        }
        now_ += consumed;
    }
    return stop_;
}

void Machine::stopIfNothingCanRun() {
    const bool all_off = std::all_of(cores_.begin(), cores_.end(), [](const auto& c) {
        return c->activity() == CoreActivity::Off;
    });
    if (all_off) {
        requestStop(StopReason::GuestWedged,
                    fmt::format("every core is powered off (PSCI CPU_OFF) at cycle {}; nothing "
                                "can turn one on again",
                                now_));
        return;
    }
    std::string states;
    for (const auto& c : cores_) {
        const char* what = c->activity() == CoreActivity::Off   ? "off"
                           : c->activity() == CoreActivity::Wfi ? "WFI"
                                                                : "WFE";
        states += fmt::format("{}core {}: {} at PC {:#x}", states.empty() ? "" : ", ", c->index(),
                              what, c->state().pc);
    }
    requestStop(StopReason::GuestWedged,
                fmt::format("deadlock at cycle {}: every core waits and no timer, interrupt or "
                            "injection can wake one ({})",
                            now_, states));
}

void Machine::reschedule() {
    reschedule_ = true;
    for (auto& c : cores_)
        c->endChain();
}

void Machine::requestStop(StopReason reason, std::string message, u64 status) {
    if (stop_ != StopReason::None) return;
    stop_ = reason;
    stop_message_ = std::move(message);
    exit_status_ = status;
    for (auto& c : cores_)
        c->endChain();
}

u64 Machine::instructionsRetired() const {
    u64 n = 0;
    for (const auto& c : cores_)
        n += c->state().retired;
    return n;
}

void Machine::timerChanged() {
    timer_next_ = timer_.nextEventCycle(cycleNow());
    reschedule();
}

// ---- Interrupts, events, devices ----------------------------------------------------------------

void Machine::setIrq(unsigned cpu, bool asserted) {
    if (cpu < cores_.size()) cores_[cpu]->setIrqLine(asserted);
}

void Machine::setFiq(unsigned cpu, bool asserted) {
    if (cpu < cores_.size()) cores_[cpu]->setFiqLine(asserted);
}

void Machine::sendEventToAll() {
    for (auto& c : cores_)
        c->signalEvent();
}

void Machine::console(char c) {
    console_(c);
    if (wants(Observer::kDevice))
        notify(Observer::kDevice, [&](Observer& o) {
            o.onDevice({DeviceEventKind::ConsoleOutput, executing_ ? executing_->index() : 0,
                        static_cast<u8>(c)},
                       cycleNow());
        });
}

// ---- Memory: decoded code and the global exclusive monitor --------------------------------------

void Machine::markCode(u64 pa) { memory_.markWatched(pa, PhysicalMemory::kWatchCode); }

void Machine::watchedStore(unsigned core, u64 pa, unsigned size) {
    // The page is watched for decoded code (only with coherent fetch; otherwise stores
    // leave instruction caches alone), for a reservation, or both.
    if (memory_.watched(pa) & PhysicalMemory::kWatchCode)
        for (auto& c : cores_)
            c->invalidateCodeAt(pa, size);
    // A store to a reserved granule clears the other cores' reservations (their next
    // store-exclusive fails), and the cleared monitor is a WFE wake-up event.
    const u64 first = pa & ~(kGranule - 1), last = (pa + size - 1) & ~(kGranule - 1);
    for (unsigned i = 0; i < cores_.size(); ++i) {
        if (i == core || reservation_[i] == kNoReservation) continue;
        if (reservation_[i] == first || reservation_[i] == last) {
            reservation_[i] = kNoReservation;
            cores_[i]->signalEvent();
        }
    }
}

void Machine::exclusiveLoad(unsigned core, u64 pa, unsigned) {
    reservation_[core] = pa & ~(kGranule - 1);
    if (memory_.inRam(pa, 1)) memory_.markWatched(pa, PhysicalMemory::kWatchExclusive);
}

bool Machine::exclusiveStore(unsigned core, u64 pa, unsigned) {
    const bool pass = reservation_[core] == (pa & ~(kGranule - 1));
    reservation_[core] = kNoReservation;
    return pass;
}

void Machine::clearExclusive(unsigned core) { reservation_[core] = kNoReservation; }

void Machine::broadcastICacheLine(u64 pa) {
    for (auto& c : cores_)
        c->invalidateICacheLine(pa);
}

void Machine::broadcastICacheAll() {
    for (auto& c : cores_)
        c->invalidateICache();
}

void Machine::broadcastTlbi(isa::CacheOp op, u64 operand) {
    for (auto& c : cores_)
        c->applyTlbi(op, operand);
}

// ---- Injection and observation ------------------------------------------------------------------

void Machine::addInjection(const Injection& inj) {
    if (inj.core >= cores_.size())
        throw std::invalid_argument(fmt::format("injection names core {}, but the machine has {} "
                                                "core{}",
                                                inj.core, cores_.size(),
                                                cores_.size() == 1 ? "" : "s"));
    if (inj.kind == Injection::Kind::Irq && inj.intid >= 32 + GicV3::kSpiCount)
        throw std::invalid_argument(fmt::format("injection INTID {} does not exist; the GIC has "
                                                "INTIDs 0..{}",
                                                inj.intid, 32 + GicV3::kSpiCount - 1));
    if (inj.trigger == Injection::Trigger::Pc && inj.hit == 0)
        throw std::invalid_argument("injection hit count must be at least 1");
    const unsigned id = static_cast<unsigned>(injections_.size());
    injections_.push_back(inj);
    injection_fired_.push_back(false);
    if (inj.trigger == Injection::Trigger::Pc) cores_[inj.core]->addPcWatch({inj.pc, inj.hit, id});
}

void Machine::fireInjection(unsigned index) {
    injection_fired_[index] = true;
    const Injection& inj = injections_[index];
    Core& c = *cores_[inj.core];
    if (inj.kind == Injection::Kind::Irq) {
        gic_.setPending(inj.core, inj.intid);
    } else {
        const u64 from = inj.trigger == Injection::Trigger::Cycle ? now_ : c.currentCycle();
        c.stallUntil(from, from + inj.cycles);
        reschedule();
    }
    if (wants(Observer::kDevice)) {
        const DeviceEvent ev{inj.kind == Injection::Kind::Irq ? DeviceEventKind::IrqInjected
                                                              : DeviceEventKind::StallBegin,
                             inj.core, inj.kind == Injection::Kind::Irq ? inj.intid : inj.cycles};
        notify(Observer::kDevice, [&](Observer& o) { o.onDevice(ev, now_); });
    }
}

void Machine::pcWatchFired(unsigned injection) { fireInjection(injection); }

void Machine::addObserver(Observer* observer) {
    observers_.push_back(observer);
    observer_interests_ |= observer->interests();
    for (auto& c : cores_) {
        c->setStepped(wants(Observer::kRetire));
        c->setObservedStores(wants(Observer::kMemoryWrite));
    }
}

void Machine::clearObservers() {
    observers_.clear();
    observer_interests_ = 0;
    for (auto& c : cores_) {
        c->setStepped(false);
        c->setObservedStores(false);
    }
}

// ---- Snapshots ----------------------------------------------------------------------------------

void Machine::saveState(StateWriter& w) const {
    w.tag("CMDX");
    w.put(kSnapshotVersion);
    // The machine's shape: a snapshot restores only into the same shape.
    w.put(static_cast<u32>(cores_.size()));
    w.put(config_.ram_size);
    w.put(config_.features.lse);
    w.put(config_.quantum);
    w.put(config_.cpu_hz);
    w.put(config_.counter_hz);
    w.put(config_.seed);
    w.put(config_.semihosting);
    // The timing profile, as its TOML text: the model's state below only makes sense with it.
    const std::string profile = profileToml(config_.timing);
    w.put(static_cast<u64>(profile.size()));
    w.bytes(profile.data(), profile.size());
    w.put(now_);
    w.put(timer_next_);
    w.put(stop_);
    w.put(exit_status_);
    for (const auto& c : cores_)
        c->save(w);
    w.tag("EXCL");
    w.putArray(reservation_.data(), reservation_.size());
    w.tag("INJ_");
    w.put(static_cast<u64>(injections_.size()));
    for (std::size_t i = 0; i < injections_.size(); ++i) {
        const Injection& inj = injections_[i];
        w.put(inj.kind);
        w.put(inj.trigger);
        w.put(inj.core);
        w.put(inj.cycle);
        w.put(inj.pc);
        w.put(inj.hit);
        w.put(inj.intid);
        w.put(inj.cycles);
        w.put(static_cast<bool>(injection_fired_[i]));
    }
    gic_.save(w);
    timer_.save(w);
    uart_.save(w);
    w.tag("RAM_");
    w.bytes(const_cast<PhysicalMemory&>(memory_).ramHost(), memory_.ramSize());
}

namespace {
TimingProfile readProfile(StateReader& r) {
    const u64 len = r.get<u64>();
    if (len > (u64{1} << 20)) throw SnapshotError("snapshot header is damaged (profile)");
    std::string text(len, '\0');
    r.bytes(text.data(), len);
    try {
        return parseProfile(text, "snapshot");
    } catch (const ConfigError& e) {
        throw SnapshotError(fmt::format("snapshot's timing profile is damaged: {}", e.what()));
    }
}
} // namespace

MachineConfig Machine::configOf(const Snapshot& snapshot) {
    StateReader r(snapshot.bytes);
    r.tag("CMDX");
    if (r.get<u32>() != kSnapshotVersion)
        throw SnapshotError("snapshot was written by another version of cmodx");
    MachineConfig c;
    c.cores = r.get<u32>();
    r.get(c.ram_size);
    setCpuProfile(c, r.get<bool>() ? "max" : "cortex-a53");
    r.get(c.quantum);
    r.get(c.cpu_hz);
    r.get(c.counter_hz);
    r.get(c.seed);
    r.get(c.semihosting);
    c.timing = readProfile(r);
    if (c.cores == 0 || c.cores > kMaxCores || c.quantum == 0 || c.ram_size == 0 ||
        c.ram_size > (u64{4} << 30) || c.cpu_hz == 0 || c.counter_hz == 0)
        throw SnapshotError("snapshot header is damaged");
    return c;
}

Snapshot Machine::snapshot() const {
    StateWriter w;
    saveState(w);
    return {w.take()};
}

void Machine::restore(const Snapshot& snapshot) {
    StateReader r(snapshot.bytes);
    r.tag("CMDX");
    if (r.get<u32>() != kSnapshotVersion)
        throw SnapshotError("snapshot was written by another version of cmodx");
    const u32 cores = r.get<u32>();
    const u64 ram = r.get<u64>();
    const bool lse = r.get<bool>();
    if (cores != cores_.size() || ram != config_.ram_size || lse != config_.features.lse)
        throw SnapshotError(fmt::format(
            "snapshot is of a machine with {} cores, {} MiB RAM and {} CPU; this one has {} "
            "cores, {} MiB and {}",
            cores, ram >> 20, lse ? "an LSE" : "an ARMv8.0", cores_.size(), config_.ram_size >> 20,
            config_.features.lse ? "an LSE" : "an ARMv8.0"));
    const u64 quantum = r.get<u64>(), cpu_hz = r.get<u64>(), counter_hz = r.get<u64>();
    r.get<u64>();  // seed: recorded for configOf(); the run continues with this machine's
    r.get<bool>(); // semihosting: likewise
    if (quantum != config_.quantum || cpu_hz != config_.cpu_hz || counter_hz != config_.counter_hz)
        throw SnapshotError("snapshot was taken with another quantum or clock frequency");
    if (readProfile(r) != config_.timing)
        throw SnapshotError("snapshot was taken with another timing profile");
    r.get(now_);
    r.get(timer_next_);
    r.get(stop_);
    r.get(exit_status_);
    for (auto& c : cores_)
        c->load(r);
    r.tag("EXCL");
    r.getArray(reservation_.data(), reservation_.size());
    r.tag("INJ_");
    const u64 n = r.get<u64>();
    if (n > (u64{1} << 20)) throw SnapshotError("snapshot is damaged (injections)");
    injections_.assign(n, Injection{});
    injection_fired_.assign(n, false);
    for (u64 i = 0; i < n; ++i) {
        Injection& inj = injections_[i];
        r.get(inj.kind);
        r.get(inj.trigger);
        r.get(inj.core);
        r.get(inj.cycle);
        r.get(inj.pc);
        r.get(inj.hit);
        r.get(inj.intid);
        r.get(inj.cycles);
        injection_fired_[i] = r.get<bool>();
    }
    gic_.load(r);
    timer_.load(r);
    uart_.load(r);
    r.tag("RAM_");
    r.bytes(memory_.ramHost(), memory_.ramSize());
    if (!r.atEnd()) throw SnapshotError("snapshot has trailing data");
    if (stop_ != StopReason::None) stop_message_ = "stopped before the snapshot was taken";
    // Derived state: decoded code is re-decoded, watched pages re-marked.
    memory_.clearWatched();
    for (unsigned i = 0; i < cores_.size(); ++i)
        if (reservation_[i] != kNoReservation && memory_.inRam(reservation_[i], 1))
            memory_.markWatched(reservation_[i], PhysicalMemory::kWatchExclusive);
    reschedule_ = false;
}

u64 Machine::stateHash() const {
    StateWriter w;
    saveState(w);
    return XXH3_64bits(w.data().data(), w.data().size());
}

} // namespace cmodx::sim
