// Developer tool (not a test): plays synthetic drive-bys through the
// recognizer and one PlateTracker, frame by frame: how long after a plate's
// first sight each pass is read, whether early, and whether right.
//   drive_trace SEED                  every frame of one drive, then its reads
//   drive_trace FROM TO               a summary over drives FROM..TO (seeds)
//   drive_trace FROM TO --no-agree    the same without the early read by
//                                     agreement of several frames
//   drive_trace FROM TO --agree-min C the agreement route's character bar C
// Drives are 1280x720 at 15 fps with 6 vehicles each (capture/synth.h).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "capture/synth.h"
#include "vehicle/records/percentile.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/recognizer.h"

namespace {

using namespace anpr;

struct Tally {
  int passes = 0, reads = 0, right = 0, early = 0, early_right = 0, revisions = 0, revisions_right = 0;
  std::vector<double> right_latency_ms;  // first sight to read, right reads
};

void Run(uint64_t seed, Recognizer& recognizer, const TrackerOptions& options, bool verbose, Tally* tally) {
  synth::DriveByOptions d;
  d.random_vehicles = 6;
  synth::DriveBy drive(seed, d);
  PlateTracker tracker(Region::kGb, options);
  std::set<std::string> truth;
  auto judge = [&](const PassRead& r) {
    const bool right = truth.count(r.vrm) > 0;
    ++tally->reads;
    tally->right += right;
    tally->early += r.early;
    tally->early_right += r.early && right;
    tally->revisions += r.revision;
    tally->revisions_right += r.revision && right;
    if (right) tally->right_latency_ms.push_back(double(r.read_at_ms - r.first_seen_ms));
    if (verbose) {
      std::printf("  => READ %s conf %.0f early %d %s, %lld ms after first sight\n", r.vrm.c_str(), r.confidence,
                  r.early ? 1 : 0, right ? "right" : "WRONG", (long long)(r.read_at_ms - r.first_seen_ms));
    }
  };
  for (int i = 0; i < drive.frame_count(); ++i) {
    synth::DriveByFrame f = drive.Frame(i);
    for (const auto& p : f.plates) truth.insert(p.text);
    auto obs = recognizer.Recognize(f.image);
    if (verbose) {
      std::printf("t=%5lld", (long long)f.t_ms);
      for (size_t k = 0; k < f.plates.size(); ++k) {
        std::printf("  [pass %d %s w=%dpx]", f.pass_index[k], f.plates[k].text.c_str(), f.plates[k].box.width);
      }
      for (const auto& o : obs) {
        std::printf("  read %s %.0f (", o.text.c_str(), o.confidence);
        for (const auto& c : o.chars) std::printf("%.0f ", c.confidence);
        std::printf(")");
      }
      std::printf("\n");
    }
    for (const PassRead& r : tracker.Update(f.t_ms, obs)) judge(r);
  }
  for (const PassRead& r : tracker.Flush()) judge(r);
  tally->passes += int(truth.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: drive_trace SEED | drive_trace FROM TO\n");
    return 2;
  }
  auto made = Recognizer::Create();
  if (!made.ok()) return 1;
  const uint64_t from = std::strtoull(argv[1], nullptr, 10);
  const uint64_t to = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : from;
  TrackerOptions options;
  if (argc > 3 && std::string(argv[3]) == "--no-agree") options.early_agree_frames = 0;
  if (argc > 4 && std::string(argv[3]) == "--agree-min") options.early_agree_min_char_confidence = std::atof(argv[4]);
  Tally t;
  for (uint64_t seed = from; seed <= to; ++seed) Run(seed, **made, options, from == to, &t);
  std::printf("drives %llu-%llu: %d vehicles, %d reads, %d right (%.1f%% of vehicles), %d early of which %d right; "
              "%d revisions of which %d right; first sight to a right read p50 %.0f ms, p95 %.0f ms\n",
              (unsigned long long)from, (unsigned long long)to, t.passes, t.reads, t.right,
              t.passes ? 100.0 * t.right / t.passes : 0.0, t.early, t.early_right, t.revisions, t.revisions_right,
              Percentile(t.right_latency_ms, 50), Percentile(t.right_latency_ms, 95));
  return 0;
}
