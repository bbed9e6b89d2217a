// The hotlist CSV parser. Self-contained (only vrm.cc besides) so the fuzzer
// links it alone. Written for 5 million lines: one pass, no regex, fields are
// views into the text (only a quoted field with "" inside is copied), so the
// only allocations are the entries' own strings. Duplicates are found by
// sorting packed VRMs after the pass, not by a 5-million-node hash map.
#include "vehicle/records/hotlist.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <utility>

#include "vehicle/records/field_limits.h"
#include "vehicle/records/vrm.h"

namespace anpr {

const char* ListSourceName(ListSource s) {
  switch (s) {
    case ListSource::kPnc: return "pnc";
    case ListSource::kDvla: return "dvla";
    case ListSource::kMib: return "mib";
    case ListSource::kLocal: return "local";
    case ListSource::kOfficer: return "officer";
  }
  return "local";
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Case-insensitive equality with a lower-case ASCII word.
bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool ParsePriorityName(std::string_view text, Priority* out) {
  const std::string_view l = Trim(text);
  if (EqualsLower(l, "high")) *out = Priority::kHigh;
  else if (EqualsLower(l, "medium")) *out = Priority::kMedium;
  else if (EqualsLower(l, "low")) *out = Priority::kLow;
  else return false;
  return true;
}

// A normalised VRM (A-Z 0-9, at most kMaxHotlistVrmLength) as a number, 6
// bits a character: equal numbers are equal VRMs.
uint64_t PackVrm(std::string_view vrm) {
  uint64_t v = 0;
  for (size_t i = 0; i < vrm.size(); ++i) {
    const char c = vrm[i];
    const uint64_t code = c >= 'A' && c <= 'Z' ? static_cast<uint64_t>(c - 'A' + 1)
                                               : static_cast<uint64_t>(c - '0' + 27);
    v |= code << (6 * i);
  }
  return v;
}

std::string UnpackVrm(uint64_t v) {
  std::string s;
  for (; v != 0; v >>= 6) {
    const int code = static_cast<int>(v & 63);
    s.push_back(code <= 26 ? static_cast<char>('A' + code - 1) : static_cast<char>('0' + code - 27));
  }
  return s;
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian), Howard Hinnant's method.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

enum Column { kVrm, kPriority, kReason, kMarkers, kInfo, kMake, kModel, kColour, kValidUntil, kColumnCount };
constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "vrm", "priority", "reason", "warning_markers", "information", "make", "model", "colour",
    "valid_until"};

// Splits CSV records. Tracks the physical line each record starts on, so
// errors point at the line an editor shows.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  int line() const { return line_; }
  int record_line() const { return record_line_; }

  // Reads one record into `fields`: views into the text, or into the
  // reader's own copies of quoted fields holding "" (valid until the next
  // call). Returns false with `error` set on a malformed record (unterminated
  // quote, text after a closing quote).
  bool Next(std::vector<std::string_view>* fields, std::string* error) {
    fields->clear();
    record_line_ = line_;
    size_t unescaped = 0;  // copies used by this record
    for (;;) {
      std::string_view field;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        ++pos_;
        const size_t start = pos_;
        std::string* copy = nullptr;  // set once a "" is seen
        for (;;) {
          if (pos_ >= text_.size()) {
            *error = "unterminated quoted field";
            return false;
          }
          const char c = text_[pos_++];
          if (c == '"') {
            if (pos_ < text_.size() && text_[pos_] == '"') {
              if (!copy) {
                if (unescaped == copies_.size()) copies_.emplace_back();
                copy = &copies_[unescaped++];
                copy->assign(text_.substr(start, pos_ - 1 - start));
              }
              copy->push_back('"');
              ++pos_;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line_;
            if (copy) copy->push_back(c);
          }
        }
        field = copy ? std::string_view(*copy) : text_.substr(start, pos_ - 1 - start);
        // After a closing quote: optional spaces, then a separator or line end.
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
        if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') {
          *error = "unexpected text after a closing quote";
          return false;
        }
      } else {
        const size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
               text_[pos_] != '\r') {
          if (text_[pos_] == '"') {
            *error = "quote inside an unquoted field";
            return false;
          }
          ++pos_;
        }
        field = text_.substr(start, pos_ - start);
      }
      fields->push_back(field);
      if (pos_ >= text_.size()) return true;
      const char sep = text_[pos_++];
      if (sep == ',') continue;
      if (sep == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return true;
    }
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int record_line_ = 1;
  std::deque<std::string> copies_;  // unescaped quoted fields (stable addresses)
};

// The first field of a record that is not valid UTF-8 (its 1-based column),
// or 0 when all are.
size_t FirstNonUtf8Field(const std::vector<std::string_view>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!limits::IsValidUtf8(fields[i])) return i + 1;
  }
  return 0;
}

bool IsBlank(const std::vector<std::string_view>& fields) {
  return fields.size() == 1 && Trim(fields[0]).empty();
}

}  // namespace

bool ParseListSource(std::string_view text, ListSource* out) {
  const std::string l = Lower(Trim(text));
  for (ListSource s : {ListSource::kPnc, ListSource::kDvla, ListSource::kMib, ListSource::kLocal,
                       ListSource::kOfficer}) {
    if (l == ListSourceName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

bool ParseIso8601Utc(std::string_view text, int64_t* out_utc_s) {
  const std::string_view s = Trim(text);
  int y = 0, mo = 0, d = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDaysIn[mo - 1] || (mo == 2 && d == 29 && !leap)) return false;
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  if (s.size() == 10) {  // a date alone: valid to the end of that day (UTC)
    *out_utc_s = days * 86400 + 86399;
    return true;
  }
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
  int h = 0, mi = 0, sec = 0;
  if (!Digits(s, 11, 2, &h) || s.size() < 16 || s[13] != ':' || !Digits(s, 14, 2, &mi)) return false;
  size_t p = 16;
  if (p < s.size() && s[p] == ':') {
    if (!Digits(s, p + 1, 2, &sec)) return false;
    p += 3;
    if (p < s.size() && s[p] == '.') {  // fractional seconds: ignored
      ++p;
      const size_t frac = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      if (p == frac) return false;
    }
  }
  if (h > 23 || mi > 59 || sec > 60) return false;
  int64_t offset_s = 0;
  if (p == s.size()) return false;  // a time needs a zone: Z or +hh:mm
  if (s[p] == 'Z' || s[p] == 'z') {
    ++p;
  } else if (s[p] == '+' || s[p] == '-') {
    int oh = 0, om = 0;
    if (!Digits(s, p + 1, 2, &oh)) return false;
    size_t q = p + 3;
    if (q < s.size() && s[q] == ':') ++q;
    if (!Digits(s, q, 2, &om) || oh > 23 || om > 59) return false;
    offset_s = (oh * 3600 + om * 60) * (s[p] == '-' ? -1 : 1);
    p = q + 2;
  } else {
    return false;
  }
  if (p != s.size()) return false;
  *out_utc_s = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  return true;
}

Result<std::vector<HotlistEntry>> ParseHotlistCsv(std::string_view text,
                                                  std::string_view file_label) {
  const std::string label(file_label);
  auto fail = [&](int line, const std::string& problem) -> Status {
    return InvalidArgument(label + ":" + std::to_string(line) + ": " + problem);
  };
  CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::string error;
  // Header: the first non-blank record.
  do {
    if (reader.AtEnd()) return fail(reader.line(), "empty file: no header row");
    if (!reader.Next(&fields, &error)) return fail(reader.record_line(), error);
  } while (IsBlank(fields));
  if (const size_t bad = FirstNonUtf8Field(fields); bad != 0) {
    return fail(reader.record_line(), "field " + std::to_string(bad) + " is not valid UTF-8");
  }
  std::array<int, kColumnCount> index;
  index.fill(-1);
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string name = Lower(Trim(fields[i]));
    auto it = std::find(kColumnNames.begin(), kColumnNames.end(), name);
    if (it == kColumnNames.end()) {
      return fail(reader.record_line(), "unknown column '" + name + "' (expected vrm, priority, "
                  "reason, warning_markers, information, make, model, colour, valid_until)");
    }
    const size_t col = static_cast<size_t>(it - kColumnNames.begin());
    if (index[col] >= 0) return fail(reader.record_line(), "column '" + name + "' appears twice");
    index[col] = static_cast<int>(i);
  }
  for (int col : {kVrm, kPriority, kReason}) {
    if (index[static_cast<size_t>(col)] < 0) {
      return fail(reader.record_line(),
                  std::string("required column '") + kColumnNames[static_cast<size_t>(col)] + "' missing");
    }
  }
  const size_t columns = fields.size();

  // One entry a line at most: count the lines for an exact reservation.
  const size_t max_records = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::vector<HotlistEntry> entries;
  entries.reserve(max_records);
  // Duplicate detection after the pass: (packed VRM, line) of every entry.
  std::vector<std::pair<uint64_t, int>> seen;
  seen.reserve(max_records);
  auto field = [&](Column c) -> std::string_view {
    const int i = index[static_cast<size_t>(c)];
    return i < 0 ? std::string_view() : Trim(fields[static_cast<size_t>(i)]);
  };
  // The first problem other than a duplicate; it stops the pass.
  int error_line = 0;
  std::string problem;
  auto record_error = [&](int line, std::string p) {
    error_line = line;
    problem = std::move(p);
  };
  while (!reader.AtEnd() && error_line == 0) {
    if (!reader.Next(&fields, &error)) {
      record_error(reader.record_line(), error);
      break;
    }
    const int line = reader.record_line();
    if (IsBlank(fields)) continue;
    if (fields.size() != columns) {
      record_error(line, std::to_string(fields.size()) + " fields, the header has " + std::to_string(columns));
      break;
    }
    if (const size_t bad = FirstNonUtf8Field(fields); bad != 0) {
      record_error(line, "field " + std::to_string(bad) + " is not valid UTF-8");
      break;
    }
    HotlistEntry e;
    e.vrm = NormaliseVrm(field(kVrm));
    if (e.vrm.empty()) {
      record_error(line, "vrm '" + std::string(field(kVrm)) + "' has no letters or digits");
      break;
    }
    if (e.vrm.size() > kMaxHotlistVrmLength) {
      record_error(line, "vrm '" + e.vrm + "' is longer than " + std::to_string(kMaxHotlistVrmLength) +
                             " characters");
      break;
    }
    if (!ParsePriorityName(field(kPriority), &e.priority)) {
      record_error(line, "priority '" + std::string(field(kPriority)) + "' is not high/medium/low");
      break;
    }
    e.reason.assign(field(kReason));
    if (e.reason.empty()) {
      record_error(line, "reason is empty");
      break;
    }
    e.warning_markers.assign(field(kMarkers));
    e.information.assign(field(kInfo));
    e.make.assign(field(kMake));
    e.model.assign(field(kModel));
    e.colour.assign(field(kColour));
    std::string too_long;  // the first column over its limit
    for (Column c : {kReason, kMarkers, kInfo, kMake, kModel, kColour, kValidUntil}) {
      const size_t max_bytes = c == kReason || c == kMarkers || c == kInfo ? limits::kMaxTextBytes
                                                                           : limits::kMaxShortTextBytes;
      if (field(c).size() > max_bytes) {
        too_long = std::string(kColumnNames[static_cast<size_t>(c)]) + " is longer than " +
                   std::to_string(max_bytes) + " bytes";
        break;
      }
    }
    if (!too_long.empty()) {
      record_error(line, too_long);
      break;
    }
    const std::string_view until = field(kValidUntil);
    if (!until.empty() && !ParseIso8601Utc(until, &e.valid_until_utc_s)) {
      record_error(line, "valid_until '" + std::string(until) +
                             "' is not an ISO 8601 date (2026-12-31) or UTC time (2026-12-31T18:00:00Z)");
      break;
    }
    if (!until.empty() && e.valid_until_utc_s <= 0) {
      record_error(line, "valid_until '" + std::string(until) + "' is before 1970");
      break;
    }
    seen.emplace_back(PackVrm(e.vrm), line);
    entries.push_back(std::move(e));
  }
  // A VRM listed twice on a line before the first other problem is reported
  // first, as a line-by-line reader would: the earliest second listing,
  // naming the line of the first.
  std::sort(seen.begin(), seen.end());  // by VRM, then line
  int dup_line = 0, dup_first = 0;
  uint64_t dup_vrm = 0;
  for (size_t a = 0; a < seen.size();) {
    size_t b = a + 1;
    while (b < seen.size() && seen[b].first == seen[a].first) ++b;
    if (b - a > 1 && (dup_line == 0 || seen[a + 1].second < dup_line)) {
      dup_line = seen[a + 1].second;
      dup_first = seen[a].second;
      dup_vrm = seen[a].first;
    }
    a = b;
  }
  if (dup_line != 0) {
    return fail(dup_line, "vrm " + UnpackVrm(dup_vrm) + " already listed on line " + std::to_string(dup_first));
  }
  if (error_line != 0) return fail(error_line, problem);
  return entries;
}

void CopyEntryDetails(const HotlistEntry& entry, Hit* hit) {
  hit->reason = entry.reason;
  hit->warning_markers = entry.warning_markers;
  hit->information = entry.information;
  hit->make = entry.make;
  hit->model = entry.model;
  hit->colour = entry.colour;
}

}  // namespace anpr
