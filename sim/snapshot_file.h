// Snapshot files: the machine state stream (snapshot.h), zstd-compressed behind a small header.
#pragma once

#include "sim/machine.h"

#include <string>

namespace cmodx::sim {

// Throws SnapshotError when the file cannot be written.
void saveSnapshotFile(const Snapshot& snapshot, const std::string& path);
// Throws SnapshotError when the file is missing, not a cmodx snapshot, or damaged.
Snapshot loadSnapshotFile(const std::string& path);

} // namespace cmodx::sim
