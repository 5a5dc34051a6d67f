// Sanity tests of the test-support assembler (tests/support/assembler.h) itself.
#include "tests/support/assembler.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace cmodx::test {
namespace {

std::vector<std::uint32_t> words(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::uint32_t> w(bytes.size() / 4);
    std::memcpy(w.data(), bytes.data(), w.size() * 4);
    return w;
}

TEST(Assembler, OneInstruction) {
    EXPECT_EQ(assembleOne("nop"), 0xd503201fu);
    EXPECT_EQ(assembleOne("add x0, x1, #1"), 0x91000420u);
    EXPECT_EQ(assembleOne("  ldr w3, [sp, #8]  // comment"), 0xb9400be3u);
}

TEST(Assembler, MultiLineBlockWithLabels) {
    const auto w = words(assemble("start:\n"
                                  "    mov x0, #0\n"
                                  "loop:\n"
                                  "    add x0, x0, #1\n"
                                  "    cmp x0, #10\n"
                                  "    b.ne loop\n"
                                  "    cbz x0, start\n"
                                  "    ret\n"));
    ASSERT_EQ(w.size(), 6u);
    EXPECT_EQ(w[0], 0xd2800000u); // mov x0, #0
    EXPECT_EQ(w[1], 0x91000400u); // add x0, x0, #1
    EXPECT_EQ(w[2], 0xf100281fu); // cmp x0, #10
    EXPECT_EQ(w[3], 0x54ffffc1u); // b.ne -8
    EXPECT_EQ(w[4], 0xb4ffff80u); // cbz x0, -16
    EXPECT_EQ(w[5], 0xd65f03c0u); // ret
}

TEST(Assembler, SemicolonSeparatedAndData) {
    const auto w = words(assemble("nop; nop\n.word 0x12345678\n"));
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[2], 0x12345678u);
}

TEST(Assembler, BaseAddressResolvesPageRelativeReferences) {
    // ADRP to a label depends on where the code is placed; ADD :lo12: and a literal-pool
    // address too. Place the label in the next 4 KiB page.
    const std::uint64_t base = 0x40000ff8;
    const auto bytes = assemble("    adrp x0, target\n"
                                "    add x0, x0, :lo12:target\n"
                                "target:\n"
                                "    ldr x1, =target\n",
                                base);
    const auto w = words(bytes);
    ASSERT_GE(w.size(), 5u);
    const std::uint64_t target = base + 8;     // 0x40001000
    EXPECT_EQ(w[0], 0x90000000u | (1u << 29)); // adrp x0, one page up (immlo = 1)
    EXPECT_EQ(w[1], 0x91000000u);              // add x0, x0, #0 (target & 0xfff == 0)
    // The literal pool follows the code, 8-byte aligned.
    std::uint64_t pooled = 0;
    std::memcpy(&pooled, bytes.data() + bytes.size() - 8, 8);
    EXPECT_EQ(pooled, target);

    // The same text at base 0 points ADRP at page 0.
    EXPECT_EQ(words(assemble("adrp x0, t\nt: nop\n", 0))[0], 0x90000000u);
}

TEST(Assembler, CallsToGlobalLabelsAreResolved) {
    // A call to a .globl symbol leaves an R_AARCH64_CALL26 in the object; it is applied here.
    const auto w = words(assemble("    .globl f\n"
                                  "    bl f\n"
                                  "    nop\n"
                                  "f:  ret\n",
                                  0x80000000));
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[0], 0x94000002u); // bl #8
}

TEST(Assembler, FeatureStringControlsExtensions) {
    EXPECT_EQ(assembleOne("ldadd x1, x2, [x3]"), 0xf8210062u);
    EXPECT_THROW(assembleOne("ldadd x1, x2, [x3]", {.features = "-lse"}), AssemblyError);
}

TEST(Assembler, ErrorsCarryLlvmDiagnostics) {
    try {
        assembleOne("frobnicate x0, x1");
        FAIL() << "garbage assembled";
    } catch (const AssemblyError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("unrecognized instruction mnemonic"), std::string::npos) << message;
    }
    EXPECT_THROW(assembleOne("add x0, x1, #0x12345"), AssemblyError);
    EXPECT_THROW(assembleOne("nop\nnop"), AssemblyError);
    EXPECT_THROW(assemble("b undefined_symbol"), AssemblyError);
    EXPECT_THROW(assemble("b.eq far\n.skip 0x200000\nfar: nop"), AssemblyError);
}

TEST(Assembler, LlvmDisassembler) {
    EXPECT_EQ(llvmDisassemble(0xd503201f), "nop");
    EXPECT_EQ(llvmDisassemble(0xaa1e03e9), "mov x9, x30");
    EXPECT_EQ(llvmDisassemble(0xf8210062), "ldadd x1, x2, [x3]");
    EXPECT_EQ(llvmDisassemble(0xf8210062, "-lse"), std::nullopt);
    EXPECT_EQ(llvmDisassemble(0x00000000u, "-lse").value_or("?").substr(0, 3), "udf");
    EXPECT_EQ(llvmDisassemble(0xffffffffu), std::nullopt);
    // SoftFail (CONSTRAINED UNPREDICTABLE: LDP with Rt == Rt2) is reported as valid.
    EXPECT_TRUE(llvmDisassemble(0xa9400000u).has_value()); // ldp x0, x0, [x0]
}

} // namespace
} // namespace cmodx::test
