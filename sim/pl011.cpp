#include "sim/pl011.h"

namespace cmodx::sim {

namespace {
// Register offsets (PL011 TRM, table 3-1).
constexpr u64 kDR = 0x000, kFR = 0x018, kIBRD = 0x024, kFBRD = 0x028, kLCR_H = 0x02c, kCR = 0x030,
              kIFLS = 0x034, kIMSC = 0x038, kRIS = 0x03c, kMIS = 0x040, kICR = 0x044,
              kPeriphId0 = 0xfe0;
constexpr u32 kFrTxfe = 1u << 7, kFrRxfe = 1u << 4;
// PrimeCell identification: PL011 r1p5, as QEMU reports it.
constexpr u8 kIds[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
} // namespace

u64 Pl011::read(u64 offset, unsigned) {
    switch (offset) {
    case kDR: return 0; // no receive data
    case kFR: return kFrTxfe | kFrRxfe;
    case kIBRD: return ibrd_;
    case kFBRD: return fbrd_;
    case kLCR_H: return lcr_h_;
    case kCR: return cr_;
    case kIFLS: return ifls_;
    case kIMSC: return imsc_;
    case kRIS:
    case kMIS: return 0;
    default:
        if (offset >= kPeriphId0 && offset < kPeriphId0 + 32 && (offset & 3) == 0)
            return kIds[(offset - kPeriphId0) / 4];
        return 0;
    }
}

void Pl011::write(u64 offset, unsigned, u64 value) {
    switch (offset) {
    case kDR: sink_(static_cast<char>(value & 0xff)); break;
    case kIBRD: ibrd_ = value & 0xffff; break;
    case kFBRD: fbrd_ = value & 0x3f; break;
    case kLCR_H: lcr_h_ = value & 0xff; break;
    case kCR: cr_ = value & 0xffff; break;
    case kIFLS: ifls_ = value & 0x3f; break;
    case kIMSC: imsc_ = value & 0x7ff; break;
    case kICR: break;
    default: break;
    }
}

void Pl011::save(StateWriter& w) const {
    w.tag("UART");
    for (const u32 v : {cr_, lcr_h_, ibrd_, fbrd_, imsc_, ifls_})
        w.put(v);
}

void Pl011::load(StateReader& r) {
    r.tag("UART");
    for (u32* v : {&cr_, &lcr_h_, &ibrd_, &fbrd_, &imsc_, &ifls_})
        r.get(*v);
}

} // namespace cmodx::sim
