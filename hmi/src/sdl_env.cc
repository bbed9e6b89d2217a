#include "hmi/sdl_env.h"

#include <SDL.h>

#include <cstdlib>

namespace anpr::hmi {

std::string InitSdlVideo(std::string* error) {
  const bool forced = std::getenv("SDL_VIDEODRIVER") != nullptr;
  const bool have_display = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
  if (!forced && !have_display) SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER | SDL_INIT_EVENTS) != 0) {
    if (error) *error = SDL_GetError();
    return {};
  }
  const char* name = SDL_GetCurrentVideoDriver();
  return name ? name : "";
}

bool IsHeadlessDriver(const std::string& driver) {
  return driver == "offscreen" || driver == "dummy";
}

}  // namespace anpr::hmi
