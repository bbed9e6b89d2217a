// Spoken hits for the driver: in driving mode a hit's priority and VRM are
// spoken in the phonetic alphabet after its alert tone, so the driver's eyes
// stay on the road ("High priority. Whiskey Romeo six one, Kilo X-ray Tango.").
//
// Text is synthesised by Debian's espeak-ng program (`espeak-ng --stdout`,
// a WAV on its standard output: 40-60 ms per phrase measured, so a
// process per phrase costs nothing worth linking libespeak-ng for) on the
// Speaker's own thread, never on the render loop, and handed to the
// AlertPlayer, which plays it on the same SDL audio path as the tones
// (AlertPlayer::QueueSpeech says when).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "hmi/sound.h"
#include "vehicle/records/mutex.h"
#include "vehicle/records/read.h"

namespace anpr::hmi {

// A VRM as it is spoken: letters in the NATO alphabet, digits as words,
// a comma (a pause) between the plate's groups where its format has them
// (the groups the screen prints, e.g. "AB12 CDE"). Characters other than
// A-Z / 0-9 are skipped; lower case counts as upper case.
//   "WR61KXT" -> "Whiskey Romeo six one, Kilo X-ray Tango"
std::string PhoneticVrm(std::string_view vrm);
// The phrase for a hit: "High priority. " + PhoneticVrm(vrm) + ".".
std::string SpokenHitText(Priority priority, std::string_view vrm);

// Where the model asks for a phrase to be spoken after the alert `after`.
class SpeechSink {
 public:
  virtual ~SpeechSink() = default;
  // Never blocks.
  virtual void Say(Sound after, std::string text) = 0;
  // The alert `after` was acknowledged: its phrases are dropped, whether
  // waiting to be synthesised, waiting to be played or being spoken (cut
  // off). Phrases asked for later are spoken as usual. Never blocks.
  virtual void Silence(Sound after) = 0;
};

// Runs `program` ("espeak-ng", searched on PATH, or a path) with --stdout for
// `text` and returns its samples as mono S16 at kSampleRateHz. False with
// *error set when the program is missing, fails, takes longer than
// `timeout_ms` (it is killed) or writes no usable WAV.
bool SynthesiseSpeech(const std::string& program, const std::string& text, int timeout_ms,
                      std::vector<int16_t>* samples, std::string* error);

// Thread-safe SpeechSink: Say() queues the phrase; the Speaker's thread
// synthesises it and queues the samples on `player`. When synthesis fails the
// tone has already played; the first failure is logged and failed() turns
// true (the screen shows NO SPEECH); later failures are not logged again.
class Speaker final : public SpeechSink {
 public:
  // `player` must outlive the Speaker.
  explicit Speaker(AlertPlayer* player, std::string program = "espeak-ng");
  ~Speaker() override;
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  void Say(Sound after, std::string text) override;
  void Silence(Sound after) override;
  // True once a synthesis failed.
  bool failed() const;
  std::string error() const;
  // Phrases synthesised and handed to the player so far.
  int64_t spoken() const;
  // Milliseconds from the last Say() to its samples ready (0 before any).
  int64_t last_latency_ms() const;

 private:
  struct Request {
    Sound after;
    std::string text;
    int64_t asked_at_ns;
    int64_t silenced;  // silenced_[after] when asked: a later Silence drops it
  };
  void Run();

  AlertPlayer* player_;
  const std::string program_;
  mutable Mutex mu_;  // guards everything below
  CondVar wake_;
  std::deque<Request> queue_ ANPR_GUARDED_BY(mu_);
  bool stop_ ANPR_GUARDED_BY(mu_) = false;
  bool failed_ ANPR_GUARDED_BY(mu_) = false;
  std::string error_ ANPR_GUARDED_BY(mu_);
  int64_t spoken_ ANPR_GUARDED_BY(mu_) = 0;
  int64_t last_latency_ms_ ANPR_GUARDED_BY(mu_) = 0;
  // By Sound: how many times its phrases were silenced.
  int64_t silenced_[4] ANPR_GUARDED_BY(mu_) = {0, 0, 0, 0};
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace anpr::hmi
