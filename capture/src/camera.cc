// V4L2 capture through the V4l2Device seam. The camera is a small state
// machine driven by Read(): streaming -> (error) -> reconnecting -> (device
// back, format renegotiated) -> streaming. No thread of its own: the capture
// thread that calls Read also drives the reconnects.
#include "capture/camera.h"

#include <linux/videodev2.h>
#include <poll.h>
#include <sys/mman.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <thread>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "vehicle/records/backoff.h"

namespace anpr {

const char* PixelFormatName(PixelFormat f) {
  return f == PixelFormat::kMjpeg ? "MJPG" : "YUYV";
}

bool ParsePixelFormat(const std::string& text, PixelFormat* out) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
  if (t == "MJPG" || t == "MJPEG") { *out = PixelFormat::kMjpeg; return true; }
  if (t == "YUYV" || t == "YUY2") { *out = PixelFormat::kYuyv; return true; }
  return false;
}

namespace {

uint32_t FourccOf(PixelFormat f) {
  return f == PixelFormat::kMjpeg ? V4L2_PIX_FMT_MJPEG : V4L2_PIX_FMT_YUYV;
}

std::string FourccText(uint32_t fourcc) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = char((fourcc >> (8 * i)) & 0xff);
    s += (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

std::string CString(const uint8_t* text, size_t max) {
  return std::string(reinterpret_cast<const char*>(text), strnlen(reinterpret_cast<const char*>(text), max));
}

// ioctl that retries when a signal interrupted it (EINTR), a bounded number
// of times so a signal storm cannot spin forever.
int XIoctl(V4l2Device& dev, int fd, unsigned long request, void* arg) {
  for (int i = 0; i < 100; ++i) {
    const int r = dev.Ioctl(fd, request, arg);
    if (r != -1 || errno != EINTR) return r;
  }
  return -1;
}

// Errors that mean "the camera went away": keep retrying rather than give up.
bool IsDeviceGone(int err) {
  return err == ENODEV || err == ENOENT || err == ENXIO || err == EIO || err == EBUSY ||
         err == EPIPE || err == ESHUTDOWN || err == EAGAIN;
}

std::string ErrText(const std::string& path, const char* what, int err) {
  return path + ": " + what + ": " + std::strerror(err);
}

}  // namespace

// --------------------------------------------------------------------------
// Listing.

std::vector<std::string> FindVideoDevices(const std::string& dev_dir) {
  std::vector<std::pair<int, std::string>> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dev_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("video", 0) != 0 || name.size() == 5) continue;
    const std::string digits = name.substr(5);
    if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) continue;
    found.emplace_back(std::stoi(digits), e.path().string());
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

std::vector<CameraInfo> ListCameras(V4l2Device& dev, const std::vector<std::string>& paths,
                                    std::vector<std::string>* errors) {
  std::vector<CameraInfo> out;
  for (const auto& path : paths) {
    const int fd = dev.Open(path.c_str(), O_RDWR | O_NONBLOCK);
    if (fd < 0) {
      if (errors) errors->push_back(ErrText(path, "open", errno));
      continue;
    }
    v4l2_capability cap{};
    if (XIoctl(dev, fd, VIDIOC_QUERYCAP, &cap) != 0) {
      if (errors) errors->push_back(ErrText(path, "VIDIOC_QUERYCAP", errno));
      dev.Close(fd);
      continue;
    }
    const uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE)) {  // UVC metadata node and the like
      dev.Close(fd);
      continue;
    }
    CameraInfo info;
    info.path = path;
    info.card = CString(cap.card, sizeof(cap.card));
    info.driver = CString(cap.driver, sizeof(cap.driver));
    info.bus = CString(cap.bus_info, sizeof(cap.bus_info));
    for (uint32_t i = 0;; ++i) {
      v4l2_fmtdesc fd_desc{};
      fd_desc.index = i;
      fd_desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      if (XIoctl(dev, fd, VIDIOC_ENUM_FMT, &fd_desc) != 0) break;
      CameraFormat format;
      format.fourcc = FourccText(fd_desc.pixelformat);
      format.description = CString(fd_desc.description, sizeof(fd_desc.description));
      for (uint32_t j = 0;; ++j) {
        v4l2_frmsizeenum fs{};
        fs.index = j;
        fs.pixel_format = fd_desc.pixelformat;
        if (XIoctl(dev, fd, VIDIOC_ENUM_FRAMESIZES, &fs) != 0 || fs.type != V4L2_FRMSIZE_TYPE_DISCRETE) break;
        CameraFormat::Size size;
        size.width_px = int(fs.discrete.width);
        size.height_px = int(fs.discrete.height);
        for (uint32_t k = 0;; ++k) {
          v4l2_frmivalenum fi{};
          fi.index = k;
          fi.pixel_format = fd_desc.pixelformat;
          fi.width = fs.discrete.width;
          fi.height = fs.discrete.height;
          if (XIoctl(dev, fd, VIDIOC_ENUM_FRAMEINTERVALS, &fi) != 0 ||
              fi.type != V4L2_FRMIVAL_TYPE_DISCRETE || fi.discrete.numerator == 0) {
            break;
          }
          size.fps.push_back(double(fi.discrete.denominator) / double(fi.discrete.numerator));
        }
        format.sizes.push_back(std::move(size));
      }
      info.formats.push_back(std::move(format));
    }
    const std::pair<uint32_t, const char*> controls[] = {
        {V4L2_CID_EXPOSURE_AUTO, "exposure_auto"},
        {V4L2_CID_EXPOSURE_ABSOLUTE, "exposure_absolute (100 us)"},
        {V4L2_CID_GAIN, "gain"}};
    for (const auto& [id, label] : controls) {
      v4l2_queryctrl q{};
      q.id = id;
      if (XIoctl(dev, fd, VIDIOC_QUERYCTRL, &q) == 0 && !(q.flags & V4L2_CTRL_FLAG_DISABLED)) {
        info.controls.push_back(std::string(label) + " " + std::to_string(q.minimum) + ".." +
                                std::to_string(q.maximum));
      }
    }
    dev.Close(fd);
    out.push_back(std::move(info));
  }
  return out;
}

// --------------------------------------------------------------------------
// Streaming.

class V4l2Camera::Impl {
 public:
  Impl(V4l2Device& dev, const CameraOptions& options)
      : dev_(dev), options_(options), backoff_(options.reconnect_initial_ms, options.reconnect_max_ms) {}
  ~Impl() { Stop(); }

  Status Open() {
    Stop();
    if (options_.width_px <= 0 || options_.height_px <= 0 || !(options_.fps > 0) ||
        options_.buffer_count < 2) {
      health_.state = SourceState::kFault;
      health_.message = options_.device + ": invalid size, rate or buffer count in the configuration";
      return InvalidArgument(health_.message);
    }
    backoff_.Reset();
    const Status s = Start();
    if (s.ok()) return s;
    if (s.code() == StatusCode::kUnavailable) {
      // Absent or unplugged: not fatal. Read() retries.
      EnterReconnecting(s.message());
      return Status::Ok();
    }
    health_.state = SourceState::kFault;
    health_.message = s.message();
    return s;
  }

  Result<Frame> Read(int64_t timeout_ms) {
    const int64_t deadline = MonotonicNowMs() + std::max<int64_t>(0, timeout_ms);
    if (health_.state == SourceState::kReconnecting) {
      const int64_t now = MonotonicNowMs();
      if (now < next_retry_mono_ms_) {
        const int64_t wait = std::min(next_retry_mono_ms_, deadline) - now;
        if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        if (MonotonicNowMs() < next_retry_mono_ms_) return Unavailable(health_.message);
      }
      const Status s = Start();
      if (!s.ok()) {
        ++health_.reconnect_attempts;
        if (s.code() == StatusCode::kUnavailable) {
          health_.message = s.message();
          next_retry_mono_ms_ = MonotonicNowMs() + backoff_.NextDelayMs();
          return Unavailable(health_.message);
        }
        // The camera came back but no longer offers what we need.
        health_.state = SourceState::kFault;
        health_.message = s.message();
        return s;
      }
      spdlog::info("{}: camera back after {} attempt(s)", options_.device, health_.reconnect_attempts);
      backoff_.Reset();
    }
    if (health_.state != SourceState::kStreaming) {
      return Status(StatusCode::kUnavailable,
                    options_.device + ": " + SourceStateName(health_.state) +
                        (health_.message.empty() ? "" : " (" + health_.message + ")"));
    }

    v4l2_buffer buf{};
    for (;;) {
      buf = {};
      buf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      buf.memory = V4L2_MEMORY_MMAP;
      if (XIoctl(dev_, fd_, VIDIOC_DQBUF, &buf) == 0) break;
      const int err = errno;
      if (err != EAGAIN) return Lost(ErrText(options_.device, "VIDIOC_DQBUF", err));
      const int64_t left = deadline - MonotonicNowMs();
      if (left <= 0) return Status(StatusCode::kTimeout, options_.device + ": no frame within the timeout");
      const int p = dev_.Poll(fd_, int(std::min<int64_t>(left, 1000)));
      if (p < 0 && errno != EINTR) return Lost(ErrText(options_.device, "poll", errno));
    }
    const int64_t now_mono = MonotonicNowMs();
    const int64_t now_utc = SystemUtcNowMs();

    // Sequence: follow the driver's counter so frames it dropped show as gaps.
    uint64_t step = 1;
    if (have_driver_seq_ && buf.sequence > last_driver_seq_) step = buf.sequence - last_driver_seq_;
    have_driver_seq_ = true;
    last_driver_seq_ = buf.sequence;
    health_.frames_dropped += step - 1;
    sequence_ += step;

    Frame frame;
    frame.sequence = sequence_ - 1;
    // The driver stamps the buffer when the sensor finished it, on
    // CLOCK_MONOTONIC; that is the capture instant, earlier than now by the
    // transfer time. Drivers that do not stamp (or stamp nonsense) get now.
    int64_t mono_ms = now_mono;
    if ((buf.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
        (buf.timestamp.tv_sec != 0 || buf.timestamp.tv_usec != 0)) {
      const int64_t t = int64_t(buf.timestamp.tv_sec) * 1000 + buf.timestamp.tv_usec / 1000;
      if (t <= now_mono && now_mono - t < 10000) mono_ms = t;
    }
    frame.captured_at_mono_ms = mono_ms;
    frame.captured_at_utc_ms = now_utc - (now_mono - mono_ms);

    Status decoded = Status::Ok();
    if (buf.index >= buffers_.size()) {
      return Lost(options_.device + ": driver returned buffer index " + std::to_string(buf.index) +
                  " of " + std::to_string(buffers_.size()));
    }
    if (buf.flags & V4L2_BUF_FLAG_ERROR) {
      decoded = Corruption(options_.device + ": driver marked frame " + std::to_string(buf.sequence) + " as damaged");
    } else {
      decoded = Decode(buffers_[buf.index], buf.bytesused, &frame.image);
    }
    if (XIoctl(dev_, fd_, VIDIOC_QBUF, &buf) != 0) {
      // Lost while we held the buffer; the decoded frame is still good.
      const std::string why = ErrText(options_.device, "VIDIOC_QBUF", errno);
      Lost(why).IgnoreError();  // recorded in health_; this frame is still delivered
    }
    if (!decoded.ok()) {
      ++health_.frames_dropped;
      if (health_.state == SourceState::kStreaming) health_.message = decoded.message();
      return decoded;
    }
    ++health_.frames_delivered;
    return frame;
  }

  void Close() {
    Stop();
    health_.state = SourceState::kClosed;
  }

  SourceHealth health_;
  Negotiated negotiated_;

 private:
  struct Buffer {
    void* start = nullptr;
    size_t length = 0;
  };

  // The device failed mid-stream: release it and retry later.
  Status Lost(const std::string& why) {
    spdlog::warn("{} (will retry)", why);
    Stop();
    ++health_.faults;
    health_.reconnect_attempts = 0;
    EnterReconnecting(why);
    return Unavailable(why);
  }

  void EnterReconnecting(const std::string& why) {
    health_.state = SourceState::kReconnecting;
    health_.message = why;
    next_retry_mono_ms_ = MonotonicNowMs() + backoff_.NextDelayMs();
  }

  Status Decode(const Buffer& b, uint32_t bytes_used, cv::Mat* out) {
    const int w = negotiated_.width_px;
    const int h = negotiated_.height_px;
    if (bytes_used == 0 || bytes_used > b.length) {
      return Corruption(options_.device + ": frame with " + std::to_string(bytes_used) + " bytes");
    }
    if (negotiated_.format == PixelFormat::kYuyv) {
      const size_t need = size_t(w) * size_t(h) * 2;
      if (bytes_used < need) {
        return Corruption(options_.device + ": short YUYV frame (" + std::to_string(bytes_used) + " of " +
                          std::to_string(need) + " bytes)");
      }
      const cv::Mat yuyv(h, w, CV_8UC2, b.start, size_t(w) * 2);
      cv::cvtColor(yuyv, *out, cv::COLOR_YUV2BGR_YUYV);
      return Status::Ok();
    }
    const cv::Mat jpeg(1, int(bytes_used), CV_8UC1, b.start);
    *out = cv::imdecode(jpeg, cv::IMREAD_COLOR);
    if (out->empty()) return Corruption(options_.device + ": undecodable MJPEG frame (" + std::to_string(bytes_used) + " bytes)");
    return Status::Ok();
  }

  // Opens, negotiates, maps and starts streaming. kUnavailable when the
  // device is absent or failed in a way a replug can fix; kInvalidArgument
  // when it cannot give what the configuration asks for.
  Status Start() {
    Stop();
    fd_ = dev_.Open(options_.device.c_str(), O_RDWR | O_NONBLOCK);
    if (fd_ < 0) {
      const int err = errno;
      fd_ = -1;
      if (err == EACCES || err == EPERM) {
        return PermissionDenied(ErrText(options_.device, "open", err) + " (add the user to group 'video')");
      }
      return Unavailable(ErrText(options_.device, "open", err));
    }
    Status s = Negotiate();
    if (s.ok()) s = MapAndStream();
    if (!s.ok()) {
      Stop();
      return s;
    }
    health_.state = SourceState::kStreaming;
    health_.message.clear();
    have_driver_seq_ = false;
    return Status::Ok();
  }

  Status IoctlFailed(const char* what) {
    const int err = errno;
    const std::string m = ErrText(options_.device, what, err);
    return IsDeviceGone(err) ? Unavailable(m) : InvalidArgument(m);
  }

  Status Negotiate() {
    v4l2_capability cap{};
    if (XIoctl(dev_, fd_, VIDIOC_QUERYCAP, &cap) != 0) return IoctlFailed("VIDIOC_QUERYCAP");
    const uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_VIDEO_CAPTURE) || !(caps & V4L2_CAP_STREAMING)) {
      return InvalidArgument(options_.device + ": not a streaming video capture device");
    }
    // The configured format first, then the other one: most UVC webcams
    // offer both, some only YUYV.
    const PixelFormat order[2] = {options_.format, options_.format == PixelFormat::kMjpeg
                                                        ? PixelFormat::kYuyv : PixelFormat::kMjpeg};
    bool granted = false;
    for (PixelFormat f : order) {
      v4l2_format fmt{};
      fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      fmt.fmt.pix.width = uint32_t(options_.width_px);
      fmt.fmt.pix.height = uint32_t(options_.height_px);
      fmt.fmt.pix.pixelformat = FourccOf(f);
      fmt.fmt.pix.field = V4L2_FIELD_ANY;
      if (XIoctl(dev_, fd_, VIDIOC_S_FMT, &fmt) != 0) {
        if (errno == EINVAL) continue;
        return IoctlFailed("VIDIOC_S_FMT");
      }
      // Drivers adjust rather than refuse: check what we were given.
      if (fmt.fmt.pix.pixelformat != FourccOf(f)) continue;
      if (fmt.fmt.pix.width == 0 || fmt.fmt.pix.height == 0 || fmt.fmt.pix.width > 16384 ||
          fmt.fmt.pix.height > 16384) {
        return InvalidArgument(options_.device + ": driver granted an impossible size");
      }
      negotiated_.format = f;
      negotiated_.width_px = int(fmt.fmt.pix.width);
      negotiated_.height_px = int(fmt.fmt.pix.height);
      granted = true;
      if (f != options_.format) {
        spdlog::warn("{}: {} not offered, using {}", options_.device, PixelFormatName(options_.format),
                     PixelFormatName(f));
      }
      break;
    }
    if (!granted) return InvalidArgument(options_.device + ": offers neither MJPG nor YUYV");
    if (negotiated_.width_px != options_.width_px || negotiated_.height_px != options_.height_px) {
      spdlog::warn("{}: asked for {}x{}, driver gave {}x{}", options_.device, options_.width_px,
                   options_.height_px, negotiated_.width_px, negotiated_.height_px);
    }

    v4l2_streamparm parm{};
    parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    negotiated_.fps = 0;
    if (XIoctl(dev_, fd_, VIDIOC_G_PARM, &parm) == 0 && (parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
      parm.parm.capture.timeperframe.numerator = 1000;
      parm.parm.capture.timeperframe.denominator = uint32_t(std::lround(options_.fps * 1000));
      if (XIoctl(dev_, fd_, VIDIOC_S_PARM, &parm) == 0 && parm.parm.capture.timeperframe.numerator != 0) {
        negotiated_.fps = double(parm.parm.capture.timeperframe.denominator) /
                          double(parm.parm.capture.timeperframe.numerator);
      } else if (errno == ENODEV) {
        return IoctlFailed("VIDIOC_S_PARM");
      }
    }

    negotiated_.exposure_set = false;
    negotiated_.gain_set = false;
    if (options_.exposure_100us) {
      // Manual exposure needs auto exposure off first (UVC: menu value 1).
      SetControl(V4L2_CID_EXPOSURE_AUTO, V4L2_EXPOSURE_MANUAL, nullptr);
      negotiated_.exposure_set = SetControl(V4L2_CID_EXPOSURE_ABSOLUTE, *options_.exposure_100us, "exposure");
    }
    if (options_.gain) negotiated_.gain_set = SetControl(V4L2_CID_GAIN, *options_.gain, "gain");
    return Status::Ok();
  }

  // Sets a control if the camera offers it, clamped to its range. Returns
  // whether it took; logs (with `label`) when the camera lacks it.
  bool SetControl(uint32_t id, int value, const char* label) {
    v4l2_queryctrl q{};
    q.id = id;
    if (XIoctl(dev_, fd_, VIDIOC_QUERYCTRL, &q) != 0 || (q.flags & V4L2_CTRL_FLAG_DISABLED)) {
      if (label) spdlog::warn("{}: camera has no {} control; left on automatic", options_.device, label);
      return false;
    }
    v4l2_control c{};
    c.id = id;
    c.value = std::clamp(value, q.minimum, q.maximum);
    if (c.value != value && label) {
      spdlog::warn("{}: {} {} outside {}..{}, using {}", options_.device, label, value, q.minimum, q.maximum, c.value);
    }
    if (XIoctl(dev_, fd_, VIDIOC_S_CTRL, &c) != 0) {
      if (label) spdlog::warn("{}", ErrText(options_.device, label, errno));
      return false;
    }
    return true;
  }

  Status MapAndStream() {
    v4l2_requestbuffers req{};
    req.count = uint32_t(options_.buffer_count);
    req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    req.memory = V4L2_MEMORY_MMAP;
    if (XIoctl(dev_, fd_, VIDIOC_REQBUFS, &req) != 0) return IoctlFailed("VIDIOC_REQBUFS");
    if (req.count < 2) return Unavailable(options_.device + ": driver gave fewer than 2 buffers");
    requested_buffers_ = true;
    for (uint32_t i = 0; i < req.count; ++i) {
      v4l2_buffer b{};
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      b.index = i;
      if (XIoctl(dev_, fd_, VIDIOC_QUERYBUF, &b) != 0) return IoctlFailed("VIDIOC_QUERYBUF");
      void* p = dev_.Mmap(nullptr, b.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, b.m.offset);
      if (p == MAP_FAILED) return IoctlFailed("mmap");
      buffers_.push_back({p, b.length});
    }
    for (uint32_t i = 0; i < buffers_.size(); ++i) {
      v4l2_buffer b{};
      b.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      b.memory = V4L2_MEMORY_MMAP;
      b.index = i;
      if (XIoctl(dev_, fd_, VIDIOC_QBUF, &b) != 0) return IoctlFailed("VIDIOC_QBUF");
    }
    int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (XIoctl(dev_, fd_, VIDIOC_STREAMON, &type) != 0) return IoctlFailed("VIDIOC_STREAMON");
    streaming_ = true;
    return Status::Ok();
  }

  // Releases everything held on the device; errors are expected here (the
  // device may already be gone) and ignored.
  void Stop() {
    if (fd_ < 0) return;
    if (streaming_) {
      int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      XIoctl(dev_, fd_, VIDIOC_STREAMOFF, &type);
      streaming_ = false;
    }
    for (auto& b : buffers_) dev_.Munmap(b.start, b.length);
    buffers_.clear();
    if (requested_buffers_) {
      v4l2_requestbuffers req{};
      req.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
      req.memory = V4L2_MEMORY_MMAP;
      XIoctl(dev_, fd_, VIDIOC_REQBUFS, &req);
      requested_buffers_ = false;
    }
    dev_.Close(fd_);
    fd_ = -1;
  }

  V4l2Device& dev_;
  CameraOptions options_;
  Backoff backoff_;
  int fd_ = -1;
  bool streaming_ = false;
  bool requested_buffers_ = false;
  std::vector<Buffer> buffers_;
  int64_t next_retry_mono_ms_ = 0;
  uint64_t sequence_ = 0;
  bool have_driver_seq_ = false;
  uint32_t last_driver_seq_ = 0;
};

V4l2Camera::V4l2Camera(V4l2Device& device, CameraOptions options)
    : impl_(std::make_unique<Impl>(device, options)), options_(std::move(options)) {}
V4l2Camera::~V4l2Camera() = default;
Status V4l2Camera::Open() { return impl_->Open(); }
Result<Frame> V4l2Camera::Read(int64_t timeout_ms) { return impl_->Read(timeout_ms); }
void V4l2Camera::Close() { impl_->Close(); }
SourceHealth V4l2Camera::health() const { return impl_->health_; }
const V4l2Camera::Negotiated& V4l2Camera::negotiated() const { return impl_->negotiated_; }

}  // namespace anpr
