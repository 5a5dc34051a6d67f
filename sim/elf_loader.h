// Loads a bare-metal AArch64 ELF64 executable into guest RAM, validating every header field it
// relies on. Malformed input raises ImageError with a message naming the problem.
#pragma once

#include "sim/memory.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace cmodx::sim {

struct ImageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct LoadedImage {
    u64 entry = 0;
    u64 low = 0;  // lowest loaded address
    u64 high = 0; // one past the highest loaded address
    unsigned segments = 0;
};

// Larger files cannot be images for a RAM of at most 4 GiB worth loading.
inline constexpr u64 kMaxImageBytes = u64{1} << 30;

// Reads the regular file `path` into memory; ImageError if it cannot be read.
std::vector<u8> readFile(const std::string& path);

// Validates `image` and copies its PT_LOAD segments into `memory`'s RAM.
LoadedImage loadElf(const std::vector<u8>& image, PhysicalMemory& memory);

} // namespace cmodx::sim
