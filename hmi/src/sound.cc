#include "hmi/sound.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numbers>

namespace anpr::hmi {

const char* SoundName(Sound s) {
  switch (s) {
    case Sound::kHighAlert: return "high";
    case Sound::kMediumAlert: return "medium";
    case Sound::kLowAlert: return "low";
    case Sound::kStatusFailure: return "failure";
  }
  return "?";
}

bool ParseSound(std::string_view text, Sound* out) {
  for (Sound s : {Sound::kHighAlert, Sound::kMediumAlert, Sound::kLowAlert, Sound::kStatusFailure}) {
    const std::string_view name = SoundName(s);
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      *out = s;
      return true;
    }
  }
  return false;
}

Sound PrioritySound(Priority p) {
  switch (p) {
    case Priority::kHigh: return Sound::kHighAlert;
    case Priority::kMedium: return Sound::kMediumAlert;
    case Priority::kLow: return Sound::kLowAlert;
  }
  return Sound::kLowAlert;
}

const std::vector<ToneStep>& SoundPattern(Sound s) {
  // Two-tone "hi-lo" like an emergency vehicle but faster, so it cannot be
  // mistaken for the car's own siren: 4 pairs then a short breath.
  static const std::vector<ToneStep> kHigh = {
      {1400, 125, 1.0, false}, {950, 125, 1.0, false}, {1400, 125, 1.0, false},
      {950, 125, 1.0, false},  {1400, 125, 1.0, false}, {950, 125, 1.0, false},
      {1400, 125, 1.0, false}, {950, 125, 1.0, false}, {0, 250, 0, false}};
  static const std::vector<ToneStep> kMedium = {
      {880, 120, 0.8, false}, {0, 100, 0, false}, {880, 120, 0.8, false},
      {0, 100, 0, false},     {880, 120, 0.8, false}};
  // Soft in character (falling away) but not in level: a chime 20 dB down
  // was lost under road noise and quieter than the failure tone.
  static const std::vector<ToneStep> kLow = {{660, 350, 1.0, true}, {880, 350, 1.0, true}};
  static const std::vector<ToneStep> kFailure = {{520, 200, 0.5, false}, {330, 200, 0.5, false}};
  switch (s) {
    case Sound::kHighAlert: return kHigh;
    case Sound::kMediumAlert: return kMedium;
    case Sound::kLowAlert: return kLow;
    case Sound::kStatusFailure: return kFailure;
  }
  return kLow;
}

bool SoundRepeats(Sound s) { return s == Sound::kHighAlert; }

int AlertPlayer::Rank(Sound s) {
  switch (s) {
    case Sound::kHighAlert: return 4;
    case Sound::kMediumAlert: return 3;
    case Sound::kStatusFailure: return 2;
    case Sound::kLowAlert: return 1;
  }
  return 0;
}

void AlertPlayer::Play(Sound s) {
  MutexLock lock(&mu_);
  if (playing_ && s == current_ && SoundRepeats(s)) return;  // already repeating
  if (speaking_) {
    // A more urgent alert cuts the phrase off; the phrase is spoken again,
    // from its start, once it is its turn. Anything else waits for it.
    if (Rank(s) <= Rank(phrases_.front().after)) {
      waiting_[static_cast<int>(s)] = true;
      return;
    }
    speaking_ = false;
    speech_at_ = 0;
  }
  // A less urgent sound never cuts off a more urgent one: it waits and plays
  // after it. The same sound restarts from its beginning.
  if (playing_ && Rank(s) < Rank(current_)) {
    waiting_[static_cast<int>(s)] = true;
    return;
  }
  // A once-sound cut off by a more urgent one plays again after it.
  if (playing_ && s != current_ && !SoundRepeats(current_)) waiting_[static_cast<int>(current_)] = true;
  Start(s);
}

void AlertPlayer::QueueSpeech(Sound after, std::vector<int16_t> samples) {
  if (samples.empty()) return;
  MutexLock lock(&mu_);
  // After the phrases at least as urgent (and after the one being spoken).
  auto pos = phrases_.begin();
  if (speaking_) ++pos;
  while (pos != phrases_.end() && Rank(pos->after) >= Rank(after)) ++pos;
  phrases_.insert(pos, Phrase{after, std::move(samples)});
}

void AlertPlayer::DropSpeech(Sound after) {
  MutexLock lock(&mu_);
  if (phrases_.empty()) return;
  const bool cut = speaking_ && phrases_.front().after == after;
  std::erase_if(phrases_, [after](const Phrase& p) { return p.after == after; });
  if (!cut) return;
  speaking_ = false;
  speech_at_ = 0;
  // As at the end of a phrase: the paused alarm resumes, else what waits.
  if (!playing_ && !SpeechDue(Sound::kLowAlert)) StartWaiting();
}

bool AlertPlayer::SpeechDue(Sound ended) const {
  if (phrases_.empty()) return false;
  const int rank = Rank(phrases_.front().after);
  if (rank < Rank(ended)) return false;
  for (Sound s : {Sound::kHighAlert, Sound::kMediumAlert, Sound::kLowAlert, Sound::kStatusFailure})
    if (waiting_[static_cast<int>(s)] && Rank(s) > rank) return false;
  return true;
}

int AlertPlayer::Volume(Sound s) const {
  return s == Sound::kHighAlert ? std::max(volume_percent_, kMinHighVolumePercent) : volume_percent_;
}

bool AlertPlayer::Speaking() const {
  MutexLock lock(&mu_);
  return speaking_ || !phrases_.empty();
}

void AlertPlayer::Start(Sound s) {
  waiting_[static_cast<int>(s)] = false;
  playing_ = true;
  current_ = s;
  step_ = 0;
  sample_in_step_ = 0;
  phase_ = 0;
}

void AlertPlayer::StartWaiting() {
  playing_ = false;
  int best = -1;
  for (Sound s : {Sound::kHighAlert, Sound::kMediumAlert, Sound::kLowAlert, Sound::kStatusFailure}) {
    if (waiting_[static_cast<int>(s)] && (best < 0 || Rank(s) > Rank(static_cast<Sound>(best))))
      best = static_cast<int>(s);
  }
  if (best >= 0) Start(static_cast<Sound>(best));
}

void AlertPlayer::Stop(Sound s) {
  MutexLock lock(&mu_);
  waiting_[static_cast<int>(s)] = false;
  if (playing_ && current_ == s) StartWaiting();
}

void AlertPlayer::SetVolume(int percent) {
  MutexLock lock(&mu_);
  volume_percent_ = std::clamp(percent, 0, 100);
}

bool AlertPlayer::Playing() const {
  MutexLock lock(&mu_);
  return playing_;
}

void AlertPlayer::Render(int16_t* out, int count) {
  MutexLock lock(&mu_);
  constexpr int kRampSamples = kSampleRateHz * 5 / 1000;  // 5 ms: no clicks
  for (int i = 0; i < count; ++i) {
    // Idle with a phrase waiting (its tone ended before it was ready): say it.
    if (!speaking_ && !playing_ && !phrases_.empty()) {
      speaking_ = true;
      speech_at_ = 0;
    }
    if (speaking_) {  // tones are paused while a phrase plays
      const Phrase& phrase = phrases_.front();
      const long v = std::lround(double(phrase.samples[speech_at_]) * Volume(phrase.after) / 100.0);
      out[i] = static_cast<int16_t>(std::clamp(v, -32767L, 32767L));
      if (++speech_at_ >= phrase.samples.size()) {
        phrases_.erase(phrases_.begin());
        speaking_ = false;
        speech_at_ = 0;
        // Next: the paused alarm resumes; else a more urgent waiting tone,
        // else the next phrase (at the top of the loop).
        if (!playing_ && !SpeechDue(Sound::kLowAlert)) StartWaiting();
      }
      continue;
    }
    if (!playing_) {
      out[i] = 0;
      continue;
    }
    const auto& pattern = SoundPattern(current_);
    const ToneStep& step = pattern[step_];
    const int64_t step_samples = int64_t(step.duration_ms) * kSampleRateHz / 1000;
    double v = 0;
    if (step.hz > 0) {
      const int volume = Volume(current_);
      double env = 1.0;
      const int64_t from_end = step_samples - sample_in_step_;
      if (sample_in_step_ < kRampSamples) env = double(sample_in_step_) / kRampSamples;
      if (from_end < kRampSamples) env = std::min(env, double(from_end) / kRampSamples);
      if (step.decay) env *= std::exp(-1.5 * double(sample_in_step_) / double(step_samples));
      v = std::sin(phase_) * step.level * env * volume / 100.0;
      phase_ += 2 * std::numbers::pi * step.hz / kSampleRateHz;
      if (phase_ > 2 * std::numbers::pi) phase_ -= 2 * std::numbers::pi;
    }
    out[i] = static_cast<int16_t>(std::lround(v * 30000));
    if (++sample_in_step_ >= step_samples) {
      sample_in_step_ = 0;
      phase_ = 0;
      if (++step_ >= pattern.size()) {
        step_ = 0;
        // The end of a pass: a phrase for this alert is spoken now (the
        // repeating alarm resumes after it).
        if (SpeechDue(current_)) {
          speaking_ = true;
          speech_at_ = 0;
          if (!SoundRepeats(current_)) playing_ = false;
        } else if (!SoundRepeats(current_)) {
          StartWaiting();
        }
      }
    }
  }
}

SdlAudioOutput::~SdlAudioOutput() { Stop(); }

bool SdlAudioOutput::Start(std::string* error) {
  if (device_ != 0) return true;
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    if (error) *error = std::string("SDL audio: ") + SDL_GetError();
    return false;
  }
  SDL_AudioSpec want{};
  want.freq = kSampleRateHz;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 512;  // ~11 ms: an alert starts within a frame or so
  want.callback = &SdlAudioOutput::Callback;
  want.userdata = this;
  SDL_AudioSpec have{};
  device_ = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
  if (device_ == 0) {
    if (error) *error = std::string("SDL audio device: ") + SDL_GetError();
    SDL_QuitSubSystem(SDL_INIT_AUDIO);
    return false;
  }
  const char* name = SDL_GetCurrentAudioDriver();
  driver_ = name ? name : "";
  SDL_PauseAudioDevice(device_, 0);
  return true;
}

void SdlAudioOutput::Stop() {
  if (device_ == 0) return;
  SDL_CloseAudioDevice(device_);
  device_ = 0;
  SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

void SdlAudioOutput::Callback(void* user, Uint8* stream, int len) {
  auto* self = static_cast<SdlAudioOutput*>(user);
  self->player_->Render(reinterpret_cast<int16_t*>(stream), len / 2);
}

}  // namespace anpr::hmi
