// Fault injection: an interrupt raised on a core, or a core stalled as if its host preempted the
// vCPU, at a chosen moment. Runs take any number of `--inject SPEC` options; the text form is
//
//   irq:core=N:(cycle=N | pc=ADDR[:hit=N])[:intid=N]
//   stall:core=N:(cycle=N | pc=ADDR[:hit=N]):cycles=N
//
// Keys after the kind may come in any order; numbers are decimal or 0x-hex (u64). Examples:
//
//   irq:core=1:cycle=12345                 SGI 0 pending on core 1 at global cycle 12345
//   irq:core=0:pc=0x40001234:hit=3         ... on core 0 right after it retires 0x40001234 the
//                                          3rd time
//   irq:core=2:cycle=100:intid=27          INTID 27 (the virtual timer PPI) on core 2
//   stall:core=2:cycle=5000:cycles=200     core 2 does nothing for cycles 5000..5199
//   stall:core=1:pc=0x4000abcd:hit=2:cycles=50
//
// parseInjection() checks the spec on its own; that `core` exists on the machine is for the
// caller to check against MachineConfig::cores.
#pragma once

#include "isa/aarch64/bits.h"

#include <stdexcept>
#include <string>
#include <string_view>

namespace cmodx::sim {

using isa::u64;
using isa::u8;

struct Injection {
    enum class Kind : u8 { Irq, Stall } kind = Kind::Irq;
    enum class Trigger : u8 { Cycle, Pc } trigger = Trigger::Cycle;
    unsigned core = 0;
    u64 cycle = 0;      // Trigger::Cycle: the global cycle at which it fires
    u64 pc = 0;         // Trigger::Pc: fires right after `core` retires the instruction at pc ...
    u64 hit = 1;        // ... for the hit-th time (>= 1)
    unsigned intid = 0; // Irq: the GIC INTID made pending on `core`, 0..kMaxIntid (default 0:
                        // SGI 0, which Linux-like guests use as the reschedule IPI)
    u64 cycles = 0;     // Stall: how many cycles the core does nothing (>= 1)

    bool operator==(const Injection&) const = default;
};

// The largest INTID an injection may raise: 1020..1023 are the GIC's special INTIDs.
inline constexpr unsigned kMaxIntid = 1019;

class InjectionSyntaxError : public std::invalid_argument {
public:
    using invalid_argument::invalid_argument;
};

// Parses one --inject spec. Throws InjectionSyntaxError naming the offending part and showing
// the grammar: unknown kind or key, duplicate key, missing core, both or neither of cycle/pc,
// hit without pc, cycles missing for stall or given for irq, intid for stall, a bad or
// out-of-range number (hit and cycles >= 1, intid <= kMaxIntid, core fits in unsigned).
Injection parseInjection(std::string_view spec);

// The canonical text form: kind, core, the trigger, then the rest in the order of the grammar;
// hit and intid only when not 1 and 0; pc in hex, all else in decimal. For every injection
// parseInjection() returns, parseInjection(formatInjection(x)) == x.
std::string formatInjection(const Injection& injection);

} // namespace cmodx::sim
