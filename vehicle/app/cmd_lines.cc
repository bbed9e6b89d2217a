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
// on a labelled folder of photographs cut at their ground-truth boxes.
// Three readings of each plate: the current recognizer (detector +
// Tesseract + classifier) and the recognizer with the learned reader in
// place of Tesseract (RecognizerOptions::line_reader), both given the plate
// with its surroundings (the box grown by half its width at each side and
// its height above and below), and the learned reader alone given the box
// itself. One thread; the first line names the machine and the build.
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
#include "vehicle/app/machine_line.h"
#include "vehicle/recognition/line_crops.h"
#include "vehicle/recognition/plate_labels.h"
#include "vehicle/recognition/line_reader.h"
#include "vehicle/recognition/plate_syntax.h"
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
  std::string region = "eu";
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
  if (a.first + a.count > anpr::kLineCropsPerSet) {
    std::cerr << "anpr lines: --first + --count must be at most " << anpr::kLineCropsPerSet
              << " (beyond that, sets would share seeds)\n";
    return 2;
  }
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
    // Flushed per crop: training reads the file while it grows (--reload),
    // and an interrupted run keeps the label of every crop it wrote.
    labels << name << '\t' << crop.text << '\n' << std::flush;
  }
  labels.flush();
  return labels ? 0 : 1;
}

// The labelled plates of `dir` (vehicle/recognition/plate_labels.h), cut at
// their boxes and with their surroundings.
std::vector<Case> LoadFolder(const std::string& dir) {
  std::vector<std::string> skipped;
  auto labels = anpr::ReadPlateLabels(dir, &skipped);
  if (!labels.ok()) {
    std::cerr << "anpr lines: " << labels.status().message() << "\n";
    return {};
  }
  for (const std::string& where : skipped) std::cerr << "anpr lines: " << where << ": not NAME x y w h PLATE, skipped\n";
  std::vector<Case> out;
  for (const anpr::PlateLabel& label : *labels) {
    cv::Mat image = cv::imread(label.image_path, cv::IMREAD_COLOR);
    const cv::Rect frame(0, 0, image.cols, image.rows);
    const cv::Rect box = label.box & frame;
    if (image.empty() || box.width < 8 || box.height < 4) {
      std::cerr << "anpr lines: " << label.image_name << ": no image or box, skipped\n";
      continue;
    }
    const cv::Rect around = cv::Rect(box.x - box.width / 2, box.y - box.height, box.width * 2, box.height * 3) & frame;
    Case c;
    c.name = label.image_name;
    c.crop = image(box).clone();
    c.context = image(around).clone();
    c.crop_in_context = box - around.tl();
    c.plate = label.plate;
    out.push_back(std::move(c));
  }
  return out;
}

// Exact readings and summed CPU time of one way of reading.
struct Tally {
  int exact = 0;
  double ms = 0;
};
struct Figures {
  int n = 0;
  Tally old_rec, learned_rec, learned_box;
  // The current recognizer with the learned one as a second opinion: the
  // current reading when it fits a plate syntax, else the learned
  // recognizer's (when it reads something). Not timed: both run anyway.
  Tally second_opinion;
};

// The recognizer's best reading that covers the plate ("" when none does),
// timed into `t`; `fits` (optional) says whether it fits a plate syntax.
std::string Recognized(anpr::Recognizer& rec, const Case& c, Tally* t, bool* fits = nullptr) {
  const double t0 = ProcessCpuMs();
  std::vector<anpr::PlateObservation> obs = rec.Recognize(c.context);
  t->ms += ProcessCpuMs() - t0;
  for (const auto& o : obs) {  // best confidence first
    if ((o.box & c.crop_in_context).area() >= 0.3 * c.crop_in_context.area()) {
      if (fits) *fits = o.syntax != "none";
      return o.text;
    }
  }
  if (fits) *fits = false;
  return {};
}

Figures Measure(const std::vector<Case>& cases, anpr::Recognizer& old_rec, anpr::Recognizer& learned_rec,
                anpr::LineReader& reader, bool verbose) {
  Figures f;
  for (const Case& c : cases) {
    ++f.n;
    bool old_fits = false;
    const std::string old_text = Recognized(old_rec, c, &f.old_rec, &old_fits);
    const std::string rec_text = Recognized(learned_rec, c, &f.learned_rec);
    const double t0 = ProcessCpuMs();
    const std::string box_text = reader.Read(c.crop).text;
    f.learned_box.ms += ProcessCpuMs() - t0;
    const std::string want = FoldO0(c.plate);
    const bool ok[3] = {FoldO0(old_text) == want, FoldO0(rec_text) == want, FoldO0(box_text) == want};
    f.old_rec.exact += ok[0];
    f.learned_rec.exact += ok[1];
    f.learned_box.exact += ok[2];
    f.second_opinion.exact += old_fits ? ok[0] : (rec_text.empty() ? ok[0] : ok[1]);
    if (verbose && !(ok[0] && ok[1] && ok[2])) {
      auto shown = [](const std::string& t) { return t.empty() ? std::string("-") : t; };
      std::cout << "  " << c.name << " truth " << c.plate << " current " << shown(old_text) << " learned "
                << shown(rec_text) << " learned-on-box " << shown(box_text) << "\n";
    }
  }
  return f;
}

void PrintHeader() {
  std::cout << std::left << std::setw(20) << "set" << std::right << std::setw(7) << "crops" << std::setw(10)
            << "current%" << std::setw(10) << "learned%" << std::setw(9) << "onbox%" << std::setw(9) << "2nd-op%"
            << std::setw(11)
            << "current ms" << std::setw(11) << "learned ms" << std::setw(10) << "onbox ms" << "\n";
}

void PrintRow(const std::string& set, const Figures& f) {
  auto pct = [&](const Tally& t) { return f.n ? 100.0 * t.exact / f.n : 0.0; };
  auto per = [&](const Tally& t) { return f.n ? t.ms / f.n : 0.0; };
  std::cout << std::left << std::setw(20) << set << std::right << std::setw(7) << f.n << std::fixed
            << std::setprecision(1) << std::setw(10) << pct(f.old_rec) << std::setw(10) << pct(f.learned_rec)
            << std::setw(9) << pct(f.learned_box) << std::setw(9) << pct(f.second_opinion) << std::setprecision(2)
            << std::setw(11) << per(f.old_rec)
            << std::setw(11) << per(f.learned_rec) << std::setw(10) << per(f.learned_box) << "\n";
}

int RunBench(const LinesArgs& a) {
  cv::setNumThreads(1);
  anpr::RecognizerOptions old_options;
  if (!anpr::ParseRegion(a.region, &old_options.region)) {
    std::cerr << "anpr lines: --region must be gb or eu, not '" << a.region << "'\n";
    return 2;
  }
  auto old_rec = anpr::Recognizer::Create(old_options);
  anpr::RecognizerOptions learned_options = old_options;
  learned_options.line_reader = anpr::RecognizerOptions::LineReaderKind::kLearned;
  learned_options.line_model_path = a.model;
  auto learned_rec = anpr::Recognizer::Create(learned_options);
  auto reader = anpr::LineReader::Load(a.model.empty() ? anpr::DefaultLineModelPath() : a.model);
  for (const anpr::Status& st : {old_rec.status(), learned_rec.status(), reader.status()}) {
    if (!st.ok()) {
      std::cerr << "anpr lines: " << st.ToString() << "\n";
      return 1;
    }
  }
  std::cout << anpr::cli::MachineLine() << "\n";
  std::cout << "exact plate (O and 0 as one) and CPU ms per plate. current: detector + Tesseract + classifier;\n"
               "learned: detector + learned line reader (both on the plate's surroundings); onbox: the\n"
               "learned line reader alone on the plate's box; 2nd-op: current, or learned where current's\n"
               "reading is missing or fits no plate syntax. Region "
            << anpr::RegionName(old_options.region) << ".\n";
  PrintHeader();
  if (a.synth > 0) {
    std::vector<Case> cases;
    for (int i = 0; i < a.synth; ++i) {
      anpr::LineCrop crop = anpr::MakeSynthLineCrop(anpr::LineCropSeed(1, i));
      if (crop.image.empty()) continue;
      cases.push_back({"synth-" + std::to_string(i), crop.image, crop.context, crop.crop_in_context, crop.text});
    }
    PrintRow("synthetic held-out", Measure(cases, *old_rec.value(), *learned_rec.value(), *reader.value(), a.verbose));
  }
  if (!a.eu_dev.empty()) {
    if (!std::filesystem::is_directory(a.eu_dev)) {
      std::cout << a.eu_dev << ": not there, skipped\n";
    } else {
      std::vector<Case> cases = LoadFolder(a.eu_dev);
      PrintRow(std::filesystem::path(a.eu_dev).filename().string() + " crops",
               Measure(cases, *old_rec.value(), *learned_rec.value(), *reader.value(), a.verbose));
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
      make->add_option("--first", a->first, "Index of the first crop")->check(CLI::Range(0, anpr::kLineCropsPerSet - 1));
      make->add_option("--count", a->count, "Number of crops")->check(CLI::Range(1, anpr::kLineCropsPerSet));
      make->add_option("--out", a->out, "Output folder (labels.tsv is appended to)")->required();
      CLI::App* bench = sub.add_subcommand("bench", "Exact-plate accuracy and CPU ms per crop, old vs learned");
      bench->add_option("--synth", a->synth, "Held-out synthetic crops (0: none)")->check(CLI::Range(0, anpr::kLineCropsPerSet));
      bench->add_option("--eu-dev", a->eu_dev, "Labelled photographs (NAME.jpg + NAME.txt), cut at their boxes");
      bench->add_option("--model", a->model, "ONNX model (default: the committed one)");
      bench->add_option("--region", a->region, "Plate syntax the recognizers fit: eu (default; mixed formats) or gb");
      bench->add_flag("--verbose", a->verbose, "Print every crop either reader got wrong");
      return [a, make, bench]() {
        if (make->parsed()) return RunMake(*a);
        if (bench->parsed()) return RunBench(*a);
        return 2;
      };
    }};

}  // namespace
