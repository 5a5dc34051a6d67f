// A minimal ELF64 executable writer for the differential tests' batch images.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmodx::test {

// A little-endian AArch64 ET_EXEC image with one PT_LOAD RWX segment at `base` (p_vaddr ==
// p_paddr == base) holding `code`, followed by zero-filled memory up to `mem_size` bytes
// (p_memsz); the entry point is `base`. No section headers.
std::vector<std::uint8_t> makeElf(const std::vector<std::uint8_t>& code, std::uint64_t base,
                                  std::uint64_t mem_size);

// Writes `bytes` to `path`; throws std::runtime_error on failure.
void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes);

} // namespace cmodx::test
