// Figures for the capture path (not a test): what one camera frame costs the
// capture thread (dequeue + MJPEG/YUYV decode to BGR + stamping), and what
// tagging a frame against a full fix history costs.
//   cmake --build build/release --target capture_bench
//   build/release/tests/capture/capture_bench
#include <benchmark/benchmark.h>

#include <linux/videodev2.h>

#include "capture/camera.h"
#include "capture/tagging.h"
#include "scripted_v4l2_device.h"

namespace anpr {
namespace {

void CameraRead(benchmark::State& state, uint32_t fourcc, int w, int h) {
  testing::ScriptedV4l2Device dev;
  dev.offers = {{fourcc, {{uint32_t(w), uint32_t(h)}}}};
  dev.same_picture = true;
  CameraOptions o;
  o.device = dev.path;
  o.width_px = w;
  o.height_px = h;
  o.format = fourcc == V4L2_PIX_FMT_MJPEG ? PixelFormat::kMjpeg : PixelFormat::kYuyv;
  V4l2Camera cam(dev, o);
  if (!cam.Open().ok()) {
    state.SkipWithError("open failed");
    return;
  }
  for (auto _ : state) {
    auto f = cam.Read(1000);
    if (!f.ok()) {
      state.SkipWithError(f.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(f->image.data);
  }
  state.counters["fps"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(CameraRead, mjpeg_640x480, V4L2_PIX_FMT_MJPEG, 640, 480)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CameraRead, mjpeg_1280x720, V4L2_PIX_FMT_MJPEG, 1280, 720)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CameraRead, mjpeg_1920x1080, V4L2_PIX_FMT_MJPEG, 1920, 1080)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CameraRead, yuyv_640x480, V4L2_PIX_FMT_YUYV, 640, 480)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(CameraRead, yuyv_1280x720, V4L2_PIX_FMT_YUYV, 1280, 720)->Unit(benchmark::kMillisecond);

void TagFromFullHistory(benchmark::State& state) {
  std::vector<GpsFix> history;
  for (int i = 0; i < 600; ++i) {  // the client's default: 10 min at 1 Hz
    GpsFix f;
    f.mode = FixMode::k3D;
    f.time_utc_ms = 1'700'000'000'000 + i * 1000;
    f.lat_deg = 51.5 + i * 1e-4;
    f.lon_deg = -0.2 + i * 1e-4;
    f.speed_mps = 13;
    f.track_deg = 45;
    history.push_back(f);
  }
  int64_t t = 1'700'000'000'000 + 300'500;
  for (auto _ : state) {
    benchmark::DoNotOptimize(TagPosition(history, t));
    t = t == 1'700'000'000'000 + 599'000 ? 1'700'000'000'000 : t + 37;
  }
}
BENCHMARK(TagFromFullHistory)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace anpr

BENCHMARK_MAIN();
