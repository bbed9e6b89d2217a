// Spoken hits: the phonetic text of a plate, when the player speaks a phrase
// among the tones, espeak-ng through the Speaker, and which hits the model
// asks to be spoken.
#include "hmi/speech.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include "hmi/model.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/audio_test_util.h"

namespace anpr::hmi {
namespace {

using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

TEST(Speech, PhoneticVrmSpeaksLettersInNatoDigitsAsWordsAndPausesBetweenGroups) {
  EXPECT_EQ(PhoneticVrm("WR61KXT"), "Whiskey Romeo six one, Kilo X-ray Tango");
  EXPECT_EQ(PhoneticVrm("wr61 kxt"), "Whiskey Romeo six one, Kilo X-ray Tango") << "case and spacing as typed";
  EXPECT_EQ(PhoneticVrm("GF20MHU"), "Golf Foxtrot two zero, Mike Hotel Uniform");
  // A format without groups on the screen has no pause.
  EXPECT_EQ(PhoneticVrm("A123BCD"), "Alpha one two three Bravo Charlie Delta");
  EXPECT_EQ(PhoneticVrm("0123456789"), "zero one two three four five six seven eight nine");
  EXPECT_EQ(PhoneticVrm(""), "");
  EXPECT_EQ(PhoneticVrm("-"), "");
  // Every letter has its own word.
  std::set<std::string> words;
  for (char c = 'A'; c <= 'Z'; ++c) words.insert(PhoneticVrm(std::string(1, c)));
  EXPECT_EQ(words.size(), 26u);
  EXPECT_EQ(PhoneticVrm("JQXYZ"), "Juliett Quebec X-ray Yankee Zulu");
}

TEST(Speech, SpokenHitTextSaysThePriorityFirst) {
  EXPECT_EQ(SpokenHitText(Priority::kHigh, "WR61KXT"), "High priority. Whiskey Romeo six one, Kilo X-ray Tango.");
  EXPECT_EQ(SpokenHitText(Priority::kMedium, "AB12CDE"), "Medium priority. Alpha Bravo one two, Charlie Delta Echo.");
  EXPECT_EQ(SpokenHitText(Priority::kLow, "A1"), "Low priority. Alpha one.");
}

// ---- the player: phrases among the tones (a 300 Hz sine stands in for a voice)

constexpr int kRate = kSampleRateHz;
size_t Ms(int ms) { return static_cast<size_t>(kRate) * ms / 1000; }

std::vector<int16_t> Voice(int ms, double amplitude = 20000) {
  std::vector<int16_t> v(Ms(ms));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<int16_t>(amplitude * std::sin(2 * M_PI * 300 * double(i) / kRate));
  return v;
}

TEST(SpeechPlayer, APhraseFollowsItsToneAndNeverOverlapsIt) {
  AlertPlayer p;
  p.Play(Sound::kMediumAlert);  // 560 ms: three 120 ms beeps 100 ms apart
  p.QueueSpeech(Sound::kMediumAlert, Voice(500));
  const auto s = RenderMs(p, 1500);
  EXPECT_NEAR(Frequency(s, Ms(10), Ms(100)), 880, 20) << "the tone first";
  EXPECT_NEAR(Frequency(s, Ms(450), Ms(100)), 880, 20) << "the whole tone";
  EXPECT_NEAR(Frequency(s, Ms(560), Ms(500)), 300, 1) << "then the phrase, alone";
  EXPECT_EQ(Rms(s, Ms(1060), Ms(440)), 0) << "once";
  EXPECT_FALSE(p.Speaking());
}

TEST(SpeechPlayer, TheHighAlarmPausesForItsPhraseAfterAPassThenResumes) {
  AlertPlayer p;
  p.Play(Sound::kHighAlert);  // 1250 ms a pass, repeating
  p.QueueSpeech(Sound::kHighAlert, Voice(1000));
  const auto s = RenderMs(p, 3000);
  EXPECT_NEAR(Frequency(s, Ms(20), Ms(90)), 1400, 30);
  EXPECT_NEAR(Frequency(s, Ms(1255), Ms(990)), 300, 5) << "the phrase after one pass";
  EXPECT_NEAR(Frequency(s, Ms(2270), Ms(90)), 1400, 30) << "the alarm again until acknowledged";
  EXPECT_TRUE(p.Playing());
}

TEST(SpeechPlayer, AMoreUrgentAlertCutsAPhraseOffWhichIsSpokenAgainAfter) {
  AlertPlayer p;
  p.Play(Sound::kLowAlert);  // 700 ms
  p.QueueSpeech(Sound::kLowAlert, Voice(1000));
  auto s = RenderMs(p, 800);
  EXPECT_NEAR(Frequency(s, Ms(705), Ms(90)), 300, 5) << "speaking";
  p.Play(Sound::kHighAlert);
  s = RenderMs(p, 200);
  EXPECT_NEAR(Frequency(s, Ms(20), Ms(90)), 1400, 30) << "cut off by the alarm";
  p.Stop(Sound::kHighAlert);  // acknowledged
  s = RenderMs(p, 1100);
  EXPECT_NEAR(Frequency(s, Ms(5), Ms(990)), 300, 5) << "the phrase again, whole";
  EXPECT_EQ(Rms(s, Ms(1010), Ms(90)), 0);
}

TEST(SpeechPlayer, ALessUrgentToneWaitsForThePhrase) {
  AlertPlayer p;
  p.Play(Sound::kMediumAlert);
  p.QueueSpeech(Sound::kMediumAlert, Voice(500));
  auto s = RenderMs(p, 600);
  p.Play(Sound::kLowAlert);
  s = RenderMs(p, 450);
  EXPECT_NEAR(Frequency(s, 0, Ms(430)), 300, 5) << "the phrase is not cut by a lower alert";
  s = RenderMs(p, 300);
  EXPECT_NEAR(Frequency(s, Ms(10), Ms(200)), 660, 15) << "the chime after it";
}

// Issue 13: acknowledging a high hit stopped its tone, not its phrase.
TEST(SpeechPlayer, DroppingTheAlarmsPhraseCutsItOffAndKeepsTheOthers) {
  AlertPlayer p;
  p.Play(Sound::kHighAlert);
  p.QueueSpeech(Sound::kHighAlert, Voice(1000));
  p.QueueSpeech(Sound::kMediumAlert, Voice(300, 10000));
  auto s = RenderMs(p, 1500);
  EXPECT_NEAR(Frequency(s, Ms(1260), Ms(200)), 300, 5) << "speaking the alarm's phrase";
  p.Stop(Sound::kHighAlert);
  p.DropSpeech(Sound::kHighAlert);
  s = RenderMs(p, 600);
  EXPECT_NEAR(Rms(s, 0, Ms(300)), 0.8 * 10000 / std::sqrt(2.0), 100) << "cut off: the medium phrase at once (80%)";
  EXPECT_EQ(Rms(s, Ms(300), Ms(300)), 0) << "then nothing";
  EXPECT_FALSE(p.Speaking());
  EXPECT_FALSE(p.Playing());
}

TEST(SpeechPlayer, VolumeAppliesToSpeech) {
  AlertPlayer p;
  p.SetVolume(100);
  p.QueueSpeech(Sound::kMediumAlert, Voice(200, 10000));
  const double loud = Rms(RenderMs(p, 200), 0, Ms(200));
  p.SetVolume(30);
  p.QueueSpeech(Sound::kMediumAlert, Voice(200, 10000));
  const double quiet = Rms(RenderMs(p, 200), 0, Ms(200));
  EXPECT_NEAR(loud, 10000 / std::sqrt(2.0), 100);
  EXPECT_NEAR(quiet / loud, 0.3, 0.01);
}

// ---- espeak-ng

TEST(SpeechSynth, EspeakNgSpeaksThePhraseAsSamples) {
  std::vector<int16_t> samples;
  std::string error;
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(SynthesiseSpeech("espeak-ng", SpokenHitText(Priority::kHigh, "WR61KXT"), 3000, &samples, &error))
      << error << " (hw/setup-host.sh installs espeak-ng)";
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::printf("synthesis of the high phrase: %.1f ms, %.2f s of speech\n", ms, double(samples.size()) / kRate);
  // A phrase of eleven words lasts seconds, and is not silence.
  EXPECT_GT(samples.size(), Ms(2000));
  EXPECT_LT(samples.size(), Ms(10000));
  EXPECT_GT(Rms(samples, 0, samples.size()), 500);
}

TEST(SpeechSynth, AMissingProgramFailsOnceVisiblyAndTheToneStillPlays) {
  AlertPlayer p;
  {
    Speaker speaker(&p, "/nonexistent/espeak-ng");
    p.Play(Sound::kMediumAlert);
    speaker.Say(Sound::kMediumAlert, "Medium priority. Alpha.");
    speaker.Say(Sound::kMediumAlert, "Medium priority. Bravo.");
    for (int i = 0; i < 200 && !speaker.failed(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(speaker.failed());
    EXPECT_NE(speaker.error().find("/nonexistent/espeak-ng"), std::string::npos) << speaker.error();
    EXPECT_EQ(speaker.spoken(), 0);
  }
  const auto s = RenderMs(p, 1000);
  EXPECT_NEAR(Frequency(s, Ms(10), Ms(100)), 880, 20) << "the tone plays";
  EXPECT_EQ(Rms(s, Ms(560), Ms(440)), 0) << "no speech";
  EXPECT_FALSE(p.Speaking());
}

TEST(SpeechSynth, SpeakerQueuesTheSynthesisedPhraseOnThePlayerOffTheCallersThread) {
  AlertPlayer p;
  Speaker speaker(&p);
  const auto t0 = std::chrono::steady_clock::now();
  speaker.Say(Sound::kHighAlert, SpokenHitText(Priority::kHigh, "WR61KXT"));
  const auto say_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(say_us, 5000) << "Say does not wait for synthesis";
  for (int i = 0; i < 300 && speaker.spoken() == 0 && !speaker.failed(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_FALSE(speaker.failed()) << speaker.error();
  ASSERT_EQ(speaker.spoken(), 1);
  std::printf("Say to samples ready: %lld ms\n", static_cast<long long>(speaker.last_latency_ms()));
  EXPECT_TRUE(p.Speaking());
  EXPECT_GT(Rms(RenderMs(p, 2000), 0, Ms(2000)), 200) << "the player speaks it";
}

// A phrase silenced while espeak-ng is still making it is never handed to
// the player; one asked for afterwards is spoken.
TEST(SpeechSynth, APhraseSilencedWhileBeingSynthesisedIsNotSpoken) {
  AlertPlayer p;
  Speaker speaker(&p);
  speaker.Say(Sound::kHighAlert, SpokenHitText(Priority::kHigh, "WR61KXT"));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // most likely synthesising now
  speaker.Silence(Sound::kHighAlert);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  ASSERT_FALSE(speaker.failed()) << speaker.error();
  EXPECT_EQ(speaker.spoken(), 0);
  EXPECT_FALSE(p.Speaking());
  EXPECT_EQ(Rms(RenderMs(p, 500), 0, Ms(500)), 0);
  speaker.Say(Sound::kHighAlert, SpokenHitText(Priority::kHigh, "AB12CDE"));
  for (int i = 0; i < 300 && speaker.spoken() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(speaker.spoken(), 1) << "a later phrase is spoken";
}

// ---- the model: which hits are spoken

class RecordingSpeech : public SpeechSink {
 public:
  std::vector<std::pair<Sound, std::string>> said;
  std::vector<Sound> silenced;
  void Say(Sound after, std::string text) override { said.emplace_back(after, std::move(text)); }
  void Silence(Sound after) override { silenced.push_back(after); }
};

struct DrivingModel {
  FakeActions actions;
  testing::RecordingSound sound;
  RecordingSpeech speech;
  HmiModel model{HmiConfig{}, &actions, &sound};
  explicit DrivingModel(bool driving) {
    model.SetSpeech(&speech);
    model.Tick(1'790'000'000'000);
    LogIn(model);
    UnitStatus st;
    st.speed_mps = driving ? 12 : 0;
    model.SetStatus(st);
  }
};

TEST(SpeechModel, AHitRaisedWhileDrivingIsSpokenAfterItsTone) {
  DrivingModel m(/*driving=*/true);
  ASSERT_TRUE(m.model.driving());
  const Read read = MakeRead("WR61KXT");
  m.model.AddHit(MakeHit(read, Priority::kHigh), read);
  ASSERT_EQ(m.speech.said.size(), 1u);
  EXPECT_EQ(m.speech.said[0].first, Sound::kHighAlert);
  EXPECT_EQ(m.speech.said[0].second, "High priority. Whiskey Romeo six one, Kilo X-ray Tango.");
  EXPECT_EQ(m.sound.Count("play:high"), 1) << "the tone was asked for too";
  // The same hit again within the cool-down: no new alert, nothing said.
  m.model.AddHit(m.model.current_hit() ? *m.model.current_hit() : Hit{}, read);
  EXPECT_EQ(m.speech.said.size(), 1u);
}

// Issue 13: the touch that silenced the alarm left the phrase talking.
TEST(SpeechModel, TheTouchThatSilencesTheAlarmSilencesItsPhrase) {
  DrivingModel m(/*driving=*/true);
  const Read read = MakeRead("WR61KXT");
  m.model.AddHit(MakeHit(read, Priority::kHigh), read);
  ASSERT_EQ(m.speech.said.size(), 1u);
  m.model.Tick(1'790'000'000'000 + kHitSettleMs);
  EXPECT_TRUE(m.speech.silenced.empty());
  m.model.PointerDown(400, 300);
  m.model.PointerUp(400, 300);
  EXPECT_EQ(m.sound.log.back(), "stop:high");
  ASSERT_EQ(m.speech.silenced.size(), 1u);
  EXPECT_EQ(m.speech.silenced[0], Sound::kHighAlert);
  // A second touch, nothing sounding: nothing more to silence.
  m.model.PointerDown(400, 300);
  m.model.PointerUp(400, 300);
  EXPECT_EQ(m.speech.silenced.size(), 1u);
}

TEST(SpeechModel, TheStationaryScreenShowsTheHitAndDoesNotSpeak) {
  DrivingModel m(/*driving=*/false);
  ASSERT_FALSE(m.model.driving());
  const Read read = MakeRead("WR61KXT");
  m.model.AddHit(MakeHit(read, Priority::kHigh), read);
  EXPECT_TRUE(m.speech.said.empty());
}

TEST(SpeechModel, MutedPrioritiesAreNotSpoken) {
  FakeActions actions;
  testing::RecordingSound sound;
  RecordingSpeech speech;
  HmiConfig config;
  config.settings.mute_low = true;
  HmiModel model(config, &actions, &sound);
  model.SetSpeech(&speech);
  model.Tick(1'790'000'000'000);
  LogIn(model);
  UnitStatus st;
  st.speed_mps = 12;
  model.SetStatus(st);
  ASSERT_TRUE(model.driving());
  const Read low = MakeRead("AB12CDE"), medium = MakeRead("CD34EFG");
  model.AddHit(MakeHit(low, Priority::kLow), low);
  EXPECT_TRUE(speech.said.empty()) << "muted low";
  model.AddHit(MakeHit(medium, Priority::kMedium), medium);
  ASSERT_EQ(speech.said.size(), 1u);
  EXPECT_EQ(speech.said[0].first, Sound::kMediumAlert);
}

TEST(SpeechModel, AFailedSynthesiserShowsNoSpeechInTheStatusBar) {
  DrivingModel m(/*driving=*/true);
  m.model.SetSpeechAvailable(false);
  const Scene s = m.model.BuildScene();
  const Element* who = s.FindId("status.officer");
  ASSERT_NE(who, nullptr);
  EXPECT_NE(who->text.find("NO SPEECH"), std::string::npos) << who->text;
}

}  // namespace
}  // namespace anpr::hmi
