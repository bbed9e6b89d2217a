// The depot's web console for people, served by `anpr-depot serve` on its
// TLS port beside /api/v1: plain HTML pages made on the server, one style
// sheet and a little JavaScript embedded in the program (sync/console/), no
// build step.
//
//   /console/login     name + password; a session cookie (HttpOnly, Secure,
//                      SameSite=Strict) that ends after idle_timeout_ms
//   /console/fleet     every car's newest heartbeat (admin, investigator)
//   /console/reads     reads search: VRM (exact or ? wildcards) and a reason
//                      of at least 10 characters, audited (investigator)
//   /console/hits      hits by priority and list, MISREAD share per list
//                      (investigator)
//   /console/hotlists  upload a CSV, see refusals by line, publish (admin)
//   /console/audit     searches, security events, cars' audit entries,
//                      filtered by person and time (auditor)
//
// Every form carries the session's CSRF token; a POST without it is refused.
// Every login, failure and lock-out, and every refusal of a page for want of
// a session or a role, is a security event (DepotStore::LogSecurityEvent).
#pragma once

#include <cstdint>
#include <string>

#include <httplib.h>

#include "sync/console_store.h"
#include "sync/depot_store.h"
#include "sync/heartbeat.h"

namespace anpr::sync {

struct WebConsoleOptions {
  // A car is red on the Fleet page when silent this long after a heartbeat
  // that said it was running.
  int64_t silence_ms = kDefaultSilenceMs;
  int64_t idle_timeout_ms = 15 * 60 * 1000;
  int max_failed_logins = 5;
  int64_t lockout_ms = 15 * 60 * 1000;
  // A slippy-map tile URL ("https://tiles.example/{z}/{x}/{y}.png"); empty:
  // positions are drawn on a plain scaled grid, so an offline depot works.
  std::string tile_url;
  // Marks the session cookie Secure (always, except plain HTTP development).
  bool secure_cookie = true;
};

// Adds the console's routes to `server`. The stores must outlive it.
void AddWebConsoleRoutes(httplib::Server& server, DepotStore* depot, ConsoleStore* console,
                         const WebConsoleOptions& options);

// The request paths that take a body (form POSTs), for the depot's check of
// a request's headers before its body is read.
bool IsConsoleFormPath(const std::string& method, const std::string& path);

// Whether the body of a console form POST may be read, judged on its
// headers as the API's uploads are: the log-in and log-out forms up to
// kMaxConsoleFormBytes; a hotlist upload only with an admin's live session
// cookie. Otherwise false with the reason in *why (nothing of the body read).
inline constexpr uint64_t kMaxConsoleFormBytes = 16 * 1024;
bool ConsoleBodyAllowed(const httplib::Request& req, uint64_t content_length, ConsoleStore* console,
                        const WebConsoleOptions& options, std::string* why);

}  // namespace anpr::sync
