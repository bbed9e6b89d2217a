// Issue 13, item 4: evidence an officer can verify on the Hit screen. The
// read VRM and the listed VRM in the same large font, column over column,
// with the differing characters marked; the plate patch at least 40% of the
// screen wide; the overview opened full screen by a tap, closed by another;
// instructions too long for their place opened in full, never cut off.
#include "hmi/model.h"

#include <gtest/gtest.h>

#include "hmi/src/model_internal.h"
#include "tests/hmi/hmi_test_util.h"
#include "tests/hmi/model_test_fixture.h"

namespace anpr::hmi {
namespace {

using internal::AlignVrms;
using namespace testing;  // NOLINT: anpr::hmi::testing, the fakes and fixtures of tests/hmi

// The cells of one row ("hit.vrm" or "hit.entry_vrm"), by column index.
std::map<int, const Element*> Cells(const Scene& s, const std::string& row) {
  std::map<int, const Element*> out;
  const std::string prefix = row + ".char.";
  for (const Element& e : s.elements)
    if (e.id.rfind(prefix, 0) == 0) out[std::stoi(e.id.substr(prefix.size()))] = &e;
  return out;
}

TEST(AlignVrms, ColumnsLineUpWithOneGapAndTheDifferencesMarked) {
  // The case: the read spaced, the listed mark not (its O is no digit).
  auto cols = AlignVrms("GF20MHU", "GF2OMHU");
  ASSERT_EQ(cols.size(), 8u);
  EXPECT_TRUE(cols[4].gap);
  std::string read, listed, diff;
  for (const auto& c : cols) {
    read += c.gap ? ' ' : c.read;
    listed += c.gap ? ' ' : c.listed;
    diff += c.differs() ? '^' : ' ';
  }
  EXPECT_EQ(read, "GF20 MHU");
  EXPECT_EQ(listed, "GF2O MHU");
  EXPECT_EQ(diff, "   ^    ");
  // Different lengths: aligned by the fewest edits, the missing character a hole.
  cols = AlignVrms("AB12CDE", "AB12CD");
  ASSERT_EQ(cols.size(), 8u);
  EXPECT_EQ(cols[7].read, 'E');
  EXPECT_EQ(cols[7].listed, 0);
  EXPECT_TRUE(cols[7].differs());
  cols = AlignVrms("A1", "A1");
  EXPECT_EQ(cols.size(), 2u) << "no gap in a mark printed unspaced";
}

TEST_F(ModelTest, ReadAndListedVrmShareOneLargeFontColumnByColumn) {
  LogIn(model);
  Read r = MakeRead("GF20MHU");
  Hit h = MakeHit(r, Priority::kMedium, MatchKind::kSimilar);
  h.entry_vrm = "GF2OMHU";
  model.AddHit(h, r);
  const Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("hit.vrm")->text, "GF20 MHU");
  EXPECT_EQ(s.FindId("hit.entry_vrm")->text, "GF2O MHU");
  const auto read = Cells(s, "hit.vrm"), listed = Cells(s, "hit.entry_vrm");
  ASSERT_EQ(read.size(), 7u);
  ASSERT_EQ(listed.size(), 7u);
  for (const auto& [i, rc] : read) {
    SCOPED_TRACE(i);
    const Element* lc = listed.at(i);
    EXPECT_EQ(rc->rect.x, lc->rect.x) << "columns line up";
    EXPECT_EQ(rc->rect.w, lc->rect.w);
    EXPECT_EQ(rc->font_px, lc->font_px) << "one font for both";
    EXPECT_TRUE(rc->mono && lc->mono && rc->bold && lc->bold);
    EXPECT_GE(rc->font_px, 48) << "large: the old list VRM was 24 px beside a 60 px read";
    const bool differs = i == 3;
    EXPECT_EQ(rc->text, std::string(1, "GF20 MHU"[size_t(i)]));
    // A differing column is marked in both rows; the others are not.
    EXPECT_EQ(rc->fill.a != 0, differs);
    EXPECT_EQ(lc->fill.a != 0, differs);
    if (differs) {
      EXPECT_EQ(rc->fill, lc->fill);
      EXPECT_NE(rc->text_colour, model.BuildScene().FindId("hit.vrm.char.0")->text_colour);
    }
  }
  EXPECT_EQ(listed.at(3)->text, "O");
  EXPECT_EQ(read.at(3)->text, "0");
}

TEST(HitEvidence, PlatePatchIsAtLeastFortyPercentOfTheScreenWide) {
  for (auto [w, h] : {std::pair{800, 480}, std::pair{1280, 800}, std::pair{1024, 600}}) {
    LoggedInModel at_size(w, h);
    HmiModel& m = at_size.model;
    const Read r = MakeRead("AB12CDE");
    m.AddHit(MakeHit(r, Priority::kHigh), r);
    const Scene s = m.BuildScene();
    const Element* patch = s.FindId("hit.patch");
    ASSERT_NE(patch, nullptr);
    ASSERT_NE(patch->image, nullptr);
    // The image is drawn to fit its box keeping its aspect: the drawn width.
    const double scale = std::min(double(patch->rect.w) / patch->image->cols,
                                  double(patch->rect.h) / patch->image->rows);
    EXPECT_GE(patch->image->cols * scale, 0.4 * w) << w << "x" << h;
    EXPECT_LE(patch->rect.x + patch->rect.w, w);
    EXPECT_LE(patch->rect.y + patch->rect.h, s.FindAction("hit.confirmed")->rect.y) << "clear of the buttons";
  }
}

TEST_F(ModelTest, TappingTheOverviewOpensItFullScreenAndTappingAgainClosesIt) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  model.AddHit(MakeHit(r, Priority::kHigh), r);
  Settle();
  Tap(model, "hit.overview");
  ASSERT_TRUE(model.overview_open());
  Scene s = model.BuildScene();
  const Element* full = s.FindId("hit.overview.full");
  ASSERT_NE(full, nullptr);
  ASSERT_NE(full->image, nullptr);
  EXPECT_EQ(full->rect.w, 800);
  EXPECT_GE(full->rect.h, 400);
  EXPECT_EQ(s.FindAction("hit.confirmed"), nullptr) << "nothing to answer by mistake under it";
  ASSERT_NE(s.FindId("status.clock"), nullptr) << "the status bar stays";
  // A tap on the picture where CONFIRMED was closes it and answers nothing.
  model.PointerDown(100, 440);
  model.PointerUp(100, 440);
  EXPECT_FALSE(model.overview_open());
  EXPECT_NE(model.BuildScene().FindAction("hit.confirmed"), nullptr);
  PastUndo();
  EXPECT_TRUE(actions.outcomes.empty());
  // A more urgent hit taking the screen closes it.
  Tap(model, "hit.notseen");
  const Read r2 = MakeRead("XY51ABC"), r3 = MakeRead("HI99GHH");
  model.AddHit(MakeHit(r2, Priority::kLow), r2);
  Settle();
  Tap(model, "hit.overview");
  ASSERT_TRUE(model.overview_open());
  model.AddHit(MakeHit(r3, Priority::kHigh), r3);
  EXPECT_FALSE(model.overview_open());
  EXPECT_EQ(model.BuildScene().FindId("hit.overview.full"), nullptr);
}

TEST_F(ModelTest, LongInstructionsOpenInFullInsteadOfBeingCutOff) {
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  Hit h = MakeHit(r, Priority::kHigh);
  h.information = "Do not stop alone. Follow at a distance, report location and request armed support.";
  model.AddHit(h, r);
  Settle();
  Scene s = model.BuildScene();
  EXPECT_EQ(s.FindId("hit.information"), nullptr);
  Tap(model, "hit.details");
  s = model.BuildScene();
  ASSERT_NE(s.FindId("hit.information"), nullptr);
  EXPECT_EQ(s.FindId("hit.information")->text, h.information);
  const Element* info = s.FindId("hit.information");
  EXPECT_LE(info->rect.y + info->rect.h, s.FindAction("hit.confirmed")->rect.y);
  Tap(model, "hit.details.close");
  EXPECT_FALSE(model.details_open());
  // Short instructions are shown in place.
  Tap(model, "hit.notseen");
  const Read r2 = MakeRead("XY51ABC");
  Hit h2 = MakeHit(r2, Priority::kLow);
  h2.information = "Advise and report.";
  model.AddHit(h2, r2);
  EXPECT_EQ(model.BuildScene().FindId("hit.information")->text, "Advise and report.");
}

// Issue 13: "Warning markers (FIREARMS, VIOLENT) are hidden while moving";
// they show as symbols. Stationary: a symbol and the word for each; moving:
// the symbols alone, nothing to read.
TEST_F(ModelTest, WarningMarkersShowAsSymbolsMovingAndWithTheirWordsStationary) {
  EXPECT_EQ(MarkerSymbol("Firearms"), Symbol::kCrosshair);
  EXPECT_EQ(MarkerSymbol("WEAPONS"), Symbol::kCrosshair);
  EXPECT_EQ(MarkerSymbol("VIOLENT"), Symbol::kBurst);
  EXPECT_EQ(MarkerSymbol("DRUGS"), Symbol::kWarning);
  LogIn(model);
  const Read r = MakeRead("AB12CDE");
  Hit h = MakeHit(r, Priority::kHigh);
  h.warning_markers = "FIREARMS, VIOLENT; DRUGS";
  model.AddHit(h, r);
  Scene s = model.BuildScene();
  const Symbol want[3] = {Symbol::kCrosshair, Symbol::kBurst, Symbol::kWarning};
  const char* words[3] = {"FIREARMS", "VIOLENT", "DRUGS"};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const Element* sym = s.FindId("hit.marker." + std::to_string(i));
    ASSERT_NE(sym, nullptr);
    EXPECT_EQ(sym->symbol, want[i]);
    ASSERT_NE(s.FindId("hit.marker.text." + std::to_string(i)), nullptr);
    EXPECT_EQ(s.FindId("hit.marker.text." + std::to_string(i))->text, words[i]);
  }
  Drive(13.4);
  s = model.BuildScene();
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const Element* sym = s.FindId("hit.marker." + std::to_string(i));
    ASSERT_NE(sym, nullptr) << "shown while moving";
    EXPECT_EQ(sym->symbol, want[i]);
    EXPECT_EQ(sym->font_px, 0) << "a symbol, no words";
    EXPECT_EQ(s.FindId("hit.marker.text." + std::to_string(i)), nullptr);
  }
  EXPECT_EQ(s.FindId("hit.warnings"), nullptr) << "the words stay hidden while moving";
}

}  // namespace
}  // namespace anpr::hmi
