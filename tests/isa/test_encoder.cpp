// The encoders the simulator uses to write code (isa/aarch64/encoder.h), checked against LLVM's
// assembler and against our own decoder.
#include "isa/aarch64/decoder.h"
#include "isa/aarch64/encoder.h"
#include "tests/support/assembler.h"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace cmodx::test {
namespace {

using isa::s64;
using isa::u32;
using isa::u64;
namespace enc = isa::enc;

// Constant evaluation works (and a bad argument would not compile).
static_assert(enc::nop() == 0xd503201f);
static_assert(enc::movReg(9, 30) == 0xaa1e03e9);
static_assert(enc::bl(0x1000, 0x2000) == 0x94000400);
static_assert(enc::branchTarget(enc::bl(0x1000, 0x2000), 0x1000) == 0x2000);
static_assert(enc::ret() == 0xd65f03c0);

std::string idOf(u32 word) {
    static const isa::Decoder decoder(isa::Features{.lse = true});
    const isa::Encoding* e = decoder.decode(word).encoding;
    return e ? std::string(e->id) : std::string("UNDEFINED");
}

TEST(Encoder, MatchesLlvmAndDecodesToExpectedLine) {
    struct Case {
        const char* assembly;
        u32 word;
        const char* id;
    };
    const Case cases[] = {
        {"nop", enc::nop(), "NOP"},
        {"mov x9, x30", enc::movReg(9, 30), "ORR_shift"},
        {"mov x0, x1", enc::movReg(0, 1), "ORR_shift"},
        {"mov x30, xzr", enc::movReg(30, 31), "ORR_shift"},
        {"brk #0", enc::brk(0), "BRK"},
        {"brk #0x800", enc::brk(0x800), "BRK"},
        {"brk #0xffff", enc::brk(0xffff), "BRK"},
        {"hvc #0", enc::hvc(0), "HVC"},
        {"hvc #0x1234", enc::hvc(0x1234), "HVC"},
        {"svc #0", enc::svc(0), "SVC"},
        {"svc #0xffff", enc::svc(0xffff), "SVC"},
        {"isb", enc::isb(), "ISB"},
        {"dsb ish", enc::dsbIsh(), "DSB"},
        {"dc cvau, x0", enc::dcCvau(0), "SYS"},
        {"dc cvau, x17", enc::dcCvau(17), "SYS"},
        {"ic ivau, x3", enc::icIvau(3), "SYS"},
        {"ic ivau, x30", enc::icIvau(30), "SYS"},
        {"ret", enc::ret(), "RET"},
        {"ret x1", enc::ret(1), "RET"},
        {"movz x0, #0", enc::movz(0, 0), "MOVZ"},
        {"movz x1, #0xbeef, lsl #16", enc::movz(1, 0xbeef, 16), "MOVZ"},
        {"movz x2, #0xffff, lsl #32", enc::movz(2, 0xffff, 32), "MOVZ"},
        {"movz x30, #0x1234, lsl #48", enc::movz(30, 0x1234, 48), "MOVZ"},
        {"b #0", enc::b(0x1000, 0x1000), "B"},
        {"b #8", enc::b(0x1000, 0x1008), "B"},
        {"b #-4", enc::b(0x1000, 0x0ffc), "B"},
        {"bl #0x40000", enc::bl(0x80000000, 0x80040000), "BL"},
        {"bl #-0x40000", enc::bl(0x80040000, 0x80000000), "BL"},
        {"b #-134217728", enc::b(0x10000000, 0x08000000), "B"},
        {"bl #134217724", enc::bl(0x10000000, 0x17fffffc), "BL"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.assembly);
        EXPECT_EQ(assembleOne(c.assembly), c.word);
        EXPECT_EQ(idOf(c.word), c.id);
    }
    EXPECT_EQ(enc::movReg(9, 30), 0xaa1e03e9u);
    EXPECT_EQ(enc::ret(), 0xd65f03c0u);
}

TEST(Encoder, BranchesToLabelsMatchLlvm) {
    // The branch sits at base + 8; its targets are labels before and after it.
    const u64 base = 0x40080000;
    const auto bytes = assemble("back: nop\n"
                                "      nop\n"
                                "      bl fwd\n"
                                "      b back\n"
                                "      .skip 0x1000\n"
                                "fwd:  ret\n",
                                base);
    ASSERT_EQ(bytes.size(), 16u + 0x1000 + 4);
    u32 words[4];
    std::memcpy(words, bytes.data(), sizeof(words));
    const u64 fwd = base + 16 + 0x1000;
    EXPECT_EQ(words[2], enc::bl(base + 8, fwd));
    EXPECT_EQ(words[3], enc::b(base + 12, base));
    EXPECT_EQ(enc::branchTarget(words[2], base + 8), fwd);
    EXPECT_EQ(enc::branchTarget(words[3], base + 12), base);
}

TEST(Encoder, BranchRangeLimits) {
    const u64 pc = 0x40000000;
    const u64 max_fwd = pc + (u64{128} << 20) - 4;
    const u64 max_back = pc - (u64{128} << 20);
    EXPECT_EQ(enc::b(pc, max_fwd), 0x15ffffffu);
    EXPECT_EQ(enc::bl(pc, max_fwd), 0x95ffffffu);
    EXPECT_EQ(enc::b(pc, max_back), 0x16000000u);
    EXPECT_EQ(enc::bl(pc, max_back), 0x96000000u);

    EXPECT_THROW(enc::b(pc, max_fwd + 4), std::out_of_range);
    EXPECT_THROW(enc::bl(pc, max_fwd + 4), std::out_of_range);
    EXPECT_THROW(enc::b(pc, max_back - 4), std::out_of_range);
    EXPECT_THROW(enc::bl(pc, max_back - 4), std::out_of_range);
    EXPECT_THROW(enc::bl(pc, pc + 2), std::out_of_range);
    EXPECT_THROW(enc::b(pc, pc - 1), std::out_of_range);
    // Across the top of the address space the offset is still small.
    EXPECT_EQ(enc::b(0, ~u64{0} - 3), 0x17ffffffu);
    EXPECT_EQ(enc::branchTarget(0x17ffffffu, 0), ~u64{0} - 3);
}

TEST(Encoder, BadOperandsThrow) {
    EXPECT_THROW(enc::movReg(32, 0), std::invalid_argument);
    EXPECT_THROW(enc::brk(0x10000), std::invalid_argument);
    EXPECT_THROW(enc::movz(0, 1, 8), std::invalid_argument);
    EXPECT_THROW(enc::movz(0, 1, 64), std::invalid_argument);
    EXPECT_THROW(enc::dcCvau(40), std::invalid_argument);
}

TEST(Encoder, BranchTargetInvertsBAndBl) {
    const u64 pcs[] = {0, 0x1000, 0x40080000, 0xffff000012345678, 0x7fffffc};
    const s64 offsets[] = {0, 4, -4, 0x100, -0x100, (1 << 27) - 4, -(1 << 27), 0x123454};
    for (u64 pc : pcs) {
        for (s64 off : offsets) {
            const u64 target = pc + static_cast<u64>(off);
            SCOPED_TRACE(::testing::Message() << std::hex << "pc=" << pc << " target=" << target);
            EXPECT_EQ(enc::branchTarget(enc::b(pc, target), pc), target);
            EXPECT_EQ(enc::branchTarget(enc::bl(pc, target), pc), target);
            EXPECT_TRUE(enc::isBl(enc::bl(pc, target)));
            EXPECT_FALSE(enc::isBl(enc::b(pc, target)));
        }
    }
    EXPECT_EQ(enc::branchTarget(enc::nop(), 0), std::nullopt);
    EXPECT_EQ(enc::branchTarget(assembleOne("b.eq #8"), 0), std::nullopt);
    EXPECT_EQ(enc::branchTarget(assembleOne("cbz x0, #8"), 0), std::nullopt);
    EXPECT_EQ(enc::branchTarget(assembleOne("br x0"), 0), std::nullopt);
}

} // namespace
} // namespace cmodx::test
