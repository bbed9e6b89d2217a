// `anpr hmi`: the touchscreen on its own, with demo data.
//   anpr hmi screenshot --screen hit-high --size 800x480 --out hit.png
//   anpr hmi screenshot --screen all --size 1280x800 --out shots/
//   anpr hmi latency --size 800x480 --taps 300      (touch -> frame on screen)
//   anpr hmi sound --sound high --seconds 3 --out high.wav
//   anpr hmi demo [--size 1280x800] [--seconds 30]  (a window to touch and hear)
#include <SDL.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "vehicle/records/percentile.h"
#include "hmi/demo.h"
#include "hmi/hmi.h"
#include "hmi/sdl_env.h"
#include "hmi/sound.h"
#include "hmi/view.h"
#include "vehicle/app/command.h"

namespace {

using namespace anpr;
using namespace anpr::hmi;

bool ParseSize(const std::string& text, int* w, int* h) {
  return std::sscanf(text.c_str(), "%dx%d", w, h) == 2 && *w >= 320 && *h >= 240 && *w <= 7680 && *h <= 4320;
}

struct Options {
  std::string screen = "live";
  std::string size = "800x480";
  std::string out;
  int taps = 300;
  std::string sound = "high";
  double seconds = 3;
  bool fullscreen = false;
};

int Screenshot(const Options& o) {
  int w = 0, h = 0;
  if (!ParseSize(o.size, &w, &h)) {
    std::cerr << "anpr hmi: --size must be WIDTHxHEIGHT, e.g. 800x480 (got '" << o.size << "')\n";
    return 2;
  }
  std::vector<std::string> names = {o.screen};
  if (o.screen == "all") names = DemoScreenNames();
  if (o.screen == "all") std::filesystem::create_directories(o.out);
  setenv("SDL_VIDEODRIVER", "dummy", 0);  // screenshots never need a display
  std::string error;
  if (InitSdlVideo(&error).empty()) {
    std::cerr << "anpr hmi: SDL video: " << error << "\n";
    return 1;
  }
  ViewOptions vo;
  vo.width_px = w;
  vo.height_px = h;
  auto view = SdlView::Create(vo);
  if (!view.ok()) {
    std::cerr << "anpr hmi: " << view.status().ToString() << "\n";
    return 1;
  }
  int rc = 0;
  for (const std::string& name : names) {
    DemoActions actions;
    auto model = MakeDemoModel(name, w, h, &actions, nullptr, NowUtcMs());
    if (!model.ok()) {
      std::cerr << "anpr hmi: " << model.status().message() << "; screens: all";
      for (const auto& n : DemoScreenNames()) std::cerr << " " << n;
      std::cerr << "\n";
      return 2;
    }
    (*view)->Draw(model.value()->BuildScene());
    const cv::Mat shot = (*view)->ReadPixels();
    (*view)->Present();
    const std::string file = o.screen == "all"
                                 ? (std::filesystem::path(o.out) / (name + "-" + o.size + ".png")).string()
                                 : o.out;
    if (shot.empty() || !cv::imwrite(file, shot)) {
      std::cerr << "anpr hmi: could not write " << file << "\n";
      rc = 1;
      continue;
    }
    std::cout << file << "\n";
  }
  view.value().reset();
  SDL_Quit();
  return rc;
}

// Touch -> response: a finger event goes into SDL's queue; the clock stops
// when the frame showing the response has been presented.
int Latency(const Options& o) {
  int w = 0, h = 0;
  if (!ParseSize(o.size, &w, &h) || o.taps < 1) {
    std::cerr << "anpr hmi: --size WIDTHxHEIGHT and --taps >= 1\n";
    return 2;
  }
  std::string error;
  const std::string driver = InitSdlVideo(&error);
  if (driver.empty()) {
    std::cerr << "anpr hmi: SDL video: " << error << "\n";
    return 1;
  }
  ViewOptions vo;
  vo.width_px = w;
  vo.height_px = h;
  auto view_r = SdlView::Create(vo);
  if (!view_r.ok()) {
    std::cerr << "anpr hmi: " << view_r.status().ToString() << "\n";
    return 1;
  }
  SdlView& view = **view_r;
  DemoActions actions;
  auto model_r = MakeDemoModel("check", w, h, &actions, nullptr, NowUtcMs());
  HmiModel& m = *model_r.value();
  using Clock = std::chrono::steady_clock;
  auto frame = [&] {
    view.Draw(m.BuildScene());
    view.Present();
  };
  frame();
  auto push = [&](Uint32 type, const Rect& r) {
    SDL_Event e{};
    e.type = type;
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = 1;
    e.tfinger.x = (r.cx() + 0.5f) / float(view.width());
    e.tfinger.y = (r.cy() + 0.5f) / float(view.height());
    e.tfinger.pressure = 1;
    SDL_PushEvent(&e);
  };
  std::vector<double> down_ms, up_ms, hit_ms, cpu_ms;
  // CPU time of this thread: what the response costs, apart from waiting for
  // a core on a loaded machine.
  auto cpu_now_ms = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  };
  for (int i = 0; i < o.taps; ++i) {
    const std::string action = i % 2 ? "check.del" : "check.key.A";
    const Scene s = m.BuildScene();
    const Element* target = s.FindAction(action);
    if (!target) {
      std::cerr << "anpr hmi: no " << action << " target\n";
      return 1;
    }
    const Rect r = target->rect;
    const double c0 = cpu_now_ms();
    auto t0 = Clock::now();
    push(SDL_FINGERDOWN, r);  // response: the key lights up
    view.PumpEvents(&m);
    frame();
    auto t1 = Clock::now();
    cpu_ms.push_back(cpu_now_ms() - c0);
    push(SDL_FINGERUP, r);  // response: the character appears (or goes)
    view.PumpEvents(&m);
    frame();
    auto t2 = Clock::now();
    down_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    up_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  // A hit arriving: AddHit (JPEG decode included) to the alert on screen.
  for (int i = 0; i < std::max(10, o.taps / 10); ++i) {
    const Read r = DemoRead("AB12CDE", NowUtcMs());
    const Hit hit = DemoHit(r, Priority::kHigh);
    auto t0 = Clock::now();
    m.AddHit(hit, r);
    frame();
    hit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    m.Activate("hit.confirmed");
    frame();
  }
  std::printf(
      "{\"driver\":\"%s\",\"size\":\"%dx%d\",\"taps\":%d,"
      "\"touch_down_to_frame_ms\":{\"p50\":%.2f,\"p95\":%.2f,\"max\":%.2f},"
      "\"touch_up_to_frame_ms\":{\"p50\":%.2f,\"p95\":%.2f,\"max\":%.2f},"
      "\"touch_down_cpu_ms\":{\"p50\":%.2f,\"p95\":%.2f,\"max\":%.2f},"
      "\"hit_to_frame_ms\":{\"p50\":%.2f,\"p95\":%.2f,\"max\":%.2f},\"frame_budget_ms\":16.7}\n",
      driver.c_str(), w, h, o.taps, Percentile(down_ms, 50), Percentile(down_ms, 95), Percentile(down_ms, 100),
      Percentile(up_ms, 50), Percentile(up_ms, 95), Percentile(up_ms, 100), Percentile(cpu_ms, 50),
      Percentile(cpu_ms, 95), Percentile(cpu_ms, 100), Percentile(hit_ms, 50),
      Percentile(hit_ms, 95), Percentile(hit_ms, 100));
  model_r.value().reset();
  view_r.value().reset();
  SDL_Quit();
  return 0;
}

// Writes the alert as a 16-bit mono WAV file to listen to.
int SoundFile(const Options& o) {
  Sound s;
  if (o.sound == "high") s = Sound::kHighAlert;
  else if (o.sound == "medium") s = Sound::kMediumAlert;
  else if (o.sound == "low") s = Sound::kLowAlert;
  else if (o.sound == "failure") s = Sound::kStatusFailure;
  else {
    std::cerr << "anpr hmi: --sound must be high, medium, low or failure\n";
    return 2;
  }
  if (o.out.empty() || o.seconds <= 0 || o.seconds > 600) {
    std::cerr << "anpr hmi: --out FILE.wav and 0 < --seconds <= 600 are required\n";
    return 2;
  }
  AlertPlayer player;
  player.SetVolume(100);
  player.Play(s);
  std::vector<int16_t> samples(static_cast<size_t>(o.seconds * kSampleRateHz));
  player.Render(samples.data(), static_cast<int>(samples.size()));
  std::ofstream f(o.out, std::ios::binary);
  auto u32 = [&](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto u16 = [&](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  const uint32_t bytes = static_cast<uint32_t>(samples.size() * 2);
  f.write("RIFF", 4);
  u32(36 + bytes);
  f.write("WAVEfmt ", 8);
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(kSampleRateHz);
  u32(kSampleRateHz * 2);
  u16(2);
  u16(16);
  f.write("data", 4);
  u32(bytes);
  f.write(reinterpret_cast<const char*>(samples.data()), bytes);
  if (!f) {
    std::cerr << "anpr hmi: could not write " << o.out << "\n";
    return 1;
  }
  std::cout << o.out << ": " << SoundName(s) << ", " << o.seconds << " s, " << kSampleRateHz << " Hz mono\n";
  return 0;
}

// A window with demo data: a hit of each priority in turn every 6 seconds.
int Demo(const Options& o) {
  int w = 0, h = 0;
  if (!ParseSize(o.size, &w, &h)) {
    std::cerr << "anpr hmi: --size must be WIDTHxHEIGHT\n";
    return 2;
  }
  std::string error;
  const std::string driver = InitSdlVideo(&error);
  if (driver.empty()) {
    std::cerr << "anpr hmi: SDL video: " << error << "\n";
    return 1;
  }
  if (IsHeadlessDriver(driver)) std::cout << "anpr hmi: no display (" << driver << "): running headless\n";
  DemoActions actions;
  HmiOptions ho;
  ho.view.width_px = w;
  ho.view.height_px = h;
  ho.view.fullscreen = o.fullscreen;
  ho.view.title = "ANPR demo - officer 1234, PIN 5678";
  auto hmi_r = Hmi::Create(ho, &actions);
  if (!hmi_r.ok()) {
    std::cerr << "anpr hmi: " << hmi_r.status().ToString() << "\n";
    return 1;
  }
  Hmi& hmi = **hmi_r;
  if (!hmi.audio_error().empty()) std::cout << "anpr hmi: no sound: " << hmi.audio_error() << "\n";
  std::cout << "log in as officer 1234, PIN 5678\n";
  const int64_t start = NowUtcMs();
  int64_t next_frame = start, next_hit = start + 4000, next_status = start;
  int hit_no = 0;
  const std::vector<std::pair<std::string, Priority>> hits = {
      {"AB12CDE", Priority::kHigh}, {"MX19KLT", Priority::kMedium}, {"YK65RVP", Priority::kLow}};
  Rect box;
  auto frame = DemoFrame("GU70HZE", &box);
  while (true) {
    const int64_t now = NowUtcMs();
    if (o.seconds > 0 && now - start > o.seconds * 1000) break;
    if (now >= next_status) {
      UnitStatus st;
      st.camera_text = "CAM 15fps";
      st.gps_fix = FixMode::k3D;
      st.clock_source = ClockSource::kGps;
      st.last_sync_utc_ms = start;
      st.storage_used_percent = 12;
      st.hotlist_updated_utc_ms = start - 3600 * 1000;
      hmi.PostStatus(st);
      next_status = now + 1000;
    }
    if (now >= next_frame) {
      hmi.PostFrame(frame, {LiveBox{box, "GU70HZE"}});
      next_frame = now + 66;
    }
    if (now >= next_hit) {
      const auto& [vrm, p] = hits[static_cast<size_t>(hit_no++) % hits.size()];
      Read r = DemoRead(vrm, now);
      hmi.PostRead(r);
      hmi.PostHit(DemoHit(r, p), r);
      std::cout << "hit: " << vrm << " " << PriorityName(p) << "\n";
      next_hit = now + 6000;
    }
    if (!hmi.RunFrame(now)) break;
    SDL_Delay(5);
  }
  std::cout << "outcomes recorded: " << actions.outcomes.size() << ", frames drawn: " << hmi.frames_drawn() << "\n";
  hmi_r.value().reset();
  SDL_Quit();
  return 0;
}

const anpr::cli::CommandRegistration kHmi{
    "hmi", "The touchscreen with demo data: screenshots, touch latency, alert sounds, a demo window",
    [](CLI::App& sub) {
      auto o = std::make_shared<Options>();
      sub.require_subcommand(1);
      CLI::App* shot = sub.add_subcommand("screenshot", "Render a screen headless and save it as PNG");
      shot->add_option("--screen", o->screen, "Screen name, or 'all' (then --out is a folder)")->required();
      shot->add_option("--size", o->size, "WIDTHxHEIGHT (800x480, 1280x800)");
      shot->add_option("--out", o->out, "PNG file, or folder for --screen all")->required();
      CLI::App* lat = sub.add_subcommand("latency", "Measure touch-to-frame latency (use a Release build)");
      lat->add_option("--size", o->size, "WIDTHxHEIGHT");
      lat->add_option("--taps", o->taps, "Number of taps");
      CLI::App* snd = sub.add_subcommand("sound", "Write an alert sound to a WAV file");
      snd->add_option("--sound", o->sound, "high, medium, low or failure");
      snd->add_option("--seconds", o->seconds, "Length to render (high repeats)");
      snd->add_option("--out", o->out, "WAV file")->required();
      CLI::App* demo = sub.add_subcommand("demo", "Open the HMI with demo data and sounds");
      demo->add_option("--size", o->size, "WIDTHxHEIGHT");
      demo->add_option("--seconds", o->seconds, "Exit after this long (0 = until closed)");
      demo->add_flag("--fullscreen", o->fullscreen, "Fill the screen");
      return [o, shot, lat, snd, demo]() {
        if (shot->parsed()) return Screenshot(*o);
        if (lat->parsed()) return Latency(*o);
        if (snd->parsed()) return SoundFile(*o);
        if (demo->parsed()) {
          if (!demo->count("--seconds")) o->seconds = 0;
          return Demo(*o);
        }
        return 2;
      };
    }};

}  // namespace
