// Machine state serialisation. Every stateful component writes its architectural and
// micro-architectural state with a StateWriter and reads it back, in the same order, with a
// StateReader. The byte stream is what snapshots store (in memory or, compressed, in a file)
// and what the final state hash is computed over, so it must not contain host pointers,
// padding bytes or anything else that differs between two runs of the same guest.
#pragma once

#include "isa/aarch64/bits.h"

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace cmodx::sim {

using isa::u32;
using isa::u64;
using isa::u8;

// A snapshot that cannot be read back: truncated, from another version or another machine shape.
class SnapshotError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class StateWriter {
public:
    void bytes(const void* data, std::size_t len) {
        const auto* p = static_cast<const u8*>(data);
        buf_.insert(buf_.end(), p, p + len);
    }
    // Scalars only (integers, bool, enums): structs would carry padding.
    template <typename T>
        requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void put(T v) {
        bytes(&v, sizeof v);
    }
    template <typename T>
        requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void putArray(const T* v, std::size_t n) {
        bytes(v, n * sizeof(T));
    }
    // A section tag: restoring checks it, so a reader out of step fails loudly.
    void tag(const char (&name)[5]) { bytes(name, 4); }

    const std::vector<u8>& data() const { return buf_; }
    std::vector<u8> take() { return std::move(buf_); }

private:
    std::vector<u8> buf_;
};

class StateReader {
public:
    explicit StateReader(const std::vector<u8>& data) : data_(data) {}

    void bytes(void* out, std::size_t len) {
        if (len > data_.size() - pos_) throw SnapshotError("snapshot is truncated");
        std::memcpy(out, data_.data() + pos_, len);
        pos_ += len;
    }
    template <typename T>
        requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    T get() {
        T v;
        bytes(&v, sizeof v);
        return v;
    }
    template <typename T>
        requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void get(T& v) {
        bytes(&v, sizeof v);
    }
    template <typename T>
        requires std::is_arithmetic_v<T> || std::is_enum_v<T>
    void getArray(T* v, std::size_t n) {
        bytes(v, n * sizeof(T));
    }
    void tag(const char (&name)[5]) {
        char got[4];
        bytes(got, 4);
        if (std::memcmp(got, name, 4) != 0)
            throw SnapshotError(std::string("snapshot section '") + name + "' not found");
    }
    bool atEnd() const { return pos_ == data_.size(); }

private:
    const std::vector<u8>& data_;
    std::size_t pos_ = 0;
};

} // namespace cmodx::sim
