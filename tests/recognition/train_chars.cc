// Trains the per-character classifier (vehicle/char_classifier.h) and writes
// vehicle/recognition/model/chars.yml.gz. Developer tool, not a test:
//
//   cmake --build build/recog -j2 --target train_chars
//   build/recog/tests/recognition/train_chars [OUT.yml.gz] [--seed N] [--per-class N] [--epochs N]
//
// (about two minutes on one core; without OUT it writes the committed model)
//
// Training data is made here, deterministically from the seed: characters
// rendered from Debian fonts (fonts-dejavu-core/-extra, fonts-liberation,
// fonts-freefont-ttf, fonts-roboto-unhinted; missing fonts are skipped) and
// from the synthetic UK plate renderer's glyphs, with augmentation that
// mimics a plate character seen small and read by the recognizer: aspect,
// stroke weight, rotation and shear, size 9-42 px, blur, noise, uneven
// light, JPEG, then the recognizer's own rescale to 32 px and Otsu box. No
// photographs are used. Class '#' ("not a character") is pairs of touching
// characters, cut halves, frame corners and blobs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/freetype.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"
#include "vehicle/recognition/char_classifier.h"

namespace {

using anpr::kCharClasses;
using anpr::kNumCharClasses;

const char* const kFonts[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Medium.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Medium.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
};
constexpr int kRenderPx = 96;  // glyphs are drawn this tall, then degraded
constexpr int kReadPx = 32;    // the recognizer's character height (RecognizerOptions)

double U(std::mt19937_64& rng, double lo, double hi) {
  return lo + (hi - lo) * double(rng() >> 11) * 0x1.0p-53;
}
int UI(std::mt19937_64& rng, int lo, int hi) { return lo + int(rng() % uint64_t(hi - lo + 1)); }

// Ink masks (255 ink on 0), tight, kRenderPx tall, one set per font.
using GlyphSet = std::vector<cv::Mat>;  // index: position in kCharClasses

cv::Mat Tight(const cv::Mat& m) {
  cv::Mat nz;
  cv::findNonZero(m > 8, nz);
  if (nz.empty()) return {};
  return m(cv::boundingRect(nz)).clone();
}

std::vector<GlyphSet> LoadGlyphs() {
  std::vector<GlyphSet> sets;
  for (const char* path : kFonts) {
    if (!std::filesystem::exists(path)) {
      std::fprintf(stderr, "train_chars: skipping missing font %s\n", path);
      continue;
    }
    auto ft = cv::freetype::createFreeType2();
    ft->loadFontData(path, 0);
    GlyphSet set;
    for (int k = 0; k < 36; ++k) {
      cv::Mat canvas(kRenderPx * 2, kRenderPx * 2, CV_8UC3, cv::Scalar::all(0));
      ft->putText(canvas, std::string(1, kCharClasses[k]), cv::Point(kRenderPx / 2, kRenderPx * 3 / 2), kRenderPx,
                  cv::Scalar::all(255), -1, cv::LINE_AA, true);
      cv::Mat grey;
      cv::cvtColor(canvas, grey, cv::COLOR_BGR2GRAY);
      cv::Mat t = Tight(grey);
      cv::resize(t, t, cv::Size(std::max(1, t.cols * kRenderPx / t.rows), kRenderPx), 0, 0, cv::INTER_AREA);
      set.push_back(t);
    }
    sets.push_back(std::move(set));
  }
  // The synthetic UK plates' own glyphs (capture/src/synth_plate.cc), in the
  // legal 50 x 79 mm cell ("1" and "I" keep their own width).
  GlyphSet uk;
  for (int k = 0; k < 36; ++k) {
    cv::Mat m = anpr::synth::internal::GlyphMask(kCharClasses[k], cv::Size(kRenderPx * 50 / 79, kRenderPx));
    cv::Mat t = Tight(m);
    if (t.empty()) t = m;
    cv::resize(t, t, cv::Size(std::max(1, t.cols * kRenderPx / std::max(1, t.rows)), kRenderPx), 0, 0,
               cv::INTER_AREA);
    uk.push_back(t);
  }
  sets.push_back(uk);
  return sets;
}

// A glyph mask with its shape varied: width, stroke weight, shear, rotation.
cv::Mat Vary(const cv::Mat& glyph, std::mt19937_64& rng) {
  cv::Mat g = glyph;
  double sx = U(rng, 0.72, 1.3);
  cv::resize(g, g, cv::Size(std::max(1, int(g.cols * sx)), g.rows), 0, 0, cv::INTER_LINEAR);
  int pad = kRenderPx / 3;
  cv::copyMakeBorder(g, g, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar(0));
  // Stroke weight: up to ~1/12 of the height thinner or bolder.
  int k = UI(rng, -kRenderPx / 16, kRenderPx / 12);
  if (k != 0) {
    cv::Mat se = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * std::abs(k) + 1, 2 * std::abs(k) + 1));
    if (k > 0) cv::dilate(g, g, se); else cv::erode(g, g, se);
  }
  double ang = U(rng, -6, 6) * CV_PI / 180, shear = U(rng, -0.14, 0.1);
  cv::Point2f c(float(g.cols) / 2, float(g.rows) / 2);
  cv::Matx23d m(std::cos(ang), -std::sin(ang) + shear, 0, std::sin(ang), std::cos(ang), 0);
  m(0, 2) = c.x - (m(0, 0) * c.x + m(0, 1) * c.y);
  m(1, 2) = c.y - (m(1, 0) * c.x + m(1, 1) * c.y);
  cv::warpAffine(g, g, cv::Mat(m), g.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::Mat t = Tight(g);
  return t.empty() ? glyph : t;
}

// Places ink masks on a plate-like ground and sees them as the recognizer
// does: small in the camera (char_px tall), degraded, rescaled to kReadPx.
// Returns the cut of the component box nearest the centre, or empty.
cv::Mat Photograph(const cv::Mat& ink, std::mt19937_64& rng, bool junk_frame = false) {
  int margin = kRenderPx / 2;
  cv::Mat m;
  cv::copyMakeBorder(ink, m, margin, margin, margin, margin, cv::BORDER_CONSTANT, cv::Scalar(0));
  if (junk_frame) {
    // A frame edge or corner touching the character.
    int t = UI(rng, 4, 14);
    if (rng() % 2) m.rowRange(margin + ink.rows - t / 2, std::min(m.rows, margin + ink.rows + t)).setTo(255);
    if (rng() % 2) m.colRange(margin - t, margin + t / 2).setTo(255);
  }
  double char_px = U(rng, 9, 42);
  double s = char_px / kRenderPx;
  cv::Mat small;
  cv::resize(m, small, cv::Size(std::max(4, int(m.cols * s)), std::max(4, int(m.rows * s))), 0, 0, cv::INTER_AREA);
  small.convertTo(small, CV_32F, 1.0 / 255);
  double ground = U(rng, 130, 250), inkv = U(rng, 0, std::min(110.0, ground - 70));
  cv::Mat img = ground - small * (ground - inkv);
  // Uneven light across the character.
  double gx = U(rng, -0.25, 0.25) * (ground - inkv) / img.cols, gy = U(rng, -0.25, 0.25) * (ground - inkv) / img.rows;
  for (int y = 0; y < img.rows; ++y) {
    float* p = img.ptr<float>(y);
    for (int x = 0; x < img.cols; ++x) p[x] += float(gx * (x - img.cols / 2) + gy * (y - img.rows / 2));
  }
  double blur = U(rng, 0, 1.3);
  if (blur > 0.25) cv::GaussianBlur(img, img, cv::Size(0, 0), blur);
  cv::Mat noise(img.size(), CV_32F);
  cv::randn(noise, 0, U(rng, 0, 0.12) * (ground - inkv));
  img += noise;
  cv::Mat u8;
  img.convertTo(u8, CV_8U);
  if (rng() % 3 != 0) {
    std::vector<uchar> buf;
    cv::imencode(".jpg", u8, buf, {cv::IMWRITE_JPEG_QUALITY, UI(rng, 25, 95)});
    u8 = cv::imdecode(buf, cv::IMREAD_GRAYSCALE);
  }
  // The recognizer's rescale (its character height estimate is rough).
  double up = kReadPx / char_px * U(rng, 0.85, 1.15);
  cv::Mat big;
  cv::resize(u8, big, cv::Size(std::max(4, int(u8.cols * up)), std::max(4, int(u8.rows * up))), 0, 0, cv::INTER_CUBIC);
  cv::Mat bin, labels, stats, cents;
  cv::threshold(big, bin, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
  int n = cv::connectedComponentsWithStats(bin, labels, stats, cents, 8, CV_32S);
  int best = -1, best_area = 0;
  for (int i = 1; i < n; ++i) {
    int a = stats.at<int>(i, cv::CC_STAT_AREA);
    if (a > best_area) { best_area = a; best = i; }
  }
  if (best < 0) return {};
  cv::Rect r(stats.at<int>(best, cv::CC_STAT_LEFT), stats.at<int>(best, cv::CC_STAT_TOP),
             stats.at<int>(best, cv::CC_STAT_WIDTH), stats.at<int>(best, cv::CC_STAT_HEIGHT));
  if (r.height < kReadPx * 0.6 || r.height > kReadPx * 1.45) return {};
  // As PrepareLineForOcr leaves it: other blobs blanked, a pixel of margin.
  cv::Mat cut = big.clone();
  cut.setTo(255, (labels != best) & (labels != 0));
  r = cv::Rect(r.x - 1, r.y - 1, r.width + 2, r.height + 2) & cv::Rect(0, 0, cut.cols, cut.rows);
  return cut(r).clone();
}

// "Not a character": touching pairs, cut characters, blobs.
cv::Mat JunkInk(const std::vector<GlyphSet>& sets, std::mt19937_64& rng) {
  const GlyphSet& set = sets[rng() % sets.size()];
  int kind = UI(rng, 0, 3);
  if (kind == 0) {
    // Two characters touching.
    cv::Mat a = Vary(set[rng() % 36], rng), b = Vary(set[rng() % 36], rng);
    int h = std::max(a.rows, b.rows), overlap = std::min(UI(rng, 0, kRenderPx / 10), a.cols / 2);
    cv::Mat m(h, a.cols + b.cols - overlap, CV_8U, cv::Scalar(0));
    cv::Mat ra = m(cv::Rect(0, h - a.rows, a.cols, a.rows));
    cv::max(ra, a, ra);
    cv::Mat rb = m(cv::Rect(a.cols - overlap, h - b.rows, b.cols, b.rows));
    cv::max(rb, b, rb);
    // Touching: a bridge where they meet.
    cv::rectangle(m, cv::Rect(a.cols - overlap - 4, UI(rng, 0, h - 10), overlap + 8, 8), cv::Scalar(255), -1);
    return m;
  }
  if (kind == 1) {
    // Part of a character (a cut or broken one).
    cv::Mat a = Vary(set[rng() % 36], rng);
    int keep = UI(rng, std::max(1, a.cols / 4), std::max(1, a.cols / 2));
    return (rng() % 2 ? a.colRange(0, keep) : a.colRange(a.cols - keep, a.cols)).clone();
  }
  if (kind == 2) {
    // The right part of one character and the left of the next.
    cv::Mat a = Vary(set[rng() % 36], rng), b = Vary(set[rng() % 36], rng);
    int ka = UI(rng, std::max(1, a.cols / 4), std::max(1, a.cols / 2));
    int kb = UI(rng, std::max(1, b.cols / 4), std::max(1, b.cols / 2));
    int h = std::max(a.rows, b.rows);
    cv::Mat m(h, ka + kb + 6, CV_8U, cv::Scalar(0));
    a.colRange(a.cols - ka, a.cols).copyTo(m(cv::Rect(0, h - a.rows, ka, a.rows)));
    b.colRange(0, kb).copyTo(m(cv::Rect(ka + 6, h - b.rows, kb, b.rows)));
    cv::rectangle(m, cv::Rect(ka - 2, h / 2 - 4, 10, 8), cv::Scalar(255), -1);
    return m;
  }
  // Blobs and scribbles: seals, dirt, a screw with its shadow.
  cv::Mat m(kRenderPx, UI(rng, kRenderPx / 3, kRenderPx), CV_8U, cv::Scalar(0));
  for (int i = UI(rng, 1, 4); i > 0; --i) {
    cv::Point c(UI(rng, 0, m.cols - 1), UI(rng, 0, m.rows - 1));
    cv::ellipse(m, c, cv::Size(UI(rng, 5, m.cols / 2 + 5), UI(rng, 5, m.rows / 2)), U(rng, 0, 180), 0, 360,
                cv::Scalar(255), rng() % 2 ? -1 : UI(rng, 4, 16));
  }
  cv::Mat t = Tight(m);
  return t.empty() ? m : t;
}

struct Data {
  cv::Mat x;               // N x D
  std::vector<int> y;
};

// A sheet of samples (one row per class) to look at what training sees.
void Dump(const std::vector<GlyphSet>& sets, uint64_t seed, const std::string& path) {
  std::mt19937_64 rng(seed);
  cv::Mat sheet(kNumCharClasses * 40, 16 * 40, CV_8U, cv::Scalar(128));
  for (int k = 0; k < kNumCharClasses; ++k) {
    for (int i = 0; i < 16;) {
      cv::Mat ink = k < 36 ? Vary(sets[size_t(i) % sets.size()][size_t(k)], rng) : JunkInk(sets, rng);
      cv::Mat cut = Photograph(ink, rng, false);
      if (cut.empty()) continue;
      cv::Rect r(i * 40, k * 40, std::min(40, cut.cols), std::min(40, cut.rows));
      cut(cv::Rect(0, 0, r.width, r.height)).copyTo(sheet(r));
      ++i;
    }
  }
  cv::imwrite(path, sheet);
}

Data Make(const std::vector<GlyphSet>& sets, int per_class, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Data d;
  std::vector<cv::Mat> rows;
  for (int k = 0; k < kNumCharClasses; ++k) {
    int want = k == kNumCharClasses - 1 ? per_class * 2 : per_class;
    for (int i = 0; i < want;) {
      cv::Mat ink, cut;
      bool frame = false;
      try {
        if (k < 36) {
          ink = Vary(sets[size_t(i) % sets.size()][size_t(k)], rng);
          frame = U(rng, 0, 1) < 0.08;  // a frame touching: still the character
        } else {
          ink = JunkInk(sets, rng);
        }
        cut = Photograph(ink, rng, frame);
      } catch (const cv::Exception& e) {
        std::fprintf(stderr, "train_chars: sample skipped (%s, ink %dx%d)\n", e.what(), ink.cols, ink.rows);
        continue;
      }
      if (cut.empty()) continue;
      rows.push_back(anpr::CharFeatures(cut));
      d.y.push_back(k);
      ++i;
    }
  }
  cv::vconcat(rows, d.x);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = anpr::DefaultCharModelPath();
  uint64_t seed = 1;
  int per_class = 1500, epochs = 20, hidden = 160;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--per-class" && i + 1 < argc) per_class = std::atoi(argv[++i]);
    else if (a == "--epochs" && i + 1 < argc) epochs = std::atoi(argv[++i]);
    else if (a == "--hidden" && i + 1 < argc) hidden = std::atoi(argv[++i]);
    else if (a == "--dump" && i + 1 < argc) dump = argv[++i];
    else out = a;
  }
  cv::setNumThreads(1);
  cv::theRNG().state = seed;
  auto sets = LoadGlyphs();
  std::printf("train_chars: %zu glyph sets, %d per class\n", sets.size(), per_class);
  if (!dump.empty()) {
    Dump(sets, seed, dump);
    return 0;
  }
  Data train = Make(sets, per_class, seed);
  Data val = Make(sets, std::max(20, per_class / 10), seed + 1000);
  const int n = train.x.rows, dim = train.x.cols, k = kNumCharClasses;
  std::printf("train_chars: %d samples of %d features\n", n, dim);

  anpr::CharNet net;
  cv::reduce(train.x, net.mean, 0, cv::REDUCE_AVG);
  cv::Mat centred = train.x - cv::repeat(net.mean, n, 1);
  cv::Mat var;
  cv::reduce(centred.mul(centred), var, 0, cv::REDUCE_AVG);
  cv::sqrt(var + 1e-4, var);
  net.scale = 1.0 / var;
  cv::Mat xs = centred.mul(cv::repeat(net.scale, n, 1));
  cv::Mat xv = (val.x - cv::repeat(net.mean, val.x.rows, 1)).mul(cv::repeat(net.scale, val.x.rows, 1));

  std::mt19937_64 rng(seed + 7);
  net.w1.create(hidden, dim, CV_32F);
  net.w2.create(k, hidden, CV_32F);
  cv::RNG cvr(seed);
  cvr.fill(net.w1, cv::RNG::NORMAL, 0, std::sqrt(2.0 / dim));
  cvr.fill(net.w2, cv::RNG::NORMAL, 0, std::sqrt(1.0 / hidden));
  net.b1 = cv::Mat::zeros(hidden, 1, CV_32F);
  net.b2 = cv::Mat::zeros(k, 1, CV_32F);
  cv::Mat vw1 = cv::Mat::zeros(net.w1.size(), CV_32F), vb1 = cv::Mat::zeros(net.b1.size(), CV_32F);
  cv::Mat vw2 = cv::Mat::zeros(net.w2.size(), CV_32F), vb2 = cv::Mat::zeros(net.b2.size(), CV_32F);
  const int batch = 64;
  const float momentum = 0.9f, decay = 1e-4f;
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  for (int ep = 0; ep < epochs; ++ep) {
    float lr = 0.02f * 0.5f * (1 + std::cos(float(CV_PI) * ep / epochs));
    std::shuffle(order.begin(), order.end(), rng);
    double loss = 0;
    for (int b0 = 0; b0 < n; b0 += batch) {
      int bn = std::min(batch, n - b0);
      cv::Mat xb(bn, dim, CV_32F);
      for (int i = 0; i < bn; ++i) xs.row(order[size_t(b0 + i)]).copyTo(xb.row(i));
      cv::Mat h = xb * net.w1.t() + cv::repeat(net.b1.t(), bn, 1);  // bn x H
      cv::Mat hr = cv::max(h, 0.0f);
      cv::Mat z = hr * net.w2.t() + cv::repeat(net.b2.t(), bn, 1);  // bn x K
      cv::Mat dz(bn, k, CV_32F);
      for (int i = 0; i < bn; ++i) {
        const float* zr = z.ptr<float>(i);
        float mx = *std::max_element(zr, zr + k);
        double s = 0;
        for (int j = 0; j < k; ++j) s += std::exp(double(zr[j] - mx));
        int yi = train.y[size_t(order[size_t(b0 + i)])];
        loss += -(double(zr[yi] - mx) - std::log(s));
        for (int j = 0; j < k; ++j) dz.at<float>(i, j) = float(std::exp(double(zr[j] - mx)) / s) - (j == yi ? 1.f : 0.f);
      }
      dz /= float(bn);
      cv::Mat gw2 = dz.t() * hr, gb2;
      cv::reduce(dz, gb2, 0, cv::REDUCE_SUM);
      cv::Mat dh = dz * net.w2;
      dh.setTo(0, h <= 0);
      cv::Mat gw1 = dh.t() * xb, gb1;
      cv::reduce(dh, gb1, 0, cv::REDUCE_SUM);
      vw2 = momentum * vw2 - lr * (gw2 + decay * net.w2);
      vb2 = momentum * vb2 - lr * gb2.t();
      vw1 = momentum * vw1 - lr * (gw1 + decay * net.w1);
      vb1 = momentum * vb1 - lr * gb1.t();
      net.w2 += vw2;
      net.b2 += vb2;
      net.w1 += vw1;
      net.b1 += vb1;
    }
    // Validation error on fresh renders.
    cv::Mat h = cv::max(xv * net.w1.t() + cv::repeat(net.b1.t(), xv.rows, 1), 0.0f);
    cv::Mat z = h * net.w2.t() + cv::repeat(net.b2.t(), xv.rows, 1);
    int wrong = 0;
    for (int i = 0; i < z.rows; ++i) {
      cv::Point mx;
      cv::minMaxLoc(z.row(i), nullptr, nullptr, nullptr, &mx);
      if (mx.x != val.y[size_t(i)]) ++wrong;
    }
    std::printf("epoch %2d  lr %.4f  loss %.4f  val error %.2f%%\n", ep + 1, double(lr), loss / n,
                100.0 * wrong / z.rows);
    std::fflush(stdout);
  }
  if (!net.Save(out)) {
    std::fprintf(stderr, "train_chars: cannot write %s\n", out.c_str());
    return 1;
  }
  std::printf("train_chars: wrote %s\n", out.c_str());
  return 0;
}
