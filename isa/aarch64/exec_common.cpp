// Pseudocode helpers shared by the handlers: AddWithCarry, DecodeBitMasks, ConditionHolds,
// ShiftReg, ExtendReg, and the slow paths of memory access and exceptions.
#include "isa/aarch64/executor.h"

namespace cmodx::isa {

namespace {
// Replicate(x, esize) to 64 bits.
u64 replicate(u64 x, unsigned esize) {
    u64 r = 0;
    for (unsigned i = 0; i < 64; i += esize)
        r |= x << i;
    return r;
}
u64 rotateRight(u64 x, unsigned r, unsigned esize) {
    if (r == 0) return x;
    const u64 m = ones(esize);
    return ((x >> r) | (x << (esize - r))) & m;
}
} // namespace

bool decodeBitMasks(unsigned datasize, bool n, u32 imms, u32 immr, bool immediate, u64& wmask,
                    u64& tmask) {
    // len = HighestSetBit(immN:NOT(imms))
    const u32 combined = (n ? 0x40u : 0u) | (~imms & 0x3fu);
    if (combined == 0) return false;
    const int len = 31 - std::countl_zero(combined);
    if (len < 1) return false;
    const unsigned esize = 1u << len;
    if (esize > datasize) return false;
    const u32 levels = static_cast<u32>(ones(len));
    if (immediate && (imms & levels) == levels) return false;
    const u32 s = imms & levels;
    const u32 r = immr & levels;
    const u32 diff = (s - r) & levels;
    const u64 welem = ones(s + 1);
    const u64 telem = ones(diff + 1);
    wmask = replicate(rotateRight(welem, r, esize), esize);
    tmask = replicate(telem, esize);
    if (datasize == 32) {
        wmask &= 0xffffffffu;
        tmask &= 0xffffffffu;
    }
    return true;
}

void Executor::setNZ00(bool sf, u64 result) {
    u32 nzcv = 0;
    if (sf ? (result >> 63) : ((result >> 31) & 1)) nzcv |= kFlagN;
    if ((sf ? result : static_cast<u32>(result)) == 0) nzcv |= kFlagZ;
    s.nzcv = nzcv;
}

u64 Executor::extendReg(u64 value, u32 option, unsigned shift, unsigned datasize) {
    u64 v;
    switch (option & 7) {
    case 0: v = static_cast<u8>(value); break;                         // UXTB
    case 1: v = static_cast<u16>(value); break;                        // UXTH
    case 2: v = static_cast<u32>(value); break;                        // UXTW
    case 3: v = value; break;                                          // UXTX
    case 4: v = static_cast<u64>(s64{static_cast<s8>(value)}); break;  // SXTB
    case 5: v = static_cast<u64>(s64{static_cast<s16>(value)}); break; // SXTH
    case 6: v = static_cast<u64>(s64{static_cast<s32>(value)}); break; // SXTW
    default: v = value; break;                                         // SXTX
    }
    return (v << shift) & ones(datasize);
}

u64 Executor::loadSlow(u64 addr, unsigned size) {
    u64 value = 0;
    if (!plat.readSlow(addr, size, value)) dataAbort(addr, false, FaultStatus::SyncExternal);
    return value;
}

void Executor::storeSlow(u64 addr, unsigned size, u64 value) {
    if (!plat.writeSlow(addr, size, value)) dataAbort(addr, true, FaultStatus::SyncExternal);
}

void Executor::checkAlignment(u64 addr, unsigned size, bool is_write) {
    if (addr & (size - 1)) dataAbort(addr, is_write, FaultStatus::Alignment);
}

void Executor::clearExclusiveIfOverlaps(u64 addr, unsigned size) {
    if (s.exclusive_valid && addr < s.exclusive_addr + s.exclusive_size &&
        s.exclusive_addr < addr + size)
        s.exclusive_valid = false;
}

void Executor::undefined() { throw GuestException{ExceptionClass::Unknown}; }

void Executor::dataAbort(u64 addr, bool is_write, FaultStatus status) {
    GuestException ex{ExceptionClass::DataAbortSameEl};
    ex.iss = (is_write ? 1u << 6 : 0u) | static_cast<u32>(status);
    ex.far_valid = true;
    ex.far = addr;
    throw ex;
}

} // namespace cmodx::isa
