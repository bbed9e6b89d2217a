// The hotlist CSV format as a user writes it: good files load, bad files are
// refused whole with the file, line and problem named.
#include <gtest/gtest.h>

#include "vehicle/records/hotlist.h"

namespace anpr {
namespace {

TEST(HotlistCsv, LoadsRequiredAndOptionalColumnsInAnyOrder) {
  const std::string csv =
      "Reason,VRM,priority,colour,valid_until,make,information,warning_markers,model\r\n"
      "Stolen,ab12 cde,HIGH,Blue,2030-01-31,Ford,\"Stop, check \"\"driver\"\"\",FIREARMS,Focus\r\n"
      "\r\n"
      "Insurance,X9 ZZZ,low,,,,,,\r\n";
  auto r = ParseHotlistCsv(csv, "list.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  const HotlistEntry& e = (*r)[0];
  EXPECT_EQ(e.vrm, "AB12CDE");
  EXPECT_EQ(e.priority, Priority::kHigh);
  EXPECT_EQ(e.reason, "Stolen");
  EXPECT_EQ(e.information, "Stop, check \"driver\"");
  EXPECT_EQ(e.warning_markers, "FIREARMS");
  EXPECT_EQ(e.make, "Ford");
  EXPECT_EQ(e.model, "Focus");
  EXPECT_EQ(e.colour, "Blue");
  int64_t end_of_day = 0;
  ASSERT_TRUE(ParseIso8601Utc("2030-01-31T23:59:59Z", &end_of_day));
  EXPECT_EQ(e.valid_until_utc_s, end_of_day);
  EXPECT_EQ((*r)[1].vrm, "X9ZZZ");
  EXPECT_EQ((*r)[1].valid_until_utc_s, 0);
}

TEST(HotlistCsv, QuotedFieldMaySpanLines) {
  auto r = ParseHotlistCsv("vrm,priority,reason\nAB1,medium,\"two\nlines\"\nCD2,low,x\nEF3,low,y,\n",
                           "f.csv");
  ASSERT_FALSE(r.ok());
  // The third data record starts on physical line 5.
  EXPECT_EQ(r.status().message(), "f.csv:5: 4 fields, the header has 3");
}

struct BadCase {
  const char* csv;
  const char* message;
};

TEST(HotlistCsv, RefusesBadFilesNamingFileLineAndProblem) {
  const BadCase cases[] = {
      {"", "bad.csv:1: empty file: no header row"},
      {"vrm,priority\nAB1,high\n", "bad.csv:1: required column 'reason' missing"},
      {"vrm,priority,reason,colour,Colour\n", "bad.csv:1: column 'colour' appears twice"},
      {"vrm,priority,reason,speed\n", "bad.csv:1: unknown column 'speed' (expected vrm, priority, reason, "
                                      "warning_markers, information, make, model, colour, valid_until)"},
      {"vrm,priority,reason\nAB1,urgent,x\n", "bad.csv:2: priority 'urgent' is not high/medium/low"},
      {"vrm,priority,reason\nAB1,high,\n", "bad.csv:2: reason is empty"},
      {"vrm,priority,reason\n--,high,x\n", "bad.csv:2: vrm '--' has no letters or digits"},
      {"vrm,priority,reason\nABCDEFGHIJK,high,x\n", "bad.csv:2: vrm 'ABCDEFGHIJK' is longer than 10 characters"},
      {"vrm,priority,reason\nAB1,high,x\nab 1,low,y\n", "bad.csv:3: vrm AB1 already listed on line 2"},
      {"vrm,priority,reason,valid_until\nAB1,high,x,31/12/2030\n",
       "bad.csv:2: valid_until '31/12/2030' is not an ISO 8601 date (2026-12-31) or UTC time (2026-12-31T18:00:00Z)"},
      {"vrm,priority,reason\nAB1,high,\"open\n", "bad.csv:2: unterminated quoted field"},
      {"vrm,priority,reason\nAB1,high,x\"y\n", "bad.csv:2: quote inside an unquoted field"},
      {"vrm,priority,reason\nAB1,high,\"x\"y\n", "bad.csv:2: unexpected text after a closing quote"},
  };
  for (const BadCase& c : cases) {
    auto r = ParseHotlistCsv(c.csv, "bad.csv");
    ASSERT_FALSE(r.ok()) << c.csv;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

TEST(Iso8601, AcceptsDatesTimesAndOffsets) {
  int64_t s = 0;
  ASSERT_TRUE(ParseIso8601Utc("1970-01-01T00:00:00Z", &s));
  EXPECT_EQ(s, 0);
  ASSERT_TRUE(ParseIso8601Utc("2024-02-29T12:30Z", &s));
  EXPECT_EQ(s, 1709209800);
  ASSERT_TRUE(ParseIso8601Utc("2024-02-29T13:30:00+01:00", &s));
  EXPECT_EQ(s, 1709209800);
  ASSERT_TRUE(ParseIso8601Utc("2024-02-29T12:30:00.250Z", &s));
  EXPECT_EQ(s, 1709209800);
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-01-01T25:00Z", "2024-01-01T10:00", "tomorrow",
                          "2024-1-1", "2024-01-01T10:00Zjunk"}) {
    EXPECT_FALSE(ParseIso8601Utc(bad, &s)) << bad;
  }
}

TEST(ListSource, NamesRoundTrip) {
  for (ListSource s : {ListSource::kPnc, ListSource::kDvla, ListSource::kMib, ListSource::kLocal,
                       ListSource::kOfficer}) {
    ListSource back = ListSource::kLocal;
    ASSERT_TRUE(ParseListSource(ListSourceName(s), &back));
    EXPECT_EQ(back, s);
  }
  ListSource x;
  EXPECT_FALSE(ParseListSource("interpol", &x));
}

}  // namespace
}  // namespace anpr
