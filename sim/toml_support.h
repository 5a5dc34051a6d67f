// Helpers shared by the strict TOML readers (config.cpp, timing/profile.cpp): names of value
// types for "expected X, got Y" messages, file positions, and TOML string literals.
#pragma once

#include <fmt/format.h>
#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace cmodx::sim {

inline std::string_view describeType(toml::node_type type) {
    switch (type) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    }
    return "an unknown kind of value";
}

// "FILE:LINE:COLUMN", or just "FILE" for a region without a position.
inline std::string sourceAt(std::string_view source, const toml::source_region& where) {
    if (where.begin.line == 0) return std::string(source);
    return fmt::format("{}:{}:{}", source, where.begin.line, where.begin.column);
}

// A TOML basic string holding `s`.
inline std::string tomlString(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

} // namespace cmodx::sim
