// Choosing an SDL video driver for the unit's screen.
#pragma once

#include <string>

namespace anpr::hmi {

// Initialises SDL video (and timers/events). Uses the platform's driver when a
// display is reachable (DISPLAY or WAYLAND_DISPLAY set) and SDL's "dummy"
// driver otherwise: software rendering with no GL libraries loaded, so the
// unit and its tests run headless and can read back every pixel.
// Returns the name of the driver in use, or an empty string with *error set
// when SDL could not start at all. SDL_VIDEODRIVER, when set, wins.
std::string InitSdlVideo(std::string* error);

// True when the driver renders nowhere a person can see (offscreen, dummy).
bool IsHeadlessDriver(const std::string& driver);

}  // namespace anpr::hmi
