// Alert sounds as the officer hears them: the samples the player renders, and
// the samples that reach SDL's "disk" audio driver through the real device
// path.
#include "hmi/sound.h"

#include <SDL.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/hmi/audio_test_util.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

constexpr int kRate = kSampleRateHz;

size_t Ms(int ms) { return static_cast<size_t>(kRate) * ms / 1000; }

// On/off segments of a signal, in 10 ms windows: true where sound is present.
std::vector<bool> Envelope(const std::vector<int16_t>& s) {
  std::vector<bool> on;
  for (size_t i = 0; i + Ms(10) <= s.size(); i += Ms(10)) on.push_back(Rms(s, i, Ms(10)) > 300);
  return on;
}

int Bursts(const std::vector<bool>& env) {
  int n = 0;
  for (size_t i = 0; i < env.size(); ++i) n += env[i] && (i == 0 || !env[i - 1]);
  return n;
}

TEST(Sound, HighAlternatesTwoTonesAndRepeatsUntilStopped) {
  AlertPlayer p;
  p.Play(Sound::kHighAlert);
  const auto s = RenderMs(p, 5000);  // several passes of the 1.25 s pattern
  // Within the first pass: 1400, 950, 1400, 950 Hz in 125 ms steps.
  EXPECT_NEAR(Frequency(s, Ms(20), Ms(90)), 1400, 30);
  EXPECT_NEAR(Frequency(s, Ms(145), Ms(90)), 950, 30);
  EXPECT_NEAR(Frequency(s, Ms(270), Ms(90)), 1400, 30);
  EXPECT_NEAR(Frequency(s, Ms(395), Ms(90)), 950, 30);
  // Still sounding four seconds later: it repeats.
  EXPECT_NEAR(Frequency(s, Ms(3750 + 20), Ms(90)), 1400, 30);
  EXPECT_GT(Rms(s, Ms(4600), Ms(100)), 3000);  // 4600 ms = 3 passes + 850 ms: in the tones
  EXPECT_TRUE(p.Playing());
  p.Stop(Sound::kHighAlert);
  const auto after = RenderMs(p, 500);
  EXPECT_EQ(Rms(after, 0, after.size()), 0);
  EXPECT_FALSE(p.Playing());
}

TEST(Sound, MediumIsThreeBeepsOnceLowIsAFadingChime) {
  AlertPlayer p;
  p.Play(Sound::kMediumAlert);
  const auto m = RenderMs(p, 2000);
  EXPECT_EQ(Bursts(Envelope(m)), 3);
  EXPECT_NEAR(Frequency(m, Ms(10), Ms(100)), 880, 20);
  EXPECT_EQ(Rms(m, Ms(700), Ms(1300)), 0) << "medium sounds once";
  EXPECT_FALSE(p.Playing());

  p.Play(Sound::kLowAlert);
  const auto l = RenderMs(p, 1500);
  EXPECT_NEAR(Frequency(l, Ms(10), Ms(200)), 660, 15);
  EXPECT_NEAR(Frequency(l, Ms(360), Ms(200)), 880, 15);
  EXPECT_GT(Rms(l, Ms(20), Ms(50)), 2 * Rms(l, Ms(280), Ms(50))) << "a chime fades";
  EXPECT_EQ(Rms(l, Ms(800), Ms(700)), 0) << "low sounds once";
}

// Loudness over one pass of a pattern, full volume: RMS and peak.
struct Level {
  double rms = 0, peak = 0;
};
Level Measure(Sound s) {
  AlertPlayer p;
  p.SetVolume(100);
  p.Play(s);
  int pass_ms = 0;
  for (const ToneStep& step : SoundPattern(s)) pass_ms += step.duration_ms;
  const auto v = RenderMs(p, pass_ms);
  Level l;
  l.rms = Rms(v, 0, v.size());
  for (int16_t x : v) l.peak = std::max(l.peak, std::abs(double(x)));
  return l;
}

// Road noise buries a quiet chime: the low alert is within 6 dB of the
// medium one, and no quieter than the failure tone.
TEST(Sound, LowChimeIsLoudEnoughToHearOverRoadNoise) {
  const Level low = Measure(Sound::kLowAlert), medium = Measure(Sound::kMediumAlert),
              failure = Measure(Sound::kStatusFailure);
  const double low_vs_medium_db = 20 * std::log10(low.rms / medium.rms);
  EXPECT_GT(low_vs_medium_db, -6.0) << "low " << low.rms << " medium " << medium.rms;
  EXPECT_GT(20 * std::log10(low.peak / 32767.0), -3.0) << "peak " << low.peak;
  EXPECT_GE(low.rms, failure.rms);
  EXPECT_GE(low.peak, failure.peak);
}

// A medium or low alert that arrives during the high alarm is heard after it.
TEST(Sound, ALessUrgentAlertDuringTheAlarmPlaysAfterIt) {
  for (Sound waiting : {Sound::kMediumAlert, Sound::kLowAlert}) {
    AlertPlayer p;
    p.Play(Sound::kHighAlert);
    p.Play(waiting);
    auto s = RenderMs(p, 300);
    EXPECT_NEAR(Frequency(s, Ms(20), Ms(80)), 1400, 30) << "the alarm is not cut off";
    p.Stop(Sound::kHighAlert);  // acknowledged
    s = RenderMs(p, 100);
    EXPECT_NEAR(Frequency(s, Ms(10), Ms(90)), waiting == Sound::kMediumAlert ? 880 : 660, 20) << SoundName(waiting);
    RenderMs(p, 1000);
    EXPECT_FALSE(p.Playing()) << "played once";
  }
}

TEST(Sound, FailureToneFallsAndPatternsDiffer) {
  AlertPlayer p;
  p.Play(Sound::kStatusFailure);
  const auto f = RenderMs(p, 600);
  EXPECT_NEAR(Frequency(f, Ms(20), Ms(150)), 520, 15);
  EXPECT_NEAR(Frequency(f, Ms(220), Ms(150)), 330, 15);
  EXPECT_EQ(Rms(f, Ms(420), Ms(180)), 0);
}

TEST(Sound, MoreUrgentReplacesLessUrgentNeverTheOtherWay) {
  AlertPlayer p;
  p.Play(Sound::kHighAlert);
  p.Play(Sound::kLowAlert);  // ignored: high keeps sounding
  auto s = RenderMs(p, 100);
  EXPECT_NEAR(Frequency(s, Ms(20), Ms(80)), 1400, 30);
  p.Stop(Sound::kHighAlert);
  p.Play(Sound::kLowAlert);
  p.Play(Sound::kMediumAlert);  // replaces the chime
  s = RenderMs(p, 100);
  EXPECT_NEAR(Frequency(s, Ms(10), Ms(90)), 880, 20);
}

TEST(Sound, VolumeScalesButHighNeverGoesSilent) {
  AlertPlayer p;
  p.SetVolume(100);
  p.Play(Sound::kMediumAlert);
  const double loud = Rms(RenderMs(p, 100), Ms(10), Ms(80));
  p.SetVolume(20);
  p.Play(Sound::kMediumAlert);
  const double quiet = Rms(RenderMs(p, 100), Ms(10), Ms(80));
  EXPECT_NEAR(quiet / loud, 0.2, 0.02);
  p.SetVolume(0);
  p.Play(Sound::kMediumAlert);
  EXPECT_EQ(Rms(RenderMs(p, 100), 0, Ms(100)), 0);
  p.Play(Sound::kHighAlert);
  EXPECT_GT(Rms(RenderMs(p, 100), Ms(10), Ms(80)), 0.45 * loud / 0.8) << "high plays at 50% at least";
}

// The real device path: SDL opens its "disk" audio driver, the callback
// pulls from the player, and the file holds what a speaker would have played.
TEST(Sound, DiskAudioDriverRecordsTheMediumAlert) {
  const auto path = std::filesystem::path(ANPR_BINARY_DIR) / "hmi-medium-alert.raw";
  std::filesystem::remove(path);
  setenv("SDL_AUDIODRIVER", "disk", 1);
  setenv("SDL_DISKAUDIOFILE", path.c_str(), 1);
  ASSERT_EQ(SDL_Init(0), 0);
  AlertPlayer player;
  {
    SdlAudioOutput out(&player);
    std::string error;
    ASSERT_TRUE(out.Start(&error)) << error;
    EXPECT_EQ(out.driver(), "disk");
    player.Play(Sound::kMediumAlert);
    // The disk driver paces itself like a real device; wait for the pattern.
    for (int i = 0; i < 200 && player.Playing(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    out.Stop();
  }
  SDL_Quit();
  unsetenv("SDL_AUDIODRIVER");
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), Ms(540) * 2) << "the whole 540 ms pattern";
  std::vector<int16_t> s(bytes.size() / 2);
  std::memcpy(s.data(), bytes.data(), s.size() * 2);
  EXPECT_EQ(Bursts(Envelope(s)), 3);
  // Find the first beep and check its pitch.
  size_t start = 0;
  while (start < s.size() && std::abs(s[start]) < 1000) ++start;
  EXPECT_NEAR(Frequency(s, start + Ms(10), Ms(90)), 880, 20);
}

}  // namespace
}  // namespace anpr::hmi
