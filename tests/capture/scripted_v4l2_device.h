// A stand-in for a UVC webcam behind the V4l2Device seam, behaving as the
// kernel does for the calls the camera makes: it adjusts formats it does not
// offer, hands out mmap buffers, fills queued buffers with frames stamped on
// CLOCK_MONOTONIC, and can be scripted to fail the way real cameras do
// (EAGAIN, EINTR, a garbled MJPEG frame, ENODEV when the cable is pulled,
// ENOENT while it is out, then back again). Single-threaded, like the camera.
#pragma once

#include <linux/videodev2.h>
#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <time.h>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "capture/v4l2_device.h"

namespace anpr::testing {

class ScriptedV4l2Device : public V4l2Device {
 public:
  struct Size {
    uint32_t width, height;
  };
  struct Offer {
    uint32_t fourcc;
    std::vector<Size> sizes;
  };

  std::string path = "/dev/video7";
  std::vector<Offer> offers = {{V4L2_PIX_FMT_MJPEG, {{640, 480}, {1280, 720}}},
                               {V4L2_PIX_FMT_YUYV, {{640, 480}, {320, 240}}}};
  std::vector<double> rates = {30, 15};
  bool has_exposure = true;  // offers exposure_auto / exposure_absolute / gain
  bool metadata_node = false; // a UVC metadata node: not a capture device

  // --- the script ---
  bool present = true;        // false: Open fails with ENOENT
  int eintr_next = 0;         // the next N ioctls fail with EINTR
  int eagain_next = 0;        // the next N DQBUFs fail with EAGAIN
  int unplug_after = -1;      // after this many more frames, the cable is pulled
  int replug_after_opens = 0; // while out, plugged back in after this many failed opens
  int garble_next = 0;        // the next N frames carry a broken JPEG
  uint32_t skip_sequence = 0; // the driver drops this many frames before the next
  bool same_picture = false;  // reuse frame 0's picture (benchmarks: no encode cost)

  // --- what the camera did, for assertions ---
  std::map<uint32_t, int> controls;  // control id -> value set
  int opens = 0;
  int mapped = 0;  // buffers currently mapped
  uint32_t granted_width = 0, granted_height = 0, granted_fourcc = 0;
  int frames_made = 0;

  // The grey level of frame n, so a test can tell frames apart after decoding.
  static int LevelOf(int n) { return 40 + (n * 30) % 180; }

  void Unplug() {
    present = false;
    for (auto& [fd, st] : fds_) st.gone = true;
  }
  void Replug() { present = true; }

  int Open(const char* p, int) override {
    if (!present && replug_after_opens > 0 && --replug_after_opens == 0) {
      present = true;
      errno = ENOENT;
      return -1;
    }
    if (!present || path != p) {
      errno = ENOENT;
      return -1;
    }
    ++opens;
    const int fd = next_fd_++;
    fds_[fd] = {};
    return fd;
  }

  int Close(int fd) override {
    if (!fds_.erase(fd)) {
      errno = EBADF;
      return -1;
    }
    return 0;
  }

  int Ioctl(int fd, unsigned long request, void* arg) override {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return Fail(EBADF);
    if (eintr_next > 0) {
      --eintr_next;
      return Fail(EINTR);
    }
    FdState& st = it->second;
    if (st.gone) return Fail(ENODEV);
    switch (request) {
      case VIDIOC_QUERYCAP: {
        auto* cap = static_cast<v4l2_capability*>(arg);
        *cap = {};
        std::strncpy(reinterpret_cast<char*>(cap->driver), "uvcvideo", sizeof(cap->driver) - 1);
        std::strncpy(reinterpret_cast<char*>(cap->card), "Scripted Webcam", sizeof(cap->card) - 1);
        std::strncpy(reinterpret_cast<char*>(cap->bus_info), "usb-0000:00:14.0-1", sizeof(cap->bus_info) - 1);
        cap->device_caps = metadata_node ? V4L2_CAP_META_CAPTURE : (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_STREAMING);
        cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
        return 0;
      }
      case VIDIOC_ENUM_FMT: {
        auto* f = static_cast<v4l2_fmtdesc*>(arg);
        if (f->index >= offers.size()) return Fail(EINVAL);
        f->pixelformat = offers[f->index].fourcc;
        std::strncpy(reinterpret_cast<char*>(f->description),
                     f->pixelformat == V4L2_PIX_FMT_MJPEG ? "Motion-JPEG" : "YUYV 4:2:2", sizeof(f->description) - 1);
        return 0;
      }
      case VIDIOC_ENUM_FRAMESIZES: {
        auto* s = static_cast<v4l2_frmsizeenum*>(arg);
        const Offer* o = Find(s->pixel_format);
        if (!o || s->index >= o->sizes.size()) return Fail(EINVAL);
        s->type = V4L2_FRMSIZE_TYPE_DISCRETE;
        s->discrete.width = o->sizes[s->index].width;
        s->discrete.height = o->sizes[s->index].height;
        return 0;
      }
      case VIDIOC_ENUM_FRAMEINTERVALS: {
        auto* i = static_cast<v4l2_frmivalenum*>(arg);
        if (i->index >= rates.size()) return Fail(EINVAL);
        i->type = V4L2_FRMIVAL_TYPE_DISCRETE;
        i->discrete.numerator = 1;
        i->discrete.denominator = uint32_t(rates[i->index]);
        return 0;
      }
      case VIDIOC_S_FMT: {
        if (st.streaming) return Fail(EBUSY);
        auto* f = static_cast<v4l2_format*>(arg);
        // Like real drivers: never refuse, adjust to the nearest offer.
        const Offer* o = Find(f->fmt.pix.pixelformat);
        if (!o) o = &offers[0];
        Size best = o->sizes[0];
        long best_d = -1;
        for (const Size& s : o->sizes) {
          const long d = std::labs(long(s.width) * s.height - long(f->fmt.pix.width) * f->fmt.pix.height);
          if (best_d < 0 || d < best_d) { best = s; best_d = d; }
        }
        f->fmt.pix.pixelformat = o->fourcc;
        f->fmt.pix.width = best.width;
        f->fmt.pix.height = best.height;
        f->fmt.pix.field = V4L2_FIELD_NONE;
        f->fmt.pix.bytesperline = o->fourcc == V4L2_PIX_FMT_YUYV ? best.width * 2 : 0;
        f->fmt.pix.sizeimage = best.width * best.height * 2;
        granted_fourcc = o->fourcc;
        granted_width = best.width;
        granted_height = best.height;
        return 0;
      }
      case VIDIOC_G_PARM:
      case VIDIOC_S_PARM: {
        auto* p = static_cast<v4l2_streamparm*>(arg);
        p->parm.capture.capability = V4L2_CAP_TIMEPERFRAME;
        if (request == VIDIOC_S_PARM && p->parm.capture.timeperframe.numerator != 0) {
          const double want = double(p->parm.capture.timeperframe.denominator) / p->parm.capture.timeperframe.numerator;
          double best = rates[0];
          for (double r : rates) if (std::abs(r - want) < std::abs(best - want)) best = r;
          rate_ = best;
        }
        p->parm.capture.timeperframe.numerator = 1;
        p->parm.capture.timeperframe.denominator = uint32_t(rate_);
        return 0;
      }
      case VIDIOC_QUERYCTRL: {
        auto* q = static_cast<v4l2_queryctrl*>(arg);
        if (!has_exposure) return Fail(EINVAL);
        if (q->id == V4L2_CID_EXPOSURE_AUTO) { q->minimum = 0; q->maximum = 3; return 0; }
        if (q->id == V4L2_CID_EXPOSURE_ABSOLUTE) { q->minimum = 3; q->maximum = 2047; return 0; }
        if (q->id == V4L2_CID_GAIN) { q->minimum = 0; q->maximum = 255; return 0; }
        return Fail(EINVAL);
      }
      case VIDIOC_S_CTRL: {
        auto* c = static_cast<v4l2_control*>(arg);
        controls[c->id] = c->value;
        return 0;
      }
      case VIDIOC_REQBUFS: {
        auto* r = static_cast<v4l2_requestbuffers*>(arg);
        if (r->count == 0) {
          if (mapped > 0) return Fail(EBUSY);  // the kernel refuses while mapped
          buffers_.clear();
          return 0;
        }
        r->count = std::min<uint32_t>(r->count, 8);
        buffers_.assign(r->count, std::vector<uint8_t>(size_t(granted_width) * granted_height * 2 + 4096));
        queued_.clear();
        return 0;
      }
      case VIDIOC_QUERYBUF: {
        auto* b = static_cast<v4l2_buffer*>(arg);
        if (b->index >= buffers_.size()) return Fail(EINVAL);
        b->length = uint32_t(buffers_[b->index].size());
        b->m.offset = b->index * kOffsetStep;
        return 0;
      }
      case VIDIOC_QBUF: {
        auto* b = static_cast<v4l2_buffer*>(arg);
        if (b->index >= buffers_.size()) return Fail(EINVAL);
        queued_.push_back(b->index);
        return 0;
      }
      case VIDIOC_STREAMON: st.streaming = true; driver_sequence_ = 0; return 0;
      case VIDIOC_STREAMOFF: st.streaming = false; queued_.clear(); return 0;
      case VIDIOC_DQBUF: return Dequeue(st, static_cast<v4l2_buffer*>(arg));
      default: return Fail(ENOTTY);
    }
  }

  void* Mmap(void*, size_t length, int, int, int fd, int64_t offset) override {
    if (!fds_.count(fd) || offset % kOffsetStep != 0 || size_t(offset / kOffsetStep) >= buffers_.size() ||
        length != buffers_[size_t(offset / kOffsetStep)].size()) {
      errno = EINVAL;
      return MAP_FAILED;
    }
    ++mapped;
    return buffers_[size_t(offset / kOffsetStep)].data();
  }
  int Munmap(void*, size_t) override {
    --mapped;
    return 0;
  }
  int Poll(int fd, int) override {
    if (!fds_.count(fd)) return Fail(EBADF);
    return 1;  // frames are always ready (or the error is)
  }

 private:
  struct FdState {
    bool streaming = false;
    bool gone = false;
  };
  static constexpr int64_t kOffsetStep = 1 << 16;

  static int Fail(int err) {
    errno = err;
    return -1;
  }
  const Offer* Find(uint32_t fourcc) const {
    for (const Offer& o : offers) if (o.fourcc == fourcc) return &o;
    return nullptr;
  }

  int Dequeue(FdState& st, v4l2_buffer* b) {
    if (!st.streaming) return Fail(EINVAL);
    if (eagain_next > 0) {
      --eagain_next;
      return Fail(EAGAIN);
    }
    if (unplug_after == 0) {
      unplug_after = -1;
      Unplug();
      return Fail(ENODEV);
    }
    if (queued_.empty()) return Fail(EAGAIN);
    const uint32_t index = queued_.front();
    queued_.pop_front();
    std::vector<uint8_t>& mem = buffers_[index];
    const int n = same_picture ? 0 : frames_made;
    ++frames_made;
    const int level = LevelOf(n);
    uint32_t used = 0;
    if (granted_fourcc == V4L2_PIX_FMT_YUYV) {
      // Grey: luma = level, chroma neutral.
      used = granted_width * granted_height * 2;
      for (uint32_t i = 0; i < used; i += 2) {
        mem[i] = uint8_t(level);
        mem[i + 1] = 128;
      }
    } else {
      std::vector<uint8_t> jpeg;
      if (same_picture && !cached_jpeg_.empty()) {
        jpeg = cached_jpeg_;
      } else {
        cv::Mat img(int(granted_height), int(granted_width), CV_8UC3, cv::Scalar(level, level, level));
        // Some texture, so the JPEG is not trivially small.
        cv::randu(img, cv::Scalar::all(level - 20), cv::Scalar::all(level + 21));
        cv::imencode(".jpg", img, jpeg);
        if (same_picture) cached_jpeg_ = jpeg;
      }
      if (garble_next > 0) {
        --garble_next;
        jpeg.resize(jpeg.size() / 8);  // a truncated transfer
        std::memset(jpeg.data() + 2, 0xff, std::min<size_t>(jpeg.size() - 2, 64));
      }
      used = uint32_t(std::min(jpeg.size(), mem.size()));
      std::memcpy(mem.data(), jpeg.data(), used);
    }
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    *b = {};
    b->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    b->memory = V4L2_MEMORY_MMAP;
    b->index = index;
    b->bytesused = used;
    b->flags = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_DONE;
    // Exposure finished 5 ms before the buffer is handed over.
    int64_t us = int64_t(now.tv_sec) * 1000000 + now.tv_nsec / 1000 - 5000;
    b->timestamp.tv_sec = us / 1000000;
    b->timestamp.tv_usec = us % 1000000;
    driver_sequence_ += skip_sequence;
    skip_sequence = 0;
    b->sequence = driver_sequence_++;
    if (unplug_after > 0) --unplug_after;
    return 0;
  }

  std::map<int, FdState> fds_;
  int next_fd_ = 100;
  double rate_ = 30;
  std::vector<std::vector<uint8_t>> buffers_;
  std::vector<uint8_t> cached_jpeg_;
  std::deque<uint32_t> queued_;
  uint32_t driver_sequence_ = 0;
};

}  // namespace anpr::testing
