#include "vehicle/app/unit_config.h"

#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "sync/depot_url.h"
#include "vehicle/records/field_limits.h"

namespace anpr::unit {
namespace {

// Far above any real configuration (the example is 2 KB).
constexpr size_t kMaxConfigBytes = 1 << 20;

// One setting: how to read it from its TOML node into the config, and the
// rule it must satisfy. A table of these keeps every key, its validation and
// its message in one place.
struct Setting {
  std::function<std::string(const toml::node&, UnitConfig&)> apply;  // "" = ok, else the problem
};

std::string Str(const toml::node& n, std::string& out, std::initializer_list<const char*> allowed = {}) {
  auto v = n.value<std::string>();
  if (!v) return "must be a string";
  // Paths and names are used as written: a control character is a mistake
  // (a "\n" meant as part of a Windows-style path), and a NUL would cut a
  // path short when it reaches the operating system.
  for (unsigned char c : *v) {
    if (c < 0x20 || c == 0x7f) return "contains a control character (an escape such as \\n?)";
  }
  if (allowed.size()) {
    bool ok = false;
    std::string list;
    for (const char* a : allowed) {
      ok |= (*v == a);
      list += (list.empty() ? "" : " | ") + std::string(a);
    }
    if (!ok) return "'" + *v + "' is not one of " + list;
  }
  out = *v;
  return "";
}

// An id the depot stores with every record (unit.id, camera.id): the shared
// rule of limits::ValidateId, so no record is refused on upload for it.
std::string Id(const toml::node& n, std::string& out) {
  auto v = n.value<std::string>();
  if (!v) return "must be a string";
  if (Status s = limits::ValidateId("id", *v); !s.ok()) return s.message();
  out = *v;
  return "";
}

std::string Int(const toml::node& n, int& out, int64_t lo, int64_t hi) {
  auto v = n.value<int64_t>();
  if (!v || !n.is_integer()) return "must be an integer";
  if (*v < lo || *v > hi) {
    return std::to_string(*v) + " is out of range " + std::to_string(lo) + "-" + std::to_string(hi);
  }
  out = static_cast<int>(*v);
  return "";
}

std::string Real(const toml::node& n, double& out, double lo, double hi) {
  auto v = n.value<double>();
  if (!v) return "must be a number";
  if (!(*v >= lo && *v <= hi)) {
    std::ostringstream s;
    s << *v << " is out of range " << lo << "-" << hi;
    return s.str();
  }
  out = *v;
  return "";
}

std::string Bool(const toml::node& n, bool& out) {
  auto v = n.value<bool>();
  if (!v) return "must be true or false";
  out = *v;
  return "";
}

const std::map<std::string, Setting>& Settings() {
  using N = const toml::node&;
  using C = UnitConfig&;
  static const std::map<std::string, Setting> settings = {
      {"unit.id", {[](N n, C c) { return Id(n, c.unit_id); }}},
      {"unit.data_dir", {[](N n, C c) { return Str(n, c.data_dir); }}},
      {"unit.region", {[](N n, C c) { return Str(n, c.region, {"gb", "eu"}); }}},
      {"camera.id", {[](N n, C c) { return Id(n, c.camera_id); }}},
      {"camera.source", {[](N n, C c) {
         return Str(n, c.camera_source, {"v4l2", "video", "folder", "synthetic"});
       }}},
      {"camera.device", {[](N n, C c) { return Str(n, c.camera_device); }}},
      {"camera.path", {[](N n, C c) { return Str(n, c.camera_path); }}},
      {"camera.width", {[](N n, C c) { return Int(n, c.camera_width_px, 320, 4096); }}},
      {"camera.height", {[](N n, C c) { return Int(n, c.camera_height_px, 240, 3072); }}},
      {"camera.fps", {[](N n, C c) { return Int(n, c.camera_fps, 1, 120); }}},
      {"camera.pixel_format", {[](N n, C c) { return Str(n, c.camera_pixel_format, {"mjpeg", "yuyv"}); }}},
      {"camera.exposure_us", {[](N n, C c) { return Int(n, c.camera_exposure_us, 0, 1000000); }}},
      {"camera.gain", {[](N n, C c) { return Int(n, c.camera_gain, -1, 1000); }}},
      {"gps.gpsd", {[](N n, C c) {
         std::string v;
         if (auto e = Str(n, v); !e.empty()) return e;
         const auto colon = v.rfind(':');
         if (colon == std::string::npos || colon == 0) return std::string("'" + v + "' is not HOST:PORT");
         c.gpsd_host = v.substr(0, colon);
         // The whole port, digits only: "12ab", "+12", " 12" and "" are refused
         // (std::stoi would take "12ab" as 12).
         const std::string port = v.substr(colon + 1);
         int value = 0;
         const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
         if (port.empty() || port[0] < '0' || port[0] > '9' || ec != std::errc() || end != port.data() + port.size()) {
           return std::string("'" + v + "' has no numeric port");
         }
         if (value < 1 || value > 65535) return std::string("port out of range 1-65535");
         c.gpsd_port = value;
         return std::string();
       }}},
      {"gps.stale_after_ms", {[](N n, C c) { return Int(n, c.gps_stale_after_ms, 100, 600000); }}},
      {"recognition.threads", {[](N n, C c) { return Int(n, c.recognition_threads, 1, 16); }}},
      {"recognition.queue_frames", {[](N n, C c) { return Int(n, c.frame_queue_frames, 1, 256); }}},
      {"recognition.plate_classifier", {[](N n, C c) { return Bool(n, c.plate_classifier); }}},
      {"hotlists.dir", {[](N n, C c) { return Str(n, c.hotlist_dir); }}},
      {"hotlists.rematch_hours", {[](N n, C c) { return Int(n, c.rematch_hours, 0, 72); }}},
      {"hotlists.cooldown_s", {[](N n, C c) { return Int(n, c.alert_cooldown_s, 0, 3600); }}},
      {"hotlists.realert_s", {[](N n, C c) { return Int(n, c.alert_realert_s, 0, 3600); }}},
      {"store.key_file", {[](N n, C c) { return Str(n, c.store_key_file); }}},
      // Two years is the legal ceiling for keeping reads; shorter is allowed.
      {"retention.max_days", {[](N n, C c) { return Int(n, c.retention_max_days, 1, 730); }}},
      {"retention.synced_image_days", {[](N n, C c) { return Int(n, c.synced_image_retention_days, 0, 730); }}},
      // Allocated at start on the store's filesystem: at most 1 GB each.
      {"store.spill_mb", {[](N n, C c) { return Int(n, c.store_spill_mb, 0, 1024); }}},
      {"store.reserve_mb", {[](N n, C c) { return Int(n, c.store_reserve_mb, 0, 1024); }}},
      {"depot.url", {[](N n, C c) {
         auto e = Str(n, c.depot_url);
         if (!e.empty() || c.depot_url.empty()) return e;
         // The sync client's own rule, so a URL passes here only if sync will use it.
         if (Status s = sync::CheckDepotUrl(c.depot_url); !s.ok()) return s.message();
         return std::string();
       }}},
      {"depot.token_file", {[](N n, C c) { return Str(n, c.depot_token_file); }}},
      {"depot.ca_file", {[](N n, C c) { return Str(n, c.depot_ca_file); }}},
      {"depot.interval_s", {[](N n, C c) { return Int(n, c.sync_interval_s, 1, 86400); }}},
      {"hmi.enabled", {[](N n, C c) { return Bool(n, c.hmi_enabled); }}},
      {"hmi.width", {[](N n, C c) { return Int(n, c.screen_width_px, 640, 4096); }}},
      {"hmi.height", {[](N n, C c) { return Int(n, c.screen_height_px, 400, 3072); }}},
      {"hmi.fullscreen", {[](N n, C c) { return Bool(n, c.fullscreen); }}},
      {"hmi.night", {[](N n, C c) { return Bool(n, c.night_mode); }}},
      {"hmi.driving_speed_mps", {[](N n, C c) { return Real(n, c.driving_speed_mps, 0, 20); }}},
      {"hmi.idle_lock_s", {[](N n, C c) { return Int(n, c.idle_lock_s, 10, 3600); }}},
      {"hmi.operator_present", {[](N n, C c) { return Bool(n, c.hmi_operator_present); }}},
      {"sounds.volume", {[](N n, C c) { return Int(n, c.volume_percent, 0, 100); }}},
      {"sounds.mute_low", {[](N n, C c) { return Bool(n, c.mute_low); }}},
      {"sounds.mute_medium", {[](N n, C c) { return Bool(n, c.mute_medium); }}},
  };
  return settings;
}

// The camera_* fields of a config as one camera, and back.
CameraConfig CameraOf(const UnitConfig& c) {
  CameraConfig cam;
  cam.id = c.camera_id;
  cam.source = c.camera_source;
  cam.device = c.camera_device;
  cam.path = c.camera_path;
  cam.width_px = c.camera_width_px;
  cam.height_px = c.camera_height_px;
  cam.fps = c.camera_fps;
  cam.pixel_format = c.camera_pixel_format;
  cam.exposure_us = c.camera_exposure_us;
  cam.gain = c.camera_gain;
  return cam;
}

void SetCamera(const CameraConfig& cam, UnitConfig& c) {
  c.camera_id = cam.id;
  c.camera_source = cam.source;
  c.camera_device = cam.device;
  c.camera_path = cam.path;
  c.camera_width_px = cam.width_px;
  c.camera_height_px = cam.height_px;
  c.camera_fps = cam.fps;
  c.camera_pixel_format = cam.pixel_format;
  c.camera_exposure_us = cam.exposure_us;
  c.camera_gain = cam.gain;
}

// "[[camera]] #2": a camera table of the list, numbered from 1 as it stands
// in the file.
std::string CameraTableName(size_t index) { return "[[camera]] #" + std::to_string(index + 1); }

// One [[camera]] table: the keys of the [camera] table, each validated by
// the same Settings entry (applied to a config of defaults, then taken out).
Result<CameraConfig> ParseCameraTable(const toml::table& table, size_t index, const std::string& origin) {
  UnitConfig scratch;
  for (auto&& [key, node] : table) {
    const std::string name = "camera." + std::string(key.str());
    const std::string where = origin + ":" + std::to_string(node.source().begin.line) + ": " + CameraTableName(index);
    auto it = Settings().find(name);
    if (it == Settings().end()) return InvalidArgument(where + ": unknown setting " + name);
    if (std::string problem = it->second.apply(node, scratch); !problem.empty()) {
      return InvalidArgument(where + ": " + name + ": " + problem);
    }
  }
  return CameraOf(scratch);
}

}  // namespace

Result<UnitConfig> ParseUnitConfig(const std::string& toml_text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream s;
    s << origin << ":" << e.source().begin.line << ": " << e.description();
    return InvalidArgument(s.str());
  }
  UnitConfig config;
  for (auto&& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    if (section == "camera" && section_node.is_array()) {
      const toml::array& list = *section_node.as_array();
      if (list.empty()) return InvalidArgument(origin + ": camera is an empty list: give at least one [[camera]]");
      for (size_t i = 0; i < list.size(); ++i) {
        const auto* camera_table = list[i].as_table();
        if (!camera_table) return InvalidArgument(origin + ": " + CameraTableName(i) + " must be a table");
        auto camera = ParseCameraTable(*camera_table, i, origin);
        if (!camera.ok()) return camera.status();
        config.cameras.push_back(std::move(*camera));
      }
      continue;
    }
    const auto* table = section_node.as_table();
    if (!table) {
      return InvalidArgument(origin + ": '" + section + "' must be a [section]");
    }
    for (auto&& [key, node] : *table) {
      const std::string name = section + "." + std::string(key.str());
      const auto line = node.source().begin.line;
      auto it = Settings().find(name);
      if (it == Settings().end()) {
        return InvalidArgument(origin + ":" + std::to_string(line) + ": unknown setting " + name);
      }
      if (std::string problem = it->second.apply(node, config); !problem.empty()) {
        return InvalidArgument(origin + ":" + std::to_string(line) + ": " + name + ": " + problem);
      }
    }
  }
  // The single [camera] table (or none: the defaults) is a list of one.
  const bool camera_list = !config.cameras.empty();
  if (camera_list) {
    SetCamera(config.cameras.front(), config);
  } else {
    config.cameras.push_back(CameraOf(config));
  }
  std::map<std::string, size_t> camera_by_id;
  for (size_t i = 0; i < config.cameras.size(); ++i) {
    const CameraConfig& cam = config.cameras[i];
    const std::string name = camera_list ? CameraTableName(i) + ": " : "";
    if ((cam.source == "video" || cam.source == "folder") && cam.path.empty()) {
      return InvalidArgument(origin + ": " + name + "camera.path is required when camera.source = \"" + cam.source +
                             "\"");
    }
    // Reads are told apart by camera id, at the depot too.
    if (auto [it, fresh] = camera_by_id.emplace(cam.id, i); !fresh) {
      return InvalidArgument(origin + ": " + name + "camera.id '" + cam.id + "' is already the id of " +
                             CameraTableName(it->second) + " (each camera needs its own id)");
    }
  }
  if (!config.depot_url.empty() && config.depot_token_file.empty()) {
    return InvalidArgument(origin + ": depot.token_file is required when depot.url is set");
  }
  return config;
}

std::vector<CameraConfig> CamerasOf(const UnitConfig& config) {
  if (!config.cameras.empty()) return config.cameras;
  return {CameraOf(config)};
}

Result<UnitConfig> LoadUnitConfig(const std::string& path) {
  // A directory opens as an empty stream on Linux, and an empty file parses
  // as all defaults: both would run the unit on the built-in settings.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return NotFound(path + ": cannot open the configuration file: no such file");
  }
  if (ec) return InvalidArgument(path + ": cannot read the configuration file: " + ec.message());
  if (status.type() != std::filesystem::file_type::regular) {
    return InvalidArgument(path + ": the configuration is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot read the configuration file: " + std::strerror(errno));
  // Read whole before it is parsed, so bounded: a path naming a disk image
  // or an endless file (/proc/kcore) must not take the unit's memory.
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return InvalidArgument(path + ": cannot read the configuration file");
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxConfigBytes) {
    return InvalidArgument(path + ": the configuration file is larger than " + std::to_string(kMaxConfigBytes) +
                           " bytes");
  }
  return ParseUnitConfig(text, path);
}

}  // namespace anpr::unit
