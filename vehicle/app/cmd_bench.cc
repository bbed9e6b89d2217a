// `anpr bench DIR [--region R] [--verbose]`: accuracy and speed of plate
// recognition on a labelled folder (NAME.jpg + NAME.txt holding
// "NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE"). Prints top-1 (strict, and
// with O and 0 as one character), top-N, the detection rate, and the time per
// frame (median, p95) at the images' own size and letterboxed to 640x480,
// 1280x720 and 1920x1080: wall time, and the thread's CPU time (the same on
// an idle machine; lower when other processes share the cores). One thread;
// build Release for figures. The first line names the machine and the build
// (vehicle/app/machine_line.h), so a figure is never quoted without them.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>

#include "vehicle/records/percentile.h"
#include "vehicle/app/command.h"
#include "vehicle/app/machine_line.h"
#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/plate_labels.h"
#include "vehicle/recognition/recognition_io.h"
#include "vehicle/recognition/recognizer.h"
#include "vehicle/records/vrm.h"

namespace {

constexpr int kTopN = 5;

struct BenchArgs {
  std::string dir;
  std::string region = "gb";
  bool verbose = false;
  int repeat = 1;
  bool no_plate_classifier = false;
};

struct Sample {
  std::string name;
  cv::Mat image;
  cv::Rect box;
  std::string plate;
};

struct Score {
  int n = 0, detected = 0, top1 = 0, top1_o0 = 0, topn = 0;
  std::vector<double> ms;      // wall time per frame
  std::vector<double> cpu_ms;  // this thread's CPU time per frame
};

// CPU time of this process (all its threads): unlike wall time it does not
// grow when other processes share the cores, so figures from a busy box stay
// honest, and any helper thread a library starts is counted too.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

std::string FoldO0(std::string s) {
  for (char& c : s) {
    if (c == 'O') c = '0';
  }
  return s;
}

Score Run(anpr::Recognizer& rec, const std::vector<Sample>& samples, cv::Size size, int repeat,
          const char* verbose_label) {
  Score s;
  for (const Sample& sample : samples) {
    cv::Mat image = sample.image;
    cv::Rect truth = sample.box;
    if (size.area() > 0) {
      image = anpr::Letterbox(sample.image, size);
      double k = std::min(double(size.width) / sample.image.cols, double(size.height) / sample.image.rows);
      int ox = (size.width - int(std::lround(sample.image.cols * k))) / 2;
      int oy = (size.height - int(std::lround(sample.image.rows * k))) / 2;
      truth = cv::Rect(int(truth.x * k) + ox, int(truth.y * k) + oy, int(truth.width * k), int(truth.height * k));
    }
    std::vector<anpr::PlateObservation> obs;
    for (int r = 0; r < repeat; ++r) {
      double c0 = ThreadCpuMs();
      auto t0 = std::chrono::steady_clock::now();
      obs = rec.Recognize(image);
      s.ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      s.cpu_ms.push_back(ThreadCpuMs() - c0);
    }
    ++s.n;
    const anpr::PlateObservation* hit = anpr::CoveringObservation(obs, truth);
    bool top1 = false, top1_o0 = false, topn = false;
    if (hit) {
      ++s.detected;
      top1 = hit->text == sample.plate;
      top1_o0 = FoldO0(hit->text) == FoldO0(sample.plate);
      topn = top1_o0;
      for (size_t i = 0; i < hit->candidates.size() && i + 1 < size_t(kTopN); ++i) {
        topn = topn || FoldO0(hit->candidates[i].vrm) == FoldO0(sample.plate);
      }
    }
    s.top1 += top1;
    s.top1_o0 += top1_o0;
    s.topn += topn;
    if (verbose_label != nullptr && !top1_o0) {
      std::cout << "  miss " << verbose_label << " " << sample.name << " truth " << sample.plate << " read "
                << (hit ? hit->text : std::string("(not detected)"));
      for (const auto& o : obs) std::cout << " [" << o.text << " " << std::fixed << std::setprecision(0) << o.confidence << "]";
      std::cout << "\n";
    }
  }
  return s;
}

std::vector<Sample> LoadSamples(const std::string& dir, std::string* error) {
  std::vector<std::string> skipped;
  auto labels = anpr::ReadPlateLabels(dir, &skipped);
  if (!labels.ok()) {
    *error = labels.status().message();
    return {};
  }
  for (const std::string& where : skipped) std::cerr << "anpr bench: " << where << ": not NAME x y w h PLATE, skipped\n";
  std::vector<Sample> out;
  for (const anpr::PlateLabel& label : *labels) {
    Sample s;
    s.name = label.image_name;
    s.image = cv::imread(label.image_path, cv::IMREAD_COLOR);
    if (s.image.empty()) {
      std::cerr << "anpr bench: " << label.image_path << ": not readable, skipped\n";
      continue;
    }
    s.box = label.box;
    s.plate = label.plate;
    out.push_back(std::move(s));
  }
  return out;
}

void PrintRow(const std::string& label, const Score& s) {
  auto pct = [&](int k) { return s.n ? 100.0 * k / s.n : 0.0; };
  std::cout << std::left << std::setw(11) << label << std::right << std::fixed << std::setprecision(1)
            << std::setw(8) << pct(s.top1) << std::setw(9) << pct(s.top1_o0) << std::setw(8) << pct(s.topn)
            << std::setw(10) << pct(s.detected) << std::setw(10) << std::setprecision(2)
            << anpr::Percentile(s.ms, 50) << std::setw(9) << anpr::Percentile(s.ms, 95) << std::setw(10)
            << anpr::Percentile(s.cpu_ms, 50) << std::setw(9) << anpr::Percentile(s.cpu_ms, 95) << "\n";
}

const anpr::cli::CommandRegistration kBench{
    "bench", "Measure recognition accuracy and speed on a labelled folder",
    [](CLI::App& sub) {
      auto args = std::make_shared<BenchArgs>();
      sub.add_option("dir", args->dir, "Folder of NAME.jpg + NAME.txt")->required();
      sub.add_option("--region", args->region, "Plate syntax region: gb (default) or eu");
      sub.add_option("--repeat", args->repeat, "Times each frame is timed (default 1)");
      sub.add_flag("--verbose", args->verbose, "List every image not read right");
      sub.add_flag("--no-plate-classifier", args->no_plate_classifier,
                   "Judge proposals by the detector's rule alone, without the learned plate classifier");
      return [args]() {
        anpr::RestartWithSingleThreadedOcr();
        anpr::RecognizerOptions options;
        options.use_plate_classifier = !args->no_plate_classifier;
        if (!anpr::ParseRegion(args->region, &options.region)) {
          std::cerr << "anpr bench: --region must be gb or eu, not '" << args->region << "'\n";
          return 2;
        }
        if (const char* h = std::getenv("ANPR_READ_H")) {
          options.read_char_heights_px.clear();
          for (const char* p = h; *p;) {
            options.read_char_heights_px.push_back(std::atoi(p));
            while (*p && *p != ',') ++p;
            if (*p) ++p;
          }
        }
        std::string error;
        std::vector<Sample> samples = LoadSamples(args->dir, &error);
        if (!error.empty()) {
          std::cerr << "anpr bench: " << error << "\n";
          return 1;
        }
        if (samples.empty()) {
          std::cerr << "anpr bench: no labelled images in " << args->dir << "\n";
          return 1;
        }
        auto rec = anpr::Recognizer::Create(options);
        if (!rec.ok()) {
          std::cerr << "anpr bench: " << rec.status().ToString() << "\n";
          return 1;
        }
        cv::setNumThreads(1);  // one thread, as one recognition worker runs
        // Warm up: first calls pay for allocations.
        (*rec)->Recognize(samples.front().image);
        std::cout << anpr::cli::MachineLine() << "\n";
        std::cout << samples.size() << " images, region " << anpr::RegionName(options.region)
                  << ", one thread, top-N = top-" << kTopN << "\n";
        std::cout << std::left << std::setw(11) << "size" << std::right << std::setw(8) << "top1%"
                  << std::setw(9) << "top1O0%" << std::setw(8) << "topN%" << std::setw(10) << "detect%"
                  << std::setw(10) << "med_ms" << std::setw(9) << "p95_ms" << std::setw(10) << "cpu_med"
                  << std::setw(9) << "cpu_p95" << "\n";
        const std::pair<const char*, cv::Size> sizes[] = {{"native", {0, 0}},
                                                          {"640x480", {640, 480}},
                                                          {"1280x720", {1280, 720}},
                                                          {"1920x1080", {1920, 1080}}};
        for (const auto& [label, size] : sizes) {
          Score s = Run(**rec, samples, size, std::max(1, args->repeat), args->verbose ? label : nullptr);
          PrintRow(label, s);
        }
        return 0;
      };
    }};

}  // namespace
