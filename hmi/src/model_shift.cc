// The Shift screen's logic: the hits answered this shift, kept for review,
// and the officer's corrections of them (the plate as it reads on the image,
// another outcome). Each correction goes through HmiActions::CorrectHit,
// which records it as a new audited fact; the read and the first answer stay
// as they were recorded.
#include "hmi/model.h"

#include <algorithm>
#include <string>

#include "hmi/src/model_internal.h"
#include "vehicle/records/vrm.h"

namespace anpr::hmi {

using internal::OutcomeText;
using internal::Upper;

namespace {

// The answered hits whose images stay in memory for review, newest first;
// older ones keep their text (the images are in the store).
constexpr size_t kMaxShiftHitImages = 100;
constexpr size_t kMaxVrmChars = 10;

}  // namespace

void HmiModel::AddAnswered(PendingHit h, HitOutcome outcome, const std::string& note) {
  AnsweredHit a;
  a.hit = std::move(h);
  a.outcome = outcome;
  a.note = note;
  a.answered_at_utc_ms = now_utc_ms_;
  answered_.push_back(std::move(a));
  if (answered_.size() > kMaxShiftHitImages) {
    PendingHit& old = answered_[answered_.size() - 1 - kMaxShiftHitImages].hit;
    old.plate.reset();
    old.overview.reset();
  }
}

int HmiModel::ShiftRowsPerPage() const {
  const Rect c = ContentRect();
  return std::max(1, (c.h - Px(kMinTargetDesignPx) - Px(16)) / Px(72));
}

// Only stationary, and only on the Shift screen.
void HmiModel::ActivateShift(const std::string& action) {
  if (screen_ != Screen::kShift || driving_) return;
  auto starts = [&](const char* prefix) { return action.rfind(prefix, 0) == 0; };
  const int pages = (static_cast<int>(answered_.size()) + ShiftRowsPerPage() - 1) / ShiftRowsPerPage();
  if (shift_.open < 0) {
    if (action == "shift.older" && shift_.page + 1 < pages) ++shift_.page;
    if (action == "shift.newer" && shift_.page > 0) --shift_.page;
    if (starts("shift.open.")) {
      const size_t i = std::stoul(action.substr(11));
      if (i >= answered_.size()) return;
      const int page = shift_.page;
      shift_ = ShiftView{};
      shift_.open = static_cast<int>(i);
      shift_.page = page;
      message_.clear();
    }
    return;
  }
  AnsweredHit& a = answered_[static_cast<size_t>(shift_.open)];
  if (action == "shift.back") {
    if (shift_.typing || shift_.choosing_reason) {
      shift_.typing = shift_.choosing_reason = false;
    } else {
      shift_.open = -1;
      shift_.notice.clear();
    }
    message_.clear();
    return;
  }
  if (shift_.typing) {
    if (starts("shift.key.")) {
      const std::string key = action.substr(10);
      if (key.size() == 1 && shift_.vrm.size() < kMaxVrmChars) shift_.vrm += Upper(key);
    } else if (action == "shift.del") {
      if (!shift_.vrm.empty()) shift_.vrm.pop_back();
    } else if (action == "shift.clear") {
      shift_.vrm.clear();
    } else if (action == "shift.save") {
      const std::string vrm = NormaliseVrm(shift_.vrm);
      const std::string was = a.corrected_vrm.empty() ? a.hit.read_vrm : a.corrected_vrm;
      if (vrm.empty()) {
        message_ = "Type the plate as it reads on the image";
      } else if (vrm == was) {
        message_ = "That is the VRM already recorded";
      } else {
        SaveCorrection(vrm, std::nullopt, "");
      }
      return;
    }
    message_.clear();
    return;
  }
  if (shift_.choosing_reason) {
    if (starts("shift.reason.")) {
      const size_t i = std::stoul(action.substr(13));
      if (i < config_.not_actioned_reasons.size())
        SaveCorrection("", HitOutcome::kNotActioned, config_.not_actioned_reasons[i]);
    }
    return;
  }
  if (action == "shift.vrm") {
    shift_.typing = true;
    shift_.vrm = a.corrected_vrm.empty() ? a.hit.read_vrm : a.corrected_vrm;
    shift_.notice.clear();
    message_.clear();
    return;
  }
  std::optional<HitOutcome> outcome;
  if (action == "shift.outcome.confirmed") outcome = HitOutcome::kConfirmed;
  if (action == "shift.outcome.misread") outcome = HitOutcome::kMisread;
  if (action == "shift.outcome.notseen") outcome = HitOutcome::kNotSeen;
  if (action == "shift.outcome.notactioned") {
    shift_.choosing_reason = true;
    shift_.notice.clear();
    return;
  }
  if (outcome && *outcome != a.outcome) SaveCorrection("", outcome, "");
}

void HmiModel::SaveCorrection(const std::string& vrm, std::optional<HitOutcome> outcome, const std::string& note) {
  AnsweredHit& a = answered_[static_cast<size_t>(shift_.open)];
  const Status st = actions_->CorrectHit(a.hit.hit.uuid, vrm, outcome, note);
  if (!st.ok()) {
    // Nothing changed: the keyboard or the choice stays for another try.
    message_ = "Not saved: " + (st.message().empty() ? std::string("refused") : st.message());
    return;
  }
  message_.clear();
  a.corrected = true;
  if (!vrm.empty()) {
    a.corrected_vrm = vrm;
    shift_.notice = "Saved: VRM " + vrm;
  }
  if (outcome) {
    a.outcome = *outcome;
    a.note = note;
    shift_.notice = "Saved: " + OutcomeText(*outcome);
  }
  shift_.typing = false;
  shift_.choosing_reason = false;
}

}  // namespace anpr::hmi
