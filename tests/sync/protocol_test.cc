#include "sync/base64.h"
#include "sync/depot_partitions.h"
#include "sync/protocol.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

TEST(Protocol, VersionedPrefixAndDefaults) {
  EXPECT_EQ(std::string(kApiPrefix), "/api/v1");
  EXPECT_EQ(DefaultDepotPort(), 8443);
  EXPECT_GE(kMaxRequestBytes, 16u * 1024u * 1024u);  // a batch of reads with images fits
}

TEST(Protocol, ReadBatchRoundTripsEveryField) {
  Read r = testing::MakeRead("CAR1", 42, 1001);  // odd size: base64 padding
  r.position.speed_mps = 0.0 / 0.0;               // unknown stays unknown
  auto back = ParseReads(EncodeReads({r}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  const Read& b = (*back)[0];
  EXPECT_EQ(b.uuid, r.uuid);
  EXPECT_EQ(b.vrm, r.vrm);
  EXPECT_EQ(b.captured_at_utc_ms, r.captured_at_utc_ms);
  EXPECT_EQ(b.clock_source, ClockSource::kGps);
  EXPECT_FALSE(b.clock_unverified);
  r.clock_unverified = true;  // travels only when set, and comes back set
  EXPECT_TRUE((*ParseReads(EncodeReads({r})))[0].clock_unverified);
  EXPECT_EQ(b.plate_jpeg, r.plate_jpeg);
  EXPECT_EQ(b.overview_jpeg, r.overview_jpeg);
  EXPECT_EQ(b.candidates.size(), 1u);
  EXPECT_EQ(b.char_confidence.size(), r.char_confidence.size());
  EXPECT_DOUBLE_EQ(b.position.lat_deg, r.position.lat_deg);
  EXPECT_TRUE(b.position.speed_mps != b.position.speed_mps);  // NaN
  EXPECT_EQ(b.unit_id, "CAR1");
}

TEST(Protocol, MalformedBatchesNameTheRecordAndField) {
  Read r = testing::MakeRead("CAR1", 1);
  std::string good = EncodeReads({r});
  struct Case {
    std::string body, expect;
  };
  std::string bad_vrm = good;
  bad_vrm.replace(bad_vrm.find(r.vrm), r.vrm.size(), "ab 12");
  std::vector<Case> cases = {
      {"", "not valid JSON"},
      {"{\"reads\":{}}", "no \"reads\" array"},
      {"{\"reads\":[1]}", "reads[0]: not an object"},
      {bad_vrm, "reads[0].vrm"},
      {"{\"reads\":[{\"uuid\":\"0b0e6e4c-2b0e-4d4e-8f0e-0e0e0e0e0e0e\",\"vrm\":\"AB1\",\"confidence\":101}]}",
       "reads[0].confidence: out of range"},
  };
  for (const auto& c : cases) {
    auto p = ParseReads(c.body);
    ASSERT_FALSE(p.ok()) << c.body;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.expect), std::string::npos) << p.status().message();
  }
}

TEST(Protocol, HotlistCsvAcceptsQuotesAndOptionalColumnsAndNamesBadLines) {
  auto ok = ParseHotlistCsv(
      "\xEF\xBB\xBFVRM,Priority,Reason,information,valid_until\r\n"
      "ab12 cde,High,\"stolen, keys taken\",\"said \"\"armed\"\"\",2027-01-31\r\n"
      "\r\n"
      "XY51ZZZ,low,no insurance,,\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].vrm, "AB12CDE");
  EXPECT_EQ((*ok)[0].priority, Priority::kHigh);
  EXPECT_EQ((*ok)[0].reason, "stolen, keys taken");
  EXPECT_EQ((*ok)[0].information, "said \"armed\"");
  EXPECT_EQ((*ok)[0].valid_until, "2027-01-31T23:59:59Z");  // the end of that day, UTC

  struct Case {
    std::string csv, expect;
  };
  std::vector<Case> cases = {
      {"vrm,reason\nAB1,x\n", "required column 'priority'"},
      {"vrm,priority,reason\nAB1,urgent,x\n", "csv:2: priority 'urgent'"},
      {"vrm,priority,reason\nAB1,high,x\nAB 1,low,y\n", "csv:3: vrm AB1 already listed on line 2"},
      {"vrm,priority,reason\n--,high,x\n", "csv:2: vrm"},
      {"vrm,priority,reason\nAB1,high,\n", "csv:2: reason is empty"},
      {"vrm,priority,reason,colour\nAB1,high,x\n", "csv:2: 3 fields, the header has 4"},
      {"vrm,priority,reason,owner\nAB1,high,x,me\n", "unknown column 'owner'"},
      {"vrm,priority,reason,valid_until\nAB1,high,x,tomorrow\n", "valid_until"},
      {"vrm,priority,reason\nAB1,high,\"open\n", "unterminated quote"},
      {"vrm,priority,reason\nAB1,high,\xff\xfe\n", "UTF-8"},
  };
  for (const auto& c : cases) {
    auto p = ParseHotlistCsv(c.csv);
    ASSERT_FALSE(p.ok()) << c.csv;
    EXPECT_NE(p.status().message().find(c.expect), std::string::npos) << p.status().message();
  }
}

TEST(Protocol, WantedRoundTripsAndIsHeldToOneHundredDays) {
  WantedEntry w;
  w.uuid = "0b7e4c2a-1f3d-4e5a-9b8c-7d6e5f4a3b2c";
  w.unit_id = "CAR1";
  w.list_name = "officer";
  w.vrm = "KX19ABC";
  w.priority = Priority::kMedium;
  w.reason = "driver wanted";
  w.entered_by = "4711";
  w.entered_at_utc_ms = 1'800'000'000'000;
  w.valid_until_utc_ms = w.entered_at_utc_ms + 7LL * 86'400'000;
  auto back = ParseWanted(EncodeWanted({w}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].vrm, "KX19ABC");
  EXPECT_EQ((*back)[0].priority, Priority::kMedium);
  EXPECT_EQ((*back)[0].valid_until_utc_ms, w.valid_until_utc_ms);

  w.valid_until_utc_ms = w.entered_at_utc_ms + 101LL * 86'400'000;
  auto too_long = ParseWanted(EncodeWanted({w}));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("wanted[0].valid_until_utc_ms"), std::string::npos);
  w.valid_until_utc_ms = w.entered_at_utc_ms + 86'400'000;
  w.reason.clear();
  EXPECT_FALSE(ParseWanted(EncodeWanted({w})).ok()) << "a wanted plate needs a reason";
}

TEST(Protocol, Base64RejectsGarbage) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(Base64Decode("", &out));
  EXPECT_TRUE(out.empty());
  EXPECT_TRUE(Base64Decode("/9g=", &out));
  EXPECT_EQ(out, (std::vector<uint8_t>{0xFF, 0xD8}));
  for (const char* bad : {"abc", "ab=c", "a===", "!!!!", "ab c"}) EXPECT_FALSE(Base64Decode(bad, &out)) << bad;
}

// The one mapping between the car's hotlist entry and the depot's: every
// field carried, the expiry as ISO 8601 text one way and seconds the other.
TEST(Protocol, HotlistEntryMapsToTheWireAndBack) {
  anpr::HotlistEntry car{"AB12CDE", Priority::kHigh, "stolen", "armed", "stop", "Ford", "Focus", "Blue", 0};
  ASSERT_TRUE(ParseIso8601Utc("2027-01-31", &car.valid_until_utc_s));
  const WireHotlistEntry wire = ToWireHotlistEntry(car);
  EXPECT_EQ(wire.valid_until, "2027-01-31T23:59:59Z");
  EXPECT_EQ(wire.reason, "stolen");
  EXPECT_EQ(wire.colour, "Blue");
  auto back = FromWireHotlistEntry(wire);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->vrm, car.vrm);
  EXPECT_EQ(back->priority, car.priority);
  EXPECT_EQ(back->warning_markers, car.warning_markers);
  EXPECT_EQ(back->information, car.information);
  EXPECT_EQ(back->make + back->model + back->colour, car.make + car.model + car.colour);
  EXPECT_EQ(back->valid_until_utc_s, car.valid_until_utc_s);

  car.valid_until_utc_s = 0;  // no expiry travels as ""
  EXPECT_EQ(ToWireHotlistEntry(car).valid_until, "");
  EXPECT_EQ(FromWireHotlistEntry(ToWireHotlistEntry(car))->valid_until_utc_s, 0);

  WireHotlistEntry garbled = wire;
  garbled.valid_until = "next tuesday";
  auto refused = FromWireHotlistEntry(garbled);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("valid_until 'next tuesday'"), std::string::npos);
}

// The car's chained audit entry on the wire: keyed by unit and hash, the
// chain position kept in the detail.
TEST(Protocol, AuditEntryMapsToTheWire) {
  anpr::AuditEntry a;
  a.seq = 7;
  a.at_utc_ms = 1764547200000;
  a.officer = "PC123";
  a.action = "hit.outcome";
  a.detail = "confirmed";
  a.hash = std::string(64, 'c');
  const WireAuditEntry w = ToWireAudit(a, "CAR1");
  EXPECT_EQ(w.uuid, AuditUuid("CAR1", a.hash));
  EXPECT_TRUE(IsValidUuid(w.uuid));
  EXPECT_EQ(w.unit_id, "CAR1");
  EXPECT_EQ(w.actor, "PC123");
  EXPECT_EQ(w.action, "hit.outcome");
  EXPECT_EQ(w.at_utc_ms, a.at_utc_ms);
  EXPECT_EQ(w.detail, "confirmed [seq 7 hash " + a.hash + "]");
  EXPECT_FALSE(w.synced_at_utc_ms.has_value());
}

TEST(Protocol, MonthBoundariesForPartitions) {
  const int64_t t = 1763900000000;  // 2025-11-23
  EXPECT_EQ(MonthTag(t), "2025_11");
  EXPECT_EQ(MonthStartUtcMs(t), 1761955200000);      // 2025-11-01T00:00Z
  EXPECT_EQ(NextMonthStartUtcMs(t), 1764547200000);  // 2025-12-01T00:00Z
  EXPECT_EQ(MonthTag(1764547200000 - 1), "2025_11");
  EXPECT_EQ(MonthTag(1764547200000), "2025_12");
  EXPECT_EQ(NextMonthStartUtcMs(1764547200000), 1767225600000);  // 2026-01-01
}

}  // namespace
}  // namespace anpr::sync
