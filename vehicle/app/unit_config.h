// The in-car unit's configuration file (TOML), documented by example in
// hw/anpr-vehicle.example.toml. Every setting is validated on load; an
// invalid file stops the unit with a message naming the file, the setting
// and the rule it broke, so nobody drives off with a half-configured unit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr::unit {

// One camera of the car ([[camera]] tables, or the single [camera] table).
struct CameraConfig {
  std::string id = "front";         // stamped on every read; unique in the car
  std::string source = "v4l2";      // v4l2 | video | folder | synthetic
  std::string device = "/dev/anpr-camera";
  std::string path;                 // file or folder for video / folder
  int width_px = 1280;
  int height_px = 720;
  int fps = 15;
  std::string pixel_format = "mjpeg";  // mjpeg | yuyv
  int exposure_us = 0;                 // 0 = camera's automatic exposure
  int gain = -1;                       // -1 = leave as the camera has it
};

struct UnitConfig {
  // [unit]
  std::string unit_id = "PATROL-01";  // stamped on every read
  std::string data_dir = "/var/lib/anpr";
  std::string region = "gb";          // plate syntax: gb | eu

  // [camera], or the first of the [[camera]] tables (the first camera; the
  // unit runs all of them, see CamerasOf).
  std::string camera_id = "front";
  std::string camera_source = "v4l2";  // v4l2 | video | folder | synthetic
  std::string camera_device = "/dev/anpr-camera";
  std::string camera_path;             // file or folder for video / folder
  int camera_width_px = 1280;
  int camera_height_px = 720;
  int camera_fps = 15;
  std::string camera_pixel_format = "mjpeg";  // mjpeg | yuyv
  int camera_exposure_us = 0;                 // 0 = camera's automatic exposure
  int camera_gain = -1;                       // -1 = leave as the camera has it
  // Every configured camera in file order, as loaded from a file ([0] holds
  // the values of the camera_* fields above); empty for a configuration
  // built in code, which has the one camera of the camera_* fields.
  std::vector<CameraConfig> cameras;

  // [gps]
  std::string gpsd_host = "localhost";
  int gpsd_port = 2947;
  int gps_stale_after_ms = 3000;

  // [recognition]
  int recognition_threads = 1;
  int frame_queue_frames = 4;  // frames waiting for recognition; oldest dropped beyond
  bool plate_classifier = true;  // the learned plate classifier judges proposals too

  // [hotlists]
  std::string hotlist_dir;        // CSV files imported at start (name = list name)
  int rematch_hours = 4;          // reads re-matched when a list changes
  int alert_cooldown_s = 300;     // repeat hit on the same vehicle and entry, from its alert
  int alert_realert_s = 60;       // a high hit answered not seen / not actioned alerts again after this

  // [store]
  // The store's encryption key: a key file on a separate medium, or
  // "credential:NAME" (systemd LoadCredentialEncrypted=); see
  // vehicle/records/store_key.h. Empty: the store is not encrypted.
  std::string store_key_file;

  // [retention]
  int retention_max_days = 365;       // default 12 months; hard cap 730 (two years)
  int synced_image_retention_days = 31;

  // [store]: the disk-full safety files beside the store (vehicle/store/store.h).
  // The spill file takes reads and hits while the database cannot grow
  // (about 45 KB a read with its images); 0: none, they wait in memory.
  int store_spill_mb = 8;
  // The reserve file is given up to let clean-up run on a full disk; 0: none.
  int store_reserve_mb = 4;

  // [depot]
  std::string depot_url;              // empty: no sync (reads stay on board)
  std::string depot_token_file;
  std::string depot_ca_file;
  int sync_interval_s = 30;

  // [hmi]
  bool hmi_enabled = true;
  int screen_width_px = 800;
  int screen_height_px = 480;
  bool fullscreen = false;
  bool night_mode = false;
  double driving_speed_mps = 4.5;  // above this the driver sees the reduced hit screen
  int idle_lock_s = 300;
  // A second officer works the screen: the full screen (outcomes, typing)
  // stays up while moving. False: the driver alone, reduced screen above
  // driving_speed_mps.
  bool hmi_operator_present = false;

  // [sounds]
  int volume_percent = 80;
  bool mute_low = false;
  bool mute_medium = false;
};

// The cameras the unit runs: `cameras` as loaded, or, for a configuration
// built in code with an empty list, the one camera of the camera_* fields.
std::vector<CameraConfig> CamerasOf(const UnitConfig& config);

// Parses and validates a TOML configuration file. Unknown keys are errors
// (a typo must not silently fall back to a default).
Result<UnitConfig> LoadUnitConfig(const std::string& path);

// Same, from text; `origin` names the text in messages.
Result<UnitConfig> ParseUnitConfig(const std::string& toml_text, const std::string& origin);

}  // namespace anpr::unit
