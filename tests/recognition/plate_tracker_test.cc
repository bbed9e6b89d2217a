// The tracker's early read and its revision (issue 16, item 4): a pass is
// read while still in view once its vote is sure; when the vote over all its
// frames reads otherwise as it leaves view, one revision follows, under the
// same pass id. Observations are built by hand so each test controls what
// every frame read and how sure the reader was.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/plate_tracker.h"

namespace anpr {
namespace {

const cv::Rect kHere(600, 300, 140, 32);

// One frame's reading of `text` at `box`, every character read at
// `char_confidence`; its patch is filled with `mark`, so a test can tell
// which frame's picture a read kept.
PlateObservation Seen(const std::string& text, float char_confidence, int mark = 0, const cv::Rect& box = kHere) {
  PlateObservation o;
  o.text = text;
  o.confidence = char_confidence;
  o.syntax = ClassifyPlate(text, Region::kGb);
  o.box = box;
  for (char c : text) {
    CharChoice ch;
    ch.best = c;
    ch.confidence = char_confidence;
    o.chars.push_back(ch);
  }
  o.patch = cv::Mat(32, 140, CV_8UC3, cv::Scalar::all(mark));
  return o;
}

int MarkOf(const cv::Mat& m) { return m.empty() ? -1 : int(m.at<cv::Vec3b>(0, 0)[0]); }

// Feeds a tracker frames 100 ms apart and collects what it says.
struct Drive {
  PlateTracker tracker{Region::kGb};
  int64_t t_ms = 0;
  std::vector<PassRead> reads;

  // `frames` frames that each see `o`; returns the reads they made.
  std::vector<PassRead> See(const PlateObservation& o, int frames) {
    std::vector<PassRead> made;
    for (int i = 0; i < frames; ++i) {
      auto got = tracker.Update(t_ms += 100, {o});
      made.insert(made.end(), got.begin(), got.end());
    }
    reads.insert(reads.end(), made.begin(), made.end());
    return made;
  }
  // A second with nothing in view: the plate has left. Returns the reads made.
  std::vector<PassRead> Leave() {
    std::vector<PassRead> made;
    for (int i = 0; i < 10; ++i) {
      auto got = tracker.Update(t_ms += 100, {});
      made.insert(made.end(), got.begin(), got.end());
    }
    reads.insert(reads.end(), made.begin(), made.end());
    return made;
  }
};

// One character the reader is unsure of in every frame (45 of 100): never
// the 80 bar, but four frames reading the same whole registration read it
// early, at the fourth frame; three are not enough.
TEST(PlateTracker, FourFramesReadingTheSameRegistrationReadItEarly) {
  PlateObservation unsure = Seen("AB12CDE", 95);
  unsure.chars[4].confidence = 45;
  Drive d;
  EXPECT_TRUE(d.See(unsure, 3).empty());
  const std::vector<PassRead> fourth = d.See(unsure, 1);
  ASSERT_EQ(fourth.size(), 1u);
  EXPECT_TRUE(fourth[0].early);
  EXPECT_EQ(fourth[0].vrm, "AB12CDE");
  EXPECT_EQ(fourth[0].frames, 4);
}

// Of the last five frames one may read otherwise (a misread character), and
// the other four agreeing read the pass early; two reading otherwise, or a
// character below the agreement floor (35 < 40): not early, read when the
// plate leaves.
TEST(PlateTracker, AgreementNeedsFourOfTheLastFiveAndNoCharacterBelowForty) {
  PlateObservation unsure = Seen("AB12CDE", 95);
  unsure.chars[4].confidence = 65;
  PlateObservation other = Seen("AB12CDF", 95);
  other.chars[4].confidence = 65;
  Drive d;
  EXPECT_TRUE(d.See(unsure, 2).empty());
  EXPECT_TRUE(d.See(other, 1).empty());
  EXPECT_TRUE(d.See(unsure, 1).empty()) << "three of four frames agree";
  const std::vector<PassRead> fifth = d.See(unsure, 1);
  ASSERT_EQ(fifth.size(), 1u) << "four of the last five read AB12CDE";
  EXPECT_TRUE(fifth[0].early);
  EXPECT_EQ(fifth[0].vrm, "AB12CDE");

  Drive two;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(two.See(unsure, 1).empty());
    EXPECT_TRUE(two.See(other, 1).empty()) << "two or more of the last five read AB12CDF";
  }

  PlateObservation doubtful = Seen("XY34ZZZ", 95, 0, cv::Rect(100, 500, 140, 32));
  doubtful.chars[2].confidence = 35;
  Drive e;
  EXPECT_TRUE(e.See(doubtful, 8).empty()) << "a character at 35 is below the agreement floor";
  const std::vector<PassRead> left = e.Leave();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_FALSE(left[0].early);
}

// A far plate is read in part and whole in turns (the detector finds one
// character group in some frames): the part, sure as it is and a valid
// registration on its own, is never read early; the whole is, once four of
// the last five frames read it.
TEST(PlateTracker, APlateReadInPartAndWholeInTurnsIsReadWhole) {
  ASSERT_NE(ClassifyPlate("AB12", Region::kGb), "none") << "the part must be a valid registration for this test";
  PlateObservation part = Seen("AB12", 99);
  PlateObservation whole = Seen("AB12CDE", 95);
  whole.chars[4].confidence = 60;
  Drive d;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(d.See(part, 1).empty()) << "frame " << 2 * i;
    EXPECT_TRUE(d.See(whole, 1).empty()) << "frame " << 2 * i + 1;
  }
  std::vector<PassRead> made = d.See(whole, 3);
  ASSERT_EQ(made.size(), 1u);
  EXPECT_TRUE(made[0].early);
  EXPECT_EQ(made[0].vrm, "AB12CDE");
}

// One frame reads a spurious extra character (IAB12CDE: the border read as
// I): once it is five frames back, the sure frames read the pass early. A
// longer reading in two frames is the rest of the plate, and holds the
// shorter one back.
TEST(PlateTracker, OneFramesSpuriousLongerReadingDoesNotBlockTheEarlyRead) {
  Drive d;
  EXPECT_TRUE(d.See(Seen("AB12CDE", 90), 2).empty());
  EXPECT_TRUE(d.See(Seen("IAB12CDE", 90), 1).empty());
  EXPECT_TRUE(d.See(Seen("AB12CDE", 90), 4).empty()) << "the longer reading is among the last five";
  const std::vector<PassRead> sure = d.See(Seen("AB12CDE", 90), 1);
  ASSERT_EQ(sure.size(), 1u);
  EXPECT_TRUE(sure[0].early);
  EXPECT_EQ(sure[0].vrm, "AB12CDE");

  Drive e;
  EXPECT_TRUE(e.See(Seen("AB12CDEF", 90), 2).empty());
  EXPECT_TRUE(e.See(Seen("AB12CDE", 90), 3).empty()) << "a longer reading seen twice: not certain";
}

// One frame reads a character inserted inside the plate (AB122CDE: a glyph
// read twice). AB12CDE is no part of that reading, so it does not hold the
// sure frames back even while it is among the last five: read at the third
// frame, as if that frame had read nothing. The same frame reading AB12CDEX
// (AB12CDE could be the start of it) holds them back.
TEST(PlateTracker, ALongerReadingWithACharacterInsertedInsideDoesNotHoldTheReadBack) {
  Drive d;
  EXPECT_TRUE(d.See(Seen("AB12CDE", 90), 1).empty());
  EXPECT_TRUE(d.See(Seen("AB122CDE", 90), 1).empty());
  const std::vector<PassRead> sure = d.See(Seen("AB12CDE", 90), 1);
  ASSERT_EQ(sure.size(), 1u);
  EXPECT_TRUE(sure[0].early);
  EXPECT_EQ(sure[0].vrm, "AB12CDE");

  Drive e;
  EXPECT_TRUE(e.See(Seen("AB12CDE", 90), 1).empty());
  EXPECT_TRUE(e.See(Seen("AB12CDEX", 90), 1).empty());
  EXPECT_TRUE(e.See(Seen("AB12CDE", 90), 3).empty()) << "AB12CDE could be a part of AB12CDEX";
}

// Three sure frames read AB12CDE early; four later frames, as sure, read
// AB12CDF. When the plate leaves, the vote over all seven says AB12CDF: a
// revision of the early read, same pass, picture of an AB12CDF frame.
TEST(PlateTracker, EarlyReadIsRevisedWhenLaterFramesOutvoteIt) {
  Drive d;
  const std::vector<PassRead> early = d.See(Seen("AB12CDE", 90, 10), 3);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_TRUE(early[0].early);
  EXPECT_FALSE(early[0].revision);
  EXPECT_EQ(early[0].vrm, "AB12CDE");
  EXPECT_EQ(early[0].frames, 3);

  EXPECT_TRUE(d.See(Seen("AB12CDF", 90, 20), 4).empty()) << "nothing is said while the plate is in view";
  const std::vector<PassRead> later = d.Leave();
  ASSERT_EQ(later.size(), 1u);
  const PassRead& rev = later[0];
  EXPECT_TRUE(rev.revision);
  EXPECT_FALSE(rev.early);
  EXPECT_EQ(rev.vrm, "AB12CDF");
  EXPECT_EQ(rev.revises_vrm, "AB12CDE");
  EXPECT_EQ(rev.pass_id, early[0].pass_id);
  EXPECT_NE(rev.pass_id, 0u);
  EXPECT_EQ(rev.frames, 7);
  EXPECT_EQ(rev.first_seen_ms, early[0].first_seen_ms);
  EXPECT_EQ(rev.last_seen_ms, 700);
  EXPECT_NE(rev.syntax, "none");
  EXPECT_EQ(MarkOf(rev.patch), 20) << "the picture shows the revised reading";
}

// Two later frames disagree on the last character, then three agree again:
// the vote over all frames still reads AB12CDE, so the early read stands
// and nothing more is said.
TEST(PlateTracker, NoRevisionWhenTheFinalVoteAgrees) {
  Drive d;
  ASSERT_EQ(d.See(Seen("AB12CDE", 90), 3).size(), 1u);
  d.See(Seen("AB12CDF", 90), 2);
  d.See(Seen("AB12CDE", 85), 3);
  d.Leave();
  ASSERT_EQ(d.reads.size(), 1u);
  EXPECT_TRUE(d.reads[0].early);
  EXPECT_EQ(d.reads[0].vrm, "AB12CDE");
}

// As the vehicle turns away only the plate's first group is read, in more
// frames than the whole plate was: "AB12" (a valid dateless registration on
// its own) wins the vote by length. A part of the early reading does not
// revise it.
TEST(PlateTracker, NoRevisionWhenLaterFramesReadOnlyPartOfThePlate) {
  ASSERT_NE(ClassifyPlate("AB12", Region::kGb), "none") << "the part must be a valid reading for this test to test";
  Drive d;
  ASSERT_EQ(d.See(Seen("AB12CDE", 90), 3).size(), 1u);
  const cv::Rect front_group(kHere.x, kHere.y, kHere.width / 2, kHere.height);
  d.See(Seen("AB12", 95, 0, front_group), 5);
  d.Leave();
  ASSERT_EQ(d.reads.size(), 1u);
  EXPECT_EQ(d.reads[0].vrm, "AB12CDE");
  EXPECT_FALSE(d.reads[0].revision);
}

// The early read voted five frames: two read only the plate's first group
// "AB12" (far away), three read AB12CDE. Then a van's lettering passes in
// front, read VAN123 (a valid dateless registration) in four frames: the
// most frequent length, so the final vote reads VAN123, but from fewer
// frames than the early read voted. That does not revise it.
TEST(PlateTracker, NoRevisionFromFewerFramesThanTheEarlyRead) {
  ASSERT_NE(ClassifyPlate("VAN123", Region::kGb), "none") << "the lettering must be a valid reading for this test to test";
  Drive d;
  const cv::Rect front_group(kHere.x, kHere.y, kHere.width / 2, kHere.height);
  EXPECT_TRUE(d.See(Seen("AB12", 90, 0, front_group), 2).empty());
  const std::vector<PassRead> early = d.See(Seen("AB12CDE", 90), 3);
  ASSERT_EQ(early.size(), 1u);
  ASSERT_EQ(early[0].frames, 5);
  d.See(Seen("VAN123", 95), 4);
  d.Leave();
  ASSERT_EQ(d.reads.size(), 1u);
  EXPECT_EQ(d.reads[0].vrm, "AB12CDE");
}

// Later frames, more of them, read ten characters (the plate and the
// dealer's name under it): no plate has that syntax, so the reading does not
// revise the early one.
TEST(PlateTracker, NoRevisionToAReadingOfNoPlateSyntax) {
  Drive d;
  ASSERT_EQ(d.See(Seen("AB12CDE", 90), 3).size(), 1u);
  d.See(Seen("AB12CDEFGH", 90), 4);
  d.Leave();
  ASSERT_EQ(d.reads.size(), 1u);
  EXPECT_EQ(d.reads[0].vrm, "AB12CDE");
}

// Every read has a pass id: the early read and its revision share one;
// other passes have their own.
TEST(PlateTracker, PassIdsAreSharedByARevisionAndDistinctAcrossPasses) {
  Drive d;
  d.See(Seen("AB12CDE", 90), 3);
  d.See(Seen("AB12CDF", 90), 4);
  d.Leave();
  // A second vehicle, read when it leaves view (its frames are not sure).
  d.See(Seen("XY61KLM", 70, 0, cv::Rect(200, 400, 140, 32)), 5);
  d.Leave();
  // A third, read early and not revised.
  d.See(Seen("PQ19RST", 92, 0, cv::Rect(900, 200, 140, 32)), 5);
  d.Leave();
  ASSERT_EQ(d.reads.size(), 4u);
  EXPECT_EQ(d.reads[0].vrm, "AB12CDE");
  EXPECT_EQ(d.reads[1].vrm, "AB12CDF");
  EXPECT_TRUE(d.reads[1].revision);
  EXPECT_EQ(d.reads[2].vrm, "XY61KLM");
  EXPECT_EQ(d.reads[3].vrm, "PQ19RST");
  EXPECT_EQ(d.reads[0].pass_id, d.reads[1].pass_id);
  std::set<uint64_t> ids;
  for (const PassRead& r : d.reads) {
    EXPECT_NE(r.pass_id, 0u) << r.vrm;
    ids.insert(r.pass_id);
  }
  EXPECT_EQ(ids.size(), 3u) << "three passes, three ids";
}

// The stream ends while the plate is still in view: Flush says the revision.
TEST(PlateTracker, FlushSaysTheRevision) {
  Drive d;
  const std::vector<PassRead> early = d.See(Seen("AB12CDE", 90), 3);
  ASSERT_EQ(early.size(), 1u);
  d.See(Seen("AB12CDF", 90), 4);
  const std::vector<PassRead> rest = d.tracker.Flush();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_TRUE(rest[0].revision);
  EXPECT_EQ(rest[0].vrm, "AB12CDF");
  EXPECT_EQ(rest[0].revises_vrm, "AB12CDE");
  EXPECT_EQ(rest[0].pass_id, early[0].pass_id);
  EXPECT_EQ(rest[0].read_at_ms, 700) << "read as of the last frame seen";
}

// A revision is said even when its reading repeats a read made just before
// (the same vehicle, read AB12CDF a moment ago elsewhere in the frame, then
// picked up again and misread early): the early read was said, so its
// correction must be too. Afterwards, the revised reading counts for the
// repeat checks: the same plate seen again at once is not a new pass.
TEST(PlateTracker, RevisionIsNotSwallowedAsARepeatAndIsRemembered) {
  Drive d;
  d.See(Seen("AB12CDF", 70, 0, cv::Rect(200, 400, 140, 32)), 3);  // not early: read as it leaves
  ASSERT_EQ(d.Leave().size(), 1u);
  ASSERT_EQ(d.See(Seen("AB12CDE", 90), 3).size(), 1u);
  d.See(Seen("AB12CDF", 90), 4);
  const std::vector<PassRead> later = d.Leave();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_TRUE(later[0].revision);
  EXPECT_EQ(later[0].vrm, "AB12CDF");

  // A fresh tracker history: one pass read early and revised, then the
  // revised plate seen again 1 s later at another place.
  Drive e;
  e.See(Seen("AB12CDE", 90), 3);
  e.See(Seen("AB12CDF", 90), 4);
  ASSERT_EQ(e.Leave().size(), 1u);
  e.See(Seen("AB12CDF", 70, 0, cv::Rect(200, 400, 140, 32)), 4);
  EXPECT_TRUE(e.Leave().empty()) << "the revised reading, seen again within the repeat window, is the same pass";
  ASSERT_EQ(e.reads.size(), 2u);
}

}  // namespace
}  // namespace anpr
