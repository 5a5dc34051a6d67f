// Stage 1 translation for the EL1&0 regime. The structure follows the Arm ARM's pseudocode
// (AArch64.FirstStageTranslate, AArch64.TranslateAddressS1Off, AArch64.TranslationTableWalk,
// AArch64.CheckPermission), specialised to what mmu.h says this model implements.
#include "isa/aarch64/mmu.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace cmodx::isa {
namespace {

// PAMax(): the Cortex-A53 that QEMU models reports ID_AA64MMFR0_EL1.PARange = 0b0010, 40 bits.
// TCR_EL1.IPS cannot raise the output size above it, and with the MMU off a VA above it has no
// physical address.
constexpr unsigned kPaMax = 40;

// The 4 KiB granule: a table is one 4 KiB page of 512 descriptors, so each level resolves
// 9 bits of the input address and the page offset is 12 bits.
constexpr unsigned kGrainSize = 12;
constexpr unsigned kStride = kGrainSize - 3;
// Level 0 descriptors can only point to tables; the largest block is a 1 GiB level 1 block.
constexpr unsigned kFirstBlockLevel = 1;

// Valid input address sizes with the 4 KiB granule (TxSZ 39..16).
constexpr unsigned kInputSizeMin = 25;
constexpr unsigned kInputSizeMax = 48;

constexpr u8 kAllPerms = kEl1Read | kEl1Write | kEl1Exec | kEl0Read | kEl0Write | kEl0Exec;

// SCTLR_EL1 bits used here.
constexpr unsigned kSctlrM = 0;    // stage 1 translation enabled
constexpr unsigned kSctlrWxn = 19; // write permission implies execute-never

// The fault status codes for a fault at `level`: the level is in the low two bits. Access flag
// and Permission faults never happen at level 0 without FEAT_LPA2 (no leaf is found there).
FaultStatus withLevel(FaultStatus level0_code, unsigned level) {
    return static_cast<FaultStatus>(static_cast<u8>(level0_code) + level);
}
FaultStatus addressSizeFault(unsigned level) {
    return withLevel(FaultStatus::AddressSizeL0, level);
}
FaultStatus translationFault(unsigned level) {
    return withLevel(FaultStatus::TranslationL0, level);
}
FaultStatus accessFlagFault(unsigned level) {
    return withLevel(FaultStatus::AccessFlagL1, level - 1);
}
FaultStatus permissionFault(unsigned level) {
    return withLevel(FaultStatus::PermissionL1, level - 1);
}
FaultStatus walkExternalAbort(unsigned level) {
    return withLevel(FaultStatus::SyncExternalOnWalkL0, level);
}

Translation faulted(FaultStatus status, unsigned level) {
    Translation t;
    t.fault = status;
    t.level = level;
    return t;
}

// AddrTop(): the most significant VA bit that translation looks at. TCR_EL1.TBI0/TBI1 is chosen
// by va<55>, so the ignored top byte cannot itself pick the half of the address space. ARMv8.0
// applies TBI to instruction addresses as well as data (TCR_EL1.TBIDx, which makes it data-only,
// came with FEAT_PAuth); a tagged branch target has its tag replaced by a sign extension before
// it reaches the PC, so fetches rarely see a tag at all.
unsigned addrTop(u64 tcr, u64 va) {
    const bool tbi = bit(va, 55) ? bit(tcr, 38) : bit(tcr, 37);
    return tbi ? 55 : 63;
}

// The output address size: TCR_EL1.IPS [34:32], capped at PAMax(). As in the ARMv8.0
// pseudocode, the reserved encodings (and 0b110, 52 bits with FEAT_LPA) mean 48 bits.
unsigned outputSize(u64 tcr) {
    constexpr unsigned kIpsBits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    return std::min(kIpsBits[bits(tcr, 34, 32)], kPaMax);
}

// The ASID that tags non-global translations: from TTBR1_EL1 when TCR_EL1.A1 [22] is set, else
// from TTBR0_EL1, whichever TTBR the walk used. With TCR_EL1.AS [36] clear only 8 bits are in use
// and the upper 8 of the field are treated as zero (the Cortex-A53 has 16-bit ASIDs).
u16 currentAsid(const TranslationRegs& regs) {
    const u64 ttbr = bit(regs.tcr, 22) ? regs.ttbr1 : regs.ttbr0;
    return static_cast<u16>(bit(regs.tcr, 36) ? bits(ttbr, 63, 48) : bits(ttbr, 55, 48));
}

// _Mem[descaddr, 8, AccType_PTW]. Walks read RAM only: a descriptor anywhere else gets no answer
// and the walk ends in a synchronous External abort. Descriptors are little-endian.
std::optional<u64> readDescriptor(const RamWindow& ram, u64 descaddr) {
    if (ram.size < 8 || descaddr < ram.base || descaddr - ram.base > ram.size - 8)
        return std::nullopt;
    u64 desc;
    std::memcpy(&desc, ram.host + (descaddr - ram.base), sizeof desc);
    return desc;
}

// The permissions of a translation in the EL1&0 regime (the first half of
// AArch64.CheckPermission, with PSTATE.PAN = 0). `ap` is AP[2:1], `xn` (UXN) and `pxn` already
// include the table-level restrictions.
u8 permissions(unsigned ap, bool xn, bool pxn, bool wxn) {
    const bool priv_r = true;
    const bool priv_w = (ap & 0b10) == 0;
    const bool user_r = (ap & 0b01) != 0;
    const bool user_w = ap == 0b01;
    // With WXN, memory writable at an Exception level cannot be executed there. Independently,
    // EL1 never executes what EL0 can write, so EL0 cannot plant code for the kernel. Note that
    // EL0 execution does not need EL0 read access: AP = 0b00 with UXN = 0 is execute-only.
    const bool user_xn = xn || (user_w && wxn);
    const bool priv_xn = pxn || (priv_w && wxn) || user_w;

    u8 perms = 0;
    if (priv_r) perms |= kEl1Read;
    if (priv_w) perms |= kEl1Write;
    if (!priv_xn) perms |= kEl1Exec;
    if (user_r) perms |= kEl0Read;
    if (user_w) perms |= kEl0Write;
    if (!user_xn) perms |= kEl0Exec;
    return perms;
}

// The second half of AArch64.CheckPermission: does `perms` allow this access?
bool permitted(u8 perms, AccessType type, unsigned el) {
    const bool el0 = el == 0;
    switch (type) {
    case AccessType::Read: return perms & (el0 ? kEl0Read : kEl1Read);
    case AccessType::Write: return perms & (el0 ? kEl0Write : kEl1Write);
    case AccessType::Fetch: return perms & (el0 ? kEl0Exec : kEl1Exec);
    }
    return false;
}

// AArch64.TranslateAddressS1Off(): the default translation when SCTLR_EL1.M == 0.
Translation translateS1Off(u64 va, AccessType type, unsigned top) {
    // A VA (below any ignored tag) that does not fit in the physical address space has no PA.
    if (bits(va, top, kPaMax) != 0) return faulted(addressSizeFault(0), 0);

    Translation t;
    t.ok = true;
    t.pa = bits(va, kPaMax - 1, 0); // drops the tag byte when TBI ignored it
    // Without translation data accesses must not be speculative or gathered, since they may be
    // reaching devices: they are Device-nGnRnE. Instruction fetches are Normal memory (cacheable
    // or not by SCTLR_EL1.I, which this model does not distinguish).
    t.type = type == AccessType::Fetch ? MemType::Normal : MemType::Device;
    t.perms = kAllPerms;
    return t;
}

// AArch64.TranslationTableWalk() for stage 1 of the EL1&0 regime with the 4 KiB granule: the
// translation the final descriptor gives, with its permissions worked out but not yet checked
// against the access, or the fault that ended the walk.
Translation walk(const TranslationRegs& regs, const RamWindow& ram, u64 va, unsigned top) {
    const u64 tcr = regs.tcr;

    // va<top> selects the half of the address space: TTBR0_EL1 maps the bottom (va<top> = 0),
    // TTBR1_EL1 the top. TCR_EL1 has a set of controls for each.
    const bool upper = bit(va, top);
    const auto txsz = static_cast<unsigned>(upper ? bits(tcr, 21, 16) // T1SZ
                                                  : bits(tcr, 5, 0)); // T0SZ
    const bool disabled = upper ? bit(tcr, 23) : bit(tcr, 7);         // EPD1 / EPD0
    const u64 baseregister = upper ? regs.ttbr1 : regs.ttbr0;
    // TG0 [15:14] and TG1 [31:30] encode the granule differently. As in the pseudocode, the
    // reserved encodings (TG0 = 0b11, TG1 = 0b00) mean 4 KiB.
    const u64 tg = upper ? bits(tcr, 31, 30) : bits(tcr, 15, 14);
    const bool largegrain = upper ? tg == 0b11 : tg == 0b01; // 64 KiB
    const bool midgrain = upper ? tg == 0b01 : tg == 0b10;   // 16 KiB

    // An input size outside 25..48 bits is CONSTRAINED UNPREDICTABLE; like QEMU, this model
    // takes the Constraint_FORCE option and uses the nearest valid size.
    const unsigned inputsize = std::clamp(64u - txsz, kInputSizeMin, kInputSizeMax);

    // The bits between the range's size and the top must all equal va<top>; otherwise the VA
    // lies in neither range.
    const u64 range_bits = bits(va, top, inputsize);
    const bool basefound = upper ? range_bits == ones(top - inputsize + 1) : range_bits == 0;
    // Only the 4 KiB granule is modelled; a walk with any other is reported as a level 0
    // Translation fault, as if the range had no tables at all.
    if (!basefound || disabled || largegrain || midgrain) return faulted(translationFault(0), 0);

    const unsigned outputsize = outputSize(tcr);
    if (bits(baseregister, 47, outputsize) != 0) return faulted(addressSizeFault(0), 0);

    // The walk starts at the level that leaves exactly enough 9-bit strides to consume the
    // input address above the page offset: level 0 for 40..48 bits, 1 for 31..39, 2 for 25..30.
    unsigned level = 4 - (inputsize - kGrainSize + kStride - 1) / kStride;

    // The first table holds 2^(inputsize - addrselectbottom) descriptors and is aligned to its
    // own size; TTBR bits below that alignment are ignored.
    const unsigned baselowerbound = 3 + inputsize - ((3 - level) * kStride + kGrainSize);
    u64 baseaddress = bits(baseregister, 47, baselowerbound) << baselowerbound;

    // Table descriptors can only restrict what the levels below them grant, so their attribute
    // bits are ORed together on the way down. ap_table<1> (APTable[1]) makes the region
    // read-only, ap_table<0> (APTable[0]) withdraws EL0 access.
    unsigned ap_table = 0;
    bool xn_table = false;
    bool pxn_table = false;

    unsigned addrselecttop = inputsize - 1;
    unsigned addrselectbottom;
    u64 desc;
    for (;;) {
        addrselectbottom = (3 - level) * kStride + kGrainSize;
        const u64 index = bits(va, addrselecttop, addrselectbottom);
        const auto read = readDescriptor(ram, baseaddress | (index << 3));
        if (!read) return faulted(walkExternalAbort(level), level);
        desc = *read;

        // Invalid (bit 0 clear), or 0b01 at level 3, which is reserved there.
        if (bit(desc, 0) == 0 || (bits(desc, 1, 0) == 0b01 && level == 3))
            return faulted(translationFault(level), level);

        // A block (0b01) or page (0b11 at level 3) ends the walk.
        if (bits(desc, 1, 0) == 0b01 || level == 3) break;

        // A table descriptor: the next-level table must be inside the output address space.
        if (bits(desc, 47, outputsize) != 0) return faulted(addressSizeFault(level), level);
        baseaddress = bits(desc, 47, kGrainSize) << kGrainSize;
        ap_table |= static_cast<unsigned>(bits(desc, 62, 61)); // APTable
        xn_table = xn_table || bit(desc, 60);                  // UXNTable
        pxn_table = pxn_table || bit(desc, 59);                // PXNTable

        ++level;
        addrselecttop = addrselectbottom - 1;
    }

    // A block at level 0 would map 512 GiB, which the 4 KiB granule does not allow.
    if (level < kFirstBlockLevel) return faulted(translationFault(level), level);

    // The contiguous hint (bit 52) only lets a TLB merge entries; this model ignores it, and so
    // never reports its misprogramming (an IMPLEMENTATION DEFINED fault).

    if (bits(desc, 47, outputsize) != 0) return faulted(addressSizeFault(level), level);

    // No hardware Access flag update in ARMv8.0: software sets AF when it takes this fault, which
    // is how an OS learns which pages are in use.
    if (bit(desc, 10) == 0) return faulted(accessFlagFault(level), level);

    Translation t;
    t.ok = true;
    t.level = level;
    t.block_size = u64{1} << addrselectbottom;
    t.pa =
        (bits(desc, 47, addrselectbottom) << addrselectbottom) | bits(va, addrselectbottom - 1, 0);

    // The leaf's AP[2:1], restricted by the tables above it.
    auto ap = static_cast<unsigned>(bits(desc, 7, 6));
    if (ap_table & 0b10) ap |= 0b10;             // force read-only
    if (ap_table & 0b01) ap &= ~0b01u;           // force EL1-only
    const bool xn = bit(desc, 54) || xn_table;   // UXN
    const bool pxn = bit(desc, 53) || pxn_table; // PXN
    t.perms = permissions(ap, xn, pxn, bit(regs.sctlr, kSctlrWxn));

    t.global = bit(desc, 11) == 0; // nG
    t.shareability = static_cast<u8>(bits(desc, 9, 8));
    t.asid = currentAsid(regs);

    // AttrIndx [4:2] picks one of the eight MAIR_EL1 attribute bytes. An upper nibble of 0 is
    // Device memory (the lower nibble gives its kind); anything else is Normal memory.
    t.mair_attr = static_cast<u8>(regs.mair >> (8 * bits(desc, 4, 2)));
    t.type = bits(t.mair_attr, 7, 4) == 0 ? MemType::Device : MemType::Normal;
    return t;
}

} // namespace

Translation translate(const TranslationRegs& regs, const RamWindow& ram, u64 va, AccessType type,
                      unsigned el) {
    const unsigned top = addrTop(regs.tcr, va);
    if (bit(regs.sctlr, kSctlrM) == 0) return translateS1Off(va, type, top);

    Translation t = walk(regs, ram, va, top);
    if (!t.ok) return t;

    // The walk succeeded, so a denied access is a Permission fault at the level of the final
    // descriptor; the result keeps the translation (pa, perms, attributes) for the caller.
    // An instruction fetch from executable Device memory is CONSTRAINED UNPREDICTABLE: this
    // model lets it proceed rather than fault (Constraint_NONE); `type` still says Device.
    if (!permitted(t.perms, type, el)) {
        t.ok = false;
        t.fault = permissionFault(t.level);
    }
    return t;
}

GuestException abortFor(const Translation& t, u64 va, AccessType type, unsigned el) {
    // The abort is taken to EL1: from EL0 it comes from a lower Exception level.
    const bool lower = el == 0;
    const bool fetch = type == AccessType::Fetch;
    GuestException ex{
        fetch ? (lower ? ExceptionClass::InstrAbortLowerEl : ExceptionClass::InstrAbortSameEl)
              : (lower ? ExceptionClass::DataAbortLowerEl : ExceptionClass::DataAbortSameEl)};
    // ISS: IFSC/DFSC [5:0]; WnR [6] for a data access that writes. The other ISS fields are
    // zero: ISV [24] (a translation-related abort carries no instruction syndrome), FnV [10]
    // (FAR is valid), EA [9] (an access that nothing answered is classed as a decode error, as
    // QEMU does), S1PTW [7] (no stage 2).
    ex.iss = static_cast<u32>(t.fault);
    if (type == AccessType::Write) ex.iss |= 1u << 6;
    ex.il = true; // RES1 for Instruction Aborts and for Data Aborts with ISV = 0
    ex.far_valid = true;
    ex.far = va;
    return ex;
}

bool isWalkExternalAbort(FaultStatus status) {
    const auto code = static_cast<u8>(status);
    return code >= static_cast<u8>(FaultStatus::SyncExternalOnWalkL0) &&
           code <= static_cast<u8>(FaultStatus::SyncExternalOnWalkL3);
}

u64 parFor(const Translation& t) {
    constexpr u64 kRes1 = u64{1} << 11;
    if (!t.ok) return kRes1 | u64{static_cast<u8>(t.fault)} << 1 | 1; // FST, F
    // PAREncodeShareability(): Device memory and Normal memory that is Non-cacheable both
    // inside and outside are always Outer Shareable, whatever the descriptor says. (QEMU 7.2
    // reports the descriptor's SH here, and 0b00 with the MMU off; later QEMUs report 0b10.)
    constexpr u8 kNormalNonCacheable = 0x44;
    const bool outer =
        t.type == MemType::Device || t.mair_attr == kNormalNonCacheable || t.shareability == 0b01;
    const u64 sh = outer ? 0b10 : t.shareability;
    constexpr u64 kNs = u64{1} << 9;
    return u64{t.mair_attr} << 56 | (bits(t.pa, 47, 12) << 12) | kRes1 | kNs | sh << 7;
}

} // namespace cmodx::isa
