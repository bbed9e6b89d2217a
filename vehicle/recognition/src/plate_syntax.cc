#include "vehicle/recognition/plate_syntax.h"

#include <algorithm>
#include <array>
#include <functional>

namespace anpr {
namespace {

// Character sets of the GB formats. The DVLA never issues I or Q in the
// random letters, Z only there, and the memory tag's first letter only from
// the areas that exist; suffix and prefix year letters skip I O Q U Z.
constexpr std::string_view kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kNonZero = "123456789";
constexpr std::string_view kMemoryTagArea = "ABCDEFGHKLMNOPRSVWXY";
constexpr std::string_view kMemoryTagOffice = "ABCDEFGHJKLMNOPRSTUVWXY";
constexpr std::string_view kRandomLetters = "ABCDEFGHJKLMNOPRSTUVWXYZ";
constexpr std::string_view kYearLetters = "ABCDEFGHJKLMNPRSTVWXY";
constexpr std::string_view kDatelessLetters = "ABCDEFGHJKLMNOPRSTUVWXY";
constexpr std::string_view kNiLetters = "ABCDEFGHIJKLMNOPRSTUVWXYZ";

// One concrete template: the allowed characters at each position, plus an
// optional whole-string check (age identifier, Northern Ireland code).
struct Template {
  const char* syntax;
  std::vector<std::string_view> sets;
  std::function<bool(const std::string&)> check;
};

bool ValidAgeIdentifier(const std::string& s) {
  // March registrations use the year (02 .. 50), September ones year + 50.
  int age = (s[2] - '0') * 10 + (s[3] - '0');
  return (age >= 2 && age <= 49) || (age >= 51 && age <= 99);
}

// Northern Ireland two-letter codes all contain I or Z (IA, AZ, OI, ...).
bool ValidNiCode(char a, char b) {
  return a == 'I' || b == 'Z' || (b == 'I' && a != 'I');
}

std::vector<Template> BuildGbTemplates() {
  std::vector<Template> out;
  out.push_back({"gb-current",
                 {kMemoryTagArea, kMemoryTagOffice, kDigits, kDigits, kRandomLetters,
                  kRandomLetters, kRandomLetters},
                 ValidAgeIdentifier});
  // Prefix: year letter, 1-3 digit serial, three letters.
  for (int digits = 1; digits <= 3; ++digits) {
    Template t{"gb-prefix", {kYearLetters, kNonZero}, nullptr};
    for (int i = 1; i < digits; ++i) t.sets.push_back(kDigits);
    for (int i = 0; i < 3; ++i) t.sets.push_back(kRandomLetters);
    out.push_back(std::move(t));
  }
  // Suffix: three letters, 1-3 digit serial, year letter.
  for (int digits = 1; digits <= 3; ++digits) {
    Template t{"gb-suffix", {kRandomLetters, kRandomLetters, kRandomLetters, kNonZero}, nullptr};
    for (int i = 1; i < digits; ++i) t.sets.push_back(kDigits);
    t.sets.push_back(kYearLetters);
    out.push_back(std::move(t));
  }
  // Northern Ireland: optional letter, the two-letter code, 1-4 digits.
  for (int lead = 0; lead <= 1; ++lead) {
    for (int digits = 1; digits <= 4; ++digits) {
      Template t{"gb-ni", {}, nullptr};
      for (int i = 0; i < lead + 2; ++i) t.sets.push_back(kNiLetters);
      t.sets.push_back(kNonZero);
      for (int i = 1; i < digits; ++i) t.sets.push_back(kDigits);
      const size_t code = static_cast<size_t>(lead);
      t.check = [code](const std::string& s) { return ValidNiCode(s[code], s[code + 1]); };
      out.push_back(std::move(t));
    }
  }
  // Dateless: 1-3 letters and 1-4 digits, either way round, at most 7.
  for (int letters = 1; letters <= 3; ++letters) {
    for (int digits = 1; digits <= 4; ++digits) {
      Template a{"gb-dateless", {}, nullptr};
      for (int i = 0; i < letters; ++i) a.sets.push_back(kDatelessLetters);
      a.sets.push_back(kNonZero);
      for (int i = 1; i < digits; ++i) a.sets.push_back(kDigits);
      out.push_back(std::move(a));
      Template b{"gb-dateless", {kNonZero}, nullptr};
      for (int i = 1; i < digits; ++i) b.sets.push_back(kDigits);
      for (int i = 0; i < letters; ++i) b.sets.push_back(kDatelessLetters);
      out.push_back(std::move(b));
    }
  }
  return out;
}

// Widespread European layouts (letters L, digits D) where a letter/digit
// look-alike can be put right: FR/IT/SK "AB123CD", ES "1234ABC", BG
// "CA1234AB" and "C1234AB". Anything else is kept as read. (GB's "AB12CDE"
// is left to region gb: in Europe it would turn AB550CD into AB55GCD.)
std::vector<Template> BuildEuTemplates() {
  std::vector<Template> out;
  for (std::string_view layout : {"LLDDDLL", "DDDDLLL", "LLDDDDLL", "LDDDDLL"}) {
    Template t{"eu", {}, nullptr};
    for (char k : layout) t.sets.push_back(k == 'L' ? kLetters : kDigits);
    out.push_back(std::move(t));
  }
  return out;
}

const std::vector<Template>& EuTemplates() {
  static const std::vector<Template> templates = BuildEuTemplates();
  return templates;
}

const std::vector<Template>& GbTemplates() {
  static const std::vector<Template> templates = BuildGbTemplates();
  return templates;
}

bool IsLetter(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Look-alikes across the letter/digit divide, most likely first.
std::string_view LookAlikes(char c) {
  switch (c) {
    case 'O': return "0";
    case 'D': return "0";
    case 'Q': return "0";
    case 'U': return "0";
    case 'I': return "1";
    case 'L': return "1";
    case 'T': return "1";
    case 'S': return "5";
    case 'B': return "8";
    case 'Z': return "2";
    case 'G': return "6";
    case 'A': return "4";
    case '0': return "OD";
    case '1': return "I";
    case '5': return "S";
    case '8': return "B";
    case '2': return "Z";
    case '6': return "G";
    case '4': return "A";
    case '7': return "T";
    default: return "";
  }
}

// How much of a character's confidence a look-alike substitution keeps: the
// listed pairs from the plate-font ambiguity table keep most, others less.
float LookAlikeWeight(char from, char to) {
  static constexpr std::array<std::pair<char, char>, 7> kStrong = {
      {{'O', '0'}, {'I', '1'}, {'S', '5'}, {'B', '8'}, {'Z', '2'}, {'G', '6'}, {'D', '0'}}};
  for (auto [a, b] : kStrong) {
    if ((from == a && to == b) || (from == b && to == a)) return 0.7f;
  }
  return 0.4f;
}

// Alternatives below this confidence (0-100) are noise from the readers:
// they do not count as a character a reader saw (see BestAllowed), and
// compete with the shape table's look-alikes only where no reader saw one.
constexpr float kMinAlternative = 10;

// A European layout may replace a character only with one at least this
// fraction as likely.
constexpr float kEuFixRatio = 0.5f;

struct Pick {
  char c = 0;
  float confidence = 0;
  bool fixed = false;
};

// The best character for one position that lies in `allowed`.
Pick BestAllowed(const CharChoice& choice, std::string_view allowed) {
  Pick best;
  auto consider = [&](char c, float conf, bool fixed) {
    if (allowed.find(c) == std::string_view::npos) return;
    if (best.c == 0 || conf > best.confidence) best = {c, conf, fixed};
  };
  consider(choice.best, choice.confidence, false);
  for (const auto& [c, conf] : choice.alternatives) {
    if (conf >= kMinAlternative) consider(c, conf, c != choice.best);
  }
  // A character a reader saw here (the classifier's 0 where Tesseract read
  // G) is better evidence than the shape table's look-alike (G -> 6): the
  // table may only back up that character, or stand in when the readers
  // offered nothing allowed.
  const char seen = best.c;
  if (seen == 0) {
    for (const auto& [c, conf] : choice.alternatives) consider(c, conf, c != choice.best);
  }
  for (char c : LookAlikes(choice.best)) {
    if (seen == 0 || c == seen) consider(c, choice.confidence * LookAlikeWeight(choice.best, c), true);
  }
  return best;
}

bool MatchesSets(std::string_view text, const Template& t) {
  if (text.size() != t.sets.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (t.sets[i].find(text[i]) == std::string_view::npos) return false;
  }
  return !t.check || t.check(std::string(text));
}

bool PlausibleEu(std::string_view text) {
  if (text.size() < 4 || text.size() > 10) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return IsLetter(c) || IsDigit(c); });
}

}  // namespace

const char* RegionName(Region region) { return region == Region::kEu ? "eu" : "gb"; }

bool ParseRegion(std::string_view text, Region* out) {
  std::string lower;
  for (char c : text) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (lower == "gb" || lower == "uk") {
    *out = Region::kGb;
    return true;
  }
  if (lower == "eu") {
    *out = Region::kEu;
    return true;
  }
  return false;
}

std::string ClassifyPlate(std::string_view text, Region region) {
  if (region == Region::kEu) return PlausibleEu(text) ? "eu" : "none";
  for (const Template& t : GbTemplates()) {
    if (MatchesSets(text, t)) return t.syntax;
  }
  return "none";
}

SyntaxFit FitPlateSyntax(const std::vector<CharChoice>& chars, Region region) {
  SyntaxFit as_read;
  for (const CharChoice& c : chars) {
    as_read.text.push_back(c.best);
    as_read.char_confidence.push_back(c.confidence);
    as_read.score += c.confidence;
  }
  as_read.syntax = "none";
  if (chars.empty()) return as_read;
  if (region == Region::kEu) as_read.syntax = ClassifyPlate(as_read.text, region);
  const std::vector<Template>& templates = region == Region::kEu ? EuTemplates() : GbTemplates();
  SyntaxFit best;
  bool found = false;
  for (const Template& t : templates) {
    if (t.sets.size() != chars.size()) continue;
    SyntaxFit fit;
    fit.syntax = t.syntax;
    bool ok = true;
    for (size_t i = 0; i < chars.size() && ok; ++i) {
      Pick p = BestAllowed(chars[i], t.sets[i]);
      if (p.c == 0) {
        ok = false;
        break;
      }
      // European layouts are only a hint: a character is changed to fit
      // one only when what replaces it is nearly as likely (a strong
      // look-alike or a reader's close second), never a well-read 4 to an A.
      if (region == Region::kEu && p.fixed && p.confidence < kEuFixRatio * chars[i].confidence) {
        ok = false;
        break;
      }
      fit.text.push_back(p.c);
      fit.char_confidence.push_back(p.confidence);
      fit.score += p.confidence;
      fit.fixes += p.fixed ? 1 : 0;
    }
    if (!ok || (t.check && !t.check(fit.text))) continue;
    // European layouts are only a hint: at most two characters changed.
    if (region == Region::kEu && fit.fixes > 2) continue;
    // Earlier templates (current before older formats) win ties.
    if (!found || fit.score > best.score + 1e-3) {
      best = std::move(fit);
      found = true;
    }
  }
  return found ? best : as_read;
}

bool FitsRegionFormat(const SyntaxFit& fit, Region region) {
  if (fit.syntax == "none" || fit.text.empty()) return false;
  if (region == Region::kGb) return true;
  for (const Template& t : EuTemplates()) {
    if (MatchesSets(fit.text, t)) return true;
  }
  return false;
}

std::vector<LengthVariant> FitLengthVariants(const std::vector<CharChoice>& chars, Region region,
                                             size_t min_chars,
                                             double (*reading_confidence)(const std::vector<float>&)) {
  auto make = [&](std::vector<CharChoice> c, int dropped) {
    LengthVariant v;
    v.chars = std::move(c);
    v.fit = FitPlateSyntax(v.chars, region);
    v.dropped = dropped;
    v.matches = FitsRegionFormat(v.fit, region);
    v.confidence = reading_confidence ? reading_confidence(v.fit.char_confidence) : 0;
    return v;
  };
  std::vector<LengthVariant> out;
  out.push_back(make(chars, -1));
  const size_t n = chars.size();
  if (n < 2 || n - 1 < std::max<size_t>(min_chars, 1)) return out;
  // Positions to drop: first, last, weakest (each once).
  size_t weakest = 0;
  for (size_t i = 1; i < n; ++i) {
    if (chars[i].confidence < chars[weakest].confidence) weakest = i;
  }
  std::vector<size_t> drops = {0, n - 1};
  if (weakest != 0 && weakest != n - 1) drops.push_back(weakest);
  const LengthVariant& base = out[0];
  const bool base_current = base.fit.syntax == "gb-current";
  struct Scored {
    LengthVariant v;
    bool preferred;
    int strength;
  };
  std::vector<Scored> shorter;
  for (size_t p : drops) {
    std::vector<CharChoice> c = chars;
    c.erase(c.begin() + long(p));
    LengthVariant v = make(std::move(c), int(p));
    const float cp = chars[p].confidence;
    float rest_min = 1e9f;
    double rest_sum = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i == p) continue;
      rest_min = std::min(rest_min, chars[i].confidence);
      rest_sum += chars[i].confidence;
    }
    const double rest_mean = rest_sum / double(n - 1);
    // By far the weakest: well under every other character.
    const bool far_weakest = cp < 0.5f * rest_min;
    bool preferred = false;
    if (v.matches) {
      if (region == Region::kGb) {
        // A reading that already fits a format keeps its length unless the
        // shorter one is a current-format plate and the dropped character
        // is by far the weakest.
        const bool current = v.fit.syntax == "gb-current";
        preferred = (!base.matches && cp < 0.8 * rest_mean) || (current && !base_current && far_weakest);
      } else {
        // Generic European syntax is weak evidence: only from no layout to
        // one, and by dropping the weakest character.
        preferred = !base.matches && cp < rest_min;
      }
    }
    int strength = !v.matches ? 0 : (v.fit.syntax == "gb-current" ? 2 : 1);
    shorter.push_back({std::move(v), preferred, strength});
  }
  std::stable_sort(shorter.begin(), shorter.end(), [](const Scored& a, const Scored& b) {
    if (a.preferred != b.preferred) return a.preferred;
    if (a.strength != b.strength) return a.strength > b.strength;
    return a.v.confidence > b.v.confidence;
  });
  const bool take = !shorter.empty() && shorter[0].preferred;
  for (Scored& s : shorter) out.push_back(std::move(s.v));
  if (take) std::swap(out[0], out[1]);
  return out;
}

}  // namespace anpr
