// The touchscreen as one object for the program: the model, the SDL view,
// the alert sounds and a thread-safe inbox for data from the pipeline.
//
//   InitSdlVideo(&err);                               // hmi/sdl_env.h
//   auto hmi = Hmi::Create(options, &my_actions);     // window, fonts, audio
//   // pipeline threads, any time:
//   hmi->PostRead(read); hmi->PostHit(hit, read, style); hmi->PostStatus(status);
//   hmi->PostCameraFrame("front", frame, boxes);   // or PostFrame: one camera
//   hmi->PostSighting(hit_uuid, read); hmi->PostRevision(early_read_uuid, revised);
//   // main thread:
//   while (hmi->RunFrame(NowUtcMs())) { /* ~60 Hz */ }
//
// Posting never blocks on the screen (a mutex held only to move a value into
// a queue). Frames replace each other (only the newest of each camera is
// kept); reads, hits, sightings, revisions and statuses are all applied, in
// order (a sighting or revision after the hit it is about).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "vehicle/records/status.h"
#include "hmi/actions.h"
#include "hmi/model.h"
#include "hmi/sound.h"
#include "hmi/speech.h"
#include "hmi/view.h"
#include "vehicle/records/mutex.h"

namespace anpr::hmi {

struct HmiOptions {
  HmiConfig config;  // width/height are taken from `view`
  ViewOptions view;
  bool sound = true;  // open the audio device
  // Speak hits raised while driving (hmi/speech.h), with this program.
  bool speech = true;
  std::string speech_program = "espeak-ng";
};

class Hmi {
 public:
  // SDL video must be initialised (InitSdlVideo). `actions` must outlive the
  // Hmi. A missing audio device is not an error: the unit runs, the status
  // bar shows NO SOUND and audio_error() says why.
  static Result<std::unique_ptr<Hmi>> Create(const HmiOptions& options, HmiActions* actions);
  ~Hmi();

  // ---- any thread ----
  void PostRead(Read read);
  void PostHit(Hit hit, Read read, HitStyle style = {});
  void PostStatus(UnitStatus status);
  // The newest frame of camera `camera_id` (a CameraStatus::id) and the
  // plates boxed on it; the Live screen shows one camera at a time.
  void PostCameraFrame(std::string camera_id, std::shared_ptr<const cv::Mat> frame_bgr,
                       std::vector<LiveBox> boxes);
  // PostCameraFrame("", ...): the frame of the unit's only (or first) camera.
  void PostFrame(std::shared_ptr<const cv::Mat> frame_bgr, std::vector<LiveBox> boxes);
  // The vehicle of hit `hit_uuid` seen again (`read`, already stored) within
  // the alert cool-down, by another camera or the same: no new alert, no
  // sound; the hit lists the cameras that saw it (HmiModel::AddSighting).
  void PostSighting(std::string hit_uuid, Read read);
  // Later frames of the pass read `early_read_uuid` differently (`revised`,
  // stored as a new read): a hit raised on the early read says "LATER FRAMES
  // READ <VRM>: CHECK THE PLATE" until answered (HmiModel::ReviseRead).
  void PostRevision(std::string early_read_uuid, Read revised);

  // ---- the thread that created it ----
  // Handles touches, applies posted data, ticks the clock and draws a frame
  // when anything changed. Returns false once the window was closed.
  bool RunFrame(int64_t now_utc_ms);

  HmiModel& model() { return *model_; }
  SdlView& view() { return *view_; }
  AlertPlayer& player() { return player_; }
  // Null when speech is off or there is no audio device.
  Speaker* speaker() { return speaker_.get(); }
  const std::string& audio_error() const { return audio_error_; }
  // An outcome still held for UNDO is recorded when the Hmi goes.
  // Frames drawn so far (a render skipped because nothing changed is not counted).
  int64_t frames_drawn() const { return frames_drawn_; }

 private:
  Hmi() = default;

  AlertPlayer player_;
  std::unique_ptr<SdlAudioOutput> audio_;
  std::unique_ptr<Speaker> speaker_;  // before audio_ is stopped: it feeds player_
  std::string audio_error_;
  std::unique_ptr<SdlView> view_;
  std::unique_ptr<HmiModel> model_;
  int64_t frames_drawn_ = 0;

  Mutex mu_;  // guards the inbox below
  std::vector<Read> reads_in_ ANPR_GUARDED_BY(mu_);
  struct PostedHit {
    Hit hit;
    Read read;
    HitStyle style;
  };
  std::vector<PostedHit> hits_in_ ANPR_GUARDED_BY(mu_);
  std::vector<UnitStatus> status_in_ ANPR_GUARDED_BY(mu_);
  struct PostedFrame {
    std::shared_ptr<const cv::Mat> frame;
    std::vector<LiveBox> boxes;
  };
  std::map<std::string, PostedFrame> frames_in_ ANPR_GUARDED_BY(mu_);  // the newest per camera
  struct PostedUpdate {  // a sighting (hit uuid) or a revision (early read uuid)
    std::string uuid;
    Read read;
  };
  std::vector<PostedUpdate> sightings_in_ ANPR_GUARDED_BY(mu_);
  std::vector<PostedUpdate> revisions_in_ ANPR_GUARDED_BY(mu_);
};

}  // namespace anpr::hmi
