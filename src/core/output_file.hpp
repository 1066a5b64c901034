#pragma once
/// @file
/// @brief How every silico command writes a file (docs/cli.md#output-files):
/// - an output that exists is refused (exit 2) unless --force, checked before any work
///   and again when the result is published, so a file that appeared meanwhile is not
///   replaced either;
/// - an output that is the same file as one of the command's inputs is refused even with
///   --force;
/// - the result is written to a temporary file created exclusively beside the output
///   (O_CREAT|O_EXCL: never through a symbolic link someone planted there), synced, and
///   published under the final name in one step: a reader sees the old file or the
///   complete new one, never a part.

#include <string>
#include <vector>

namespace silico {

/// Throws UserError if `path` cannot be written as an output of this command: empty, a
/// directory, in a folder that does not exist, existing without `force`, or the same
/// file as one of `inputs` (a path that does not exist is no input). `option` names the
/// command-line option for the message, e.g. "-o" or "--json".
void check_output(const std::string& path, const std::string& option, bool force,
                  const std::vector<std::string>& inputs = {});

/// True if `a` and `b` name the same existing file (device and inode), links followed.
bool same_file(const std::string& a, const std::string& b);

/// A new file beside `final_path`, named `<final_path>.partial-XXXXXX`, created
/// exclusively. It is removed when this object dies unless it was published.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::string final_path);
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  const std::string& path() const { return path_; }
  int fd() const { return fd_; }
  /// Writes all of `text` (retrying short writes); throws on failure.
  void write(const std::string& text);
  /// fsync, close, then move to the final name: with `replace`, replacing what is there
  /// (rename); without, failing with UserError if the final name exists by now.
  void publish(bool replace);

 private:
  std::string final_path_;
  std::string path_;
  int fd_ = -1;
  bool published_ = false;
};

/// Writes `text` to `path` through a TemporaryFile; `replace` as in publish().
void write_file_atomically(const std::string& path, const std::string& text, bool replace);

/// Moves `from` to `to` without ever replacing a file at `to` (a hard link, then the old
/// name removed; renameat2(RENAME_NOREPLACE) where links are not supported). Throws
/// UserError if `to` exists.
void rename_no_replace(const std::string& from, const std::string& to);

/// Throws UserError if `path` exists and is not a regular file (a symbolic link, a
/// folder, a device): silico writes its own working files only as regular files.
void refuse_unless_regular_file(const std::string& path, const std::string& what);

/// fsync of the folder holding `path`, so that a rename or creation in it is durable.
void sync_parent_folder(const std::string& path);

}  // namespace silico
