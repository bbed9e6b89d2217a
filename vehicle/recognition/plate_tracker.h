// Turns per-frame plate observations into one read per vehicle pass: plates
// are followed across frames by position and text, every character position
// is voted on with the readers' confidences, and a pass is read once - early,
// as soon as the vote is already certain, or when the plate leaves view. A
// pass read early is voted again over all its frames when it leaves view;
// when that reading differs, the tracker says so once, with a revision.
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
  // Names the pass: unique within one tracker (1, 2, ...), and the same for
  // an early read and its revision, so the caller can update what it did
  // with the early read (the hit on screen) instead of adding a new pass.
  uint64_t pass_id = 0;
  // A revision: the pass was read early as `revises_vrm`, and the vote over
  // all its frames, made when it left view (or at Flush), reads `vrm`: a
  // reading that fits a plate syntax, is not just a part of the early one
  // (a plate leaving the view is read in part) and was read at its length
  // in at least as many frames as the early read voted. It carries the
  // whole pass (first/last seen, frames) and evidence chosen for `vrm`. At
  // most one revision per pass, never one that repeats the early reading,
  // and never held back as a repeat of another recent read.
  bool revision = false;
  std::string revises_vrm;
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
  // Early read: the pass is read while still in view once the vote is "sure
  // enough", that is when all of these hold:
  //  - at least early_min_frames observations (3: one frame can be a glint,
  //    a shadow or a partial plate; three frames, 133 ms at 15 fps, are
  //    three looks at a plate that moves and changes its light);
  //  - every character's vote is at least early_min_char_confidence (80 of
  //    100). A character's vote is the readers' confidences (0-100) for the
  //    winning character summed over the frames read at the voted length,
  //    plus a quarter of its confidence where it was only an alternative,
  //    divided by those frames. With 3 frames, 80 needs all 3 to read that
  //    character at a mean confidence of about 80 or more (one dissenting
  //    frame caps the vote at 75); of 5 frames one may dissent only if the
  //    other four read it at 94 or more (100 if the dissenting frame did
  //    not offer it as an alternative). So an early read is a reading
  //    several frames agree on character by character, not one frame's
  //    guess;
  //    Or, instead of that bar: at least early_agree_frames (4) of the
  //    newest early_agree_window (5, a third of a second at 15 fps)
  //    observations each read exactly the voted registration, whole, and
  //    every character's vote is at least early_agree_min_char_confidence
  //    (40). The reader is unsure of some glyphs in every frame of a plate
  //    it reads rightly (the first letter after the gap, P, G, J, U, a
  //    leading O: votes of 45-65 on the synthetic drives); four identical
  //    whole readings are agreement of another kind, and without this
  //    route such a pass is read only when it leaves view, seconds later.
  //    The fifth frame may read otherwise: a far plate is read in part now
  //    and then (FX67 of FX67 UDK), or one frame misreads a character;
  //    requiring five identical frames in a row made one such frame cost a
  //    third of a second. The 40 is a floor against a character the reader
  //    barely chose, not a confidence: the evidence is the frames that
  //    agree. A reading repeated wrongly is what the officer's check
  //    against the image and the revision are for. Measured (README,
  //    "Early read and its revision"): on drives the rule never saw, more
  //    passes read early and no read that was right became wrong;
  //  - the reading fits a plate syntax of the region (not "none");
  //  - no longer reading has been seen in the track in two frames, or in
  //    one of the newest early_agree_window that the reading could be a
  //    part of (a plate entering the view or far away is often read in
  //    part, and a part can be a valid registration on its own).
  // These bars are reasoned, not fitted to a data set; a wrong early alert
  // costs an officer's attention, hence agreement of several frames. On the
  // synthetic drive-bys (`anpr synth video` seeds 11-21, 1280x720, 15 fps,
  // 66 passes; commit b7a473b) 15 passes were read early, none wrongly, and
  // none was revised; the other 51 were read as they left view. The vote
  // goes on after an early read; if, when the pass leaves view, all its
  // frames read otherwise, a revision follows (PassRead::revision).
  int early_min_frames = 3;
  double early_min_char_confidence = 80;
  int early_agree_window = 5;
  int early_agree_frames = 4;
  double early_agree_min_char_confidence = 40;
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
  // this frame completed: early reads, tracks that just went out of view,
  // and revisions of early reads whose pass just went out of view.
  std::vector<PassRead> Update(int64_t t_ms, const std::vector<PlateObservation>& observations);

  // End of the stream: the reads of every track not read yet, and the
  // revisions of tracks read early whose vote now reads otherwise.
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
    // The newest observations' readings, at most early_agree_window.
    std::deque<std::string> recent_texts;
    bool read = false;
    std::string read_vrm;  // what the early read said
    int read_frames = 0;   // the observations the early read voted
    uint64_t pass_id = 0;  // the early read's, when it was said (not a repeat)
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
  // Records the read unless it repeats a recent read of the same pass, and
  // gives it a new pass id. Returns the id, or 0 when it was a repeat.
  uint64_t Emit(PassRead r, std::vector<PassRead>* out);
  // A track that went out of view (at stream time now_ms) or is flushed:
  // its end-of-track read, or the revision of its early read, if any.
  void Finish(const Track& t, int64_t now_ms, std::vector<PassRead>* out);

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
  uint64_t last_pass_id_ = 0;
};

}  // namespace anpr
