// Unit::Impl's recognition thread and alerts: frames from the capture
// thread through the Recognizer and PlateTracker to reads (built by
// ReadBuilder with the fix and the officer on duty), handed to the
// HitPipeline; its alerts go to the screen or the console.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <spdlog/spdlog.h>

#include "capture/tagging.h"
#include "service/journal.h"
#include "service/service_health.h"
#include "vehicle/app/unit_impl.h"
#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/read_builder.h"
#include "vehicle/recognition/recognizer.h"

namespace anpr::unit {

// Recognition thread: one Recognizer (one Tesseract engine) for its life.
void Unit::Impl::RecognitionLoop() {
  RecognizerOptions ro;
  Region region = Region::kGb;
  ParseRegion(config.region, &region);
  ro.region = region;
  // Watched from here: a recognition loop stuck in a frame stops the
  // watchdog's pings; Pop()'s timeout makes idle passes beat too.
  service::ServiceHealth* health = options.health;
  const service::ServiceHealth::LoopId loop_id = health ? health->Register("recognition") : -1;
  auto made = Recognizer::Create(ro);
  if (!made.ok()) {
    service::LogEvent(spdlog::level::err, "recognition cannot start: " + made.status().ToString(),
                      {{"ANPR_UNIT_ID", config.unit_id}, {"ANPR_CAMERA", config.camera_id}});
    if (health) health->Retire(loop_id);  // runs degraded, visibly: no reads
    return;
  }
  auto recognizer = std::move(made.value());
  PlateTracker tracker(region);
  int64_t utc_minus_mono_ms = 0;
  while (true) {
    if (stop) break;
    if (health) health->Beat(loop_id);
    auto frame = capture->Pop(100);
    if (!frame) {
      if (capture->ended()) break;
      continue;
    }
    utc_minus_mono_ms = frame->captured_at_utc_ms - frame->captured_at_mono_ms;
    std::vector<PlateObservation> observations = recognizer->Recognize(frame->image);
    for (auto& o : observations) o.overview = OverviewAround(frame->image, o.box);
    ++frames_processed;
    if (hmi) {
      std::vector<hmi::LiveBox> boxes;
      for (const auto& o : observations) {
        boxes.push_back({hmi::Rect{o.box.x, o.box.y, o.box.width, o.box.height}, o.text});
      }
      hmi->PostFrame(std::make_shared<const cv::Mat>(frame->image), std::move(boxes));
    }
    for (PassRead& pass : tracker.Update(frame->captured_at_mono_ms, observations)) {
      EmitRead(std::move(pass), utc_minus_mono_ms, frame->captured_at_utc_ms);
    }
  }
  if (health) health->Retire(loop_id);
  for (PassRead& pass : tracker.Flush()) EmitRead(std::move(pass), utc_minus_mono_ms, Now());
  recognition_done = true;
}

// The clock assessment and position for one capture time (as TagFrame
// does for a GpsClient), from whichever fix source the unit has.
FrameTag Unit::Impl::TagFromFixes(int64_t captured_at_utc_ms) const {
  FrameTag tag;
  tag.captured_at_utc_ms = captured_at_utc_ms;
  const GpsStatus gps_now = fixes->status();
  const bool kernel_synchronised = clock->KernelSynchronised();
  tag.clock = AssessClock(gps_now, kernel_synchronised);
  tag.clock.verified = clock_watch->Observe(MonotonicNowMs(), gps_now, kernel_synchronised).verified;
  tag.position = TagPosition(fixes->History(), ToGpsClockMs(captured_at_utc_ms, tag.clock));
  return tag;
}

void Unit::Impl::EmitRead(PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_frame_utc_ms) {
  // The evidence time: the last frame the plate was seen in.
  const int64_t captured_at_utc_ms = PassCapturedAtUtcMs(pass, utc_minus_mono_ms);
  Read read = BuildRead(pass, TagFromFixes(captured_at_utc_ms), ReadIdentity{config.camera_id, config.unit_id, OfficerOnDuty()});
  ++reads;
  {
    MutexLock lock(&mu);
    AddSample(&read_latency_ms, static_cast<double>(Now() - trigger_frame_utc_ms));
    recent_reads[read.uuid] = read;
    read_trigger_utc_ms[read.uuid] = trigger_frame_utc_ms;
    recent_order.push_back(read.uuid);
    while (recent_order.size() > 64) {
      recent_reads.erase(recent_order.front());
      read_trigger_utc_ms.erase(recent_order.front());
      recent_order.pop_front();
    }
  }
  if (hmi) hmi->PostRead(read);
  // To the journal only (a console run prints reads below); no VRM: it is
  // personal data, and the uuid finds it in the store.
  if (service::LoggingToJournal()) {
    service::LogEvent(spdlog::level::info,
                      fmt::format("read {} conf {:.1f} camera {}", read.uuid, read.confidence, read.camera_id),
                      {{"ANPR_UNIT_ID", read.unit_id},
                       {"ANPR_CAMERA", read.camera_id},
                       {"ANPR_READ_UUID", read.uuid}});
  }
  if (headless) {
    std::printf("read  %-8s conf %5.1f  %s  officer %s\n", read.vrm.c_str(), read.confidence, read.syntax.c_str(),
                read.officer_id.empty() ? "-" : read.officer_id.c_str());
    std::fflush(stdout);
  }
  pipeline->OnRead(std::move(read));  // committed before any alert is raised
}

// AlertSink: on the HitPipeline's thread, after the read and hit are durable.
void Unit::Impl::OnAlert(const Alert& alert) {
  const Hit& hit = alert.hit;
  ++hits_by_priority[static_cast<int>(hit.priority)];
  if (extra_alert_sink) extra_alert_sink->OnAlert(alert);
  if (hit.covert) return;  // recorded and synced, never alerted in the car
  ++alerts;
  Read read;
  int64_t trigger_utc_ms = Now();
  {
    MutexLock lock(&mu);
    if (auto it = recent_reads.find(hit.read_uuid); it != recent_reads.end()) read = it->second;
    if (auto it = read_trigger_utc_ms.find(hit.read_uuid); it != read_trigger_utc_ms.end()) {
      trigger_utc_ms = it->second;
    }
    if (hit.late) {
      // Not timed with live alerts (kept apart below, once the read is known).
    } else if (hmi) {
      alerts_to_draw.push_back(trigger_utc_ms);
    } else {
      AddSample(&capture_to_alert_ms, static_cast<double>(Now() - trigger_utc_ms));
    }
  }
  if (read.uuid.empty()) {
    // Late hit on an older read: fetch it (with images) from the store.
    auto stored = store->GetRead(hit.read_uuid, true);
    if (stored.ok() && stored->has_value()) read = **stored;
  }
  if (hit.late) {
    ++late_alerts;
    MutexLock lock(&mu);
    if (!read.uuid.empty()) AddSample(&late_capture_to_alert_ms, static_cast<double>(NowUtcMs() - read.captured_at_utc_ms));
  }
  if (hmi) hmi->PostHit(hit, read, {alert.list_colour, alert.list_sound});
  service::LogEvent(spdlog::level::info,
                    fmt::format("hit {} {} list {} read {}{}", PriorityName(hit.priority), MatchKindName(hit.match),
                                hit.list_name, hit.read_uuid, hit.late ? " (late)" : ""),
                    {{"ANPR_UNIT_ID", config.unit_id},
                     {"ANPR_CAMERA", read.camera_id.empty() ? config.camera_id : read.camera_id},
                     {"ANPR_READ_UUID", hit.read_uuid},
                     {"ANPR_HIT_UUID", hit.uuid}});
  if (headless || !hmi) {
    std::printf("HIT   %-6s %-8s %s (%s, list %s): %s%s\n", PriorityName(hit.priority),
                hit.entry_vrm.c_str(), MatchKindName(hit.match),
                read.vrm.empty() ? "?" : ("read " + read.vrm).c_str(), hit.list_name.c_str(),
                hit.reason.c_str(), hit.late ? " [late]" : "");
    std::fflush(stdout);
  }
}

}  // namespace anpr::unit
