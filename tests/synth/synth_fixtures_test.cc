// The committed fixture set (tests/fixtures/synth) and the `anpr synth`
// command that makes it: the files are in the eu-dev layout, their truth is
// sound, and the documented command line makes exactly them again.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/common/temp_dir.h"

namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(ANPR_SOURCE_DIR) / "tests/fixtures/synth";
// The command line documented in tests/fixtures/synth/README.md.
constexpr int kFixtureSeed = 1;
constexpr int kFixtureCount = 30;

struct ToolRun {
  int exit_code = -1;
  std::string out;
};

ToolRun RunTool(const std::string& args) {
  ToolRun r;
  std::string cmd = std::string(ANPR_TOOL) + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

using anpr::testing::TempDir;

TEST(SynthFixtures, EuDevLayoutWithSoundTruth) {
  ASSERT_TRUE(fs::is_directory(kFixtures)) << kFixtures;
  const std::regex kGb("^[A-Z]{2}[0-9]{2}[A-Z]{3}$");
  uintmax_t bytes = 0;
  int images = 0, plates = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.path().extension() != ".jpg") continue;
    ++images;
    bytes += fs::file_size(entry.path());
    fs::path txt = entry.path();
    txt.replace_extension(".txt");
    ASSERT_TRUE(fs::exists(txt)) << txt;
    cv::Mat img = cv::imread(entry.path().string());
    ASSERT_FALSE(img.empty()) << entry.path();
    for (const std::string& line : Split(ReadFile(txt), '\n')) {
      if (line.empty()) continue;
      auto f = Split(line, '\t');
      ASSERT_EQ(f.size(), 6u) << line;
      EXPECT_EQ(f[0], entry.path().filename().string());
      cv::Rect box(std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3]), std::stoi(f[4]));
      EXPECT_EQ(box & cv::Rect(0, 0, img.cols, img.rows), box) << line;
      EXPECT_GT(box.width, 40) << line;
      EXPECT_TRUE(std::regex_match(f[5], kGb)) << line;
      // A plate is a high-contrast patch: dark characters on a bright ground.
      cv::Mat grey;
      cv::cvtColor(img(box), grey, cv::COLOR_BGR2GRAY);
      double lo, hi;
      cv::minMaxLoc(grey, &lo, &hi);
      EXPECT_GT(hi - lo, 60) << line;
      ++plates;
    }
  }
  EXPECT_EQ(images, kFixtureCount);
  EXPECT_GT(plates, images);  // some scenes hold two vehicles
  EXPECT_LT(bytes, 3u * 1024 * 1024);
}

TEST(SynthFixtures, DocumentedCommandMakesThemAgain) {
  TempDir dir;
  ToolRun r = RunTool("synth fixtures --seed " + std::to_string(kFixtureSeed) + " --count " +
                  std::to_string(kFixtureCount) + " --out " + dir.path());
  ASSERT_EQ(r.exit_code, 0);
  int lines = 0;
  for (const std::string& line : Split(r.out, '\n')) {
    auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("plate") && j.contains("box") && j.contains("corners")) << line;
    ++lines;
  }
  EXPECT_GT(lines, kFixtureCount);
  for (int i = 0; i < kFixtureCount; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "synth%03d", i);
    EXPECT_EQ(ReadFile(fs::path(dir.path()) / (std::string(name) + ".txt")),
              ReadFile(kFixtures / (std::string(name) + ".txt")))
        << name;
    cv::Mat made = cv::imread((fs::path(dir.path()) / (std::string(name) + ".jpg")).string());
    cv::Mat committed = cv::imread((kFixtures / (std::string(name) + ".jpg")).string());
    ASSERT_EQ(made.size(), committed.size()) << name;
    cv::Mat diff;
    cv::absdiff(made, committed, diff);
    EXPECT_LT(cv::mean(diff)[0], 1.0) << name;
  }
}

TEST(SynthCommand, SceneWritesImageTruthFileAndJson) {
  TempDir dir;
  fs::path out = fs::path(dir.path()) / "rear.jpg";
  ToolRun r = RunTool("synth scene --seed 5 --plate \"AB12 CDE\" --style rear --width 640 --height 480 --truth --out " +
                  out.string());
  ASSERT_EQ(r.exit_code, 0);
  auto j = nlohmann::json::parse(Split(r.out, '\n').at(0));
  EXPECT_EQ(j["plate"], "AB12CDE");
  EXPECT_EQ(j["style"], "uk-rear");
  EXPECT_EQ(j["image"], out.string());
  std::vector<int> box = j["box"];
  std::string txt = ReadFile(fs::path(dir.path()) / "rear.txt");
  EXPECT_EQ(txt, "rear.jpg\t" + std::to_string(box[0]) + "\t" + std::to_string(box[1]) + "\t" +
                     std::to_string(box[2]) + "\t" + std::to_string(box[3]) + "\tAB12CDE\n");
  cv::Mat img = cv::imread(out.string());
  ASSERT_EQ(img.size(), cv::Size(640, 480));
  cv::Mat yellow;
  cv::inRange(img(cv::Rect(box[0], box[1], box[2], box[3])), cv::Scalar(0, 140, 180),
              cv::Scalar(110, 255, 255), yellow);
  EXPECT_GT(cv::countNonZero(yellow), box[2] * box[3] / 3);

  // Same command, same bytes.
  fs::path again = fs::path(dir.path()) / "again.jpg";
  ASSERT_EQ(RunTool("synth scene --seed 5 --plate \"AB12 CDE\" --style rear --width 640 --height 480 --out " +
                    again.string())
                .exit_code,
            0);
  EXPECT_EQ(ReadFile(out), ReadFile(again));
}

TEST(SynthCommand, VideoPrintsPassesAndPerFrameTruth) {
  TempDir dir;
  fs::path out = fs::path(dir.path()) / "drive.avi";
  ToolRun r = RunTool("synth video --seed 2 --plates \"AB12 CDE,KR66 PXT\" --width 320 --height 240 --fps 5 "
                  "--pass-s 2 --gap-s 1 --out " + out.string());
  ASSERT_EQ(r.exit_code, 0);
  auto lines = Split(r.out, '\n');
  ASSERT_GE(lines.size(), 2u);
  auto head = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(head["frames"], 30);  // 2 x (2 s + 1 s) at 5 fps
  EXPECT_EQ(head["passes"], (std::vector<std::string>{"AB12CDE", "KR66PXT"}));
  int per_pass[2] = {0, 0};
  for (size_t i = 1; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    int pass = j["pass"];
    ASSERT_TRUE(pass == 0 || pass == 1);
    ++per_pass[pass];
    EXPECT_EQ(j["plate"], pass == 0 ? "AB12CDE" : "KR66PXT");
    EXPECT_TRUE(j.contains("frame") && j.contains("t_ms") && j.contains("box"));
  }
  // In view up to 2 s at 5 fps; the last frame may find it gone sideways.
  EXPECT_GE(per_pass[0], 8);
  EXPECT_LE(per_pass[0], 10);
  EXPECT_GE(per_pass[1], 8);
  EXPECT_LE(per_pass[1], 10);
  EXPECT_GT(fs::file_size(out), 1000u);
}

TEST(SynthCommand, UnwritableOutputFailsClearly) {
  ToolRun r = RunTool("synth scene --seed 1 --out /nonexistent-dir/x.jpg");
  EXPECT_EQ(r.exit_code, 1);
  ToolRun v = RunTool("synth video --seed 1 --width 160 --height 120 --out /tmp/x.mp4");
  EXPECT_EQ(v.exit_code, 1);
  ToolRun u = RunTool("synth scene --seed 1 --style purple --out /tmp/x.jpg");
  EXPECT_NE(u.exit_code, 0);
}

}  // namespace
