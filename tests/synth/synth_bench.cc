// Speed of the generator: a drive-by frame must render well inside a 15 fps
// demo's 66 ms budget. Run from a Release build:
//   build/release/tests/synth/synth_bench
// OpenCV runs on one thread here (as on the unit, where recognition has the
// other core), so the CPU column is the whole cost of a frame.
#include <benchmark/benchmark.h>

#include <opencv2/core/utility.hpp>

#include "capture/synth.h"

namespace {

using anpr::synth::DriveBy;
using anpr::synth::DriveByOptions;
using anpr::synth::Lighting;

void BM_DriveByFrame(benchmark::State& state) {
  DriveByOptions o;
  o.width_px = static_cast<int>(state.range(0));
  o.height_px = static_cast<int>(state.range(1));
  o.lighting = static_cast<Lighting>(state.range(2));
  o.random_vehicles = 4;
  DriveBy drive(1, o);
  int i = 0;
  for (auto _ : state) {
    auto frame = drive.Frame(i);
    benchmark::DoNotOptimize(frame.image.data);
    i = (i + 1) % drive.frame_count();  // every phase of every pass, gaps included
  }
}
BENCHMARK(BM_DriveByFrame)
    ->Args({1280, 720, static_cast<int>(Lighting::kDay)})
    ->Args({1280, 720, static_cast<int>(Lighting::kNight)})
    ->Args({1280, 720, static_cast<int>(Lighting::kInfrared)})
    ->Args({640, 480, static_cast<int>(Lighting::kDay)})
    ->Args({1920, 1080, static_cast<int>(Lighting::kDay)})
    ->Unit(benchmark::kMillisecond);

void BM_MakeScene(benchmark::State& state) {
  anpr::synth::SceneOptions o;
  o.noise_sigma = 3;
  o.lighting = static_cast<Lighting>(state.range(0));
  uint64_t seed = 1;
  for (auto _ : state) {
    auto scene = anpr::synth::MakeScene(seed++, o);
    benchmark::DoNotOptimize(scene.image.data);
  }
}
BENCHMARK(BM_MakeScene)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_RenderPlate(benchmark::State& state) {
  int char_px = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto plate = anpr::synth::RenderPlate({"AB12 CDE", anpr::synth::PlateStyle::kUkRear, false}, char_px);
    benchmark::DoNotOptimize(plate.data);
  }
}
BENCHMARK(BM_RenderPlate)->Arg(20)->Arg(60)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  cv::setNumThreads(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
