#pragma once
/// @file
/// @brief Small string helpers shared by the spec reader and the command line.

#include <string>
#include <string_view>
#include <vector>

namespace silico {

/// Levenshtein edit distance.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a likely typo
/// (edit distance at most max(1, |word|/3)), else empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b or c" for messages.
std::string join_alternatives(const std::vector<std::string>& items);
/// "a, b and c" for messages.
std::string join_all(const std::vector<std::string>& items);

/// True if `name` is a valid identifier: [A-Za-z_][A-Za-z0-9_]*. Names become HDF5
/// paths and JSON keys, so they are kept to this safe set.
bool is_identifier(std::string_view name);

/// The current time as ISO 8601 UTC, e.g. 2026-11-24T03:35:48Z (file metadata).
std::string utc_now();

/// `text` with every control byte (NUL, newline, tab, ...) and DEL written as \xNN, so a
/// message carrying it prints whole on one line and no NUL cuts a C string short.
std::string escape_control(std::string_view text);

/// At most `max_bytes` of `text` (cut at a UTF-8 character boundary), escaped as by
/// escape_control, with "... (N bytes)" when cut: what a message may quote of a value or
/// of a file's content, so a 50 MB scalar or a foreign file's line is never echoed whole.
std::string excerpt(std::string_view text, std::size_t max_bytes = 60);

/// `s` as a JSON string literal, quotes included. Bytes that are not well-formed UTF-8
/// (text read from a damaged file) become U+FFFD, so the result is valid JSON whatever `s`.
std::string json_string(const std::string& s);

/// Shortest text that reads back as the same double. JSON has no NaN or infinity:
/// undefined quantities are null.
std::string json_number(double x);

}  // namespace silico
