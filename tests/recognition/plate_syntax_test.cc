// Plate syntax rules: which strings are valid GB registrations, and the
// positional fixes applied to OCR character choices.
#include "vehicle/recognition/plate_syntax.h"

#include <gtest/gtest.h>

namespace anpr {
namespace {

// Per-character choices as an OCR would give them: every character read
// with `confidence`, no alternatives.
std::vector<CharChoice> Read(const std::string& text, float confidence = 90) {
  std::vector<CharChoice> out;
  for (char c : text) {
    CharChoice ch;
    ch.best = c;
    ch.confidence = confidence;
    out.push_back(ch);
  }
  return out;
}

TEST(PlateSyntax, ClassifiesGbFormats) {
  EXPECT_EQ(ClassifyPlate("AB12CDE", Region::kGb), "gb-current");
  EXPECT_EQ(ClassifyPlate("LV71XYZ", Region::kGb), "gb-current");
  EXPECT_EQ(ClassifyPlate("A123BCD", Region::kGb), "gb-prefix");
  EXPECT_EQ(ClassifyPlate("P7ABC", Region::kGb), "gb-prefix");
  EXPECT_EQ(ClassifyPlate("ABC123D", Region::kGb), "gb-suffix");
  EXPECT_EQ(ClassifyPlate("ABC1A", Region::kGb), "gb-suffix");
  EXPECT_EQ(ClassifyPlate("AIZ1234", Region::kGb), "gb-ni");
  EXPECT_EQ(ClassifyPlate("OIZ7", Region::kGb), "gb-ni");
  EXPECT_EQ(ClassifyPlate("AB1", Region::kGb), "gb-dateless");
  EXPECT_EQ(ClassifyPlate("1234AB", Region::kGb), "gb-dateless");
}

TEST(PlateSyntax, RejectsLettersNeverIssued) {
  // I, Q and Z never start a current plate; I and Q never in the random part.
  EXPECT_EQ(ClassifyPlate("IB12CDE", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("QB12CDE", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("ZB12CDE", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("AB12CDI", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("AB12QDE", Region::kGb), "none");
  // Age identifier 01 and 50 were never issued.
  EXPECT_EQ(ClassifyPlate("AB01CDE", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("AB50CDE", Region::kGb), "none");
  // Prefix year letters skip I O Q U Z; serials do not start with 0.
  EXPECT_EQ(ClassifyPlate("O123ABC", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("ABC012D", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("", Region::kGb), "none");
  EXPECT_EQ(ClassifyPlate("AB12CDEF", Region::kGb), "none");
}

TEST(PlateSyntax, PositionalFixesForGbCurrent) {
  // Digits read where letters must be, and letters where digits must be.
  SyntaxFit fit = FitPlateSyntax(Read("AB1ZC0E"), Region::kGb);
  EXPECT_EQ(fit.text, "AB12COE");
  EXPECT_EQ(fit.syntax, "gb-current");
  // A812CDE is a valid prefix plate as read: nothing to fix.
  EXPECT_EQ(FitPlateSyntax(Read("A812CDE"), Region::kGb).syntax, "gb-prefix");
  EXPECT_EQ(fit.fixes, 2);
  EXPECT_EQ(FitPlateSyntax(Read("ABI2CDE"), Region::kGb).text, "AB12CDE");
  EXPECT_EQ(FitPlateSyntax(Read("AB6SCDE"), Region::kGb).text, "AB65CDE");
  EXPECT_EQ(FitPlateSyntax(Read("ABZ1CDE"), Region::kGb).text, "AB21CDE");
  EXPECT_EQ(FitPlateSyntax(Read("AB1GCDE"), Region::kGb).text, "AB16CDE");
  EXPECT_EQ(FitPlateSyntax(Read("AB1DCDE"), Region::kGb).text, "AB10CDE");
  EXPECT_EQ(FitPlateSyntax(Read("5B12CDE"), Region::kGb).text, "SB12CDE");
  EXPECT_EQ(FitPlateSyntax(Read("AB12C8E"), Region::kGb).text, "AB12CBE");
}

TEST(PlateSyntax, AlternativeBeatsLookAlike) {
  // Position 2 read as 'S' with '9' as a close alternative: the format needs
  // a digit, and the OCR's own alternative is more likely than S->5.
  std::vector<CharChoice> chars = Read("ABS1CDE");
  chars[2].confidence = 50;
  chars[2].alternatives = {{'9', 45}};
  EXPECT_EQ(FitPlateSyntax(chars, Region::kGb).text, "AB91CDE");
}

TEST(PlateSyntax, SeenCharacterBeatsTheShapeTable) {
  // Tesseract read G, the classifier saw a 0 as its second choice: where the
  // format needs a digit, the 0 a reader saw wins over the table's G -> 6,
  // even though G -> 6 scored a little higher.
  std::vector<CharChoice> chars = Read("RK55GAO");
  chars[4].confidence = 50;
  chars[4].alternatives = {{'0', 34}};
  EXPECT_EQ(FitPlateSyntax(chars, Region::kEu).text, "RK550AO");
  // (In gb the G is where the current format wants a letter: kept.)
  EXPECT_EQ(FitPlateSyntax(chars, Region::kGb).text, "RK55GAO");
  // With no allowed character seen, the table still stands in.
  chars[4].alternatives = {{'C', 34}};
  EXPECT_EQ(FitPlateSyntax(chars, Region::kEu).text, "RK556AO");
}

TEST(PlateSyntax, NonMatchingReadIsKeptAsRead) {
  SyntaxFit fit = FitPlateSyntax(Read("XXXXXXXXX"), Region::kGb);
  EXPECT_EQ(fit.text, "XXXXXXXXX");
  EXPECT_EQ(fit.syntax, "none");
  EXPECT_EQ(fit.fixes, 0);
  ASSERT_EQ(fit.char_confidence.size(), 9u);
  EXPECT_FLOAT_EQ(fit.char_confidence[0], 90);
  SyntaxFit empty = FitPlateSyntax({}, Region::kGb);
  EXPECT_EQ(empty.text, "");
  EXPECT_EQ(empty.syntax, "none");
}

TEST(PlateSyntax, EuropeanReadsAreGenericWithLayoutHints) {
  EXPECT_EQ(ClassifyPlate("BIMMIAN", Region::kEu), "eu");
  EXPECT_EQ(ClassifyPlate("AB", Region::kEu), "none");
  // A common layout (AB123CD) puts a look-alike right ...
  SyntaxFit fit = FitPlateSyntax(Read("RK55GAO"), Region::kEu);
  EXPECT_EQ(fit.text, "RK556AO");
  EXPECT_EQ(fit.syntax, "eu");
  // ... but a reading that fits no layout is left alone.
  EXPECT_EQ(FitPlateSyntax(Read("4B39376"), Region::kEu).text, "4B39376");
  EXPECT_EQ(FitPlateSyntax(Read("WOBVWMK4"), Region::kEu).text, "WOBVWMK4");
  // Nor is a well-read character turned into a weak look-alike to fit one:
  // BS47040 would fit AB123CD only as BS470AO (4 -> A).
  EXPECT_EQ(FitPlateSyntax(Read("BS47040"), Region::kEu).text, "BS47040");
  EXPECT_EQ(FitPlateSyntax(Read("BS47040"), Region::kEu).syntax, "eu");
}

TEST(PlateSyntax, ParsesRegionNames) {
  Region r = Region::kEu;
  EXPECT_TRUE(ParseRegion("GB", &r));
  EXPECT_EQ(r, Region::kGb);
  EXPECT_TRUE(ParseRegion("eu", &r));
  EXPECT_EQ(r, Region::kEu);
  EXPECT_FALSE(ParseRegion("fr", &r));
  EXPECT_STREQ(RegionName(Region::kGb), "gb");
}

}  // namespace
}  // namespace anpr
