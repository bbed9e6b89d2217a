// The README's first command, as CI can run it: anpr-vehicle --demo, headless,
// for a bounded time. What an officer would see: a hit of each priority
// within 15 seconds, and a summary that accounts for every frame.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/integration/run_command.h"

namespace {

using anpr::testing::RunCommand;

nlohmann::json LastJsonLine(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() == '{') last = line;
  }
  return last.empty() ? nlohmann::json() : nlohmann::json::parse(last, nullptr, false);
}

TEST(VehicleDemo, RaisesAHitOfEachPriorityWithin15SecondsHeadless) {
  const std::string exe = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle";
  const auto r = RunCommand("env -u DISPLAY -u WAYLAND_DISPLAY SDL_AUDIODRIVER=dummy " + exe +
                                 " --demo --duration 15");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("No display: running headless"), std::string::npos) << r.output;
  // Alerts are printed, one line per hit, naming the priority and the hotlisted VRM.
  EXPECT_NE(r.output.find("HIT   high   WR61KXT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("HIT   medium LK19BPN"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("HIT   low    YD68FTA"), std::string::npos) << r.output;

  // Every read carries the officer on duty: the demo logs officer 1001 in
  // through the keypad before the first vehicle passes.
  {
    std::istringstream lines(r.output);
    std::string line;
    int reads = 0;
    while (std::getline(lines, line)) {
      if (line.rfind("read  ", 0) != 0) continue;
      ++reads;
      EXPECT_NE(line.find("officer 1001"), std::string::npos) << line;
    }
    EXPECT_GE(reads, 3) << r.output;
  }

  const nlohmann::json summary = LastJsonLine(r.output);
  ASSERT_TRUE(summary.is_object()) << r.output;
  EXPECT_GE(summary["hits"]["high"].get<int>(), 1);
  EXPECT_GE(summary["hits"]["medium"].get<int>(), 1);
  EXPECT_GE(summary["hits"]["low"].get<int>(), 1);
  EXPECT_GE(summary["alerts"].get<int>(), 3);
  EXPECT_GE(summary["reads"].get<int>(), 3);
  // Every frame is accounted for: processed, dropped, or still queued.
  const auto in = summary["frames"].get<uint64_t>();
  const auto done = summary["frames_processed"].get<uint64_t>() + summary["frames_dropped"].get<uint64_t>() +
                    summary["queues"]["frames"].get<uint64_t>();
  EXPECT_GT(in, 50u);
  EXPECT_LE(in - done, 1u);  // at most the frame in recognition when the run stopped
  EXPECT_GT(summary["capture_to_alert_ms"]["p95"].get<double>(), 0.0);
  // Timed from the plate's first frame, each alert waited at least as long.
  ASSERT_TRUE(summary.contains("first_sight_to_alert_ms")) << r.output;
  EXPECT_GE(summary["first_sight_to_alert_ms"]["p50"].get<double>(),
            summary["capture_to_alert_ms"]["p50"].get<double>());
  EXPECT_GE(summary["first_sight_to_alert_ms"]["p95"].get<double>(),
            summary["capture_to_alert_ms"]["p95"].get<double>());
  // Two synthetic cameras, front and rear, each reading its own traffic.
  ASSERT_TRUE(summary["cameras"].is_array()) << r.output;
  ASSERT_EQ(summary["cameras"].size(), 2u) << r.output;
  EXPECT_EQ(summary["cameras"][0]["id"], "front");
  EXPECT_EQ(summary["cameras"][1]["id"], "rear");
  for (const auto& camera : summary["cameras"]) {
    EXPECT_GT(camera["frames_processed"].get<uint64_t>(), 20u) << camera.dump();
    EXPECT_GE(camera["reads"].get<uint64_t>(), 1u) << camera.dump();
  }
}

}  // namespace
