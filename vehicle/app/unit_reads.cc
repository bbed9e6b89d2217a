// Unit::Impl's recognition and alerts: every camera's frames through the
// recognition pool (a Recognizer per worker, a PlateTracker per camera) to
// reads (built by ReadBuilder with the fix, the camera and the officer on
// duty), handed to the HitPipeline; its alerts go to the screen or the
// console.
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
#include "vehicle/recognition/recognition_pool.h"
#include "vehicle/recognition/recognizer.h"

namespace anpr::unit {

namespace {

// A pool worker's reader: one Recognizer (one Tesseract engine) for the
// worker's life; each plate also gets the wider overview around it.
class RecognizerReader : public FrameReader {
 public:
  explicit RecognizerReader(std::unique_ptr<Recognizer> recognizer) : recognizer_(std::move(recognizer)) {}
  std::vector<PlateObservation> Read(const cv::Mat& frame_bgr) override {
    std::vector<PlateObservation> plates = recognizer_->Recognize(frame_bgr);
    for (auto& o : plates) o.overview = OverviewAround(frame_bgr, o.box);
    return plates;
  }

 private:
  std::unique_ptr<Recognizer> recognizer_;
};

}  // namespace

void Unit::Impl::MakePool() {
  std::vector<CaptureThread*> captures;
  for (auto& cam : cameras) captures.push_back(cam->capture.get());
  RecognitionPoolOptions po;
  po.threads = config.recognition_threads;
  ParseRegion(config.region, &po.region);
  pool = std::make_unique<RecognitionPool>(std::move(captures), po, PoolCallbacks());
}

RecognitionPoolCallbacks Unit::Impl::PoolCallbacks() {
  RecognitionPoolCallbacks cb;
  // Watched from here: a worker stuck in a frame stops the watchdog's pings;
  // the pool's idle waits (100 ms at most) make idle passes beat too.
  auto loop_ids = std::make_shared<std::vector<service::ServiceHealth::LoopId>>();
  if (options.health) {
    for (int w = 0; w < std::max(1, config.recognition_threads); ++w) {
      loop_ids->push_back(options.health->Register("recognition-" + std::to_string(w + 1)));
    }
  }
  cb.make_reader = [this](int worker) -> std::unique_ptr<FrameReader> {
    RecognizerOptions ro;
    ParseRegion(config.region, &ro.region);
    ro.use_plate_classifier = config.plate_classifier;
    auto made = Recognizer::Create(ro);
    if (!made.ok()) {
      // Runs degraded, visibly: the frames are counted, nothing is read.
      service::LogEvent(spdlog::level::err,
                        fmt::format("recognition worker {} cannot start: {}", worker + 1, made.status().ToString()),
                        {{"ANPR_UNIT_ID", config.unit_id}});
      return nullptr;
    }
    return std::make_unique<RecognizerReader>(std::move(made.value()));
  };
  cb.beat = [this, loop_ids](int worker) {
    if (options.health && size_t(worker) < loop_ids->size()) options.health->Beat((*loop_ids)[size_t(worker)]);
  };
  cb.retire = [this, loop_ids](int worker) {
    if (options.health && size_t(worker) < loop_ids->size()) options.health->Retire((*loop_ids)[size_t(worker)]);
  };
  cb.on_frame = [this](size_t camera, const Frame& frame, const std::vector<PlateObservation>& plates) {
    if (!hmi) return;
    std::vector<hmi::LiveBox> boxes;
    for (const auto& o : plates) boxes.push_back({hmi::Rect{o.box.x, o.box.y, o.box.width, o.box.height}, o.text});
    hmi->PostCameraFrame(cameras[camera]->config.id, std::make_shared<const cv::Mat>(frame.image), std::move(boxes));
  };
  cb.on_read = [this](size_t camera, PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_utc_ms) {
    EmitRead(camera, std::move(pass), utc_minus_mono_ms, trigger_utc_ms);
  };
  cb.now_utc_ms = [this] { return Now(); };
  return cb;
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

void Unit::Impl::EmitRead(size_t camera, PassRead pass, int64_t utc_minus_mono_ms, int64_t trigger_frame_utc_ms) {
  // The evidence time: the last frame the plate was seen in.
  const int64_t captured_at_utc_ms = PassCapturedAtUtcMs(pass, utc_minus_mono_ms);
  CameraRun& cam = *cameras[camera];
  Read read = BuildRead(pass, TagFromFixes(captured_at_utc_ms),
                        ReadIdentity{cam.config.id, config.unit_id, OfficerOnDuty()});
  ++reads;
  ++cam.reads;
  std::string revised_uuid;  // the early read this one revises, if any
  {
    MutexLock lock(&mu);
    AddSample(&read_latency_ms, static_cast<double>(Now() - trigger_frame_utc_ms));
    recent_reads[read.uuid] = read;
    // First sight: the pass's first frame, on the same stream-to-UTC offset
    // as the evidence time above.
    read_times[read.uuid] = ReadTimes{pass.first_seen_ms + utc_minus_mono_ms, trigger_frame_utc_ms, camera};
    recent_order.push_back(read.uuid);
    while (recent_order.size() > 64) {
      recent_reads.erase(recent_order.front());
      read_times.erase(recent_order.front());
      recent_order.pop_front();
    }
    if (pass.early) {
      early_reads[{camera, pass.pass_id}] = read.uuid;
      // Pass ids grow per camera: the smallest are the oldest passes.
      while (early_reads.size() > 256) early_reads.erase(early_reads.begin());
    }
    if (pass.revision) {
      if (auto it = early_reads.find({camera, pass.pass_id}); it != early_reads.end()) {
        revised_uuid = it->second;
        early_reads.erase(it);
      }
    }
  }
  if (pass.revision) RecordRevision(revised_uuid, pass.revises_vrm, read);
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

// Later frames of a pass read early read another registration: the new
// read is stored as any read (and matched: it may hit a list of its own);
// the early read stays as it was read, evidence like any other, and the
// link between them is audited. A hit shown for the early read is told, so
// the officer checks the plate against the image.
void Unit::Impl::RecordRevision(const std::string& early_uuid, const std::string& early_vrm, const Read& read) {
  const std::string detail = fmt::format("camera {}: early read {} ({}) revised by read {} ({}) from later frames",
                                         read.camera_id, early_uuid.empty() ? "-" : early_uuid, early_vrm, read.uuid,
                                         read.vrm);
  if (Status s = store->Audit(read.officer_id, "read.revised", detail); !s.ok()) {
    spdlog::error("read revision not audited: {}", s.ToString());
  }
  if (hmi && !early_uuid.empty()) hmi->PostRevision(early_uuid, read);
  if (headless) {
    std::printf("REVISED %-8s -> %-8s camera %s (later frames of the same pass)\n", early_vrm.c_str(),
                read.vrm.c_str(), read.camera_id.c_str());
    std::fflush(stdout);
  }
}

// AlertSink: on the HitPipeline's thread, after the read and hit are durable.
void Unit::Impl::OnAlert(const Alert& alert) {
  const Hit& hit = alert.hit;
  ++hits_by_priority[static_cast<int>(hit.priority)];
  if (extra_alert_sink) extra_alert_sink->OnAlert(alert);
  if (hit.covert) return;  // recorded and synced, never alerted in the car
  ++alerts;
  Read read;
  const int64_t now_utc_ms = Now();
  ReadTimes times{now_utc_ms, now_utc_ms, 0};
  bool live_read_known = false;
  {
    MutexLock lock(&mu);
    if (auto it = recent_reads.find(hit.read_uuid); it != recent_reads.end()) read = it->second;
    if (auto it = read_times.find(hit.read_uuid); it != read_times.end()) {
      times = it->second;
      live_read_known = true;
    }
    if (hit.late) {
      // Not timed with live alerts (kept apart below, once the read is known).
    } else if (hmi) {
      alerts_to_draw.push_back(times);
    } else {
      AddAlertSamples(times, now_utc_ms);
    }
  }
  if (read.uuid.empty()) {
    // Late hit on an older read: fetch it (with images) from the store.
    auto stored = store->GetRead(hit.read_uuid, true);
    if (stored.ok() && stored->has_value()) read = **stored;
  }
  if (!hit.late && live_read_known) ++cameras[times.camera]->alerts;
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

// AlertSink: a hit already alerted, seen again within its cool-down (by
// this or another camera). No alarm; the hit on screen lists the sighting.
void Unit::Impl::OnSighting(const Sighting& sighting, const Read& seen) {
  Read read = seen;
  {
    MutexLock lock(&mu);
    if (auto it = recent_reads.find(seen.uuid); it != recent_reads.end()) read = it->second;
  }
  service::LogEvent(spdlog::level::info,
                    fmt::format("hit {} seen again by camera {}, read {}", sighting.hit_uuid, read.camera_id,
                                read.uuid),
                    {{"ANPR_UNIT_ID", config.unit_id},
                     {"ANPR_CAMERA", read.camera_id},
                     {"ANPR_READ_UUID", read.uuid},
                     {"ANPR_HIT_UUID", sighting.hit_uuid}});
  if (hmi) hmi->PostSighting(sighting.hit_uuid, read);
  if (headless || !hmi) {
    std::printf("SEEN  %-6s %-8s again, camera %s (one alert per vehicle)\n", PriorityName(sighting.priority),
                read.vrm.c_str(), read.camera_id.c_str());
    std::fflush(stdout);
  }
}

}  // namespace anpr::unit
