// V4L2 cameras: listing what is attached, and a FrameSource that streams from
// one with mmap buffers, converts MJPEG or YUYV to BGR, stamps each frame with
// the driver's capture time mapped to UTC, and survives a pulled cable.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/frame_source.h"
#include "vehicle/records/status.h"
#include "capture/v4l2_device.h"

namespace anpr {

enum class PixelFormat { kMjpeg, kYuyv };
const char* PixelFormatName(PixelFormat f);  // "MJPG", "YUYV"
// Accepts "MJPG"/"mjpeg" and "YUYV"/"yuyv"; false otherwise.
bool ParsePixelFormat(const std::string& text, PixelFormat* out);

struct CameraOptions {
  std::string device = "/dev/video0";
  int width_px = 1280;
  int height_px = 720;
  double fps = 30;
  PixelFormat format = PixelFormat::kMjpeg;
  // Manual exposure in units of 100 us (V4L2_CID_EXPOSURE_ABSOLUTE); a short
  // exposure (e.g. 10 = 1 ms) cuts motion blur on passing cars. Unset: the
  // camera's auto exposure.
  std::optional<int> exposure_100us;
  std::optional<int> gain;  // V4L2_CID_GAIN, camera-specific range
  int buffer_count = 4;     // mmap buffers; more absorb a slow consumer
  // Reconnect backoff after the device is lost.
  int64_t reconnect_initial_ms = 250;
  int64_t reconnect_max_ms = 5000;
};

// What a device offers, for `anpr devices`.
struct CameraFormat {
  std::string fourcc;       // "MJPG", "YUYV", ...
  std::string description;  // driver's words
  struct Size {
    int width_px = 0;
    int height_px = 0;
    std::vector<double> fps;  // discrete rates; empty when stepwise or unknown
  };
  std::vector<Size> sizes;  // empty when the driver gives no discrete sizes
};
struct CameraInfo {
  std::string path;
  std::string card;    // model name
  std::string driver;
  std::string bus;
  std::vector<CameraFormat> formats;
  std::vector<std::string> controls;  // e.g. "exposure_absolute 1..5000", "gain 0..255"
};

// The /dev/video* nodes present, sorted (numbers in numeric order).
std::vector<std::string> FindVideoDevices(const std::string& dev_dir = "/dev");

// Describes each device that can capture video; nodes that cannot (metadata
// nodes of UVC cameras) are left out. A node that fails to open is returned as
// an error entry in `errors` ("/dev/video2: Permission denied").
std::vector<CameraInfo> ListCameras(V4l2Device& device, const std::vector<std::string>& paths,
                                    std::vector<std::string>* errors = nullptr);

// A camera as a FrameSource. `device` must outlive the source. Open
// negotiates the format and returns kInvalidArgument when the camera offers
// neither the configured format nor a fallback (MJPG <-> YUYV); when the
// device is absent it returns ok and Read retries with backoff.
// After Open, negotiated() tells what the driver actually granted.
class V4l2Camera : public FrameSource {
 public:
  struct Negotiated {
    int width_px = 0;
    int height_px = 0;
    double fps = 0;
    PixelFormat format = PixelFormat::kMjpeg;
    bool exposure_set = false;  // the camera offered and accepted the setting
    bool gain_set = false;
  };

  V4l2Camera(V4l2Device& device, CameraOptions options);
  ~V4l2Camera() override;
  V4l2Camera(const V4l2Camera&) = delete;
  V4l2Camera& operator=(const V4l2Camera&) = delete;

  Status Open() override;
  Result<Frame> Read(int64_t timeout_ms) override;
  void Close() override;
  SourceHealth health() const override;
  std::string name() const override { return options_.device; }
  const Negotiated& negotiated() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  CameraOptions options_;
};

}  // namespace anpr
