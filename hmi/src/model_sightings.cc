// What the unit learns about a hit after alerting it, without alerting
// again: the same vehicle seen by another camera (or the same one) within
// the cool-down, and later frames of the pass reading the plate differently.
// Both are kept on every copy of the hit this shift (waiting, held for UNDO,
// answered) and shown on the Hit screen while stationary (screens/hit_notes.cc)
// and in the shift's review; never as text while driving (Regulation 109).
#include "hmi/model.h"

#include <algorithm>

#include "hmi/src/model_internal.h"

namespace anpr::hmi {

using internal::LocalTime;
using internal::Spaced;
using internal::Upper;

std::vector<HmiModel::PendingHit*> HmiModel::AllHits() {
  std::vector<PendingHit*> all;
  for (PendingHit& h : hits_) all.push_back(&h);
  if (undo_.active) all.push_back(&undo_.hit);
  for (AnsweredHit& a : answered_) all.push_back(&a.hit);
  return all;
}

bool HmiModel::AddSighting(const std::string& hit_uuid, const Read& read) {
  bool found = false;
  for (PendingHit* h : AllHits()) {
    if (h->hit.uuid != hit_uuid) continue;
    found = true;
    const bool known = std::any_of(h->sightings.begin(), h->sightings.end(), [&](const Sighting& s) {
      return s.camera_id == read.camera_id && s.captured_at_utc_ms == read.captured_at_utc_ms;
    });
    if (known) continue;  // a resend of the same sighting
    h->sightings.push_back({read.camera_id, read.captured_at_utc_ms});
    std::stable_sort(h->sightings.begin(), h->sightings.end(), [](const Sighting& a, const Sighting& b) {
      return a.captured_at_utc_ms < b.captured_at_utc_ms;
    });
  }
  if (found) dirty_ = true;
  return found;
}

bool HmiModel::ReviseRead(const std::string& early_read_uuid, const Read& revised) {
  bool found = false, on_screen = false;
  const std::string shown = ShownHitUuid();
  for (PendingHit* h : AllHits()) {
    if (h->hit.read_uuid != early_read_uuid) continue;
    found = true;
    // The same reading again is no revision (the early read stands).
    h->revised_vrm = revised.vrm == h->read_vrm ? std::string() : revised.vrm;
    on_screen |= !shown.empty() && h == &hits_.front();
  }
  if (on_screen) {
    // What the officer is about to answer changed: a tap already on its way
    // must not answer it unread, as for a hit just come on screen.
    hit_shown_at_utc_ms_ = now_utc_ms_;
    pressed_action_.clear();
    pointer_down_ = false;
    choosing_reason_ = false;
  }
  if (found) dirty_ = true;
  return found;
}

std::string HmiModel::SeenByText(const PendingHit& h, size_t max_sightings) const {
  if (h.sightings.size() <= 1 && status_.cameras.size() <= 1) return "";
  std::string text = "Seen by";
  for (size_t i = 0; i < h.sightings.size(); ++i) {
    if (i >= max_sightings) return text + " +" + std::to_string(h.sightings.size() - i) + " more";
    const Sighting& s = h.sightings[i];
    text += (i ? ", " : " ") + (s.camera_id.empty() ? std::string("CAM") : Upper(s.camera_id)) + " " +
            LocalTime(s.captured_at_utc_ms, true);
  }
  return text;
}

std::string HmiModel::RevisionText(const PendingHit& h) {
  if (h.revised_vrm.empty()) return "";
  return "LATER FRAMES READ " + Spaced(h.revised_vrm) + ": CHECK THE PLATE";
}

}  // namespace anpr::hmi
