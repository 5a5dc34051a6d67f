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

Translation Executor::translateOrAbort(u64 va, AccessType type, unsigned perm_el) {
    const Translation t = translate(translationRegs(), ram, va, type, perm_el);
    if (!t.ok) {
        GuestException ex = abortFor(t, va, type, perm_el);
        // The syndrome reports the EL the exception is taken from, which for LDTR/STTR at EL1 is
        // EL1 although the permissions checked were EL0's.
        if (perm_el != s.el) ex = abortFor(t, va, type, s.el);
        throw ex;
    }
    return t;
}

u64 Executor::loadSlow(u64 addr, unsigned size, unsigned perm_el) {
    return accessSlow(addr, size, 0, false, perm_el);
}

void Executor::storeSlow(u64 addr, unsigned size, u64 value, unsigned perm_el) {
    accessSlow(addr, size, value, true, perm_el);
}

// One data access that missed the TLB. An access that crosses a page boundary is split into
// bytes, each translated on its own (both pages are checked before anything is written, as an
// access must not be partly performed when it faults).
u64 Executor::accessSlow(u64 addr, unsigned size, u64 value, bool is_write, unsigned perm_el) {
    mem_addr = addr;
    const AccessType type = is_write ? AccessType::Write : AccessType::Read;
    const u64 in_page = addr & (FastTlb::kPageSize - 1);
    if (in_page + size > FastTlb::kPageSize) {
        const u64 second = (addr | (FastTlb::kPageSize - 1)) + 1;
        translateOrAbort(addr, type, perm_el);
        translateOrAbort(second, type, perm_el);
        u64 result = 0;
        for (unsigned i = 0; i < size; ++i) {
            if (is_write)
                accessSlow(addr + i, 1, (value >> (8 * i)) & 0xff, true, perm_el);
            else
                result |= accessSlow(addr + i, 1, 0, false, perm_el) << (8 * i);
        }
        return result;
    }

    const Translation t = translateOrAbort(addr, type, perm_el);
    const u64 off = t.pa - ram.base;
    if (off < ram.size) {
        // RAM (of either memory type). Cache the page for the EL whose permissions passed,
        // unless this is an unprivileged access from EL1 or an observer wants every store.
        const bool cache = perm_el == s.el && (!is_write || fast_stores);
        if (cache) {
            FastTlb::Entry& e = tlb.entry(s.el, is_write ? FastTlb::kWrite : FastTlb::kRead, addr);
            e.tag = addr & ~(FastTlb::kPageSize - 1);
            e.offset = off - addr;
        }
        u8* p = ram.host + off;
        if (!is_write) {
            u64 v = 0;
            std::memcpy(&v, p, size);
            return v;
        }
        std::memcpy(p, &value, size);
        if (ram.code_pages[off >> FastTlb::kPageShift]) plat.watchedStore(t.pa, size);
        if (!fast_stores) plat.observedStore(addr, t.pa, size, value);
        return 0;
    }

    if (!is_write) {
        u64 v = 0;
        if (!plat.readSlow(t.pa, size, v)) dataAbort(addr, false, FaultStatus::SyncExternal);
        return v;
    }
    if (!plat.writeSlow(t.pa, size, value)) dataAbort(addr, true, FaultStatus::SyncExternal);
    if (!fast_stores) plat.observedStore(addr, t.pa, size, value);
    return 0;
}

void Executor::flushTranslations() {
    tlb.flushAll();
    plat.translationsFlushed();
}

void Executor::checkAlignment(u64 addr, unsigned size, bool is_write) {
    if (addr & (size - 1)) dataAbort(addr, is_write, FaultStatus::Alignment);
}

void Executor::undefined() { throw GuestException{ExceptionClass::Unknown}; }

void Executor::spAlignmentFault() { throw GuestException{ExceptionClass::SpAlignment}; }

void Executor::dataAbort(u64 addr, bool is_write, FaultStatus status) {
    GuestException ex{s.el == 0 ? ExceptionClass::DataAbortLowerEl
                                : ExceptionClass::DataAbortSameEl};
    ex.iss = (is_write ? 1u << 6 : 0u) | static_cast<u32>(status);
    ex.far_valid = true;
    ex.far = addr;
    throw ex;
}

} // namespace cmodx::isa
