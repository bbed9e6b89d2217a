// Matching as the officer sees it: exact first, similar through OCR-equivalent
// characters within the list's allowance, expired entries silent, the most
// urgent list first.
#include <gtest/gtest.h>

#include "vehicle/hotlists/matcher.h"

namespace anpr {
namespace {

HotlistEntry Entry(const std::string& vrm, Priority p, int64_t valid_until_s = 0) {
  HotlistEntry e;
  e.vrm = vrm;
  e.priority = p;
  e.reason = "test";
  e.valid_until_utc_s = valid_until_s;
  return e;
}

HotlistMeta Meta(const std::string& name, int max_subs = 1, bool covert = false) {
  HotlistMeta m;
  m.name = name;
  m.max_substitutions = max_subs;
  m.covert = covert;
  m.version = 1;
  return m;
}

Read ReadOf(const std::string& vrm, std::vector<std::string> candidates = {}) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  for (auto& c : candidates) r.candidates.push_back({c, 50});
  return r;
}

constexpr int64_t kNowMs = 1'800'000'000'000;

TEST(Matcher, ClassKeyFoldsOcrConfusions) {
  EXPECT_EQ(SimilarClassKey("0DQO"), "OOOO");
  EXPECT_EQ(SimilarClassKey("1LI"), "III");
  EXPECT_EQ(SimilarClassKey("S5B8Z2G6"), "SSBBZZGG");
  EXPECT_EQ(SimilarClassKey("AXK"), "AXK");
}

TEST(Matcher, ExactThenSimilarWithinAllowance) {
  Matcher m;
  m.SetList(ListIndex::Build(Meta("stolen", 1), {Entry("AB12CDE", Priority::kHigh)}));
  auto exact = m.Match(ReadOf("AB12CDE"), kNowMs);
  ASSERT_EQ(exact.size(), 1u);
  EXPECT_EQ(exact[0].kind, MatchKind::kExact);
  EXPECT_EQ(exact[0].entry_vrm, "AB12CDE");

  auto one = m.Match(ReadOf("A812CDE"), kNowMs);  // B read as 8
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].kind, MatchKind::kSimilar);
  EXPECT_EQ(one[0].substitutions, 1);
  EXPECT_EQ(one[0].entry_vrm, "AB12CDE");

  EXPECT_TRUE(m.Match(ReadOf("A81ZCDE"), kNowMs).empty());  // two substitutions: over this list's 1
  EXPECT_TRUE(m.Match(ReadOf("AX12CDE"), kNowMs).empty());  // X is not confusable with B
  EXPECT_TRUE(m.Match(ReadOf("AB12CD"), kNowMs).empty());   // different length

  m.SetList(ListIndex::Build(Meta("stolen", 2), {Entry("AB12CDE", Priority::kHigh)}));
  auto two = m.Match(ReadOf("A81ZCDE"), kNowMs);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].substitutions, 2);
  EXPECT_TRUE(m.Match(ReadOf("A81ZC0E"), kNowMs).empty());  // three: never

  m.SetList(ListIndex::Build(Meta("stolen", 0), {Entry("AB12CDE", Priority::kHigh)}));
  EXPECT_TRUE(m.Match(ReadOf("A812CDE"), kNowMs).empty());
}

TEST(Matcher, CandidatesAreSearchedAndMarkedSimilar) {
  Matcher m;
  m.SetList(ListIndex::Build(Meta("l"), {Entry("KX55ABC", Priority::kMedium)}));
  auto r = m.Match(ReadOf("KX55A8G", {"KX55ABC"}), kNowMs);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, MatchKind::kSimilar);
  EXPECT_EQ(r[0].matched_reading, "KX55ABC");
}

TEST(Matcher, ExpiredEntriesNeverHit) {
  Matcher m;
  const int64_t now_s = kNowMs / 1000;
  m.SetList(ListIndex::Build(Meta("l"), {Entry("OLD1", Priority::kHigh, now_s - 1),
                                         Entry("NEW1", Priority::kHigh, now_s + 60)}));
  EXPECT_TRUE(m.Match(ReadOf("OLD1"), kNowMs).empty());
  EXPECT_TRUE(m.Match(ReadOf("0LD1"), kNowMs).empty());
  EXPECT_EQ(m.Match(ReadOf("NEW1"), kNowMs).size(), 1u);
  EXPECT_TRUE(m.Match(ReadOf("NEW1"), (now_s + 60) * 1000).empty());
}

TEST(Matcher, SeveralListsHighestPriorityFirst) {
  Matcher m;
  m.SetList(ListIndex::Build(Meta("a-local"), {Entry("AB12CDE", Priority::kLow)}));
  m.SetList(ListIndex::Build(Meta("b-pnc"), {Entry("AB12CDE", Priority::kHigh)}));
  m.SetList(ListIndex::Build(Meta("c-mib"), {Entry("A812CDE", Priority::kMedium)}));
  m.SetList(ListIndex::Build(Meta("d-covert", 1, true), {Entry("AB12CDE", Priority::kMedium)}));
  auto r = m.Match(ReadOf("AB12CDE"), kNowMs);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].list_name, "b-pnc");
  EXPECT_EQ(r[0].priority, Priority::kHigh);
  EXPECT_EQ(r[1].list_name, "d-covert");  // medium exact before medium similar
  EXPECT_TRUE(r[1].covert);
  EXPECT_EQ(r[2].list_name, "c-mib");
  EXPECT_EQ(r[2].kind, MatchKind::kSimilar);
  EXPECT_EQ(r[3].priority, Priority::kLow);
}

TEST(Matcher, DeltaAddsRemovesAndReplaces) {
  auto base = ListIndex::Build(Meta("l"), {Entry("AAA1", Priority::kLow), Entry("BBB2", Priority::kLow)});
  HotlistDelta d;
  d.base_version = 1;
  d.new_version = 2;
  d.adds = {Entry("CCC3", Priority::kHigh), Entry("BBB2", Priority::kHigh)};
  d.removes = {"AAA1"};
  auto next = base->WithDelta(d);
  EXPECT_EQ(next->meta().version, 2);
  EXPECT_EQ(next->size(), 2u);
  Matcher m;
  m.SetList(next);
  EXPECT_TRUE(m.Match(ReadOf("AAA1"), kNowMs).empty());
  ASSERT_EQ(m.Match(ReadOf("BBB2"), kNowMs).size(), 1u);
  EXPECT_EQ(m.Match(ReadOf("BBB2"), kNowMs)[0].priority, Priority::kHigh);
  EXPECT_EQ(m.Match(ReadOf("CCC3"), kNowMs).size(), 1u);
  // The old version is untouched (a lookup holding it finishes on it).
  EXPECT_EQ(base->size(), 2u);
}

TEST(Matcher, ManyEntriesStayFindable) {
  std::vector<HotlistEntry> entries;
  for (int i = 0; i < 50000; ++i) {
    char vrm[16];
    std::snprintf(vrm, sizeof vrm, "AA%05dX", i);
    entries.push_back(Entry(vrm, Priority::kMedium));
  }
  Matcher m;
  m.SetList(ListIndex::Build(Meta("big"), entries));
  for (int i = 0; i < 50000; i += 997) {
    char vrm[16];
    std::snprintf(vrm, sizeof vrm, "AA%05dX", i);
    auto r = m.Match(ReadOf(vrm), kNowMs);
    ASSERT_FALSE(r.empty()) << vrm;
    EXPECT_EQ(r[0].entry_vrm, vrm);
    EXPECT_EQ(r[0].kind, MatchKind::kExact);
  }
  EXPECT_LT(m.List("big")->memory_bytes(), 50000u * 24);
}

}  // namespace
}  // namespace anpr
