// The real SDL window in tests (headless: dummy video driver, software
// renderer): a fixture that opens it, synthetic finger and mouse events pushed
// through SDL's queue, and screenshot analysis. Shared by hmi_view_test's
// files, with the fakes of hmi_test_util.h in the same namespace.
#pragma once

#include <SDL.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "hmi/model.h"
#include "hmi/sdl_env.h"
#include "hmi/view.h"

namespace anpr::hmi::testing {

class ViewTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    ASSERT_FALSE(InitSdlVideo(&error).empty()) << error;
  }
  static void TearDownTestSuite() { SDL_Quit(); }

  std::unique_ptr<SdlView> Open(int w, int h) {
    ViewOptions o;
    o.width_px = w;
    o.height_px = h;
    auto v = SdlView::Create(o);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? std::move(v.value()) : nullptr;
  }

  static std::filesystem::path ShotDir() {
    auto d = std::filesystem::path(ANPR_BINARY_DIR) / "hmi-screens";
    std::filesystem::create_directories(d);
    return d;
  }
};

// Pushes one finger event (SDL_FINGERDOWN, SDL_FINGERUP ...) at pixel (x, y)
// of a w x h window into SDL's queue.
inline void PushFinger(Uint32 type, int x, int y, int w, int h) {
  SDL_Event e{};
  e.type = type;
  e.tfinger.touchId = 1;
  e.tfinger.fingerId = 1;
  e.tfinger.x = (x + 0.5f) / float(w);
  e.tfinger.y = (y + 0.5f) / float(h);
  e.tfinger.pressure = 1;
  ASSERT_EQ(SDL_PushEvent(&e), 1) << SDL_GetError();
}

// Pushes a finger tap (down + up) at window pixel (x, y) into SDL's queue.
inline void PushFingerTap(int x, int y, int w, int h) {
  for (Uint32 type : {SDL_FINGERDOWN, SDL_FINGERUP}) PushFinger(type, x, y, w, h);
}

inline void PushMouseClick(int x, int y) {
  for (Uint32 type : {SDL_MOUSEBUTTONDOWN, SDL_MOUSEBUTTONUP}) {
    SDL_Event e{};
    e.type = type;
    e.button.button = SDL_BUTTON_LEFT;
    e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
    e.button.clicks = 1;
    e.button.x = x;
    e.button.y = y;
    ASSERT_EQ(SDL_PushEvent(&e), 1) << SDL_GetError();
  }
}

// Taps the target carrying `action` on the current scene, by finger or mouse,
// then lets the view deliver the events and draws the result.
inline void TapVia(SdlView& v, HmiModel& m, const std::string& action, bool finger) {
  const Scene s = m.BuildScene();
  const Element* e = s.FindAction(action);
  ASSERT_NE(e, nullptr) << action << " not on " << ScreenName(m.screen());
  if (finger) PushFingerTap(e->rect.cx(), e->rect.cy(), v.width(), v.height());
  else PushMouseClick(e->rect.cx(), e->rect.cy());
  ASSERT_TRUE(v.PumpEvents(&m));
  v.Draw(m.BuildScene());
  v.Present();
}

inline cv::Vec3b Bgr(Colour c) { return {c.b, c.g, c.r}; }

// Fraction of pixels within a small distance of a colour.
inline double ColourFraction(const cv::Mat& img, Colour c) {
  cv::Mat mask;
  const cv::Vec3b v = Bgr(c);
  cv::inRange(img, cv::Scalar(std::max(0, v[0] - 12), std::max(0, v[1] - 12), std::max(0, v[2] - 12)),
              cv::Scalar(std::min(255, v[0] + 12), std::min(255, v[1] + 12), std::min(255, v[2] + 12)), mask);
  return double(cv::countNonZero(mask)) / double(img.total());
}

// The text as the view renders it, blended onto `bg`, for template matching.
inline cv::Mat TextImage(SdlView& v, const std::string& text, int px, bool bold, bool mono, Colour fg, Colour bg) {
  SDL_Surface* raw = v.RenderTextSurface(text, px, bold, mono, fg);
  if (!raw) return {};
  SDL_Surface* s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
  SDL_FreeSurface(raw);
  cv::Mat out(s->h, s->w, CV_8UC3);
  for (int y = 0; y < s->h; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(static_cast<const uint8_t*>(s->pixels) + y * s->pitch);
    for (int x = 0; x < s->w; ++x) {
      const uint32_t p = row[x];
      const double a = ((p >> 24) & 0xFF) / 255.0;
      auto mix = [&](int fgc, int bgc) { return cv::saturate_cast<uint8_t>(fgc * a + bgc * (1 - a)); };
      out.at<cv::Vec3b>(y, x) = {mix(p & 0xFF, bg.b), mix((p >> 8) & 0xFF, bg.g), mix((p >> 16) & 0xFF, bg.r)};
    }
  }
  SDL_FreeSurface(s);
  return out;
}

// How well the element's text, rendered on its own, matches what is on the
// screenshot inside the element's rectangle (1 = identical).
inline double TextMatch(SdlView& v, const cv::Mat& shot, const Element& e) {
  const cv::Mat tmpl = TextImage(v, e.text, e.font_px, e.bold, e.mono, e.text_colour, e.fill);
  if (tmpl.empty()) return 0;
  const cv::Rect roi = cv::Rect(e.rect.x, e.rect.y, e.rect.w, e.rect.h) & cv::Rect(0, 0, shot.cols, shot.rows);
  if (tmpl.cols > roi.width || tmpl.rows > roi.height) return 0;
  cv::Mat score;
  cv::matchTemplate(shot(roi), tmpl, score, cv::TM_CCOEFF_NORMED);
  double best = 0;
  cv::minMaxLoc(score, nullptr, &best);
  return best;
}

}  // namespace anpr::hmi::testing
