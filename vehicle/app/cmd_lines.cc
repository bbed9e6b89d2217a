// `anpr lines`: the learned whole-line plate reader's data and figures.
//
//   anpr lines make --set 0 --count 60000 --out DIR   # labelled crops (DIR/labels.tsv)
//   anpr lines bench [--synth 500] [--eu-dev DIR]      # old reader vs the learned one
//
// `make` writes synthetic plate-line crops (vehicle/recognition/line_crops.h)
// as DIR/NNNNNNN.png with DIR/labels.tsv ("NNNNNNN.png<TAB>TEXT"): set 0 is
// what training/train_line_reader.py learns from. `bench` reads crops with
// both readers and prints exact-plate accuracy (O and 0 as one) and the
// time per crop: on held-out synthetic crops (set 1, never trained on) and
// on a labelled folder of photographs cut at their ground-truth boxes. The
// current reader (detector + Tesseract + classifier) is given the plate
// with its surroundings (the box grown by half its width at each side and
// its height above and below), the learned one the box itself. One thread.
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

#include "vehicle/app/command.h"
#include "vehicle/recognition/line_crops.h"
#include "vehicle/recognition/line_reader.h"
#include "vehicle/recognition/recognizer.h"
#include "vehicle/records/vrm.h"

namespace {

struct LinesArgs {
  int set = 0;
  int first = 0;
  int count = 1000;
  std::string out;
  int synth = 500;
  std::string eu_dev;
  std::string model;
  bool verbose = false;
};

// One labelled crop for the bench: the reader's crop and the context the
// current reader gets.
struct Case {
  std::string name;
  cv::Mat crop;
  cv::Mat context;
  cv::Rect crop_in_context;
  std::string plate;
};

double ProcessCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

std::string FoldO0(std::string s) {
  std::replace(s.begin(), s.end(), 'O', '0');
  return s;
}

int RunMake(const LinesArgs& a) {
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  std::ofstream labels(std::filesystem::path(a.out) / "labels.tsv", std::ios::app);
  if (ec || !labels) {
    std::cerr << "anpr lines: cannot write to " << a.out << "\n";
    return 1;
  }
  for (int i = a.first; i < a.first + a.count; ++i) {
    anpr::LineCrop crop = anpr::MakeSynthLineCrop(anpr::LineCropSeed(a.set, i));
    if (crop.image.empty()) continue;
    char name[32];
    std::snprintf(name, sizeof(name), "%07d.png", i);
    if (!cv::imwrite((std::filesystem::path(a.out) / name).string(), crop.image)) {
      std::cerr << "anpr lines: cannot write " << name << "\n";
      return 1;
    }
    labels << name << '\t' << crop.text << '\n';
  }
  labels.flush();
  return labels ? 0 : 1;
}

// NAME.txt files of `dir` ("NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE"), one
// case per line.
std::vector<Case> LoadFolder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> labels;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".txt") labels.push_back(e.path());
  }
  std::sort(labels.begin(), labels.end());
  std::vector<Case> out;
  for (const fs::path& p : labels) {
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string image_name, plate;
      int x = 0, y = 0, w = 0, h = 0;
      if (!(fields >> image_name >> x >> y >> w >> h >> plate)) continue;
      cv::Mat image = cv::imread((p.parent_path() / image_name).string(), cv::IMREAD_COLOR);
      const cv::Rect frame(0, 0, image.cols, image.rows);
      const cv::Rect box = cv::Rect(x, y, w, h) & frame;
      if (image.empty() || box.width < 8 || box.height < 4) {
        std::cerr << "anpr lines: " << image_name << ": no image or box, skipped\n";
        continue;
      }
      const cv::Rect around = cv::Rect(box.x - box.width / 2, box.y - box.height, box.width * 2, box.height * 3) & frame;
      Case c;
      c.name = image_name;
      c.crop = image(box).clone();
      c.context = image(around).clone();
      c.crop_in_context = box - around.tl();
      c.plate = anpr::NormaliseVrm(plate);
      out.push_back(std::move(c));
    }
  }
  return out;
}

struct Figures {
  int n = 0, old_exact = 0, new_exact = 0;
  double old_ms = 0, new_ms = 0;  // CPU time, summed
};

Figures Measure(const std::vector<Case>& cases, anpr::Recognizer& old_reader, anpr::LineReader& new_reader,
                bool verbose) {
  Figures f;
  for (const Case& c : cases) {
    ++f.n;
    double t0 = ProcessCpuMs();
    std::vector<anpr::PlateObservation> obs = old_reader.Recognize(c.context);
    double t1 = ProcessCpuMs();
    anpr::LineReading reading = new_reader.Read(c.crop);
    double t2 = ProcessCpuMs();
    f.old_ms += t1 - t0;
    f.new_ms += t2 - t1;
    // The current reader's best reading that covers the plate.
    std::string old_text;
    for (const auto& o : obs) {
      if ((o.box & c.crop_in_context).area() >= 0.3 * c.crop_in_context.area()) {
        old_text = o.text;
        break;
      }
    }
    const bool old_ok = FoldO0(old_text) == FoldO0(c.plate);
    const bool new_ok = FoldO0(reading.text) == FoldO0(c.plate);
    f.old_exact += old_ok;
    f.new_exact += new_ok;
    if (verbose && (!old_ok || !new_ok)) {
      std::cout << "  " << c.name << " truth " << c.plate << " old " << (old_text.empty() ? "-" : old_text)
                << " new " << (reading.text.empty() ? "-" : reading.text) << "\n";
    }
  }
  return f;
}

void PrintRow(const std::string& set, const Figures& f) {
  auto pct = [&](int k) { return f.n ? 100.0 * k / f.n : 0.0; };
  auto per = [&](double ms) { return f.n ? ms / f.n : 0.0; };
  std::cout << std::left << std::setw(22) << set << std::right << std::setw(7) << f.n << std::fixed
            << std::setprecision(1) << std::setw(10) << pct(f.old_exact) << std::setw(10) << pct(f.new_exact)
            << std::setprecision(2) << std::setw(11) << per(f.old_ms) << std::setw(11) << per(f.new_ms) << "\n";
}

int RunBench(const LinesArgs& a) {
  cv::setNumThreads(1);
  auto old_reader = anpr::Recognizer::Create({});
  if (!old_reader.ok()) {
    std::cerr << "anpr lines: " << old_reader.status().ToString() << "\n";
    return 1;
  }
  auto new_reader = anpr::LineReader::Load(a.model.empty() ? anpr::DefaultLineModelPath() : a.model);
  if (!new_reader.ok()) {
    std::cerr << "anpr lines: " << new_reader.status().ToString() << "\n";
    return 1;
  }
  std::cout << "exact plate, O and 0 as one; CPU ms per crop (old: detector + Tesseract + classifier on the\n"
               "plate's surroundings; new: the learned line reader on the plate's box)\n";
  std::cout << std::left << std::setw(22) << "set" << std::right << std::setw(7) << "crops" << std::setw(10)
            << "old %" << std::setw(10) << "new %" << std::setw(11) << "old ms" << std::setw(11) << "new ms"
            << "\n";
  if (a.synth > 0) {
    std::vector<Case> cases;
    for (int i = 0; i < a.synth; ++i) {
      anpr::LineCrop crop = anpr::MakeSynthLineCrop(anpr::LineCropSeed(1, i));
      if (crop.image.empty()) continue;
      cases.push_back({"synth-" + std::to_string(i), crop.image, crop.context, crop.crop_in_context, crop.text});
    }
    PrintRow("synthetic held-out", Measure(cases, *old_reader.value(), *new_reader.value(), a.verbose));
  }
  if (!a.eu_dev.empty()) {
    if (!std::filesystem::is_directory(a.eu_dev)) {
      std::cout << a.eu_dev << ": not there, skipped\n";
    } else {
      std::vector<Case> cases = LoadFolder(a.eu_dev);
      PrintRow(std::filesystem::path(a.eu_dev).filename().string() + " crops",
               Measure(cases, *old_reader.value(), *new_reader.value(), a.verbose));
    }
  }
  return 0;
}

const anpr::cli::CommandRegistration kLines{
    "lines", "Learned line reader: make training crops, measure it against the current reader",
    [](CLI::App& sub) {
      auto a = std::make_shared<LinesArgs>();
      sub.require_subcommand(1);
      CLI::App* make = sub.add_subcommand("make", "Write synthetic plate-line crops and labels.tsv");
      make->add_option("--set", a->set, "0 training, 1 held-out (bench), 2 the test's")->check(CLI::Range(0, 9));
      make->add_option("--first", a->first, "Index of the first crop")->check(CLI::Range(0, 100000000));
      make->add_option("--count", a->count, "Number of crops")->check(CLI::Range(1, 10000000));
      make->add_option("--out", a->out, "Output folder (labels.tsv is appended to)")->required();
      CLI::App* bench = sub.add_subcommand("bench", "Exact-plate accuracy and CPU ms per crop, old vs learned");
      bench->add_option("--synth", a->synth, "Held-out synthetic crops (0: none)")->check(CLI::Range(0, 100000));
      bench->add_option("--eu-dev", a->eu_dev, "Labelled photographs (NAME.jpg + NAME.txt), cut at their boxes");
      bench->add_option("--model", a->model, "ONNX model (default: the committed one)");
      bench->add_flag("--verbose", a->verbose, "Print every crop either reader got wrong");
      return [a, make, bench]() {
        if (make->parsed()) return RunMake(*a);
        if (bench->parsed()) return RunBench(*a);
        return 2;
      };
    }};

}  // namespace
