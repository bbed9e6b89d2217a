// Where frames come from: a V4L2 camera, a video file, a folder of images or
// a synthetic drive. One interface so the pipeline, the tools and the tests do
// not care which.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"

namespace anpr {

// One captured image with the times it was taken.
struct Frame {
  cv::Mat image;                   // BGR, 8 bits per channel (CV_8UC3)
  int64_t captured_at_utc_ms = 0;  // capture instant on the system clock (UTC)
  int64_t captured_at_mono_ms = 0; // the same instant on CLOCK_MONOTONIC
  // Counts every frame the source delivered or lost since it was made, across
  // reconnects: a jump of more than one means frames were dropped upstream.
  uint64_t sequence = 0;
};

// What the unit shows about a source.
enum class SourceState {
  kClosed,        // not opened yet, or closed
  kStreaming,     // delivering frames
  kFault,         // failed and will not retry (bad configuration, unreadable file)
  kReconnecting,  // device lost; retrying with backoff, frames resume by themselves
  kEnded,         // a file or folder played to its end
};
// "closed", "streaming", "fault", "reconnecting", "ended".
const char* SourceStateName(SourceState state);

struct SourceHealth {
  SourceState state = SourceState::kClosed;
  std::string message;           // the last fault, in words ("/dev/video0: No such device")
  uint64_t frames_delivered = 0;
  uint64_t frames_dropped = 0;   // lost by the driver or undecodable (garbled)
  uint64_t faults = 0;           // times the source went from streaming to a fault
  int reconnect_attempts = 0;    // failed attempts since the last fault
};

// A stream of frames. Not thread-safe: one thread opens, reads and closes
// (the capture thread); health() may be read by that thread and copied out.
class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // Prepares the source. A camera that is absent is not an error here when it
  // can come back: Open returns ok and Read keeps retrying (state
  // kReconnecting). Errors: bad configuration (kInvalidArgument), a missing
  // file or folder (kNotFound).
  virtual Status Open() = 0;

  // Waits at most timeout_ms for the next frame. Returns the frame, or:
  //   kTimeout      no frame yet (keep calling),
  //   kUnavailable  the device is gone; the source retries on later calls,
  //   kCorruption   one frame could not be decoded (counted as dropped; the
  //                 stream goes on),
  //   kNotFound     end of a file or folder (state kEnded),
  //   other         a fault that needs the operator (state kFault).
  virtual Result<Frame> Read(int64_t timeout_ms) = 0;

  // Releases the device or file. Safe to call twice.
  virtual void Close() = 0;

  virtual SourceHealth health() const = 0;
  // For logs and the screen: "/dev/video0", "drive.avi", "frames/".
  virtual std::string name() const = 0;
};

// Options shared by the replay sources (video file, image folder).
struct ReplayOptions {
  // Frames are stamped start_utc_ms + index / fps; 0 means the time Open ran.
  int64_t start_utc_ms = 0;
  // Used when the file does not say (folders never do; some videos do not).
  double fps = 10;
  // Sleep between frames so replay runs at fps, as a camera would. Off for
  // tests and batch processing.
  bool realtime = false;
  // Restart from the first frame at the end instead of ending (demo loops).
  bool loop = false;
};

// A video file OpenCV can read (AVI/MJPG, MP4 where the codec is present).
std::unique_ptr<FrameSource> MakeVideoFileSource(std::string path, ReplayOptions options = {});

// Every .jpg/.jpeg/.png/.bmp in a folder, in file-name order. An unreadable
// image is reported (kCorruption naming the file) and skipped.
std::unique_ptr<FrameSource> MakeImageFolderSource(std::string folder, ReplayOptions options = {});

// Clock helpers for stamping frames.
int64_t MonotonicNowMs();
int64_t SystemUtcNowMs();

}  // namespace anpr
