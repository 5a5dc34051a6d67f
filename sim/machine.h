// The simulated machine: a subset of QEMU's `virt` board (RAM at 0x4000_0000, PL011 at
// 0x0900_0000, PSCI over HVC) with cores that execute through the decode cache.
#pragma once

#include "isa/aarch64/decode_cache.h"
#include "isa/aarch64/decoder.h"
#include "isa/aarch64/executor.h"
#include "sim/elf_loader.h"
#include "sim/memory.h"
#include "sim/pl011.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cmodx::sim {

// The QEMU virt memory map (hw/arm/virt.c), the parts modelled so far.
inline constexpr u64 kRamBase = 0x4000'0000;
inline constexpr u64 kUartBase = 0x0900'0000;

struct MachineConfig {
    u64 ram_size = u64{128} << 20;
    isa::Features features{};
};

// Why a run stopped.
enum class StopReason {
    None,        // still runnable (instruction budget used up)
    PoweredOff,  // PSCI SYSTEM_OFF
    Reset,       // PSCI SYSTEM_RESET
    GuestWedged, // the guest cannot make progress
};

class Machine;

class Core final : public isa::Platform {
public:
    Core(Machine& machine, unsigned index);

    isa::CpuState& state() { return state_; }
    const isa::CpuState& state() const { return state_; }
    isa::DecodeCache& decodeCache() { return dcache_; }
    unsigned index() const { return index_; }
    // Ends the current chain of threaded dispatch after the executing instruction.
    void endChain() { exec_.endChain(); }

    // Executes up to `budget` instructions; returns how many retired. Stops early when the
    // machine has a stop reason.
    u64 run(u64 budget);

    // isa::Platform
    bool readSlow(u64 addr, unsigned size, u64& value) override;
    bool writeSlow(u64 addr, unsigned size, u64 value) override;
    void codeWritten(u64 addr, unsigned size) override;
    bool hypervisorCall(isa::u16 imm) override;
    bool haltInstruction(isa::u16 imm) override;
    void waitForInterrupt() override {}
    void waitForEvent() override {}
    void sendEvent() override {}
    void cacheMaintenance(isa::CacheOp, u64) override {}
    std::optional<u64> readSysReg(u32) override { return std::nullopt; }
    bool writeSysReg(u32, u64) override { return false; }

private:
    u64 runBlock(u64 budget);
    void fill(isa::DecodeCache::Entry& entry, u64 pc);
    void takeException(const isa::GuestException& ex);
    std::string describeFault(const isa::GuestException& ex, u64 pc) const;

    Machine& machine_;
    unsigned index_;
    isa::CpuState state_;
    isa::Executor exec_;
    isa::DecodeCache dcache_;
    // Exception-loop detection: where the last exception went and what had retired by then.
    u64 last_vector_ = ~u64{0};
    u64 retired_at_last_exception_ = 0;
    unsigned repeated_exceptions_ = 0;
    std::string first_fault_; // the exception that started the current chain
};

class Machine {
public:
    Machine(const MachineConfig& config, std::function<void(char)> console);
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Loads an ELF image into RAM and points core 0 at its entry (EL1h, MMU off).
    LoadedImage loadElfImage(const std::vector<u8>& image);

    // Runs until the guest stops or `max_insns` instructions have retired in this call.
    StopReason run(u64 max_insns);

    Core& core(unsigned i) { return *cores_.at(i); }
    unsigned coreCount() const { return static_cast<unsigned>(cores_.size()); }
    PhysicalMemory& memory() { return memory_; }
    const isa::Decoder& decoder() const { return decoder_; }
    const MachineConfig& config() const { return config_; }
    u64 instructionsRetired() const;

    StopReason stopReason() const { return stop_; }
    const std::string& stopMessage() const { return stop_message_; }
    void requestStop(StopReason reason, std::string message = {});

    // A store changed RAM that holds decoded code: every core re-decodes it.
    void invalidateCode(u64 addr, u64 len);

private:
    MachineConfig config_;
    PhysicalMemory memory_;
    isa::Decoder decoder_;
    Pl011 uart_;
    std::vector<std::unique_ptr<Core>> cores_;
    StopReason stop_ = StopReason::None;
    std::string stop_message_;
};

} // namespace cmodx::sim
