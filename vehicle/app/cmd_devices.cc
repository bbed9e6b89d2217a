// `anpr devices [--json]`: the V4L2 cameras attached, with the formats,
// sizes, frame rates and exposure/gain controls each offers, so an installer
// can pick the camera settings.
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "capture/camera.h"
#include "vehicle/app/command.h"

namespace {

std::string Rates(const std::vector<double>& fps) {
  std::ostringstream s;
  for (size_t i = 0; i < fps.size(); ++i) s << (i ? "/" : "") << fps[i];
  return s.str();
}

int RunDevices(bool json, const std::string& dev_dir) {
  auto device = anpr::MakeLibv4l2Device();
  std::vector<std::string> errors;
  const auto cameras = anpr::ListCameras(*device, anpr::FindVideoDevices(dev_dir), &errors);
  if (json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& c : cameras) {
      nlohmann::ordered_json j;
      j["path"] = c.path;
      j["card"] = c.card;
      j["driver"] = c.driver;
      j["bus"] = c.bus;
      j["formats"] = nlohmann::ordered_json::array();
      for (const auto& f : c.formats) {
        nlohmann::ordered_json jf;
        jf["fourcc"] = f.fourcc;
        jf["description"] = f.description;
        jf["sizes"] = nlohmann::ordered_json::array();
        for (const auto& s : f.sizes) {
          jf["sizes"].push_back({{"width", s.width_px}, {"height", s.height_px}, {"fps", s.fps}});
        }
        j["formats"].push_back(jf);
      }
      j["controls"] = c.controls;
      out.push_back(j);
    }
    std::cout << out.dump() << "\n";
  } else if (cameras.empty()) {
    std::cout << "No cameras found: no " << dev_dir << "/video* node can capture video.\n";
  } else {
    for (const auto& c : cameras) {
      std::cout << c.path << ": " << c.card << " (" << c.driver << ", " << c.bus << ")\n";
      for (const auto& f : c.formats) {
        std::cout << "  " << f.fourcc << " (" << f.description << ")";
        if (f.fourcc != "MJPG" && f.fourcc != "YUYV") std::cout << " [not used by anpr]";
        std::cout << ":";
        for (size_t i = 0; i < f.sizes.size(); ++i) {
          std::cout << (i ? "," : "") << " " << f.sizes[i].width_px << "x" << f.sizes[i].height_px;
          if (!f.sizes[i].fps.empty()) std::cout << " @ " << Rates(f.sizes[i].fps) << " fps";
        }
        std::cout << "\n";
      }
      std::cout << "  controls:";
      if (c.controls.empty()) std::cout << " none for exposure or gain";
      for (size_t i = 0; i < c.controls.size(); ++i) std::cout << (i ? "," : "") << " " << c.controls[i];
      std::cout << "\n";
    }
  }
  for (const auto& e : errors) std::cerr << "anpr devices: " << e << "\n";
  return 0;
}

const anpr::cli::CommandRegistration kDevices{
    "devices", "List V4L2 cameras with their formats, sizes, rates and controls",
    [](CLI::App& sub) {
      auto json = std::make_shared<bool>(false);
      auto dev_dir = std::make_shared<std::string>("/dev");
      sub.add_flag("--json", *json, "One JSON array of cameras");
      sub.add_option("--dev", *dev_dir, "Folder holding the video* nodes")->capture_default_str();
      return [json, dev_dir]() { return RunDevices(*json, *dev_dir); };
    }};

}  // namespace
