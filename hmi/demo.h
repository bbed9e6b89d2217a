// Demo content for the HMI: an officer register and hotlist in memory,
// reads with drawn images, and ready-made screen states. Used by
// `anpr hmi screenshot` and the HMI tests; never by the real unit.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "hmi/actions.h"
#include "hmi/model.h"

namespace anpr::hmi {

// Officer "1234" with PIN "5678"; hotlist AB12CDE (high), MX19KLT (medium),
// YK65RVP (low). Records outcomes, corrections and settings in memory.
class DemoActions : public HmiActions {
 public:
  DemoActions();
  Status Login(const std::string& officer_id, const std::string& pin) override;
  void Logout(const std::string&, bool) override {}
  Status RecordOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& note) override;
  Status CorrectHit(const std::string& hit_uuid, const std::string& vrm, std::optional<HitOutcome> outcome,
                    const std::string& note) override;
  Result<std::vector<Hit>> CheckVrm(const std::string& vrm) override;
  Status EnterWanted(const std::string& vrm, Priority priority, const std::string& reason, int valid_days) override;
  void SettingsChanged(const HmiSettings& s) override { settings = s; }

  std::map<std::string, std::vector<Hit>> hotlist;
  std::vector<std::pair<std::string, HitOutcome>> outcomes;
  std::vector<std::string> corrections;  // "<uuid> <vrm> <outcome>"
  HmiSettings settings;
};

// A camera frame (BGR, 1280x720) of a car with `vrm` on its plate; *plate_box
// receives where the plate is.
std::shared_ptr<const cv::Mat> DemoFrame(const std::string& vrm, Rect* plate_box);
// A read of `vrm` at `at_utc_ms` with plate and overview JPEGs.
Read DemoRead(const std::string& vrm, int64_t at_utc_ms);
// The hit `actions`' hotlist raises for `read` (highest entry), or a made-up
// one at `p` when the VRM is not listed.
Hit DemoHit(const Read& read, Priority p, MatchKind match = MatchKind::kExact);

// Names of the ready-made states: login, locked-hit, live, hit-high,
// hit-medium, hit-low, hit-reason, hit-details (the entry's details opened),
// hit-overview (the overview full screen), driving-hit, driving, reads, check
// (a VRM typed on the keyboard), check-result (what the check found),
// wanted (the "new wanted" entry step typing its reason), wanted-picks (its
// priority and days), settings, status-fault, status (the status window
// over a unit with faults and a clock not set), shift (the hits answered this
// shift, one corrected), shift-hit (one opened for review), shift-vrm (its
// VRM on the keyboard for a correction), live-cameras (three cameras, the
// rear shown, the nearside lost), settings-cameras (their frame figures),
// hit-seen (a hit seen by the front and then the rear camera), hit-revised
// (later frames of the pass read the plate otherwise);
// each also with a "night-" prefix.
std::vector<std::string> DemoScreenNames();
// A model of `width_px` x `height_px` put into the named state at `now_utc_ms`.
// `actions` and `sound` (may be null) must outlive it.
Result<std::unique_ptr<HmiModel>> MakeDemoModel(const std::string& name, int width_px, int height_px,
                                                DemoActions* actions, SoundSink* sound, int64_t now_utc_ms);

}  // namespace anpr::hmi
