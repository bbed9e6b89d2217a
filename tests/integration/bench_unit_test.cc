// `anpr bench-unit` (issue 16): a short run with one camera and one
// recognition thread prints the machine, the table's columns and a row whose
// camera delivered frames that recognition read.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/integration/run_command.h"

namespace anpr {
namespace {

TEST(BenchUnit, AShortOneCameraRunPrintsTheTableWithFramesReadAndNoneLost) {
  auto r = testing::RunCommand(std::string(ANPR_BINARY_DIR) +
                               "/vehicle/app/anpr bench-unit --cameras 1 --threads 1 --seconds 3 "
                               "--width 640 --height 360 --fps 10 --hotlist-entries 100");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("machine: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" cores online, load average "), std::string::npos) << r.output;
  const char* const columns[] = {"cams", "threads", "frames_in", "processed", "dropped", "drop%",
                                 "alerts", "fs_p50_ms", "fs_p95_ms", "rss_mb", "peak_mb"};
  std::istringstream lines(r.output);
  std::string line, header, row;
  while (std::getline(lines, line)) {
    if (line.find("frames_in") != std::string::npos) {
      header = line;
      std::getline(lines, row);
    }
  }
  ASSERT_FALSE(header.empty()) << r.output;
  for (const char* c : columns) EXPECT_NE(header.find(c), std::string::npos) << c << "\n" << header;
  // cams threads frames_in processed dropped drop% ...
  std::istringstream fields(row);
  int cameras = 0, threads = 0;
  long frames_in = 0, processed = 0, dropped = 0;
  fields >> cameras >> threads >> frames_in >> processed >> dropped;
  ASSERT_FALSE(fields.fail()) << row;
  EXPECT_EQ(cameras, 1) << row;
  EXPECT_EQ(threads, 1) << row;
  // 10 fps for 3 s: about 30 frames; the engine loads first, so fewer are read.
  EXPECT_GT(frames_in, 10) << row;
  EXPECT_GT(processed, 0) << row;
  // Every frame is read or dropped, up to the few still queued at the stop.
  EXPECT_LE(processed + dropped, frames_in) << row;
  EXPECT_GE(processed + dropped + 8, frames_in) << row;
}

}  // namespace
}  // namespace anpr
