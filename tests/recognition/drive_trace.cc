// Developer tool (not a test): plays synthetic drive-bys through the
// recognizer and one PlateTracker, frame by frame: how long after a plate's
// first sight each pass is read, whether early, and whether right.
//   drive_trace SEED                  every frame of one drive, then its reads
//   drive_trace FROM TO               a summary over drives FROM..TO (seeds)
//   drive_trace FROM TO --no-agree    the same without the early read by
//                                     agreement of several frames
//   drive_trace FROM TO --agree-min C the agreement route's character bar C
//   --agree-frames K --agree-window N the agreement route's K of N frames
//   --vehicles N                      vehicles a drive (default 40, as the
//                                     unit's synthetic cameras and
//                                     `anpr bench-unit` draw them)
//   --slowest K                       list the K slowest right reads
// Drives are 1280x720 at 15 fps (capture/synth.h).
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
  struct Slow {
    double latency_ms;
    uint64_t seed;
    std::string vrm;
  };
  std::vector<Slow> slow;  // every right read, to list the slowest
};

struct Args {
  uint64_t from = 0, to = 0;
  int vehicles = 40;
  int slowest = 0;
  TrackerOptions options;
};

void Run(uint64_t seed, int vehicles, Recognizer& recognizer, const TrackerOptions& options, bool verbose,
         Tally* tally) {
  synth::DriveByOptions d;
  d.random_vehicles = vehicles;
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
    if (right) {
      tally->right_latency_ms.push_back(double(r.read_at_ms - r.first_seen_ms));
      tally->slow.push_back({double(r.read_at_ms - r.first_seen_ms), seed, r.vrm});
    }
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

bool ParseArgs(int argc, char** argv, Args* a) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--no-agree") {
      a->options.early_agree_frames = 0;
    } else if (arg == "--agree-min" && has_value) {
      a->options.early_agree_min_char_confidence = std::atof(argv[++i]);
    } else if (arg == "--agree-frames" && has_value) {
      a->options.early_agree_frames = std::atoi(argv[++i]);
    } else if (arg == "--agree-window" && has_value) {
      a->options.early_agree_window = std::atoi(argv[++i]);
    } else if (arg == "--vehicles" && has_value) {
      a->vehicles = std::atoi(argv[++i]);
    } else if (arg == "--slowest" && has_value) {
      a->slowest = std::atoi(argv[++i]);
    } else if (!arg.empty() && arg[0] != '-') {
      positional.push_back(arg);
    } else {
      return false;
    }
  }
  if (positional.empty() || positional.size() > 2 || a->vehicles < 1) return false;
  a->from = std::strtoull(positional[0].c_str(), nullptr, 10);
  a->to = positional.size() > 1 ? std::strtoull(positional[1].c_str(), nullptr, 10) : a->from;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!ParseArgs(argc, argv, &a)) {
    std::fprintf(stderr,
                 "usage: drive_trace SEED | drive_trace FROM TO [--vehicles N] [--slowest K] [--no-agree] "
                 "[--agree-min C] [--agree-frames K] [--agree-window N]\n");
    return 2;
  }
  auto made = Recognizer::Create();
  if (!made.ok()) return 1;
  Tally t;
  for (uint64_t seed = a.from; seed <= a.to; ++seed) Run(seed, a.vehicles, **made, a.options, a.from == a.to, &t);
  const uint64_t from = a.from, to = a.to;
  std::printf("drives %llu-%llu: %d vehicles, %d reads, %d right (%.1f%% of vehicles), %d early of which %d right; "
              "%d revisions of which %d right; first sight to a right read p50 %.0f ms, p95 %.0f ms\n",
              (unsigned long long)from, (unsigned long long)to, t.passes, t.reads, t.right,
              t.passes ? 100.0 * t.right / t.passes : 0.0, t.early, t.early_right, t.revisions, t.revisions_right,
              Percentile(t.right_latency_ms, 50), Percentile(t.right_latency_ms, 95));
  std::sort(t.slow.begin(), t.slow.end(), [](const auto& x, const auto& y) { return x.latency_ms > y.latency_ms; });
  for (int k = 0; k < a.slowest && k < int(t.slow.size()); ++k) {
    std::printf("  slow: seed %llu %s %.0f ms\n", (unsigned long long)t.slow[k].seed, t.slow[k].vrm.c_str(),
                t.slow[k].latency_ms);
  }
  return 0;
}
