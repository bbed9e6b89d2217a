// The console's page frame and its Fleet, Hits, Hotlists and Audit pages.
#include <algorithm>
#include <ctime>
#include <set>

#include "sync/protocol.h"
#include "sync/src/console_html.h"
#include "vehicle/records/field_limits.h"

namespace anpr::sync::console {

std::string Esc(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o.push_back(ch);
    }
  }
  return o;
}

std::string Time(int64_t utc_ms) {
  if (utc_ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(utc_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

bool ParseTime(const std::string& text, int64_t* utc_ms) {
  std::tm tm{};
  int sec = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &sec) < 5)
    return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  if (t < 0) return false;
  *utc_ms = static_cast<int64_t>(t) * 1000;
  return true;
}

std::string CsrfField(const PageContext& c) {
  return "<input type=hidden name=csrf value=\"" + Esc(c.session.csrf_token) + "\">";
}

std::string Page(const PageContext& c, const std::string& title, const std::string& here, const std::string& body) {
  struct Item {
    const char* path;
    const char* label;
    std::set<ConsoleRole> roles;
  };
  const Item items[] = {
      {"/console/fleet", "Fleet", {ConsoleRole::kAdmin, ConsoleRole::kInvestigator}},
      {"/console/reads", "Reads", {ConsoleRole::kInvestigator}},
      {"/console/hits", "Hits", {ConsoleRole::kInvestigator}},
      {"/console/hotlists", "Hotlists", {ConsoleRole::kAdmin}},
      {"/console/audit", "Audit", {ConsoleRole::kAuditor}},
  };
  std::string nav;
  for (const auto& i : items)
    if (i.roles.count(c.session.role))
      nav += std::string("<a href=") + i.path + (here == i.path ? " class=here" : "") + ">" + i.label + "</a>";
  return "<!doctype html><html lang=en><head><meta charset=utf-8><title>" + Esc(title) +
         " - ANPR depot</title><link rel=stylesheet href=/console/static/console.css>"
         "<script src=/console/static/console.js defer></script></head><body><header>" +
         nav + "<span class=who id=who>" + Esc(c.session.user) + " (" + ConsoleRoleName(c.session.role) +
         ")</span><form method=post action=/console/logout>" + CsrfField(c) +
         "<button type=submit id=logout>Log out</button></form></header><main><h1>" + Esc(title) + "</h1>" + body +
         "</main></body></html>";
}

void SendHtml(httplib::Response& res, int status, const std::string& html, const std::string& tile_url) {
  res.status = status;
  std::string img = "'self' data:";
  // A configured tile server: its origin only (scheme://host[:port]).
  if (!tile_url.empty()) {
    const std::size_t scheme = tile_url.find("://");
    const std::size_t path = scheme == std::string::npos ? std::string::npos : tile_url.find('/', scheme + 3);
    if (scheme != std::string::npos) img += " " + tile_url.substr(0, path);
  }
  res.set_header("Content-Security-Policy", "default-src 'self'; img-src " + img +
                                                "; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
                                                "form-action 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_content(html, "text/html; charset=utf-8");
}

namespace {

std::string Num(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::string Age(int64_t now, int64_t then) {
  const int64_t s = std::max<int64_t>(0, (now - then) / 1000);
  if (s < 120) return std::to_string(s) + " s ago";
  if (s < 7200) return std::to_string(s / 60) + " min ago";
  return std::to_string(s / 3600) + " h ago";
}

std::string Refusal(const Status& s) { return "<p class=error>" + Esc(s.ToString()) + "</p>"; }

}  // namespace

std::string FleetPage(const PageContext& c) {
  auto latest = c.console->LatestHeartbeats();
  if (!latest.ok()) return Page(c, "Fleet", "/console/fleet", Refusal(latest.status()));
  const int64_t now = NowUtcMs();
  std::string rows;
  for (const auto& r : *latest) {
    const Heartbeat& hb = r.heartbeat;
    std::vector<std::string> faults = HeartbeatFaults(hb);
    const bool silent = IsSilent(hb, r.received_at_utc_ms, now, c.options->silence_ms);
    if (silent) faults.insert(faults.begin(), "silent for " + Age(now, r.received_at_utc_ms).substr(0) );
    std::string cams;
    for (const auto& cam : hb.cameras) cams += Esc(cam.id) + ": " + Esc(cam.state) + "<br>";
    std::string disk = "-";
    if (hb.disk_used_bytes && hb.disk_total_bytes && *hb.disk_total_bytes > 0)
      disk = std::to_string(*hb.disk_used_bytes * 100 / *hb.disk_total_bytes) + "% of " +
             std::to_string(*hb.disk_total_bytes / 1'000'000'000) + " GB";
    std::string state = faults.empty() ? (hb.running ? "OK" : "stopped") : "";
    for (const auto& f : faults) state += Esc(f) + "<br>";
    rows += std::string("<tr id=\"car-") + Esc(hb.unit_id) + "\"" + (faults.empty() ? "" : " class=bad") + "><td>" +
            Esc(hb.unit_id) + "</td><td>" + state + "</td><td>" + Time(r.received_at_utc_ms) + "<br><span class=count>" +
            Age(now, r.received_at_utc_ms) + "</span></td><td>" + Time(hb.last_sync_utc_ms.value_or(0)) + "</td><td>" +
            std::to_string(hb.hotlist_version) + "</td><td>" + cams + "</td><td>" + Esc(hb.gps_fix) +
            (hb.gps_fix_age_ms ? ", " + std::to_string(*hb.gps_fix_age_ms) + " ms old" : std::string()) +
            "</td><td>" + Num(hb.clock_offset_ms) + " ms</td><td>" + disk + "</td><td>" +
            std::to_string(hb.unsynced_reads) + " / " + std::to_string(hb.unsynced_hits) + " / " +
            std::to_string(hb.unsynced_audit) + "</td><td>" + Esc(hb.software_version) + "</td><td>" +
            Esc(hb.last_fault) + "</td></tr>";
  }
  if (rows.empty()) rows = "<tr><td colspan=12>No car has sent a heartbeat yet.</td></tr>";
  return Page(c, "Fleet", "/console/fleet",
              "<p class=count>Red: a fault, or silent for more than " + std::to_string(c.options->silence_ms / 1000) +
                  " s after saying it was running. Reload for the newest.</p><table id=fleet><tr><th>Vehicle</th>"
                  "<th>State</th><th>Last heartbeat</th><th>Last sync</th><th>Hotlist</th><th>Cameras</th>"
                  "<th>GPS</th><th>Clock offset</th><th>Disk</th><th>Unsynced reads / hits / audit</th>"
                  "<th>Version</th><th>Last fault</th></tr>" +
                  rows + "</table>");
}

std::string HitsPage(const PageContext& c) {
  auto hits = c.console->RecentHits(500);
  auto lists = c.console->AccuracyByList();
  if (!hits.ok()) return Page(c, "Hits", "/console/hits", Refusal(hits.status()));
  if (!lists.ok()) return Page(c, "Hits", "/console/hits", Refusal(lists.status()));
  std::string acc;
  for (const auto& l : *lists) {
    char share[32] = "-";
    if (l.answered > 0) std::snprintf(share, sizeof share, "%.1f%%", 100.0 * static_cast<double>(l.misread) / static_cast<double>(l.answered));
    acc += "<tr><td>" + Esc(l.list_name) + "</td><td>" + std::to_string(l.answered) + "</td><td>" +
           std::to_string(l.misread) + "</td><td>" + share + "</td></tr>";
  }
  std::string rows;
  for (const auto& h : *hits)
    rows += "<tr><td>" + Esc(h.priority) + "</td><td>" + Esc(h.list_name) + "</td><td>" + Esc(h.entry_vrm) +
            "</td><td>" + Time(h.raised_at_utc_ms) + "</td><td>" + Esc(h.unit_id) + "</td><td>" + Esc(h.outcome) +
            "</td><td>" + (h.outcome == "pending" ? "-" : Time(h.outcome_at_utc_ms)) + "</td></tr>";
  return Page(c, "Hits", "/console/hits",
              "<h2>Per list: officers' answers</h2><p class=count>MISREAD share: of the hits officers answered, "
              "those they marked MISREAD (the field's own accuracy check).</p><table id=accuracy><tr><th>List</th>"
              "<th>Answered</th><th>Misread</th><th>Misread share</th></tr>" +
                  acc +
                  "</table><h2>Recent hits, by priority and list</h2><table id=hits><tr><th>Priority</th><th>List</th>"
                  "<th>VRM</th><th>Raised</th><th>Vehicle</th><th>Outcome</th><th>Answered</th></tr>" +
                  rows + "</table>");
}

std::string HotlistsPage(const PageContext& c, const std::string& message, bool message_is_error) {
  auto versions = c.console->HotlistVersions(100);
  std::string body;
  if (!message.empty())
    body += std::string("<p id=publish-result class=") + (message_is_error ? "error" : "ok") + ">" + Esc(message) + "</p>";
  body += "<form class=box id=publish-form method=post action=/console/hotlists enctype=multipart/form-data>" +
          CsrfField(c) +
          "<label>List <input type=text name=list id=list required></label>"
          "<label>CSV file <input type=file name=file id=file accept=.csv,text/csv required></label>"
          "<p class=count>Columns: vrm, priority (high/medium/low), reason; optional warning_markers, information, "
          "make, model, colour, valid_until. A bad line refuses the whole file.</p>"
          "<button type=submit id=publish>Check and publish</button></form>";
  if (!versions.ok()) return Page(c, "Hotlists", "/console/hotlists", body + Refusal(versions.status()));
  std::string rows;
  for (std::size_t i = 0; i < versions->size(); ++i) {
    const auto& v = (*versions)[i];
    // What changed: the entry count against this list's previous version.
    std::string change = "first version";
    for (std::size_t j = i + 1; j < versions->size(); ++j) {
      if ((*versions)[j].list_name != v.list_name) continue;
      const int64_t d = v.entries - (*versions)[j].entries;
      change = (d >= 0 ? "+" : "") + std::to_string(d) + " entries on version " + std::to_string((*versions)[j].version);
      break;
    }
    rows += "<tr><td>" + Esc(v.list_name) + "</td><td>" + std::to_string(v.version) + "</td><td>" +
            Time(v.published_at_utc_ms) + "</td><td>" + Esc(v.publisher) + "</td><td>" + std::to_string(v.entries) +
            "</td><td>" + change + "</td></tr>";
  }
  return Page(c, "Hotlists", "/console/hotlists",
              body + "<h2>Published versions</h2><table id=versions><tr><th>List</th><th>Version</th><th>Published</th>"
                     "<th>By</th><th>Entries</th><th>Change</th></tr>" + rows + "</table>");
}

// What a publish changed, as the cars will receive it: the delta from the
// version before `version` to it (the depot's one diff rule, HotlistSince),
// the VRMs added or changed and those removed, at most kShown of each named.
std::string WhatChanged(const PageContext& c, const std::string& list, int64_t version) {
  constexpr std::size_t kShown = 20;
  auto update = c.depot->HotlistSince(version - 1);
  if (!update.ok()) return "; what changed is unknown: " + update.status().message();
  auto names = [&](const std::vector<std::string>& vrms) {
    std::string out;
    for (std::size_t i = 0; i < vrms.size() && i < kShown; ++i) out += (i ? " " : "") + vrms[i];
    if (vrms.size() > kShown) out += " and " + std::to_string(vrms.size() - kShown) + " more";
    return out;
  };
  for (const HotlistDelta& d : update->lists) {
    if (d.list_name != list) continue;
    if (d.full) return "; the list's first version";
    std::vector<std::string> added;
    for (const WireHotlistEntry& e : d.added) added.push_back(e.vrm);
    return "; added or changed " + std::to_string(added.size()) + (added.empty() ? "" : " (" + names(added) + ")") +
           ", removed " + std::to_string(d.removed_vrms.size()) +
           (d.removed_vrms.empty() ? "" : " (" + names(d.removed_vrms) + ")");
  }
  return "; no entry changed";
}

std::pair<std::string, bool> PublishUpload(const PageContext& c, const httplib::Request& req) {
  const std::string list = req.has_file("list") ? req.get_file_value("list").content : req.get_param_value("list");
  if (!req.has_file("file")) return {"no CSV file in the form (nothing published)", true};
  const auto file = req.get_file_value("file");
  const std::string name = file.filename.empty() ? "upload" : file.filename;
  // The same refusals as `anpr-depot hotlist publish` gives for the file.
  if (Status named = limits::ValidateListName(list); !named.ok())
    return {"list: " + named.message() + " (nothing published)", true};
  auto entries = ParseHotlistCsv(file.content, name);
  if (!entries.ok()) return {entries.status().message() + " (nothing published)", true};
  auto v = c.depot->PublishHotlist(list, *entries, c.session.user);
  if (!v.ok()) return {v.status().ToString(), true};
  return {"published " + list + " version " + std::to_string(*v) + " (" + std::to_string(entries->size()) +
              " entries)" + WhatChanged(c, list, *v),
          false};
}

std::string AuditPage(const PageContext& c, const httplib::Request& req) {
  AuditFilter f;
  f.who = req.get_param_value("who");
  std::string error;
  const std::string from = req.get_param_value("from"), to = req.get_param_value("to");
  if (!from.empty() && !ParseTime(from, &f.from_utc_ms)) error += "from: give a UTC time as 2026-12-07T15:00. ";
  if (!to.empty() && !ParseTime(to, &f.to_utc_ms)) error += "to: give a UTC time as 2026-12-07T16:00. ";
  std::string body = "<form class=box method=get action=/console/audit>" + CsrfField(c) +
                     "<label>Person <input type=text name=who id=who-filter value=\"" + Esc(f.who) +
                     "\"></label><label>From (UTC) <input type=text name=from placeholder=2026-12-07T15:00 value=\"" +
                     Esc(from) + "\"></label><label>To (UTC) <input type=text name=to value=\"" + Esc(to) +
                     "\"></label><button type=submit id=filter>Filter</button></form>";
  if (!error.empty()) return Page(c, "Audit", "/console/audit", body + "<p class=error>" + Esc(error) + "</p>");
  auto rows = c.console->Audit(f);
  if (!rows.ok()) return Page(c, "Audit", "/console/audit", body + Refusal(rows.status()));
  std::string t;
  for (const auto& r : *rows)
    t += "<tr class=\"kind-" + Esc(r.kind) + "\"><td>" + Time(r.at_utc_ms) + "</td><td>" + Esc(r.kind) + "</td><td>" +
         Esc(r.who) + "</td><td>" + Esc(r.what) + "</td><td>" + Esc(r.why) + "</td><td>" + Esc(r.unit_id) + "</td></tr>";
  return Page(c, "Audit", "/console/audit",
              body + "<table id=audit><tr><th>Time</th><th>Kind</th><th>Who</th><th>What</th><th>Why / from</th>"
                     "<th>Vehicle</th></tr>" + t + "</table>");
}

}  // namespace anpr::sync::console
