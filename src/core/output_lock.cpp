#include "core/output_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/error.hpp"

namespace silico {

namespace {

/// What the lock file says of its holder ("host H, process P, since T"), at most a line.
std::string holder_of(int fd) {
  char text[256] = {};
  const ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
  std::string line(text, got > 0 ? static_cast<std::size_t>(got) : 0);
  line = line.substr(0, line.find('\n'));
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f) c = '?';
  }
  return line.empty() ? "another process" : line;
}

bool try_lock(int fd, int& error) {
  struct flock region {};
  region.l_type = F_WRLCK;
  region.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  if (::fcntl(fd, F_OFD_SETLK, &region) == 0) return true;
  error = errno;
  return false;
}

}  // namespace

OutputLock::OutputLock(const std::string& output) : path_(output + ".lock") {
  // The holder may remove the file between our open and our lock: then we hold a lock
  // on a file nobody else can see, so check that the name still leads to our file.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == ELOOP) throw UserError("'" + path_ + "' is a symbolic link: silico locks its output only through a file it owns; remove it");
      throw UserError("cannot create the lock file '" + path_ + "': " + std::strerror(errno));
    }
    int error = 0;
    if (!try_lock(fd, error)) {
      if (error == EAGAIN || error == EACCES) {
        const std::string holder = holder_of(fd);
        ::close(fd);
        throw UserError("'" + output + "' is being written by " + holder + " (it holds " + path_ +
                        "); wait for it to end, or stop it, before starting another run on this output");
      }
      // ENOLCK, ENOSYS, EINVAL: a file system without locks. Going on is what the user
      // asked for; say that concurrent runs on this output are not caught.
      std::fprintf(stderr, "silico: warning: cannot lock '%s' (%s): a second run on this output would not be refused\n",
                   path_.c_str(), std::strerror(error));
    }
    struct stat opened {};
    struct stat named {};
    if (::fstat(fd, &opened) == 0 && ::lstat(path_.c_str(), &named) == 0 && opened.st_dev == named.st_dev &&
        opened.st_ino == named.st_ino) {
      fd_ = fd;
      char host[256] = {};
      ::gethostname(host, sizeof host - 1);
      const std::string holder = "host " + std::string(host) + ", process " + std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd_, holder.data(), holder.size(), 0);
      }
      return;
    }
    ::close(fd);
  }
  throw UserError("cannot lock '" + path_ + "': it keeps being replaced");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  // Unlink first, release second: whoever opens the name afterwards creates a fresh file
  // and finds it unlocked; whoever opened the old file before sees it is unlinked.
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace silico
