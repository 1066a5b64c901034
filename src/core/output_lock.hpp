#pragma once
/// @file
/// @brief One writer per output: an advisory lock on `<output>.lock`, held for as long as a
/// command writes `<output>` and its working files. A second command on the same output is
/// refused at once (exit 2) with the host and process of the holder. The lock is an
/// open-file-description lock (fcntl F_OFD_SETLK), which Linux keeps on local disks and on
/// NFS, Lustre (mounted with -o flock or localflock) and GPFS; the kernel releases it when
/// the holder dies however it dies, so a killed run never leaves a stale lock.

#include <string>

namespace silico {

class OutputLock {
 public:
  /// Takes the lock of `output` or throws UserError naming its holder. Where the file
  /// system cannot lock at all, warns on stderr and goes on unlocked.
  explicit OutputLock(const std::string& output);
  /// Removes the lock file, then releases the lock.
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace silico
