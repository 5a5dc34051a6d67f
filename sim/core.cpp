#include "sim/core.h"

#include "isa/aarch64/disasm.h"
#include "isa/aarch64/sysreg.h"
#include "sim/machine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace cmodx::sim {

using isa::CacheOp;
using isa::DecodeCache;
using isa::ExceptionClass;
using isa::GuestException;

namespace {
// An exception that lands on the same vector again without a single instruction retiring in
// between means the vector itself faults: the guest can never make progress.
constexpr unsigned kExceptionLoopLimit = 2;
// Longest run of instructions one chain of threaded dispatch executes (see retireAndContinue).
constexpr u64 kMaxChain = 256;
constexpr u64 kPageSize = 4096;
} // namespace

Core::Core(Machine& machine, unsigned index)
    : machine_(machine), index_(index),
      exec_(state_, *this,
            isa::RamWindow{machine.memory().ramHost(), machine.memory().ramBase(),
                           machine.memory().ramSize(), machine.memory().codePages()},
            machine.config().features),
      coherent_fetch_(machine.config().timing.coherent_fetch),
      icache_(machine.config().timing.icache),
      fetch_block_bytes_(machine.config().timing.fetch_buffer_bytes) {
    state_.mpidr_el1 = 0x8000'0000u | index;
    exec_.dcache = &dcache_;
    if (machine.config().timing.mode == TimingMode::Timing) {
        pipeline_ = std::make_unique<Pipeline>(machine.config().timing, icache_.tags());
        exec_.retire_hook = &Core::timedRetire;
        exec_.retire_context = this;
    }
}

std::optional<TimingStats> Core::timingStats() const {
    if (!pipeline_) return std::nullopt;
    return pipeline_->stats();
}

// ---- Power and inputs ---------------------------------------------------------------------------

CoreStats Core::statsAt(u64 now) const {
    CoreStats s = stats_;
    if (activity_ != CoreActivity::Off) s.cycles_on += now - on_since_;
    if (activity_ == CoreActivity::Wfi || activity_ == CoreActivity::Wfe)
        s.cycles_waiting += now - wait_since_;
    return s;
}

void Core::powerOn(u64 entry, u64 context_id, u64 cycle) {
    // A warm reset of the PE (what QEMU's PSCI CPU_ON does): architectural state back to its
    // reset values, then the entry point and context ID.
    const u64 retired = state_.retired;
    state_ = isa::CpuState{};
    state_.mpidr_el1 = 0x8000'0000u | index_;
    state_.retired = retired;
    state_.pc = entry;
    state_.x[0] = context_id;
    exec_.tlb.flushAll();
    resetCaches(); // caches come out of reset invalid
    if (pipeline_) pipeline_->reset(cycle);
    pmu_ = Pmu{};
    event_register_ = false;
    activity_ = CoreActivity::Running;
    on_since_ = cycle;
    last_vector_ = ~u64{0};
    repeated_exceptions_ = 0;
    machine_.reschedule();
}

void Core::powerOff() {
    stats_.cycles_on += currentCycle() - on_since_;
    activity_ = CoreActivity::Off;
    machine_.clearExclusive(index_);
    machine_.reschedule();
}

void Core::wake() {
    stats_.cycles_waiting += machine_.cycleNow() - wait_since_;
    activity_ = CoreActivity::Running;
    machine_.reschedule();
}

void Core::startWaiting(CoreActivity how) {
    activity_ = how;
    wait_since_ = currentCycle();
    machine_.reschedule();
}

void Core::setIrqLine(bool asserted) {
    irq_line_ = asserted;
    if (!asserted) return;
    endChain(); // looked at before the next instruction
    // WFI (and WFE) wake on a pending interrupt whether or not PSTATE masks it.
    if (activity_ == CoreActivity::Wfi || activity_ == CoreActivity::Wfe) wake();
}

void Core::setFiqLine(bool asserted) {
    fiq_line_ = asserted;
    if (!asserted) return;
    endChain();
    if (activity_ == CoreActivity::Wfi || activity_ == CoreActivity::Wfe) wake();
}

void Core::signalEvent() {
    if (activity_ == CoreActivity::Wfe)
        wake(); // the wake-up consumes the event
    else
        state_.event_register = true;
}

void Core::addPcWatch(const PcWatch& watch) {
    pc_watches_.push_back(watch);
    updateStepping();
}

// ---- Execution ----------------------------------------------------------------------------------

void Core::fill(DecodeCache::Entry& entry, u64 pc) {
    if (pc & 3) {
        GuestException ex{ExceptionClass::PcAlignment};
        ex.far_valid = true;
        ex.far = pc;
        throw ex;
    }
    const isa::Translation t = exec_.translateOrAbort(pc, isa::AccessType::Fetch, state_.el);
    PhysicalMemory& mem = machine_.memory();
    if (!mem.inRam(t.pa, 4)) {
        // Only RAM holds code on this board; fetching elsewhere is a synchronous external abort.
        GuestException ex{state_.el == 0 ? ExceptionClass::InstrAbortLowerEl
                                         : ExceptionClass::InstrAbortSameEl,
                          static_cast<u32>(isa::FaultStatus::SyncExternal)};
        ex.far_valid = true;
        ex.far = pc;
        throw ex;
    }
    const u32 word = fetchWord(pc, t.pa);
    // With coherent fetch, stores to a page holding decoded code invalidate it.
    if (coherent_fetch_) machine_.markCode(t.pa);
    std::vector<u64>& aliases = decoded_pages_[t.pa & ~(kPageSize - 1)];
    const u64 va_page = pc & ~(kPageSize - 1);
    if (std::find(aliases.begin(), aliases.end(), va_page) == aliases.end())
        aliases.push_back(va_page);
    const isa::Decoded d = machine_.decoder().decode(word);
    entry = {DecodeCache::tagFor(pc, state_.el), d.fn, t.pa, word,
             pipeline_ ? pipeline_->resolve(isa::classifyTiming(d.encoding, word))
                       : isa::IssueInfo{}};
}

u32 Core::fetchWord(u64 pc, u64 pa) {
    if (fetch_held_ && (pc & ~(fetch_block_bytes_ - 1)) == fetch_held_va_)
        return fetch_held_words_[(pc & (fetch_block_bytes_ - 1)) >> 2];
    PhysicalMemory& mem = machine_.memory();
    const InstructionCache::Fetch f = icache_.fetch(pa, mem.ramHost(), mem.ramBase());
    if (!f.hit && pipeline_) pipeline_->fetchMissed();
    if (coherent_fetch_) {
        // The cache only times the fetch; the word is memory's.
        u32 word;
        std::memcpy(&word, mem.ramHost() + (pa - mem.ramBase()), 4);
        return word;
    }
    // The replaced line's words are no longer cached: nothing decoded from them may stay.
    if (f.evicted_pa != CacheTags::kInvalid) invalidateCodeAt(f.evicted_pa, icache_.tags().lineBytes());
    return f.word;
}

bool Core::takePendingInterrupt() {
    ExceptionKind kind;
    if (fiq_line_ && !(state_.daif & isa::kDaifF)) {
        isa::takeFiq(state_);
        ++stats_.fiqs;
        kind = ExceptionKind::Fiq;
    } else if (irq_line_ && !(state_.daif & isa::kDaifI)) {
        isa::takeIrq(state_);
        ++stats_.irqs;
        kind = ExceptionKind::Irq;
    } else {
        return false;
    }
    contextSynchronize(); // exception entry is a context synchronisation event
    if (pipeline_) pipeline_->exceptionEntry();
    if (machine_.wants(Observer::kException)) {
        const ExceptionEvent ev{
            kind, state_.elr_el1, state_.pc, 0, 0, static_cast<u8>((state_.spsr_el1 >> 2) & 3)};
        machine_.notify(Observer::kException,
                        [&](Observer& o) { o.onException(index_, ev, currentCycle()); });
    }
    return true;
}

void Core::afterRetire(u64 pc, u32 insn) {
    if (observed_retire_)
        machine_.notify(Observer::kRetire,
                        [&](Observer& o) { o.onRetire(index_, pc, insn, currentCycle() - 1); });
    for (std::size_t i = 0; i < pc_watches_.size(); ++i) {
        PcWatch& w = pc_watches_[i];
        if (w.pc != pc || --w.hits_left != 0) continue;
        const unsigned id = w.id;
        pc_watches_.erase(pc_watches_.begin() + static_cast<std::ptrdiff_t>(i));
        updateStepping();
        machine_.pcWatchFired(id);
        break;
    }
}

u64 Core::run(u64 turn_start, u64 cycles, u64 insns) {
    return execute<true>(turn_start, cycles, insns);
}

u64 Core::runTurn(u64 turn_start, u64 cycles, u64 insns) {
    if (activity_ != CoreActivity::Running || turn_start < stalled_until_) return 0;
    return execute<false>(turn_start, cycles, insns);
}

void Core::timedRetire(void* self, u64 pc, u64 npc) {
    Core& c = *static_cast<Core*>(self);
    const DecodeCache::Entry& e = c.dcache_.slot(pc);
    c.pipeline_->retire(e.timing, pc, e.pa, npc, c.exec_.mem_addr, c.exec_.branch_taken, c.state_);
    if (c.pipeline_->cycle() >= c.turn_end_) {
        c.exec_.endChain();
        return;
    }
    // The turn ends between two instructions: before the next one if it would issue at or
    // after the end, so an interrupt due then comes exactly between the two, even when this
    // one left the clock short of the end (the next waits for an operand or a unit).
    if (c.pipeline_->latestNextIssue() >= c.turn_end_) [[unlikely]] {
        // A next word not decoded yet (new or just invalidated code) is judged by what no
        // instruction can beat; decoding it here could fault, which belongs to its own turn.
        const DecodeCache::Entry& n = c.dcache_.slot(npc);
        const u64 next_issue = n.tag == DecodeCache::tagFor(npc, c.state_.el)
                                   ? c.pipeline_->nextIssueCycle(n.timing)
                                   : c.pipeline_->earliestNextIssue();
        if (next_issue >= c.turn_end_) {
            c.turn_over_ = true;
            c.exec_.endChain();
        }
    }
}

template <bool YieldOnReschedule>
u64 Core::execute(u64 turn_start, u64 cycles, u64 insns) {
    turn_start_ = turn_start;
    turn_retired_ = state_.retired;
    u64 end;
    if (pipeline_) {
        // A core that waited or was stalled catches up; one ahead of the turn (a long stall
        // of its own) sits it out.
        pipeline_->idleUntil(turn_start);
        turn_end_ = turn_start + cycles;
        end = state_.retired + insns;
    } else {
        end = state_.retired + std::min(cycles, insns);
    }
    turn_over_ = false;
    while (state_.retired < end && activity_ == CoreActivity::Running &&
           (!pipeline_ || (pipeline_->cycle() < turn_end_ && !turn_over_)) &&
           !(YieldOnReschedule && machine_.rescheduleRequested()) &&
           machine_.stopReason() == StopReason::None && currentCycle() >= stalled_until_) {
        if ((irq_line_ || fiq_line_) && takePendingInterrupt()) continue;
        const u64 pc = state_.pc;
        // Leaving a held fetch block: its old words go, the next fetch reads the I-cache.
        bool one_at_a_time = single_step_;
        if (fetch_held_) [[unlikely]] {
            if ((pc & ~(fetch_block_bytes_ - 1)) != fetch_held_va_)
                releaseFetchBlock();
            else
                one_at_a_time = true;
        }
        try {
            DecodeCache::Entry& e = dcache_.slot(pc);
            if (e.tag != DecodeCache::tagFor(pc, state_.el)) [[unlikely]]
                fill(e, pc);
            exec_.npc = pc + 4;
            if (one_at_a_time) [[unlikely]] {
                exec_.chain_left = 1;
                const u32 insn = e.insn;
                e.fn(exec_, insn);
                if (single_step_) afterRetire(pc, insn);
            } else {
                exec_.chain_left = std::min(end - state_.retired, kMaxChain);
                e.fn(exec_, e.insn); // retires this and possibly following instructions
            }
        } catch (const GuestException& ex) {
            state_.clearZeroRegister(); // the handler may have written XZR before faulting
            // Exception-generating instructions (SVC, BRK) have executed; faults have not.
            const bool executed = ex.ec == ExceptionClass::Svc64 || ex.ec == ExceptionClass::Brk64;
            if (executed) ++state_.retired;
            if (pipeline_) {
                // SVC and BRK issue like any instruction; then the pipeline drains.
                const DecodeCache::Entry& e = dcache_.slot(pc);
                if (executed && (e.tag & ~u64{3}) == pc)
                    pipeline_->retire(e.timing, pc, e.pa, pc + 4, exec_.mem_addr, false, state_);
                else
                    pipeline_->exceptionEntry();
            }
            takeException(ex);
            if (executed && single_step_) {
                u32 insn = 0;
                if (const auto& e = dcache_.slot(pc); (e.tag & ~u64{3}) == pc) insn = e.insn;
                afterRetire(pc, insn);
            }
        }
    }
    if (!pipeline_) return state_.retired - turn_retired_;
    // Stopped before an instruction that issues after the turn: busy until the end of it.
    const u64 busy = turn_over_ ? std::max(pipeline_->cycle(), turn_end_) : pipeline_->cycle();
    return busy > turn_start ? busy - turn_start : 0;
}

namespace {
const char* exceptionName(ExceptionClass ec) {
    switch (ec) {
    case ExceptionClass::Unknown: return "undefined instruction";
    case ExceptionClass::IllegalState: return "illegal execution state";
    case ExceptionClass::Svc64: return "SVC";
    case ExceptionClass::Hvc64: return "HVC";
    case ExceptionClass::Smc64: return "SMC";
    case ExceptionClass::InstrAbortLowerEl:
    case ExceptionClass::InstrAbortSameEl: return "instruction abort";
    case ExceptionClass::PcAlignment: return "PC alignment fault";
    case ExceptionClass::DataAbortLowerEl:
    case ExceptionClass::DataAbortSameEl: return "data abort";
    case ExceptionClass::SpAlignment: return "SP alignment fault";
    case ExceptionClass::Brk64: return "BRK";
    default: return "exception";
    }
}
} // namespace

std::string Core::describeFault(const GuestException& ex, u64 pc) const {
    std::string text =
        fmt::format("{} (ESR_EL1 {:#010x}) at PC {:#x}", exceptionName(ex.ec), ex.esr(), pc);
    u32 word;
    if ((pc & 3) == 0 && readGuest(pc, &word, 4))
        text +=
            fmt::format(" [{:08x} {}]", word, isa::textOrFallback(word, pc, machine_.decoder()));
    if (ex.far_valid) text += fmt::format(", FAR {:#x}", ex.far);
    return text;
}

void Core::takeException(const GuestException& ex) {
    const u64 faulting_pc = state_.pc;
    const bool progressed = state_.retired != retired_at_last_exception_;
    const u8 from_el = state_.el;
    isa::takeSyncException(state_, ex);
    contextSynchronize(); // exception entry is a context synchronisation event
    ++stats_.exceptions;
    if (machine_.wants(Observer::kException)) {
        const ExceptionEvent ev{
            ExceptionKind::Synchronous, state_.elr_el1, state_.pc, state_.esr_el1,
            ex.far_valid ? ex.far : 0,  from_el};
        machine_.notify(Observer::kException,
                        [&](Observer& o) { o.onException(index_, ev, currentCycle()); });
    }
    if (!progressed && state_.pc == last_vector_) {
        if (++repeated_exceptions_ >= kExceptionLoopLimit)
            machine_.requestStop(
                StopReason::GuestWedged,
                fmt::format("core {}: exception loop: {}; its vector {:#x} (VBAR_EL1 {:#x}) "
                            "faults again with {}: the guest has no working exception vectors",
                            index_, first_fault_, state_.pc, state_.vbar_el1,
                            describeFault(ex, faulting_pc)));
    } else {
        repeated_exceptions_ = 0;
        first_fault_ = describeFault(ex, faulting_pc);
    }
    last_vector_ = state_.pc;
    retired_at_last_exception_ = state_.retired;
}

bool Core::readGuest(u64 va, void* out, unsigned size) const {
    auto* bytes = static_cast<u8*>(out);
    for (unsigned i = 0; i < size; ++i) {
        const isa::Translation t =
            isa::translate(exec_.translationRegs(), exec_.ram, va + i, isa::AccessType::Read, 1);
        if (!t.ok || !machine_.memory().inRam(t.pa, 1)) return false;
        bytes[i] = machine_.memory().ramHost()[t.pa - machine_.memory().ramBase()];
    }
    return true;
}

// ---- Code and translation caches ----------------------------------------------------------------

void Core::invalidateCodeAt(u64 pa, u64 len) {
    // Every virtual page this core decoded from the touched physical page(s).
    for (u64 page = pa & ~(kPageSize - 1); page < pa + len; page += kPageSize) {
        const auto it = decoded_pages_.find(page);
        if (it == decoded_pages_.end()) continue;
        const u64 from = std::max(pa, page), to = std::min(pa + len, page + kPageSize);
        for (const u64 va_page : it->second)
            dcache_.invalidate(va_page + (from - page), to - from);
    }
}

void Core::invalidateAllCode() {
    dcache_.invalidateAll();
    decoded_pages_.clear();
}

void Core::holdFetchBlock(u64 line_pa, u64 line_bytes) {
    if (fetch_held_ || activity_ == CoreActivity::Off) return;
    // The block of the next instruction is in the buffer if it was fetched: then its decode
    // entry says from which physical address.
    const u64 pc = state_.pc;
    const DecodeCache::Entry& e = dcache_.slot(pc);
    if (e.tag != DecodeCache::tagFor(pc, state_.el)) return;
    if ((e.pa & ~(line_bytes - 1)) != line_pa) return;
    const u64 block_va = pc & ~(fetch_block_bytes_ - 1);
    const u64 block_pa = e.pa & ~(fetch_block_bytes_ - 1);
    for (u64 i = 0; i < fetch_block_bytes_ / 4; ++i)
        if (!icache_.peek(block_pa + 4 * i, fetch_held_words_[i])) return;
    fetch_held_ = true;
    fetch_held_va_ = block_va;
    endChain();
}

void Core::releaseFetchBlock() {
    fetch_held_ = false;
    dcache_.invalidate(fetch_held_va_, fetch_block_bytes_);
}

void Core::invalidateICacheLine(u64 pa) {
    const u64 bytes = icache_.tags().lineBytes();
    const u64 line = pa & ~(bytes - 1);
    if (icache_.tags().find(line) < 0) return;
    if (!coherent_fetch_) holdFetchBlock(line, bytes);
    icache_.tags().invalidate(line);
    // Decoded words of the line now come from the fetch buffer or a refill.
    if (!coherent_fetch_) invalidateCodeAt(line, bytes);
}

void Core::invalidateICache() {
    if (!coherent_fetch_) {
        const u64 bytes = icache_.tags().lineBytes();
        const u64 pc_pa = dcache_.slot(state_.pc).pa;
        holdFetchBlock(pc_pa & ~(bytes - 1), bytes);
        invalidateAllCode();
    }
    icache_.tags().invalidateAll();
}

void Core::resetCaches() {
    icache_.tags().invalidateAll();
    fetch_held_ = false;
    invalidateAllCode();
}

void Core::contextSynchronize() {
    if (fetch_held_) {
        releaseFetchBlock();
        endChain();
    }
}

void Core::translationsFlushed() {
    invalidateAllCode();
    endChain();
}

// ---- isa::Platform ------------------------------------------------------------------------------

bool Core::readSlow(u64 addr, unsigned size, u64& value) {
    return machine_.memory().readMmio(addr, size, value);
}

bool Core::writeSlow(u64 addr, unsigned size, u64 value) {
    return machine_.memory().writeMmio(addr, size, value);
}

void Core::watchedStore(u64 pa, unsigned size) { machine_.watchedStore(index_, pa, size); }

void Core::observedStore(u64 va, u64 pa, unsigned size, u64 value) {
    machine_.notify(Observer::kMemoryWrite, [&](Observer& o) {
        o.onMemoryWrite(index_, va, pa, size, value, currentCycle());
    });
}

void Core::exclusiveLoad(u64 pa, unsigned size) { machine_.exclusiveLoad(index_, pa, size); }
bool Core::exclusiveStore(u64 pa, unsigned size) {
    return machine_.exclusiveStore(index_, pa, size);
}
void Core::clearExclusive() { machine_.clearExclusive(index_); }

bool Core::hypervisorCall(isa::u16 imm) {
    if (imm != 0) return false;
    return machine_.psciCall(*this);
}

bool Core::haltInstruction(isa::u16 imm) {
    constexpr isa::u16 kSemihostingHlt = 0xf000;
    // Semihosting is for the kernel; EL0 gets UNDEF, as QEMU without userspace semihosting.
    if (imm != kSemihostingHlt || !machine_.config().semihosting || state_.el == 0) return false;
    return semihostingCall();
}

void Core::waitForInterrupt() {
    // WFI completes at once when an interrupt is already pending (masked or not).
    if (irq_line_ || fiq_line_) return;
    startWaiting(CoreActivity::Wfi);
}

void Core::waitForEvent() {
    if (irq_line_ || fiq_line_) return;
    startWaiting(CoreActivity::Wfe);
}

void Core::sendEvent() { machine_.sendEventToAll(); }

void Core::cacheMaintenance(CacheOp op, u64 addr) {
    if (machine_.wants(Observer::kCacheMaintenance))
        machine_.notify(Observer::kCacheMaintenance, [&](Observer& o) {
            o.onCacheMaintenance(index_, op, addr, currentCycle());
        });
    switch (op) {
    case CacheOp::TlbiVmalle1Is: machine_.broadcastTlbi(CacheOp::TlbiVmalle1, addr); return;
    case CacheOp::TlbiVae1Is: machine_.broadcastTlbi(CacheOp::TlbiVae1, addr); return;
    case CacheOp::TlbiAside1Is: machine_.broadcastTlbi(CacheOp::TlbiAside1, addr); return;
    case CacheOp::TlbiVmalle1:
    case CacheOp::TlbiVae1:
    case CacheOp::TlbiAside1: applyTlbi(op, addr); return;
    case CacheOp::IcIvau: {
        // By virtual address, to the point of unification, for every core (Inner Shareable).
        const isa::Translation t =
            isa::translate(exec_.translationRegs(), exec_.ram, addr, isa::AccessType::Read, state_.el);
        if (t.ok) machine_.broadcastICacheLine(t.pa);
        return;
    }
    case CacheOp::IcIallu: invalidateICache(); return;
    case CacheOp::IcIalluis: machine_.broadcastICacheAll(); return;
    default:
        // Data memory is coherent (the D-cache only times accesses), so DC maintenance has
        // no effect on contents; DSB after it is what orders it (a pipeline drain).
        return;
    }
}

void Core::applyTlbi(CacheOp op, u64 operand) {
    if (op == CacheOp::TlbiVae1) {
        // VA[55:12] in bits 43..0 of the operand, sign-extended from VA bit 55.
        const u64 va = static_cast<u64>(isa::signExtend((operand & 0xfff'ffff'ffff) << 12, 56));
        exec_.tlb.flushPage(va);
        // Decoded instructions embody a translation too.
        dcache_.invalidate(va & ~(kPageSize - 1), kPageSize);
        endChain();
        return;
    }
    // VMALLE1 and ASIDE1: ASIDs are not kept apart in this TLB, so both drop everything.
    exec_.flushTranslations();
}

std::optional<u64> Core::readSysReg(u32 key) {
    const Pmu::Sources now{currentCycle(), state_.retired};
    if (const Pmu::Access a = pmu_.read(key, state_.el, now); a.result != Pmu::Result::NotPmu) {
        if (a.result == Pmu::Result::Undefined) return std::nullopt;
        return a.value;
    }
    const GenericTimer::Access t =
        machine_.timer().readSysReg(index_, key, state_.el, currentCycle());
    if (t.result != GenericTimer::Access::NotTimer) {
        if (t.result == GenericTimer::Access::Undefined) return std::nullopt;
        return t.value;
    }
    if (state_.el == 0) return std::nullopt; // the GIC CPU interface is EL1-only
    return machine_.gic().readIcc(index_, key);
}

bool Core::writeSysReg(u32 key, u64 value) {
    const Pmu::Sources now{currentCycle(), state_.retired};
    if (const Pmu::Access a = pmu_.write(key, state_.el, value, now);
        a.result != Pmu::Result::NotPmu)
        return a.result == Pmu::Result::Ok;
    const GenericTimer::Access t =
        machine_.timer().writeSysReg(index_, key, state_.el, value, currentCycle());
    if (t.result != GenericTimer::Access::NotTimer) {
        if (t.result == GenericTimer::Access::Ok) machine_.timerChanged();
        return t.result == GenericTimer::Access::Ok;
    }
    if (state_.el == 0) return false;
    return machine_.gic().writeIcc(index_, key, value);
}

// ---- Semihosting (Arm IHI 0059: HLT #0xF000, operation in W0, parameter in X1) ----------------

bool Core::semihostingCall() {
    constexpr u32 kSysWritec = 0x03, kSysWrite0 = 0x04, kSysExit = 0x18, kSysExitExtended = 0x20;
    constexpr u64 kAdpStoppedApplicationExit = 0x20026;
    const u32 op = static_cast<u32>(state_.x[0]);
    const u64 param = state_.x[1];
    switch (op) {
    case kSysWritec: {
        char c;
        if (readGuest(param, &c, 1)) machine_.console(c);
        return true;
    }
    case kSysWrite0: {
        char c;
        for (u64 a = param; readGuest(a, &c, 1) && c != '\0'; ++a)
            machine_.console(c);
        return true;
    }
    case kSysExit:
    case kSysExitExtended: {
        // AArch64: X1 points at {reason, subcode}. ApplicationExit passes the subcode as the
        // exit status; any other reason is a failure (QEMU exits with 1).
        u64 block[2] = {0, 0};
        const bool ok = readGuest(param, block, sizeof block);
        const u64 status = ok && block[0] == kAdpStoppedApplicationExit ? block[1] : 1;
        machine_.requestStop(StopReason::SemihostingExit,
                             ok ? fmt::format("reason {:#x}, status {}", block[0], status)
                                : "parameter block unreadable",
                             status);
        return true;
    }
    default:
        state_.x[0] = static_cast<u64>(-1); // unsupported operation: report failure to the guest
        return true;
    }
}

// ---- Snapshots ----------------------------------------------------------------------------------

void Core::save(StateWriter& w) const {
    w.tag("CORE");
    const isa::CpuState& s = state_;
    w.putArray(s.x.data(), s.x.size());
    for (const u64 v : {s.pc, s.sp, s.sp_el0, s.sp_el1})
        w.put(v);
    w.put(s.nzcv);
    w.put(s.daif);
    w.put(s.el);
    w.put(s.spsel);
    for (const u64 v :
         {s.elr_el1, s.spsr_el1, s.esr_el1, s.far_el1, s.vbar_el1, s.sctlr_el1, s.tpidr_el0,
          s.tpidr_el1, s.tpidrro_el0, s.cpacr_el1, s.tcr_el1, s.ttbr0_el1, s.ttbr1_el1, s.mair_el1,
          s.amair_el1, s.contextidr_el1, s.mdscr_el1, s.mpidr_el1, s.par_el1})
        w.put(v);
    w.put(s.exclusive_valid);
    w.put(s.exclusive_addr);
    w.put(s.exclusive_size);
    w.put(s.event_register);
    w.put(s.retired);
    w.put(activity_);
    w.put(irq_line_);
    w.put(fiq_line_);
    w.put(stalled_until_);
    w.put(on_since_);
    w.put(wait_since_);
    // The TLB is architectural in effect (a guest that edits its tables without TLBI sees the
    // old translation), so it is part of the state.
    for (const auto& per_el : exec_.tlb.sets)
        for (const auto& per_kind : per_el)
            for (const auto& e : per_kind) {
                w.put(e.tag);
                w.put(e.offset);
            }
    pmu_.save(w);
    w.put(static_cast<u64>(pc_watches_.size()));
    for (const PcWatch& pw : pc_watches_) {
        w.put(pw.pc);
        w.put(pw.hits_left);
        w.put(pw.id);
    }
    w.put(stats_.cycles_on);
    w.put(stats_.cycles_waiting);
    w.put(stats_.cycles_stalled);
    w.put(stats_.exceptions);
    w.put(stats_.irqs);
    w.put(stats_.fiqs);
    w.put(last_vector_);
    w.put(retired_at_last_exception_);
    w.put(repeated_exceptions_);
    // Instruction fetch state is architectural in effect: stale words stay stale.
    icache_.save(w);
    w.put(fetch_held_);
    w.put(fetch_held_va_);
    w.putArray(fetch_held_words_.data(), fetch_held_words_.size());
    if (pipeline_) pipeline_->save(w);
}

void Core::load(StateReader& r) {
    r.tag("CORE");
    isa::CpuState& s = state_;
    r.getArray(s.x.data(), s.x.size());
    for (u64* v : {&s.pc, &s.sp, &s.sp_el0, &s.sp_el1})
        r.get(*v);
    r.get(s.nzcv);
    r.get(s.daif);
    r.get(s.el);
    r.get(s.spsel);
    for (u64* v :
         {&s.elr_el1, &s.spsr_el1, &s.esr_el1, &s.far_el1, &s.vbar_el1, &s.sctlr_el1, &s.tpidr_el0,
          &s.tpidr_el1, &s.tpidrro_el0, &s.cpacr_el1, &s.tcr_el1, &s.ttbr0_el1, &s.ttbr1_el1,
          &s.mair_el1, &s.amair_el1, &s.contextidr_el1, &s.mdscr_el1, &s.mpidr_el1, &s.par_el1})
        r.get(*v);
    r.get(s.exclusive_valid);
    r.get(s.exclusive_addr);
    r.get(s.exclusive_size);
    r.get(s.event_register);
    r.get(s.retired);
    r.get(activity_);
    r.get(irq_line_);
    r.get(fiq_line_);
    r.get(stalled_until_);
    r.get(on_since_);
    r.get(wait_since_);
    for (auto& per_el : exec_.tlb.sets)
        for (auto& per_kind : per_el)
            for (auto& e : per_kind) {
                r.get(e.tag);
                r.get(e.offset);
            }
    pmu_.load(r);
    const u64 watches = r.get<u64>();
    if (watches > (u64{1} << 20)) throw SnapshotError("snapshot is damaged (PC watches)");
    pc_watches_.assign(watches, PcWatch{});
    for (PcWatch& pw : pc_watches_) {
        r.get(pw.pc);
        r.get(pw.hits_left);
        r.get(pw.id);
    }
    updateStepping();
    r.get(stats_.cycles_on);
    r.get(stats_.cycles_waiting);
    r.get(stats_.cycles_stalled);
    r.get(stats_.exceptions);
    r.get(stats_.irqs);
    r.get(stats_.fiqs);
    r.get(last_vector_);
    r.get(retired_at_last_exception_);
    r.get(repeated_exceptions_);
    icache_.load(r);
    r.get(fetch_held_);
    r.get(fetch_held_va_);
    r.getArray(fetch_held_words_.data(), fetch_held_words_.size());
    if (pipeline_) pipeline_->load(r);
    first_fault_.clear();
    invalidateAllCode();
    if (!exec_.fast_stores) exec_.tlb.flushAll();
}

} // namespace cmodx::sim
