// Static checks of the decode table (a64.inc) and of the Decoder built from it: every overlap
// between two lines is resolved (by a hole or a declared PRIORITY), every PRIORITY and hole is
// live, and every implemented line is reachable.
#include "isa/aarch64/decoder.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <iostream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cmodx::test {
namespace {

using isa::Decoded;
using isa::Decoder;
using isa::Encoding;
using isa::Features;
using isa::u32;

bool overlap(const Encoding& a, const Encoding& b) {
    return ((a.expect ^ b.expect) & a.mask & b.mask) == 0;
}

std::string describe(const Encoding& e) {
    return fmt::format("{}({}, \"{}\")", e.unallocated ? "UNALLOC" : "INST", e.id, e.bits);
}

const Encoding* find(std::string_view id) {
    for (const Encoding& e : isa::encodingTable())
        if (e.id == id) return &e;
    return nullptr;
}

bool declared(std::string_view winner, std::string_view loser) {
    for (const isa::Priority& p : isa::priorityTable())
        if (p.winner == winner && p.loser == loser) return true;
    return false;
}

bool inAnyHole(u32 word) {
    for (const Encoding& e : isa::encodingTable())
        if (e.unallocated && e.matches(word)) return true;
    return false;
}

// True when a line other than `self` that is declared to win over `self` claims the word.
bool claimedByWinnerOver(const Encoding& self, u32 word) {
    for (const Encoding& e : isa::encodingTable())
        if (&e != &self && !e.unallocated && e.matches(word) && declared(e.id, self.id))
            return true;
    return false;
}

// Words matching all of `lines`: first with every free bit 0, then with random free bits.
std::vector<u32> wordsMatching(std::initializer_list<const Encoding*> lines, std::mt19937& rng,
                               int random_fills = 64) {
    u32 mask = 0, expect = 0;
    for (const Encoding* e : lines) {
        mask |= e->mask;
        expect |= e->expect;
    }
    std::vector<u32> words{expect, expect | ~mask};
    for (int i = 0; i < random_fills; ++i)
        words.push_back(expect | (rng() & ~mask));
    return words;
}

TEST(DecodeTable, WellFormedAndUniqueIds) {
    std::set<std::string_view> ids;
    std::size_t insts = 0, holes = 0;
    for (const Encoding& e : isa::encodingTable()) {
        EXPECT_TRUE(ids.insert(e.id).second) << "duplicate id " << e.id;
        EXPECT_EQ(e.bits.size(), 32u) << e.id;
        EXPECT_EQ(e.expect & ~e.mask, 0u) << e.id;
        EXPECT_EQ(e.unallocated, e.handler == nullptr) << e.id;
        EXPECT_FALSE(e.unallocated && e.needs_lse) << e.id << ": REQUIRES on a hole";
        (e.unallocated ? holes : insts)++;
    }
    for (const isa::Priority& p : isa::priorityTable())
        EXPECT_NE(p.winner, p.loser) << "PRIORITY(" << p.winner << ", " << p.loser << ")";

    std::cout << "[   INFO   ] decode table: " << insts << " implemented encodings (INST lines), "
              << holes << " holes (UNALLOC), " << isa::priorityTable().size()
              << " PRIORITY declarations\n";
    RecordProperty("inst_lines", static_cast<int>(insts));
    RecordProperty("unalloc_lines", static_cast<int>(holes));
    EXPECT_GT(insts, 0u);
}

// (a) Overlap proof: two lines that can match the same word must be resolved, either by a
// hole (holes always win) or by a PRIORITY in one direction.
TEST(DecodeTable, NoUndeclaredOverlaps) {
    const auto table = isa::encodingTable();
    std::vector<std::string> offenders;
    std::size_t resolved = 0;
    for (std::size_t i = 0; i < table.size(); ++i) {
        for (std::size_t j = i + 1; j < table.size(); ++j) {
            const Encoding& a = table[i];
            const Encoding& b = table[j];
            if (!overlap(a, b)) continue;
            if (a.unallocated || b.unallocated || declared(a.id, b.id) || declared(b.id, a.id)) {
                ++resolved;
                continue;
            }
            offenders.push_back(fmt::format("  {}\n  {}\n  e.g. word {:#010x}\n", describe(a),
                                            describe(b), a.expect | b.expect));
        }
    }
    std::string message;
    for (const std::string& o : offenders)
        message += o;
    EXPECT_TRUE(offenders.empty())
        << offenders.size() << " overlapping pairs with neither a hole nor a PRIORITY:\n"
        << message;
    std::cout << "[   INFO   ] " << resolved << " overlapping pairs, all resolved\n";
}

// (b) Every PRIORITY names two INST lines that really overlap, and the decoder gives their
// common words to the winner.
TEST(DecodeTable, PrioritiesAreLiveAndHonoured) {
    const Decoder decoder(Features{.lse = true});
    std::mt19937 rng(1);
    for (const isa::Priority& p : isa::priorityTable()) {
        SCOPED_TRACE(fmt::format("PRIORITY({}, {})", p.winner, p.loser));
        const Encoding* w = find(p.winner);
        const Encoding* l = find(p.loser);
        ASSERT_NE(w, nullptr) << "unknown winner";
        ASSERT_NE(l, nullptr) << "unknown loser";
        EXPECT_FALSE(w->unallocated) << "a hole needs no PRIORITY";
        EXPECT_FALSE(l->unallocated) << "a hole needs no PRIORITY";
        EXPECT_TRUE(overlap(*w, *l)) << "the lines do not overlap: the PRIORITY is dead";
        if (!overlap(*w, *l)) continue;

        bool checked = false;
        for (u32 word : wordsMatching({w, l}, rng)) {
            if (inAnyHole(word) || claimedByWinnerOver(*w, word)) continue;
            const Encoding* got = decoder.decode(word).encoding;
            EXPECT_EQ(got, w) << fmt::format("word {:#010x} decodes to {}", word,
                                             got ? got->id : "UNDEFINED");
            checked = true;
            break;
        }
        if (!checked)
            std::cout << "[   INFO   ] PRIORITY(" << p.winner << ", " << p.loser
                      << "): every common word is claimed by a hole or third line\n";
    }
}

// (c) Every hole overlaps some INST line (no dead holes) and the words it covers are UNDEFINED.
TEST(DecodeTable, HolesAreLiveAndUndefined) {
    const Decoder with_lse(Features{.lse = true});
    const Decoder without_lse(Features{.lse = false});
    std::mt19937 rng(2);
    for (const Encoding& hole : isa::encodingTable()) {
        if (!hole.unallocated) continue;
        SCOPED_TRACE(describe(hole));
        int covered = 0;
        for (const Encoding& inst : isa::encodingTable()) {
            if (inst.unallocated || !overlap(hole, inst)) continue;
            ++covered;
            for (u32 word : wordsMatching({&hole, &inst}, rng, 8)) {
                EXPECT_EQ(with_lse.decode(word).encoding, nullptr)
                    << fmt::format("word {:#010x} (also {}) decodes to {}", word, inst.id,
                                   with_lse.decode(word).encoding->id);
                EXPECT_EQ(without_lse.decode(word).encoding, nullptr)
                    << fmt::format("word {:#010x} (also {})", word, inst.id);
            }
        }
        EXPECT_GT(covered, 0) << "the hole overlaps no INST line: it is dead";
    }
}

// (d) Every INST line is reachable: a word of its own (avoiding holes and lines declared to win
// over it) decodes to it; REQUIRES(LSE) lines are UNDEFINED without LSE.
TEST(DecodeTable, EveryInstDecodesToItself) {
    const Decoder with_lse(Features{.lse = true});
    const Decoder without_lse(Features{.lse = false});
    std::mt19937 rng(3);
    int reachable = 0;
    for (const Encoding& e : isa::encodingTable()) {
        if (e.unallocated) continue;
        SCOPED_TRACE(describe(e));
        std::optional<u32> sample;
        for (u32 word : wordsMatching({&e}, rng, 256)) {
            if (!inAnyHole(word) && !claimedByWinnerOver(e, word)) {
                sample = word;
                break;
            }
        }
        ASSERT_TRUE(sample.has_value()) << "no word reaches this line";
        const u32 word = *sample;

        const Encoding* got = with_lse.decode(word).encoding;
        EXPECT_EQ(got, &e) << fmt::format("word {:#010x} decodes to {}", word,
                                          got ? got->id : "UNDEFINED");
        EXPECT_EQ(with_lse.decode(word).fn, e.handler(word));

        const Encoding* got_v80 = without_lse.decode(word).encoding;
        if (e.needs_lse)
            EXPECT_EQ(got_v80, nullptr) << fmt::format("word {:#010x} without LSE decodes to {}",
                                                       word, got_v80 ? got_v80->id : "");
        else
            EXPECT_EQ(got_v80, &e) << fmt::format("word {:#010x} without LSE", word);
        reachable += got == &e;
    }
    std::cout << "[   INFO   ] " << reachable << " INST lines reachable\n";
}

TEST(DecodeTable, UnmatchedWordsAreUndefined) {
    const Decoder decoder(Features{.lse = true});
    const Decoded udf = decoder.decode(0x00000000); // UDF #0: permanently undefined
    EXPECT_EQ(udf.encoding, nullptr);
    EXPECT_EQ(udf.fn, &isa::executeUndefined);
    EXPECT_FALSE(decoder.isImplemented(0xffffffff));
    EXPECT_TRUE(decoder.isImplemented(0xd503201f)); // NOP
}

} // namespace
} // namespace cmodx::test
