// Differential check of our decoder against two independent disassemblers.
//
// CapstoneCrossCheck: four million words (half uniform random, half drawn from the table's own
// patterns, some with one fixed bit flipped to probe the edges of each encoding) are decoded by
// Capstone 4 and by Decoder(Features{lse=false}) -- the ARMv8.0 cortex-a53 profile, which is what
// Capstone 4 knows (it has no FEAT_LSE). A word is "implemented" on Capstone's side when Capstone
// decodes it and it is not in a family cmodx deliberately leaves out (FP/SIMD and the others
// listed below). Whenever exactly one side says implemented, LLVM (v8.0: -lse) arbitrates:
//   - LLVM agrees with us            -> a known Capstone 4 discrepancy: counted, not a failure;
//   - LLVM agrees with Capstone      -> FAILURE (the table is wrong), unless the only difference
//     is in bits the table marks '-' (the Arm ARM's "should be" bits, which a64.inc ignores by
//     design, as QEMU and hardware do): then it is counted as a should-be-bit difference.
// Aliases are compared for validity only, never by text.
//
// LlvmCrossCheck: the table's patterns (incl. FEAT_LSE, which Capstone 4 cannot check) against
// LLVM with +lse and Decoder(Features{lse=true}), same rules.
#include "isa/aarch64/decoder.h"
#include "tests/support/assembler.h"

#include <capstone/capstone.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <bit>
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cmodx::test {
namespace {

using isa::Decoder;
using isa::Encoding;
using isa::Features;
using isa::u32;
using isa::u64;

// LLVM feature strings for the two profiles. +el3: LLVM 14 decodes SMC only with FeatureEL3, but
// the encoding is allocated on every PE (without EL3 it is UNDEFINED at run time, which is the
// handler's business), so for decoding purposes SMC is valid.
constexpr std::string_view kLlvmV80 = "-lse,+el3";
constexpr std::string_view kLlvmV80Lse = "+lse,+el3";

// ---- Families cmodx does not implement ---------------------------------------------------------
// Instructions both disassemblers know but the integer ARMv8.0 (+LSE) profile leaves out. Any
// instruction with an FP/SIMD register operand (B/H/S/D/Q/V) is also left out: that covers FP,
// Advanced SIMD, crypto (AES/SHA) and FP/SIMD loads and stores.
// clang-format off
constexpr std::string_view kNotImplementedMnemonics[] = {
    // FEAT_CRC32 (optional in ARMv8.0): general-purpose registers only, so listed by name.
    "crc32b", "crc32h", "crc32w", "crc32x", "crc32cb", "crc32ch", "crc32cw", "crc32cx",
    // Debug state (DCPS1-3, DRPS): the model has no Debug state.
    "dcps1", "dcps2", "dcps3", "drps",
    // The permanently UNDEFINED space 0x0000xxxx: LLVM prints it as UDF, it is UNDEFINED for us.
    "udf",
    // Pointer authentication outside the HINT space (FEAT_PAuth, v8.3). The HINT-space forms
    // (PACIASP, AUTIASP, XPACLRI, ...) are NOPs on v8.0 and are implemented as HINT.
    "pacia", "pacib", "pacda", "pacdb", "paciza", "pacizb", "pacdza", "pacdzb",
    "autia", "autib", "autda", "autdb", "autiza", "autizb", "autdza", "autdzb",
    "xpaci", "xpacd", "pacga", "braa", "brab", "braaz", "brabz", "blraa", "blrab", "blraaz",
    "blrabz", "retaa", "retab", "eretaa", "eretab", "ldraa", "ldrab",
};
// clang-format on

bool isNotImplementedMnemonic(std::string_view m) {
    for (std::string_view n : kNotImplementedMnemonics)
        if (m == n) return true;
    return false;
}

// "v3.16b", "q0", "d31", "s7", "h2", "b0" (an FP/SIMD register as printed by Capstone or LLVM;
// "s3_0_c15_c2_0" is a System register, "b.eq" a mnemonic).
bool isFpSimdRegisterToken(std::string_view t) {
    if (t.size() < 2 || std::string_view("bhsdqvz").find(t[0]) == std::string_view::npos)
        return false;
    std::size_t i = 1;
    unsigned n = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
        n = n * 10 + (t[i++] - '0');
    if (i == 1 || n > 31) return false;
    return i == t.size() || t[i] == '.' || t[i] == '[';
}

// LLVM 14 and Capstone 4 (which is derived from LLVM) print any System-class word with op0 == 0b00
// that is neither a hint, a barrier nor a PSTATE write as a generic "msr/mrs S0_<op1>_C<n>_C<m>_
// <op2>" System-register move. The Arm ARM has no such instruction: MSR/MRS (register) require
// op0<1> == 1 and the rest of op0 == 0b00 is unallocated. MSR (immediate) prints an immediate.
bool isOp0ZeroSysregMoveFallback(u32 word, std::string_view text) {
    if ((word & 0xffd80000) != 0xd5000000) return false; // System class, op0 == 0b00
    if (text.starts_with("mrs ")) return true;
    if (!text.starts_with("msr ")) return false;
    const std::size_t comma = text.rfind(',');
    return comma == std::string_view::npos || text.find('#', comma) == std::string_view::npos;
}

// Why a disassembler's text for `word` is outside the implemented families, or nullptr.
const char* textFamilyNotImplemented(u32 word, std::string_view text) {
    const std::size_t sp = text.find(' ');
    const std::string_view mnemonic = text.substr(0, sp);
    if (isNotImplementedMnemonic(mnemonic)) return "mnemonic list";
    if (isOp0ZeroSysregMoveFallback(word, text)) return "op0=0 MSR/MRS fallback (unallocated)";
    if (sp == std::string_view::npos) return nullptr;
    std::string_view ops = text.substr(sp + 1);
    while (!ops.empty()) {
        const std::size_t end = ops.find_first_of(" ,{}[]!");
        const std::string_view token = ops.substr(0, end);
        if (isFpSimdRegisterToken(token)) return "FP/SIMD register";
        if (end == std::string_view::npos) break;
        ops.remove_prefix(end + 1);
    }
    return nullptr;
}

// ---- Capstone -----------------------------------------------------------------------------------
class Capstone {
public:
    Capstone() {
        if (cs_open(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, &handle_) != CS_ERR_OK)
            throw std::runtime_error("cs_open failed");
        cs_option(handle_, CS_OPT_DETAIL, CS_OPT_ON);
        insn_ = cs_malloc(handle_);
    }
    ~Capstone() {
        cs_free(insn_, 1);
        cs_close(&handle_);
    }
    Capstone(const Capstone&) = delete;
    Capstone& operator=(const Capstone&) = delete;

    struct Result {
        bool valid = false;
        const char* not_implemented = nullptr; // family reason when valid but left out
    };

    Result decode(u32 word) {
        const u8_t bytes[4] = {static_cast<u8_t>(word), static_cast<u8_t>(word >> 8),
                               static_cast<u8_t>(word >> 16), static_cast<u8_t>(word >> 24)};
        const u8_t* code = bytes;
        std::size_t size = 4;
        u64 address = 0;
        Result r;
        r.valid = cs_disasm_iter(handle_, &code, &size, &address, insn_);
        if (r.valid) r.not_implemented = familyNotImplemented(word);
        return r;
    }

    std::string text(u32 word) {
        const u8_t bytes[4] = {static_cast<u8_t>(word), static_cast<u8_t>(word >> 8),
                               static_cast<u8_t>(word >> 16), static_cast<u8_t>(word >> 24)};
        const u8_t* code = bytes;
        std::size_t size = 4;
        u64 address = 0;
        if (!cs_disasm_iter(handle_, &code, &size, &address, insn_)) return "(invalid)";
        return fmt::format("{} {}", insn_->mnemonic, insn_->op_str);
    }

private:
    using u8_t = std::uint8_t;

    static bool isFpSimd(unsigned reg) {
        return (reg >= ARM64_REG_B0 && reg <= ARM64_REG_S31) ||
               (reg >= ARM64_REG_V0 && reg <= ARM64_REG_V31);
    }

    const char* familyNotImplemented(u32 word) const {
        const cs_detail* d = insn_->detail;
        for (unsigned i = 0; i < d->groups_count; ++i) {
            switch (d->groups[i]) {
            case ARM64_GRP_FPARMV8: return "FP group";
            case ARM64_GRP_NEON: return "NEON group";
            case ARM64_GRP_CRYPTO: return "crypto group";
            case ARM64_GRP_CRC: return "CRC group";
            default: break;
            }
        }
        for (unsigned i = 0; i < d->arm64.op_count; ++i) {
            const cs_arm64_op& op = d->arm64.operands[i];
            if (op.type == ARM64_OP_REG && isFpSimd(op.reg)) return "FP/SIMD register";
            if (op.type == ARM64_OP_MEM && (isFpSimd(op.mem.base) || isFpSimd(op.mem.index)))
                return "FP/SIMD register";
        }
        // The mnemonic list, the op0=0 fallback, and vector forms whose operand details Capstone
        // leaves out but prints.
        return textFamilyNotImplemented(word, fmt::format("{} {}", insn_->mnemonic, insn_->op_str));
    }

    csh handle_ = 0;
    cs_insn* insn_ = nullptr;
};

// ---- Sampling ----------------------------------------------------------------------------------
// Words for the check: uniform random, or a random INST line's pattern with random field bits,
// optionally with one fixed bit flipped (the encodings next door).
class WordSource {
public:
    WordSource(std::uint64_t seed, bool lse_lines_only = false) : rng_(seed) {
        for (const Encoding& e : isa::encodingTable())
            if (!e.unallocated && (!lse_lines_only || e.needs_lse)) lines_.push_back(&e);
    }

    u32 uniform() { return static_cast<u32>(rng_()); }

    u32 guided(bool flip_one_fixed_bit) {
        const Encoding& e = *lines_[rng_() % lines_.size()];
        u32 w = e.expect | (static_cast<u32>(rng_()) & ~e.mask);
        if (flip_one_fixed_bit && e.mask != 0) {
            unsigned n = static_cast<unsigned>(rng_() % std::popcount(e.mask));
            for (unsigned b = 0; b < 32; ++b)
                if ((e.mask >> b & 1) && n-- == 0) {
                    w ^= 1u << b;
                    break;
                }
        }
        return w;
    }

private:
    std::mt19937_64 rng_;
    std::vector<const Encoding*> lines_;
};

// ---- Findings -----------------------------------------------------------------------------------
struct Finding {
    std::size_t count = 0;
    std::vector<std::string> examples;
};

class Findings {
public:
    void add(const std::string& key, const std::string& example) {
        Finding& f = groups_[key];
        if (f.examples.size() < 3) f.examples.push_back(example);
        ++f.count;
        ++total_;
    }
    std::size_t total() const { return total_; }
    std::string report() const {
        std::string s;
        for (const auto& [key, f] : groups_) {
            s += fmt::format("    {} x{}\n", key, f.count);
            for (const std::string& e : f.examples)
                s += fmt::format("        {}\n", e);
        }
        return s;
    }

private:
    std::map<std::string, Finding> groups_;
    std::size_t total_ = 0;
};

std::string ourText(const Encoding* e) {
    return e ? fmt::format("{} ({})", e->id, e->name) : std::string("UNDEFINED");
}

// LLVM's verdict: decodes and is in an implemented family.
bool llvmImplemented(u32 word, const std::optional<std::string>& text) {
    return text && !textFamilyNotImplemented(word, *text);
}

// When we accept a word LLVM rejects: does LLVM accept it once the bits our line ignores ('-',
// the Arm ARM's should-be bits) take their canonical all-ones or all-zeros value?
bool onlyShouldBeBitsDiffer(const Decoder& decoder, const Encoding& e, u32 word,
                            std::string_view features) {
    u32 ignored = 0;
    for (std::size_t i = 0; i < 32; ++i)
        if (e.bits[i] == '-') ignored |= 1u << (31 - i);
    if (ignored == 0) return false;
    for (u32 canonical : {word | ignored, word & ~ignored}) {
        if (canonical == word || decoder.decode(canonical).encoding != &e) continue;
        if (llvmImplemented(canonical, llvmDisassemble(canonical, features))) return true;
    }
    return false;
}

// The three-way comparison shared by both tests.
struct Comparison {
    Findings failures;
    Findings arbitrated; // LLVM sided with our decoder
    Findings should_be;  // differ only in should-be bits the table ignores by design
};

void arbitrate(Comparison& c, const Decoder& decoder, u32 word, bool ours,
               const std::string& other_name, const std::string& other_text,
               std::string_view llvm_features) {
    const isa::Encoding* e = decoder.decode(word).encoding;
    const std::optional<std::string> llvm = llvmDisassemble(word, llvm_features);
    const bool llvm_impl = llvmImplemented(word, llvm);
    const std::string example =
        fmt::format("{:#010x}: {} \"{}\", ours {}, LLVM({}) \"{}\"", word, other_name, other_text,
                    ourText(e), llvm_features, llvm.value_or("(invalid)"));
    const std::string key = ours ? fmt::format("we decode {}", e->id)
                                 : fmt::format("we say UNDEFINED, {} \"{}\"", other_name,
                                               other_text.substr(0, other_text.find(' ')));
    if (llvm_impl == ours)
        c.arbitrated.add(key, example);
    else if (ours && onlyShouldBeBitsDiffer(decoder, *e, word, llvm_features))
        c.should_be.add(key, example);
    else
        c.failures.add(key, example);
}

TEST(CapstoneCrossCheck, RandomAndPatternGuidedWords) {
    constexpr std::size_t kWords = 4'000'000;
    const auto start = std::chrono::steady_clock::now();

    const Decoder decoder(Features{.lse = false});
    Capstone capstone;
    WordSource source(0x636d6f6478ull);
    Comparison c;
    std::size_t implemented_by_us = 0, capstone_valid = 0, capstone_left_out = 0, agree = 0;
    std::map<std::string, std::size_t> left_out_reasons;

    for (std::size_t i = 0; i < kWords; ++i) {
        // 50% uniform, 35% pattern-guided, 15% pattern-guided with one fixed bit flipped.
        const unsigned kind = i % 20;
        const u32 word = kind < 10 ? source.uniform() : source.guided(kind >= 17);

        const bool ours = decoder.isImplemented(word);
        const Capstone::Result cs = capstone.decode(word);
        const bool theirs = cs.valid && cs.not_implemented == nullptr;
        implemented_by_us += ours;
        capstone_valid += cs.valid;
        if (cs.valid && cs.not_implemented) {
            ++capstone_left_out;
            ++left_out_reasons[cs.not_implemented];
        }
        if (ours == theirs) {
            ++agree;
            continue;
        }
        arbitrate(c, decoder, word, ours, "Capstone", capstone.text(word), kLlvmV80);
    }

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << fmt::format(
        "[   INFO   ] Capstone cross-check: {} words in {:.1f} s\n"
        "             implemented by us: {}, Capstone-valid: {} (of which left-out families: {})\n"
        "             agree: {}, disagreements arbitrated for us by LLVM (Capstone 4 defects): {},"
        " should-be-bit differences: {}, failures: {}\n",
        kWords, seconds, implemented_by_us, capstone_valid, capstone_left_out, agree,
        c.arbitrated.total(), c.should_be.total(), c.failures.total());
    for (const auto& [reason, n] : left_out_reasons)
        std::cout << fmt::format("             left out ({}): {}\n", reason, n);
    if (c.arbitrated.total())
        std::cout << "[   INFO   ] known Capstone 4 discrepancies (LLVM agrees with us):\n"
                  << c.arbitrated.report();
    if (c.should_be.total())
        std::cout << "[   INFO   ] should-be bits the table ignores by design:\n"
                  << c.should_be.report();
    RecordProperty("words", static_cast<int>(kWords));
    RecordProperty("implemented_by_us", static_cast<int>(implemented_by_us));
    RecordProperty("capstone_defects", static_cast<int>(c.arbitrated.total()));

    EXPECT_EQ(c.failures.total(), 0u)
        << "words where Capstone and LLVM agree against our decoder:\n"
        << c.failures.report();
}

TEST(LlvmCrossCheck, PatternGuidedWordsWithLse) {
    constexpr std::size_t kWords = 1'000'000;
    const auto start = std::chrono::steady_clock::now();

    const Decoder decoder(Features{.lse = true});
    WordSource all(0x6c6c766dull);
    WordSource lse(0x6c7365ull, /*lse_lines_only=*/true);
    Comparison c;
    std::size_t implemented_by_us = 0, agree = 0;
    for (std::size_t i = 0; i < kWords; ++i) {
        // Pattern-guided over all lines, a quarter of them over the LSE lines only; one in four
        // with a fixed bit flipped.
        const bool flip = i % 4 == 3;
        const u32 word = i % 8 < 6 ? all.guided(flip) : lse.guided(flip);
        const bool ours = decoder.isImplemented(word);
        const std::optional<std::string> llvm = llvmDisassemble(word, kLlvmV80Lse);
        implemented_by_us += ours;
        if (ours == llvmImplemented(word, llvm)) {
            ++agree;
            continue;
        }
        const isa::Encoding* e = decoder.decode(word).encoding;
        const std::string example =
            fmt::format("{:#010x}: ours {}, LLVM({}) \"{}\"", word, ourText(e), kLlvmV80Lse,
                        llvm.value_or("(invalid)"));
        const std::string key =
            ours ? fmt::format("we decode {}", e->id)
                 : fmt::format("we say UNDEFINED, LLVM \"{}\"", llvm->substr(0, llvm->find(' ')));
        if (ours && onlyShouldBeBitsDiffer(decoder, *e, word, kLlvmV80Lse))
            c.should_be.add(key, example);
        else
            c.failures.add(key, example);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << fmt::format("[   INFO   ] LLVM (+lse) cross-check: {} words in {:.1f} s, "
                             "implemented by us: {}, agree: {}, should-be-bit differences: {}, "
                             "failures: {}\n",
                             kWords, seconds, implemented_by_us, agree, c.should_be.total(),
                             c.failures.total());
    if (c.should_be.total())
        std::cout << "[   INFO   ] should-be bits the table ignores by design:\n"
                  << c.should_be.report();
    EXPECT_EQ(c.failures.total(), 0u) << "words where LLVM disagrees with our decoder:\n"
                                      << c.failures.report();
}

TEST(CrossCheckClassifier, FpSimdTokens) {
    EXPECT_TRUE(isFpSimdRegisterToken("v3.16b"));
    EXPECT_TRUE(isFpSimdRegisterToken("q0"));
    EXPECT_TRUE(isFpSimdRegisterToken("d31"));
    EXPECT_TRUE(isFpSimdRegisterToken("v1.s[2]"));
    EXPECT_FALSE(isFpSimdRegisterToken("s3_0_c15_c2_0"));
    EXPECT_FALSE(isFpSimdRegisterToken("b.eq"));
    EXPECT_FALSE(isFpSimdRegisterToken("sp"));
    EXPECT_FALSE(isFpSimdRegisterToken("x0"));
    EXPECT_STREQ(textFamilyNotImplemented(0, "fmov d0, x1"), "FP/SIMD register");
    EXPECT_STREQ(textFamilyNotImplemented(0, "ld1 { v0.16b }, [x0]"), "FP/SIMD register");
    EXPECT_STREQ(textFamilyNotImplemented(0, "crc32cx w0, w1, x2"), "mnemonic list");
    EXPECT_EQ(textFamilyNotImplemented(0, "ldr x0, [x1, #8]"), nullptr);
    EXPECT_EQ(textFamilyNotImplemented(0, "mrs x0, s3_0_c15_c2_0"), nullptr);
    EXPECT_EQ(textFamilyNotImplemented(0, "paciasp"), nullptr);
    // op0 = 0: the disassemblers' generic System-register fallback vs a real MSR (immediate).
    EXPECT_NE(textFamilyNotImplemented(0xd503341f, "msr S0_3_C3_C4_0, xzr"), nullptr);
    EXPECT_NE(textFamilyNotImplemented(0xd523213f, "mrs xzr, S0_3_C2_C1_1"), nullptr);
    EXPECT_EQ(textFamilyNotImplemented(0xd50041bf, "msr SPSel, #1"), nullptr);
    EXPECT_EQ(textFamilyNotImplemented(0xd51b4220, "msr NZCV, x0"), nullptr);
}

} // namespace
} // namespace cmodx::test
