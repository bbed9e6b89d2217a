// The whole touchscreen as the program wires it: data posted from another
// thread, frames drawn by RunFrame, the alarm heard through SDL's "disk"
// audio driver, silenced by a finger.
#include "hmi/hmi.h"

#include <SDL.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "hmi/sdl_env.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/audio_test_util.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

void Tap(int x, int y, int w, int h) {
  for (Uint32 type : {SDL_FINGERDOWN, SDL_FINGERUP}) {
    SDL_Event e{};
    e.type = type;
    e.tfinger.x = (x + 0.5f) / float(w);
    e.tfinger.y = (y + 0.5f) / float(h);
    SDL_PushEvent(&e);
  }
}

TEST(Hmi, PostedHighHitAlarmsUntilATouchThenAnOutcomeIsRecorded) {
  const auto wav = std::filesystem::path(ANPR_BINARY_DIR) / "hmi-high-alarm.raw";
  std::filesystem::remove(wav);
  setenv("SDL_AUDIODRIVER", "disk", 1);
  setenv("SDL_DISKAUDIOFILE", wav.c_str(), 1);
  std::string error;
  ASSERT_FALSE(InitSdlVideo(&error).empty()) << error;

  FakeActions actions;
  HmiOptions options;
  auto made = Hmi::Create(options, &actions);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Hmi& hmi = *made.value();
  EXPECT_TRUE(hmi.audio_error().empty()) << hmi.audio_error();

  int64_t now = NowUtcMs();
  auto run_for_ms = [&](int ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      now = NowUtcMs();
      ASSERT_TRUE(hmi.RunFrame(now));
      std::this_thread::sleep_for(std::chrono::milliseconds(8));
    }
  };
  // Log in through the real event path.
  run_for_ms(20);
  for (const char* a : {"login.key.1", "login.key.2", "login.key.3", "login.key.4", "login.ok", "login.key.5",
                        "login.key.6", "login.key.7", "login.key.8", "login.ok"}) {
    const Scene s = hmi.model().BuildScene();
    const Element* e = s.FindAction(a);
    ASSERT_NE(e, nullptr) << a;
    Tap(e->rect.cx(), e->rect.cy(), 800, 480);
    run_for_ms(1);
  }
  ASSERT_TRUE(hmi.model().logged_in());

  // The pipeline posts from its own thread.
  const Read read = MakeRead("AB12CDE");
  const Hit hit = MakeHit(read, Priority::kHigh);
  std::thread producer([&] {
    hmi.PostRead(read);
    hmi.PostHit(hit, read);
  });
  producer.join();
  const auto alarm_start = std::chrono::steady_clock::now();
  run_for_ms(2000);  // longer than one 1.25 s pass: it must repeat
  EXPECT_EQ(hmi.model().screen(), Screen::kHit);
  EXPECT_TRUE(hmi.player().Playing());
  const Scene s = hmi.model().BuildScene();
  const Element* vrm = s.FindId("hit.vrm");
  ASSERT_NE(vrm, nullptr);
  Tap(vrm->rect.cx(), vrm->rect.cy(), 800, 480);  // acknowledge
  run_for_ms(30);
  EXPECT_FALSE(hmi.player().Playing());
  const double ack_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - alarm_start).count();
  run_for_ms(400);
  {
    const Scene s2 = hmi.model().BuildScene();
    const Element* c = s2.FindAction("hit.confirmed");
    ASSERT_NE(c, nullptr);
    Tap(c->rect.cx(), c->rect.cy(), 800, 480);
  }
  run_for_ms(20);
  EXPECT_TRUE(hmi.model().undo_pending()) << "held 5 s for UNDO";
  EXPECT_EQ(hmi.model().screen(), Screen::kLive);
  EXPECT_GT(hmi.frames_drawn(), 5);

  made.value().reset();  // shutting down records the outcome held for UNDO
  ASSERT_EQ(actions.outcomes.size(), 1u);
  EXPECT_EQ(actions.outcomes[0].uuid, hit.uuid);
  EXPECT_EQ(actions.outcomes[0].outcome, HitOutcome::kConfirmed);
  SDL_Quit();
  unsetenv("SDL_AUDIODRIVER");

  std::ifstream in(wav, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<int16_t> samples(bytes.size() / 2);
  std::memcpy(samples.data(), bytes.data(), samples.size() * 2);
  // Where the alarm starts in the recording (the device ran silent before).
  size_t start = 0;
  while (start < samples.size() && std::abs(samples[start]) < 1000) ++start;
  ASSERT_LT(start, samples.size()) << "the alarm was never heard";
  const auto at = [&](double sec) { return start + static_cast<size_t>(sec * kSampleRateHz); };
  EXPECT_GT(Rms(samples, at(0.02), kSampleRateHz / 10), 5000) << "first pass";
  EXPECT_GT(Rms(samples, at(1.27), kSampleRateHz / 10), 5000) << "second pass: it repeats";
  // Silent from shortly after the touch to the end.
  EXPECT_EQ(Rms(samples, at(ack_s + 0.1), samples.size()), 0) << "silenced by the touch";
}

// What a logged-in unit plays through SDL's disk audio driver for a high hit
// on "WR61KXT" posted while driving (12 m/s) or stationary, listened to for
// `listen_ms`; acknowledged by a touch `ack_at_ms` after it was posted (-1:
// not acknowledged).
struct Heard {
  std::vector<int16_t> samples;
  int64_t spoken = 0;
  bool speech_failed = false;
  double ack_s = 0;  // when the touch came, seconds after the hit was posted
};
Heard HighHitHeard(bool driving, int listen_ms, int ack_at_ms = -1) {
  Heard heard;
  // One file per test: CTest runs the tests of this binary in parallel.
  const auto wav = std::filesystem::path(ANPR_BINARY_DIR) /
                   (std::string("hmi-") + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".raw");
  std::filesystem::remove(wav);
  setenv("SDL_AUDIODRIVER", "disk", 1);
  setenv("SDL_DISKAUDIOFILE", wav.c_str(), 1);
  std::string error;
  EXPECT_FALSE(InitSdlVideo(&error).empty()) << error;
  FakeActions actions;
  auto made = Hmi::Create(HmiOptions{}, &actions);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  if (!made.ok()) return heard;
  Hmi& hmi = *made.value();
  auto run_for_ms = [&](int ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < end) {
      hmi.RunFrame(NowUtcMs());
      std::this_thread::sleep_for(std::chrono::milliseconds(8));
    }
  };
  run_for_ms(20);
  LogInByActions(hmi.model());
  EXPECT_TRUE(hmi.model().logged_in());
  UnitStatus status;
  status.speed_mps = driving ? 12 : 0;
  hmi.PostStatus(status);
  run_for_ms(30);
  EXPECT_EQ(hmi.model().driving(), driving);
  const Read read = MakeRead("WR61KXT");
  hmi.PostRead(read);
  hmi.PostHit(MakeHit(read, Priority::kHigh), read);
  const auto posted = std::chrono::steady_clock::now();
  if (ack_at_ms >= 0) {
    run_for_ms(ack_at_ms);
    hmi.model().PointerDown(400, 300);  // anywhere on the driving hit screen
    hmi.model().PointerUp(400, 300);
    heard.ack_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - posted).count();
    run_for_ms(listen_ms - ack_at_ms);
  } else {
    run_for_ms(listen_ms);
  }
  EXPECT_NE(hmi.speaker(), nullptr);
  if (hmi.speaker()) {
    heard.spoken = hmi.speaker()->spoken();
    heard.speech_failed = hmi.speaker()->failed();
  }
  made.value().reset();
  SDL_Quit();
  unsetenv("SDL_AUDIODRIVER");
  std::ifstream in(wav, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  heard.samples.resize(bytes.size() / 2);
  std::memcpy(heard.samples.data(), bytes.data(), heard.samples.size() * 2);
  return heard;
}

// The driver hears the hit: one pass of the alarm, then the phrase from
// espeak-ng sample for sample (at the alarm's volume), then the alarm again.
TEST(Hmi, AHighHitWhileDrivingPlaysTheToneThenSpeaksIt) {
  std::vector<int16_t> phrase;
  std::string error;
  ASSERT_TRUE(SynthesiseSpeech("espeak-ng", "High priority. Whiskey Romeo six one, Kilo X-ray Tango.", 3000, &phrase,
                               &error))
      << error;
  const int phrase_ms = static_cast<int>(phrase.size() * 1000 / kSampleRateHz);
  const Heard heard = HighHitHeard(/*driving=*/true, 1250 + phrase_ms + 700);
  EXPECT_FALSE(heard.speech_failed);
  EXPECT_EQ(heard.spoken, 1);
  const std::vector<int16_t>& s = heard.samples;
  size_t start = 0;
  while (start < s.size() && std::abs(s[start]) < 1000) ++start;
  ASSERT_LT(start, s.size()) << "the alarm was never heard";
  const auto at = [&](double sec) { return start + static_cast<size_t>(sec * kSampleRateHz); };
  EXPECT_NEAR(Frequency(s, at(0.02), kSampleRateHz / 10), 1400, 30) << "the tone first";
  EXPECT_NEAR(Frequency(s, at(0.145), kSampleRateHz / 12), 950, 30);
  // The phrase starts after the pass's closing silence (1.0-1.25 s): line
  // its first loud sample up with the synthesiser's.
  size_t voiced = 0;
  while (voiced < phrase.size() && std::abs(phrase[voiced]) < 1000) ++voiced;
  ASSERT_LT(voiced, phrase.size());
  size_t heard_voiced = at(1.01);
  while (heard_voiced < s.size() && std::abs(s[heard_voiced]) < 800) ++heard_voiced;
  ASSERT_GE(heard_voiced, voiced);
  const size_t phrase_at = heard_voiced - voiced;
  // (`start` is a few samples into the tone's 5 ms fade-in.)
  EXPECT_NEAR(double(phrase_at), double(at(1.25)), kSampleRateHz / 200) << "the phrase starts when the pass ends";
  ASSERT_LE(phrase_at + phrase.size(), s.size()) << "the whole phrase was played";
  size_t mismatched = 0;
  for (size_t i = 0; i < phrase.size(); ++i) {
    const long want = std::lround(phrase[i] * 0.8);  // the default volume, 80%
    mismatched += std::abs(long(s[phrase_at + i]) - want) > 1;
  }
  EXPECT_EQ(mismatched, 0u) << "the speech reached the device unaltered, over no tone";
  const size_t after = phrase_at + phrase.size();
  EXPECT_NEAR(Frequency(s, after + kSampleRateHz / 50, kSampleRateHz / 10), 1400, 30)
      << "the alarm again until acknowledged";
}

// Issue 13: a touch while driving stopped the alarm but the phrase went on.
// The touch silences both: from shortly after it, nothing is heard.
TEST(Hmi, TouchingTheHitWhileDrivingSilencesTheAlarmAndItsPhrase) {
  const Heard heard = HighHitHeard(/*driving=*/true, /*listen_ms=*/3500, /*ack_at_ms=*/1250 + 700);
  EXPECT_FALSE(heard.speech_failed);
  const std::vector<int16_t>& s = heard.samples;
  size_t start = 0;
  while (start < s.size() && std::abs(s[start]) < 1000) ++start;
  ASSERT_LT(start, s.size()) << "the alarm was never heard";
  const auto at = [&](double sec) { return start + static_cast<size_t>(sec * kSampleRateHz); };
  EXPECT_GT(Rms(s, at(1.3), at(heard.ack_s - 0.05) - at(1.3)), 300) << "the phrase was being spoken";
  ASSERT_GT(s.size(), at(heard.ack_s + 1.0)) << "listened on after the touch";
  EXPECT_EQ(Rms(s, at(heard.ack_s + 0.15), s.size() - at(heard.ack_s + 0.15)), 0)
      << "no alarm and no rest of the phrase after the touch";
}

// Stationary, the officer reads the hit: nothing is spoken, the alarm's second
// pass follows the first.
TEST(Hmi, AHighHitWhileStationaryIsNotSpoken) {
  const Heard heard = HighHitHeard(/*driving=*/false, 2000);
  EXPECT_EQ(heard.spoken, 0);
  const std::vector<int16_t>& s = heard.samples;
  size_t start = 0;
  while (start < s.size() && std::abs(s[start]) < 1000) ++start;
  ASSERT_LT(start, s.size()) << "the alarm was never heard";
  const auto at = [&](double sec) { return start + static_cast<size_t>(sec * kSampleRateHz); };
  EXPECT_EQ(Rms(s, at(1.01), kSampleRateHz / 5), 0) << "the pass's closing silence";
  EXPECT_NEAR(Frequency(s, at(1.27), kSampleRateHz / 10), 1400, 30) << "the alarm again, no phrase";
}

// Issue 16 through the facade, from a pipeline thread: each camera's newest
// frame, a hit, a sighting by the rear camera and a revised read, applied by
// RunFrame in that order (a sighting or revision after its hit).
TEST(Hmi, CamerasFramesSightingsAndRevisionsPostedFromAnotherThread) {
  std::string error;
  ASSERT_FALSE(InitSdlVideo(&error).empty()) << error;
  FakeActions actions;
  HmiOptions options;
  options.sound = false;
  auto made = Hmi::Create(options, &actions);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  Hmi& hmi = *made.value();
  HmiModel& m = hmi.model();
  LogInByActions(m);
  ASSERT_TRUE(m.logged_in());

  auto picture = [](uint8_t red) { return std::make_shared<const cv::Mat>(360, 640, CV_8UC3, cv::Scalar(0, 0, red)); };
  const auto front_old = picture(10), front_new = picture(20), rear = picture(30);
  Read early = MakeRead("AB12CDE");
  early.camera_id = "front";
  const Hit hit = MakeHit(early, Priority::kMedium);
  Read again = MakeRead("AB12CDE", early.captured_at_utc_ms + 1500);
  again.camera_id = "rear";
  Read revised = MakeRead("AB12CDF", early.captured_at_utc_ms + 400);
  revised.camera_id = "front";
  std::thread pipeline([&] {
    hmi.PostCameraFrame("front", front_old, {});
    hmi.PostCameraFrame("rear", rear, {});
    hmi.PostCameraFrame("front", front_new, {});  // replaces the older front frame
    hmi.PostHit(hit, early);
    hmi.PostSighting(hit.uuid, again);
    hmi.PostRevision(early.uuid, revised);
  });
  pipeline.join();
  ASSERT_TRUE(hmi.RunFrame(NowUtcMs()));
  ASSERT_EQ(m.pending_hits(), 1u);
  Scene s = m.BuildScene();
  ASSERT_NE(s.FindId("hit.revision"), nullptr);
  EXPECT_EQ(s.FindId("hit.revision")->text, "LATER FRAMES READ AB12 CDF: CHECK THE PLATE");
  m.Activate("hit.details");
  s = m.BuildScene();
  ASSERT_NE(s.FindId("hit.seen"), nullptr);
  EXPECT_NE(s.FindId("hit.seen")->text.find(", REAR "), std::string::npos) << s.FindId("hit.seen")->text;
  m.Activate("hit.details.close");
  m.Activate("hit.confirmed");
  m.FlushOutcome();
  m.ShowScreen(Screen::kLive);
  s = m.BuildScene();
  EXPECT_EQ(s.FindId("live.frame")->image, front_new) << "the newest frame of the first camera";
  m.Activate("live.camera.rear");
  EXPECT_EQ(m.BuildScene().FindId("live.frame")->image, rear);
  // The single-camera call still works: it is the first camera's frame.
  hmi.PostFrame(front_old, {});
  ASSERT_TRUE(hmi.RunFrame(NowUtcMs()));
  m.Activate("live.camera.front");
  EXPECT_EQ(m.BuildScene().FindId("live.frame")->image, front_new) << "the named camera's own frame first";
}

}  // namespace
}  // namespace anpr::hmi
