// How every command writes a file (core/output_file.hpp): never over an input, never over
// an existing file without --force, never through a symbolic link, and a file that
// appears meanwhile is not replaced. One writer per output (core/output_lock.hpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "core/output_file.hpp"
#include "core/output_lock.hpp"

namespace silico {
namespace {

namespace fs = std::filesystem;

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("silico-output-" + std::to_string(::getpid()));
    fs::create_directories(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }
  std::string at(const std::string& name) const { return (folder_ / name).string(); }
  static std::string text_of(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  fs::path folder_;
};

std::string error_of(const std::function<void()>& work) {
  try {
    work();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST_F(OutputFile, ExistingOutputNeedsForce) {
  write(at("out.json"), "old");
  EXPECT_NE(error_of([&] { check_output(at("out.json"), "--json", false); }).find("already exists; use --force"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { check_output(at("out.json"), "--json", true); }), "");
  EXPECT_EQ(error_of([&] { check_output(at("new.json"), "--json", false); }), "");
}

// Issue 12, defect 6: `summarize --json X.h5` and `report -o X.h5` overwrote their input.
TEST_F(OutputFile, InputIsNeverAnOutputEvenWithForce) {
  write(at("trial.h5"), "results");
  fs::create_symlink(at("trial.h5"), at("alias.h5"));
  for (const auto& output : {at("trial.h5"), at("alias.h5")}) {
    EXPECT_NE(error_of([&] { check_output(output, "--json", true, {at("trial.h5")}); }).find("never writes over its inputs"),
              std::string::npos)
        << output;
  }
}

TEST_F(OutputFile, EmptyNameFolderAndMissingFolderAreRefused) {
  EXPECT_EQ(error_of([&] { check_output("", "-o", true); }), "-o needs a file name");
  EXPECT_NE(error_of([&] { check_output(folder_.string(), "-o", true); }).find("is a folder"), std::string::npos);
  EXPECT_NE(error_of([&] { check_output(at("no/such/out.h5"), "-o", false); }).find("does not exist"), std::string::npos);
}

// Issue 12, defect 5: `FILE.json.partial` was opened through a planted symbolic link.
TEST_F(OutputFile, PlantedLinkAtTheTemporaryNameIsNotFollowed) {
  write(at("victim"), "precious");
  fs::create_symlink(at("victim"), at("out.json.partial"));
  write_file_atomically(at("out.json"), "{}\n", false);
  EXPECT_EQ(text_of(at("out.json")), "{}\n");
  EXPECT_EQ(text_of(at("victim")), "precious");
  // Only the output and the planted link remain: no temporary file is left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder_)) ++entries;
  EXPECT_EQ(entries, 3u);
}

// Issue 12, defect 2: a file created at OUT during the run was replaced at the end.
TEST_F(OutputFile, FileThatAppearedMeanwhileIsNotReplaced) {
  TemporaryFile file(at("out.json"));
  file.write("new");
  write(at("out.json"), "appeared");
  EXPECT_THROW(file.publish(false), UserError);
  EXPECT_EQ(text_of(at("out.json")), "appeared");
  TemporaryFile forced(at("out.json"));
  forced.write("new");
  forced.publish(true);
  EXPECT_EQ(text_of(at("out.json")), "new");
}

TEST_F(OutputFile, TemporaryFileIsRemovedWhenNotPublished) {
  std::string path;
  {
    TemporaryFile file(at("out.json"));
    file.write("abandoned");
    path = file.path();
    EXPECT_TRUE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(OutputFile, RegularFilesOnly) {
  write(at("victim"), "x");
  fs::create_symlink(at("victim"), at("link"));
  EXPECT_NE(error_of([&] { refuse_unless_regular_file(at("link"), "the checkpoint"); }).find("is a symbolic link"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { refuse_unless_regular_file(at("victim"), "the checkpoint"); }), "");
  EXPECT_EQ(error_of([&] { refuse_unless_regular_file(at("absent"), "the checkpoint"); }), "");
}

// Issue 12, defect 2: a second run on the same output while the first lives.
TEST_F(OutputFile, SecondWriterOfAnOutputIsRefusedWithTheHolder) {
  {
    const OutputLock first(at("out.h5"));
    const std::string error = error_of([&] { const OutputLock second(at("out.h5")); });
    EXPECT_NE(error.find("is being written by host "), std::string::npos) << error;
    EXPECT_NE(error.find("process " + std::to_string(::getpid())), std::string::npos) << error;
  }
  // Released and removed: the next writer takes it.
  EXPECT_FALSE(fs::exists(at("out.h5.lock")));
  EXPECT_EQ(error_of([&] { const OutputLock again(at("out.h5")); }), "");
}

}  // namespace
}  // namespace silico
