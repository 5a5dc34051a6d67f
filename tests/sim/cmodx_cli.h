// Helpers for tests that run the cmodx binary on guest images.
#pragma once

#include "sim/process.h"

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

} // namespace cmodx::sim::testing
