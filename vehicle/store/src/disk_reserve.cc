#include "vehicle/store/src/disk_reserve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

namespace anpr::store_internal {

Status CreateReserve(const std::string& path, int64_t bytes) {
  struct stat st {};
  const bool existed = ::stat(path.c_str(), &st) == 0;
  if (existed && st.st_size >= bytes) return Status::Ok();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status(StatusCode::kIoError, "open " + path + ": " + std::strerror(errno));
  const int rc = ::posix_fallocate(fd, 0, bytes);
  if (rc == 0) ::fsync(fd);
  if (rc != 0 && existed) (void)!::ftruncate(fd, st.st_size);  // keep what the reserve had
  ::close(fd);
  if (rc != 0) {
    if (!existed) ::unlink(path.c_str());
    return Status(rc == ENOSPC ? StatusCode::kResourceExhausted : StatusCode::kIoError,
                  "allocate " + std::to_string(bytes) + " bytes for " + path + ": " + std::strerror(rc));
  }
  return Status::Ok();
}

bool ReleaseReserve(const std::string& path) { return ::unlink(path.c_str()) == 0; }

bool ShrinkReserve(const std::string& path, int64_t bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  if (st.st_size <= bytes) return ReleaseReserve(path);
  return ::truncate(path.c_str(), st.st_size - bytes) == 0;
}

bool ReserveExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

int64_t FreeDiskBytes(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  struct statvfs v {};
  if (::statvfs(dir.c_str(), &v) != 0) return -1;
  return static_cast<int64_t>(v.f_bavail) * static_cast<int64_t>(v.f_frsize);
}

}  // namespace anpr::store_internal
