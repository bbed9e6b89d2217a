// Turns per-frame plate observations into one read per vehicle pass: plates
// are followed across frames by position and text, every character position
// is voted on with the readers' confidences, and a pass is read once - early,
// as soon as the vote is already certain, or when the plate leaves view.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/recognition/plate.h"
#include "vehicle/records/read.h"

namespace anpr {

// The recognition part of a Read (vehicle/read.h) for one pass, with where
// and when the plate was seen. The caller adds uuid, time, GPS, images.
struct PassRead {
  std::string vrm;
  double confidence = 0;  // 0-100
  std::vector<float> char_confidence;
  std::vector<PlateCandidate> candidates;  // next-best readings, best first
  std::string syntax;
  int64_t first_seen_ms = 0;  // stream time of the first and last frames
  int64_t last_seen_ms = 0;
  int64_t read_at_ms = 0;     // stream time at which the read was made
  int frames = 0;             // observations voted
  bool early = false;         // read before the plate left view
  // The evidence observation: its box, corners, plate patch and overview.
  // Chosen among the pass's observations: inside the frame before at its
  // edge, then the reading closest to `vrm`, then the most confident; so the
  // picture shows what was read.
  cv::Rect box;
  std::array<cv::Point2f, 4> corners{};
  cv::Mat patch;
  cv::Mat overview;  // the best observation's wider view (may be empty)
};

struct TrackerOptions {
  // A track not seen for this long is finished.
  int64_t lost_after_ms = 600;
  // Early read: at least this many observations, and every character's vote
  // at least this confident (0-100).
  int early_min_frames = 3;
  double early_min_char_confidence = 80;
  // A pass seen in a single frame is read only if that reading is this sure.
  double single_frame_min_confidence = 70;
  // The same text read again within this time of an earlier read of it is
  // the same pass (the plate was lost for a moment), not a new one.
  int64_t repeat_window_ms = 4000;
  // ... and within this time when it is read again at the same place in the
  // frame: a parked vehicle, the car being followed, or a sign, hidden for
  // a while by the traffic passing in front of it.
  int64_t same_place_window_ms = 60000;
};

// Not thread-safe; one tracker per camera stream. Times must not go back.
class PlateTracker {
 public:
  explicit PlateTracker(Region region, TrackerOptions options = {});

  // Adds one frame's observations (stream time t_ms) and returns the reads
  // this frame completed: early reads and tracks that just went out of view.
  std::vector<PassRead> Update(int64_t t_ms, const std::vector<PlateObservation>& observations);

  // End of the stream: the reads of every track not read yet.
  std::vector<PassRead> Flush();

  // Tracks currently followed (for display and tests).
  size_t active_tracks() const { return tracks_.size(); }

 private:
  struct Track {
    int64_t first_ms = 0, last_ms = 0;
    cv::Rect last_box;
    // Votes by reading length, then by position: character -> weight.
    std::map<size_t, std::vector<std::map<char, double>>> votes;
    std::map<size_t, int> frames_by_length;
    int frames = 0;
    std::string last_text;
    bool read = false;
    std::string read_vrm;  // what the early read said
    // Evidence candidates: the most confident observation of each distinct
    // reading, inside the frame and at its edge apart, at most kMaxEvidenceReadings of them (the least confident
    // gives way).
    std::vector<PlateObservation> evidence;
  };
  static constexpr size_t kMaxEvidenceReadings = 6;

  bool Matches(const Track& t, const PlateObservation& o, int64_t t_ms) const;
  void Add(Track& t, const PlateObservation& o, int64_t t_ms);
  PassRead Vote(const Track& t, int64_t now_ms) const;
  bool Certain(const PassRead& r, const Track& t) const;
  // Records the read unless it repeats a recent read of the same pass.
  void Emit(PassRead r, std::vector<PassRead>* out);

  Region region_;
  TrackerOptions options_;
  std::vector<Track> tracks_;
  // Reads made lately, oldest first: for Emit's repeat checks.
  struct Recent {
    int64_t last_seen_ms = 0;  // refreshed while the pass goes on being seen
    std::string vrm;
    cv::Rect box;              // where it was last seen
  };
  // Notes that the pass read as `vrm` was seen until `last_seen_ms` at `box`.
  void Refresh(const std::string& vrm, int64_t last_seen_ms, const cv::Rect& box);
  std::deque<Recent> recent_;
};

}  // namespace anpr
