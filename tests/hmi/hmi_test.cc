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

namespace anpr::hmi {
namespace {

using testing::FakeActions;
using testing::MakeHit;
using testing::MakeRead;

double Rms(const std::vector<int16_t>& s, size_t from, size_t n) {
  double sum = 0;
  size_t k = 0;
  for (size_t i = from; i < from + n && i < s.size(); ++i, ++k) sum += double(s[i]) * s[i];
  return k ? std::sqrt(sum / k) : 0;
}

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

}  // namespace
}  // namespace anpr::hmi
