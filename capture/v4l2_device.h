// The thin seam between the camera code and the kernel: exactly the libv4l2
// calls the camera makes, with libv4l2's conventions (return -1 and set
// errno). The real implementation forwards to v4l2_open / v4l2_ioctl /
// v4l2_mmap; tests substitute a scripted device so the real camera code runs
// through format negotiation, EAGAIN, EINTR and a cable pulled mid-stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace anpr {

class V4l2Device {
 public:
  virtual ~V4l2Device() = default;
  // As v4l2_open(2): a file descriptor, or -1 with errno (ENOENT when the
  // device node is gone).
  virtual int Open(const char* path, int flags) = 0;
  virtual int Close(int fd) = 0;
  // As v4l2_ioctl: 0 or -1 with errno (EAGAIN, EINTR, ENODEV, EINVAL ...).
  virtual int Ioctl(int fd, unsigned long request, void* arg) = 0;
  // As v4l2_mmap / v4l2_munmap. Mmap returns MAP_FAILED on failure.
  virtual void* Mmap(void* start, size_t length, int prot, int flags, int fd, int64_t offset) = 0;
  virtual int Munmap(void* start, size_t length) = 0;
  // Waits until a buffer can be dequeued: 1 ready, 0 timed out, -1 with
  // errno. POLLERR/POLLHUP (device gone) count as ready so the next DQBUF
  // reports the error.
  virtual int Poll(int fd, int timeout_ms) = 0;
};

// The real thing, through libv4l2 (which also papers over some drivers'
// quirks). Stateless; one instance may serve several cameras.
std::unique_ptr<V4l2Device> MakeLibv4l2Device();

}  // namespace anpr
