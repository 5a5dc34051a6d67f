// Random program generator of the QEMU differential tests. See generator.h for the output format.
//
// Register discipline inside a random block:
//   x28  base of the 16 KiB scratch buffer; never written.
//   x27  base of the pre/post-index (writeback) forms. It starts in the middle of the buffer; the
//        generator tracks the set of values it may hold (an interval plus an alignment, joined
//        over the paths the forward branches create) and resets it to x28 + 8192
//        whenever no in-bounds, aligned access is left.
//   x26  index of the register-offset forms: a multiple of 8 in 0..1016; never written.
//   SP   not used (it points at the harness's save area).
//   x0..x25, x29, x30: random initial values; random sources and destinations.
// Every access is naturally aligned and inside the scratch buffer (literal loads read the pool
// placed after the block). Encodings the Arm ARM calls CONSTRAINED UNPREDICTABLE are avoided:
// writeback with Rn == Rt/Rt2, LDP/LDPSW/LDXP with Rt == Rt2, STXR/STXP with Rs == Rt/Rt2/Rn,
// CASP with odd registers.
#include "tests/difftest/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>
#include <set>

namespace cmodx::test {

namespace {

constexpr int kZr = 31;
constexpr int kIndexReg = 26;
constexpr int kWbReg = 27;
constexpr int kBaseReg = 28;
constexpr std::int64_t kScratch = static_cast<std::int64_t>(kScratchBytes);
constexpr std::int64_t kWbHome = 8192;         // x27's reset value, relative to x28
constexpr std::int64_t kWbMax = kScratch - 16; // x27 + 16 stays inside the buffer

// Registers a block may write (and read) freely.
constexpr int kPool[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
                         14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 29, 30};

constexpr const char* kCond[16] = {"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc",
                                   "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"};

class Rng {
public:
    explicit Rng(std::uint64_t seed) : g_(seed ^ 0x6a09e667f3bcc909ULL) {}
    std::uint64_t next() { return g_(); }
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : g_() % n; }
    std::int64_t range(std::int64_t lo, std::int64_t hi) { // inclusive
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
    }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <typename T, std::size_t N>
    const T& pick(const T (&items)[N]) {
        return items[below(N)];
    }

private:
    std::mt19937_64 g_;
};

std::string regName(int r, bool sf) {
    if (r == kZr) return sf ? "xzr" : "wzr";
    return fmt::format("{}{}", sf ? 'x' : 'w', r);
}

std::string hex(std::uint64_t v) { return fmt::format("{:#x}", v); }

// movz/movk lines that load `v` into x<reg>.
std::string mov64(int reg, std::uint64_t v) {
    std::string out;
    bool first = true;
    for (int hw = 0; hw < 4; ++hw) {
        const std::uint64_t part = (v >> (16 * hw)) & 0xffff;
        if (part == 0 && !(first && hw == 3)) continue;
        out += fmt::format("    {} x{}, #{:#x}, lsl #{}\n", first ? "movz" : "movk", reg, part,
                           16 * hw);
        first = false;
    }
    return out;
}

// A random multiple of `step` in [lo, hi], or nullopt when there is none.
std::optional<std::int64_t> pickMultiple(Rng& rng, std::int64_t lo, std::int64_t hi,
                                         std::int64_t step) {
    const auto floorDiv = [](std::int64_t a, std::int64_t b) {
        return a >= 0 ? a / b : -((-a + b - 1) / b);
    };
    const std::int64_t a = -floorDiv(-lo, step), b = floorDiv(hi, step);
    if (a > b) return std::nullopt;
    return step * rng.range(a, b);
}

// The values x27 may hold at a point of the block, relative to x28.
struct WbState {
    std::int64_t lo = kWbHome, hi = kWbHome;
    std::int64_t align = 16; // every possible value is a multiple of this (capped at 16)

    static WbState join(const WbState& a, const WbState& b) {
        return {std::min(a.lo, b.lo), std::max(a.hi, b.hi), std::min(a.align, b.align)};
    }
};

std::int64_t lowestSetBit(std::int64_t v) { return v & -v; }

// A (N, immr, imms) logical immediate, decoded: element size 2..64, S+1 ones rotated by R.
std::uint64_t randomBitmask(Rng& rng, bool sf) {
    const unsigned max_log = sf ? 6 : 5;
    const unsigned esize = 1u << rng.range(1, max_log);
    const unsigned ones_count = static_cast<unsigned>(rng.range(1, esize - 1));
    const unsigned rot = static_cast<unsigned>(rng.below(esize));
    const std::uint64_t emask = esize == 64 ? ~0ULL : (1ULL << esize) - 1;
    std::uint64_t elem = (1ULL << ones_count) - 1;
    if (rot) elem = ((elem >> rot) | (elem << (esize - rot))) & emask;
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 64; i += esize)
        v |= elem << i;
    return sf ? v : v & 0xffffffffULL;
}

std::uint64_t interestingValue(Rng& rng) {
    static constexpr std::uint64_t kValues[] = {
        0,
        1,
        2,
        ~0ULL,                 // -1
        ~1ULL,                 // -2
        0x7fffffffULL,         // INT32_MAX
        0x80000000ULL,         // INT32_MIN as an unsigned 32-bit value
        0xffffffff80000000ULL, // INT32_MIN sign-extended
        0xffffffffULL,
        0x100000000ULL,
        0x7fffffffffffffffULL, // INT64_MAX
        0x8000000000000000ULL, // INT64_MIN
        0x8000000000000001ULL,
        0x00000000ffff0000ULL,
        31,
        32,
        63,
        64,
    };
    return rng.pick(kValues);
}

std::uint64_t randomValue(Rng& rng) {
    switch (rng.below(10)) {
    case 0:
    case 1:
    case 2: return interestingValue(rng);
    case 3:
    case 4: return rng.below(256);
    case 5: return static_cast<std::uint64_t>(-rng.range(1, 256));
    case 6: return rng.next() & 0xffffffffULL;
    default: return rng.next();
    }
}

class BlockGen {
public:
    BlockGen(Rng& rng, const GenOptions& options, std::string prefix)
        : rng_(rng), opt_(options), p_(std::move(prefix)) {}

    // Generates the block; returns its text followed by the literal pool.
    std::string run();
    unsigned instructions() const { return insnCount(); }

private:
    Rng& rng_;
    const GenOptions& opt_;
    std::string p_; // label prefix, unique per program

    struct Unit {
        std::string text;
        unsigned insns = 0;
    };
    std::vector<Unit> units_;
    std::set<std::size_t> targets_;
    std::size_t skip_until_ = 0; // units below this index may be skipped by a branch
    WbState wb_;
    std::vector<std::uint64_t> lits_;
    std::uint32_t forbidden_ = 0; // destinations not allowed right now (bit per register)
    Unit cur_;

    template <typename... Args>
    void line(fmt::format_string<Args...> f, Args&&... args) {
        cur_.text += "    ";
        cur_.text += fmt::format(f, std::forward<Args>(args)...);
        cur_.text += '\n';
        ++cur_.insns;
    }

    // ---- registers ---------------------------------------------------------------------------
    int dst(bool zr_ok) {
        if (zr_ok && rng_.chance(4)) return kZr;
        for (;;) {
            const int r = rng_.pick(kPool);
            if (!(forbidden_ & (1u << r))) return r;
        }
    }
    int src(bool zr_ok) {
        if (zr_ok && rng_.chance(5)) return kZr;
        if (rng_.chance(6)) return static_cast<int>(rng_.range(26, 28));
        return rng_.pick(kPool);
    }
    bool sf() { return rng_.chance(65); }
    const char* cond() { return kCond[rng_.below(16)]; }

    // ---- units -------------------------------------------------------------------------------
    template <typename F>
    void unit(F&& body) {
        const bool skippable = units_.size() < skip_until_;
        const WbState before = wb_;
        cur_ = {};
        body();
        if (skippable) wb_ = WbState::join(before, wb_);
        units_.push_back(std::move(cur_));
    }
    unsigned insnCount() const {
        unsigned n = 0;
        for (const Unit& u : units_)
            n += u.insns;
        return n;
    }
    std::string label(std::size_t index) const { return fmt::format("{}b{}", p_, index); }

    // ---- data processing -----------------------------------------------------------------------
    void addSubImm();
    void addSubShift();
    void addSubExt();
    void addSubCarry();
    void logicalImm();
    void logicalShift();
    void moveWide();
    void pcRel();
    void bitfield();
    void extract();
    void shiftVar();
    void condSelect();
    void condCompare();
    void multiply();
    void divide();
    void oneSource();
    void sysregMove();
    void hint();
    void barrier();
    void randomAlu();

    // ---- loads and stores ----------------------------------------------------------------------
    struct SingleOp {
        const char* suffix; // "", "b", "h", "sb", "sh", "sw"
        unsigned size;      // access bytes
        bool sf;            // X register
        bool load;
        bool prefetch;
    };
    SingleOp singleOp(bool allow_prefetch);
    std::string singleMnemonic(const SingleOp& op, const char* store_base, const char* load_base);
    std::string singleReg(const SingleOp& op, bool writeback = false);
    void resetWbIfNeeded(std::int64_t elem);
    void ldstUnsignedOffset();
    void ldstUnscaled(bool unpriv);
    void ldstPrePost();
    void ldstRegOffset();
    void ldstLiteral();
    void ldstPair();
    int scratchAddress(std::int64_t align);
    void exclusive();
    void acquireRelease();
    void compareSwap();
    void compareSwapPair();
    void atomicOp();
    void swap();
    void branch();
    void branchLink();
};

// ---- data processing ---------------------------------------------------------------------------

void BlockGen::addSubImm() {
    static constexpr const char* kOps[] = {"add", "adds", "sub", "subs"};
    const char* op = rng_.pick(kOps);
    const bool is_s = std::string_view(op).size() == 4; // ADDS/SUBS: Rd 31 is XZR, not SP
    const bool x = sf();
    std::uint64_t imm;
    switch (rng_.below(4)) {
    case 0: imm = rng_.below(4); break;
    case 1: imm = 4095 - rng_.below(2); break;
    default: imm = rng_.below(4096);
    }
    const int rd = dst(is_s), rn = src(false);
    line("{} {}, {}, #{}{}", op, regName(rd, x), regName(rn, x), imm,
         rng_.chance(25) ? ", lsl #12" : "");
}

void BlockGen::addSubShift() {
    static constexpr const char* kOps[] = {"add", "adds", "sub", "subs"};
    static constexpr const char* kShifts[] = {"lsl", "lsr", "asr"};
    const bool x = sf();
    line("{} {}, {}, {}, {} #{}", rng_.pick(kOps), regName(dst(true), x), regName(src(true), x),
         regName(src(true), x), rng_.pick(kShifts), rng_.below(x ? 64 : 32));
}

void BlockGen::addSubExt() {
    static constexpr const char* kOps[] = {"add", "adds", "sub", "subs"};
    static constexpr const char* kExt[] = {"uxtb", "uxth", "uxtw", "uxtx",
                                           "sxtb", "sxth", "sxtw", "sxtx"};
    const char* op = rng_.pick(kOps);
    const bool is_s = std::string_view(op).size() == 4;
    const bool x = sf();
    const unsigned option = static_cast<unsigned>(rng_.below(8));
    const bool rm_x = x && (option & 3) == 3;
    const unsigned amount = static_cast<unsigned>(rng_.below(5));
    const int rd = dst(is_s), rn = src(false), rm = src(true);
    line("{} {}, {}, {}, {}{}", op, regName(rd, x), regName(rn, x), regName(rm, rm_x), kExt[option],
         amount ? fmt::format(" #{}", amount) : std::string());
}

void BlockGen::addSubCarry() {
    static constexpr const char* kOps[] = {"adc", "adcs", "sbc", "sbcs"};
    const bool x = sf();
    line("{} {}, {}, {}", rng_.pick(kOps), regName(dst(true), x), regName(src(true), x),
         regName(src(true), x));
}

void BlockGen::logicalImm() {
    static constexpr const char* kOps[] = {"and", "orr", "eor", "ands"};
    const char* op = rng_.pick(kOps);
    const bool is_s = std::string_view(op) == "ands";
    const bool x = sf();
    const int rd = dst(is_s), rn = src(true);
    line("{} {}, {}, #{}", op, regName(rd, x), regName(rn, x), hex(randomBitmask(rng_, x)));
}

void BlockGen::logicalShift() {
    static constexpr const char* kOps[] = {"and", "bic", "orr",  "orn",
                                           "eor", "eon", "ands", "bics"};
    static constexpr const char* kShifts[] = {"lsl", "lsr", "asr", "ror"};
    const bool x = sf();
    line("{} {}, {}, {}, {} #{}", rng_.pick(kOps), regName(dst(true), x), regName(src(true), x),
         regName(src(true), x), rng_.pick(kShifts), rng_.below(x ? 64 : 32));
}

void BlockGen::moveWide() {
    static constexpr const char* kOps[] = {"movz", "movn", "movk"};
    const bool x = sf();
    std::uint64_t imm;
    switch (rng_.below(4)) {
    case 0: imm = 0; break;
    case 1: imm = 0xffff; break;
    case 2: imm = 0x8000; break;
    default: imm = rng_.below(0x10000);
    }
    line("{} {}, #{:#x}, lsl #{}", rng_.pick(kOps), regName(dst(true), x), imm,
         16 * rng_.below(x ? 4 : 2));
}

void BlockGen::pcRel() {
    // ADR/ADRP results depend on the PC; both simulators load the image at the same address.
    if (rng_.chance(50))
        line("adr {}, #{}", regName(dst(true), true), rng_.range(-(1 << 20), (1 << 20) - 1));
    else
        line("adrp {}, #{}", regName(dst(true), true),
             rng_.range(-(1 << 20), (1 << 20) - 1) * 4096);
}

void BlockGen::bitfield() {
    static constexpr const char* kOps[] = {"sbfm", "bfm", "ubfm"};
    const bool x = sf();
    const unsigned width = x ? 64 : 32;
    line("{} {}, {}, #{}, #{}", rng_.pick(kOps), regName(dst(true), x), regName(src(true), x),
         rng_.below(width), rng_.below(width));
}

void BlockGen::extract() {
    const bool x = sf();
    const int rn = src(true);
    const int rm = rng_.chance(25) ? rn : src(true); // Rn == Rm is the ROR alias
    line("extr {}, {}, {}, #{}", regName(dst(true), x), regName(rn, x), regName(rm, x),
         rng_.below(x ? 64 : 32));
}

void BlockGen::shiftVar() {
    static constexpr const char* kOps[] = {"lslv", "lsrv", "asrv", "rorv"};
    const bool x = sf();
    line("{} {}, {}, {}", rng_.pick(kOps), regName(dst(true), x), regName(src(true), x),
         regName(src(true), x));
}

void BlockGen::condSelect() {
    static constexpr const char* kOps[] = {"csel", "csinc", "csinv", "csneg"};
    const bool x = sf();
    line("{} {}, {}, {}, {}", rng_.pick(kOps), regName(dst(true), x), regName(src(true), x),
         regName(src(true), x), cond());
}

void BlockGen::condCompare() {
    const char* op = rng_.chance(50) ? "ccmp" : "ccmn";
    const bool x = sf();
    if (rng_.chance(50))
        line("{} {}, {}, #{}, {}", op, regName(src(true), x), regName(src(true), x), rng_.below(16),
             cond());
    else
        line("{} {}, #{}, #{}, {}", op, regName(src(true), x), rng_.below(32), rng_.below(16),
             cond());
}

void BlockGen::multiply() {
    switch (rng_.below(4)) {
    case 0: {
        const bool x = sf();
        line("{} {}, {}, {}, {}", rng_.chance(50) ? "madd" : "msub", regName(dst(true), x),
             regName(src(true), x), regName(src(true), x), regName(src(true), x));
        break;
    }
    case 1:
    case 2: {
        static constexpr const char* kOps[] = {"smaddl", "umaddl", "smsubl", "umsubl"};
        line("{} {}, {}, {}, {}", rng_.pick(kOps), regName(dst(true), true),
             regName(src(true), false), regName(src(true), false), regName(src(true), true));
        break;
    }
    default:
        line("{} {}, {}, {}", rng_.chance(50) ? "smulh" : "umulh", regName(dst(true), true),
             regName(src(true), true), regName(src(true), true));
    }
}

void BlockGen::divide() {
    const bool x = sf();
    const char* op = rng_.chance(50) ? "sdiv" : "udiv";
    switch (rng_.below(4)) {
    case 0: { // INT_MIN / -1 (wraps to INT_MIN for SDIV)
        const int n = dst(false);
        int m = dst(false);
        while (m == n)
            m = dst(false);
        line("movz {}, #0x8000, lsl #{}", regName(n, x), x ? 48 : 16);
        line("movn {}, #0", regName(m, x));
        line("{} {}, {}, {}", op, regName(dst(true), x), regName(n, x), regName(m, x));
        break;
    }
    case 1: // divide by zero: XZR or a register that holds 0
        if (rng_.chance(50)) {
            line("{} {}, {}, {}", op, regName(dst(true), x), regName(src(true), x),
                 regName(kZr, x));
        } else {
            const int m = dst(false);
            line("movz {}, #0", regName(m, x));
            line("{} {}, {}, {}", op, regName(dst(true), x), regName(src(true), x), regName(m, x));
        }
        break;
    default:
        line("{} {}, {}, {}", op, regName(dst(true), x), regName(src(true), x),
             regName(src(true), x));
    }
}

void BlockGen::oneSource() {
    static constexpr const char* kOps[] = {"clz", "cls", "rbit", "rev16", "rev32", "rev"};
    const char* op = rng_.pick(kOps);
    const bool x = std::string_view(op) == "rev32" || sf(); // REV32 exists only for X
    line("{} {}, {}", op, regName(dst(true), x), regName(src(true), x));
}

void BlockGen::sysregMove() {
    // NZCV, DAIF and the software thread ID registers: plain state that both simulators must
    // carry. The harness resets DAIF and the TPIDRs before every program. (No interrupt is ever
    // pending on either machine, so unmasking them with DAIFClr changes nothing else.)
    static constexpr const char* kRegs[] = {"nzcv",      "nzcv",        "daif",
                                            "tpidr_el0", "tpidrro_el0", "tpidr_el1"};
    const char* reg = rng_.pick(kRegs);
    switch (rng_.below(std::string_view(reg) == "daif" ? 4 : 2)) {
    case 0: line("mrs {}, {}", regName(dst(true), true), reg); break;
    case 1: line("msr {}, {}", reg, regName(src(true), true)); break;
    case 2: line("msr daifset, #{}", rng_.below(16)); break;
    default: line("msr daifclr, #{}", rng_.below(16)); break;
    }
}

void BlockGen::hint() {
    // Never WFE/WFI: they could sleep forever. QEMU's -cpu max implements FEAT_PAuth, BTI, RAS,
    // ... and so gives many HINT numbers a meaning (XPACLRI, PACIASP, BTI, ESB, ...) that
    // cmodx's max profile lacks; max therefore gets only the architectural NOPs. On cortex-a53
    // (ARMv8.0) every other HINT number executes as a NOP on both.
    static constexpr const char* kHints[] = {"nop", "yield", "sev", "sevl"};
    if (!opt_.lse && rng_.chance(40)) {
        unsigned k;
        do
            k = static_cast<unsigned>(rng_.below(128));
        while (k == 2 || k == 3);
        line("hint #{}", k);
        return;
    }
    line("{}", rng_.pick(kHints));
}

void BlockGen::barrier() {
    switch (rng_.below(4)) {
    case 0: line("dmb #{}", rng_.below(16)); break;
    case 1: line("dsb #{}", rng_.below(16)); break;
    case 2: line("isb"); break;
    default: line("clrex #{}", rng_.below(16)); break;
    }
}

void BlockGen::randomAlu() {
    switch (rng_.below(19)) {
    case 0: addSubImm(); break;
    case 1: addSubShift(); break;
    case 2: addSubExt(); break;
    case 3: addSubCarry(); break;
    case 4: logicalImm(); break;
    case 5: logicalShift(); break;
    case 6: moveWide(); break;
    case 7: pcRel(); break;
    case 8: bitfield(); break;
    case 9: extract(); break;
    case 10: shiftVar(); break;
    case 11: condSelect(); break;
    case 12: condCompare(); break;
    case 13: multiply(); break;
    case 14: divide(); break;
    case 15: oneSource(); break;
    case 16: sysregMove(); break;
    case 17: hint(); break;
    default: addSubShift(); break;
    }
}

// ---- loads and stores ----------------------------------------------------------------------

BlockGen::SingleOp BlockGen::singleOp(bool allow_prefetch) {
    static constexpr SingleOp kOps[] = {
        {"b", 1, false, false, false}, {"h", 2, false, false, false}, {"", 4, false, false, false},
        {"", 8, true, false, false},   {"b", 1, false, true, false},  {"h", 2, false, true, false},
        {"", 4, false, true, false},   {"", 8, true, true, false},    {"sb", 1, false, true, false},
        {"sb", 1, true, true, false},  {"sh", 2, false, true, false}, {"sh", 2, true, true, false},
        {"sw", 4, true, true, false},  {"", 8, true, true, true},
    };
    for (;;) {
        const SingleOp& op = rng_.pick(kOps);
        if (!op.prefetch || allow_prefetch) return op;
    }
}

std::string BlockGen::singleMnemonic(const SingleOp& op, const char* store_base,
                                     const char* load_base) {
    return fmt::format("{}{}", op.load ? load_base : store_base, op.suffix);
}

// The data register operand: a destination for loads, a source for stores.
// With writeback, a store's data register must not be the base x27 (CONSTRAINED UNPREDICTABLE);
// loads never target x27 anyway.
std::string BlockGen::singleReg(const SingleOp& op, bool writeback) {
    if (op.load) return regName(dst(true), op.sf);
    int r;
    do
        r = src(true);
    while (writeback && r == kWbReg);
    return regName(r, op.sf);
}

std::string prefetchOp(Rng& rng) {
    static constexpr const char* kOps[] = {"pldl1keep", "pldl2strm", "plil1keep",
                                           "pstl1keep", "pstl3strm", "plil3strm"};
    return rng.chance(80) ? kOps[rng.below(6)] : fmt::format("#{}", rng.below(32));
}

// Resets x27 to the middle of the buffer when its possible values are not all aligned to `elem`
// or have spread too far for the next access to have room.
void BlockGen::resetWbIfNeeded(std::int64_t elem) {
    if (wb_.align < elem || wb_.hi - wb_.lo > 2048 || wb_.lo < 64 || wb_.hi > kWbMax - 64) {
        line("add x27, x28, #{}, lsl #12", kWbHome >> 12);
        wb_ = WbState{};
    }
}

void BlockGen::ldstUnsignedOffset() {
    const SingleOp op = singleOp(true);
    const std::int64_t size = op.size;
    std::string addr;
    if (rng_.chance(70)) {
        const std::int64_t limit = std::min<std::int64_t>(4095 * size, kScratch - size);
        addr = fmt::format("[x28, #{}]", *pickMultiple(rng_, 0, limit, size));
    } else {
        resetWbIfNeeded(size);
        const auto off = pickMultiple(rng_, std::max<std::int64_t>(0, -wb_.lo),
                                      std::min(4095 * size, kScratch - size - wb_.hi), size);
        addr = off ? fmt::format("[x27, #{}]", *off) : "[x27]";
    }
    if (op.prefetch)
        line("prfm {}, {}", prefetchOp(rng_), addr);
    else
        line("{} {}, {}", singleMnemonic(op, "str", "ldr"), singleReg(op), addr);
}

void BlockGen::ldstUnscaled(bool unpriv) {
    const SingleOp op = singleOp(!unpriv);
    const std::int64_t size = op.size;
    std::string addr;
    if (rng_.chance(30)) {
        addr = fmt::format("[x28, #{}]", *pickMultiple(rng_, 0, 255, size));
    } else {
        resetWbIfNeeded(size);
        const auto off = pickMultiple(rng_, std::max<std::int64_t>(-256, -wb_.lo),
                                      std::min<std::int64_t>(255, kScratch - size - wb_.hi), size);
        addr = fmt::format("[x27, #{}]", off.value_or(0));
    }
    if (op.prefetch)
        line("prfum {}, {}", prefetchOp(rng_), addr);
    else if (unpriv)
        line("{} {}, {}", singleMnemonic(op, "sttr", "ldtr"), singleReg(op), addr);
    else
        line("{} {}, {}", singleMnemonic(op, "stur", "ldur"), singleReg(op), addr);
}

void BlockGen::ldstPrePost() {
    const SingleOp op = singleOp(false);
    const std::int64_t size = op.size;
    resetWbIfNeeded(size);
    const std::int64_t d = pickMultiple(rng_, std::max<std::int64_t>(-256, -wb_.lo),
                                        std::min<std::int64_t>(255, kWbMax - wb_.hi), size)
                               .value_or(0);
    const bool pre = rng_.chance(50);
    const std::string reg = singleReg(op, true);
    if (pre)
        line("{} {}, [x27, #{}]!", singleMnemonic(op, "str", "ldr"), reg, d);
    else
        line("{} {}, [x27], #{}", singleMnemonic(op, "str", "ldr"), reg, d);
    wb_.lo += d;
    wb_.hi += d;
    if (d) wb_.align = std::min(wb_.align, lowestSetBit(d < 0 ? -d : d));
}

void BlockGen::ldstRegOffset() {
    // x26 is a multiple of 8 below 1024, so every form stays aligned and inside the buffer.
    const SingleOp op = singleOp(true);
    const unsigned shift = op.size == 1 ? 0 : op.size == 2 ? 1 : op.size == 4 ? 2 : 3;
    std::string index;
    switch (rng_.below(8)) {
    case 0: index = "x26"; break;
    case 1: index = fmt::format("x26, lsl #{}", shift); break;
    case 2: index = "w26, uxtw"; break;
    case 3: index = fmt::format("w26, uxtw #{}", shift); break;
    case 4: index = "w26, sxtw"; break;
    case 5: index = fmt::format("w26, sxtw #{}", shift); break;
    case 6: index = "x26, sxtx"; break;
    default: index = fmt::format("x26, sxtx #{}", shift); break;
    }
    const std::string addr = fmt::format("[x28, {}]", index);
    if (op.prefetch)
        line("prfm {}, {}", prefetchOp(rng_), addr);
    else
        line("{} {}, {}", singleMnemonic(op, "str", "ldr"), singleReg(op), addr);
}

void BlockGen::ldstLiteral() {
    const std::size_t k = lits_.size();
    lits_.push_back(randomValue(rng_));
    const std::string lit = fmt::format("{}lit{}", p_, k);
    switch (rng_.below(4)) {
    case 0: line("ldr {}, {}", regName(dst(true), true), lit); break;
    case 1: line("ldr {}, {}", regName(dst(true), false), lit); break;
    case 2: line("ldrsw {}, {}", regName(dst(true), true), lit); break;
    default: line("prfm {}, {}", prefetchOp(rng_), lit); break;
    }
}

void BlockGen::ldstPair() {
    // kind: 0 STP, 1 LDP, 2 LDPSW, 3 STNP, 4 LDNP
    const unsigned kind = static_cast<unsigned>(rng_.below(5));
    static constexpr const char* kNames[] = {"stp", "ldp", "ldpsw", "stnp", "ldnp"};
    const bool x = kind == 2 ? false : sf();
    const std::int64_t elem = x ? 8 : 4;
    const bool load = kind == 1 || kind == 2 || kind == 4;
    const bool non_temporal = kind >= 3;
    const bool reg_x = kind == 2 ? true : x; // LDPSW writes X registers
    int rt, rt2;
    if (load) {
        rt = dst(true);
        do
            rt2 = dst(true);
        while (rt2 == rt);
    } else {
        do
            rt = src(true);
        while (rt == kWbReg); // x27 may be the writeback base
        do
            rt2 = src(true);
        while (rt2 == kWbReg);
    }
    const std::string regs = fmt::format("{}, {}", regName(rt, reg_x), regName(rt2, reg_x));
    const unsigned mode =
        non_temporal ? static_cast<unsigned>(rng_.below(2)) : static_cast<unsigned>(rng_.below(4));
    // mode: 0 offset from x28, 1 offset from x27, 2 pre-index x27, 3 post-index x27
    if (mode == 0) {
        const auto off = pickMultiple(rng_, 0, std::min(63 * elem, kScratch - 2 * elem), elem);
        line("{} {}, [x28, #{}]", kNames[kind], regs, *off);
        return;
    }
    resetWbIfNeeded(elem);
    if (mode == 1) {
        const auto off = pickMultiple(rng_, std::max(-64 * elem, -wb_.lo),
                                      std::min(63 * elem, kScratch - 2 * elem - wb_.hi), elem);
        line("{} {}, [x27, #{}]", kNames[kind], regs, off.value_or(0));
        return;
    }
    const std::int64_t d = pickMultiple(rng_, std::max(-64 * elem, -wb_.lo),
                                        std::min(63 * elem, kWbMax - wb_.hi), elem)
                               .value_or(0);
    if (mode == 2)
        line("{} {}, [x27, #{}]!", kNames[kind], regs, d);
    else
        line("{} {}, [x27], #{}", kNames[kind], regs, d);
    wb_.lo += d;
    wb_.hi += d;
    if (d) wb_.align = std::min(wb_.align, lowestSetBit(d < 0 ? -d : d));
}

// Emits `add xA, x28, #off` (two adds when off >= 4096) for a random `align`-aligned offset and
// returns A. A is a random pool register, so exclusives and atomics get varied base registers.
int BlockGen::scratchAddress(std::int64_t align) {
    const int a = dst(false);
    const std::int64_t off = rng_.chance(30) ? *pickMultiple(rng_, 0, 255, align)
                                             : *pickMultiple(rng_, 0, kScratch - align, align);
    line("add x{}, x28, #{}", a, off & 0xfff);
    if (off >= 4096) line("add x{}, x{}, #{}, lsl #12", a, a, off >> 12);
    return a;
}

void BlockGen::exclusive() {
    // An LDXR-family load, 0..2 ALU instructions (no memory access, no branch), then the
    // matching STXR at the same address and size. Such a store-exclusive succeeds on both
    // simulators (QEMU's monitor compares address and the value in memory; cmodx's compares
    // address and size). To cover the failure path too, some sequences make the store fail in
    // a way the architecture defines: a CLREX before it (the local monitor is then in the Open
    // Access state), or a second store-exclusive after a successful one.
    const bool pair = rng_.chance(30);
    const bool x = pair ? sf() : false;
    static constexpr const char* kSizes[] = {"b", "h", "", ""};
    const unsigned size_index = pair ? 0 : static_cast<unsigned>(rng_.below(4));
    const bool reg_x = pair ? x : size_index == 3;
    const char* suffix = pair ? "" : kSizes[size_index];
    const std::int64_t total = pair ? (x ? 16 : 8) : (std::int64_t{1} << size_index);
    const unsigned mode = static_cast<unsigned>(rng_.below(100)); // <70 ok, <85 clrex, else 2x
    const int a = scratchAddress(total);
    forbidden_ |= 1u << a;
    const std::string_view ld = rng_.chance(50) ? "ldxr" : "ldaxr";
    int rt = dst(true), rt2 = -1;
    if (pair) {
        do
            rt2 = dst(true);
        while (rt2 == rt);
        line("{}p {}, {}, [x{}]", ld.substr(0, ld.size() - 1), regName(rt, reg_x),
             regName(rt2, reg_x), a);
    } else {
        line("{}{} {}, [x{}]", ld, suffix, regName(rt, reg_x), a);
    }
    const unsigned between = static_cast<unsigned>(rng_.below(3));
    for (unsigned i = 0; i < between; ++i)
        randomAlu();
    if (mode >= 70 && mode < 85) line("clrex #{}", rng_.below(16));
    const auto store = [&] {
        const std::string_view st = rng_.chance(50) ? "stxr" : "stlxr";
        // Store data: often what was loaded, sometimes any register.
        const int st1 = rng_.chance(60) ? rt : src(true);
        const int st2 = pair ? (rng_.chance(60) ? rt2 : src(true)) : -1;
        int ws;
        do
            ws = dst(false);
        while (ws == st1 || ws == st2 || ws == a);
        if (pair)
            line("{}p {}, {}, {}, [x{}]", st.substr(0, st.size() - 1), regName(ws, false),
                 regName(st1, reg_x), regName(st2, reg_x), a);
        else
            line("{}{} {}, {}, [x{}]", st, suffix, regName(ws, false), regName(st1, reg_x), a);
    };
    store();
    if (mode >= 85) store();
    forbidden_ &= ~(1u << a);
}

void BlockGen::acquireRelease() {
    static constexpr const char* kSizes[] = {"b", "h", "", ""};
    const unsigned size_index = static_cast<unsigned>(rng_.below(4));
    const int a = scratchAddress(std::int64_t{1} << size_index);
    const bool reg_x = size_index == 3;
    if (rng_.chance(50)) {
        line("ldar{} {}, [x{}]", kSizes[size_index], regName(dst(true), reg_x), a);
    } else {
        line("stlr{} {}, [x{}]", kSizes[size_index], regName(src(true), reg_x), a);
    }
}

namespace {
const char* orderSuffix(Rng& rng) {
    static constexpr const char* kOrder[] = {"", "a", "l", "al"};
    return kOrder[rng.below(4)];
}
} // namespace

// CAS: half of the time the compare register is loaded from memory first so the swap happens.
// Then, sometimes, bits the comparison must ignore (above the access size) are set, or a bit it
// must see is flipped.
void BlockGen::compareSwap() {
    static constexpr const char* kSizes[] = {"b", "h", "", ""};
    const unsigned size_index = static_cast<unsigned>(rng_.below(4));
    const bool reg_x = size_index == 3;
    const int a = scratchAddress(std::int64_t{1} << size_index);
    forbidden_ |= 1u << a;
    const int rs = dst(false);
    forbidden_ &= ~(1u << a);
    if (rng_.chance(50)) {
        line("ldr{} {}, [x{}]", kSizes[size_index], regName(rs, reg_x), a);
        switch (rng_.below(4)) {
        case 0: // junk above the compared bits
            if (size_index < 2)
                line("orr {}, {}, #{}", regName(rs, false), regName(rs, false),
                     size_index == 0 ? "0xffffff00" : "0xffff0000");
            else if (size_index == 2)
                line("movk x{}, #0xdead, lsl #48", rs);
            break;
        case 1: // a compared bit differs
            line("eor {}, {}, #{}", regName(rs, reg_x), regName(rs, reg_x),
                 1ULL << rng_.below(8u << size_index));
            break;
        default: break;
        }
    }
    line("cas{}{} {}, {}, [x{}]", orderSuffix(rng_), kSizes[size_index], regName(rs, reg_x),
         regName(src(true), reg_x), a);
}

// CASP: like CAS; when preloaded, sometimes one half of the comparison is made to fail.
void BlockGen::compareSwapPair() {
    const bool x = sf();
    const std::int64_t elem = x ? 8 : 4;
    const int a = scratchAddress(2 * elem);
    int rs;
    do
        rs = 2 * static_cast<int>(rng_.below(13)); // x0..x24, even
    while (rs == a || rs + 1 == a);
    const int rt = 2 * static_cast<int>(rng_.below(15)); // x0..x28, even; only read
    if (rng_.chance(50)) {
        line("ldp {}, {}, [x{}]", regName(rs, x), regName(rs + 1, x), a);
        if (rng_.chance(40)) {
            const int r = rs + static_cast<int>(rng_.below(2));
            line("eor {}, {}, #{}", regName(r, x), regName(r, x), 1ULL << rng_.below(x ? 64 : 32));
        }
    }
    line("casp{} {}, {}, {}, {}, [x{}]", orderSuffix(rng_), regName(rs, x), regName(rs + 1, x),
         regName(rt, x), regName(rt + 1, x), a);
}

void BlockGen::atomicOp() {
    static constexpr const char* kOps[] = {"add",  "clr",  "eor",  "set",
                                           "smax", "smin", "umax", "umin"};
    static constexpr const char* kSizes[] = {"b", "h", "", ""};
    const unsigned size_index = static_cast<unsigned>(rng_.below(4));
    const bool reg_x = size_index == 3;
    const int a = scratchAddress(std::int64_t{1} << size_index);
    line("ld{}{}{} {}, {}, [x{}]", rng_.pick(kOps), orderSuffix(rng_), kSizes[size_index],
         regName(src(true), reg_x), regName(dst(true), reg_x), a);
}

void BlockGen::swap() {
    static constexpr const char* kSizes[] = {"b", "h", "", ""};
    const unsigned size_index = static_cast<unsigned>(rng_.below(4));
    const bool reg_x = size_index == 3;
    const int a = scratchAddress(std::int64_t{1} << size_index);
    line("swp{}{} {}, {}, [x{}]", orderSuffix(rng_), kSizes[size_index], regName(src(true), reg_x),
         regName(dst(true), reg_x), a);
}

// ---- branches ------------------------------------------------------------------------------

void BlockGen::branch() {
    const std::size_t target = units_.size() + 1 + rng_.range(1, 3);
    targets_.insert(target);
    skip_until_ = std::max(skip_until_, target);
    const std::string l = label(target);
    switch (rng_.below(9)) {
    case 0:
    case 1:
    case 2: line("b.{} {}", cond(), l); break;
    case 3: {
        const bool x = sf();
        line("cbz {}, {}", regName(src(true), x), l);
        break;
    }
    case 4: {
        const bool x = sf();
        line("cbnz {}, {}", regName(src(true), x), l);
        break;
    }
    case 5:
    case 6:
    case 7: {
        const unsigned bit = static_cast<unsigned>(rng_.below(64));
        line("{} {}, #{}, {}", rng_.chance(50) ? "tbz" : "tbnz", regName(src(true), bit >= 32), bit,
             l);
        break;
    }
    default: line("b {}", l); break;
    }
}

// BL, BR, BLR and RET forward over 1..3 units: always taken; BL/BLR write x30.
void BlockGen::branchLink() {
    const std::size_t target = units_.size() + 1 + rng_.range(1, 3);
    targets_.insert(target);
    skip_until_ = std::max(skip_until_, target);
    const std::string l = label(target);
    switch (rng_.below(4)) {
    case 0: line("bl {}", l); break;
    case 1: {
        const int a = dst(false);
        line("adr x{}, {}", a, l);
        line("br x{}", a);
        break;
    }
    case 2: {
        const int a = dst(false);
        line("adr x{}, {}", a, l);
        line("blr x{}", a);
        break;
    }
    default: {
        const int a = rng_.chance(50) ? 30 : dst(false);
        line("adr x{}, {}", a, l);
        if (a == 30)
            line("ret");
        else
            line("ret x{}", a);
        break;
    }
    }
}

std::string BlockGen::run() {
    struct Choice {
        unsigned weight;
        void (BlockGen::*fn)();
        bool lse;
    };
    static const Choice kChoices[] = {
        {5, &BlockGen::addSubImm, false},   {5, &BlockGen::addSubShift, false},
        {4, &BlockGen::addSubExt, false},   {3, &BlockGen::addSubCarry, false},
        {4, &BlockGen::logicalImm, false},  {5, &BlockGen::logicalShift, false},
        {3, &BlockGen::moveWide, false},    {1, &BlockGen::pcRel, false},
        {4, &BlockGen::bitfield, false},    {2, &BlockGen::extract, false},
        {3, &BlockGen::shiftVar, false},    {4, &BlockGen::condSelect, false},
        {4, &BlockGen::condCompare, false}, {4, &BlockGen::multiply, false},
        {3, &BlockGen::divide, false},      {3, &BlockGen::oneSource, false},
        {2, &BlockGen::sysregMove, false},  {1, &BlockGen::hint, false},
        {1, &BlockGen::barrier, false},     {5, &BlockGen::ldstUnsignedOffset, false},
        {3, &BlockGen::ldstPrePost, false}, {4, &BlockGen::ldstRegOffset, false},
        {2, &BlockGen::ldstLiteral, false}, {5, &BlockGen::ldstPair, false},
        {3, &BlockGen::exclusive, false},   {2, &BlockGen::acquireRelease, false},
        {5, &BlockGen::branch, false},      {1, &BlockGen::branchLink, false},
        {2, &BlockGen::compareSwap, true},  {1, &BlockGen::compareSwapPair, true},
        {4, &BlockGen::atomicOp, true},     {1, &BlockGen::swap, true},
    };
    // ldstUnscaled takes a flag, so it gets two wrapper entries below.
    unsigned total = 0;
    for (const Choice& c : kChoices)
        if (!c.lse || opt_.lse) total += c.weight;
    constexpr unsigned kUnscaledWeight = 3, kUnprivWeight = 2;
    total += kUnscaledWeight + kUnprivWeight;

    unsigned insns = 0;
    while (insns < opt_.block_len) {
        unsigned r = static_cast<unsigned>(rng_.below(total));
        unit([&] {
            for (const Choice& c : kChoices) {
                if (c.lse && !opt_.lse) continue;
                if (r < c.weight) {
                    (this->*c.fn)();
                    return;
                }
                r -= c.weight;
            }
            ldstUnscaled(r >= kUnscaledWeight);
        });
        insns += units_.back().insns;
    }

    std::string out;
    for (std::size_t i = 0; i < units_.size(); ++i) {
        if (targets_.count(i)) out += label(i) + ":\n";
        out += units_[i].text;
    }
    // Branch targets past the last unit all mean "the end of the block".
    for (std::size_t t : targets_)
        if (t >= units_.size()) out += label(t) + ":\n";
    if (!lits_.empty()) {
        out += fmt::format("    b {}pool_end\n    .p2align 3\n", p_);
        for (std::size_t k = 0; k < lits_.size(); ++k)
            out += fmt::format("{}lit{}:\n    .quad {:#x}\n", p_, k, lits_[k]);
        out += fmt::format("{}pool_end:\n", p_);
    }
    return out;
}

} // namespace

Program generateProgramSpec(std::uint64_t seed, const GenOptions& options) {
    Rng rng(seed);
    Program prog;
    prog.seed = seed;
    prog.fill_state = rng.next() | 1;
    prog.nzcv = static_cast<std::uint32_t>(rng.below(16)) << 28;
    for (int r = 0; r < 31; ++r)
        prog.init[r] = randomValue(rng);
    prog.init[kIndexReg] = 8 * rng.below(128);
    prog.init[kWbReg] = kScratchBase + kWbHome;
    prog.init[kBaseReg] = kScratchBase;

    const std::string prefix = fmt::format(".Ldt{}_", seed);
    BlockGen gen(rng, options, prefix);
    prog.block = gen.run();
    prog.block_insns = gen.instructions();
    const std::string& block = prog.block;

    std::string& t = prog.text;
    t += fmt::format("// ---- difftest program, seed {} ----\n", seed);
    t += mov64(0, prog.fill_state);
    t += "    bl difftest_fill\n";
    t += mov64(0, prog.nzcv);
    t += "    msr nzcv, x0\n";
    t += "    clrex\n";
    t += "    msr daifset, #0xf\n";
    t += "    msr tpidr_el0, xzr\n    msr tpidrro_el0, xzr\n    msr tpidr_el1, xzr\n";
    for (int r = 0; r < 31; ++r)
        t += mov64(r, prog.init[r]);
    t += fmt::format("// random block (x26 = {:#x}, nzcv = {:#x})\n", prog.init[kIndexReg],
                     prog.nzcv);
    t += block;
    t += "// end of random block: save x0..x30 and NZCV, print them\n";
    for (int r = 0; r < 30; r += 2)
        t += fmt::format("    stp x{}, x{}, [sp, #{}]\n", r, r + 1, 8 * r);
    t += "    str x30, [sp, #240]\n";
    t += "    mrs x0, nzcv\n";
    t += "    str x0, [sp, #248]\n";
    t += mov64(0, seed);
    t += "    bl difftest_dump\n";
    return prog;
}

std::string generateProgram(std::uint64_t seed, const GenOptions& options) {
    return generateProgramSpec(seed, options).text;
}

std::string buildImageSource(const std::vector<Program>& programs) {
    std::string t;
    t += "    .text\n";
    t += "    .globl _start\n";
    t += "_start:\n";
    t += "    b difftest_main\n";
    // Vector table: any exception prints `E <vector offset> <ESR_EL1> <ELR_EL1>` and powers off.
    t += "    .p2align 11\n";
    t += "difftest_vectors:\n";
    for (int v = 0; v < 16; ++v) {
        t += "    .p2align 7\n";
        t += fmt::format("    mov x19, #{:#x}\n", v * 0x80);
        t += "    b difftest_exception\n";
    }
    t += "difftest_main:\n";
    t += "    adr x0, difftest_vectors\n";
    t += "    msr vbar_el1, x0\n";
    t += "    isb\n";
    t += mov64(0, kSaveArea);
    t += "    mov sp, x0\n";
    for (const Program& p : programs)
        t += p.text;
    t += "// all programs done\n";
    t += mov64(20, kUartBase);
    t += "    mov w5, #'D'\n    strb w5, [x20]\n    mov w5, #10\n    strb w5, [x20]\n";
    t += "difftest_poweroff:\n";
    t += "    movz x0, #0x0008\n    movk x0, #0x8400, lsl #16\n    hvc #0\n";
    t += "1:  b 1b\n";

    // difftest_fill: fill the scratch buffer with xorshift64 values from state x0 (non-zero).
    t += "difftest_fill:\n";
    t += mov64(1, kScratchBase);
    t += fmt::format("    mov x2, #{}\n", kScratchBytes / 8);
    t += "1:  eor x0, x0, x0, lsl #13\n"
         "    eor x0, x0, x0, lsr #7\n"
         "    eor x0, x0, x0, lsl #17\n"
         "    str x0, [x1], #8\n"
         "    subs x2, x2, #1\n"
         "    b.ne 1b\n"
         "    ret\n";

    // difftest_puthex: print x1 as x2 hex digits. x20 = UART. Clobbers x3..x6.
    t += "difftest_puthex:\n"
         "    lsl x3, x2, #2\n"
         "1:  sub x3, x3, #4\n"
         "    lsr x4, x1, x3\n"
         "    and x4, x4, #0xf\n"
         "    add x5, x4, #48\n"
         "    add x6, x4, #87\n"
         "    cmp x4, #10\n"
         "    csel x5, x5, x6, lo\n"
         "    strb w5, [x20]\n"
         "    cbnz x3, 1b\n"
         "    ret\n";

    const auto putc = [](char c) {
        return fmt::format("    mov w5, #{}\n    strb w5, [x20]\n", static_cast<int>(c));
    };
    const auto puts = [&](std::string_view s) {
        std::string out;
        for (char c : s)
            out += putc(c);
        return out;
    };

    // difftest_dump: x0 = seed; x0..x30 saved at [sp, #0..240], NZCV at [sp, #248].
    t += "difftest_dump:\n";
    t += "    str x30, [sp, #256]\n";
    t += mov64(20, kUartBase);
    t += "    mov x21, x0\n";
    t += puts("P ");
    t += "    mov x1, x21\n    mov x2, #16\n    bl difftest_puthex\n";
    t += putc('\n');
    t += "    mov x22, #0\n";
    t += "2:\n";
    t += putc('x');
    t += "    cmp x22, #10\n"
         "    b.lo 3f\n"
         "    mov x7, #10\n"
         "    udiv x8, x22, x7\n"
         "    msub x9, x8, x7, x22\n"
         "    add w5, w8, #48\n"
         "    strb w5, [x20]\n"
         "    add w5, w9, #48\n"
         "    strb w5, [x20]\n"
         "    b 4f\n"
         "3:  add w5, w22, #48\n"
         "    strb w5, [x20]\n"
         "4:\n";
    t += putc('=');
    t += "    ldr x1, [sp, x22, lsl #3]\n    mov x2, #16\n    bl difftest_puthex\n";
    t += putc('\n');
    t += "    add x22, x22, #1\n    cmp x22, #31\n    b.ne 2b\n";
    t += puts("nzcv=");
    t += "    ldr x1, [sp, #248]\n    mov x2, #8\n    bl difftest_puthex\n";
    t += putc('\n');
    t += puts("mem=");
    t += mov64(9, kScratchBase);
    t += fmt::format("    mov x10, #{}\n", kScratchBytes / 8);
    t += mov64(11, 0xcbf29ce484222325ULL); // FNV-1a offset basis
    t += mov64(12, 0x100000001b3ULL);      // FNV prime
    t += "5:  ldr x13, [x9], #8\n"
         "    eor x11, x11, x13\n"
         "    mul x11, x11, x12\n"
         "    subs x10, x10, #1\n"
         "    b.ne 5b\n"
         "    mov x1, x11\n    mov x2, #16\n    bl difftest_puthex\n";
    t += putc('\n');
    t += "    ldr x30, [sp, #256]\n";
    t += "    ret\n";

    // difftest_exception: x19 = vector offset.
    t += "difftest_exception:\n";
    t += mov64(20, kUartBase);
    t += puts("E ");
    t += "    mov x1, x19\n    mov x2, #4\n    bl difftest_puthex\n";
    t += putc(' ');
    t += "    mrs x1, esr_el1\n    mov x2, #8\n    bl difftest_puthex\n";
    t += putc(' ');
    t += "    mrs x1, elr_el1\n    mov x2, #16\n    bl difftest_puthex\n";
    t += putc('\n');
    t += "    b difftest_poweroff\n";
    return t;
}

} // namespace cmodx::test
