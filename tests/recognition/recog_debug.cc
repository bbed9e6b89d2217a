// Developer tool (not a test): draws what the detector found on each image
// and saves the line cut-outs the reader sees, as PNG files in OUT_DIR.
// Usage: recog_debug [--flatten] OUT_DIR IMAGE...  (--flatten: cut lines as
// the recognizer's last look at a plate-like line read short does)
#include <filesystem>
#include <fstream>
#include <iostream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "vehicle/recognition/plate_classifier.h"
#include "vehicle/recognition/plate_detector.h"
#include "vehicle/recognition/recognizer.h"

int main(int argc, char** argv) {
  const bool flatten = argc > 1 && std::string(argv[1]) == "--flatten";
  if (flatten) {
    --argc;
    ++argv;
  }
  if (argc < 3) {
    std::cerr << "usage: recog_debug [--flatten] OUT_DIR IMAGE...\n";
    return 2;
  }
  std::string out = argv[1];
  std::filesystem::create_directories(out);
  anpr::PlateDetector detector;
  auto reader = anpr::PlateReader::Create();
  if (!reader.ok()) return 1;
  auto classifier = anpr::PlateClassifier::Load(anpr::DefaultPlateClassifierModelPath());
  for (int a = 2; a < argc; ++a) {
    cv::Mat img = cv::imread(argv[a]);
    if (img.empty()) continue;
    std::string stem = std::filesystem::path(argv[a]).stem().string();
    {
      // With a NAME.txt truth file beside the image: the labelled plate,
      // enlarged, as NAME_truth.png.
      std::ifstream truth(std::filesystem::path(argv[a]).replace_extension(".txt"));
      std::string name;
      int x = 0, y = 0, w = 0, h = 0;
      if (truth >> name >> x >> y >> w >> h) {
        cv::Rect b(x - w / 3, y - h, w + 2 * (w / 3), 3 * h);
        b &= cv::Rect(0, 0, img.cols, img.rows);
        cv::Mat crop;
        if (b.area() > 0) {
          cv::resize(img(b), crop, cv::Size(), 3, 3, cv::INTER_CUBIC);
          cv::imwrite(out + "/" + stem + "_truth.png", crop);
        }
      }
    }
    cv::Mat grey;
    cv::cvtColor(img, grey, cv::COLOR_BGR2GRAY);
    auto regions = detector.Detect(grey);
    cv::Mat vis = img.clone();
    int k = 0;
    for (const auto& r : regions) {
      for (const auto& l : r.lines) {
        for (int i = 0; i < 4; ++i) cv::line(vis, l.corners[size_t(i)], l.corners[size_t((i + 1) % 4)], cv::Scalar(0, 0, 255), 1);
        std::vector<cv::Rect> blobs, boxes;
        anpr::LineCutOptions cut_options;
        cut_options.flatten_light = flatten;
        cv::Mat cut = anpr::PrepareLineForOcr(grey, img, l, 32, &blobs, cut_options);
        std::cout << "blobs:";
        for (auto& b : blobs) std::cout << " " << b.x << "-" << b.x + b.width;
        (*reader)->ReadLine(cut, &boxes);
        std::cout << " boxes:";
        for (auto& b : boxes) std::cout << " " << b.x << "-" << b.x + b.width;
        std::cout << "\n";
        cv::imwrite(out + "/" + stem + "_line" + std::to_string(k) + ".png", cut);
        std::cout << stem << " line" << k++ << " n=" << l.char_count << " h=" << l.char_height_px
                  << " score=" << r.score << " plateness=" << r.plateness << ":";
        for (const auto& c : (*reader)->ReadLine(cut)) {
          std::cout << " " << c.best << int(c.confidence);
          for (const auto& [ac, conf] : c.alternatives) std::cout << "/" << ac << int(conf);
        }
        std::cout << "\n";
      }
      if (classifier.ok()) {
        // What the learned plate classifier sees of the region, and its verdict.
        const cv::Mat cut = anpr::CutRegionForClassifier(img, r);
        std::cout << stem << " region" << k - 1 << " plate probability " << (*classifier)->PlateProbability(cut)
                  << " box " << r.box.x << " " << r.box.y << " " << r.box.width << " " << r.box.height << "\n";
        cv::imwrite(out + "/" + stem + "_cut" + std::to_string(k - 1) + ".png", cut);
      }
      {
        cv::Rect b = r.box;
        b -= cv::Point(b.width / 4, b.height / 2);
        b += cv::Size(b.width / 2, b.height);
        b &= cv::Rect(0, 0, img.cols, img.rows);
        cv::Mat crop;
        cv::resize(img(b), crop, cv::Size(), 2, 2, cv::INTER_CUBIC);
        cv::imwrite(out + "/" + stem + "_region" + std::to_string(k - 1) + ".png", crop);
      }
      cv::putText(vis, std::to_string(int(r.score)), r.box.tl(), cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(0, 255, 0));
    }
    cv::imwrite(out + "/" + stem + ".png", vis);
  }
  return 0;
}
