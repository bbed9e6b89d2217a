// Private to sync/src: what every console page shares: escaping, times,
// the page frame with its navigation, and the session a page runs under.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <httplib.h>

#include "sync/console_store.h"
#include "sync/depot_store.h"
#include "sync/web_console.h"

namespace anpr::sync::console {

// The embedded static files (generated from sync/console/).
extern const char* const kCss;
extern const char* const kJs;

// Text made safe inside HTML text and attribute values.
std::string Esc(std::string_view s);
// "2026-12-07 15:04:05Z"; "-" for 0.
std::string Time(int64_t utc_ms);
// "UTC yyyy-mm-ddThh:mm[:ss]" to ms; false when it does not parse.
bool ParseTime(const std::string& text, int64_t* utc_ms);

// What a page handler gets: the stores, the options and who is asking.
struct PageContext {
  DepotStore* depot;
  ConsoleStore* console;
  const WebConsoleOptions* options;
  ConsoleSession session;
  std::string remote;  // address:port, for security events
};

// The whole page: navigation for the session's role, its name, a log-out
// form (with the CSRF token), and `body`.
std::string Page(const PageContext& c, const std::string& title, const std::string& here, const std::string& body);
// A hidden input carrying the session's CSRF token.
std::string CsrfField(const PageContext& c);
// Answers `html` with the console's security headers.
void SendHtml(httplib::Response& res, int status, const std::string& html, const std::string& extra_img_src = "");

// The pages (console_pages.cc, console_reads.cc).
std::string FleetPage(const PageContext& c);
std::string ReadsPage(const PageContext& c, const httplib::Request& req);
std::string HitsPage(const PageContext& c);
std::string HotlistsPage(const PageContext& c, const std::string& message, bool message_is_error);
// Publishes the uploaded CSV; returns the message to show and whether it is
// a refusal.
std::pair<std::string, bool> PublishUpload(const PageContext& c, const httplib::Request& req);
std::string AuditPage(const PageContext& c, const httplib::Request& req);

}  // namespace anpr::sync::console
