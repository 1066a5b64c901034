#pragma once
/// @file
/// @brief SHA-256 (FIPS 180-4) of a byte string, as 64 lowercase hexadecimal digits: the
/// checksums of input files in the validation report, comparable with `sha256sum`.

#include <string>
#include <string_view>

namespace silico {

std::string sha256_hex(std::string_view data);

}  // namespace silico
