// Fuzzes the plate syntax fit with arbitrary OCR character choices.
#include <cstddef>
#include <cstdint>

#include "vehicle/recognition/plate_syntax.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<anpr::CharChoice> chars;
  for (size_t i = 0; i + 2 < size && chars.size() < 32; i += 3) {
    anpr::CharChoice c;
    c.best = char(data[i]);
    c.confidence = float(data[i + 1] % 101);
    c.alternatives.emplace_back(char(data[i + 2]), float(data[i + 1] % 37));
    chars.push_back(c);
  }
  for (anpr::Region r : {anpr::Region::kGb, anpr::Region::kEu}) {
    anpr::SyntaxFit fit = anpr::FitPlateSyntax(chars, r);
    if (fit.text.size() != fit.char_confidence.size()) __builtin_trap();
    (void)anpr::ClassifyPlate(fit.text, r);
  }
  return 0;
}
