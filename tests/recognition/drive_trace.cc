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
//   --list-stray                      list every stray read and every pass
//                                     not read exactly once (done anyway
//                                     when there are at most 20 of each)
//   --no-plate-classifier             the detector's rule alone judges its
//                                     proposals, without the learned plate
//                                     classifier (RecognizerOptions)
// Drives are 1280x720 at 15 fps (capture/synth.h). The first line printed
// names the machine and the build (vehicle/app/machine_line.h).
//
// Each read the tracker makes (an early read, its revision and a read at
// the end of a pass each count as one) is given to one vehicle pass of its
// drive, or to none:
//   1. its VRM is a pass's plate: that pass (when two passes of the drive
//      share the plate, the one in view during the read's track);
//   2. else its VRM is within one character (one letter changed, added or
//      lost) of the plate of a pass in view during the read's track
//      (first..last seen) whose plate box, in one of those frames, meets the
//      read's evidence box: that pass (the nearest reading, then the
//      largest overlap, when several fit);
//   3. else, when it is an early read or its revision (same pass_id) and
//      the other of the two was given to a pass by 1 or 2: that pass (a
//      plate read in part early, `AJ11` of AJ11CLY, then revised whole);
//   4. else it is a stray read: text of the scene's signs, other non-plate
//      text, or a misread too far from any plate.
// The summary then gives, after the line of reads and latencies:
//   passes P: read exactly once A, read more than once B (C an early read
//   and its revision, D more than one track), read once but wrong E,
//   missed F
//     where "read exactly once" is one read of the pass and it is right (its
//     VRM is the plate), "read more than once" is two or more reads, right
//     or not, and "missed" is no read at all: A + B + E + F = P;
//   stray reads S (on a plate but more than one character off T, off every
//   plate U)
//     where "on a plate" means the read's evidence box met a plate box in
//     view during its track (a bad misread); "off every plate" is text read
//     elsewhere in the scene (signs);
// then, with --list-stray or when at most 20, one line per stray read (t:
// the stream time the read was made; box: its evidence box in the frame):
//   stray: seed 18 t 1733 ms "BU55TOP" box 614,151 95x20 off every plate
//   stray: seed 12 t 900 ms "AB1" box 500,400 90x22 on the plate of AB12CDE
// and one line per pass not read exactly once (#: the pass's index in its
// drive), ending "missed", "read once, wrong: READ" or, for example,
//   pass: seed 12 #4 AJ11CLY read 2 times: AJ11 (early) AJ11CLY (revision of AJ11)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "capture/synth.h"
#include "vehicle/app/machine_line.h"
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
  // Reads given to passes (see the header comment).
  int once = 0, more = 0, more_revised = 0, more_tracks = 0, wrong_once = 0, missed = 0;
  int stray_on_plate = 0, stray_off = 0;
  std::vector<std::string> stray_lines, pass_lines;
};

struct Args {
  uint64_t from = 0, to = 0;
  int vehicles = 40;
  int slowest = 0;
  bool list_stray = false;
  bool plate_classifier = true;  // --no-plate-classifier: the detector's rule alone judges proposals
  TrackerOptions options;
};

// One vehicle pass of a drive: its plate and where that plate was in view.
struct PassTruth {
  std::string plate;
  std::vector<std::pair<int64_t, cv::Rect>> seen;  // (frame time, plate box)
  std::vector<size_t> reads;                       // indices into the drive's reads
};

// True when `a` becomes `b` by at most one letter changed, added or lost.
bool WithinOneEdit(const std::string& a, const std::string& b) {
  if (a.size() > b.size()) return WithinOneEdit(b, a);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) return i == a.size() || a.compare(i + 1, std::string::npos, b, i + 1) == 0;
  return a.compare(i, std::string::npos, b, i + 1) == 0;
}

// The largest area by which `read` meets the pass's plate box in a frame of
// the read's track; 0 when it never does (or the pass was not in view).
int OverlapDuringTrack(const PassTruth& pass, const PassRead& read) {
  int best = 0;
  for (const auto& [t_ms, box] : pass.seen) {
    if (t_ms < read.first_seen_ms || t_ms > read.last_seen_ms) continue;
    best = std::max(best, (box & read.box).area());
  }
  return best;
}

bool InViewDuringTrack(const PassTruth& pass, const PassRead& read) {
  for (const auto& seen : pass.seen) {
    if (seen.first >= read.first_seen_ms && seen.first <= read.last_seen_ms) return true;
  }
  return false;
}

// The pass `read` belongs to by rules 1 and 2 of the header comment; -1
// when it is a stray read.
int AttributeRead(const std::vector<PassTruth>& passes, const PassRead& read) {
  int exact = -1;
  for (size_t p = 0; p < passes.size(); ++p) {
    if (passes[p].plate != read.vrm) continue;
    if (exact < 0 || InViewDuringTrack(passes[p], read)) exact = int(p);
  }
  if (exact >= 0) return exact;
  int best = -1, best_overlap = 0;
  for (size_t p = 0; p < passes.size(); ++p) {
    if (!WithinOneEdit(passes[p].plate, read.vrm)) continue;
    const int overlap = OverlapDuringTrack(passes[p], read);
    if (overlap > best_overlap) {
      best = int(p);
      best_overlap = overlap;
    }
  }
  return best;
}

std::string Describe(const PassRead& r) {
  std::string tags;
  if (r.early) tags += "early";
  if (r.revision) tags += std::string(tags.empty() ? "" : ", ") + "revision of " + r.revises_vrm;
  return r.vrm + (tags.empty() ? "" : " (" + tags + ")");
}

// Gives each of the drive's reads to a pass or to none, and counts.
void JudgePasses(uint64_t seed, std::vector<PassTruth>& passes, const std::vector<PassRead>& reads, Tally* tally) {
  std::vector<int> pass_of(reads.size());
  std::map<uint64_t, int> pass_of_track;  // tracker pass_id -> pass, by rules 1 and 2
  for (size_t i = 0; i < reads.size(); ++i) {
    pass_of[i] = AttributeRead(passes, reads[i]);
    if (pass_of[i] >= 0) pass_of_track.emplace(reads[i].pass_id, pass_of[i]);
  }
  for (size_t i = 0; i < reads.size(); ++i) {
    const PassRead& r = reads[i];
    auto track = pass_of_track.find(r.pass_id);
    const int pass = pass_of[i] >= 0 ? pass_of[i] : track != pass_of_track.end() ? track->second : -1;
    if (pass >= 0) {
      passes[size_t(pass)].reads.push_back(i);
      continue;
    }
    const PassTruth* under = nullptr;
    int under_overlap = 0;
    for (const PassTruth& p : passes) {
      const int overlap = OverlapDuringTrack(p, r);
      if (overlap > under_overlap) {
        under = &p;
        under_overlap = overlap;
      }
    }
    (under ? tally->stray_on_plate : tally->stray_off) += 1;
    char line[256];
    std::snprintf(line, sizeof line, "  stray: seed %llu t %lld ms \"%s\" box %d,%d %dx%d %s%s",
                  (unsigned long long)seed, (long long)r.read_at_ms, r.vrm.c_str(), r.box.x, r.box.y, r.box.width,
                  r.box.height, under ? "on the plate of " : "off every plate", under ? under->plate.c_str() : "");
    tally->stray_lines.push_back(line);
  }
  for (size_t p = 0; p < passes.size(); ++p) {
    const PassTruth& pass = passes[p];
    if (pass.seen.empty()) continue;  // never in view: not a pass of this drive's frames
    ++tally->passes;
    std::string what;
    if (pass.reads.empty()) {
      ++tally->missed;
      what = "missed";
    } else if (pass.reads.size() == 1) {
      const PassRead& r = reads[pass.reads.front()];
      if (r.vrm == pass.plate) {
        ++tally->once;
        continue;
      }
      ++tally->wrong_once;
      what = std::string("read once, wrong: ").append(Describe(r));
    } else {
      ++tally->more;
      std::set<uint64_t> tracks;
      what = "read " + std::to_string(pass.reads.size()) + " times:";
      for (size_t i : pass.reads) {
        tracks.insert(reads[i].pass_id);
        what.append(" ").append(Describe(reads[i]));  // (" " + string trips GCC 12's -Wrestrict at -O3)
      }
      (tracks.size() > 1 ? tally->more_tracks : tally->more_revised) += 1;
    }
    tally->pass_lines.push_back("  pass: seed " + std::to_string(seed) + " #" + std::to_string(p) + " " +
                                pass.plate + " " + what);
  }
}

void Run(uint64_t seed, int vehicles, Recognizer& recognizer, const TrackerOptions& options, bool verbose,
         Tally* tally) {
  synth::DriveByOptions d;
  d.random_vehicles = vehicles;
  synth::DriveBy drive(seed, d);
  PlateTracker tracker(Region::kGb, options);
  std::set<std::string> truth;
  std::vector<PassTruth> passes(drive.pass_plates().size());
  for (size_t p = 0; p < passes.size(); ++p) passes[p].plate = drive.pass_plates()[p];
  std::vector<PassRead> reads;
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
    PassRead kept = r;
    kept.patch.release();  // only the text, times and box are judged
    kept.overview.release();
    reads.push_back(std::move(kept));
  };
  for (int i = 0; i < drive.frame_count(); ++i) {
    synth::DriveByFrame f = drive.Frame(i);
    for (size_t k = 0; k < f.plates.size(); ++k) {
      truth.insert(f.plates[k].text);
      const size_t p = size_t(f.pass_index[k]);
      if (p < passes.size()) passes[p].seen.push_back({f.t_ms, f.plates[k].box});
    }
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
  JudgePasses(seed, passes, reads, tally);
}

bool ParseArgs(int argc, char** argv, Args* a) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--no-plate-classifier") {
      a->plate_classifier = false;
    } else if (arg == "--no-agree") {
      a->options.early_agree_frames = 0;
    } else if (arg == "--agree-min" && has_value) {
      a->options.early_agree_min_char_confidence = std::atof(argv[++i]);
    } else if (arg == "--agree-frames" && has_value) {
      a->options.early_agree_frames = std::atoi(argv[++i]);
    } else if (arg == "--agree-window" && has_value) {
      a->options.early_agree_window = std::atoi(argv[++i]);
    } else if (arg == "--vehicles" && has_value) {
      a->vehicles = std::atoi(argv[++i]);
    } else if (arg == "--list-stray") {
      a->list_stray = true;
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
                 "[--agree-min C] [--agree-frames K] [--agree-window N] [--list-stray] [--no-plate-classifier]\n");
    return 2;
  }
  std::printf("%s\n", cli::MachineLine().c_str());
  RecognizerOptions options;
  options.use_plate_classifier = a.plate_classifier;
  auto made = Recognizer::Create(options);
  if (!made.ok()) return 1;
  Tally t;
  for (uint64_t seed = a.from; seed <= a.to; ++seed) Run(seed, a.vehicles, **made, a.options, a.from == a.to, &t);
  const uint64_t from = a.from, to = a.to;
  std::printf("drives %llu-%llu: %d vehicles, %d reads, %d right (%.1f%% of vehicles), %d early of which %d right; "
              "%d revisions of which %d right; first sight to a right read p50 %.0f ms, p95 %.0f ms\n",
              (unsigned long long)from, (unsigned long long)to, t.passes, t.reads, t.right,
              t.passes ? 100.0 * t.right / t.passes : 0.0, t.early, t.early_right, t.revisions, t.revisions_right,
              Percentile(t.right_latency_ms, 50), Percentile(t.right_latency_ms, 95));
  std::printf("passes %d: read exactly once %d, read more than once %d (%d an early read and its revision, %d more "
              "than one track), read once but wrong %d, missed %d\n",
              t.passes, t.once, t.more, t.more_revised, t.more_tracks, t.wrong_once, t.missed);
  std::printf("stray reads %d (on a plate but more than one character off %d, off every plate %d)\n",
              t.stray_on_plate + t.stray_off, t.stray_on_plate, t.stray_off);
  constexpr size_t kListedAnyway = 20;
  if (a.list_stray || t.stray_lines.size() <= kListedAnyway) {
    for (const std::string& line : t.stray_lines) std::printf("%s\n", line.c_str());
  }
  if (a.list_stray || t.pass_lines.size() <= kListedAnyway) {
    for (const std::string& line : t.pass_lines) std::printf("%s\n", line.c_str());
  }
  std::sort(t.slow.begin(), t.slow.end(), [](const auto& x, const auto& y) { return x.latency_ms > y.latency_ms; });
  for (int k = 0; k < a.slowest && k < int(t.slow.size()); ++k) {
    std::printf("  slow: seed %llu %s %.0f ms\n", (unsigned long long)t.slow[k].seed, t.slow[k].vrm.c_str(),
                t.slow[k].latency_ms);
  }
  return 0;
}
