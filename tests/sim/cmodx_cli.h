// Helpers for tests that run the cmodx binary on guest images: run it, ask which options it has
// (so tests of options still on their way can skip cleanly), and read a timing profile.
#pragma once

#include "sim/process.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cmodx::sim::testing {

inline const std::string kCmodxBinary = CMODX_BINARY;
inline const std::string kWorkloadDir = CMODX_WORKLOAD_DIR;

inline std::string workloadImage(const std::string& name) {
    return kWorkloadDir + "/" + name + ".elf";
}

inline ProcessResult runCmodx(std::vector<std::string> args, double timeout_seconds = 300) {
    args.insert(args.begin(), kCmodxBinary);
    auto r = runProcess(args, timeout_seconds, /*capture_stderr=*/true);
    if (!r) throw std::runtime_error("cannot start " + kCmodxBinary);
    return *r;
}

// True when `cmodx run --help` lists `option` (e.g. "--profile").
inline bool runHasOption(const std::string& option) {
    static const std::string help = runCmodx({"run", "--help"}).out;
    return help.find(option + " ") != std::string::npos ||
           help.find(option + ",") != std::string::npos ||
           help.find(option + "\n") != std::string::npos;
}

// Removes a trailing `# comment`, surrounding blanks and quotes.
inline std::string tomlValue(std::string v) {
    const auto hash = v.find('#');
    if (hash != std::string::npos) v.erase(hash);
    const auto first = v.find_first_not_of(" \t\"");
    const auto last = v.find_last_not_of(" \t\"\r");
    return first == std::string::npos ? "" : v.substr(first, last - first + 1);
}

// `cmodx profile NAME` as a flat map of dotted keys ("latency.alu" -> "3"): the output is TOML,
// `[section]` headers followed by `key = value` lines (dotted keys are accepted as well).
// nullopt when the binary has no `profile` command.
inline std::optional<std::map<std::string, std::string>> readProfile(const std::string& name) {
    const ProcessResult r = runCmodx({"profile", name}, 60);
    if (r.exit_code != 0) return std::nullopt;
    std::map<std::string, std::string> values;
    std::string section;
    std::size_t pos = 0;
    while (pos < r.out.size()) {
        auto end = r.out.find('\n', pos);
        if (end == std::string::npos) end = r.out.size();
        std::string line = r.out.substr(pos, end - pos);
        pos = end + 1;
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        if (line[first] == '[') {
            const auto close = line.find(']', first);
            section = tomlValue(line.substr(first + 1, close - first - 1));
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const std::string key = tomlValue(line.substr(0, eq));
        values[section.empty() ? key : section + "." + key] = tomlValue(line.substr(eq + 1));
    }
    return values;
}

} // namespace cmodx::sim::testing
