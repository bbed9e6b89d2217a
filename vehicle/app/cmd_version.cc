// `anpr version`: the unit's version and the versions of the libraries it runs
// on, so a support call can tell exactly what a car is running.
#include <SDL.h>
#include <gps.h>
#include <sqlite3.h>
#include <tesseract/baseapi.h>

#include <iostream>
#include <opencv2/core/version.hpp>

#include "vehicle/app/command.h"

namespace {

const anpr::cli::CommandRegistration kVersion{
    "version", "Print the unit's version and its libraries' versions",
    [](CLI::App&) {
      return []() {
        SDL_version sdl;
        SDL_GetVersion(&sdl);
        std::cout << "anpr " << ANPR_VERSION << "\n"
                  << "opencv " << CV_VERSION << "\n"
                  << "tesseract " << tesseract::TessBaseAPI::Version() << "\n"
                  << "sdl2 " << int(sdl.major) << "." << int(sdl.minor) << "." << int(sdl.patch) << "\n"
                  << "sqlite " << sqlite3_libversion() << "\n"
                  << "libgps api " << GPSD_API_MAJOR_VERSION << "." << GPSD_API_MINOR_VERSION << "\n";
        return 0;
      };
    }};

}  // namespace
