// The toml++ side of timing profiles, shared by profile files (profile.cpp) and the [timing]
// table of a --config file (config.cpp).
#pragma once

#include "sim/timing/profile.h"

#include <toml++/toml.h>

#include <string_view>

namespace cmodx::sim {

// Applies the profile keys in `table` ("mode", "icache.size" ... as nested TOML tables) to
// `profile`, checking each value on its own (type, range). `reserved` is the one other key the
// caller reads itself ("base" in a profile file, "profile" in [timing]); `key_prefix` is how
// messages spell the table's place ("" in a profile file, "timing." in a config file). Throws
// ConfigError naming source, line, column and key; `profile` may then be partly changed, so
// callers work on a copy.
void applyProfileTable(TimingProfile& profile, const toml::table& table, std::string_view source,
                       std::string_view reserved, std::string_view key_prefix);

} // namespace cmodx::sim
