// cmodx_difftest: differential testing of cmodx against QEMU.
//
// Random integer programs (generator.h) are packed into batch images of --batch programs each;
// every image runs once under qemu-system-aarch64 and once under `cmodx run`, and the final
// state each program prints (registers, NZCV, a checksum of its scratch memory) must agree.
//
//   cmodx_difftest --programs 2000 --seed 1 --cpu cortex-a53 --jobs 2
//   cmodx_difftest --print-program --seed 1234 --programs 1   # show one program's assembly
//
// Exit codes: 0 all programs agree, 1 a difference or a failed run, 2 bad command line,
// 77 QEMU not installed and CMODX_ALLOW_NO_QEMU=1 (a skip), otherwise missing QEMU is a failure.
#include "isa/aarch64/decoder.h"
#include "sim/process.h"
#include "tests/difftest/elf_writer.h"
#include "tests/difftest/generator.h"
#include "tests/support/assembler.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#ifndef CMODX_DIFFTEST_CMODX_PATH
#define CMODX_DIFFTEST_CMODX_PATH "cmodx"
#endif

namespace cmodx::test {

namespace {

namespace fs = std::filesystem;

constexpr int kExitFailed = 1;
constexpr int kExitSkipped = 77;

struct Options {
    std::uint64_t programs = 2000;
    std::uint64_t seed = 1;
    unsigned batch = 50;
    unsigned jobs = 2;
    std::string cpu = "cortex-a53";
    std::string profile = "a53"; // cmodx's timing profile: architectural results never depend on it
    std::string cmodx = CMODX_DIFFTEST_CMODX_PATH;
    std::string qemu = "qemu-system-aarch64";
    std::string keep;
    unsigned block_len = 40;
    double timeout = 60;
    bool print_program = false;
    bool coverage = false;

    GenOptions gen() const { return GenOptions{.block_len = block_len, .lse = cpu == "max"}; }
};

// One simulator's output, split per program.
struct RunOutput {
    std::map<std::uint64_t, std::vector<std::string>> programs; // seed -> kStateLines lines
    std::vector<std::string> exceptions;                        // `E ...` lines
    std::vector<std::string> unexpected;                        // anything else
    bool done = false;                                          // the final `D` was printed
};

RunOutput parseOutput(const std::string& out) {
    RunOutput r;
    std::vector<std::string> lines;
    std::stringstream in(out);
    for (std::string l; std::getline(in, l);)
        lines.push_back(l);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& l = lines[i];
        if (l.rfind("P ", 0) == 0) {
            const std::uint64_t seed = std::strtoull(l.c_str() + 2, nullptr, 16);
            std::vector<std::string> state;
            while (state.size() < kStateLines && i + 1 < lines.size() &&
                   lines[i + 1].rfind("P ", 0) != 0 && lines[i + 1].rfind("E ", 0) != 0 &&
                   lines[i + 1] != "D")
                state.push_back(lines[++i]);
            r.programs[seed] = std::move(state);
        } else if (l.rfind("E ", 0) == 0) {
            r.exceptions.push_back(l);
        } else if (l == "D") {
            r.done = true;
        } else {
            r.unexpected.push_back(l);
        }
    }
    return r;
}

struct BatchResult {
    std::uint64_t passed = 0;
    std::uint64_t failed = 0;
    bool run_failed = false; // a simulator did not start, exited non-zero, or did not finish
    std::string report;
};

std::string describeRun(const char* name, const std::optional<sim::ProcessResult>& r) {
    if (!r) return fmt::format("{} could not be started", name);
    if (r->timed_out) return fmt::format("{} timed out after {:.0f} s", name, r->seconds);
    return fmt::format("{} exited with code {}", name, r->exit_code);
}

// "x7=0000..." -> ("x7", "0000...").
std::pair<std::string, std::string> splitState(const std::string& l) {
    const std::size_t eq = l.find('=');
    if (eq == std::string::npos) return {l, ""};
    return {l.substr(0, eq), l.substr(eq + 1)};
}

// The block lines that name register `name` ("x7" -> x7 or w7), to point at the suspects.
std::string linesUsing(const std::string& block, const std::string& name) {
    if (name.size() < 2 || name[0] != 'x') return {};
    const std::regex re("\\b[xw]" + name.substr(1) + "\\b");
    std::string out;
    std::stringstream in(block);
    for (std::string l; std::getline(in, l);)
        if (std::regex_search(l, re)) out += "      " + l.substr(l.find_first_not_of(' ')) + "\n";
    return out.empty() ? out : fmt::format("  block instructions naming {}:\n{}", name, out);
}

std::string indent(const std::string& text) {
    std::string out;
    std::stringstream in(text);
    for (std::string l; std::getline(in, l);)
        out += "    " + l + "\n";
    return out;
}

class Runner {
public:
    Runner(const Options& o, fs::path work) : o_(o), work_(std::move(work)) {}

    BatchResult runBatch(std::uint64_t first_index, std::uint64_t count);

private:
    const Options& o_;
    fs::path work_;

    void keepImage(const fs::path& image, const std::string& source, BatchResult& res);
};

void Runner::keepImage(const fs::path& image, const std::string& source, BatchResult& res) {
    fs::path dir = o_.keep.empty() ? image.parent_path() : fs::path(o_.keep);
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path kept = dir / image.filename();
    if (kept != image) {
        if (fs::copy_file(image, kept, fs::copy_options::overwrite_existing, ec))
            fs::remove(image, ec);
        else
            kept = image; // cannot copy: leave it in the temporary directory
    }
    fs::path src = kept;
    src.replace_extension(".s");
    try {
        writeFile(src.string(), std::vector<std::uint8_t>(source.begin(), source.end()));
    } catch (const std::exception&) {}
    res.report += fmt::format("  image kept: {} (source {})\n", kept.string(), src.string());
}

BatchResult Runner::runBatch(std::uint64_t first_index, std::uint64_t count) {
    BatchResult res;
    const GenOptions gen = o_.gen();
    std::vector<Program> programs;
    for (std::uint64_t i = 0; i < count; ++i)
        programs.push_back(generateProgramSpec(o_.seed + first_index + i, gen));
    const std::uint64_t first_seed = programs.front().seed, last_seed = programs.back().seed;
    const std::string source = buildImageSource(programs);

    std::vector<std::uint8_t> code;
    try {
        AssemblerOptions asm_options;
        asm_options.features = gen.lse ? "+lse" : "-lse";
        code = assemble(source, kImageBase, asm_options);
    } catch (const AssemblyError& e) {
        res.run_failed = true;
        res.failed = count;
        res.report += fmt::format("batch seeds {}..{}: generated assembly does not assemble: {}\n",
                                  first_seed, last_seed, e.what());
        return res;
    }
    if (code.size() > kMaxCodeBytes) {
        res.run_failed = true;
        res.failed = count;
        res.report += fmt::format("batch seeds {}..{}: image code is {} bytes, more than {}; use "
                                  "a smaller --batch\n",
                                  first_seed, last_seed, code.size(), kMaxCodeBytes);
        return res;
    }
    const fs::path image = work_ / fmt::format("batch-{}-{}.elf", o_.cpu, first_seed);
    writeFile(image.string(), makeElf(code, kImageBase, kImageMemBytes));

    const auto qemu = sim::runProcess({o_.qemu, "-M", "virt,gic-version=3", "-cpu", o_.cpu, "-m",
                                       "128M", "-display", "none", "-monitor", "none", "-serial",
                                       "stdio", "-kernel", image.string()},
                                      o_.timeout);
    const auto cmodx =
        sim::runProcess({o_.cmodx, "run", image.string(), "--cpu", o_.cpu, "--profile", o_.profile},
                        o_.timeout);
    const RunOutput q = parseOutput(qemu ? qemu->out : std::string());
    const RunOutput c = parseOutput(cmodx ? cmodx->out : std::string());

    std::string batch_problems;
    const auto checkRun = [&](const char* name, const std::optional<sim::ProcessResult>& r,
                              const RunOutput& out) {
        if (!r || r->timed_out || r->exit_code != 0)
            batch_problems += fmt::format("  {}\n", describeRun(name, r));
        for (const std::string& e : out.exceptions)
            batch_problems += fmt::format("  {} took an unexpected exception: {} (vector offset, "
                                          "ESR_EL1, ELR_EL1)\n",
                                          name, e);
        if (r && !out.done && out.exceptions.empty())
            batch_problems += fmt::format("  {} did not finish the batch\n", name);
        for (std::size_t i = 0; i < out.unexpected.size() && i < 5; ++i)
            batch_problems +=
                fmt::format("  {} printed an unexpected line: {}\n", name, out.unexpected[i]);
    };
    checkRun("qemu", qemu, q);
    checkRun("cmodx", cmodx, c);

    bool keep = false;
    for (const Program& p : programs) {
        const auto qi = q.programs.find(p.seed);
        const auto ci = c.programs.find(p.seed);
        const bool qok = qi != q.programs.end() && qi->second.size() == kStateLines;
        const bool cok = ci != c.programs.end() && ci->second.size() == kStateLines;
        if (qok && cok && qi->second == ci->second) {
            ++res.passed;
            continue;
        }
        ++res.failed;
        keep = true;
        if (!qok || !cok) {
            // Missing output: report the first such program in full, the rest in one line each.
            res.report += fmt::format("seed {}: no complete output from {}\n", p.seed,
                                      !qok && !cok ? "either side"
                                      : !qok       ? "qemu"
                                                   : "cmodx");
            continue;
        }
        std::string first, first_name, more;
        for (int i = 0; i < kStateLines; ++i) {
            if (qi->second[i] == ci->second[i]) continue;
            const auto [name, qv] = splitState(qi->second[i]);
            const auto cv = splitState(ci->second[i]).second;
            if (first.empty()) {
                first_name = name;
                first =
                    fmt::format("seed {}: {} differs: qemu={} cmodx={}\n", p.seed, name, qv, cv);
            } else {
                more += fmt::format("  also {}: qemu={} cmodx={}\n", name, qv, cv);
            }
        }
        res.report += first + more;
        res.report += linesUsing(p.block, first_name);
        res.report += fmt::format("  reproduce: cmodx_difftest --cpu {} --seed {} --programs 1 "
                                  "--block-len {}\n  program:\n{}",
                                  o_.cpu, p.seed, o_.block_len, indent(p.text));
    }
    if (!batch_problems.empty()) {
        res.run_failed = true;
        keep = true;
        res.report = fmt::format("batch seeds {}..{}:\n{}", first_seed, last_seed, batch_problems) +
                     res.report;
        // With a run problem, show the first program without complete output in full.
        for (const Program& p : programs) {
            const auto qi = q.programs.find(p.seed);
            const auto ci = c.programs.find(p.seed);
            if (qi == q.programs.end() || ci == c.programs.end() ||
                qi->second.size() != kStateLines || ci->second.size() != kStateLines) {
                res.report +=
                    fmt::format("  first incomplete program, seed {}:\n{}", p.seed, indent(p.text));
                break;
            }
        }
    }
    if (keep) {
        keepImage(image, source, res);
    } else {
        std::error_code ec;
        fs::remove(image, ec);
    }
    return res;
}

// --coverage: decode every instruction of the random blocks with cmodx's decoder and count the
// decode-table lines they hit; list the implemented lines no block reached.
int coverage(const Options& o) {
    const GenOptions gen = o.gen();
    const isa::Decoder decoder(isa::Features{.lse = gen.lse});
    std::map<std::string_view, std::uint64_t> hits;
    std::uint64_t insns = 0, undefined = 0;
    AssemblerOptions asm_options;
    asm_options.features = gen.lse ? "+lse" : "-lse";
    for (std::uint64_t i = 0; i < o.programs; ++i) {
        const Program p = generateProgramSpec(o.seed + i, gen);
        const std::vector<std::uint8_t> bytes = assemble(p.block, kImageBase, asm_options);
        for (unsigned k = 0; k < p.block_insns; ++k) {
            std::uint32_t word;
            std::memcpy(&word, bytes.data() + 4 * k, 4);
            const isa::Decoded d = decoder.decode(word);
            ++insns;
            if (d.encoding)
                ++hits[d.encoding->id];
            else
                ++undefined;
        }
    }
    fmt::print("{} instructions in {} blocks ({} UNDEFINED)\n", insns, o.programs, undefined);
    for (const auto& [id, n] : hits)
        fmt::print("  {:<16} {}\n", id, n);
    std::vector<std::string_view> missing;
    for (const isa::Encoding& e : isa::encodingTable())
        if (e.handler && !e.unallocated && (!e.needs_lse || gen.lse) && !hits.count(e.id))
            missing.push_back(e.id);
    fmt::print("not generated ({}):", missing.size());
    for (std::string_view id : missing)
        fmt::print(" {}", id);
    fmt::print("\n");
    return 0;
}

int run(const Options& o) {
    if (o.coverage) return coverage(o);
    if (o.print_program) {
        for (std::uint64_t i = 0; i < o.programs; ++i)
            fmt::print("{}", generateProgram(o.seed + i, o.gen()));
        return 0;
    }
    if (!sim::programExists(o.qemu)) {
        const char* allow = std::getenv("CMODX_ALLOW_NO_QEMU");
        const bool skip = allow && std::string(allow) == "1";
        fmt::print(stderr,
                   "cmodx_difftest: QEMU ('{}') is not installed or not in PATH; install it "
                   "(scripts/install-deps.sh installs qemu-system-arm) or pass --qemu PATH{}\n",
                   o.qemu, skip ? ". Skipping (CMODX_ALLOW_NO_QEMU=1)." : "");
        return skip ? kExitSkipped : kExitFailed;
    }
    if (!sim::programExists(o.cmodx)) {
        fmt::print(stderr, "cmodx_difftest: cmodx binary '{}' not found; pass --cmodx PATH\n",
                   o.cmodx);
        return kExitFailed;
    }

    std::string tmpl = (fs::temp_directory_path() / "cmodx-difftest-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
        fmt::print(stderr, "cmodx_difftest: cannot create a temporary directory\n");
        return kExitFailed;
    }
    const fs::path work = tmpl;

    const std::uint64_t batches = (o.programs + o.batch - 1) / o.batch;
    std::vector<BatchResult> results(batches);
    std::atomic<std::uint64_t> next{0};
    Runner runner(o, work);
    const auto worker = [&] {
        for (std::uint64_t b; (b = next++) < batches;) {
            const std::uint64_t first = b * o.batch;
            const std::uint64_t count = std::min<std::uint64_t>(o.batch, o.programs - first);
            try {
                results[b] = runner.runBatch(first, count);
            } catch (const std::exception& e) {
                results[b].run_failed = true;
                results[b].failed = count;
                results[b].report =
                    fmt::format("batch starting at seed {}: {}\n", o.seed + first, e.what());
            }
        }
    };
    std::vector<std::thread> threads;
    const unsigned jobs = std::max(1u, std::min<unsigned>(o.jobs, static_cast<unsigned>(batches)));
    for (unsigned j = 0; j < jobs; ++j)
        threads.emplace_back(worker);
    for (std::thread& t : threads)
        t.join();

    std::uint64_t passed = 0, failed = 0;
    bool run_failed = false;
    for (const BatchResult& r : results) {
        passed += r.passed;
        failed += r.failed;
        run_failed |= r.run_failed;
        if (!r.report.empty()) fmt::print("{}", r.report);
    }
    std::error_code ec;
    if (failed == 0 && !run_failed)
        fs::remove_all(work, ec);
    else if (fs::is_empty(work, ec))
        fs::remove(work, ec);

    fmt::print("difftest: {} programs, cpu {}, seeds {}..{}, batch {}, block length {}\n",
               o.programs, o.cpu, o.seed, o.seed + o.programs - 1, o.batch, o.block_len);
    fmt::print("{} passed, {} failed\n", passed, failed);
    return failed == 0 && !run_failed ? 0 : kExitFailed;
}

} // namespace

} // namespace cmodx::test

int main(int argc, char** argv) {
    cmodx::test::Options o;
    CLI::App app{"Differential testing of cmodx against QEMU with random integer programs"};
    app.add_option("--programs", o.programs, "Number of random programs")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--seed", o.seed, "Seed of the first program (program i uses seed + i)")
        ->capture_default_str();
    app.add_option("--batch", o.batch, "Programs per image (QEMU starts once per image)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    app.add_option("--jobs", o.jobs, "Images run in parallel")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--cpu", o.cpu, "CPU profile for cmodx --cpu and QEMU -cpu")
        ->check(CLI::IsMember({"cortex-a53", "max"}))
        ->capture_default_str();
    app.add_option("--profile", o.profile, "Timing profile for cmodx --profile")
        ->capture_default_str();
    app.add_option("--cmodx", o.cmodx, "cmodx binary")->capture_default_str();
    app.add_option("--qemu", o.qemu, "qemu-system-aarch64 binary")->capture_default_str();
    app.add_option("--keep", o.keep,
                   "Directory to keep the images (and sources) of failing "
                   "batches in (default: left in the temporary directory)");
    app.add_option("--block-len", o.block_len, "Instructions per random block")
        ->check(CLI::Range(1, 2000))
        ->capture_default_str();
    app.add_option("--timeout", o.timeout, "Seconds allowed per simulator run")
        ->capture_default_str();
    app.add_flag("--print-program", o.print_program,
                 "Print the assembly of the programs instead of running them");
    app.add_flag("--coverage", o.coverage,
                 "Count the decode-table lines the random blocks hit (no simulator runs)");
    CLI11_PARSE(app, argc, argv);
    return cmodx::test::run(o);
}
