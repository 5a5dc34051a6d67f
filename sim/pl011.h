// Arm PrimeCell UART (PL011), transmit side. Bytes written to UARTDR go to the console sink;
// the flag register always reports an empty transmit FIFO, as QEMU's model does.
#pragma once

#include "sim/memory.h"
#include "sim/snapshot.h"

#include <functional>

namespace cmodx::sim {

class Pl011 final : public Device {
public:
    static constexpr u64 kSize = 0x1000;

    explicit Pl011(std::function<void(char)> sink) : sink_(std::move(sink)) {}

    std::string name() const override { return "pl011"; }
    u64 read(u64 offset, unsigned size) override;
    void write(u64 offset, unsigned size, u64 value) override;

    void save(StateWriter& w) const;
    void load(StateReader& r);

private:
    std::function<void(char)> sink_;
    u32 cr_ = 0x300, lcr_h_ = 0, ibrd_ = 0, fbrd_ = 0, imsc_ = 0, ifls_ = 0x12;
};

} // namespace cmodx::sim
