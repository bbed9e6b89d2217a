#include "hmi/hmi.h"

namespace anpr::hmi {

Result<std::unique_ptr<Hmi>> Hmi::Create(const HmiOptions& options, HmiActions* actions) {
  std::unique_ptr<Hmi> h(new Hmi());
  auto view = SdlView::Create(options.view);
  if (!view.ok()) return view.status();
  h->view_ = std::move(view.value());
  HmiConfig config = options.config;
  config.width_px = h->view_->width();
  config.height_px = h->view_->height();
  h->model_ = std::make_unique<HmiModel>(config, actions, &h->player_);
  if (options.sound) {
    h->audio_ = std::make_unique<SdlAudioOutput>(&h->player_);
    if (!h->audio_->Start(&h->audio_error_)) {
      h->audio_.reset();
      h->model_->SetAudioAvailable(false);
    }
  }
  if (h->audio_ && options.speech) {
    h->speaker_ = std::make_unique<Speaker>(&h->player_, options.speech_program);
    h->model_->SetSpeech(h->speaker_.get());
  }
  return h;
}

Hmi::~Hmi() {
  if (model_) model_->FlushOutcome();  // an answer held for UNDO is not lost
  speaker_.reset();  // no more phrases for the player
  audio_.reset();    // stop the callback before the player goes
}

void Hmi::PostRead(Read read) {
  MutexLock lock(&mu_);
  reads_in_.push_back(std::move(read));
}

void Hmi::PostHit(Hit hit, Read read, HitStyle style) {
  MutexLock lock(&mu_);
  hits_in_.push_back({std::move(hit), std::move(read), std::move(style)});
}

void Hmi::PostStatus(UnitStatus status) {
  MutexLock lock(&mu_);
  status_in_.push_back(std::move(status));
}

void Hmi::PostCameraFrame(std::string camera_id, std::shared_ptr<const cv::Mat> frame_bgr,
                          std::vector<LiveBox> boxes) {
  MutexLock lock(&mu_);
  frames_in_[std::move(camera_id)] = {std::move(frame_bgr), std::move(boxes)};
}

void Hmi::PostFrame(std::shared_ptr<const cv::Mat> frame_bgr, std::vector<LiveBox> boxes) {
  PostCameraFrame("", std::move(frame_bgr), std::move(boxes));
}

void Hmi::PostSighting(std::string hit_uuid, Read read) {
  MutexLock lock(&mu_);
  sightings_in_.push_back({std::move(hit_uuid), std::move(read)});
}

void Hmi::PostRevision(std::string early_read_uuid, Read revised) {
  MutexLock lock(&mu_);
  revisions_in_.push_back({std::move(early_read_uuid), std::move(revised)});
}

bool Hmi::RunFrame(int64_t now_utc_ms) {
  std::vector<Read> reads;
  std::vector<PostedHit> hits;
  std::vector<UnitStatus> statuses;
  std::map<std::string, PostedFrame> frames;
  std::vector<PostedUpdate> sightings, revisions;
  {
    MutexLock lock(&mu_);
    reads.swap(reads_in_);
    hits.swap(hits_in_);
    statuses.swap(status_in_);
    frames.swap(frames_in_);
    sightings.swap(sightings_in_);
    revisions.swap(revisions_in_);
  }
  model_->Tick(now_utc_ms);
  for (const auto& s : statuses) model_->SetStatus(s);
  for (const auto& r : reads) model_->AddRead(r);
  for (const PostedHit& h : hits) model_->AddHit(h.hit, h.read, h.style);
  // After the hits: a sighting or revision always follows the hit it is about.
  for (const PostedUpdate& u : sightings) model_->AddSighting(u.uuid, u.read);
  for (const PostedUpdate& u : revisions) model_->ReviseRead(u.uuid, u.read);
  for (auto& [id, f] : frames) model_->SetCameraFrame(id, std::move(f.frame), std::move(f.boxes));
  if (speaker_) model_->SetSpeechAvailable(!speaker_->failed());
  const bool running = view_->PumpEvents(model_.get());
  if (model_->dirty()) {
    view_->Draw(model_->BuildScene());
    view_->Present();
    ++frames_drawn_;
  }
  return running;
}

}  // namespace anpr::hmi
