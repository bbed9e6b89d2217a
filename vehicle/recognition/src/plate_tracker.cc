#include "vehicle/recognition/plate_tracker.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/recognizer.h"

namespace anpr {
namespace {

// Largest change of a plate's width between two observations of one track.
constexpr float kMaxWidthChange = 2.5f;

int EditDistance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = int(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = int(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Whether `part` could be a reading of a part of the plate read whole as
// `whole`: it is one of `whole`'s runs of characters of its length, but for
// at most one character read otherwise ("FX67" or "FX6T" of "FX67UDK"). A
// reading with a character inserted inside it ("DCO06OTX" of "DC06OTX")
// is not a whole that `part` is a part of.
bool CouldBePartOf(const std::string& part, const std::string& whole) {
  if (part.size() > whole.size()) return false;
  for (size_t start = 0; start + part.size() <= whole.size(); ++start) {
    int differ = 0;
    for (size_t i = 0; i < part.size() && differ <= 1; ++i) differ += part[i] != whole[start + i];
    if (differ <= 1) return true;
  }
  return false;
}

cv::Point2f CentreOf(const cv::Rect& r) { return {r.x + r.width * 0.5f, r.y + r.height * 0.5f}; }

}  // namespace

PlateTracker::PlateTracker(Region region, TrackerOptions options)
    : region_(region), options_(options) {}

bool PlateTracker::Matches(const Track& t, const PlateObservation& o, int64_t t_ms) const {
  if (t_ms - t.last_ms > options_.lost_after_ms) return false;
  // Near where the plate was last seen: a plate moves less than a few of its
  // widths between frames at any sane frame rate.
  float scale = float(std::max({t.last_box.width, o.box.width, 1}));
  float jump = float(cv::norm(CentreOf(t.last_box) - CentreOf(o.box)));
  // One plate's width changes little between frames (it nears or recedes a
  // little): a box several times wider or narrower is other text near the
  // plate (a van's lettering, a sign), not this plate.
  float wa = float(std::max(t.last_box.width, 1)), wb = float(std::max(o.box.width, 1));
  if (std::max(wa, wb) > kMaxWidthChange * std::min(wa, wb)) return false;
  bool near = jump < 2.5f * scale;
  int dist = EditDistance(t.last_text, o.text);
  bool similar = dist <= std::max<int>(2, int(o.text.size()) / 3);
  // Within a plate width, whatever was read: plates of different vehicles
  // are several plate widths apart, and a reading of part of the plate (one
  // character group) has a box whose centre is up to half a plate off.
  return (near && similar) || (jump < 1.0f * scale) || (dist == 0 && jump < 6 * scale);
}

void PlateTracker::Add(Track& t, const PlateObservation& o, int64_t t_ms) {
  if (t.frames == 0) t.first_ms = t_ms;
  t.last_ms = t_ms;
  t.last_box = o.box;
  t.last_text = o.text;
  t.recent_texts.push_back(o.text);
  while (t.recent_texts.size() > size_t(std::max(0, options_.early_agree_window))) t.recent_texts.pop_front();
  ++t.frames;
  auto& votes = t.votes[o.text.size()];
  votes.resize(o.text.size());
  for (size_t i = 0; i < o.text.size(); ++i) {
    float conf = i < o.chars.size() ? o.chars[i].confidence : float(o.confidence);
    votes[i][o.text[i]] += std::max(conf, 1.0f);
    if (i < o.chars.size()) {
      // Alternatives carry a little weight, so two frames that disagree
      // between the same two characters settle on the likelier one.
      for (const auto& [c, ac] : o.chars[i].alternatives) votes[i][c] += 0.25 * ac;
    }
  }
  ++t.frames_by_length[o.text.size()];
  auto same = std::find_if(t.evidence.begin(), t.evidence.end(),
                           [&](const PlateObservation& e) {
                             return e.text == o.text && e.at_frame_edge == o.at_frame_edge;
                           });
  if (same != t.evidence.end()) {
    if (o.confidence > same->confidence) *same = o;
  } else if (t.evidence.size() < kMaxEvidenceReadings) {
    t.evidence.push_back(o);
  } else {
    auto weakest = std::min_element(t.evidence.begin(), t.evidence.end(),
                                    [](const PlateObservation& a, const PlateObservation& b) {
                                      return a.confidence < b.confidence;
                                    });
    if (o.confidence > weakest->confidence) *weakest = o;
  }
}

namespace {

// The observation whose picture best shows `vrm`: one wholly inside the
// frame, then the reading nearest `vrm` (edit distance), then the most
// confident. `evidence` is not empty.
const PlateObservation& EvidenceFor(const std::vector<PlateObservation>& evidence, const std::string& vrm) {
  auto rank = [&](const PlateObservation& o) { return std::make_tuple(o.at_frame_edge, EditDistance(o.text, vrm), -o.confidence); };
  return *std::min_element(evidence.begin(), evidence.end(),
                           [&](const PlateObservation& a, const PlateObservation& b) { return rank(a) < rank(b); });
}

}  // namespace

PassRead PlateTracker::Vote(const Track& t, int64_t now_ms) const {
  PassRead r;
  // The reading length most frames agree on.
  size_t length = 0;
  int most = -1;
  for (const auto& [len, n] : t.frames_by_length) {
    if (n > most) { most = n; length = len; }
  }
  const auto& votes = t.votes.at(length);
  std::vector<CharChoice> chars;
  for (const auto& pos : votes) {
    CharChoice c;
    double best = -1;
    for (const auto& [ch, w] : pos) {
      if (w > best) { best = w; c.best = ch; }
    }
    // Confidence: mean support per frame for the winning character.
    c.confidence = float(std::min(100.0, best / std::max(most, 1)));
    for (const auto& [ch, w] : pos) {
      if (ch != c.best) c.alternatives.emplace_back(ch, float(std::min(100.0, w / std::max(most, 1))));
    }
    std::sort(c.alternatives.begin(), c.alternatives.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    chars.push_back(std::move(c));
  }
  SyntaxFit fit = FitPlateSyntax(chars, region_);
  r.vrm = fit.text;
  r.char_confidence = fit.char_confidence;
  r.confidence = ReadingConfidence(fit.char_confidence);
  r.syntax = fit.syntax;
  std::vector<PlateCandidate> cands = MakeCandidates(chars, fit.text, r.confidence, region_, 5);
  r.candidates.assign(cands.begin() + 1, cands.end());
  r.first_seen_ms = t.first_ms;
  r.last_seen_ms = t.last_ms;
  r.read_at_ms = now_ms;
  r.frames = t.frames;
  const PlateObservation& shown = EvidenceFor(t.evidence, r.vrm);
  r.box = shown.box;
  r.corners = shown.corners;
  r.patch = shown.patch;
  r.overview = shown.overview;
  return r;
}

bool PlateTracker::Certain(const PassRead& r, const Track& t) const {
  if (t.frames < options_.early_min_frames) return false;
  if (r.syntax == "none") return false;
  // A plate far away or entering the view is often read in part (one
  // character group: "WR61" of "WR61 KXT"), and a part can be a valid
  // registration on its own. Not certain while a longer reading of the
  // same track has been seen in two frames or more; or in one frame of the
  // newest early_agree_window, when the reading could be a part of it. A
  // far plate is read in part and whole in turns (FX67, FX67UDK, FX67,
  // ...): while the whole reading is that recent, the part is not read. A
  // single frame's longer reading that the reading is not a part of (one
  // character inserted inside it: DCO06OTX of DC06OTX, a border, screw or
  // doubled glyph read as a character), or that is older, is a spurious
  // reading, and counted it would block the early read of the whole pass.
  for (const auto& [longer, frames] : t.frames_by_length) {
    if (longer <= r.vrm.size()) continue;
    if (frames >= 2) return false;
    for (const std::string& text : t.recent_texts) {
      if (text.size() == longer && CouldBePartOf(r.vrm, text)) return false;
    }
  }
  auto every_char_at_least = [&](double bar) {
    return std::all_of(r.char_confidence.begin(), r.char_confidence.end(), [&](float c) { return c >= bar; });
  };
  if (every_char_at_least(options_.early_min_char_confidence)) return true;
  // Or most of the newest frames read the same whole registration.
  if (options_.early_agree_frames < 1) return false;
  const auto agreeing = std::count(t.recent_texts.begin(), t.recent_texts.end(), r.vrm);
  return agreeing >= options_.early_agree_frames && every_char_at_least(options_.early_agree_min_char_confidence);
}

namespace {

// Whether two sightings are at the same place in the frame: boxes that
// overlap by a third, or whose centres are within a plate height.
bool SamePlace(const cv::Rect& a, const cv::Rect& b) {
  const double inter = (a & b).area();
  const double uni = double(a.area()) + double(b.area()) - inter;
  if (uni > 0 && inter / uni >= 1.0 / 3) return true;
  const cv::Point2f ca(float(a.x) + 0.5f * float(a.width), float(a.y) + 0.5f * float(a.height));
  const cv::Point2f cb(float(b.x) + 0.5f * float(b.width), float(b.y) + 0.5f * float(b.height));
  return cv::norm(ca - cb) <= double(std::max(a.height, b.height));
}

}  // namespace

void PlateTracker::Refresh(const std::string& vrm, int64_t last_seen_ms, const cv::Rect& box) {
  for (Recent& e : recent_) {
    if (e.vrm == vrm && last_seen_ms >= e.last_seen_ms) {
      e.last_seen_ms = last_seen_ms;
      e.box = box;
    }
  }
}

uint64_t PlateTracker::Emit(PassRead r, std::vector<PassRead>* out) {
  const int64_t keep_ms = std::max(options_.repeat_window_ms, options_.same_place_window_ms);
  std::erase_if(recent_, [&](const Recent& e) { return r.first_seen_ms - e.last_seen_ms > keep_ms; });
  for (Recent& e : recent_) {
    const int64_t gap_ms = r.first_seen_ms - e.last_seen_ms;
    const bool repeat = gap_ms <= options_.repeat_window_ms ||
                        (gap_ms <= options_.same_place_window_ms && SamePlace(e.box, r.box));
    if (!repeat) continue;
    // The same pass, picked up again; or part of it (one character group
    // of a plate entering or leaving the view, or far away), read in part.
    const bool same = e.vrm == r.vrm;
    const bool part = r.vrm.size() < e.vrm.size() && e.vrm.find(r.vrm) != std::string::npos;
    if (same || part) {
      if (same) Refresh(e.vrm, r.last_seen_ms, r.box);
      return 0;
    }
  }
  r.pass_id = ++last_pass_id_;
  recent_.push_back({r.last_seen_ms, r.vrm, r.box});
  out->push_back(std::move(r));
  return last_pass_id_;
}

namespace {

// Whether `final_read`, the vote over all the frames of a track read early
// as `early_vrm` from `early_frames` observations, revises that reading. It
// must be a reading the tracker would stand by on its own: a plate syntax
// (the early read had one), not just a part of the early reading (the plate
// leaving the view is read in part, as it was entering), and read at its
// length in at least as many frames as the early read voted, so a few late
// frames do not outvote the frames that made the early read.
bool Revises(const PassRead& final_read, const std::string& early_vrm, int early_frames, int frames_at_length) {
  if (final_read.vrm == early_vrm || final_read.syntax == "none") return false;
  const bool part = final_read.vrm.size() < early_vrm.size() && early_vrm.find(final_read.vrm) != std::string::npos;
  return !part && frames_at_length >= early_frames;
}

}  // namespace

void PlateTracker::Finish(const Track& t, int64_t now_ms, std::vector<PassRead>* out) {
  if (!t.read) {
    PassRead r = Vote(t, now_ms);
    if (t.frames >= 2 || r.confidence >= options_.single_frame_min_confidence) Emit(std::move(r), out);
    return;
  }
  // Read early: the pass went on being seen until now.
  Refresh(t.read_vrm, t.last_ms, t.last_box);
  // An early read that repeated an earlier read was not said; the earlier
  // read stands, as for any repeat.
  if (t.pass_id == 0) return;
  PassRead r = Vote(t, now_ms);
  int frames_at_length = 0;
  for (const auto& [len, n] : t.frames_by_length) frames_at_length = std::max(frames_at_length, n);
  if (!Revises(r, t.read_vrm, t.read_frames, frames_at_length)) return;
  r.revision = true;
  r.revises_vrm = t.read_vrm;
  r.pass_id = t.pass_id;
  // Not through Emit: the early reading of this very pass is among the
  // recent reads, and a revision must be said whatever the repeat checks
  // think of it. Later sightings are checked against both readings.
  recent_.push_back({r.last_seen_ms, r.vrm, r.box});
  out->push_back(std::move(r));
}

std::vector<PassRead> PlateTracker::Update(int64_t t_ms,
                                           const std::vector<PlateObservation>& observations) {
  std::vector<PassRead> out;
  std::vector<bool> taken(tracks_.size(), false);
  for (const PlateObservation& o : observations) {
    if (o.text.empty()) continue;
    int match = -1;
    for (size_t i = 0; i < tracks_.size(); ++i) {
      if (!taken[i] && Matches(tracks_[i], o, t_ms)) { match = int(i); break; }
    }
    if (match < 0) {
      tracks_.push_back(Track{});
      taken.push_back(false);
      match = int(tracks_.size()) - 1;
    }
    taken[size_t(match)] = true;
    Track& t = tracks_[size_t(match)];
    Add(t, o, t_ms);
    if (!t.read) {
      PassRead r = Vote(t, t_ms);
      if (Certain(r, t)) {
        t.read = true;
        t.read_vrm = r.vrm;
        t.read_frames = r.frames;
        r.early = true;
        t.pass_id = Emit(std::move(r), &out);
      }
    }
  }
  // Tracks that left view are read now, or their early read revised.
  for (size_t i = 0; i < tracks_.size();) {
    const Track& t = tracks_[i];
    if (t_ms - t.last_ms > options_.lost_after_ms) {
      Finish(t, t_ms, &out);
      tracks_.erase(tracks_.begin() + long(i));
    } else {
      ++i;
    }
  }
  return out;
}

std::vector<PassRead> PlateTracker::Flush() {
  std::vector<PassRead> out;
  for (const Track& t : tracks_) Finish(t, t.last_ms, &out);
  tracks_.clear();
  return out;
}

}  // namespace anpr
