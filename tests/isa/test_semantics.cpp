// Instruction semantics: small programs written in assembly text, assembled with LLVM MC, run
// instruction by instruction on a bare Executor, and checked against results worked out by hand
// from the Arm ARM pseudocode (never by calling the simulator's own helpers).
#include "isa/aarch64/decode_cache.h"
#include "isa/aarch64/decoder.h"
#include "isa/aarch64/executor.h"
#include "isa/aarch64/timing_class.h"
#include "tests/support/assembler.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cmodx::isa {
namespace {

constexpr u64 kRamBase = 0x40000000;
constexpr u64 kRamSize = 64 * 1024;
constexpr u64 kCode = kRamBase + 0x1000; // where every test program is assembled
constexpr u64 kData = kRamBase + 0x8000; // scratch data, well clear of the code

constexpr Features kLse{.lse = true};
constexpr Features kCortexA53{};

// PSTATE.NZCV as CpuState keeps it (bits 31..28).
constexpr u32 kN = kFlagN, kZ = kFlagZ, kC = kFlagC, kV = kFlagV;

// Filler for destination registers, so a W write that fails to clear bits 63..32 shows.
constexpr u64 kJunk = 0x5555555555555555;

const Decoder& decoderFor(Features f) {
    static const Decoder lse(kLse);
    static const Decoder a53(kCortexA53);
    return f.lse ? lse : a53;
}

// ---- Test platform ----------------------------------------------------------------------------

struct TestPlatform : Platform {
    struct Maintenance {
        CacheOp op;
        u64 addr;
        bool operator==(const Maintenance&) const = default;
    };

    bool hvc_result = false;
    std::vector<u16> hvc_calls;
    std::vector<Maintenance> maintenance;
    std::vector<std::pair<u64, unsigned>> code_writes;
    std::map<u32, u64> sysregs;    // registers the "machine" owns, by 16-bit key
    std::vector<u32> sysreg_reads; // keys asked for, answered or not
    unsigned wfi = 0, wfe = 0, sev = 0;

    bool readSlow(u64, unsigned, u64&) override { return false; }
    bool writeSlow(u64, unsigned, u64) override { return false; }
    void watchedStore(u64 pa, unsigned size) override { code_writes.emplace_back(pa, size); }
    void observedStore(u64, u64, unsigned, u64) override {}
    // A one-PE global monitor: it holds whatever the last load-exclusive marked.
    bool global_valid = false;
    u64 global_pa = 0;
    void exclusiveLoad(u64 pa, unsigned) override {
        global_valid = true;
        global_pa = pa;
    }
    bool exclusiveStore(u64 pa, unsigned) override {
        const bool pass = global_valid && global_pa == pa;
        global_valid = false;
        return pass;
    }
    void clearExclusive() override { global_valid = false; }
    unsigned translation_flushes = 0;
    void translationsFlushed() override { ++translation_flushes; }
    bool hypervisorCall(u16 imm) override {
        hvc_calls.push_back(imm);
        return hvc_result;
    }
    bool haltInstruction(u16) override { return false; }
    void waitForInterrupt() override { ++wfi; }
    void waitForEvent() override { ++wfe; }
    void sendEvent() override { ++sev; }
    void cacheMaintenance(CacheOp op, u64 addr) override { maintenance.push_back({op, addr}); }
    std::optional<u64> readSysReg(u32 key) override {
        sysreg_reads.push_back(key);
        const auto it = sysregs.find(key);
        if (it == sysregs.end()) return std::nullopt;
        return it->second;
    }
    bool writeSysReg(u32 key, u64 value) override {
        const auto it = sysregs.find(key);
        if (it == sysregs.end()) return false;
        it->second = value;
        return true;
    }
};

// ---- A bare PE: 64 KiB of RAM, an Executor and a single-stepping loop ---------------------------

struct Machine {
    explicit Machine(Features f = kLse)
        : decoder(decoderFor(f)),
          exec(s, platform, RamWindow{ram.data(), kRamBase, kRamSize, code_pages.data()}, f) {
        exec.dcache = &cache;
    }
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    std::vector<u8> ram = std::vector<u8>(kRamSize);
    std::vector<u8> code_pages = std::vector<u8>(kRamSize >> 12); // all zero: nothing is code
    TestPlatform platform;
    CpuState s;
    DecodeCache cache{10};
    const Decoder& decoder;
    Executor exec;
    u64 code_begin = 0, code_end = 0;

    u8* host(u64 addr, u64 len = 1) {
        if (addr < kRamBase || addr + len > kRamBase + kRamSize)
            throw std::out_of_range("test address outside RAM");
        return ram.data() + (addr - kRamBase);
    }

    void load(std::string_view text, const test::AssemblerOptions& options = {}) {
        const std::vector<u8> code = test::assemble(text, kCode, options);
        std::memcpy(host(kCode, code.size()), code.data(), code.size());
        code_begin = kCode;
        code_end = kCode + code.size();
        s.pc = kCode;
    }

    u32 word(u64 pc) {
        u32 w;
        std::memcpy(&w, host(pc, 4), 4);
        return w;
    }

    // One instruction, decoded fresh: the handler runs and retires it, and with chain_left == 1
    // the trampoline stops there.
    void step() {
        const u32 insn = word(s.pc);
        const Decoded d = decoder.decode(insn);
        exec.npc = s.pc + 4;
        exec.chain_left = 1;
        d.fn(exec, insn);
    }

    // Steps until the PC leaves the assembled range. A GuestException propagates.
    u64 run(u64 limit = 10'000) {
        u64 steps = 0;
        while (s.pc >= code_begin && s.pc < code_end && steps < limit) {
            step();
            ++steps;
        }
        return steps;
    }

    // Runs to the end and returns the exception the program must raise.
    std::optional<GuestException> runCatching() {
        try {
            run();
        } catch (const GuestException& ex) {
            return ex;
        }
        return std::nullopt;
    }

    // Threaded dispatch: decode the whole program into the DecodeCache.
    void predecode() {
        for (u64 pc = code_begin; pc < code_end; pc += 4) {
            const u32 insn = word(pc);
            cache.slot(pc) = {.tag = DecodeCache::tagFor(pc, s.el), .fn = decoder.decode(insn).fn, .pa = pc, .insn = insn, .timing = {}};
        }
    }

    // Memory helpers (little-endian, straight from the RAM buffer).
    u64 read64(u64 addr) {
        u64 v;
        std::memcpy(&v, host(addr, 8), 8);
        return v;
    }
    u32 read32(u64 addr) {
        u32 v;
        std::memcpy(&v, host(addr, 4), 4);
        return v;
    }
    void write64(u64 addr, u64 v) { std::memcpy(host(addr, 8), &v, 8); }
    void write32(u64 addr, u32 v) { std::memcpy(host(addr, 4), &v, 4); }
    void fill(u64 addr, u8 byte, u64 len) { std::memset(host(addr, len), byte, len); }
    void setBytes(u64 addr, std::initializer_list<u8> bytes) {
        std::memcpy(host(addr, bytes.size()), bytes.begin(), bytes.size());
    }
    std::vector<u8> bytes(u64 addr, u64 len) {
        const u8* p = host(addr, len);
        return std::vector<u8>(p, p + len);
    }
};

using Setup = std::function<void(Machine&)>;

std::string describe(const GuestException& ex) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "EC %#x ISS %#x FAR %#llx", static_cast<unsigned>(ex.ec),
                  ex.iss, static_cast<unsigned long long>(ex.far));
    return buf;
}

// Assembles `text` at kCode, applies `setup`, and runs it to the end. An exception is a test
// failure here (tests that expect one use expectException).
std::unique_ptr<Machine> run(std::string_view text, const Setup& setup = {},
                             Features features = kLse) {
    auto m = std::make_unique<Machine>(features);
    m->load(text);
    if (setup) setup(*m);
    if (const auto ex = m->runCatching())
        ADD_FAILURE() << "unexpected guest exception (" << describe(*ex) << ") at pc " << std::hex
                      << m->s.pc << " in:\n" << text;
    return m;
}

// Runs `text` and checks it raises an exception of class `ec`; returns it for further checks.
GuestException expectException(std::string_view text, ExceptionClass ec, const Setup& setup = {},
                               Features features = kLse,
                               const test::AssemblerOptions& options = {}) {
    Machine m(features);
    m.load(text, options);
    if (setup) setup(m);
    const auto ex = m.runCatching();
    if (!ex) {
        ADD_FAILURE() << "no exception from:\n" << text;
        return GuestException{ExceptionClass::Unknown};
    }
    EXPECT_EQ(static_cast<unsigned>(ex->ec), static_cast<unsigned>(ec))
        << describe(*ex) << " from:\n" << text;
    return *ex;
}

// One instruction with x1..x3 as inputs and x0 as the result; NZCV preset and returned.
struct Result {
    u64 x0;
    u32 nzcv;
};
Result runOne(const std::string& insn, u64 x1, u64 x2 = 0, u64 x3 = 0, u32 nzcv = 0) {
    const auto m = run(insn, [&](Machine& m) {
        m.s.x[0] = kJunk;
        m.s.x[1] = x1;
        m.s.x[2] = x2;
        m.s.x[3] = x3;
        m.s.nzcv = nzcv;
    });
    return {m->s.x[0], m->s.nzcv};
}

// Cases for value-only instructions: x0 = f(x1, x2, x3).
struct ValueCase {
    const char* insn;
    u64 x1, x2, x3;
    u64 x0;
};
void checkValues(std::initializer_list<ValueCase> cases) {
    for (const ValueCase& c : cases) {
        SCOPED_TRACE(c.insn);
        EXPECT_EQ(runOne(c.insn, c.x1, c.x2, c.x3).x0, c.x0)
            << std::hex << "x1=" << c.x1 << " x2=" << c.x2 << " x3=" << c.x3;
    }
}

// Cases for flag-setting instructions: x0 and NZCV after, from x1, x2 and NZCV before.
struct FlagCase {
    const char* insn;
    u64 x1, x2;
    u32 nzcv_in;
    u64 x0;
    u32 nzcv;
};
void checkFlags(std::initializer_list<FlagCase> cases) {
    for (const FlagCase& c : cases) {
        SCOPED_TRACE(c.insn);
        const Result r = runOne(c.insn, c.x1, c.x2, 0, c.nzcv_in);
        EXPECT_EQ(r.x0, c.x0) << std::hex << "x1=" << c.x1 << " x2=" << c.x2;
        EXPECT_EQ(r.nzcv, c.nzcv) << std::hex << "x1=" << c.x1 << " x2=" << c.x2;
    }
}

// =================================================================================================
// Arithmetic and flags
// =================================================================================================

TEST(Semantics, AddsSubs32BitFlags) {
    checkFlags({
        {"adds w0, w1, w2", 0x7fffffff, 1, 0, 0x80000000, kN | kV},
        {"adds w0, w1, w2", 0xffffffff, 1, 0, 0, kZ | kC},
        {"adds w0, w1, w2", 0x80000000, 0x80000000, 0, 0, kZ | kC | kV},
        {"adds w0, w1, w2", 1, 2, kN | kZ | kC | kV, 3, 0},
        // Bits 63..32 of the sources are ignored and the W result is zero-extended.
        {"adds w0, w1, w2", 0x1234567800000001, 0xffffffff00000002, 0, 3, 0},
        {"subs w0, w1, w2", 0, 1, 0, 0xffffffff, kN},
        {"subs w0, w1, w2", 5, 5, 0, 0, kZ | kC},
        {"subs w0, w1, w2", 0x80000000, 1, 0, 0x7fffffff, kC | kV},
        {"subs w0, w1, w2", 0x7fffffff, 0xffffffff, 0, 0x80000000, kN | kV},
        {"adds w0, w1, #1", 0x7fffffff, 0, 0, 0x80000000, kN | kV},
        {"subs w0, w1, #1", 0, 0, 0, 0xffffffff, kN},
        {"adds w0, w1, #1, lsl #12", 0xfffff000, 0, 0, 0, kZ | kC},
    });
}

TEST(Semantics, AddsSubs64BitFlags) {
    checkFlags({
        {"adds x0, x1, x2", 0x7fffffffffffffff, 1, 0, 0x8000000000000000, kN | kV},
        {"adds x0, x1, x2", 0xffffffffffffffff, 1, 0, 0, kZ | kC},
        {"adds x0, x1, x2", 0x8000000000000000, 0x8000000000000000, 0, 0, kZ | kC | kV},
        {"adds x0, x1, x2", 0xffffffffffffffff, 0xffffffffffffffff, 0, 0xfffffffffffffffe,
         kN | kC},
        {"subs x0, x1, x2", 0x8000000000000000, 1, 0, 0x7fffffffffffffff, kC | kV},
        {"subs x0, x1, x2", 0, 1, 0, 0xffffffffffffffff, kN},
        {"subs x0, x1, x2", 3, 3, 0, 0, kZ | kC},
        {"subs x0, x1, x2", 1, 2, 0, 0xffffffffffffffff, kN},
        {"subs x0, x1, x2", 2, 1, 0, 1, kC},
        {"subs x0, x1, x2", 0x7fffffffffffffff, 0xffffffffffffffff, 0, 0x8000000000000000,
         kN | kV},
        {"adds x0, x1, #4095", 0xfffffffffffff001, 0, 0, 0, kZ | kC},
        {"subs x0, x1, #1, lsl #12", 0x1000, 0, 0, 0, kZ | kC},
        {"subs x0, x1, x2, lsl #4", 0x100, 0x10, 0, 0, kZ | kC},
        {"adds x0, x1, x2, asr #63", 1, 0x8000000000000000, 0, 0, kZ | kC},
    });
}

TEST(Semantics, CmpAndCmnOnlySetFlags) {
    // x0 keeps kJunk: CMP/CMN write XZR.
    checkFlags({
        {"cmp x1, x2", 0x8000000000000000, 1, 0, kJunk, kC | kV},
        {"cmp x1, x2", 7, 9, 0, kJunk, kN},
        {"cmn x1, x2", 0xffffffffffffffff, 1, 0, kJunk, kZ | kC},
        {"cmp w1, #1", 0, 0, 0, kJunk, kN},
        {"cmn w1, #1", 0x7fffffff, 0, 0, kJunk, kN | kV},
        {"cmp x1, #0", 0, 0, kN | kV, kJunk, kZ | kC},
        {"cmn w1, w2", 0x80000000, 0x80000000, 0, kJunk, kZ | kC | kV},
        {"cmp w1, w2, uxtb", 0x100, 0xfff, 0, kJunk, kC}, // 0x100 - 0xff = 1
    });
}

TEST(Semantics, FlagSettingFormsWriteXzrNotSp) {
    // In ADDS/SUBS/ANDS, Rd = 31 is XZR even in the immediate and extended forms, where Rn = 31
    // is SP.
    const auto m = run(R"(
        cmp x1, #1
        cmn x1, #1
        cmn x1, w2, uxtw
        tst x1, #1
        adds x0, sp, #1
        cmp sp, #0x10
        mrs x3, nzcv
    )",
                       [](Machine& m) {
                           m.s.sp = 0x40009000;
                           m.s.x[1] = 7;
                           m.s.x[2] = 9;
                       });
    EXPECT_EQ(m->s.sp, 0x40009000u);
    EXPECT_EQ(m->s.x[0], 0x40009001u);
    EXPECT_EQ(m->s.x[3], u64{kC}); // 0x40009000 - 0x10: no borrow
}

TEST(Semantics, AddSubExtendedRegister) {
    checkValues({
        {"add x0, x1, w2, sxtw #2", 100, 0xffffffff, 0, 96},
        {"add x0, x1, w2, uxtw", 0, 0xffffffff80000000, 0, 0x80000000},
        {"sub x0, x1, w2, uxth #1", 0x10000, 0x12345, 0, 0x10000 - 0x468a},
        {"add x0, x1, w2, sxtb", 0, 0x180, 0, 0xffffffffffffff80},
        {"add w0, w1, w2, sxth", 0, 0x8000, 0, 0xffff8000},
        {"sub x0, x1, x2, sxtx #3", 0, 1, 0, 0xfffffffffffffff8},
    });
    checkFlags({{"adds x0, x1, w2, sxtb", 128, 0x80, 0, 0, kZ | kC}});
}

TEST(Semantics, AdcSbcUseTheCarryFlag) {
    checkFlags({
        {"adc x0, x1, x2", 5, 7, kC, 13, kC},
        {"adc x0, x1, x2", 5, 7, 0, 12, 0},
        {"adc w0, w1, w2", 0xffffffff, 0, kC, 0, kC}, // ADC does not set flags
        {"adcs x0, x1, x2", 0xffffffffffffffff, 0, kC, 0, kZ | kC},
        {"adcs x0, x1, x2", 0xffffffffffffffff, 0, 0, 0xffffffffffffffff, kN},
        {"adcs w0, w1, w2", 0x7fffffff, 0, kC, 0x80000000, kN | kV},
        {"sbc x0, x1, x2", 10, 3, kC, 7, kC},
        {"sbc x0, x1, x2", 10, 3, 0, 6, 0},
        {"sbcs x0, x1, x2", 0, 0, 0, 0xffffffffffffffff, kN},
        {"sbcs x0, x1, x2", 0, 0, kC, 0, kZ | kC},
        {"sbcs w0, w1, w2", 5, 5, kC, 0, kZ | kC},
        {"sbcs w0, w1, w2", 0x80000000, 0, 0, 0x7fffffff, kC | kV},
        {"ngc x0, x2", 0, 5, kC, 0xfffffffffffffffb, kC},
        {"ngc x0, x2", 0, 5, 0, 0xfffffffffffffffa, 0},
        {"ngcs w0, w2", 0, 0, kC, 0, kZ | kC},
    });
}

TEST(Semantics, NegAndNegs) {
    checkFlags({
        {"negs x0, x2", 0, 0, 0, 0, kZ | kC},
        {"negs x0, x2", 0, 0x8000000000000000, 0, 0x8000000000000000, kN | kV},
        {"negs x0, x2", 0, 1, 0, 0xffffffffffffffff, kN},
        {"negs w0, w2", 0, 1, 0, 0xffffffff, kN},
        {"negs w0, w2", 0, 0x80000000, 0, 0x80000000, kN | kV},
        {"neg x0, x2", 0, 2, kZ, 0xfffffffffffffffe, kZ}, // NEG keeps the flags
    });
}

// =================================================================================================
// Logical
// =================================================================================================

TEST(Semantics, LogicalImmediate) {
    checkValues({
        {"and x0, x1, #0xff00ff00ff00ff00", 0x123456789abcdef0, 0, 0, 0x120056009a00de00},
        {"orr w0, w1, #0x0f0f0f0f", 0xffffffff10203040, 0, 0, 0x1f2f3f4f},
        {"eor x0, x1, #0x5555555555555555", 0xffffffff00000000, 0, 0, 0xaaaaaaaa55555555},
        {"and w0, w1, #0xfffffffe", 0xffffffffffffffff, 0, 0, 0xfffffffe},
        {"orr x0, x1, #0x1", 0x8000000000000000, 0, 0, 0x8000000000000001},
        {"eor x0, x1, #0xfffffffffffffffe", 0, 0, 0, 0xfffffffffffffffe},
    });
    checkFlags({
        {"ands x0, x1, #0x8000000000000000", 0x8000000000000001, 0, kC | kV,
         0x8000000000000000, kN},
        {"ands w0, w1, #1", 2, 0, kC | kV, 0, kZ},
        {"tst x1, #0x10", 0x10, 0, kZ | kC, kJunk, 0},
        {"tst x1, #0x10", 0, 0, 0, kJunk, kZ},
        {"tst w1, #0x80000000", 0x80000000, 0, 0, kJunk, kN},
    });
}

TEST(Semantics, LogicalImmediateCanWriteSp) {
    const auto m = run("orr sp, xzr, #0x40000000\nand x0, x1, #0xff\n", [](Machine& m) {
        m.s.x[1] = 0x1234;
    });
    EXPECT_EQ(m->s.sp, 0x40000000u);
    EXPECT_EQ(m->s.x[0], 0x34u);
}

TEST(Semantics, LogicalShiftedRegister) {
    checkValues({
        {"and x0, x1, x2, lsl #4", 0xfff0, 0x0f0f, 0, 0xf0f0},
        {"orr x0, x1, x2, lsr #60", 0x100, 0xa000000000000000, 0, 0x10a},
        {"eor w0, w1, w2, asr #4", 0x0f000000, 0x80000000, 0, 0xf7000000},
        {"orr x0, xzr, x2, ror #8", 0, 0xff, 0, 0xff00000000000000},
        {"orr w0, wzr, w2, ror #4", 0, 0x0000000f, 0, 0xf0000000},
        {"bic x0, x1, x2", 0xff, 0x0f, 0, 0xf0},
        {"bic w0, w1, w2, lsl #8", 0xffffffff, 0xff, 0, 0xffff00ff},
        {"orn x0, x1, x2", 0, 0, 0, 0xffffffffffffffff},
        {"orn w0, w1, w2", 0, 0, 0, 0xffffffff},
        {"eon w0, w1, w2", 0xffff0000, 0x0f0f0f0f, 0, 0x0f0ff0f0},
        {"eor x0, x1, x2, asr #63", 0x1234, 0x8000000000000000, 0, 0xffffffffffffedcb},
        {"mvn x0, x2", 0, 0x00ff00ff00ff00ff, 0, 0xff00ff00ff00ff00},
        {"mvn w0, w2", 0, 0, 0, 0xffffffff},
        {"mvn x0, x2, lsl #60", 0, 1, 0, 0xefffffffffffffff},
        {"mov x0, x2", 0, 0x0123456789abcdef, 0, 0x0123456789abcdef},
        {"mov w0, w2", 0, 0x0123456789abcdef, 0, 0x89abcdef},
    });
}

TEST(Semantics, AndsBicsTstFlags) {
    checkFlags({
        {"bics x0, x1, x2", 0xf0, 0xf0, kC | kV, 0, kZ},
        {"bics w0, w1, w2", 0x80000000, 0, 0, 0x80000000, kN},
        {"ands x0, x1, x2, asr #63", 0x1234, 0x8000000000000000, kZ | kC | kV, 0x1234, 0},
        {"ands x0, x1, x2", 0x8000000000000000, 0xffffffffffffffff, 0, 0x8000000000000000, kN},
        {"tst w1, w2, lsl #1", 0x80000000, 0x40000000, 0, kJunk, kN},
        {"tst x1, x2, ror #1", 0x8000000000000000, 1, 0, kJunk, kN},
        {"tst x1, x2", 0xf0, 0x0f, kN | kC, kJunk, kZ},
    });
}

// =================================================================================================
// Moves
// =================================================================================================

TEST(Semantics, MoveWideImmediate) {
    checkValues({
        {"movz x0, #0x1234", 0, 0, 0, 0x1234},
        {"movz x0, #0x1234, lsl #16", 0, 0, 0, 0x12340000},
        {"movz x0, #0x1234, lsl #32", 0, 0, 0, 0x123400000000},
        {"movz x0, #0x1234, lsl #48", 0, 0, 0, 0x1234000000000000},
        {"movz w0, #0xabcd, lsl #16", 0, 0, 0, 0xabcd0000},
        {"movn x0, #0", 0, 0, 0, 0xffffffffffffffff},
        {"movn x0, #0x1234, lsl #16", 0, 0, 0, 0xffffffffedcbffff},
        {"movn x0, #0x1, lsl #32", 0, 0, 0, 0xfffffffeffffffff},
        {"movn x0, #0xffff, lsl #48", 0, 0, 0, 0x0000ffffffffffff},
        {"movn w0, #0x1234", 0, 0, 0, 0xffffedcb},
        {"movn w0, #0x1, lsl #16", 0, 0, 0, 0xfffeffff},
        {"mov x0, #-2", 0, 0, 0, 0xfffffffffffffffe},
        {"mov w0, #-1", 0, 0, 0, 0xffffffff},
        {"mov x0, #0x10000", 0, 0, 0, 0x10000},
    });
}

TEST(Semantics, MoveKeepKeepsTheOtherHalfwords) {
    struct Case {
        const char* insn;
        u64 before, after;
    };
    const Case cases[] = {
        {"movk x0, #0xaaaa", 0x1111222233334444, 0x111122223333aaaa},
        {"movk x0, #0xaaaa, lsl #16", 0x1111222233334444, 0x11112222aaaa4444},
        {"movk x0, #0xaaaa, lsl #32", 0x1111222233334444, 0x1111aaaa33334444},
        {"movk x0, #0xaaaa, lsl #48", 0x1111222233334444, 0xaaaa222233334444},
        {"movk w0, #0xbeef, lsl #16", 0xffffffff12345678, 0x00000000beef5678},
        {"movk w0, #0xbeef", 0xffffffff12345678, 0x000000001234beef},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.insn);
        const auto m = run(c.insn, [&](Machine& m) { m.s.x[0] = c.before; });
        EXPECT_EQ(m->s.x[0], c.after);
    }
}

TEST(Semantics, StackPointerMovesAndArithmetic) {
    const auto m = run(R"(
        mov sp, x1
        mov x0, sp
        add sp, sp, #16
        sub sp, sp, #0x20
        mov x2, sp
        add x3, sp, x4, lsl #2
        cmp sp, x1
        mrs x9, nzcv
        sub sp, sp, x4, lsl #4
        mov x10, sp
        mov wsp, w5
        mov x6, sp
        add x7, sp, #0
        mov x8, xzr
    )",
                       [](Machine& m) {
                           m.s.x[1] = 0x40009000;
                           m.s.x[4] = 4;
                           m.s.x[5] = 0xffffffff12345678;
                           m.s.x[8] = kJunk;
                       });
    EXPECT_EQ(m->s.x[0], 0x40009000u);
    EXPECT_EQ(m->s.x[2], 0x40008ff0u);
    EXPECT_EQ(m->s.x[3], 0x40009000u);
    EXPECT_EQ(m->s.x[9], u64{kN}); // 0x40008ff0 - 0x40009000: negative, borrow
    EXPECT_EQ(m->s.x[10], 0x40008fb0u);
    EXPECT_EQ(m->s.x[6], 0x12345678u); // MOV WSP zero-extends into SP
    EXPECT_EQ(m->s.x[7], 0x12345678u);
    EXPECT_EQ(m->s.sp, 0x12345678u);
    EXPECT_EQ(m->s.x[8], 0u);
}

TEST(Semantics, AdrAndAdrp) {
    // The far label sits at 0x40003234 (code at 0x40001000, .balign 4096 -> 0x40002000, then
    // 0x1234 bytes).
    const auto m = run(R"(
    start:
        adrp x0, far
        adr x1, far
        add x2, x0, :lo12:far
        adr x3, .
        b done
        .balign 4096
        .skip 0x1234
    far:
        .word 0
    done:
        adrp x4, start
        adr x5, start
        adrp x6, .
    )");
    EXPECT_EQ(m->s.x[0], 0x40003000u);
    EXPECT_EQ(m->s.x[1], 0x40003234u);
    EXPECT_EQ(m->s.x[2], 0x40003234u);
    EXPECT_EQ(m->s.x[3], 0x4000100cu);
    EXPECT_EQ(m->s.x[4], 0x40001000u);
    EXPECT_EQ(m->s.x[5], 0x40001000u);
    EXPECT_EQ(m->s.x[6], 0x40003000u);
}

// =================================================================================================
// Bitfield, extract and shifts
// =================================================================================================

TEST(Semantics, ShiftImmediateAliases) {
    checkValues({
        {"lsl x0, x1, #4", 0x0123456789abcdef, 0, 0, 0x123456789abcdef0},
        {"lsl x0, x1, #63", 3, 0, 0, 0x8000000000000000},
        {"lsr x0, x1, #8", 0x0123456789abcdef, 0, 0, 0x000123456789abcd},
        {"lsr x0, x1, #63", 0x8000000000000000, 0, 0, 1},
        {"asr x0, x1, #4", 0x8000000000000010, 0, 0, 0xf800000000000001},
        {"asr x0, x1, #63", 0x8000000000000000, 0, 0, 0xffffffffffffffff},
        {"lsl w0, w1, #31", 0x89abcdef, 0, 0, 0x80000000},
        {"lsr w0, w1, #16", 0xffffffff89abcdef, 0, 0, 0x89ab},
        {"asr w0, w1, #16", 0x89abcdef, 0, 0, 0xffff89ab},
        {"asr w0, w1, #31", 0x7fffffff, 0, 0, 0},
    });
}

TEST(Semantics, BitfieldExtractAndInsert) {
    const u64 v = 0x0123456789abcdef;
    checkValues({
        {"ubfx x0, x1, #8, #12", v, 0, 0, 0xbcd},
        {"ubfx w0, w1, #28, #4", v, 0, 0, 0x8},
        {"sbfx x0, x1, #4, #8", v, 0, 0, 0xffffffffffffffde},
        {"sbfx x0, x1, #8, #4", v, 0, 0, 0xfffffffffffffffd},
        {"sbfx x0, x1, #56, #8", v, 0, 0, 0x1},
        {"sbfx w0, w1, #0, #4", v, 0, 0, 0xffffffff},
        {"ubfiz x0, x1, #56, #8", v, 0, 0, 0xef00000000000000},
        {"ubfiz w0, w1, #28, #4", v, 0, 0, 0xf0000000},
        {"sbfiz x0, x1, #4, #4", 0x8, 0, 0, 0xffffffffffffff80},
        {"sxtb x0, w1", v, 0, 0, 0xffffffffffffffef},
        {"sxtb x0, w1", 0x7f, 0, 0, 0x7f},
        {"sxth x0, w1", v, 0, 0, 0xffffffffffffcdef},
        {"sxtw x0, w1", v, 0, 0, 0xffffffff89abcdef},
        {"sxtw x0, w1", 0xffffffff7fffffff, 0, 0, 0x7fffffff},
        {"sxtb w0, w1", v, 0, 0, 0xffffffef},
        {"sxth w0, w1", v, 0, 0, 0xffffcdef},
        {"uxtb w0, w1", v, 0, 0, 0xef},
        {"uxth w0, w1", v, 0, 0, 0xcdef},
    });
    // BFI/BFXIL keep the destination's other bits.
    struct Case {
        const char* insn;
        u64 x0, x1, after;
    };
    const Case cases[] = {
        {"bfi x0, x1, #16, #8", 0xffffffffffffffff, v, 0xffffffffffefffff},
        {"bfi x0, x1, #56, #8", 0, v, 0xef00000000000000},
        {"bfi w0, w1, #24, #8", 0xffffffff00ffffff, 0xab, 0x00000000abffffff},
        {"bfxil x0, x1, #8, #16", 0xffffffffffffffff, v, 0xffffffffffffabcd},
        {"bfxil x0, x1, #60, #4", 0x1234, v, 0x1230},
        {"bfxil w0, w1, #0, #8", 0xffffffff11111111, 0x22, 0x11111122},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.insn);
        const auto m = run(c.insn, [&](Machine& m) {
            m.s.x[0] = c.x0;
            m.s.x[1] = c.x1;
        });
        EXPECT_EQ(m->s.x[0], c.after);
    }
}

TEST(Semantics, ExtractAndRotate) {
    checkValues({
        {"extr x0, x1, x2, #16", 0x0123456789abcdef, 0xfedcba9876543210, 0, 0xcdeffedcba987654},
        {"extr x0, x1, x2, #0", 0x0123456789abcdef, 0xfedcba9876543210, 0, 0xfedcba9876543210},
        {"extr x0, x1, x2, #63", 0x8000000000000001, 0x8000000000000000, 0, 0x3},
        {"extr w0, w1, w2, #8", 0x89abcdef, 0x76543210, 0, 0xef765432},
        {"ror x0, x1, #4", 0x0123456789abcdef, 0, 0, 0xf0123456789abcde},
        {"ror w0, w1, #8", 0xffffffff89abcdef, 0, 0, 0xef89abcd},
        {"ror w0, w1, #31", 0x80000000, 0, 0, 0x00000001},
    });
}

TEST(Semantics, VariableShiftsTakeTheAmountModuloTheWidth) {
    const u64 v = 0x8000000000000001;
    checkValues({
        {"lsl x0, x1, x2", v, 64, 0, v},
        {"lsl x0, x1, x2", v, 65, 0, 0x2},
        {"lsr x0, x1, x2", v, 127, 0, 1},
        {"lsr x0, x1, x2", v, 0, 0, v},
        {"asr x0, x1, x2", v, 0xffffffffffffffff, 0, 0xffffffffffffffff},
        {"asr x0, x1, x2", v, 1, 0, 0xc000000000000000},
        {"ror x0, x1, x2", v, 68, 0, 0x1800000000000000},
        {"lsl w0, w1, w2", 0x80000001, 32, 0, 0x80000001},
        {"lsl w0, w1, w2", 0x80000001, 33, 0, 0x2},
        {"lsr w0, w1, w2", 0x80000001, 0x100000001f, 0, 1},
        {"asr w0, w1, w2", 0x80000000, 63, 0, 0xffffffff},
        {"ror w0, w1, w2", 0x80000001, 1, 0, 0xc0000000},
        {"ror w0, w1, w2", 0x80000001, 32, 0, 0x80000001},
    });
}

// =================================================================================================
// Multiply and divide
// =================================================================================================

TEST(Semantics, Division) {
    checkValues({
        {"udiv x0, x1, x2", 100, 7, 0, 14},
        {"udiv x0, x1, x2", 100, 0, 0, 0},
        {"udiv x0, x1, x2", 0xffffffffffffffff, 2, 0, 0x7fffffffffffffff},
        {"udiv w0, w1, w2", 0xffffffffffffffff, 0x10, 0, 0x0fffffff},
        {"udiv w0, w1, w2", 5, 0xffffffff00000000, 0, 0}, // W2 == 0
        {"sdiv x0, x1, x2", static_cast<u64>(-7), 2, 0, static_cast<u64>(-3)},
        {"sdiv x0, x1, x2", 7, static_cast<u64>(-2), 0, static_cast<u64>(-3)},
        {"sdiv x0, x1, x2", static_cast<u64>(-8), static_cast<u64>(-2), 0, 4},
        {"sdiv x0, x1, x2", 0x8000000000000000, 0xffffffffffffffff, 0, 0x8000000000000000},
        {"sdiv x0, x1, x2", 5, 0, 0, 0},
        {"sdiv x0, x1, x2", static_cast<u64>(-100), 0, 0, 0},
        {"sdiv w0, w1, w2", 0x80000000, 0xffffffff, 0, 0x80000000},
        {"sdiv w0, w1, w2", 0xfffffff9, 2, 0, 0xfffffffd},
        {"sdiv w0, w1, w2", 0xfffffff9, 0, 0, 0},
    });
}

TEST(Semantics, MultiplyAddSubtract) {
    checkValues({
        {"madd x0, x1, x2, x3", 3, 4, 5, 17},
        {"msub x0, x1, x2, x3", 3, 4, 5, 0xfffffffffffffff9},
        {"mul x0, x1, x2", 0x100000000, 0x100000000, 0, 0},
        {"mul x0, x1, x2", 0xffffffffffffffff, 0xffffffffffffffff, 0, 1},
        {"madd w0, w1, w2, w3", 0x10000, 0x10000, 1, 1},
        {"mul w0, w1, w2", 0xffffffff, 0xffffffff, 0, 1},
        {"mneg x0, x1, x2", 3, 4, 0, 0xfffffffffffffff4},
        {"mneg w0, w1, w2", 3, 4, 0, 0xfffffff4},
    });
}

TEST(Semantics, LongAndHighMultiplies) {
    checkValues({
        {"smaddl x0, w1, w2, x3", 0x12345678ffffffff, 2, 10, 8},
        {"umaddl x0, w1, w2, x3", 0xffffffff, 2, 10, 0x200000008},
        {"smull x0, w1, w2", 0x80000000, 0x80000000, 0, 0x4000000000000000},
        {"smull x0, w1, w2", 0xffffffff, 0x7fffffff, 0, 0xffffffff80000001},
        {"umull x0, w1, w2", 0xffffffff, 0xffffffff, 0, 0xfffffffe00000001},
        {"umull x0, w1, w2", 0xffffffff00000002, 0xffffffff00000003, 0, 6}, // W only
        {"umaddl x0, w1, w2, x3", 0x100000001, 0x100000001, 1, 2},
        {"smsubl x0, w1, w2, x3", 0xffffffff, 2, 10, 12},
        {"umsubl x0, w1, w2, x3", 0xffffffff, 1, 0, 0xffffffff00000001},
        {"smnegl x0, w1, w2", 0xffffffff, 0xffffffff, 0, 0xffffffffffffffff},
        {"smulh x0, x1, x2", 0xffffffffffffffff, 0xffffffffffffffff, 0, 0},
        {"smulh x0, x1, x2", 0xffffffffffffffff, 2, 0, 0xffffffffffffffff},
        {"smulh x0, x1, x2", 0x8000000000000000, 0x8000000000000000, 0, 0x4000000000000000},
        {"smulh x0, x1, x2", 0x7fffffffffffffff, 0x7fffffffffffffff, 0, 0x3fffffffffffffff},
        {"umulh x0, x1, x2", 0xffffffffffffffff, 0xffffffffffffffff, 0, 0xfffffffffffffffe},
        {"umulh x0, x1, x2", 0xffffffffffffffff, 2, 0, 1},
        {"umulh x0, x1, x2", 0x100000000, 0x100000000, 0, 1},
    });
}

// =================================================================================================
// Bit counting and byte reversal
// =================================================================================================

TEST(Semantics, CountLeadingZerosAndSignBits) {
    checkValues({
        {"clz x0, x1", 0, 0, 0, 64},
        {"clz x0, x1", 1, 0, 0, 63},
        {"clz x0, x1", 0x8000000000000000, 0, 0, 0},
        {"clz w0, w1", 0, 0, 0, 32},
        {"clz w0, w1", 0x00010000, 0, 0, 15},
        {"clz w0, w1", 0xffffffff00000001, 0, 0, 31},
        {"cls x0, x1", 0, 0, 0, 63},
        {"cls x0, x1", 0xffffffffffffffff, 0, 0, 63},
        {"cls x0, x1", 0x8000000000000000, 0, 0, 0},
        {"cls x0, x1", 0x4000000000000000, 0, 0, 0},
        {"cls x0, x1", 0xc000000000000000, 0, 0, 1},
        {"cls x0, x1", 0x0000ffff00000000, 0, 0, 15},
        {"cls w0, w1", 0, 0, 0, 31},
        {"cls w0, w1", 0xffffffff, 0, 0, 31},
        {"cls w0, w1", 0xfff00000, 0, 0, 11},
        {"cls w0, w1", 0x00000001, 0, 0, 30},
        {"cls w0, w1", 0x0000000080000000, 0, 0, 0},
    });
}

TEST(Semantics, BitAndByteReversal) {
    checkValues({
        {"rbit x0, x1", 1, 0, 0, 0x8000000000000000},
        {"rbit x0, x1", 0x0123456789abcdef, 0, 0, 0xf7b3d591e6a2c480},
        {"rbit w0, w1", 1, 0, 0, 0x80000000},
        {"rbit w0, w1", 0xffffffff12345678, 0, 0, 0x1e6a2c48},
        {"rev x0, x1", 0x0123456789abcdef, 0, 0, 0xefcdab8967452301},
        {"rev w0, w1", 0xffffffff89abcdef, 0, 0, 0xefcdab89},
        {"rev16 x0, x1", 0x0123456789abcdef, 0, 0, 0x23016745ab89efcd},
        {"rev16 w0, w1", 0xffffffff89abcdef, 0, 0, 0xab89efcd},
        {"rev32 x0, x1", 0x0123456789abcdef, 0, 0, 0x67452301efcdab89},
    });
}

// =================================================================================================
// Conditional select and compare
// =================================================================================================

TEST(Semantics, ConditionalSelect) {
    struct Case {
        const char* insn;
        u32 nzcv;
        u64 x0;
    };
    const u64 a = 0x1111, b = 0x2222;
    const Case cases[] = {
        {"csel x0, x1, x2, eq", kZ, a},
        {"csel x0, x1, x2, eq", 0, b},
        {"csel w0, w1, w2, ne", kZ, 0x2222},
        {"csinc x0, x1, x2, ne", kZ, b + 1},
        {"csinc x0, x1, x2, ne", 0, a},
        {"csinc x0, x1, x3, ne", kZ, 0}, // x3 = all ones: wraps to 0
        {"csinc w0, w1, w3, ne", kZ, 0}, // W wraps too
        {"csinv x0, x1, x2, cs", 0, ~b},
        {"csinv w0, w1, w2, cs", 0, 0xffffddddu},
        {"csinv x0, x1, x2, cs", kC, a},
        {"csneg x0, x1, x2, mi", 0, static_cast<u64>(-static_cast<s64>(b))},
        {"csneg x0, x1, x2, mi", kN, a},
        {"csneg w0, w1, w4, mi", 0, 0x80000000}, // -INT32_MIN == INT32_MIN
        {"cset x0, eq", kZ, 1},
        {"cset x0, eq", 0, 0},
        {"cset w0, lt", kN, 1},
        {"csetm x0, hi", kC, 0xffffffffffffffff},
        {"csetm x0, hi", kC | kZ, 0},
        {"csetm w0, vs", kV, 0xffffffff},
        {"cinc x0, x1, ge", kN | kV, a + 1},
        {"cinc x0, x1, ge", kN, a},
        {"cinv x0, x1, lt", kV, ~a},
        {"cneg x0, x1, gt", 0, static_cast<u64>(-static_cast<s64>(a))},
        {"cneg x0, x1, gt", kZ, a},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.insn);
        const auto m = run(c.insn, [&](Machine& m) {
            m.s.x[0] = kJunk;
            m.s.x[1] = a;
            m.s.x[2] = b;
            m.s.x[3] = 0xffffffffffffffff;
            m.s.x[4] = 0x80000000;
            m.s.nzcv = c.nzcv;
        });
        EXPECT_EQ(m->s.x[0], c.x0) << "nzcv " << std::hex << c.nzcv;
        EXPECT_EQ(m->s.nzcv, c.nzcv);
    }
}

TEST(Semantics, ConditionalCompare) {
    checkFlags({
        // Condition true: the flags of the comparison.
        {"ccmp x1, x2, #0xa, eq", 5, 5, kZ, kJunk, kZ | kC},
        {"ccmp x1, #3, #0, ne", 2, 0, 0, kJunk, kN},
        {"ccmp w1, w2, #0, al", 0x80000000, 1, 0, kJunk, kC | kV},
        {"ccmn x1, x2, #0, eq", 0xffffffffffffffff, 1, kZ, kJunk, kZ | kC},
        {"ccmn w1, #1, #0, mi", 0x7fffffff, 0, kN, kJunk, kN | kV},
        // Condition false: the immediate flags.
        {"ccmp x1, x2, #0xa, eq", 5, 5, 0, kJunk, kN | kC},
        {"ccmp x1, #3, #0x4, ne", 2, 0, kZ, kJunk, kZ},
        {"ccmn w1, #1, #0xf, lt", 0, 0, 0, kJunk, kN | kZ | kC | kV},
        {"ccmn x1, x2, #0x1, cs", 1, 1, 0, kJunk, kV},
    });
}

// =================================================================================================
// Loads and stores
// =================================================================================================

// Bytes 0x80, 0x81, ... 0xbf at kData.
void fillPattern(Machine& m) {
    for (unsigned i = 0; i < 64; ++i) m.ram[kData - kRamBase + i] = static_cast<u8>(0x80 + i);
}

TEST(Semantics, LoadUnsignedOffsetZeroExtends) {
    const auto m = run(R"(
        ldr x0, [x1, #8]
        ldr w2, [x1, #4]
        ldrh w3, [x1, #2]
        ldrb w4, [x1, #1]
        ldr x5, [sp, #16]
        ldrb w6, [x1, #4095]
    )",
                       [](Machine& m) {
                           fillPattern(m);
                           m.ram[kData - kRamBase + 4095] = 0x5a;
                           m.s.x[1] = kData;
                           m.s.sp = kData;
                           for (int r : {2, 3, 4, 6}) m.s.x[r] = kJunk;
                       });
    EXPECT_EQ(m->s.x[0], 0x8f8e8d8c8b8a8988u);
    EXPECT_EQ(m->s.x[2], 0x87868584u);
    EXPECT_EQ(m->s.x[3], 0x8382u);
    EXPECT_EQ(m->s.x[4], 0x81u);
    EXPECT_EQ(m->s.x[5], 0x9796959493929190u);
    EXPECT_EQ(m->s.x[6], 0x5au);
}

TEST(Semantics, StoreUnsignedOffsetWritesOnlyItsBytes) {
    const auto m = run(R"(
        str x2, [x1, #8]
        str w2, [x1, #20]
        strh w2, [x1, #26]
        strb w2, [x1, #29]
    )",
                       [](Machine& m) {
                           m.fill(kData, 0xaa, 32);
                           m.s.x[1] = kData;
                           m.s.x[2] = 0x1122334455667788;
                       });
    const std::vector<u8> expected = {
        0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, // 0
        0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // 8: str x2
        0xaa, 0xaa, 0xaa, 0xaa, 0x88, 0x77, 0x66, 0x55, // 20: str w2
        0xaa, 0xaa, 0x88, 0x77, 0xaa, 0x88, 0xaa, 0xaa, // 26: strh, 29: strb
    };
    EXPECT_EQ(m->bytes(kData, 32), expected);
}

TEST(Semantics, UnscaledAndUnalignedAccesses) {
    // SCTLR_EL1.A is clear out of reset, so ordinary accesses need no alignment.
    const auto m = run(R"(
        ldur x0, [x1, #-8]
        ldur w3, [x1, #-13]
        ldursh x4, [x1, #-15]
        ldr x5, [x6]
        stur x2, [x1, #35]
        sturh w2, [x1, #-255]
        ldtr x7, [x1, #-16]
    )",
                       [](Machine& m) {
                           fillPattern(m);
                           m.s.x[1] = kData + 16;
                           m.s.x[2] = 0x1122334455667788;
                           m.s.x[3] = kJunk;
                           m.s.x[6] = kData + 3;
                       });
    EXPECT_EQ(m->s.x[0], 0x8f8e8d8c8b8a8988u);
    EXPECT_EQ(m->s.x[3], 0x86858483u);
    EXPECT_EQ(m->s.x[4], 0xffffffffffff8281u);
    EXPECT_EQ(m->s.x[5], 0x8a89888786858483u);
    EXPECT_EQ(m->read64(kData + 51), 0x1122334455667788u);
    EXPECT_EQ(m->bytes(kData + 16 - 255, 2), (std::vector<u8>{0x88, 0x77}));
    EXPECT_EQ(m->s.x[7], 0x8786858483828180u);
}

TEST(Semantics, PreIndexWritesBackBeforeTheAccess) {
    const auto m = run(R"(
        ldr x0, [x1, #8]!
        ldrb w4, [x1, #-1]!
        str x2, [x3, #-16]!
        str w2, [sp, #-4]!
    )",
                       [](Machine& m) {
                           fillPattern(m);
                           m.s.x[1] = kData;
                           m.s.x[2] = 0x1122334455667788;
                           m.s.x[3] = kData + 0x140;
                           m.s.x[4] = kJunk;
                           m.s.sp = kData + 0x200;
                       });
    EXPECT_EQ(m->s.x[0], 0x8f8e8d8c8b8a8988u);
    EXPECT_EQ(m->s.x[1], kData + 7);
    EXPECT_EQ(m->s.x[4], 0x87u);
    EXPECT_EQ(m->s.x[3], kData + 0x130);
    EXPECT_EQ(m->read64(kData + 0x130), 0x1122334455667788u);
    EXPECT_EQ(m->s.sp, kData + 0x1fc);
    EXPECT_EQ(m->read32(kData + 0x1fc), 0x55667788u);
}

TEST(Semantics, PostIndexAccessesTheOldAddress) {
    const auto m = run(R"(
        ldr x0, [x1], #16
        ldrh w4, [x1], #-14
        strb w2, [x3], #-1
        strb w2, [x3], #-1
        ldr w5, [sp], #255
    )",
                       [](Machine& m) {
                           fillPattern(m);
                           m.fill(kData + 0x100, 0, 16);
                           m.s.x[1] = kData;
                           m.s.x[2] = 0x1122334455667788;
                           m.s.x[3] = kData + 0x108;
                           m.s.x[4] = kJunk;
                           m.s.x[5] = kJunk;
                           m.s.sp = kData + 8;
                           m.s.sctlr_el1 &= ~u64{1u << 3}; // SA = 0: an unaligned SP may be a base
                       });
    EXPECT_EQ(m->s.x[0], 0x8786858483828180u);
    EXPECT_EQ(m->s.x[4], 0x9190u);
    EXPECT_EQ(m->s.x[1], kData + 2);
    EXPECT_EQ(m->s.x[3], kData + 0x106);
    EXPECT_EQ(m->bytes(kData + 0x106, 4), (std::vector<u8>{0x00, 0x88, 0x88, 0x00}));
    EXPECT_EQ(m->s.x[5], 0x8b8a8988u);
    EXPECT_EQ(m->s.sp, kData + 8 + 255);
}

TEST(Semantics, RegisterOffsetAddressing) {
    const auto m = run(R"(
        ldr x0, [x1, x2]
        ldr x3, [x1, x14, lsl #3]
        ldr w4, [x1, w5, uxtw #2]
        ldr x6, [x9, w7, sxtw]
        ldrh w8, [x1, x14, lsl #1]
        ldrb w10, [x1, x14]
        ldr x12, [x9, x13, sxtx #3]
        str x2, [x15, w16, sxtw #3]
        ldr w17, [x1, w5, uxtw]
    )",
                       [](Machine& m) {
                           fillPattern(m);
                           m.s.x[1] = kData;
                           m.s.x[2] = 8;
                           m.s.x[14] = 2;
                           m.s.x[5] = 0xffffffff00000003; // only W5 counts
                           m.s.x[9] = kData + 32;
                           m.s.x[7] = 0x00000000fffffff8; // W7 = -8
                           m.s.x[13] = 0xffffffffffffffff;
                           m.s.x[15] = kData + 0x100;
                           m.s.x[16] = 0xfffffffe; // W16 = -2
                           for (int r : {4, 8, 10, 17}) m.s.x[r] = kJunk;
                       });
    EXPECT_EQ(m->s.x[0], 0x8f8e8d8c8b8a8988u);
    EXPECT_EQ(m->s.x[3], 0x9796959493929190u);
    EXPECT_EQ(m->s.x[4], 0x8f8e8d8cu);
    EXPECT_EQ(m->s.x[6], 0x9f9e9d9c9b9a9998u);
    EXPECT_EQ(m->s.x[8], 0x8584u);
    EXPECT_EQ(m->s.x[10], 0x82u);
    EXPECT_EQ(m->s.x[12], 0x9f9e9d9c9b9a9998u);
    EXPECT_EQ(m->read64(kData + 0xf0), 8u);
    EXPECT_EQ(m->s.x[17], 0x86858483u);
}

TEST(Semantics, LoadLiteral) {
    const auto m = run(R"(
        b start
        .balign 8
    back:
        .quad 0xfedcba9876543210
    start:
        ldr x0, lit64
        ldr w1, lit32
        ldrsw x2, lit32
        ldr x3, back
        ldrsw x4, pos32
        prfm pldl1keep, lit64
        b end
        .balign 8
    lit64:
        .quad 0x0123456789abcdef
    lit32:
        .word 0x80000002
    pos32:
        .word 0x7ffffffe
    end:
    )",
                       [](Machine& m) { m.s.x[1] = kJunk; });
    EXPECT_EQ(m->s.x[0], 0x0123456789abcdefu);
    EXPECT_EQ(m->s.x[1], 0x80000002u);
    EXPECT_EQ(m->s.x[2], 0xffffffff80000002u);
    EXPECT_EQ(m->s.x[3], 0xfedcba9876543210u);
    EXPECT_EQ(m->s.x[4], 0x7ffffffeu);
}

TEST(Semantics, SignExtendingLoads) {
    const auto m = run(R"(
        ldrsb x0, [x1]
        ldrsb w2, [x1]
        ldrsb x3, [x1, #1]
        ldrsh x4, [x1, #2]
        ldrsh w5, [x1, #2]
        ldrsw x6, [x1, #4]
        ldursb w7, [x1, #1]
        ldrsh x8, [x1, x9]
        ldrsb w10, [x11], #1
        ldrsw x12, [x13, #4]!
        ldursh w14, [x1, #2]
        ldrsw x15, [x1, #8]
        ldrsh w16, [x1, #12]
    )",
                       [](Machine& m) {
                           m.setBytes(kData, {0x80, 0x7f, 0x01, 0x80, 0x01, 0x00, 0x00, 0x80,
                                              0xff, 0xff, 0xff, 0x7f, 0xff, 0x7f});
                           for (int r = 0; r < 17; ++r) m.s.x[r] = kJunk;
                           m.s.x[1] = kData;
                           m.s.x[9] = 2;
                           m.s.x[11] = kData;
                           m.s.x[13] = kData;
                       });
    EXPECT_EQ(m->s.x[0], 0xffffffffffffff80u);
    EXPECT_EQ(m->s.x[2], 0x00000000ffffff80u);
    EXPECT_EQ(m->s.x[3], 0x7fu);
    EXPECT_EQ(m->s.x[4], 0xffffffffffff8001u);
    EXPECT_EQ(m->s.x[5], 0x00000000ffff8001u);
    EXPECT_EQ(m->s.x[6], 0xffffffff80000001u);
    EXPECT_EQ(m->s.x[7], 0x7fu);
    EXPECT_EQ(m->s.x[8], 0xffffffffffff8001u);
    EXPECT_EQ(m->s.x[10], 0xffffff80u);
    EXPECT_EQ(m->s.x[11], kData + 1);
    EXPECT_EQ(m->s.x[12], 0xffffffff80000001u);
    EXPECT_EQ(m->s.x[13], kData + 4);
    EXPECT_EQ(m->s.x[14], 0xffff8001u);
    EXPECT_EQ(m->s.x[15], 0x7fffffffu);
    EXPECT_EQ(m->s.x[16], 0x7fffu);
}

TEST(Semantics, LoadStorePair) {
    const auto m = run(R"(
        stp x2, x3, [x1]
        stp w2, w3, [x1, #-8]!
        ldp x4, x5, [x1, #8]
        ldp w6, w7, [x1], #8
        ldpsw x8, x9, [x10]
        ldpsw x11, x12, [x13, #8]!
        ldpsw x14, x15, [x16], #8
        stnp x3, x2, [x17, #16]
        ldnp x18, x19, [x17, #16]
        stp x2, x3, [x20], #-16
    )",
                       [](Machine& m) {
                           m.fill(kData + 0xf0, 0, 0x40);
                           m.write32(kData, 0x80000000);
                           m.write32(kData + 4, 0x7fffffff);
                           m.write32(kData + 8, 0xfffffffe);
                           m.write32(kData + 12, 0x00000001);
                           m.s.x[1] = kData + 0x100;
                           m.s.x[2] = 0x1111111122222222;
                           m.s.x[3] = 0x3333333344444444;
                           m.s.x[6] = m.s.x[7] = kJunk;
                           m.s.x[10] = kData;
                           m.s.x[13] = kData;
                           m.s.x[16] = kData;
                           m.s.x[17] = kData + 0x200;
                           m.s.x[20] = kData + 0x300;
                       });
    EXPECT_EQ(m->read64(kData + 0x100), 0x1111111122222222u);
    EXPECT_EQ(m->read64(kData + 0x108), 0x3333333344444444u);
    EXPECT_EQ(m->read32(kData + 0xf8), 0x22222222u);
    EXPECT_EQ(m->read32(kData + 0xfc), 0x44444444u);
    EXPECT_EQ(m->s.x[4], 0x1111111122222222u);
    EXPECT_EQ(m->s.x[5], 0x3333333344444444u);
    EXPECT_EQ(m->s.x[6], 0x22222222u);
    EXPECT_EQ(m->s.x[7], 0x44444444u);
    EXPECT_EQ(m->s.x[1], kData + 0x100);
    EXPECT_EQ(m->s.x[8], 0xffffffff80000000u);
    EXPECT_EQ(m->s.x[9], 0x7fffffffu);
    EXPECT_EQ(m->s.x[11], 0xfffffffffffffffeu);
    EXPECT_EQ(m->s.x[12], 1u);
    EXPECT_EQ(m->s.x[13], kData + 8);
    EXPECT_EQ(m->s.x[14], 0xffffffff80000000u);
    EXPECT_EQ(m->s.x[15], 0x7fffffffu);
    EXPECT_EQ(m->s.x[16], kData + 8);
    EXPECT_EQ(m->s.x[18], 0x3333333344444444u);
    EXPECT_EQ(m->s.x[19], 0x1111111122222222u);
    EXPECT_EQ(m->read64(kData + 0x300), 0x1111111122222222u);
    EXPECT_EQ(m->read64(kData + 0x308), 0x3333333344444444u);
    EXPECT_EQ(m->s.x[20], kData + 0x2f0);
}

TEST(Semantics, PushAndPopPairOnTheStack) {
    const auto m = run(R"(
        stp x29, x30, [sp, #-16]!
        mov x29, #0
        mov x30, #0
        ldp x29, x30, [sp], #16
    )",
                       [](Machine& m) {
                           m.s.sp = kData + 0x200;
                           m.s.x[29] = 0x2929;
                           m.s.x[30] = 0x3030;
                       });
    EXPECT_EQ(m->s.sp, kData + 0x200);
    EXPECT_EQ(m->s.x[29], 0x2929u);
    EXPECT_EQ(m->s.x[30], 0x3030u);
    EXPECT_EQ(m->read64(kData + 0x1f0), 0x2929u);
    EXPECT_EQ(m->read64(kData + 0x1f8), 0x3030u);
}

TEST(Semantics, StoresOfTheZeroRegister) {
    // Writes to XZR (orr, and a load into xzr) must not leak into later reads of XZR.
    const auto m = run(R"(
        orr xzr, x2, x2
        str xzr, [x1]
        ldr xzr, [x1, #40]
        str wzr, [x1, #8]
        strh wzr, [x1, #12]
        strb wzr, [x1, #14]
        stp xzr, xzr, [x1, #16]
        stp wzr, wzr, [x1, #32]
    )",
                       [](Machine& m) {
                           m.fill(kData, 0xff, 48);
                           m.s.x[1] = kData;
                           m.s.x[2] = kJunk;
                       });
    std::vector<u8> expected(48, 0);
    expected[15] = 0xff;
    for (unsigned i = 40; i < 48; ++i) expected[i] = 0xff;
    EXPECT_EQ(m->bytes(kData, 48), expected);
    EXPECT_EQ(m->s.x[31], 0u); // XZR's slot is zero again between instructions
}

TEST(Semantics, PrefetchNeverFaults) {
    // PRFM is a hint: even an address nothing answers at must not abort.
    const auto m = run(R"(
        prfm pldl1keep, [x1]
        prfm pstl2strm, [x1, #8]
        prfum pldl1keep, [x1, #-1]
        prfm pldl3keep, [x1, x2, lsl #3]
        mov x3, #1
    )",
                       [](Machine& m) {
                           m.s.x[1] = 0x10;
                           m.s.x[2] = 1;
                       });
    EXPECT_EQ(m->s.x[3], 1u);
}

TEST(Semantics, AccessOutsideRamIsASynchronousExternalAbort) {
    GuestException ex = expectException("ldr x0, [x1, #8]\n", ExceptionClass::DataAbortSameEl,
                                        [](Machine& m) { m.s.x[1] = 0x01000000; });
    EXPECT_EQ(ex.iss & 0x3f, 0x10u); // DFSC: synchronous external abort
    EXPECT_EQ((ex.iss >> 6) & 1, 0u); // WnR: read
    EXPECT_TRUE(ex.far_valid);
    EXPECT_EQ(ex.far, 0x01000008u);

    ex = expectException("strh w0, [x1]\n", ExceptionClass::DataAbortSameEl,
                         [](Machine& m) { m.s.x[1] = kRamBase + kRamSize; });
    EXPECT_EQ(ex.iss & 0x3f, 0x10u);
    EXPECT_EQ((ex.iss >> 6) & 1, 1u); // WnR: write
    EXPECT_EQ(ex.far, kRamBase + kRamSize);
}

TEST(Semantics, FaultingLoadDoesNotRetireOrWriteBack) {
    Machine m;
    m.load("mov x5, #1\nldr x0, [x1], #8\nmov x5, #2\n");
    m.s.x[1] = 0x01000000;
    m.s.x[0] = kJunk;
    const auto ex = m.runCatching();
    ASSERT_TRUE(ex.has_value());
    EXPECT_EQ(m.s.pc, kCode + 4);
    EXPECT_EQ(m.s.retired, 1u);
    EXPECT_EQ(m.s.x[1], 0x01000000u);
    EXPECT_EQ(m.s.x[0], kJunk);
    EXPECT_EQ(m.s.x[5], 1u);
}

TEST(Semantics, StoreToACodePageIsReported) {
    Machine m;
    m.load("str w2, [x1]\nstrb w2, [x3]\n");
    m.code_pages[(kData + 0x1000 - kRamBase) >> 12] = 1;
    m.s.x[1] = kData + 0x1010;
    m.s.x[3] = kData + 0x10; // an ordinary data page: not reported
    m.run();
    ASSERT_EQ(m.platform.code_writes.size(), 1u);
    EXPECT_EQ(m.platform.code_writes[0].first, kData + 0x1010);
    EXPECT_EQ(m.platform.code_writes[0].second, 4u);
}

TEST(Semantics, LoadAcquireStoreRelease) {
    const auto m = run(R"(
        stlr x2, [x1]
        ldar x0, [x1]
        stlrh w2, [x3]
        ldarb w4, [x3]
        ldar w5, [x1]
    )",
                       [](Machine& m) {
                           m.s.x[1] = kData;
                           m.s.x[2] = 0x1122334455667788;
                           m.s.x[3] = kData + 0x12;
                           m.s.x[4] = m.s.x[5] = kJunk;
                       });
    EXPECT_EQ(m->s.x[0], 0x1122334455667788u);
    EXPECT_EQ(m->read64(kData), 0x1122334455667788u);
    EXPECT_EQ(m->bytes(kData + 0x12, 2), (std::vector<u8>{0x88, 0x77}));
    EXPECT_EQ(m->s.x[4], 0x88u);
    EXPECT_EQ(m->s.x[5], 0x55667788u);

    const GuestException ex = expectException("ldar x0, [x1]\n", ExceptionClass::DataAbortSameEl,
                                              [](Machine& m) { m.s.x[1] = kData + 4; });
    EXPECT_EQ(ex.iss & 0x3f, 0x21u);
    EXPECT_EQ(ex.far, kData + 4);
}

// =================================================================================================
// Exclusives
// =================================================================================================

TEST(Semantics, ExclusivePairSucceedsOnceThenFails) {
    const auto m = run(R"(
        ldxr x0, [x1]
        add x0, x0, #1
        stxr w2, x0, [x1]
        add x0, x0, #1
        stxr w3, x0, [x1]
    )",
                       [](Machine& m) {
                           m.write64(kData, 41);
                           m.s.x[1] = kData;
                           m.s.x[2] = m.s.x[3] = kJunk;
                       });
    EXPECT_EQ(m->s.x[2], 0u); // success, and the W write clears bits 63..32
    EXPECT_EQ(m->s.x[3], 1u); // the monitor was cleared by the first STXR
    EXPECT_EQ(m->read64(kData), 42u);
    EXPECT_FALSE(m->s.exclusive_valid);
}

TEST(Semantics, ClrexMakesStoreExclusiveFail) {
    const auto m = run(R"(
        ldxr w0, [x1]
        mov w4, #99
        clrex
        stxr w2, w4, [x1]
    )",
                       [](Machine& m) {
                           m.write64(kData, 0x1234);
                           m.s.x[1] = kData;
                       });
    EXPECT_EQ(m->s.x[0], 0x1234u);
    EXPECT_EQ(m->s.x[2], 1u);
    EXPECT_EQ(m->read64(kData), 0x1234u);
}

TEST(Semantics, StoreExclusiveToAnotherAddressFails) {
    const auto m = run(R"(
        ldxr x0, [x1]
        stxr w2, x5, [x3]
        stxr w11, x5, [x1]
        ldxrb w6, [x1]
        stxrb w7, w5, [x1]
        ldaxrh w8, [x1]
        stlxrh w9, w5, [x1]
        ldxr x0, [x1]
        stxr w10, x5, [x1]
    )",
                       [](Machine& m) {
                           m.write64(kData, 0x8877665544332211);
                           m.s.x[1] = kData;
                           m.s.x[3] = kData + 8;
                           m.s.x[5] = 0xaabbccddeeff0011;
                       });
    EXPECT_EQ(m->s.x[2], 1u);
    // Any Store-Exclusive, failed or not, moves the local monitor to Open Access.
    EXPECT_EQ(m->s.x[11], 1u);
    EXPECT_EQ(m->s.x[6], 0x11u);
    EXPECT_EQ(m->s.x[7], 0u);
    EXPECT_EQ(m->s.x[8], 0x2211u); // the byte store above wrote 0x11 over 0x11
    EXPECT_EQ(m->s.x[9], 0u);
    EXPECT_EQ(m->s.x[10], 0u);
    EXPECT_EQ(m->read64(kData), 0xaabbccddeeff0011u);
    EXPECT_EQ(m->read64(kData + 8), 0u);
}

TEST(Semantics, ExclusivePairLoadAndStore) {
    const auto m = run(R"(
        ldaxp x4, x5, [x1]
        add x4, x4, #1
        add x5, x5, #2
        stlxp w6, x4, x5, [x1]
        ldxp w7, w8, [x2]
        stxp w9, w8, w7, [x2]
    )",
                       [](Machine& m) {
                           m.write64(kData, 100);
                           m.write64(kData + 8, 200);
                           m.write32(kData + 0x20, 0xaaaaaaaa);
                           m.write32(kData + 0x24, 0xbbbbbbbb);
                           m.s.x[1] = kData;
                           m.s.x[2] = kData + 0x20;
                           m.s.x[6] = m.s.x[9] = kJunk;
                       });
    EXPECT_EQ(m->s.x[6], 0u);
    EXPECT_EQ(m->read64(kData), 101u);
    EXPECT_EQ(m->read64(kData + 8), 202u);
    EXPECT_EQ(m->s.x[7], 0xaaaaaaaau);
    EXPECT_EQ(m->s.x[8], 0xbbbbbbbbu);
    EXPECT_EQ(m->s.x[9], 0u);
    EXPECT_EQ(m->read32(kData + 0x20), 0xbbbbbbbbu); // swapped
    EXPECT_EQ(m->read32(kData + 0x24), 0xaaaaaaaau);
}

TEST(Semantics, UnalignedExclusivesTakeAnAlignmentFault) {
    GuestException ex = expectException("ldxr x2, [x1]\n", ExceptionClass::DataAbortSameEl,
                                        [](Machine& m) { m.s.x[1] = kData + 1; });
    EXPECT_EQ(ex.iss & 0x3f, 0x21u); // DFSC: alignment fault
    EXPECT_EQ((ex.iss >> 6) & 1, 0u);
    EXPECT_TRUE(ex.far_valid);
    EXPECT_EQ(ex.far, kData + 1);
    EXPECT_EQ(ex.esr(), (u64{0x25} << 26) | (u64{1} << 25) | 0x21);

    ex = expectException("stxr w0, w2, [x1]\n", ExceptionClass::DataAbortSameEl,
                         [](Machine& m) { m.s.x[1] = kData + 2; });
    EXPECT_EQ(ex.iss & 0x3f, 0x21u);
    EXPECT_EQ((ex.iss >> 6) & 1, 1u); // WnR: write
    EXPECT_EQ(ex.far, kData + 2);

    // A 64-bit pair must be aligned to its 16-byte total.
    ex = expectException("ldaxp x2, x3, [x1]\n", ExceptionClass::DataAbortSameEl,
                         [](Machine& m) { m.s.x[1] = kData + 8; });
    EXPECT_EQ(ex.iss & 0x3f, 0x21u);
    EXPECT_EQ(ex.far, kData + 8);
}

// SCTLR_EL1.SA (EL1) and SA0 (EL0), both set out of reset: a load or store whose base is an SP
// that is not 16-byte aligned takes an SP alignment fault (EC 0x26) before any access.
TEST(Semantics, MisalignedSpAsABaseTakesAnSpAlignmentFault) {
    const auto misaligned = [](Machine& m) { m.s.sp = kData + 8; };
    for (const char* text : {"ldr x2, [sp]\n", "str x2, [sp, #8]\n", "ldp x2, x3, [sp], #16\n",
                             "ldxr x2, [sp]\n", "ldtr x2, [sp]\n", "ldr x2, [sp, x1]\n"}) {
        SCOPED_TRACE(text);
        const GuestException ex =
            expectException(text, ExceptionClass::SpAlignment, misaligned);
        EXPECT_EQ(ex.esr(), (u64{0x26} << 26) | (u64{1} << 25));
    }
    // An aligned SP, a prefetch, arithmetic on SP and SA = 0 do not fault.
    Machine m;
    m.load("ldr x2, [sp]\nprfm pldl1keep, [sp, #8]\nadd x3, sp, #1\n");
    m.s.sp = kData + 16;
    EXPECT_FALSE(m.runCatching());
    Machine off;
    off.load("ldr x2, [sp]\n");
    off.s.sp = kData + 8;
    off.s.sctlr_el1 &= ~u64{1u << 3};
    EXPECT_FALSE(off.runCatching());
    Machine pf;
    pf.load("prfm pldl1keep, [sp]\n");
    pf.s.sp = kData + 8;
    EXPECT_FALSE(pf.runCatching());
}

// =================================================================================================
// LSE atomics
// =================================================================================================

TEST(Semantics, CompareAndSwap) {
    struct Case {
        const char* insn;
        unsigned bytes;
        u64 mem, x0, x2;
        u64 x0_after, mem_after;
    };
    const Case cases[] = {
        {"cas x0, x2, [x1]", 8, 5, 5, 9, 5, 9},
        {"cas x0, x2, [x1]", 8, 5, 4, 9, 5, 5},
        {"casa w0, w2, [x1]", 4, 0xffffffff, 0xffffffffffffffff, 0x12345678, 0xffffffff,
         0x12345678},
        {"casl w0, w2, [x1]", 4, 0x80000000, 0x7fffffff, 1, 0x80000000, 0x80000000},
        // B/H compare only the low bits of Ws and return the old value zero-extended.
        {"casb w0, w2, [x1]", 1, 0x80, 0xffffff80, 0x11, 0x80, 0x11},
        {"casah w0, w2, [x1]", 2, 0x8000, 0x8001, 0x1234, 0x8000, 0x8000},
        {"casalh w0, w2, [x1]", 2, 0x8000, 0xabcd8000, 0x1234, 0x8000, 0x1234},
        {"casal x0, x2, [x1]", 8, 0x8000000000000000, 0x8000000000000000, 0, 0x8000000000000000,
         0},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.insn);
        const auto m = run(c.insn, [&](Machine& m) {
            m.fill(kData, 0xcc, 16);
            std::memcpy(m.host(kData, c.bytes), &c.mem, c.bytes);
            m.s.x[0] = c.x0;
            m.s.x[1] = kData;
            m.s.x[2] = c.x2;
        });
        u64 expected = 0xcccccccccccccccc;
        std::memcpy(&expected, &c.mem_after, c.bytes);
        EXPECT_EQ(m->s.x[0], c.x0_after);
        EXPECT_EQ(m->read64(kData), expected);
        EXPECT_EQ(m->read64(kData + 8), 0xccccccccccccccccu);
    }
}

TEST(Semantics, CompareAndSwapPair) {
    const auto equal = run("casp x2, x3, x4, x5, [x1]\n", [](Machine& m) {
        m.write64(kData, 0xa);
        m.write64(kData + 8, 0xb);
        m.s.x[1] = kData;
        m.s.x[2] = 0xa;
        m.s.x[3] = 0xb;
        m.s.x[4] = 0x4444;
        m.s.x[5] = 0x5555;
    });
    EXPECT_EQ(equal->read64(kData), 0x4444u);
    EXPECT_EQ(equal->read64(kData + 8), 0x5555u);
    EXPECT_EQ(equal->s.x[2], 0xau);
    EXPECT_EQ(equal->s.x[3], 0xbu);

    const auto unequal = run("caspal x2, x3, x4, x5, [x1]\n", [](Machine& m) {
        m.write64(kData, 0xa);
        m.write64(kData + 8, 0xb);
        m.s.x[1] = kData;
        m.s.x[2] = 0xa;
        m.s.x[3] = 0xc; // second half differs
        m.s.x[4] = 0x4444;
        m.s.x[5] = 0x5555;
    });
    EXPECT_EQ(unequal->read64(kData), 0xau);
    EXPECT_EQ(unequal->read64(kData + 8), 0xbu);
    EXPECT_EQ(unequal->s.x[2], 0xau);
    EXPECT_EQ(unequal->s.x[3], 0xbu);

    const auto words = run("casp w2, w3, w4, w5, [x1]\n", [](Machine& m) {
        m.write32(kData, 0x80000000);
        m.write32(kData + 4, 0xffffffff);
        m.write64(kData + 8, 0xcccccccccccccccc);
        m.s.x[1] = kData;
        m.s.x[2] = 0x1234567880000000; // only W2 and W3 take part
        m.s.x[3] = 0xffffffffffffffff;
        m.s.x[4] = 0x11111111;
        m.s.x[5] = 0x22222222;
    });
    EXPECT_EQ(words->read32(kData), 0x11111111u);
    EXPECT_EQ(words->read32(kData + 4), 0x22222222u);
    EXPECT_EQ(words->read64(kData + 8), 0xccccccccccccccccu);
    EXPECT_EQ(words->s.x[2], 0x80000000u);
    EXPECT_EQ(words->s.x[3], 0xffffffffu);
}

TEST(Semantics, AtomicMemoryOperations) {
    struct Case {
        const char* insn; // Rs = x2 (operand), Rt = x0 (old value), [x1]
        unsigned bytes;
        u64 mem, rs, mem_after;
    };
    const Case cases[] = {
        {"ldaddb w2, w0, [x1]", 1, 0xff, 0x01, 0x00},
        {"ldaddh w2, w0, [x1]", 2, 0x7fff, 0x0001, 0x8000},
        {"ldadd w2, w0, [x1]", 4, 0xffffffff, 0x2, 0x1},
        {"ldadd x2, x0, [x1]", 8, 0x7fffffffffffffff, 1, 0x8000000000000000},
        {"ldaddal x2, x0, [x1]", 8, 0xffffffffffffffff, 1, 0},
        {"ldclrb w2, w0, [x1]", 1, 0xff, 0x0f, 0xf0},
        {"ldclrh w2, w0, [x1]", 2, 0xffff, 0x8001, 0x7ffe},
        {"ldclra x2, x0, [x1]", 8, 0xffffffffffffffff, 0x8000000000000001, 0x7ffffffffffffffe},
        {"ldeor w2, w0, [x1]", 4, 0xffff0000, 0x0ff00ff0, 0xf00f0ff0},
        {"ldeorlb w2, w0, [x1]", 1, 0x80, 0xff, 0x7f},
        {"ldsetb w2, w0, [x1]", 1, 0x01, 0x80, 0x81},
        {"ldset x2, x0, [x1]", 8, 0x8000000000000000, 1, 0x8000000000000001},
        {"ldsmaxb w2, w0, [x1]", 1, 0x80, 0xffffff7f, 0x7f}, // -128 vs 127
        {"ldsmaxb w2, w0, [x1]", 1, 0x7f, 0x80, 0x7f},
        {"ldsmaxh w2, w0, [x1]", 2, 0xffff, 0x0000, 0x0000},
        {"ldsmax w2, w0, [x1]", 4, 0x80000000, 0x7fffffff, 0x7fffffff},
        {"ldsmax x2, x0, [x1]", 8, 0xffffffffffffffff, 0, 0},
        {"ldsminb w2, w0, [x1]", 1, 0x7f, 0x80, 0x80},
        {"ldsminh w2, w0, [x1]", 2, 0x0001, 0x8000, 0x8000},
        {"ldsmin w2, w0, [x1]", 4, 0x7fffffff, 0x80000000, 0x80000000},
        {"ldsmin x2, x0, [x1]", 8, 0, 0x8000000000000000, 0x8000000000000000},
        {"ldumaxb w2, w0, [x1]", 1, 0x80, 0x7f, 0x80},
        {"ldumaxh w2, w0, [x1]", 2, 0x7fff, 0x8000, 0x8000},
        {"ldumax w2, w0, [x1]", 4, 0x7fffffff, 0x80000000, 0x80000000},
        {"ldumax x2, x0, [x1]", 8, 0xffffffffffffffff, 0, 0xffffffffffffffff},
        {"lduminb w2, w0, [x1]", 1, 0x80, 0x7f, 0x7f},
        {"lduminh w2, w0, [x1]", 2, 0x8000, 0x7fff, 0x7fff},
        {"ldumin w2, w0, [x1]", 4, 0x80000000, 0x7fffffff, 0x7fffffff},
        {"ldumin x2, x0, [x1]", 8, 0x8000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff},
        {"swpb w2, w0, [x1]", 1, 0xaa, 0x1155, 0x55},
        {"swph w2, w0, [x1]", 2, 0xaaaa, 0x1234, 0x1234},
        {"swp w2, w0, [x1]", 4, 0xaaaaaaaa, 0x12345678, 0x12345678},
        {"swpal x2, x0, [x1]", 8, 0xaaaaaaaaaaaaaaaa, 0x0123456789abcdef, 0x0123456789abcdef},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.insn);
        const auto m = run(c.insn, [&](Machine& m) {
            m.fill(kData, 0xcc, 16);
            std::memcpy(m.host(kData, c.bytes), &c.mem, c.bytes);
            m.s.x[0] = kJunk;
            m.s.x[1] = kData;
            m.s.x[2] = c.rs;
        });
        u64 expected = 0xcccccccccccccccc;
        std::memcpy(&expected, &c.mem_after, c.bytes);
        EXPECT_EQ(m->s.x[0], c.mem) << "old value, zero-extended";
        EXPECT_EQ(m->read64(kData), expected);
        EXPECT_EQ(m->read64(kData + 8), 0xccccccccccccccccu);
        EXPECT_EQ(m->s.x[2], c.rs);
    }
}

TEST(Semantics, AtomicStoreAliasesDiscardTheOldValue) {
    const auto m = run("stadd x2, [x1]\nstsetb w2, [x3]\n", [](Machine& m) {
        m.write64(kData, 40);
        m.write64(kData + 8, 0x01);
        m.s.x[1] = kData;
        m.s.x[2] = 2;
        m.s.x[3] = kData + 8;
        m.s.x[0] = kJunk;
    });
    EXPECT_EQ(m->read64(kData), 42u);
    EXPECT_EQ(m->read64(kData + 8), 0x03u);
    EXPECT_EQ(m->s.x[0], kJunk);
}

TEST(Semantics, UnalignedAtomicTakesAnAlignmentFault) {
    const GuestException ex =
        expectException("ldadd x2, x0, [x1]\n", ExceptionClass::DataAbortSameEl,
                        [](Machine& m) { m.s.x[1] = kData + 4; });
    EXPECT_EQ(ex.iss & 0x3f, 0x21u);
    EXPECT_EQ(ex.far, kData + 4);
}

TEST(Semantics, LseIsUndefinedWithoutFeatLse) {
    for (const char* insn : {"ldadd x3, x4, [x1]", "cas x0, x2, [x1]", "swp w2, w0, [x1]",
                             "casp x2, x3, x4, x5, [x1]", "stclr w2, [x1]"}) {
        SCOPED_TRACE(insn);
        Machine m(kCortexA53);
        m.load(insn);
        m.s.x[1] = kData;
        m.write64(kData, 5);
        const auto ex = m.runCatching();
        ASSERT_TRUE(ex.has_value());
        EXPECT_EQ(static_cast<unsigned>(ex->ec), 0x00u);
        EXPECT_EQ(ex->esr(), u64{1} << 25); // EC 0, IL 1, ISS 0
        EXPECT_EQ(m.read64(kData), 5u);
        EXPECT_EQ(m.s.pc, kCode);
        EXPECT_EQ(m.s.retired, 0u);
    }
}

// =================================================================================================
// Branches
// =================================================================================================

TEST(Semantics, BranchAndLink) {
    const auto m = run(R"(
        bl func
        mov x1, #1
        b end
    func:
        mov x0, #42
        ret
    end:
        mov x2, #2
    )");
    EXPECT_EQ(m->s.x[0], 42u);
    EXPECT_EQ(m->s.x[1], 1u);
    EXPECT_EQ(m->s.x[2], 2u);
    EXPECT_EQ(m->s.x[30], kCode + 4);
    EXPECT_EQ(m->s.retired, 6u);
}

TEST(Semantics, BranchConditionalFollowsTheConditionTable) {
    // Bit i of `holds` is set when the condition passes with NZCV == i (N = 8, Z = 4, C = 2,
    // V = 1), written out from the Arm ARM's ConditionHolds():
    //   EQ: Z              CS: C              MI: N              VS: V
    //   HI: C && !Z        GE: N == V         GT: N == V && !Z   AL, NV: always
    // and each odd code is the inverse of the even one below it (except NV).
    struct CondCase {
        const char* name;
        u16 holds;
    };
    const CondCase conds[16] = {
        {"eq", 0xf0f0}, {"ne", 0x0f0f}, {"cs", 0xcccc}, {"cc", 0x3333},
        {"mi", 0xff00}, {"pl", 0x00ff}, {"vs", 0xaaaa}, {"vc", 0x5555},
        {"hi", 0x0c0c}, {"ls", 0xf3f3}, {"ge", 0xaa55}, {"lt", 0x55aa},
        {"gt", 0x0a05}, {"le", 0xf5fa}, {"al", 0xffff}, {"nv", 0xffff},
    };
    for (unsigned cond = 0; cond < 16; ++cond) {
        const std::string name = conds[cond].name;
        SCOPED_TRACE("b." + name);
        const bool has_cset = cond < 14; // CSET cannot take AL or NV
        Machine m;
        m.load((has_cset ? "cset x3, " + name + "\n" : std::string("mov x3, #1\n")) + "b." +
               name + " 1f\nmov x0, #1\nb 2f\n1: mov x0, #2\n2: nop\n");
        ASSERT_EQ(m.word(kCode + 4) & 0xf, cond) << "assembler condition numbering";
        for (unsigned nzcv = 0; nzcv < 16; ++nzcv) {
            const bool holds = (conds[cond].holds >> nzcv) & 1;
            m.s.pc = kCode;
            m.s.x[0] = m.s.x[3] = kJunk;
            m.s.nzcv = nzcv << 28;
            m.run();
            EXPECT_EQ(m.s.x[0], holds ? 2u : 1u) << "NZCV=" << nzcv;
            if (has_cset) {
                EXPECT_EQ(m.s.x[3], holds ? 1u : 0u) << "cset, NZCV=" << nzcv;
            }
            EXPECT_EQ(m.s.nzcv, nzcv << 28);
        }
    }
}

TEST(Semantics, CountedLoopWithBackwardConditionalBranch) {
    const auto m = run(R"(
        mov x0, #5
    1:  add x1, x1, #2
        subs x0, x0, #1
        b.ne 1b
    )");
    EXPECT_EQ(m->s.x[0], 0u);
    EXPECT_EQ(m->s.x[1], 10u);
    EXPECT_EQ(m->s.nzcv, kZ | kC);
    EXPECT_EQ(m->s.retired, 16u);
}

TEST(Semantics, CompareAndBranchOnZero) {
    struct Case {
        const char* insn;
        u64 x1;
        bool taken;
    };
    const Case cases[] = {
        {"cbz x1, 1f", 0, true},
        {"cbz x1, 1f", 0x100000000, false},
        {"cbz w1, 1f", 0x100000000, true}, // only W1 is tested
        {"cbnz x1, 1f", 0x100000000, true},
        {"cbnz w1, 1f", 0x100000000, false},
        {"cbnz w1, 1f", 0x80000000, true},
        {"tbnz x1, #63, 1f", 0x8000000000000000, true},
        {"tbnz x1, #63, 1f", 0x7fffffffffffffff, false},
        {"tbz x1, #63, 1f", 0x7fffffffffffffff, true},
        {"tbz x1, #0, 1f", 0xfffffffffffffffe, true},
        {"tbz x1, #0, 1f", 1, false},
        {"tbnz x1, #0, 1f", 1, true},
        {"tbnz x1, #32, 1f", 0x100000000, true},
        {"tbnz w1, #31, 1f", 0x80000000, true},
        {"tbz w1, #5, 1f", 0x20, false},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.insn);
        const auto m = run(std::string(c.insn) + "\nmov x0, #1\nb 2f\n1: mov x0, #2\n2: nop\n",
                           [&](Machine& m) { m.s.x[1] = c.x1; });
        EXPECT_EQ(m->s.x[0], c.taken ? 2u : 1u) << std::hex << "x1=" << c.x1;
    }
}

TEST(Semantics, RegisterBranches) {
    const auto m = run(R"(
        adr x5, f
        blr x5
        adr x6, g
        br x6
        mov x9, #99
    g:
        mov x8, #8
        adr x3, h
        ret x3
        mov x9, #98
    f:
        mov x7, #7
        ret
    h:
        adr x30, k
        blr x30
        b end
    k:
        mov x10, x30
        ret
    end:
    )",
                       [](Machine& m) { m.s.x[9] = 0; });
    EXPECT_EQ(m->s.x[7], 7u);
    EXPECT_EQ(m->s.x[8], 8u);
    EXPECT_EQ(m->s.x[9], 0u);
    // BLR X30 reads the target before it writes the link register.
    EXPECT_EQ(m->s.x[10], kCode + 0x34);
    EXPECT_EQ(m->s.x[30], kCode + 0x34);
}

// =================================================================================================
// System
// =================================================================================================

TEST(Semantics, NzcvRoundTrip) {
    const auto m = run(R"(
        msr nzcv, x1
        mrs x0, nzcv
        msr nzcv, x2
        cset x3, eq
        cset x4, cs
        mrs x5, nzcv
    )",
                       [](Machine& m) {
                           m.s.x[1] = 0xffffffffffffffff;
                           m.s.x[2] = 0x60000000;
                       });
    EXPECT_EQ(m->s.x[0], 0xf0000000u);
    EXPECT_EQ(m->s.x[3], 1u);
    EXPECT_EQ(m->s.x[4], 1u);
    EXPECT_EQ(m->s.x[5], 0x60000000u);
    EXPECT_EQ(m->s.nzcv, kZ | kC);
}

TEST(Semantics, DaifSetClearAndRead) {
    const auto m = run(R"(
        mrs x0, daif
        msr daifclr, #0xf
        mrs x1, daif
        msr daifset, #2
        mrs x2, daif
        msr daifset, #9
        mrs x3, daif
        msr daifclr, #8
        mrs x4, daif
        msr daif, x10
        mrs x5, daif
    )",
                       [](Machine& m) { m.s.x[10] = 0xffffffffffffffff; });
    EXPECT_EQ(m->s.x[0], 0x3c0u); // all masked out of reset
    EXPECT_EQ(m->s.x[1], 0u);
    EXPECT_EQ(m->s.x[2], 0x080u); // I
    EXPECT_EQ(m->s.x[3], 0x2c0u); // D, I, F
    EXPECT_EQ(m->s.x[4], 0x0c0u); // I, F
    EXPECT_EQ(m->s.x[5], 0x3c0u); // only bits 9..6 exist
}

TEST(Semantics, ThreadPointerRegisters) {
    const auto m = run(R"(
        msr tpidr_el0, x1
        mrs x0, tpidr_el0
        msr tpidr_el1, x2
        mrs x3, tpidr_el1
        msr tpidrro_el0, x4
        mrs x5, tpidrro_el0
    )",
                       [](Machine& m) {
                           m.s.x[1] = 0x0123456789abcdef;
                           m.s.x[2] = 0xfedcba9876543210;
                           m.s.x[4] = 0x1111222233334444;
                       });
    EXPECT_EQ(m->s.x[0], 0x0123456789abcdefu);
    EXPECT_EQ(m->s.tpidr_el0, 0x0123456789abcdefu);
    EXPECT_EQ(m->s.x[3], 0xfedcba9876543210u);
    EXPECT_EQ(m->s.x[5], 0x1111222233334444u);
}

TEST(Semantics, IdentificationRegisters) {
    const auto m = run(R"(
        mrs x0, midr_el1
        mrs x1, ctr_el0
        mrs x2, dczid_el0
        mrs x3, currentel
        mrs x4, mpidr_el1
        mrs x5, id_aa64isar0_el1
    )");
    EXPECT_EQ(m->s.x[0], 0x410fd034u);
    EXPECT_EQ(m->s.x[1], 0x84448004u);
    EXPECT_EQ(m->s.x[2], 4u);     // DC ZVA block: 2^4 words = 64 bytes
    EXPECT_EQ(m->s.x[3], 1u << 2); // EL1
    EXPECT_EQ(m->s.x[4], 0x80000000u);
    EXPECT_EQ((m->s.x[5] >> 20) & 0xf, 2u); // Atomic: FEAT_LSE

    const auto a53 = run("mrs x5, id_aa64isar0_el1\n", {}, kCortexA53);
    EXPECT_EQ((a53->s.x[5] >> 20) & 0xf, 0u);
}

TEST(Semantics, StackPointerSelect) {
    const auto m = run(R"(
        msr spsel, #0
        mov x0, sp
        mrs x2, spsel
        msr spsel, #1
        mov x1, sp
        mrs x3, spsel
        mrs x4, sp_el0
        msr sp_el0, x5
    )",
                       [](Machine& m) {
                           m.s.sp = 0x1111; // SP_EL1: EL1h out of reset
                           m.s.sp_el0 = 0x2222;
                           m.s.x[5] = 0x3333;
                       });
    EXPECT_EQ(m->s.x[0], 0x2222u);
    EXPECT_EQ(m->s.x[1], 0x1111u);
    EXPECT_EQ(m->s.x[2], 0u);
    EXPECT_EQ(m->s.x[3], 1u);
    EXPECT_EQ(m->s.x[4], 0x2222u);
    EXPECT_EQ(m->s.sp, 0x1111u);
    EXPECT_EQ(m->s.sp_el0, 0x3333u);
}

TEST(Semantics, UnknownSystemRegistersAreUndefined) {
    GuestException ex = expectException("mrs x0, s3_0_c15_c15_7\n", ExceptionClass::Unknown);
    EXPECT_EQ(ex.esr(), u64{1} << 25);
    expectException("msr s3_0_c15_c15_7, x0\n", ExceptionClass::Unknown);

    // The platform is asked, with the key op0:op1:CRn:CRm:op2 = 3:0:15:15:7.
    Machine m;
    m.load("mrs x0, s3_0_c15_c15_7\n");
    EXPECT_TRUE(m.runCatching().has_value());
    ASSERT_EQ(m.platform.sysreg_reads.size(), 1u);
    EXPECT_EQ(m.platform.sysreg_reads[0], (3u << 14) | (0u << 11) | (15u << 7) | (15u << 3) | 7u);

    // Read-only identification registers cannot be written.
    expectException("msr s3_0_c0_c0_0, x0\n", ExceptionClass::Unknown); // MIDR_EL1
}

TEST(Semantics, PlatformSystemRegisters) {
    // CNTFRQ_EL0 is s3_3_c14_c0_0: key 0xc000 | 0x1800 | 0x700 = 0xdf00.
    Machine m;
    m.load("mrs x0, cntfrq_el0\nmsr cntfrq_el0, x1\nmrs x2, cntfrq_el0\n");
    m.platform.sysregs[0xdf00] = 62500000;
    m.s.x[1] = 1000;
    m.run();
    EXPECT_EQ(m.s.x[0], 62500000u);
    EXPECT_EQ(m.s.x[2], 1000u);
}

TEST(Semantics, SupervisorCall) {
    Machine m;
    m.load("mov x1, #1\nsvc #5\nmov x1, #2\n");
    const auto ex = m.runCatching();
    ASSERT_TRUE(ex.has_value());
    EXPECT_EQ(static_cast<unsigned>(ex->ec), 0x15u);
    EXPECT_EQ(ex->iss, 5u);
    EXPECT_EQ(ex->esr(), (u64{0x15} << 26) | (u64{1} << 25) | 5);
    EXPECT_TRUE(ex->return_to_next); // preferred return: the instruction after SVC
    EXPECT_EQ(m.s.pc, kCode + 4);     // the core sees the SVC's own PC
    EXPECT_EQ(m.s.x[1], 1u);
}

TEST(Semantics, Breakpoint) {
    const GuestException ex = expectException("brk #7\n", ExceptionClass::Brk64);
    EXPECT_EQ(ex.iss, 7u);
    EXPECT_EQ(ex.esr(), (u64{0x3c} << 26) | (u64{1} << 25) | 7);
    EXPECT_FALSE(ex.return_to_next); // preferred return: the BRK itself
}

TEST(Semantics, HypervisorCallWithoutEl2) {
    Machine m;
    m.load("hvc #0x12\n");
    const auto ex = m.runCatching();
    ASSERT_TRUE(ex.has_value());
    EXPECT_EQ(static_cast<unsigned>(ex->ec), 0x00u);
    ASSERT_EQ(m.platform.hvc_calls.size(), 1u);
    EXPECT_EQ(m.platform.hvc_calls[0], 0x12u);

    // When the platform takes the call (PSCI), execution continues.
    Machine psci;
    psci.load("hvc #0\nmov x1, #1\n");
    psci.platform.hvc_result = true;
    psci.run();
    EXPECT_EQ(psci.s.x[1], 1u);
    EXPECT_EQ(psci.s.retired, 2u);
}

TEST(Semantics, SecureMonitorCallAndHaltAreUndefined) {
    test::AssemblerOptions el3;
    el3.features = "+lse,+el3";
    expectException("smc #0\n", ExceptionClass::Unknown, {}, kLse, el3);
    expectException("hlt #0xf000\n", ExceptionClass::Unknown);
    expectException("sysl x0, #0, c0, c0, #0\n", ExceptionClass::Unknown);
    expectException(".inst 0x00000000\n", ExceptionClass::Unknown); // UDF #0
}

TEST(Semantics, DataCacheZeroByVa) {
    Machine m;
    m.load("dc zva, x1\n");
    m.fill(kData, 0xff, 0x100);
    m.s.x[1] = kData + 0x47;
    m.run();
    std::vector<u8> expected(0x100, 0xff);
    for (unsigned i = 0x40; i < 0x80; ++i) expected[i] = 0;
    EXPECT_EQ(m.bytes(kData, 0x100), expected);
    ASSERT_EQ(m.platform.maintenance.size(), 1u);
    EXPECT_EQ(m.platform.maintenance[0], (TestPlatform::Maintenance{CacheOp::DcZva, kData + 0x40}));
}

TEST(Semantics, CacheMaintenanceReachesThePlatform) {
    Machine m;
    m.load(R"(
        ic ivau, x1
        dc cvau, x2
        ic iallu
        ic ialluis
        dc civac, x3
        dc cvac, x4
        dc ivac, x5
        dc cisw, x6
        tlbi vmalle1
        tlbi vae1is, x7
        tlbi aside1, x8
    )");
    m.s.x[1] = 0x40001234;
    m.s.x[2] = 0x40005678;
    m.s.x[3] = 0x40000040;
    m.s.x[4] = 0x40000080;
    m.s.x[5] = 0x400000c0;
    m.s.x[6] = 0x2;
    m.s.x[7] = 0x40005;
    m.s.x[8] = u64{7} << 48;
    m.run();
    using M = TestPlatform::Maintenance;
    const std::vector<M> expected = {
        {CacheOp::IcIvau, 0x40001234},  {CacheOp::DcCvau, 0x40005678},
        {CacheOp::IcIallu, 0},          {CacheOp::IcIalluis, 0},
        {CacheOp::DcCivac, 0x40000040}, {CacheOp::DcCvac, 0x40000080},
        {CacheOp::DcIvac, 0x400000c0},  {CacheOp::DcSetWay, 0x2},
        {CacheOp::TlbiVmalle1, 0},      {CacheOp::TlbiVae1Is, 0x40005},
        {CacheOp::TlbiAside1, u64{7} << 48},
    };
    EXPECT_EQ(m.platform.maintenance, expected);
    EXPECT_EQ(m.s.retired, 11u);
}

TEST(Semantics, HintsAndBarriersChangeNothingButThePc) {
    Machine m;
    m.load(R"(
        nop
        isb
        dmb ish
        dmb ld
        dsb sy
        dsb ishst
        yield
        sevl
        hint #0x7f
        csdb
    )");
    for (unsigned i = 0; i < 31; ++i) m.s.x[i] = 0x1000 + i;
    m.s.sp = 0x1234;
    m.s.nzcv = kN | kV;
    m.s.exclusive_valid = true; // barriers leave the monitor alone
    m.s.exclusive_addr = kData;
    m.s.exclusive_size = 8;
    const CpuState before = m.s;
    const std::vector<u8> ram_before = m.ram;
    m.run();
    EXPECT_EQ(m.s.pc, kCode + 40);
    EXPECT_EQ(m.s.retired, 10u);
    EXPECT_EQ(m.s.x, before.x);
    EXPECT_EQ(m.s.sp, before.sp);
    EXPECT_EQ(m.s.nzcv, before.nzcv);
    EXPECT_EQ(m.s.daif, before.daif);
    EXPECT_TRUE(m.s.exclusive_valid);
    EXPECT_TRUE(m.ram == ram_before);
    EXPECT_TRUE(m.platform.maintenance.empty());
    EXPECT_EQ(m.platform.wfi + m.platform.wfe + m.platform.sev, 0u);
}

TEST(Semantics, WaitAndEventHintsReachThePlatform) {
    Machine m;
    m.load("wfi\nwfe\nsev\nwfi\n");
    m.run();
    EXPECT_EQ(m.platform.wfi, 2u);
    EXPECT_EQ(m.platform.wfe, 1u);
    EXPECT_EQ(m.platform.sev, 1u);
    EXPECT_EQ(m.s.pc, kCode + 16);
}

// =================================================================================================
// Address translation instructions (AT) and PAR_EL1
// =================================================================================================
//
// The tables below are those of a small guest that ran on QEMU 7.2.22 (qemu-system-aarch64 -M
// virt,gic-version=3 -cpu cortex-a53, entered at EL1), doing `at <op>, x0; isb; mrs x1, par_el1`
// for each case; the PAR_EL1 values it printed are quoted next to the checks. cmodx matches them
// bit for bit except SH [8:7] of Device and Inner/Outer Non-cacheable memory, where QEMU 7.2
// reports the descriptor's SH (and 0b00 with the MMU off) and cmodx reports 0b10, Outer
// Shareable, as the Arm ARM's PAR_EL1.SH description requires (later QEMUs do the same).

namespace at {

constexpr u64 kL0 = kRamBase + 0x4000; // four 4 KiB tables, between the code and kData
constexpr u64 kL1 = kRamBase + 0x5000;
constexpr u64 kL2 = kRamBase + 0x6000;
constexpr u64 kL3 = kRamBase + 0x7000;

constexpr u64 kAf = u64{1} << 10;
constexpr u64 sh(unsigned v) { return u64{v} << 8; }
constexpr u64 ap(unsigned v) { return u64{v} << 6; }
constexpr u64 attrIndx(unsigned i) { return u64{i} << 2; }
constexpr u64 kTable = 0b11, kBlock = 0b01, kPage = 0b11;

// MAIR_EL1: attr0 Normal Write-Back (0xff), attr1 Device-nGnRnE (0x00), attr2 Normal
// Non-cacheable (0x44), attr3 Device-nGnRE (0x04), attr4 Normal Write-Through (0xbb).
constexpr u64 kMair = 0xbb'04'44'00'ff;
// TCR_EL1: 48-bit VAs (T0SZ = T1SZ = 16), 4 KiB granules, IPS = 40 bits, EPD1 (no TTBR1 walks).
constexpr u64 kTcr = 16 | u64{16} << 16 | u64{0b10} << 30 | u64{0b010} << 32 | u64{1} << 23;

// The level 3 table maps the 4 KiB pages at kPages + n * 4 KiB.
constexpr u64 kPages = 0x1'0000'0000;
enum PageIndex : u64 {
    kEl1Rw = 0,       // AP = 0b00: EL1 read/write, no EL0 access; Normal WB, Inner Shareable
    kEl1Ro = 1,       // AP = 0b10: EL1 read-only; Normal WB, Outer Shareable
    kUnmapped = 2,    // invalid descriptor
    kEl0Rw = 3,       // AP = 0b01: read/write at EL0 and EL1; Normal Non-cacheable, SH = 0b00
    kEl0RoDevice = 4, // AP = 0b11: read-only at EL0 and EL1; Device-nGnRnE, SH = 0b11
    kNoAf = 5,        // Access flag clear
};
constexpr u64 page(PageIndex i) { return kPages + i * 0x1000; }
// VA 0x1'0020'0000 is a 2 MiB block; VA 0x4000'0000 is the RAM's 1 GiB block (EL1 read/write);
// VA 0x2'0000'0000 has an invalid level 1 descriptor; the level 1 descriptor of
// VA 0x3'0000'0000 points at a level 2 table where there is no memory.
constexpr u64 kBlock2M = kPages + 0x20'0000;
constexpr u64 kInvalidL1 = 0x2'0000'0000;
constexpr u64 kTableOutsideRam = 0x3'0000'0000;

void mmuOn(Machine& m) {
    m.write64(kL0, kL1 | kTable);
    m.write64(kL1 + 8 * 1, 0x4000'0000 | kAf | sh(3) | attrIndx(0) | kBlock);
    m.write64(kL1 + 8 * 4, kL2 | kTable);
    m.write64(kL1 + 8 * 12, 0x10'0000'0000 | kTable);
    m.write64(kL2, kL3 | kTable);
    m.write64(kL2 + 8, 0x4020'0000 | kAf | sh(3) | attrIndx(0) | kBlock);
    m.write64(kL3 + 8 * kEl1Rw, 0x4012'3000 | kAf | sh(3) | ap(0) | attrIndx(0) | kPage);
    m.write64(kL3 + 8 * kEl1Ro, 0x4012'4000 | kAf | sh(2) | ap(2) | attrIndx(0) | kPage);
    m.write64(kL3 + 8 * kEl0Rw, 0x4012'6000 | kAf | sh(0) | ap(1) | attrIndx(2) | kPage);
    m.write64(kL3 + 8 * kEl0RoDevice, 0x4012'7000 | kAf | sh(3) | ap(3) | attrIndx(1) | kPage);
    m.write64(kL3 + 8 * kNoAf, 0x4012'8000 | sh(3) | ap(0) | attrIndx(0) | kPage);
    m.s.mair_el1 = kMair;
    m.s.tcr_el1 = kTcr;
    m.s.ttbr0_el1 = kL0;
    m.s.sctlr_el1 |= 1; // M
}

void enterEl0(Machine& m) { m.s.selectStackPointer(0, false); }

// PAR_EL1 after `at <op>, x0` with x0 = va, read back with MRS as the guest kernel does.
u64 par(const std::string& op, u64 va, bool mmu = true) {
    const auto m = run("at " + op + ", x0\nisb\nmrs x1, par_el1\n", [&](Machine& m) {
        if (mmu) mmuOn(m);
        m.s.x[0] = va;
        m.s.x[1] = kJunk;
        m.s.par_el1 = kJunk;
    });
    EXPECT_EQ(m->s.x[1], m->s.par_el1);
    return m->s.x[1];
}

constexpr u64 kFaultRes1 = 0x800; // PAR_EL1 bit 11 is RES1 in both formats
constexpr u64 fault(FaultStatus fst) { return kFaultRes1 | u64{static_cast<u8>(fst)} << 1 | 1; }

} // namespace at

TEST(Semantics, ParEl1ResetsToZeroAndKeepsEveryBitWritten) {
    // QEMU 7.2: 0, then 0xffffffffffffffff and 0x123456789abcdef0 read back as written.
    const auto m = run(R"(
        mrs x0, par_el1
        msr par_el1, x1
        mrs x2, par_el1
        msr par_el1, x3
        mrs x4, par_el1
    )",
                       [](Machine& m) {
                           m.s.x[0] = kJunk;
                           m.s.x[1] = ~u64{0};
                           m.s.x[3] = 0x123456789abcdef0;
                       });
    EXPECT_EQ(m->s.x[0], 0u);
    EXPECT_EQ(m->s.x[2], ~u64{0});
    EXPECT_EQ(m->s.x[4], 0x123456789abcdef0u);
    EXPECT_EQ(m->s.par_el1, 0x123456789abcdef0u);
}

TEST(Semantics, AddressTranslationWithTheMmuOffIsFlatDeviceMemory) {
    // Data accesses with the MMU off are Device-nGnRnE: ATTR 0x00, SH 0b10, NS and bit 11 set.
    // QEMU 7.2: 0x40123a00 for all four (SH 0b00), 0x9000a00; 0x801 for both faults.
    for (const char* op : {"s1e1r", "s1e1w", "s1e0r", "s1e0w"}) {
        SCOPED_TRACE(op);
        EXPECT_EQ(at::par(op, 0x4012'3456, false), 0x4012'3b00u);
    }
    EXPECT_EQ(at::par("s1e0w", 0x0900'0000, false), 0x0900'0b00u);
    // Beyond the 40-bit physical address space: Address size fault, level 0.
    EXPECT_EQ(at::par("s1e1r", u64{1} << 40, false), at::fault(FaultStatus::AddressSizeL0));
    EXPECT_EQ(at::par("s1e1r", 0xffff'0000'0000'1000, false), 0x801u);
}

TEST(Semantics, AddressTranslationAtEl1ReadAndWrite) {
    // PA[47:12] only: the page offset of the VA is not reported. QEMU 7.2 gives the same values.
    EXPECT_EQ(at::par("s1e1r", at::page(at::kEl1Rw) + 0x567), 0xff00'0000'4012'3b80u);
    EXPECT_EQ(at::par("s1e1w", at::page(at::kEl1Rw) + 0x567), 0xff00'0000'4012'3b80u);
    EXPECT_EQ(at::par("s1e1r", at::page(at::kEl1Ro)), 0xff00'0000'4012'4b00u);
    EXPECT_EQ(at::par("s1e1r", at::kBlock2M + 0x3'4567), 0xff00'0000'4023'4b80u);
    EXPECT_EQ(at::par("s1e1r", 0x4000'1234), 0xff00'0000'4000'1b80u);
    // The EL0-accessible pages translate for EL1 too (EL1 may write what EL0 may write).
    // QEMU 7.2: 0x4400000040126a00 (the descriptor's SH, 0b00, for Non-cacheable memory).
    EXPECT_EQ(at::par("s1e1w", at::page(at::kEl0Rw)), 0x4400'0000'4012'6b00u);
}

TEST(Semantics, AddressTranslationReportsAPermissionFaultInsteadOfTakingIt) {
    Machine m;
    m.load("at s1e1w, x0\nmrs x1, par_el1\n");
    at::mmuOn(m);
    m.s.x[0] = at::page(at::kEl1Ro);
    m.s.esr_el1 = kJunk;
    m.s.far_el1 = kJunk;
    m.run();
    // QEMU 7.2: 0x81f, F = 1 and FST = 0b001111, Permission fault at level 3.
    EXPECT_EQ(m.s.x[1], 0x81fu);
    EXPECT_EQ(m.s.x[1], at::fault(FaultStatus::PermissionL3));
    EXPECT_EQ(m.s.retired, 2u);
    EXPECT_EQ(m.s.esr_el1, kJunk);
    EXPECT_EQ(m.s.far_el1, kJunk);
}

TEST(Semantics, AddressTranslationReportsTranslationAndAccessFlagFaults) {
    using at::fault;
    // QEMU 7.2: 0x80f, 0x80f, 0x80b, 0x809, 0x809, 0x817, 0x817.
    EXPECT_EQ(at::par("s1e1r", at::page(at::kUnmapped)), fault(FaultStatus::TranslationL3));
    EXPECT_EQ(at::par("s1e0w", at::page(at::kUnmapped)), 0x80fu);
    EXPECT_EQ(at::par("s1e1r", at::kInvalidL1), fault(FaultStatus::TranslationL1));
    EXPECT_EQ(at::par("s1e1r", 0xffff'0000'0000'0000), fault(FaultStatus::TranslationL0)); // EPD1
    EXPECT_EQ(at::par("s1e1r", 0x0001'0000'0000'0000), fault(FaultStatus::TranslationL0));
    EXPECT_EQ(at::par("s1e1r", at::page(at::kNoAf)), fault(FaultStatus::AccessFlagL3));
    EXPECT_EQ(at::par("s1e0w", at::page(at::kNoAf)), 0x817u);
}

TEST(Semantics, AddressTranslationForEl0ChecksEl0Permissions) {
    using at::fault;
    // A page EL0 cannot access at all. QEMU 7.2: 0x81f twice.
    EXPECT_EQ(at::par("s1e0r", at::page(at::kEl1Rw)), fault(FaultStatus::PermissionL3));
    EXPECT_EQ(at::par("s1e0w", at::page(at::kEl1Rw)), fault(FaultStatus::PermissionL3));
    // Read-only for EL1 and hence for EL0.
    EXPECT_EQ(at::par("s1e0r", at::page(at::kEl1Ro)), fault(FaultStatus::PermissionL3));
    // EL0 read/write, Normal Non-cacheable. QEMU 7.2: 0x4400000040126a00 for both.
    EXPECT_EQ(at::par("s1e0r", at::page(at::kEl0Rw)), 0x4400'0000'4012'6b00u);
    EXPECT_EQ(at::par("s1e0w", at::page(at::kEl0Rw)), 0x4400'0000'4012'6b00u);
    // Read-only at both levels, Device-nGnRnE with SH = 0b11 in the descriptor.
    // QEMU 7.2: 0x40127b80 (SH as in the descriptor), then 0x81f and 0x81f.
    EXPECT_EQ(at::par("s1e0r", at::page(at::kEl0RoDevice)), 0x4012'7b00u);
    EXPECT_EQ(at::par("s1e0w", at::page(at::kEl0RoDevice)), fault(FaultStatus::PermissionL3));
    EXPECT_EQ(at::par("s1e1w", at::page(at::kEl0RoDevice)), fault(FaultStatus::PermissionL3));
}

TEST(Semantics, AddressTranslationFillsNoTlbEntryAndSeesTheTablesAsTheyAre) {
    Machine m;
    m.load(R"(
        at s1e1w, x0
        at s1e1r, x2
        mrs x3, par_el1
        str xzr, [x4]
        at s1e1r, x2
        mrs x5, par_el1
    )");
    at::mmuOn(m);
    m.s.x[0] = at::page(at::kEl1Ro);
    m.s.x[2] = at::page(at::kEl1Rw);
    // The store unmaps the page that x2 translated (no TLB maintenance: AT may see either).
    m.s.x[4] = at::kL3 + 8 * at::kEl1Rw;
    m.step();
    m.step();
    for (const auto& per_el : m.exec.tlb.sets)
        for (const auto& per_kind : per_el)
            for (const auto& e : per_kind)
                EXPECT_EQ(e.tag, FastTlb::kInvalidTag);
    m.run();
    EXPECT_EQ(m.s.x[3], 0xff00'0000'4012'3b80u);
    EXPECT_EQ(m.s.x[5], at::fault(FaultStatus::TranslationL3)); // walked afresh
}

TEST(Semantics, AddressTranslationExternalAbortOnTheWalkIsADataAbort) {
    // QEMU 7.2 takes the abort too: ESR_EL1 0x96000156 (EC 0x25, IL, CM, WnR, DFSC 0x16: level 2),
    // FAR_EL1 = the VA, and PAR_EL1 keeps its old value.
    for (const char* op : {"s1e1r", "s1e0w"}) {
        SCOPED_TRACE(op);
        Machine m;
        m.load(std::string("at ") + op + ", x0\n");
        at::mmuOn(m);
        m.s.x[0] = at::kTableOutsideRam + 0x1234;
        m.s.par_el1 = 0x5555;
        const auto ex = m.runCatching();
        ASSERT_TRUE(ex.has_value());
        EXPECT_EQ(ex->esr(), 0x9600'0156u) << describe(*ex);
        EXPECT_EQ(ex->iss & 0x3f, static_cast<u32>(FaultStatus::SyncExternalOnWalkL2));
        EXPECT_TRUE(ex->far_valid);
        EXPECT_EQ(ex->far, at::kTableOutsideRam + 0x1234);
        EXPECT_EQ(m.s.par_el1, 0x5555u);
        EXPECT_EQ(m.s.retired, 0u);
    }
}

TEST(Semantics, AddressTranslationAndParEl1AreUndefinedAtEl0) {
    // QEMU 7.2: `at s1e1r` at EL0 takes an exception with ESR_EL1 0x2000000 (EC 0, IL).
    for (const char* text : {"at s1e1r, x0", "at s1e1w, x0", "at s1e0r, x0", "at s1e0w, x0",
                             "mrs x1, par_el1", "msr par_el1, x1"}) {
        SCOPED_TRACE(text);
        Machine m;
        m.load(std::string(text) + "\n");
        at::mmuOn(m);
        at::enterEl0(m);
        m.s.x[0] = at::page(at::kEl0Rw);
        m.s.x[1] = kJunk;
        m.s.par_el1 = 0x5555;
        const auto ex = m.runCatching();
        ASSERT_TRUE(ex.has_value());
        EXPECT_EQ(ex->esr(), u64{1} << 25) << describe(*ex);
        EXPECT_EQ(m.s.par_el1, 0x5555u);
        EXPECT_EQ(m.s.x[1], kJunk);
    }
    // Encodings next to AT S1E*: S1E1RP/S1E1WP need FEAT_PAN2, op2 = 4..7 with op1 = 0 is
    // unallocated, S12E1R needs EL2.
    for (const char* text :
         {"sys #0, c7, c9, #0, x0", "sys #0, c7, c9, #1, x0", "sys #0, c7, c8, #4, x0",
          "sys #0, c7, c8, #7, x0", "sys #4, c7, c8, #4, x0", "sys #6, c7, c8, #0, x0"}) {
        SCOPED_TRACE(text);
        expectException(std::string(text) + "\n", ExceptionClass::Unknown);
    }
}

TEST(Semantics, AddressTranslationIsTimedLikeTheOtherSystemInstructions) {
    const Decoder& d = decoderFor(kLse);
    for (const char* text : {"at s1e1r, x5", "at s1e1w, x5", "at s1e0r, x5", "at s1e0w, x5",
                             "dc civac, x5", "tlbi vae1is, x5"}) {
        SCOPED_TRACE(text);
        const u32 insn = test::assembleOne(text);
        const TimingInfo t = classifyTiming(d.decode(insn).encoding, insn);
        EXPECT_EQ(t.cls, TimingClass::System);
        EXPECT_EQ(t.src[0], 5u);
        EXPECT_EQ(t.flags & TimingInfo::kUnclassified, 0u);
    }
    // PAR_EL1 moves need no pipeline drain.
    u32 insn = test::assembleOne("mrs x3, par_el1");
    EXPECT_EQ(classifyTiming(d.decode(insn).encoding, insn).cls, TimingClass::System);
    EXPECT_EQ(classifyTiming(d.decode(insn).encoding, insn).dst[0], 3u);
    insn = test::assembleOne("msr par_el1, x3");
    EXPECT_EQ(classifyTiming(d.decode(insn).encoding, insn).cls, TimingClass::System);
}

// =================================================================================================
// Threaded dispatch
// =================================================================================================

const char* kTenAdds = R"(
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
    add x0, x0, #1
)";

// Calls the handler at the PC once with `chain` as the chain budget.
void dispatch(Machine& m, u64 chain) {
    const DecodeCache::Entry& e = m.cache.slot(m.s.pc);
    ASSERT_EQ(e.tag, DecodeCache::tagFor(m.s.pc, m.s.el));
    m.exec.npc = m.s.pc + 4;
    m.exec.chain_left = chain;
    e.fn(m.exec, e.insn);
}

TEST(Semantics, ThreadedDispatchRunsTheWholeChain) {
    Machine m;
    m.load(kTenAdds);
    m.predecode();
    dispatch(m, 10);
    EXPECT_EQ(m.s.retired, 10u);
    EXPECT_EQ(m.s.x[0], 10u);
    EXPECT_EQ(m.s.pc, kCode + 40);
    EXPECT_EQ(m.exec.chain_left, 0u);
}

TEST(Semantics, ThreadedDispatchStopsWhenTheChainRunsOut) {
    Machine m;
    m.load(kTenAdds);
    m.predecode();
    dispatch(m, 3);
    EXPECT_EQ(m.s.retired, 3u);
    EXPECT_EQ(m.s.x[0], 3u);
    EXPECT_EQ(m.s.pc, kCode + 12);
    dispatch(m, 3); // resumes where it stopped
    EXPECT_EQ(m.s.retired, 6u);
    EXPECT_EQ(m.s.pc, kCode + 24);
}

TEST(Semantics, ThreadedDispatchStopsAtAnUndecodedInstruction) {
    Machine m;
    m.load(kTenAdds);
    m.predecode();
    m.cache.invalidate(kCode + 20, 4); // the sixth instruction
    dispatch(m, 100);
    EXPECT_EQ(m.s.retired, 5u);
    EXPECT_EQ(m.s.pc, kCode + 20);
    EXPECT_EQ(m.s.x[0], 5u);
}

TEST(Semantics, ThreadedDispatchFollowsBranches) {
    Machine m;
    m.load("mov x0, #0\n1: add x0, x0, #1\nb 1b\n");
    m.predecode();
    dispatch(m, 7); // mov, then (add, b) three times
    EXPECT_EQ(m.s.retired, 7u);
    EXPECT_EQ(m.s.x[0], 3u);
    EXPECT_EQ(m.s.pc, kCode + 4);
}

} // namespace
} // namespace cmodx::isa
