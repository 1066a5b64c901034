// core: SHA-256 against the FIPS 180-2 example vectors, and against coreutils' sha256sum
// for every length around the one- and two-block padding boundaries.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/sha256.hpp"

namespace {

TEST(Sha256, Fips180Examples) {
  // FIPS 180-2, appendix B: "abc", the 448-bit message, one million 'a'; and the empty string.
  EXPECT_EQ(silico::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(silico::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(silico::sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(silico::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, AgreesWithSha256sumAcrossPaddingBoundaries) {
  const std::string path = testing::TempDir() + "sha256_input";
  for (std::size_t n = 0; n <= 130; ++n) {
    std::string data;
    for (std::size_t i = 0; i < n; ++i) data += static_cast<char>((i * 37 + n) % 256);
    std::ofstream(path, std::ios::binary) << data;
    FILE* pipe = popen(("sha256sum " + path).c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char digest[65] = {};
    ASSERT_EQ(std::fread(digest, 1, 64, pipe), 64u);
    pclose(pipe);
    EXPECT_EQ(silico::sha256_hex(data), std::string(digest)) << n << " bytes";
  }
  std::remove(path.c_str());
}

}  // namespace
