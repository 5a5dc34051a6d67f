// Runs a host program and captures its stdout (used to run QEMU beside cmodx).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cmodx::sim {

struct ProcessResult {
    int exit_code = -1; // -1 when killed by a signal or the timeout
    bool timed_out = false;
    std::string out;    // captured stdout
    std::string err;    // captured stderr (when requested)
    double seconds = 0; // wall time
};

// Starts argv[0] (looked up in PATH) with `argv`, stdin from /dev/null; stderr is captured when
// `capture_stderr`, else inherited. nullopt if the program cannot be started at all.
std::optional<ProcessResult> runProcess(const std::vector<std::string>& argv,
                                        double timeout_seconds, bool capture_stderr = false);

// True when `program` is found in PATH (or is an executable path).
bool programExists(const std::string& program);

} // namespace cmodx::sim
