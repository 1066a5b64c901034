// core: SHA-256 against the FIPS 180-2 example vectors, and against coreutils' sha256sum
// for every length around the one- and two-block padding boundaries.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/csv.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

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

// core: numeric CSV tables, the observed outcomes of validation targets.
namespace {

TEST(Csv, HeaderCommentsQuotesAndLineEndings) {
  silico::DiagnosticList diagnostics;
  // R's write.csv quotes names; Windows files end lines with CRLF; '#' lines are notes.
  const auto table = silico::parse_numeric_csv("# source: a study\n\n\"time\", \"event\"\r\n 1.5 ,1\r\n2e1,0\n",
                                               "obs.csv", "validation[0].observed_file", diagnostics);
  ASSERT_TRUE(table.has_value()) << diagnostics.format();
  EXPECT_EQ(table->columns, (std::vector<std::string>{"time", "event"}));
  EXPECT_EQ(table->values[0], (std::vector<double>{1.5, 20.0}));
  EXPECT_EQ(table->values[1], (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(table->lines, (std::vector<int>{4, 5}));
  EXPECT_EQ(table->cell_columns[0], (std::vector<int>{2, 1}));  // " 1.5 ,1" and "2e1,0"
  EXPECT_EQ(table->cell_columns[1], (std::vector<int>{7, 5}));
  EXPECT_EQ(table->find("event"), 1u);
  EXPECT_FALSE(table->find("status").has_value());
}

TEST(Csv, EveryBadCellIsReportedWithItsLineAndColumn) {
  silico::DiagnosticList diagnostics;
  const auto table = silico::parse_numeric_csv("time,event\n1,1\n12,x\n,1\ninf,1\n3,1,2\n\"4,1\n",
                                               "obs.csv", "k", diagnostics);
  EXPECT_FALSE(table.has_value());
  const auto& items = diagnostics.items();
  ASSERT_EQ(items.size(), 5u) << diagnostics.format();
  EXPECT_EQ(items[0].format(), "obs.csv:3:4: error: k: column 'event': expected a finite number, got 'x'");
  EXPECT_EQ(items[1].format(), "obs.csv:4:1: error: k: column 'time': expected a finite number, got an empty field");
  EXPECT_EQ(items[2].format(), "obs.csv:5:1: error: k: column 'time': expected a finite number, got 'inf'");
  EXPECT_EQ(items[3].format(), "obs.csv:6:1: error: k: expected 2 fields (as the header), got 3");
  EXPECT_EQ(items[4].format(), "obs.csv:7:1: error: k: unterminated quoted field");
}

TEST(Csv, HeaderProblems) {
  silico::DiagnosticList diagnostics;
  EXPECT_FALSE(silico::parse_numeric_csv("# only a note\n", "obs.csv", "k", diagnostics).has_value());
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_NE(diagnostics.items()[0].message.find("no header row"), std::string::npos);
  silico::DiagnosticList twice;
  EXPECT_FALSE(silico::parse_numeric_csv("time,time\n1,2\n", "obs.csv", "k", twice).has_value());
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice.items()[0].format(), "obs.csv:1:6: error: k: column 'time' appears twice in the header row");
}

}  // namespace

namespace {

TEST(JsonString, EscapesAndKeepsOnlyWellFormedUtf8) {
  using silico::json_string;
  EXPECT_EQ(json_string("a\"b\\c\nd\te"), "\"a\\\"b\\\\c\\nd\\te\"");
  EXPECT_EQ(json_string(std::string("\x01\x7f", 2)), "\"\\u0001\\u007f\"");
  // Well-formed multi-byte characters pass through: é (2 bytes), € (3), 𝄞 (4).
  EXPECT_EQ(json_string("\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e"), "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"");
  // A lone continuation byte (0x91, as a damaged file gave), an overlong 0xC0 0xAF, a
  // surrogate 0xED 0xA0 0x80 and a truncated sequence each become U+FFFD byte by byte.
  EXPECT_EQ(json_string("x\x91y"), "\"x\\ufffdy\"");
  EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(json_string("\xe2\x82"), "\"\\ufffd\\ufffd\"");
}

}  // namespace
