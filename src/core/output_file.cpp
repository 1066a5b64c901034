#include "core/output_file.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/error.hpp"
#include "core/fault_injection.hpp"

namespace silico {

namespace fs = std::filesystem;

namespace {

std::string in_quotes(const std::string& path) { return "'" + path + "'"; }

std::string folder_of(const std::string& path) {
  const fs::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void check_output(const std::string& path, const std::string& option, bool force,
                  const std::vector<std::string>& inputs) {
  if (path.empty()) throw UserError(option + " needs a file name");
  for (const auto& input : inputs) {
    if (!input.empty() && same_file(path, input)) {
      throw UserError(option + " " + in_quotes(path) + " is " +
                      (path == input ? "an input of this command" : "the same file as the input " + in_quotes(input)) +
                      ": silico never writes over its inputs");
    }
  }
  struct stat st {};
  const bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw UserError(option + " " + in_quotes(path) + " is a folder");
  struct stat folder {};
  const std::string dir = folder_of(path);
  if (::stat(dir.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode)) {
    throw UserError(option + ": the folder " + in_quotes(dir) + " does not exist");
  }
  if (exists && !force) throw UserError(option + " " + in_quotes(path) + " already exists; use --force to replace it");
}

TemporaryFile::TemporaryFile(std::string final_path) : final_path_(std::move(final_path)) {
  std::string pattern = final_path_ + ".partial-XXXXXX";
  // mkstemp creates with O_CREAT|O_EXCL: a name that exists, symbolic links included, is
  // never opened, so nothing planted at a predictable name is written through.
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) {
    throw UserError("cannot create a file beside " + in_quotes(final_path_) + ": " + std::strerror(errno));
  }
  path_ = pattern;
  // mkstemp makes the file private (0600); an output is as readable as any other file.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd_, 0666 & ~mask);
}

TemporaryFile::~TemporaryFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!published_) ::unlink(path_.c_str());
}

void TemporaryFile::write(const std::string& text) {
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) throw std::runtime_error("cannot write " + in_quotes(path_) + ": " + std::strerror(errno));
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

void TemporaryFile::publish(bool replace) {
  if (::fsync(fd_) != 0) throw std::runtime_error("cannot sync " + in_quotes(path_) + ": " + std::strerror(errno));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot close " + in_quotes(path_) + ": " + std::strerror(errno));
  fault_point("temporary_written");
  if (replace) {
    if (::rename(path_.c_str(), final_path_.c_str()) != 0) {
      throw std::runtime_error("cannot rename " + in_quotes(path_) + " to " + in_quotes(final_path_) + ": " +
                               std::strerror(errno));
    }
  } else {
    rename_no_replace(path_, final_path_);
  }
  published_ = true;
  sync_parent_folder(final_path_);
}

void write_file_atomically(const std::string& path, const std::string& text, bool replace) {
  TemporaryFile file(path);
  file.write(text);
  file.publish(replace);
}

void rename_no_replace(const std::string& from, const std::string& to) {
  if (::link(from.c_str(), to.c_str()) == 0) {
    ::unlink(from.c_str());
    return;
  }
  if (errno == EEXIST) throw UserError(in_quotes(to) + " appeared while this command ran; it was not replaced (use --force to replace it)");
  // File systems without hard links (some FUSE and object stores): the kernel's no-replace
  // rename where it exists.
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno == EEXIST) throw UserError(in_quotes(to) + " appeared while this command ran; it was not replaced (use --force to replace it)");
  throw std::runtime_error("cannot rename " + in_quotes(from) + " to " + in_quotes(to) + ": " + std::strerror(errno));
}

void refuse_unless_regular_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISREG(st.st_mode)) return;
  throw UserError(what + " " + in_quotes(path) + " is " + (S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file") +
                  ": silico writes its working files only as regular files it created; remove it and run again");
}

void sync_parent_folder(const std::string& path) {
  const int fd = ::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // durability is best effort here; the rename itself succeeded
  ::fsync(fd);
  ::close(fd);
}

}  // namespace silico
