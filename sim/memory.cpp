#include "sim/memory.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace cmodx::sim {

void PhysicalMemory::FreeDeleter::operator()(u8* p) const { std::free(p); }

PhysicalMemory::PhysicalMemory(u64 ram_base, u64 ram_size)
    : ram_base_(ram_base), ram_size_(ram_size), ram_(static_cast<u8*>(std::calloc(ram_size, 1))),
      code_pages_((ram_size + (u64{1} << kPageShift) - 1) >> kPageShift, 0) {
    if (!ram_) throw std::bad_alloc();
}

void PhysicalMemory::map(u64 base, u64 size, Device* device) {
    if (base < ram_base_ + ram_size_ && ram_base_ < base + size)
        throw std::logic_error("MMIO range overlaps RAM");
    for (const Mapping& m : mmio_)
        if (base < m.base + m.size && m.base < base + size)
            throw std::logic_error("MMIO ranges overlap");
    mmio_.push_back({base, size, device});
}

const PhysicalMemory::Mapping* PhysicalMemory::find(u64 addr, unsigned size) const {
    for (const Mapping& m : mmio_)
        if (addr >= m.base && addr - m.base + size <= m.size) return &m;
    return nullptr;
}

std::string PhysicalMemory::deviceIn(u64 addr, u64 len) const {
    for (const Mapping& m : mmio_)
        if (addr < m.base + m.size && m.base < addr + len) return m.device->name();
    return {};
}

bool PhysicalMemory::readMmio(u64 addr, unsigned size, u64& value) {
    const Mapping* m = find(addr, size);
    if (!m) return false;
    value = m->device->read(addr - m->base, size);
    return true;
}

bool PhysicalMemory::writeMmio(u64 addr, unsigned size, u64 value) {
    const Mapping* m = find(addr, size);
    if (!m) return false;
    m->device->write(addr - m->base, size, value);
    return true;
}

void PhysicalMemory::writeBytes(u64 addr, const u8* data, u64 len) {
    if (!inRam(addr, len)) throw std::out_of_range("write outside RAM");
    std::memcpy(ram_.get() + (addr - ram_base_), data, len);
}

void PhysicalMemory::fill(u64 addr, u8 value, u64 len) {
    if (!inRam(addr, len)) throw std::out_of_range("fill outside RAM");
    std::memset(ram_.get() + (addr - ram_base_), value, len);
}

} // namespace cmodx::sim
