#include "isa/aarch64/encoder.h"

#include <fmt/format.h>

#include <stdexcept>

namespace cmodx::isa::enc::detail {

void branchOutOfRange(const char* mnemonic, u64 pc, u64 target) {
    throw std::out_of_range(fmt::format("{} from {:#x} to {:#x}: target is not 4-byte aligned or "
                                        "is outside +/-128 MiB",
                                        mnemonic, pc, target));
}

void invalidArgument(const char* what, u64 value) {
    throw std::invalid_argument(fmt::format("invalid {}: {}", what, value));
}

} // namespace cmodx::isa::enc::detail
