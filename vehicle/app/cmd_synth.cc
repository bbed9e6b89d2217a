// `anpr synth`: synthetic plates for tests, fixtures and demos, deterministic
// by seed. Prints the ground truth as JSON lines on stdout.
//
//   anpr synth scene --seed 7 [--plate "AB12 CDE"]... [--night|--ir] --out x.jpg
//   anpr synth video --seed 7 [--plates "AB12 CDE,BD51 SMR"] --out x.avi
//   anpr synth fixtures --seed 1 --count 32 --out tests/fixtures/synth
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "capture/synth.h"
#include "vehicle/app/command.h"

namespace {

namespace synth = anpr::synth;
using nlohmann::json;

struct Options {
  uint64_t seed = 1;
  std::vector<std::string> plates;
  std::string plates_csv;
  std::string style = "random";
  bool two_line = false;
  bool supplier_mark = false;
  bool night = false;
  bool ir = false;
  int width_px = 1280;
  int height_px = 720;
  int plate_width_min_px = 120;
  int plate_width_max_px = 300;
  double max_roll_deg = 10;
  double max_yaw_deg = 25;
  double blur_sigma_px = 0;
  double noise_sigma = 0;
  bool glare = false;
  bool truth_file = false;
  double fps = 15;
  double pass_s = 2.0;
  double gap_s = 1.0;
  int vehicles = 3;
  int count = 32;
  int jpeg_quality = 90;
  int fixtures_quality = 85;  // keeps the committed set small
  std::string out;
};

json Truth(const synth::PlacedPlate& p) {
  json corners = json::array();
  for (const auto& c : p.corners) {
    corners.push_back({std::round(double{c.x} * 10) / 10, std::round(double{c.y} * 10) / 10});
  }
  return {{"plate", p.text},
          {"style", synth::PlateStyleName(p.style)},
          {"box", {p.box.x, p.box.y, p.box.width, p.box.height}},
          {"corners", corners},
          {"char_height_px", p.char_height_px},
          {"fully_visible", p.fully_visible}};
}

// Style by name; "random" picks front/rear from the seed.
bool ParseStyle(const std::string& name, std::mt19937_64& rng, synth::PlateStyle* style) {
  if (name == "front") *style = synth::PlateStyle::kUkFront;
  else if (name == "rear") *style = synth::PlateStyle::kUkRear;
  else if (name == "eu") *style = synth::PlateStyle::kEu;
  else if (name == "random") *style = (rng() % 2) ? synth::PlateStyle::kUkRear : synth::PlateStyle::kUkFront;
  else return false;
  return true;
}

synth::Lighting LightingOf(const Options& o) {
  if (o.ir) return synth::Lighting::kInfrared;
  if (o.night) return synth::Lighting::kNight;
  return synth::Lighting::kDay;
}

// NAME.txt beside NAME.jpg, the eu-dev layout: one line per plate,
// "NAME.jpg<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE".
bool WriteTruthFile(const std::filesystem::path& image, const std::vector<synth::PlacedPlate>& plates) {
  std::filesystem::path txt = image;
  txt.replace_extension(".txt");
  std::ofstream f(txt);
  for (const auto& p : plates) {
    f << image.filename().string() << '\t' << p.box.x << '\t' << p.box.y << '\t' << p.box.width << '\t'
      << p.box.height << '\t' << p.text << '\n';
  }
  f.flush();
  if (!f) {
    std::cerr << "anpr synth: cannot write " << txt << "\n";
    return false;
  }
  return true;
}

bool WriteJpeg(const std::string& path, const cv::Mat& image, int quality) {
  try {
    if (cv::imwrite(path, image, {cv::IMWRITE_JPEG_QUALITY, quality})) return true;
  } catch (const cv::Exception& e) {
    std::cerr << "anpr synth: " << path << ": " << e.what() << "\n";
    return false;
  }
  std::cerr << "anpr synth: cannot write " << path << " (folder missing, not writable, or not .jpg/.png?)\n";
  return false;
}

int RunScene(const Options& o) {
  std::mt19937_64 rng(o.seed);
  synth::SceneOptions so;
  so.width_px = o.width_px;
  so.height_px = o.height_px;
  so.plate_width_px_min = o.plate_width_min_px;
  so.plate_width_px_max = o.plate_width_max_px;
  so.max_roll_deg = o.max_roll_deg;
  so.max_yaw_deg = o.max_yaw_deg;
  so.blur_sigma_px = o.blur_sigma_px;
  so.noise_sigma = o.noise_sigma;
  so.glare = o.glare;
  so.lighting = LightingOf(o);
  std::vector<synth::PlateSpec> specs;
  for (const auto& text : o.plates) {
    synth::PlateSpec spec{text, synth::PlateStyle::kUkRear, o.two_line, o.supplier_mark};
    if (!ParseStyle(o.style, rng, &spec.style)) {
      std::cerr << "anpr synth: --style must be front, rear, eu or random\n";
      return 2;
    }
    specs.push_back(spec);
  }
  if (specs.empty() && (o.style != "random" || o.two_line || o.supplier_mark)) {
    synth::PlateSpec spec{synth::RandomUkPlate(rng), synth::PlateStyle::kUkRear, o.two_line, o.supplier_mark};
    if (!ParseStyle(o.style, rng, &spec.style)) {
      std::cerr << "anpr synth: --style must be front, rear, eu or random\n";
      return 2;
    }
    specs.push_back(spec);
  }
  synth::Scene scene = synth::MakeScene(o.seed, so, specs);
  if (!WriteJpeg(o.out, scene.image, o.jpeg_quality)) return 1;
  if (o.truth_file && !WriteTruthFile(o.out, scene.plates)) return 1;
  for (const auto& p : scene.plates) {
    json line = Truth(p);
    line["image"] = o.out;
    std::cout << line.dump() << "\n";
  }
  return 0;
}

int RunVideo(const Options& o) {
  std::mt19937_64 rng(o.seed);
  synth::DriveByOptions d;
  d.width_px = o.width_px;
  d.height_px = o.height_px;
  d.fps = o.fps;
  d.pass_duration_s = o.pass_s;
  d.gap_s = o.gap_s;
  d.lighting = LightingOf(o);
  d.noise_sigma = o.noise_sigma;
  d.random_vehicles = o.vehicles;
  std::stringstream csv(o.plates_csv);
  std::string text;
  while (std::getline(csv, text, ',')) {
    if (text.find_first_not_of(' ') == std::string::npos) continue;
    synth::PlateSpec spec{text, synth::PlateStyle::kUkRear, o.two_line, o.supplier_mark};
    if (!ParseStyle(o.style, rng, &spec.style)) {
      std::cerr << "anpr synth: --style must be front, rear, eu or random\n";
      return 2;
    }
    d.plates.push_back(spec);
  }
  synth::DriveBy drive(o.seed, d);
  anpr::Status st = synth::WriteVideo(drive, o.out);
  if (!st.ok()) {
    std::cerr << "anpr synth: " << st.ToString() << "\n";
    return 1;
  }
  std::cout << json{{"video", o.out},
                    {"frames", drive.frame_count()},
                    {"fps", drive.fps()},
                    {"passes", drive.pass_plates()}}
                   .dump()
            << "\n";
  for (int i = 0; i < drive.frame_count(); ++i) {
    // Truth only: the pixels are not needed again, but Frame() is the one
    // place that knows where each plate is.
    synth::DriveByFrame f = drive.Frame(i);
    for (size_t k = 0; k < f.plates.size(); ++k) {
      json line = Truth(f.plates[k]);
      line["frame"] = i;
      line["t_ms"] = f.t_ms;
      line["pass"] = f.pass_index[k];
      std::cout << line.dump() << "\n";
    }
  }
  return 0;
}

// The committed fixture set: a fixed mix of conditions, one scene per
// index, named synthNNN.jpg with synthNNN.txt beside it.
int RunFixtures(const Options& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) {
    std::cerr << "anpr synth: cannot create " << o.out << ": " << ec.message() << "\n";
    return 1;
  }
  const cv::Size kSizes[] = {{1280, 720}, {640, 480}, {1024, 768}, {800, 600}};
  for (int i = 0; i < o.count; ++i) {
    const uint64_t seed = o.seed * 1000 + static_cast<uint64_t>(i);
    std::mt19937_64 rng(seed);
    synth::SceneOptions so;
    cv::Size size = kSizes[i % 4];
    so.width_px = size.width;
    so.height_px = size.height;
    // Characters at least ~20 px tall (plate >= 132 px wide) unless the case
    // is about small plates.
    so.plate_width_px_min = std::max(140, size.width / 8);
    so.plate_width_px_max = std::max(so.plate_width_px_min + 10, size.width / 3);
    so.noise_sigma = 2;
    std::vector<synth::PlateSpec> specs;
    synth::PlateSpec spec{synth::RandomUkPlate(rng), (rng() % 2) ? synth::PlateStyle::kUkRear
                                                                : synth::PlateStyle::kUkFront, false};
    spec.supplier_mark = (i % 3) != 0;
    switch (i % 10) {
      case 0: spec.style = synth::PlateStyle::kUkRear; break;
      case 1: spec.style = synth::PlateStyle::kUkFront; break;
      case 2: so.lighting = synth::Lighting::kNight; break;
      case 3: so.lighting = synth::Lighting::kInfrared; break;
      case 4: spec.style = synth::PlateStyle::kEu; break;
      case 5: spec.two_line = true; so.plate_width_px_min = std::max(110, size.width / 10);
              so.plate_width_px_max = std::max(so.plate_width_px_min + 10, size.width / 5); break;
      case 6: so.glare = true; break;
      case 7: so.blur_sigma_px = 1.2; so.noise_sigma = 6; break;
      case 8: {  // two vehicles in one frame
        synth::PlateSpec second{synth::RandomUkPlate(rng), synth::PlateStyle::kUkFront, false};
        specs.push_back(second);
        so.plate_width_px_min = 140;
        so.plate_width_px_max = 180;
        break;
      }
      case 9: so.max_roll_deg = 20; so.max_yaw_deg = 35; break;
      default: break;
    }
    specs.insert(specs.begin(), spec);
    synth::Scene scene = synth::MakeScene(seed, so, specs);
    char name[32];
    std::snprintf(name, sizeof(name), "synth%03d.jpg", i);
    std::filesystem::path path = std::filesystem::path(o.out) / name;
    if (!WriteJpeg(path.string(), scene.image, o.fixtures_quality)) return 1;
    if (!WriteTruthFile(path, scene.plates)) return 1;
    for (const auto& p : scene.plates) {
      json line = Truth(p);
      line["image"] = path.string();
      std::cout << line.dump() << "\n";
    }
  }
  return 0;
}

void AddCommon(CLI::App* app, Options* o) {
  app->add_option("--seed", o->seed, "Seed: same seed and options, same pixels");
  app->add_option("--width", o->width_px, "Image width in pixels")->check(CLI::Range(64, 8192));
  app->add_option("--height", o->height_px, "Image height in pixels")->check(CLI::Range(64, 8192));
  app->add_option("--style", o->style, "Plate style: front (white), rear (yellow), eu (blue band), random")
      ->check(CLI::IsMember({"front", "rear", "eu", "random"}));
  app->add_flag("--two-line", o->two_line, "Two-line (square) plates");
  app->add_flag("--mark", o->supplier_mark, "Print the small supplier mark under the characters");
  auto* night = app->add_flag("--night", o->night, "Night: dark scene, lit plate, lamps");
  auto* ir = app->add_flag("--ir", o->ir, "Grey infrared camera");
  night->excludes(ir);
  app->add_option("--noise", o->noise_sigma, "Sensor noise sigma (0-255 scale)");
  app->add_option("--out", o->out, "Output file")->required();
}

const anpr::cli::CommandRegistration kSynth{
    "synth", "Make synthetic plate scenes, drive-by videos and fixture sets (JSON truth on stdout)",
    [](CLI::App& sub) {
      auto o = std::make_shared<Options>();
      sub.require_subcommand(1);
      CLI::App* scene = sub.add_subcommand("scene", "One still scene (.jpg or .png)");
      AddCommon(scene, o.get());
      scene->add_option("--plate", o->plates, "Plate text, e.g. \"AB12 CDE\"; repeat for several vehicles");
      scene->add_option("--plate-min", o->plate_width_min_px, "Smallest plate width in pixels");
      scene->add_option("--plate-max", o->plate_width_max_px, "Largest plate width in pixels");
      scene->add_option("--roll", o->max_roll_deg, "Largest in-plane tilt, degrees");
      scene->add_option("--yaw", o->max_yaw_deg, "Largest side-on angle, degrees");
      scene->add_option("--blur", o->blur_sigma_px, "Gaussian blur sigma, pixels");
      scene->add_flag("--glare", o->glare, "A specular glare patch across each plate");
      scene->add_flag("--truth", o->truth_file, "Also write NAME.txt beside the image (eu-dev layout)");
      scene->add_option("--quality", o->jpeg_quality, "JPEG quality")->check(CLI::Range(10, 100));

      CLI::App* video = sub.add_subcommand("video", "A drive-by video (.avi, Motion JPEG)");
      AddCommon(video, o.get());
      video->add_option("--plates", o->plates_csv, "Comma-separated plates, one vehicle each, in order");
      video->add_option("--vehicles", o->vehicles, "Random vehicles when --plates is not given");
      video->add_option("--fps", o->fps, "Frames per second")->check(CLI::Range(1.0, 120.0));
      video->add_option("--pass-s", o->pass_s, "Seconds each vehicle is in view");
      video->add_option("--gap-s", o->gap_s, "Seconds of empty road between vehicles");

      CLI::App* fixtures = sub.add_subcommand("fixtures", "A mixed set of scenes with NAME.txt truth files");
      fixtures->add_option("--seed", o->seed, "Seed of the set");
      fixtures->add_option("--count", o->count, "Number of images")->check(CLI::Range(1, 10000));
      fixtures->add_option("--quality", o->fixtures_quality, "JPEG quality")->check(CLI::Range(10, 100));
      fixtures->add_option("--out", o->out, "Output folder")->required();

      return [o, scene, video, fixtures]() {
        if (scene->parsed()) return RunScene(*o);
        if (video->parsed()) return RunVideo(*o);
        if (fixtures->parsed()) return RunFixtures(*o);
        return 2;
      };
    }};

}  // namespace
