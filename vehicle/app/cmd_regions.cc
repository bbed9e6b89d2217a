// `anpr regions`: the learned plate classifier's data.
//
//   anpr regions make --set 0 --first 0 --count 5000 --out DIR
//
// Writes the labelled detector proposals of synthetic scenes
// (vehicle/recognition/region_samples.h) as DIR/NNNNNNN-K.png (scene index,
// proposal) with DIR/labels.tsv ("NNNNNNN-K.png<TAB>1" for a plate, 0 for
// not): what training/train_plate_classifier.py learns from.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <opencv2/imgcodecs.hpp>

#include "vehicle/app/command.h"
#include "vehicle/recognition/region_samples.h"

namespace {

struct RegionsArgs {
  int set = 0;
  int first = 0;
  int count = 1000;
  std::string out;
};

int RunMake(const RegionsArgs& a) {
  if (a.first + a.count > anpr::kRegionScenesPerSet) {
    std::cerr << "anpr regions: --first + --count must be at most " << anpr::kRegionScenesPerSet
              << " (beyond that, sets would share seeds)\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  std::ofstream labels(std::filesystem::path(a.out) / "labels.tsv", std::ios::app);
  if (ec || !labels) {
    std::cerr << "anpr regions: cannot write to " << a.out << "\n";
    return 1;
  }
  for (int i = a.first; i < a.first + a.count; ++i) {
    const std::vector<anpr::RegionSample> samples = anpr::MakeSynthRegionSamples(anpr::RegionSampleSeed(a.set, i));
    for (size_t k = 0; k < samples.size(); ++k) {
      char name[40];
      std::snprintf(name, sizeof(name), "%07d-%zu.png", i, k);
      if (!cv::imwrite((std::filesystem::path(a.out) / name).string(), samples[k].cut)) {
        std::cerr << "anpr regions: cannot write " << name << "\n";
        return 1;
      }
      // Flushed per sample: training may read the file while it grows.
      labels << name << '\t' << (samples[k].plate ? 1 : 0) << '\n' << std::flush;
    }
  }
  return labels ? 0 : 1;
}

const anpr::cli::CommandRegistration kRegions{
    "regions", "Learned plate classifier: make labelled detector proposals for training",
    [](CLI::App& sub) {
      auto a = std::make_shared<RegionsArgs>();
      sub.require_subcommand(1);
      CLI::App* make = sub.add_subcommand("make", "Write labelled proposals of synthetic scenes and labels.tsv");
      make->add_option("--set", a->set, "0 training and validation, 1 held-out")->check(CLI::Range(0, 9));
      make->add_option("--first", a->first, "Index of the first scene")
          ->check(CLI::Range(0, anpr::kRegionScenesPerSet - 1));
      make->add_option("--count", a->count, "Number of scenes")->check(CLI::Range(1, anpr::kRegionScenesPerSet));
      make->add_option("--out", a->out, "Output folder (labels.tsv is appended to)")->required();
      return [a, make]() { return make->parsed() ? RunMake(*a) : 2; };
    }};

}  // namespace
