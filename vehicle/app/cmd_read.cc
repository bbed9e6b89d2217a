// `anpr read [--region gb|eu] [--json] PATH...`: reads the plates in images,
// folders of images and videos. An image gives one line (all its plates); a
// video gives one line per vehicle pass (tracked across frames, voted).
#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>

#include "vehicle/app/command.h"
#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/recognition_io.h"
#include "vehicle/recognition/recognizer.h"

namespace {

struct ReadArgs {
  std::string region = "gb";
  bool json = false;
  std::vector<std::string> paths;
};

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// One JSON line. A path is bytes, not always UTF-8: invalid sequences are
// written as U+FFFD instead of throwing (which aborted the program).
std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

double Round1(double v) { return std::round(v * 10.0) / 10.0; }

void PrintError(bool json, const std::string& path, const std::string& message) {
  if (json) {
    nlohmann::json j = {{"image", path}, {"error", message}, {"results", nlohmann::json::array()}};
    std::cout << Dump(j) << "\n";
  }
  std::cerr << "anpr read: " << path << ": " << message << "\n";
}

void PrintTableRow(const std::string& path, const std::string& plate, double conf,
                   const std::string& syntax, const cv::Rect& box, const std::string& extra) {
  std::cout << std::left << std::setw(40) << path << " " << std::setw(10) << plate << " "
            << std::right << std::setw(5) << std::fixed << std::setprecision(1) << conf << "  "
            << std::left << std::setw(12) << syntax << " " << box.x << "," << box.y << " "
            << box.width << "x" << box.height << extra << "\n";
}

int ReadImage(anpr::Recognizer& rec, const std::string& path, bool json) {
  cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
  if (image.empty()) {
    PrintError(json, path, "not a readable image");
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::vector<anpr::PlateObservation> obs = rec.Recognize(image);
  double ms = MsSince(t0);
  if (json) {
    nlohmann::json results = nlohmann::json::array();
    for (const auto& o : obs) results.push_back(anpr::ResultJson(o));
    nlohmann::json j = {{"image", path}, {"processing_time_ms", Round1(ms)}, {"results", results}};
    std::cout << Dump(j) << "\n";
  } else if (obs.empty()) {
    PrintTableRow(path, "-", 0, "-", {}, "");
  } else {
    for (const auto& o : obs) PrintTableRow(path, o.text, o.confidence, o.syntax, o.box, "");
  }
  return 0;
}

int ReadVideo(anpr::Recognizer& rec, const std::string& path, bool json) {
  cv::VideoCapture cap(path);
  if (!cap.isOpened()) {
    PrintError(json, path, "not a readable video");
    return 1;
  }
  double fps = cap.get(cv::CAP_PROP_FPS);
  if (!(fps > 0 && fps < 1000)) fps = 25;
  anpr::PlateTracker tracker(rec.options().region);
  double total_ms = 0;
  int frames = 0;
  auto print = [&](const std::vector<anpr::PassRead>& reads) {
    for (const auto& r : reads) {
      double per_frame = frames > 0 ? total_ms / frames : 0;
      if (json) {
        nlohmann::json j = {{"image", path},
                            {"processing_time_ms", Round1(per_frame)},
                            {"first_seen_ms", r.first_seen_ms},
                            {"last_seen_ms", r.last_seen_ms},
                            {"frames", r.frames},
                            {"results", nlohmann::json::array({anpr::ResultJson(r)})}};
        std::cout << Dump(j) << "\n";
      } else {
        std::string extra = "  t=" + std::to_string(r.first_seen_ms) + "-" +
                            std::to_string(r.last_seen_ms) + "ms frames=" + std::to_string(r.frames) +
                            (r.early ? " early" : "");
        PrintTableRow(path, r.vrm, r.confidence, r.syntax, r.box, extra);
      }
      std::cout.flush();
    }
  };
  cv::Mat frame;
  while (cap.read(frame)) {
    auto t0 = std::chrono::steady_clock::now();
    int64_t t_ms = std::llround(frames * 1000.0 / fps);
    std::vector<anpr::PlateObservation> obs = rec.Recognize(frame);
    std::vector<anpr::PassRead> reads = tracker.Update(t_ms, obs);
    total_ms += MsSince(t0);
    ++frames;
    print(reads);
  }
  print(tracker.Flush());
  if (frames == 0) {
    PrintError(json, path, "video has no frames");
    return 1;
  }
  return 0;
}

const anpr::cli::CommandRegistration kRead{
    "read", "Read the plates in images, folders of images or videos",
    [](CLI::App& sub) {
      auto args = std::make_shared<ReadArgs>();
      sub.add_option("--region", args->region, "Plate syntax region: gb (default) or eu");
      sub.add_flag("--json", args->json, "One JSON object per line (per image, or per vehicle pass)");
      sub.add_option("paths", args->paths, "Images, folders of images, or videos")->required();
      return [args]() {
        anpr::RestartWithSingleThreadedOcr();
        anpr::RecognizerOptions options;
        if (!anpr::ParseRegion(args->region, &options.region)) {
          std::cerr << "anpr read: --region must be gb or eu, not '" << args->region << "'\n";
          return 2;
        }
        auto media = anpr::ListMedia(args->paths);
        if (!media.ok()) {
          std::cerr << "anpr read: " << media.status().message() << "\n";
          return 1;
        }
        auto rec = anpr::Recognizer::Create(options);
        if (!rec.ok()) {
          std::cerr << "anpr read: " << rec.status().ToString() << "\n";
          return 1;
        }
        if (!args->json) {
          std::cout << std::left << std::setw(40) << "IMAGE" << " " << std::setw(10) << "PLATE"
                    << "  CONF  SYNTAX       BOX\n";
        }
        int rc = 0;
        for (const auto& m : media.value()) {
          int r = m.kind == anpr::MediaKind::kVideo ? ReadVideo(**rec, m.path, args->json)
                                                    : ReadImage(**rec, m.path, args->json);
          if (r != 0) rc = r;
        }
        return rc;
      };
    }};

}  // namespace
