// What a timing model needs to know about an instruction without executing it: its class
// (which pipe it issues to, which latency it has), the registers it reads and in what role,
// the registers it writes, whether it reads or writes NZCV, and what kind of branch it is.
// Computed once per decoded word (the decode cache keeps it next to the handler), from the
// decode-table line that claimed the word.
#pragma once

#include "isa/aarch64/bits.h"

namespace cmodx::isa {

struct Encoding;

enum class TimingClass : u8 {
    Alu,         // integer ALU: add/sub, logical, moves, CSEL, CLZ/REV ...
    Shift,       // shift or bitfield by immediate, variable shifts
    Mul,         // multiply and multiply-accumulate
    Div,         // UDIV, SDIV
    Load,        // loads (including exclusives and acquires)
    Store,       // stores (including exclusives and releases)
    Atomic,      // read-modify-write: CAS, SWP, LD<op>
    Branch,      // every branch except ERET
    Nop,         // NOP and the other hints, CLREX, SEV ...
    System,      // MRS, MSR that needs no drain, SYS (cache and TLB maintenance)
    SysregWrite, // MSR that changes translation or exception state: drains the pipeline
    Barrier,     // DSB, DMB
    Isb,         // ISB
    Exception,   // SVC, HVC, SMC, BRK, HLT, ERET, UNDEFINED: exception entry or return
};

enum class BranchKind : u8 {
    None,
    Conditional,  // B.cond, CBZ, CBNZ, TBZ, TBNZ
    Direct,       // B
    Call,         // BL
    Indirect,     // BR
    IndirectCall, // BLR
    Return,       // RET
};

// How late in the pipeline an instruction reads a source operand: a producer that forwards
// (ALU, multiply, divide) lets the consumer issue that many cycles early.
enum class ReadRole : u8 {
    Early,      // needed at issue: address bases, store data, branch operands
    Alu,        // a plain ALU operand
    Shifted,    // an ALU operand that is shifted or extended first
    Mul,        // a multiplicand
    Accumulate, // a multiply-accumulate addend
    Div,        // a divide operand
};

struct TimingInfo {
    static constexpr u8 kNoReg = 0xff; // also used for register 31 (SP or XZR): not tracked
    static constexpr unsigned kMaxSrc = 3, kMaxDst = 3;
    // Flags.
    static constexpr u8 kReadsFlags = 1 << 0;
    static constexpr u8 kWritesFlags = 1 << 1;
    static constexpr u8 kPair = 1 << 2;      // a load or store of a register pair
    static constexpr u8 kWriteback = 1 << 3; // dst[last] is a base register written back
    static constexpr u8 kUnclassified = 1 << 7; // a table line classifyTiming() does not know

    TimingClass cls = TimingClass::Nop;
    BranchKind branch = BranchKind::None;
    u8 flags = 0;
    u8 src[kMaxSrc] = {kNoReg, kNoReg, kNoReg};
    u8 dst[kMaxDst] = {kNoReg, kNoReg, kNoReg};
    ReadRole role[kMaxSrc] = {ReadRole::Early, ReadRole::Early, ReadRole::Early};

    bool operator==(const TimingInfo&) const = default;
};

// The timing facts of `insn`, claimed by decode-table line `encoding` (nullptr: UNDEFINED).
TimingInfo classifyTiming(const Encoding* encoding, u32 insn);

// A TimingInfo resolved against one timing profile (latencies, advances, units as numbers),
// kept in the decode cache so the timing model does no table walking per instruction. The
// timing model fills it in (sim/timing/pipeline.h); the ISA layer only stores it.
struct IssueInfo {
    static constexpr u8 kNone = 0xff; // a source that is always ready
    static constexpr u8 kSink = 0xfe; // a destination nobody reads
    static constexpr u8 kFlagsReg = 31; // NZCV, as a scoreboard register
    // kind bits
    static constexpr u8 kBranch = 1 << 0, kDrain = 1 << 1, kLoad = 1 << 2, kStore = 1 << 3,
                        kPair = 1 << 4, kDiv = 1 << 5, kMem = kLoad | kStore;

    u8 src[3] = {kNone, kNone, kNone};
    u8 adv[3] = {0, 0, 0}; // cycles the source may be read early, if its producer forwards
    u8 dst[3] = {kSink, kSink, kSink};
    u8 wb = kSink;         // a base register written back (ready the next cycle)
    u8 latency = 1;
    u8 unit = 0;
    u8 kind = 0;
    u8 branch = 0;   // BranchKind
    u8 redirect = 0; // for drains: cycles the next instruction waits after this one issues
    u8 forwards = 0; // the result can be forwarded to late readers
};
static_assert(sizeof(IssueInfo) == 16);

} // namespace cmodx::isa
