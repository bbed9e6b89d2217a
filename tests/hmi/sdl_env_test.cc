// The HMI's foundation: SDL starts headless and SDL_ttf draws readable text
// into a window whose pixels the test reads back.
#include "hmi/sdl_env.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace anpr::hmi {
namespace {

TEST(SdlEnv, StartsHeadlessAndRendersText) {
  setenv("SDL_VIDEODRIVER", "dummy", 1);
  std::string error;
  const std::string driver = InitSdlVideo(&error);
  ASSERT_FALSE(driver.empty()) << error;
  EXPECT_TRUE(IsHeadlessDriver(driver));

  ASSERT_EQ(TTF_Init(), 0) << TTF_GetError();
  TTF_Font* font = TTF_OpenFont(ANPR_FONT_PATH, 48);
  ASSERT_NE(font, nullptr) << TTF_GetError();

  SDL_Window* window = SDL_CreateWindow("t", 0, 0, 320, 120, 0);
  ASSERT_NE(window, nullptr) << SDL_GetError();
  SDL_Renderer* renderer = SDL_CreateRenderer(window, -1, SDL_RENDERER_SOFTWARE);
  ASSERT_NE(renderer, nullptr) << SDL_GetError();
  SDL_SetRenderDrawColor(renderer, 0, 0, 0, 255);
  SDL_RenderClear(renderer);

  SDL_Surface* text = TTF_RenderUTF8_Blended(font, "AB12 CDE", SDL_Color{255, 255, 255, 255});
  ASSERT_NE(text, nullptr);
  SDL_Texture* tex = SDL_CreateTextureFromSurface(renderer, text);
  SDL_Rect dst{10, 10, text->w, text->h};
  SDL_RenderCopy(renderer, tex, nullptr, &dst);

  // Read back: some pixels are now white-ish, the rest stay black.
  std::vector<uint32_t> pixels(320 * 120);
  ASSERT_EQ(SDL_RenderReadPixels(renderer, nullptr, SDL_PIXELFORMAT_ARGB8888, pixels.data(), 320 * 4), 0);
  int lit = 0;
  for (uint32_t p : pixels) lit += ((p & 0xFF) > 128);
  EXPECT_GT(lit, 200);
  EXPECT_LT(lit, 320 * 120 / 2);

  SDL_DestroyTexture(tex);
  SDL_FreeSurface(text);
  SDL_DestroyRenderer(renderer);
  SDL_DestroyWindow(window);
  TTF_CloseFont(font);
  TTF_Quit();
  SDL_Quit();
}

}  // namespace
}  // namespace anpr::hmi
