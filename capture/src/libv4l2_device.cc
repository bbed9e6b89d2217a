// The real V4l2Device: straight calls into libv4l2.
#include <libv4l2.h>
#include <poll.h>

#include <cerrno>

#include "capture/v4l2_device.h"

namespace anpr {
namespace {

class Libv4l2Device : public V4l2Device {
 public:
  int Open(const char* path, int flags) override { return v4l2_open(path, flags); }
  int Close(int fd) override { return v4l2_close(fd); }
  int Ioctl(int fd, unsigned long request, void* arg) override { return v4l2_ioctl(fd, request, arg); }
  void* Mmap(void* start, size_t length, int prot, int flags, int fd, int64_t offset) override {
    return v4l2_mmap(start, length, prot, flags, fd, offset);
  }
  int Munmap(void* start, size_t length) override { return v4l2_munmap(start, length); }
  int Poll(int fd, int timeout_ms) override {
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return r;
    return 1;  // POLLIN, or POLLERR/POLLHUP: DQBUF will say which
  }
};

}  // namespace

std::unique_ptr<V4l2Device> MakeLibv4l2Device() { return std::make_unique<Libv4l2Device>(); }

}  // namespace anpr
