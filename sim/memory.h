// Guest physical memory: one RAM region (QEMU virt: 0x4000_0000) read directly by the cores,
// plus memory-mapped devices found by address on the slow path.
#pragma once

#include "isa/aarch64/bits.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace cmodx::sim {

using isa::u32;
using isa::u64;
using isa::u8;

// A memory-mapped device. Offsets are relative to the device's base address.
class Device {
public:
    virtual ~Device() = default;
    virtual std::string name() const = 0;
    virtual u64 read(u64 offset, unsigned size) = 0;
    virtual void write(u64 offset, unsigned size, u64 value) = 0;
};

class PhysicalMemory {
public:
    static constexpr u64 kPageShift = 12;

    PhysicalMemory(u64 ram_base, u64 ram_size);

    u64 ramBase() const { return ram_base_; }
    u64 ramSize() const { return ram_size_; }
    u8* ramHost() { return ram_.get(); }
    bool inRam(u64 addr, u64 len) const {
        return addr >= ram_base_ && len <= ram_size_ && addr - ram_base_ <= ram_size_ - len;
    }

    // Watched pages of RAM, one byte per page: a store to one is reported to the machine.
    // kWatchCode marks pages holding decoded instructions, kWatchExclusive pages holding an
    // exclusive reservation. The page before each is marked too (a store can start there and
    // spill over), so the store fast path checks only the page of its first byte.
    static constexpr u8 kWatchCode = 1, kWatchExclusive = 2;
    u8* codePages() { return code_pages_.data(); }
    void markWatched(u64 addr, u8 why) {
        const u64 page = (addr - ram_base_) >> kPageShift;
        code_pages_[page] |= why;
        if (page > 0) code_pages_[page - 1] |= why;
    }
    u8 watched(u64 addr) const { return code_pages_[(addr - ram_base_) >> kPageShift]; }
    void clearWatched() { std::fill(code_pages_.begin(), code_pages_.end(), u8{0}); }
    // The name of a device mapped somewhere in [addr, addr + len), or empty.
    std::string deviceIn(u64 addr, u64 len) const;

    // Maps `device` at [base, base + size). Ranges must not overlap RAM or each other.
    void map(u64 base, u64 size, Device* device);

    // Slow path for addresses outside RAM. False when no device answers.
    bool readMmio(u64 addr, unsigned size, u64& value);
    bool writeMmio(u64 addr, unsigned size, u64 value);

    // Copies bytes into RAM (image loading). The range must be inside RAM.
    void writeBytes(u64 addr, const u8* data, u64 len);
    void fill(u64 addr, u8 value, u64 len);

private:
    struct Mapping {
        u64 base;
        u64 size;
        Device* device;
    };
    const Mapping* find(u64 addr, unsigned size) const;

    struct FreeDeleter {
        void operator()(u8* p) const;
    };
    u64 ram_base_;
    u64 ram_size_;
    // calloc'd: the host maps zero pages lazily, so an untouched 128 MiB RAM costs nothing.
    std::unique_ptr<u8[], FreeDeleter> ram_;
    std::vector<u8> code_pages_;
    std::vector<Mapping> mmio_;
};

} // namespace cmodx::sim
