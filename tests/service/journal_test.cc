// Journal entries with structured fields (service/journal.h): the
// assignments sent, and the plain line where there is no journal.
#include "service/journal.h"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>
#include <string>
#include <vector>

namespace anpr::service {
namespace {

TEST(Journal, AssignmentsCarryMessagePriorityIdentifierAndCleanFieldNames) {
  const auto a = JournalAssignments("anpr-vehicle", spdlog::level::warn, "camera lost",
                                    {{"ANPR_UNIT_ID", "PATROL-01"}, {"anpr camera", "front"}, {"_PID", "1"},
                                     {"9X", "y"}});
  const std::vector<std::string> want = {"MESSAGE=camera lost", "PRIORITY=4", "SYSLOG_IDENTIFIER=anpr-vehicle",
                                         "ANPR_UNIT_ID=PATROL-01", "ANPR_CAMERA=front", "F_PID=1", "F9X=y"};
  EXPECT_EQ(a, want);
  EXPECT_EQ(JournalAssignments("x", spdlog::level::err, "m", {})[1], "PRIORITY=3");
  EXPECT_EQ(JournalAssignments("x", spdlog::level::info, "m", {})[1], "PRIORITY=6");
  EXPECT_EQ(JournalAssignments("x", spdlog::level::debug, "m", {})[1], "PRIORITY=7");
}

TEST(Journal, WithoutAJournalTheFieldsAreAppendedToTheLine) {
  EXPECT_EQ(WithFields("read r1", {}), "read r1");
  EXPECT_EQ(WithFields("read r1", {{"ANPR_CAMERA", "front"}, {"ANPR_READ_UUID", "r1"}}),
            "read r1 [ANPR_CAMERA=front ANPR_READ_UUID=r1]");
  std::ostringstream out;
  auto saved = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out)));
  ASSERT_FALSE(LoggingToJournal());
  LogEvent(spdlog::level::info, "hit high exact", {{"ANPR_READ_UUID", "u-1"}});
  spdlog::set_default_logger(saved);
  EXPECT_NE(out.str().find("hit high exact [ANPR_READ_UUID=u-1]"), std::string::npos) << out.str();
}

// Last in this file: it switches the process's default logger for good.
TEST(Journal, EveryEntryCarriesTheProgramFieldsAndAnEventItsOwn) {
  std::vector<std::vector<std::string>> sent;
  ASSERT_TRUE(UseJournalIfConnected("anpr-vehicle", {{"ANPR_UNIT_ID", "PATROL-07"}},
                                    [&](const std::vector<std::string>& a) { sent.push_back(a); }));
  EXPECT_TRUE(LoggingToJournal());
  spdlog::warn("gps lost for {} s", 12);
  LogEvent(spdlog::level::info, "read u-9 conf 91.0 camera rear",
           {{"ANPR_CAMERA", "rear"}, {"ANPR_READ_UUID", "u-9"}});
  spdlog::info("after the event");
  LogEvent(spdlog::level::warn, "camera front: reconnecting",
           {{"ANPR_UNIT_ID", "PATROL-07"}, {"ANPR_CAMERA", "front"}});
  ASSERT_EQ(sent.size(), 4u);
  // Named by the event and the program: once.
  EXPECT_EQ(sent[3], (std::vector<std::string>{"MESSAGE=camera front: reconnecting", "PRIORITY=4",
                                               "SYSLOG_IDENTIFIER=anpr-vehicle", "ANPR_UNIT_ID=PATROL-07",
                                               "ANPR_CAMERA=front"}));
  EXPECT_EQ(sent[0], (std::vector<std::string>{"MESSAGE=gps lost for 12 s", "PRIORITY=4",
                                               "SYSLOG_IDENTIFIER=anpr-vehicle", "ANPR_UNIT_ID=PATROL-07"}));
  EXPECT_EQ(sent[1], (std::vector<std::string>{"MESSAGE=read u-9 conf 91.0 camera rear", "PRIORITY=6",
                                               "SYSLOG_IDENTIFIER=anpr-vehicle", "ANPR_UNIT_ID=PATROL-07",
                                               "ANPR_CAMERA=rear", "ANPR_READ_UUID=u-9"}));
  // The event's fields were for that entry only.
  EXPECT_EQ(sent[2].size(), 4u);
}

}  // namespace
}  // namespace anpr::service
