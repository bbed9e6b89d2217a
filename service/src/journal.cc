// The journal sink for spdlog and the event fields it carries.
#include "service/journal.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <systemd/sd-journal.h>

namespace anpr::service {
namespace {

int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return LOG_DEBUG;
    case spdlog::level::info:
      return LOG_INFO;
    case spdlog::level::warn:
      return LOG_WARNING;
    case spdlog::level::err:
      return LOG_ERR;
    case spdlog::level::critical:
      return LOG_CRIT;
    default:
      return LOG_INFO;
  }
}

std::string CleanName(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_');
  }
  if (out.empty() || out[0] == '_' || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "F");
  return out;
}

// The event fields of the LogEvent() call running on this thread, read by
// the sink during that call (spdlog's default logger is synchronous: sinks
// run on the logging thread).
thread_local const std::vector<LogField>* t_event_fields = nullptr;

// spdlog sink that sends each message as one journal entry.
class JournalSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  JournalSink(std::string identifier, std::vector<LogField> program_fields, JournalSend send)
      : identifier_(std::move(identifier)), program_fields_(std::move(program_fields)), send_(std::move(send)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    // The program's fields, but an event's own value of the same name wins
    // (the journal would keep both).
    std::vector<LogField> fields;
    for (const LogField& f : program_fields_) {
      bool overridden = false;
      if (t_event_fields) {
        for (const LogField& e : *t_event_fields) overridden |= e.name == f.name;
      }
      if (!overridden) fields.push_back(f);
    }
    if (t_event_fields) fields.insert(fields.end(), t_event_fields->begin(), t_event_fields->end());
    const std::string_view text(msg.payload.data(), msg.payload.size());
    send_(JournalAssignments(identifier_, msg.level, text, fields));
  }
  void flush_() override {}

 private:
  std::string identifier_;
  std::vector<LogField> program_fields_;
  JournalSend send_;
};

void SendToJournal(const std::vector<std::string>& assignments) {
  std::vector<iovec> iov;
  iov.reserve(assignments.size());
  for (const std::string& a : assignments) iov.push_back({const_cast<char*>(a.data()), a.size()});
  // A journal that went away loses this entry only; the program goes on.
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

// Set once at start (UseJournalIfConnected), read by every LogEvent().
std::atomic<bool> g_journal_logger{false};

}  // namespace

std::vector<std::string> JournalAssignments(std::string_view identifier, spdlog::level::level_enum level,
                                            std::string_view message, const std::vector<LogField>& fields) {
  std::vector<std::string> out;
  out.reserve(3 + fields.size());
  out.push_back("MESSAGE=" + std::string(message));
  out.push_back("PRIORITY=" + std::to_string(SyslogPriority(level)));
  out.push_back("SYSLOG_IDENTIFIER=" + std::string(identifier));
  for (const LogField& f : fields) out.push_back(CleanName(f.name) + "=" + f.value);
  return out;
}

std::string WithFields(std::string_view message, const std::vector<LogField>& fields) {
  std::string out(message);
  if (fields.empty()) return out;
  out += " [";
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ' ';
    out += fields[i].name + "=" + fields[i].value;
  }
  out += ']';
  return out;
}

bool OutputIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream || !*stream) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  for (int fd : {1, 2}) {
    struct stat st {};
    if (fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino) return true;
  }
  return false;
}

bool UseJournalIfConnected(std::string identifier, std::vector<LogField> program_fields, JournalSend send) {
  if (!send) {
    if (!OutputIsJournal()) return false;
    send = SendToJournal;
  }
  auto sink = std::make_shared<JournalSink>(std::move(identifier), std::move(program_fields), std::move(send));
  auto logger = std::make_shared<spdlog::logger>("journal", std::move(sink));
  logger->set_level(spdlog::default_logger()->level());
  spdlog::set_default_logger(std::move(logger));
  g_journal_logger = true;
  return true;
}

bool LoggingToJournal() { return g_journal_logger; }

void LogEvent(spdlog::level::level_enum level, std::string_view message, const std::vector<LogField>& fields) {
  if (!g_journal_logger) {
    spdlog::log(level, "{}", WithFields(message, fields));
    return;
  }
  t_event_fields = &fields;
  spdlog::log(level, "{}", message);
  t_event_fields = nullptr;
}

}  // namespace anpr::service
