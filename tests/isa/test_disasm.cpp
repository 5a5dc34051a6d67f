// The trace disassembler (isa/aarch64/disasm.h): Capstone text, and the fallbacks for words
// Capstone 4 cannot print.
#include "isa/aarch64/decoder.h"
#include "isa/aarch64/disasm.h"
#include "isa/aarch64/encoder.h"

#include <gtest/gtest.h>

namespace cmodx::test {
namespace {

using isa::Decoder;
using isa::Disassembler;
using isa::Features;

TEST(Disassembler, CapstoneText) {
    const Disassembler d;
    EXPECT_EQ(d.text(isa::enc::nop(), 0), "nop");
    EXPECT_EQ(d.text(isa::enc::movReg(9, 30), 0), "mov x9, x30");
    EXPECT_EQ(d.text(isa::enc::ret(), 0), "ret");
    // Branch text shows the absolute target for the given pc.
    EXPECT_EQ(d.text(isa::enc::bl(0x40001000, 0x40000000), 0x40001000), "bl #0x40000000");
    EXPECT_EQ(d.text(0xffffffff, 0), std::nullopt);
}

TEST(Disassembler, FallbackForWordsCapstoneCannotPrint) {
    const Disassembler d;
    const Decoder v80(Features{.lse = false});
    const Decoder v81(Features{.lse = true});
    const isa::u32 ldadd = 0xf8200020; // ldadd x0, x0, [x1]: FEAT_LSE, unknown to Capstone 4
    ASSERT_EQ(d.text(ldadd, 0), std::nullopt) << "Capstone learnt LSE: pick another example";
    const isa::Encoding* e = v81.decode(ldadd).encoding;
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(d.textOrFallback(ldadd, 0, v81), "<" + std::string(e->name) + "> .inst 0xf8200020");
    EXPECT_EQ(d.textOrFallback(ldadd, 0, v80), ".inst 0xf8200020");
    EXPECT_EQ(d.textOrFallback(0xffffffff, 0, v81), ".inst 0xffffffff");
    EXPECT_EQ(d.textOrFallback(isa::enc::nop(), 0, v80), "nop");
    // The per-thread convenience function agrees.
    EXPECT_EQ(isa::textOrFallback(ldadd, 0, v81), d.textOrFallback(ldadd, 0, v81));
    EXPECT_EQ(isa::textOrFallback(0x00000000, 0, v81), ".inst 0x00000000");
}

} // namespace
} // namespace cmodx::test
