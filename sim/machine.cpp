#include "sim/machine.h"

#include "isa/aarch64/disasm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace cmodx::sim {

using isa::ExceptionClass;
using isa::GuestException;

namespace {
// PSCI (Arm DEN 0022) function identifiers, SMC32/SMC64 calling conventions.
constexpr u32 kPsciVersion = 0x8400'0000;
constexpr u32 kPsciSystemOff = 0x8400'0008;
constexpr u32 kPsciSystemReset = 0x8400'0009;
constexpr u64 kPsciNotSupported = static_cast<u64>(-1);
constexpr u32 kPsciVersion_1_1 = 0x0001'0001; // what QEMU 7.2 reports

bool isPsciFunction(u64 fn) {
    const u32 f = static_cast<u32>(fn);
    return (fn >> 32) == 0 &&
           ((f & 0xffff'ffe0) == 0x8400'0000 || (f & 0xffff'ffe0) == 0xc400'0000);
}

// An exception that lands on the same vector again without a single instruction retiring in
// between means the vector itself faults: the guest can never make progress.
constexpr unsigned kExceptionLoopLimit = 2;
} // namespace

// ---- Core ---------------------------------------------------------------------------------------

Core::Core(Machine& machine, unsigned index)
    : machine_(machine), index_(index),
      exec_(state_, *this,
            isa::RamWindow{machine.memory().ramHost(), machine.memory().ramBase(),
                           machine.memory().ramSize(), machine.memory().codePages()},
            machine.config().features) {
    state_.mpidr_el1 = 0x8000'0000u | index;
    exec_.dcache = &dcache_;
}

void Core::fill(isa::DecodeCache::Entry& entry, u64 pc) {
    if (pc & 3) {
        GuestException ex{ExceptionClass::PcAlignment};
        ex.far_valid = true;
        ex.far = pc;
        throw ex;
    }
    PhysicalMemory& mem = machine_.memory();
    if (!mem.inRam(pc, 4)) {
        // Only RAM holds code on this board; fetching elsewhere is a synchronous external abort.
        GuestException ex{ExceptionClass::InstrAbortSameEl,
                          static_cast<u32>(isa::FaultStatus::SyncExternal)};
        if (state_.el == 0) ex.ec = ExceptionClass::InstrAbortLowerEl;
        ex.far_valid = true;
        ex.far = pc;
        throw ex;
    }
    u32 word;
    std::memcpy(&word, mem.ramHost() + (pc - mem.ramBase()), 4);
    mem.markCode(pc);
    const isa::Decoded d = machine_.decoder().decode(word);
    entry = {pc, d.fn, word};
}

// Longest run of instructions one chain of threaded dispatch executes (see retireAndContinue).
constexpr u64 kMaxChain = 256;

u64 Core::runBlock(u64 budget) {
    const u64 start = state_.retired;
    const u64 end = start + budget;
    while (state_.retired < end && machine_.stopReason() == StopReason::None) {
        const u64 pc = state_.pc;
        isa::DecodeCache::Entry& e = dcache_.slot(pc);
        if (e.tag != pc) [[unlikely]]
            fill(e, pc);
        exec_.npc = pc + 4;
        exec_.chain_left = std::min(end - state_.retired, kMaxChain);
        e.fn(exec_, e.insn); // retires this and possibly following instructions
    }
    return state_.retired - start;
}

u64 Core::run(u64 budget) {
    const u64 start = state_.retired;
    while (state_.retired - start < budget && machine_.stopReason() == StopReason::None) {
        try {
            runBlock(budget - (state_.retired - start));
        } catch (const GuestException& ex) {
            state_.clearZeroRegister(); // the handler may have written XZR before faulting
            // Exception-generating instructions (SVC, BRK) have executed; faults have not.
            if (ex.ec == ExceptionClass::Svc64 || ex.ec == ExceptionClass::Brk64) ++state_.retired;
            takeException(ex);
        }
    }
    return state_.retired - start;
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
    PhysicalMemory& mem = machine_.memory();
    if (mem.inRam(pc, 4) && (pc & 3) == 0) {
        u32 word;
        std::memcpy(&word, mem.ramHost() + (pc - mem.ramBase()), 4);
        text +=
            fmt::format(" [{:08x} {}]", word, isa::textOrFallback(word, pc, machine_.decoder()));
    }
    if (ex.far_valid) text += fmt::format(", FAR {:#x}", ex.far);
    return text;
}

void Core::takeException(const GuestException& ex) {
    const u64 faulting_pc = state_.pc;
    const bool progressed = state_.retired != retired_at_last_exception_;
    isa::takeSyncException(state_, ex);
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

bool Core::readSlow(u64 addr, unsigned size, u64& value) {
    return machine_.memory().readMmio(addr, size, value);
}

bool Core::writeSlow(u64 addr, unsigned size, u64 value) {
    return machine_.memory().writeMmio(addr, size, value);
}

void Core::codeWritten(u64 addr, unsigned size) { machine_.invalidateCode(addr, size); }

bool Core::hypervisorCall(isa::u16 imm) {
    const u64 fn = state_.x[0];
    if (imm != 0 || !isPsciFunction(fn)) return false;
    switch (static_cast<u32>(fn)) {
    case kPsciVersion: state_.x[0] = kPsciVersion_1_1; break;
    case kPsciSystemOff: machine_.requestStop(StopReason::PoweredOff); break;
    case kPsciSystemReset: machine_.requestStop(StopReason::Reset); break;
    default: state_.x[0] = kPsciNotSupported; break;
    }
    return true;
}

bool Core::haltInstruction(isa::u16) { return false; }

// ---- Machine ------------------------------------------------------------------------------------

Machine::Machine(const MachineConfig& config, std::function<void(char)> console)
    : config_(config), memory_(kRamBase, config.ram_size), decoder_(config.features),
      uart_(std::move(console)) {
    memory_.map(kUartBase, Pl011::kSize, &uart_);
    cores_.push_back(std::make_unique<Core>(*this, 0));
}

LoadedImage Machine::loadElfImage(const std::vector<u8>& image) {
    const LoadedImage loaded = loadElf(image, memory_);
    isa::CpuState& s = cores_[0]->state();
    s.pc = loaded.entry;
    for (auto& c : cores_)
        c->decodeCache().invalidateAll();
    return loaded;
}

StopReason Machine::run(u64 max_insns) {
    u64 done = 0;
    while (stop_ == StopReason::None && done < max_insns) {
        const u64 n = cores_[0]->run(max_insns - done);
        done += n;
        if (n == 0) break;
    }
    return stop_;
}

u64 Machine::instructionsRetired() const {
    u64 n = 0;
    for (const auto& c : cores_)
        n += c->state().retired;
    return n;
}

void Machine::requestStop(StopReason reason, std::string message) {
    if (stop_ != StopReason::None) return;
    stop_ = reason;
    stop_message_ = std::move(message);
    for (auto& c : cores_)
        c->endChain();
}

void Machine::invalidateCode(u64 addr, u64 len) {
    for (auto& c : cores_)
        c->decodeCache().invalidate(addr, len);
}

} // namespace cmodx::sim
