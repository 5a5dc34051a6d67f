// The table-driven A64 decoder. Built once per CPU profile (feature set) from a64.inc; decode()
// maps a 32-bit word to the handler of the table line that claims it, or to the UNDEFINED
// handler when none does.
#pragma once

#include "isa/aarch64/bits.h"
#include "isa/aarch64/executor.h"

#include <array>
#include <span>
#include <string_view>
#include <vector>

namespace cmodx::isa {

using ExecFn = void (*)(Executor&, u32 insn);

// One line of the decode table.
struct Encoding {
    std::string_view id;   // handler name, e.g. "ADD_imm"
    std::string_view name; // display name, e.g. "ADD (immediate)"
    std::string_view bits; // the 32-character pattern
    u32 mask;              // fixed bits
    u32 expect;            // their values
    // The handler trampoline for a word of this line, specialised on the word's small fields
    // (see detail::Specialised); nullptr for UNALLOC lines.
    ExecFn (*handler)(u32 insn);
    bool unallocated;      // an UNALLOC (reserved hole) line
    bool needs_lse;        // REQUIRES(id, LSE)

    bool matches(u32 insn) const { return (insn & mask) == expect; }
};

struct Priority {
    std::string_view winner;
    std::string_view loser;
};

// Every line of a64.inc, in file order, and the declared priorities.
std::span<const Encoding> encodingTable();
std::span<const Priority> priorityTable();

// The handler for words no implemented line claims.
void executeUndefined(Executor& e, u32 insn);

struct Decoded {
    ExecFn fn;
    const Encoding* encoding; // nullptr when UNDEFINED
};

class Decoder {
public:
    explicit Decoder(Features features);

    Decoded decode(u32 insn) const;

    // True when the word is an implemented, allocated encoding for this profile.
    bool isImplemented(u32 insn) const { return decode(insn).encoding != nullptr; }

    const Features& features() const { return features_; }

private:
    static unsigned bucketOf(u32 insn);

    Features features_;
    // Candidate lines per bucket, in match order (holes first, then declared winners before
    // their losers, then most fixed bits first).
    std::vector<std::vector<const Encoding*>> buckets_;
};

} // namespace cmodx::isa
