// Logs with structured fields for the journal. Under systemd the programs'
// spdlog lines reach the journal through stderr as plain text, every line
// at one priority. UseJournalIfConnected() switches the default logger to
// journald's native protocol when the program's output is the journal, so
// each entry carries its real PRIORITY, the program-wide fields (the unit
// id) and, for LogEvent(), the event's own fields (camera, read uuid), for
// `journalctl ANPR_READ_UUID=...`. Anywhere else nothing changes, and
// LogEvent() appends its fields to the text line instead.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

namespace anpr::service {

// One journal field. Journal names are A-Z, 0-9 and '_', not starting with
// '_' (those are the journal's own); JournalAssignments() makes others so.
struct LogField {
  std::string name;   // e.g. "ANPR_READ_UUID"
  std::string value;  // any text; one entry may hold line breaks
};

// The journal's "NAME=value" assignments of one entry: MESSAGE, PRIORITY
// (syslog 0-7 from the spdlog level), SYSLOG_IDENTIFIER, then `fields` in
// order, each name cleaned (upper case; other characters '_'; a leading '_'
// or digit prefixed with "F").
std::vector<std::string> JournalAssignments(std::string_view identifier, spdlog::level::level_enum level,
                                            std::string_view message, const std::vector<LogField>& fields);

// The text line LogEvent() logs where there is no journal: `message`
// followed by " [name=value name=value]" (no brackets without fields).
std::string WithFields(std::string_view message, const std::vector<LogField>& fields);

// Sends one entry's assignments; the real one is sd_journal_sendv().
using JournalSend = std::function<void(const std::vector<std::string>& assignments)>;

// True when $JOURNAL_STREAM names this process's stdout or stderr, i.e.
// systemd connected them to the journal.
bool OutputIsJournal();

// Makes the default spdlog logger send to the journal through `send`
// (default: sd_journal_sendv), as `identifier`, with `program_fields` on
// every entry. Without `send`, does so only when OutputIsJournal(), and
// returns whether it did. Call once at start, before the program's threads.
bool UseJournalIfConnected(std::string identifier, std::vector<LogField> program_fields, JournalSend send = {});

// Whether UseJournalIfConnected() made the default logger send to the
// journal.
bool LoggingToJournal();

// Logs one event (a read, a hit, a fault) through the default logger with
// its own fields: journal fields when the logger sends to the journal (a
// field named like a program field replaces it for this entry), else
// appended to the line (WithFields).
void LogEvent(spdlog::level::level_enum level, std::string_view message, const std::vector<LogField>& fields);

}  // namespace anpr::service
