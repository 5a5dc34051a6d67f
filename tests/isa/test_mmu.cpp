// Stage 1 translation (isa/aarch64/mmu.h): page tables are built by hand in a RAM buffer and
// walked by translate(), one architectural rule per test, plus a randomized identity-map check.
#include "isa/aarch64/mmu.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace cmodx::isa {

// Readable fault codes in failure messages.
void PrintTo(FaultStatus f, std::ostream* os) {
    *os << "FaultStatus(0x" << std::hex << static_cast<unsigned>(f) << std::dec << ")";
}

namespace {

constexpr u64 kRamBase = 0x4000'0000;
constexpr u64 kRamSize = 4 << 20;
constexpr u64 kPageSize = 4096;
constexpr u64 k2M = u64{1} << 21;
constexpr u64 k1G = u64{1} << 30;

// Descriptor fields.
constexpr u64 kTableDesc = 0b11;
constexpr u64 kBlockDesc = 0b01;
constexpr u64 kPageDesc = 0b11;
constexpr u64 kAf = u64{1} << 10;
constexpr u64 kNg = u64{1} << 11;
constexpr u64 kPxn = u64{1} << 53;
constexpr u64 kUxn = u64{1} << 54;
constexpr u64 kPxnTable = u64{1} << 59;
constexpr u64 kUxnTable = u64{1} << 60;
constexpr u64 ap(unsigned v) { return u64{v} << 6; }
constexpr u64 apTable(unsigned v) { return u64{v} << 61; }
constexpr u64 attrIndx(unsigned i) { return u64{i} << 2; }

// MAIR_EL1: attr0 Normal write-back, attr1 Device-nGnRnE, attr2 Normal non-cacheable,
// attr3 Device-nGnRE.
constexpr u64 kMair = 0x04'44'00'ff;

// TCR_EL1 fields.
constexpr u64 t0sz(unsigned n) { return n; }
constexpr u64 t1sz(unsigned n) { return u64{n} << 16; }
constexpr u64 kEpd0 = u64{1} << 7;
constexpr u64 kEpd1 = u64{1} << 23;
constexpr u64 kA1 = u64{1} << 22;
constexpr u64 kAs = u64{1} << 36;
constexpr u64 kTbi0 = u64{1} << 37;
constexpr u64 kTbi1 = u64{1} << 38;
constexpr u64 tg0(unsigned v) { return u64{v} << 14; }
constexpr u64 tg1(unsigned v) { return u64{v} << 30; }
constexpr u64 ips(unsigned v) { return u64{v} << 32; }
// 48-bit VAs in both halves, 4 KiB granules, 40-bit IPS.
constexpr u64 kTcr48 = t0sz(16) | t1sz(16) | tg0(0b00) | tg1(0b10) | ips(0b010);

constexpr u64 kSctlrReset = 0x00c50838;
constexpr u64 kSctlrM = 1;
constexpr u64 kSctlrWxn = u64{1} << 19;

// Guest RAM holding the translation tables, with a bump allocator for 4 KiB tables.
class GuestRam {
public:
    GuestRam() : bytes_(kRamSize), code_pages_(kRamSize / kPageSize) {}

    RamWindow window() { return {bytes_.data(), kRamBase, kRamSize, code_pages_.data()}; }

    u64 newTable() {
        const u64 pa = kRamBase + used_;
        used_ += kPageSize;
        EXPECT_LE(used_, kRamSize);
        return pa;
    }

    void write(u64 pa, u64 value) { std::memcpy(&bytes_.at(pa - kRamBase), &value, 8); }
    u64 read(u64 pa) const {
        u64 value;
        std::memcpy(&value, &bytes_.at(pa - kRamBase), 8);
        return value;
    }

private:
    std::vector<u8> bytes_;
    std::vector<u8> code_pages_;
    u64 used_ = 0;
};

// The tables of one TTBR: a root table for a range of `inputsize` bits.
struct Tables {
    GuestRam& ram;
    unsigned inputsize = 48;
    u64 root = ram.newTable();

    unsigned startLevel() const { return 4 - (inputsize - 12 + 8) / 9; }
    static unsigned shift(unsigned level) { return 12 + 9 * (3 - level); }

    // The address of the descriptor for `va` at `level`, creating the tables on the way with
    // `table_bits` in their descriptors.
    u64 entry(u64 va, unsigned level, u64 table_bits = 0) {
        u64 table = root;
        for (unsigned l = startLevel();; ++l) {
            const unsigned top = l == startLevel() ? inputsize - 1 : shift(l) + 8;
            const u64 addr = table + 8 * bits(va, top, shift(l));
            if (l == level) return addr;
            u64 desc = ram.read(addr);
            if ((desc & 3) != kTableDesc) {
                desc = ram.newTable() | kTableDesc | table_bits;
                ram.write(addr, desc);
            }
            table = bits(desc, 47, 12) << 12;
        }
    }

    void page(u64 va, u64 pa, u64 attrs = kAf) { ram.write(entry(va, 3), pa | attrs | kPageDesc); }
    void block(u64 va, u64 pa, unsigned level, u64 attrs = kAf) {
        ram.write(entry(va, level), pa | attrs | kBlockDesc);
    }
    // OR `bits` into the table descriptor at `level` on the way to `va`.
    void setTableBits(u64 va, unsigned level, u64 extra) {
        const u64 addr = entry(va, level);
        ram.write(addr, ram.read(addr) | extra);
    }
};

TranslationRegs mmuOn(u64 ttbr0, u64 ttbr1 = 0, u64 tcr = kTcr48) {
    TranslationRegs regs;
    regs.sctlr = kSctlrReset | kSctlrM;
    regs.tcr = tcr;
    regs.ttbr0 = ttbr0;
    regs.ttbr1 = ttbr1;
    regs.mair = kMair;
    return regs;
}

class Mmu : public ::testing::Test {
protected:
    GuestRam ram;
    Tables low{ram};
    Tables high{ram};
    TranslationRegs regs = mmuOn(low.root, high.root);

    Translation tr(u64 va, AccessType type = AccessType::Read, unsigned el = 1) {
        return translate(regs, ram.window(), va, type, el);
    }
    void expectFault(u64 va, FaultStatus status, unsigned level, AccessType type = AccessType::Read,
                     unsigned el = 1) {
        const Translation t = tr(va, type, el);
        EXPECT_FALSE(t.ok) << std::hex << "va 0x" << va;
        EXPECT_EQ(t.fault, status) << std::hex << "va 0x" << va;
        EXPECT_EQ(t.level, level) << std::hex << "va 0x" << va;
    }
};

// --- MMU off ---

TEST_F(Mmu, MmuOffIsIdentityWithDeviceDataAndNormalFetch) {
    regs.sctlr = kSctlrReset;
    const u64 va = 0x12'3456'789a;
    for (unsigned el : {0u, 1u}) {
        const Translation read = tr(va, AccessType::Read, el);
        ASSERT_TRUE(read.ok);
        EXPECT_EQ(read.pa, va);
        EXPECT_EQ(read.type, MemType::Device);
        EXPECT_EQ(read.mair_attr, 0);
        EXPECT_EQ(read.perms, kEl1Read | kEl1Write | kEl1Exec | kEl0Read | kEl0Write | kEl0Exec);
        EXPECT_TRUE(read.global);

        EXPECT_EQ(tr(va, AccessType::Write, el).type, MemType::Device);
        const Translation fetch = tr(va, AccessType::Fetch, el);
        ASSERT_TRUE(fetch.ok);
        EXPECT_EQ(fetch.pa, va);
        EXPECT_EQ(fetch.type, MemType::Normal);
    }
}

TEST_F(Mmu, MmuOffAddressAbovePaMaxIsAddressSizeFault) {
    regs.sctlr = kSctlrReset;
    EXPECT_TRUE(tr((u64{1} << 40) - 8).ok);
    expectFault(u64{1} << 40, FaultStatus::AddressSizeL0, 0);
    expectFault(u64{1} << 47, FaultStatus::AddressSizeL0, 0, AccessType::Fetch);
    expectFault(0xffff'0000'0000'0000, FaultStatus::AddressSizeL0, 0);

    // With TBI the top byte is not part of the address (TCR_EL1 applies with the MMU off too).
    expectFault(0x5a00'0000'4000'0000, FaultStatus::AddressSizeL0, 0);
    regs.tcr = kTbi0;
    const Translation t = tr(0x5a00'0000'4000'0000);
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.pa, 0x4000'0000u);
    EXPECT_TRUE(tr(0x5a00'0000'4000'0000, AccessType::Fetch).ok);
    expectFault(0x5a00'0100'0000'0000, FaultStatus::AddressSizeL0, 0);
}

// --- Walks ---

TEST_F(Mmu, FourLevelWalkTo4KPage) {
    const u64 va = 0x0000'1234'5678'9abc;
    low.page(va & ~0xfffull, 0xab'cdef'0000);
    const Translation t = tr(va);
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.pa, 0xab'cdef'0abcu);
    EXPECT_EQ(t.level, 3u);
    EXPECT_EQ(t.block_size, 4096u);
    EXPECT_EQ(t.type, MemType::Normal);
    EXPECT_EQ(t.mair_attr, 0xff);
    EXPECT_TRUE(t.global);
    // AP = 0b00: EL1 read/write, no EL0 data access; UXN = 0 leaves it EL0 execute-only.
    EXPECT_EQ(t.perms, kEl1Read | kEl1Write | kEl1Exec | kEl0Exec);

    // Neighbouring pages, and the same page through other L0..L2 entries, are unmapped.
    expectFault(va + 0x1000, FaultStatus::TranslationL3, 3);
    expectFault(va + k2M, FaultStatus::TranslationL2, 2);
    expectFault(va + k1G, FaultStatus::TranslationL1, 1);
    expectFault(va + (u64{1} << 39), FaultStatus::TranslationL0, 0);
}

TEST_F(Mmu, ThirtyNineBitVaStartsAtLevel1) {
    Tables t39{ram, 39};
    regs = mmuOn(t39.root, 0, t0sz(25) | tg1(0b10) | ips(0b010));
    const u64 va = 0x7f'c020'1123;
    t39.page(va & ~0xfffull, 0x8000'0000);
    // The root is a level 1 table indexed by va<38:30>.
    EXPECT_EQ(t39.entry(va, 1), t39.root + 8 * 0x1ff);
    const Translation t = tr(va);
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.pa, 0x8000'0123u);
    EXPECT_EQ(t.level, 3u);

    // An invalid root entry is a level 1 fault; a VA with bit 39 set is outside the range.
    expectFault(0x40'0000'0000 - k1G, FaultStatus::TranslationL1, 1);
    expectFault(va | (u64{1} << 39), FaultStatus::TranslationL0, 0);
}

TEST_F(Mmu, StartLevelFollowsTxSz) {
    // 25-bit VA (T0SZ = 39): a 16-entry level 2 root.
    {
        Tables t25{ram, 25};
        regs = mmuOn(t25.root, 0, t0sz(39) | tg1(0b10) | ips(0b010));
        t25.page(0x1ff'f000, 0x5000);
        EXPECT_EQ(t25.entry(0x1ff'f000, 2), t25.root + 8 * 15);
        const Translation t = tr(0x1ff'f008);
        ASSERT_TRUE(t.ok);
        EXPECT_EQ(t.pa, 0x5008u);
        expectFault(0x200'0000, FaultStatus::TranslationL0, 0);
    }
    // 40-bit VA (T0SZ = 24): a level 0 root of just two entries, 16-byte aligned, so the TTBR
    // may point into the middle of a page.
    {
        GuestRam ram40;
        const u64 root = ram40.newTable() + 0x7f0;
        Tables sub{ram40, 39}; // builds the level 1.. tables below root entry 1
        ram40.write(root + 8, sub.root | kTableDesc);
        sub.page(0x12'3456'7000, 0x9000);
        regs = mmuOn(root, 0, t0sz(24) | tg1(0b10) | ips(0b010));
        const Translation t = translate(regs, ram40.window(), 0x92'3456'7010, AccessType::Read, 1);
        ASSERT_TRUE(t.ok);
        EXPECT_EQ(t.pa, 0x9010u);
        const Translation t0 = translate(regs, ram40.window(), 0x12'3456'7010, AccessType::Read, 1);
        EXPECT_EQ(t0.fault, FaultStatus::TranslationL0);
    }
    // T0SZ below 16 is CONSTRAINED UNPREDICTABLE; this model treats it as 16.
    regs = mmuOn(low.root, 0, t0sz(8) | tg1(0b10) | ips(0b010));
    low.page(0x8000'0000'0000 - kPageSize, 0x7000);
    EXPECT_TRUE(tr(0x8000'0000'0000 - 8).ok);
    expectFault(u64{1} << 48, FaultStatus::TranslationL0, 0);
}

TEST_F(Mmu, OneGigabyteAndTwoMegabyteBlocks) {
    low.block(0x80'4000'0000, 0xc0'0000'0000, 1, kAf | attrIndx(2));
    const Translation g = tr(0x80'7654'3210);
    ASSERT_TRUE(g.ok);
    EXPECT_EQ(g.pa, 0xc0'3654'3210u);
    EXPECT_EQ(g.level, 1u);
    EXPECT_EQ(g.block_size, k1G);
    EXPECT_EQ(g.mair_attr, 0x44);

    low.block(0x1'0020'0000, 0x3fe0'0000, 2);
    const Translation m = tr(0x1'003f'fffc, AccessType::Write);
    ASSERT_TRUE(m.ok);
    EXPECT_EQ(m.pa, 0x3fff'fffcu);
    EXPECT_EQ(m.level, 2u);
    EXPECT_EQ(m.block_size, k2M);

    // Output address bits below the block size are ignored (they are RES0 in the descriptor).
    low.block(0x2'0000'0000, 0x1'0000'0000 | 0x1234'5000, 1);
    EXPECT_EQ(tr(0x2'0000'0010).pa, 0x1'0000'0010u);
}

TEST_F(Mmu, Ttbr1MapsTheTopOfTheAddressSpace) {
    const u64 va = 0xffff'8000'1234'5678;
    high.page(va & ~0xfffull, 0x4020'0000);
    const Translation t = tr(va);
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.pa, 0x4020'0678u);
    // The same low bits through TTBR0 are not mapped.
    expectFault(va & 0xffff'ffff'ffff, FaultStatus::TranslationL0, 0);

    // A smaller upper range (T1SZ = 25, 39 bits) starts at level 1.
    Tables h39{ram, 39};
    regs = mmuOn(low.root, h39.root, t0sz(16) | t1sz(25) | tg1(0b10) | ips(0b010));
    h39.block(0xffff'ffc0'4000'0000, 0x8000'0000, 1);
    const Translation b = tr(0xffff'ffc0'4000'1000);
    ASSERT_TRUE(b.ok);
    EXPECT_EQ(b.pa, 0x8000'1000u);
    expectFault(0xffff'ff00'4000'1000, FaultStatus::TranslationL0, 0); // va<39> = 0
}

TEST_F(Mmu, AsidAndNonGlobal) {
    low.page(0x1000, 0x1000, kAf | kNg);
    high.page(0xffff'0000'0000'1000, 0x2000, kAf);
    regs.ttbr0 |= u64{0xab12} << 48;
    regs.ttbr1 |= u64{0xcd34} << 48;

    Translation t = tr(0x1000);
    ASSERT_TRUE(t.ok);
    EXPECT_FALSE(t.global);
    EXPECT_EQ(t.asid, 0x12); // 8-bit ASIDs: TTBR0's ASID<7:0>
    EXPECT_TRUE(tr(0xffff'0000'0000'1000).global);
    EXPECT_EQ(tr(0xffff'0000'0000'1000).asid, 0x12); // A1 = 0: TTBR0's ASID for both halves

    regs.tcr |= kAs;
    EXPECT_EQ(tr(0x1000).asid, 0xab12);
    regs.tcr |= kA1;
    EXPECT_EQ(tr(0x1000).asid, 0xcd34);
    regs.tcr &= ~kAs;
    EXPECT_EQ(tr(0xffff'0000'0000'1000).asid, 0x34);
}

// --- Faults during the walk ---

TEST_F(Mmu, InvalidDescriptorGivesTranslationFaultAtItsLevel) {
    const u64 va = 0x12'3456'7000;
    expectFault(va, FaultStatus::TranslationL0, 0);
    low.entry(va, 1);
    expectFault(va, FaultStatus::TranslationL1, 1);
    low.entry(va, 2);
    expectFault(va, FaultStatus::TranslationL2, 2);
    low.entry(va, 3);
    expectFault(va, FaultStatus::TranslationL3, 3, AccessType::Fetch);
    low.page(va, 0x7000);
    EXPECT_TRUE(tr(va).ok);

    // Bit 0 clear is invalid whatever else the descriptor holds (0b10 is not a table).
    ram.write(low.entry(va, 2), ram.read(low.entry(va, 2)) & ~1ull);
    expectFault(va, FaultStatus::TranslationL2, 2);
}

TEST_F(Mmu, BlockAtLevel0IsTranslationFault) {
    ram.write(low.entry(0, 0), 0x0 | kAf | kBlockDesc);
    expectFault(0x1000, FaultStatus::TranslationL0, 0);
}

TEST_F(Mmu, Level3Encoding01IsInvalid) {
    ram.write(low.entry(0x5000, 3), 0x5000 | kAf | kBlockDesc);
    expectFault(0x5000, FaultStatus::TranslationL3, 3);
}

TEST_F(Mmu, AccessFlagClearGivesAccessFlagFault) {
    low.page(0x5000, 0x5000, 0);
    expectFault(0x5000, FaultStatus::AccessFlagL3, 3);
    low.block(0x40'0000, 0x40'0000, 2, ap(0b01));
    expectFault(0x40'0000, FaultStatus::AccessFlagL2, 2, AccessType::Write, 0);
    low.block(0x8000'0000, 0x8000'0000, 1, 0);
    expectFault(0x8000'0000, FaultStatus::AccessFlagL1, 1, AccessType::Fetch);
    // Translation faults come first: an AF = 0 page is not looked at through an invalid table.
    ram.write(low.entry(0x5000, 2), 0);
    expectFault(0x5000, FaultStatus::TranslationL2, 2);
}

TEST_F(Mmu, DescriptorOutsideRamIsExternalAbortOnWalk) {
    // The TTBR itself points outside RAM: the level 0 read gets no answer.
    regs.ttbr0 = 0x1000'0000;
    expectFault(0x1000, FaultStatus::SyncExternalOnWalkL0, 0);
    regs.ttbr0 = low.root;

    // A level 1 table descriptor pointing past the end of RAM: the level 2 read fails.
    ram.write(low.entry(0x4000'0000, 1), (kRamBase + kRamSize) | kTableDesc);
    expectFault(0x4000'0000, FaultStatus::SyncExternalOnWalkL2, 2);
    // A level 3 table in the last page of RAM can be read up to its last descriptor; one page
    // further it cannot.
    ram.write(low.entry(0x20'0000, 2), (kRamBase + kRamSize - kPageSize) | kTableDesc);
    expectFault(0x3f'f000, FaultStatus::TranslationL3, 3);
    ram.write(low.entry(0x1000, 2), (kRamBase + kRamSize) | kTableDesc);
    expectFault(0x1000, FaultStatus::SyncExternalOnWalkL3, 3);
    ram.write(low.entry(0x8000'0000, 0), 0x2000'0000 | kTableDesc);
    expectFault(0x8000'0000, FaultStatus::SyncExternalOnWalkL1, 1);
}

TEST_F(Mmu, OutputAddressAbovePaSizeIsAddressSizeFault) {
    // PAMax is 40 bits, and IPS asks for 40 bits.
    low.block(0x4000'0000, 0xff'c000'0000, 1);
    EXPECT_TRUE(tr(0x4000'0000).ok);
    low.block(0x8000'0000, u64{1} << 40, 1);
    expectFault(0x8000'0000, FaultStatus::AddressSizeL1, 1);
    low.page(0x3000, u64{1} << 41);
    expectFault(0x3000, FaultStatus::AddressSizeL3, 3);

    // A table descriptor pointing above the PA size faults at its own level.
    ram.write(low.entry(0xc000'0000, 1), (u64{1} << 44) | kTableDesc);
    expectFault(0xc000'0000, FaultStatus::AddressSizeL1, 1);
    // The address size check comes before the access flag check.
    low.block(0x1'0000'0000, u64{1} << 42, 1, 0);
    expectFault(0x1'0000'0000, FaultStatus::AddressSizeL1, 1);

    // IPS = 48 bits is capped at PAMax.
    regs.tcr = (regs.tcr & ~ips(7)) | ips(0b101);
    expectFault(0x8000'0000, FaultStatus::AddressSizeL1, 1);
    // IPS = 32 bits: RAM (at 1 GiB) is still reachable, 4 GiB is not.
    regs.tcr = (regs.tcr & ~ips(7)) | ips(0b000);
    low.block(0x1'4000'0000, 0x1'0000'0000, 1);
    expectFault(0x1'4000'0000, FaultStatus::AddressSizeL1, 1);
    expectFault(0x3010, FaultStatus::AddressSizeL3, 3);
    low.page(0x4000, 0xffff'f000);
    EXPECT_EQ(tr(0x4004).pa, 0xffff'f004u);

    // A TTBR base above the PA size is a level 0 Address size fault.
    regs.ttbr0 = low.root | (u64{1} << 40);
    expectFault(0x4000, FaultStatus::AddressSizeL0, 0);
}

// --- Address ranges and controls ---

TEST_F(Mmu, EpdDisablesWalksForItsHalf) {
    low.page(0x1000, 0x1000);
    high.page(0xffff'ffff'ffff'f000, 0x2000);
    regs.tcr |= kEpd0;
    expectFault(0x1000, FaultStatus::TranslationL0, 0);
    EXPECT_TRUE(tr(0xffff'ffff'ffff'f000).ok);
    regs.tcr = kTcr48 | kEpd1;
    EXPECT_TRUE(tr(0x1000).ok);
    expectFault(0xffff'ffff'ffff'f000, FaultStatus::TranslationL0, 0, AccessType::Fetch);
}

TEST_F(Mmu, NonCanonicalVaIsTranslationFaultLevel0) {
    low.page(0x1000, 0x1000);
    high.page(0xffff'0000'0000'1000, 0x1000);
    expectFault(0x0001'0000'0000'1000, FaultStatus::TranslationL0, 0);
    expectFault(0x8000'0000'0000'1000, FaultStatus::TranslationL0, 0);
    expectFault(0xfffe'0000'0000'1000, FaultStatus::TranslationL0, 0);
    expectFault(0x0100'0000'0000'1000, FaultStatus::TranslationL0, 0, AccessType::Fetch);
}

TEST_F(Mmu, TopByteIgnore) {
    low.page(0x1000, 0x1000);
    high.page(0xffff'0000'0000'1000, 0x2000);
    const u64 tagged_low = 0x5a00'0000'0000'1004;
    const u64 tagged_high = 0x3cff'0000'0000'1004; // va<55> = 1 selects TTBR1
    expectFault(tagged_low, FaultStatus::TranslationL0, 0);
    expectFault(tagged_high, FaultStatus::TranslationL0, 0);

    regs.tcr |= kTbi0;
    ASSERT_TRUE(tr(tagged_low).ok);
    EXPECT_EQ(tr(tagged_low).pa, 0x1004u);
    // ARMv8.0: TBI applies to instruction addresses too (TBID is FEAT_PAuth).
    EXPECT_TRUE(tr(tagged_low, AccessType::Fetch).ok);
    expectFault(tagged_high, FaultStatus::TranslationL0, 0); // TBI1 still clear

    regs.tcr = kTcr48 | kTbi1;
    ASSERT_TRUE(tr(tagged_high).ok);
    EXPECT_EQ(tr(tagged_high).pa, 0x2004u);
    expectFault(tagged_low, FaultStatus::TranslationL0, 0);
    // TBI does not relax the check of bits [55:48].
    regs.tcr = kTcr48 | kTbi0;
    expectFault(0x5a01'0000'0000'1004, FaultStatus::TranslationL0, 0);
}

TEST_F(Mmu, GranulesOtherThan4KAreTranslationFaultLevel0) {
    low.page(0x1000, 0x1000);
    high.page(0xffff'0000'0000'1000, 0x2000);
    regs.tcr = (kTcr48 & ~tg0(3)) | tg0(0b01); // 64 KiB
    expectFault(0x1000, FaultStatus::TranslationL0, 0);
    EXPECT_TRUE(tr(0xffff'0000'0000'1000).ok); // TTBR1 still uses 4 KiB
    regs.tcr = (kTcr48 & ~tg0(3)) | tg0(0b10); // 16 KiB
    expectFault(0x1000, FaultStatus::TranslationL0, 0);
    regs.tcr = (kTcr48 & ~tg1(3)) | tg1(0b01); // 16 KiB
    expectFault(0xffff'0000'0000'1000, FaultStatus::TranslationL0, 0);
    regs.tcr = (kTcr48 & ~tg1(3)) | tg1(0b11); // 64 KiB
    expectFault(0xffff'0000'0000'1000, FaultStatus::TranslationL0, 0);
    // The reserved encodings behave as 4 KiB, as in the pseudocode.
    regs.tcr = (kTcr48 & ~tg1(3) & ~tg0(3)) | tg0(0b11) | tg1(0b00);
    EXPECT_TRUE(tr(0x1000).ok);
    EXPECT_TRUE(tr(0xffff'0000'0000'1000).ok);
}

TEST_F(Mmu, MairSelectsMemoryType) {
    low.page(0x1000, 0x1000, kAf | attrIndx(1));
    low.page(0x2000, 0x2000, kAf | attrIndx(2));
    low.page(0x3000, 0x3000, kAf | attrIndx(3));
    low.page(0x4000, 0x4000, kAf | attrIndx(7));
    EXPECT_EQ(tr(0x1000).type, MemType::Device);
    EXPECT_EQ(tr(0x1000).mair_attr, 0x00);
    EXPECT_EQ(tr(0x2000).type, MemType::Normal);
    EXPECT_EQ(tr(0x2000).mair_attr, 0x44);
    EXPECT_EQ(tr(0x3000, AccessType::Write).type, MemType::Device);
    EXPECT_EQ(tr(0x3000).mair_attr, 0x04);
    EXPECT_EQ(tr(0x4000).type, MemType::Device); // MAIR byte 7 is 0
    regs.mair = u64{0xbb} << 56;
    EXPECT_EQ(tr(0x4000).type, MemType::Normal);
    EXPECT_EQ(tr(0x4000).mair_attr, 0xbb);
}

// --- Permissions ---

TEST_F(Mmu, AccessPermissionMatrix) {
    struct Row {
        unsigned ap;
        bool el1_r, el1_w, el0_r, el0_w;
    };
    const Row rows[] = {
        {0b00, true, true, false, false},
        {0b01, true, true, true, true},
        {0b10, true, false, false, false},
        {0b11, true, false, true, false},
    };
    for (const Row& row : rows) {
        SCOPED_TRACE(::testing::Message() << "AP = " << row.ap);
        // Once as a page (level 3), once as a 2 MiB block (level 2).
        const u64 page_va = 0x1000'0000 + row.ap * kPageSize;
        const u64 block_va = 0x2000'0000 + row.ap * k2M;
        low.page(page_va, page_va, kAf | ap(row.ap));
        low.block(block_va, block_va, 2, kAf | ap(row.ap));
        for (const auto& [va, level] : {std::pair{page_va, 3u}, std::pair{block_va, 2u}}) {
            const bool expect[2][2] = {{row.el0_r, row.el0_w}, {row.el1_r, row.el1_w}};
            for (unsigned el : {0u, 1u}) {
                for (AccessType type : {AccessType::Read, AccessType::Write}) {
                    const bool allowed = expect[el][type == AccessType::Write];
                    const Translation t = tr(va + 8, type, el);
                    EXPECT_EQ(t.ok, allowed)
                        << "EL" << el << " write " << (type == AccessType::Write);
                    if (!allowed) {
                        EXPECT_EQ(t.fault, level == 3 ? FaultStatus::PermissionL3
                                                      : FaultStatus::PermissionL2);
                        EXPECT_EQ(t.level, level);
                    }
                    // Perms and pa are reported whether or not the access was allowed.
                    EXPECT_EQ(t.pa, va + 8);
                    EXPECT_EQ(bool(t.perms & kEl1Write), row.el1_w);
                    EXPECT_EQ(bool(t.perms & kEl0Read), row.el0_r);
                }
            }
        }
    }
}

TEST_F(Mmu, ExecuteNeverBits) {
    low.page(0x1000, 0x1000, kAf | kPxn);
    low.page(0x2000, 0x2000, kAf | kUxn);
    low.page(0x3000, 0x3000, kAf | kUxn | kPxn);
    expectFault(0x1000, FaultStatus::PermissionL3, 3, AccessType::Fetch, 1);
    EXPECT_TRUE(tr(0x1000, AccessType::Fetch, 0).ok);
    EXPECT_TRUE(tr(0x2000, AccessType::Fetch, 1).ok);
    expectFault(0x2000, FaultStatus::PermissionL3, 3, AccessType::Fetch, 0);
    expectFault(0x3000, FaultStatus::PermissionL3, 3, AccessType::Fetch, 1);
    // XN does not affect data accesses.
    EXPECT_TRUE(tr(0x3000, AccessType::Write, 1).ok);
    // Execute-only at EL0: AP = 0b00 with UXN = 0 lets EL0 fetch but not read.
    low.page(0x4000, 0x4000, kAf | ap(0b00) | kPxn);
    EXPECT_TRUE(tr(0x4000, AccessType::Fetch, 0).ok);
    expectFault(0x4000, FaultStatus::PermissionL3, 3, AccessType::Read, 0);
}

TEST_F(Mmu, TableAttributesRestrictEverythingBelow) {
    // Five 1 GiB regions, each under its own level 1 entry, with a table attribute on the level 1
    // (or level 2) descriptor on the way to a page.
    const u64 base = 0x80'0000'0000;
    const u64 va0 = base, va1 = base + k1G, va2 = base + 2 * k1G, va3 = base + 3 * k1G;
    const u64 va4 = base + 4 * k1G;
    // Pages that EL0 may write, for the APTable cases. For the XNTable cases, pages that only
    // EL1 may access, so that nothing but the table bit stops either EL executing them.
    low.page(va0, 0x1000, kAf | ap(0b01));
    low.page(va1, 0x1000, kAf | ap(0b01));
    low.page(va2, 0x1000, kAf | ap(0b00));
    low.page(va3, 0x1000, kAf | ap(0b00));
    low.page(va4, 0x1000, kAf | ap(0b01));
    EXPECT_TRUE(tr(va2, AccessType::Fetch, 0).ok);
    EXPECT_TRUE(tr(va3, AccessType::Fetch, 1).ok);

    low.setTableBits(va0, 1, apTable(0b01)); // no EL0 access
    low.setTableBits(va1, 1, apTable(0b10)); // read-only
    low.setTableBits(va2, 1, kUxnTable);
    low.setTableBits(va3, 1, kPxnTable);
    low.setTableBits(va4, 2, apTable(0b10));

    // APTable = 0b01: EL1 keeps read/write; EL0 loses data access (it can still execute, UXN
    // being clear), and since EL0 can no longer write, EL1 may execute.
    EXPECT_TRUE(tr(va0, AccessType::Write, 1).ok);
    expectFault(va0, FaultStatus::PermissionL3, 3, AccessType::Read, 0);
    EXPECT_TRUE(tr(va0, AccessType::Fetch, 1).ok);
    EXPECT_TRUE(tr(va0, AccessType::Fetch, 0).ok);
    EXPECT_EQ(tr(va0).perms, kEl1Read | kEl1Write | kEl1Exec | kEl0Exec);

    // APTable = 0b10: read-only at both ELs.
    expectFault(va1, FaultStatus::PermissionL3, 3, AccessType::Write, 1);
    expectFault(va1, FaultStatus::PermissionL3, 3, AccessType::Write, 0);
    EXPECT_TRUE(tr(va1, AccessType::Read, 0).ok);
    EXPECT_TRUE(tr(va1, AccessType::Fetch, 1).ok); // no longer EL0-writable

    // UXNTable / PXNTable.
    expectFault(va2, FaultStatus::PermissionL3, 3, AccessType::Fetch, 0);
    EXPECT_TRUE(tr(va2, AccessType::Fetch, 1).ok);
    expectFault(va3, FaultStatus::PermissionL3, 3, AccessType::Fetch, 1);
    EXPECT_TRUE(tr(va3, AccessType::Fetch, 0).ok);

    // Table bits at different levels accumulate: APTable[1] at level 2, then APTable[0] at
    // level 0 as well.
    expectFault(va4, FaultStatus::PermissionL3, 3, AccessType::Write, 0);
    EXPECT_TRUE(tr(va4, AccessType::Read, 0).ok);
    low.setTableBits(va4, 0, apTable(0b01));
    EXPECT_EQ(tr(va4).perms, kEl1Read | kEl1Exec | kEl0Exec);
    // The level 0 entry is shared by all five regions: va1 loses EL0 access too.
    expectFault(va1, FaultStatus::PermissionL3, 3, AccessType::Read, 0);
}

TEST_F(Mmu, WriteImpliesExecuteNever) {
    low.page(0x1000, 0x1000, kAf | ap(0b00)); // EL1 RW
    low.page(0x2000, 0x2000, kAf | ap(0b10)); // EL1 RO
    low.page(0x3000, 0x3000, kAf | ap(0b11)); // RO at both
    low.page(0x4000, 0x4000, kAf | ap(0b01)); // RW at both
    EXPECT_TRUE(tr(0x1000, AccessType::Fetch, 1).ok);
    EXPECT_TRUE(tr(0x4000, AccessType::Fetch, 0).ok);

    regs.sctlr |= kSctlrWxn;
    expectFault(0x1000, FaultStatus::PermissionL3, 3, AccessType::Fetch, 1);
    EXPECT_TRUE(tr(0x1000, AccessType::Fetch, 0).ok); // not writable at EL0
    EXPECT_TRUE(tr(0x2000, AccessType::Fetch, 1).ok);
    EXPECT_TRUE(tr(0x3000, AccessType::Fetch, 0).ok);
    EXPECT_TRUE(tr(0x3000, AccessType::Fetch, 1).ok);
    expectFault(0x4000, FaultStatus::PermissionL3, 3, AccessType::Fetch, 0);
    EXPECT_EQ(tr(0x4000).perms, kEl1Read | kEl1Write | kEl0Read | kEl0Write);
    // Writes are unaffected.
    EXPECT_TRUE(tr(0x1000, AccessType::Write, 1).ok);
    // A read-only table above a writable leaf removes the write permission, and with it WXN's
    // execute-never.
    low.setTableBits(0x1000, 2, apTable(0b10));
    EXPECT_TRUE(tr(0x1000, AccessType::Fetch, 1).ok);
}

TEST_F(Mmu, El0WritableIsNeverEl1Executable) {
    low.page(0x1000, 0x1000, kAf | ap(0b01));
    expectFault(0x1000, FaultStatus::PermissionL3, 3, AccessType::Fetch, 1);
    EXPECT_TRUE(tr(0x1000, AccessType::Fetch, 0).ok);
    EXPECT_EQ(tr(0x1000).perms, kEl1Read | kEl1Write | kEl0Read | kEl0Write | kEl0Exec);
    // EL0 read-only memory stays EL1-executable.
    low.page(0x2000, 0x2000, kAf | ap(0b11));
    EXPECT_TRUE(tr(0x2000, AccessType::Fetch, 1).ok);
    // Same rule for a 2 MiB block (permission fault at level 2).
    low.block(0x20'0000, 0x20'0000, 2, kAf | ap(0b01));
    expectFault(0x20'1000, FaultStatus::PermissionL2, 2, AccessType::Fetch, 1);
}

// --- Syndromes ---

TEST_F(Mmu, AbortSyndromes) {
    low.page(0x1000, 0x1000, kAf | ap(0b10));
    low.entry(0x20'0000, 2); // level 2 table exists; its entry for 0x40'0000 is invalid

    const u64 va = 0x1008;
    Translation t = tr(va, AccessType::Write, 1);
    ASSERT_FALSE(t.ok);
    GuestException ex = abortFor(t, va, AccessType::Write, 1);
    EXPECT_EQ(ex.esr(), 0x9600004fu); // DABT same EL, IL, WnR, permission fault level 3
    EXPECT_TRUE(ex.far_valid);
    EXPECT_EQ(ex.far, va);
    EXPECT_TRUE(ex.il);

    const u64 pc = 0x40'0004;
    t = tr(pc, AccessType::Fetch, 0);
    ASSERT_FALSE(t.ok);
    ex = abortFor(t, pc, AccessType::Fetch, 0);
    EXPECT_EQ(ex.esr(), 0x82000006u); // IABT lower EL, IL, translation fault level 2
    EXPECT_EQ(ex.far, pc);
    EXPECT_TRUE(ex.far_valid);

    // EL0 read, translation fault level 0; EL0 write (WnR) permission fault.
    t = tr(0x80'0000'0000, AccessType::Read, 0);
    EXPECT_EQ(abortFor(t, 0x80'0000'0000, AccessType::Read, 0).esr(), 0x92000004u);
    t = tr(va, AccessType::Write, 0);
    EXPECT_EQ(abortFor(t, va, AccessType::Write, 0).esr(), 0x9200004fu);
    // EL1 fetch, access flag fault level 3.
    low.page(0x3000, 0x3000, 0);
    t = tr(0x3000, AccessType::Fetch, 1);
    EXPECT_EQ(abortFor(t, 0x3000, AccessType::Fetch, 1).esr(), 0x8600000bu);
    // EL1 read, external abort on the level 0 walk.
    regs.ttbr0 = 0x10'0000'0000;
    t = tr(0x3000);
    EXPECT_EQ(abortFor(t, 0x3000, AccessType::Read, 1).esr(), 0x96000014u);
    // MMU off, address size fault level 0 on an EL1 store.
    regs.sctlr = kSctlrReset;
    t = tr(u64{1} << 45, AccessType::Write);
    ex = abortFor(t, u64{1} << 45, AccessType::Write, 1);
    EXPECT_EQ(ex.esr(), 0x96000040u);
    EXPECT_EQ(ex.far, u64{1} << 45);
}

// --- PAR_EL1, as address translation instructions report a translation ---

TEST_F(Mmu, TranslationKeepsTheDescriptorShareability) {
    for (unsigned sh : {0u, 1u, 2u, 3u}) {
        const u64 va = 0x1000 * (sh + 1);
        low.page(va, va, kAf | u64{sh} << 8);
        EXPECT_EQ(tr(va).shareability, sh);
    }
    low.block(0x4000'0000, 0x4000'0000, 1, kAf | u64{0b11} << 8);
    EXPECT_EQ(tr(0x4000'1000).shareability, 0b11);
    // With the MMU off everything is Outer Shareable.
    regs.sctlr = kSctlrReset;
    EXPECT_EQ(tr(0x1000).shareability, 0b10);
    EXPECT_EQ(tr(0x1000, AccessType::Fetch).shareability, 0b10);
}

TEST_F(Mmu, ParReportsAttributesAndTheOutputAddressOfASuccess) {
    constexpr u64 kRes1Ns = 0xa00; // bit 11 RES1, NS (bit 9) = 1
    const auto sh = [](unsigned v) { return u64{v} << 8; };
    // Normal Write-Back memory keeps the descriptor's SH (shifted to PAR_EL1.SH, bits 8:7).
    low.page(0x1000, 0xab'cdef'0000, kAf | sh(0b11) | attrIndx(0));
    low.page(0x2000, 0x2000, kAf | sh(0b00) | attrIndx(0));
    low.page(0x3000, 0x3000, kAf | sh(0b10) | attrIndx(0));
    EXPECT_EQ(parFor(tr(0x1abc)), 0xff00'00ab'cdef'0000 | kRes1Ns | 0b11 << 7);
    EXPECT_EQ(parFor(tr(0x2000)), 0xff00'0000'0000'2000 | kRes1Ns | 0b00 << 7);
    EXPECT_EQ(parFor(tr(0x3000)), 0xff00'0000'0000'3000 | kRes1Ns | 0b10 << 7);
    // Device memory and Normal Inner and Outer Non-cacheable memory are Outer Shareable
    // whatever the descriptor says; so is the reserved SH = 0b01.
    low.page(0x4000, 0x4000, kAf | sh(0b11) | attrIndx(1)); // Device-nGnRnE
    low.page(0x5000, 0x5000, kAf | sh(0b00) | attrIndx(3)); // Device-nGnRE
    low.page(0x6000, 0x6000, kAf | sh(0b00) | attrIndx(2)); // Normal Non-cacheable
    low.page(0x7000, 0x7000, kAf | sh(0b01) | attrIndx(0)); // reserved SH
    EXPECT_EQ(parFor(tr(0x4000)), 0x0000'0000'0000'4000 | kRes1Ns | 0b10 << 7);
    EXPECT_EQ(parFor(tr(0x5000)), 0x0400'0000'0000'5000 | kRes1Ns | 0b10 << 7);
    EXPECT_EQ(parFor(tr(0x6000)), 0x4400'0000'0000'6000 | kRes1Ns | 0b10 << 7);
    EXPECT_EQ(parFor(tr(0x7000)), 0xff00'0000'0000'7000 | kRes1Ns | 0b10 << 7);
    // A 2 MiB block: PA[47:12] of the byte translated.
    low.block(0x4000'0000, 0x80'0000'0000 - k2M, 2, kAf | sh(0b11));
    EXPECT_EQ(parFor(tr(0x4012'3456)), 0xff00'007f'fff2'3000 | kRes1Ns | 0b11 << 7);
    // MMU off: flat, Device-nGnRnE (ATTR 0x00), Outer Shareable.
    regs.sctlr = kSctlrReset;
    EXPECT_EQ(parFor(tr(0xff'ffff'f123, AccessType::Write, 0)), 0xff'ffff'fb00u);
}

TEST_F(Mmu, ParReportsTheFaultStatusOfAFailure) {
    // F = 1, FST = the fault status code, bit 11 RES1; nothing else, even for a Permission fault
    // whose Translation still holds the output address.
    low.page(0x1000, 0x1000, kAf | ap(0b10));
    low.page(0x2000, 0x2000, 0);
    const Translation perm = tr(0x1000, AccessType::Write);
    ASSERT_FALSE(perm.ok);
    EXPECT_EQ(parFor(perm), 0x81fu);
    EXPECT_EQ(parFor(tr(0x1000, AccessType::Read, 0)), 0x81fu);
    EXPECT_EQ(parFor(tr(0x2000)), 0x817u);                // Access flag, level 3
    EXPECT_EQ(parFor(tr(0x3000)), 0x80fu);                // Translation, level 3
    EXPECT_EQ(parFor(tr(0x20'0000)), 0x80du);             // Translation, level 2
    EXPECT_EQ(parFor(tr(0x0001'0000'0000'0000)), 0x809u); // Translation, level 0
    regs.sctlr = kSctlrReset;
    EXPECT_EQ(parFor(tr(u64{1} << 40)), 0x801u); // Address size, level 0
}

TEST(MmuFaults, OnlyTheWalkExternalAbortsAreNotReportedInPar) {
    for (unsigned code = 0; code < 64; ++code) {
        const auto f = static_cast<FaultStatus>(code);
        EXPECT_EQ(isWalkExternalAbort(f), code >= 0x14 && code <= 0x17) << code;
    }
}

// --- Randomized: identity maps ---

// Random identity maps (va == pa) mixing 1 GiB blocks, 2 MiB blocks and 4 KiB pages in 16 random
// 1 GiB slots below 2^40 (PAMax). Every address in a mapped region must translate to itself, and
// every other one must give a Translation fault at the level a shadow of the tables predicts.
TEST_F(Mmu, RandomIdentityMapsTranslateToThemselves) {
    for (u64 seed = 1; seed <= 20; ++seed) {
        SCOPED_TRACE(::testing::Message() << "seed " << seed);
        std::mt19937_64 rng(seed);
        GuestRam ram;
        Tables tables{ram};
        const u64 tcr = kTcr48 | (rng() % 2 ? kTbi0 : 0);
        const TranslationRegs regs = mmuOn(tables.root, 0, tcr);

        // The shadow: which level 0 entries exist, which 1 GiB slots are blocks (1) or tables
        // (2), which 2 MiB regions are blocks (2) or tables (3), and which pages are mapped.
        std::set<u64> level0_entries;
        std::map<u64, unsigned> slots;
        std::map<u64, unsigned> regions;
        std::set<u64> pages;
        std::vector<u64> slot_list, page_list;
        while (slot_list.size() < 16) {
            const u64 slot = (rng() % 1024) * k1G;
            if (slots.count(slot)) continue;
            slot_list.push_back(slot);
            level0_entries.insert(slot >> 39);
            if (rng() % 4 == 0) {
                tables.block(slot, slot, 1, kAf | attrIndx(rng() % 8) | ap(rng() % 4));
                slots[slot] = 1;
                continue;
            }
            slots[slot] = 2;
            tables.entry(slot, 2);
            for (int n = 0; n < 8; ++n) {
                const u64 region = slot + (rng() % 512) * k2M;
                if (regions.count(region)) continue;
                if (rng() % 3 == 0) {
                    tables.block(region, region, 2, kAf | ap(rng() % 4) | (rng() % 2 ? kNg : 0));
                    regions[region] = 2;
                    continue;
                }
                regions[region] = 3;
                tables.entry(region, 3);
                for (int p = 0; p < 16; ++p) {
                    const u64 page = region + (rng() % 512) * kPageSize;
                    tables.page(page, page, kAf | attrIndx(rng() % 8));
                    if (pages.insert(page).second) page_list.push_back(page);
                }
            }
        }

        // nullopt when `a` is mapped, else the level of the Translation fault.
        auto faultLevel = [&](u64 a) -> std::optional<unsigned> {
            const auto slot = slots.find(a & ~(k1G - 1));
            if (slot == slots.end()) return level0_entries.count(a >> 39) ? 1u : 0u;
            if (slot->second == 1) return std::nullopt;
            const auto region = regions.find(a & ~(k2M - 1));
            if (region == regions.end()) return 2u;
            if (region->second == 2) return std::nullopt;
            if (pages.count(a & ~(kPageSize - 1))) return std::nullopt;
            return 3u;
        };

        for (int i = 0; i < 4000; ++i) {
            // Anywhere below 2^40, anywhere in a slot, or in a mapped page.
            u64 a;
            switch (rng() % 4) {
            case 0: a = rng() & ((u64{1} << 40) - 1); break;
            case 1: a = slot_list[rng() % slot_list.size()] + (rng() & (k1G - 1)); break;
            default:
                if (page_list.empty()) continue;
                a = page_list[rng() % page_list.size()] + (rng() & (kPageSize - 1));
                break;
            }
            const u64 va = (tcr & kTbi0) ? a | (rng() << 56) : a; // a random tag
            const Translation t = translate(regs, ram.window(), va, AccessType::Read, 1);
            const std::optional<unsigned> level = faultLevel(a);
            if (!level) {
                ASSERT_TRUE(t.ok) << std::hex << "va 0x" << va;
                EXPECT_EQ(t.pa, a);
            } else {
                ASSERT_FALSE(t.ok) << std::hex << "va 0x" << va;
                EXPECT_EQ(t.fault, static_cast<FaultStatus>(0x04 + *level))
                    << std::hex << "va 0x" << va;
                EXPECT_EQ(t.level, *level);
            }
        }
    }
}

} // namespace
} // namespace cmodx::isa
