#include "sim/snapshot_file.h"

#include <fmt/format.h>
#include <zstd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace cmodx::sim {

namespace {
// "CMODXSNP", a format version, the uncompressed size, then one zstd frame.
constexpr char kMagic[8] = {'C', 'M', 'O', 'D', 'X', 'S', 'N', 'P'};
constexpr u32 kFileVersion = 1;
constexpr std::size_t kHeaderSize = sizeof kMagic + sizeof(u32) + sizeof(u64);
constexpr u64 kMaxStateBytes = u64{8} << 30;
} // namespace

void saveSnapshotFile(const Snapshot& snapshot, const std::string& path) {
    const std::size_t bound = ZSTD_compressBound(snapshot.bytes.size());
    std::vector<char> out(kHeaderSize + bound);
    std::memcpy(out.data(), kMagic, sizeof kMagic);
    std::memcpy(out.data() + sizeof kMagic, &kFileVersion, sizeof kFileVersion);
    const u64 raw = snapshot.bytes.size();
    std::memcpy(out.data() + sizeof kMagic + sizeof kFileVersion, &raw, sizeof raw);
    const std::size_t n = ZSTD_compress(out.data() + kHeaderSize, bound, snapshot.bytes.data(),
                                        snapshot.bytes.size(), 3);
    if (ZSTD_isError(n))
        throw SnapshotError(fmt::format("cannot compress the snapshot: {}", ZSTD_getErrorName(n)));
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) throw SnapshotError(fmt::format("cannot create {}", path));
    f.write(out.data(), static_cast<std::streamsize>(kHeaderSize + n));
    if (!f) throw SnapshotError(fmt::format("cannot write {}", path));
}

Snapshot loadSnapshotFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw SnapshotError(fmt::format("{}: not a readable file", path));
    std::ifstream f(path, std::ios::binary);
    if (!f) throw SnapshotError(fmt::format("{}: cannot open", path));
    const std::vector<char> in((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    if (in.size() < kHeaderSize || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0)
        throw SnapshotError(fmt::format("{}: not a cmodx snapshot file", path));
    u32 version;
    u64 raw;
    std::memcpy(&version, in.data() + sizeof kMagic, sizeof version);
    std::memcpy(&raw, in.data() + sizeof kMagic + sizeof version, sizeof raw);
    if (version != kFileVersion)
        throw SnapshotError(fmt::format("{}: snapshot format version {}, expected {}", path,
                                        version, kFileVersion));
    if (raw > kMaxStateBytes) throw SnapshotError(fmt::format("{}: damaged header", path));
    Snapshot s;
    s.bytes.resize(raw);
    const std::size_t n =
        ZSTD_decompress(s.bytes.data(), raw, in.data() + kHeaderSize, in.size() - kHeaderSize);
    if (ZSTD_isError(n) || n != raw)
        throw SnapshotError(fmt::format("{}: damaged snapshot data", path));
    return s;
}

} // namespace cmodx::sim
