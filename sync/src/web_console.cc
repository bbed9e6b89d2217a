// The web console's routes, log-in and sessions (sync/web_console.h); the
// pages themselves are in console_pages.cc and console_reads.cc.
#include "sync/web_console.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <initializer_list>
#include <optional>

#include "sync/src/console_html.h"

namespace anpr::sync {
namespace {

using console::PageContext;

constexpr const char* kSessionCookie = "anpr_session";
constexpr const char* kLoginCookie = "anpr_login";  // the log-in form's CSRF token, before any session

std::string Remote(const httplib::Request& req) { return req.remote_addr + ":" + std::to_string(req.remote_port); }

void Event(DepotStore* depot, const std::string& what, const std::string& who, const std::string& remote) {
  spdlog::warn("console: {} ({}, {})", what, who, remote);
  if (Status s = depot->LogSecurityEvent(what, who, remote); !s.ok())
    spdlog::error("security event not stored ({}): {}", s.ToString(), what);
}

std::string Cookie(const httplib::Request& req, const std::string& name) {
  const std::string all = req.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t end = all.find(';', at);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(at, end - at);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    at = end + 1;
  }
  return {};
}

std::string SetCookie(const std::string& name, const std::string& value, bool secure, int max_age_s = -1) {
  std::string c = name + "=" + value + "; Path=/console; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  if (max_age_s >= 0) c += "; Max-Age=" + std::to_string(max_age_s);
  return c;
}

bool SameToken(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Field(const httplib::Request& req, const char* key) {
  if (req.has_param(key)) return req.get_param_value(key);
  if (req.has_file(key)) return req.get_file_value(key).content;
  return {};
}

// The page a role starts on.
std::string Home(ConsoleRole r) { return r == ConsoleRole::kAuditor ? "/console/audit" : "/console/fleet"; }

void Redirect(httplib::Response& res, const std::string& to) {
  res.status = 303;
  res.set_header("Location", to);
  res.set_header("Cache-Control", "no-store");
}

std::string LoginPage(const std::string& csrf, const std::string& message) {
  std::string b = "<main><h1>ANPR depot: log in</h1>";
  if (!message.empty()) b += "<p class=error id=login-error>" + console::Esc(message) + "</p>";
  b += "<form class=box method=post action=/console/login>"
       "<input type=hidden name=csrf value=\"" + console::Esc(csrf) + "\">"
       "<label>Name <input type=text name=name id=name autocomplete=username></label>"
       "<label>Password <input type=password name=password id=password autocomplete=current-password></label>"
       "<button type=submit id=login>Log in</button></form></main>";
  return "<!doctype html><html lang=en><head><meta charset=utf-8><title>Log in</title>"
         "<link rel=stylesheet href=/console/static/console.css></head><body>" + b + "</body></html>";
}

}  // namespace

bool IsConsoleFormPath(const std::string& method, const std::string& path) {
  return method == "POST" && (path == "/console/login" || path == "/console/logout" || path == "/console/hotlists");
}

bool ConsoleBodyAllowed(const httplib::Request& req, uint64_t content_length, ConsoleStore* console,
                        const WebConsoleOptions& options, std::string* why) {
  if (req.path != "/console/hotlists") {
    if (content_length <= kMaxConsoleFormBytes && !req.has_header("Transfer-Encoding")) return true;
    *why = "a log-in form over " + std::to_string(kMaxConsoleFormBytes) + " bytes";
    return false;
  }
  const std::string token = Cookie(req, kSessionCookie);
  auto session = token.empty() ? Result<std::optional<ConsoleSession>>(std::nullopt)
                               : console->TouchSession(TokenHash(token), NowUtcMs(), options.idle_timeout_ms);
  if (session.ok() && session->has_value() && (*session)->role == ConsoleRole::kAdmin) return true;
  *why = "a hotlist upload without an administrator's session";
  return false;
}

void AddWebConsoleRoutes(httplib::Server& s, DepotStore* depot, ConsoleStore* console, const WebConsoleOptions& o) {
  auto options = std::make_shared<WebConsoleOptions>(o);

  // The session of a request allowed for `roles`, or the refusal answered:
  // no session -> to the log-in page; a wrong role -> 403 and a security
  // event. A POST must carry the session's CSRF token.
  auto guard = [depot, console, options](const httplib::Request& req, httplib::Response& res,
                                         std::initializer_list<ConsoleRole> roles) -> std::optional<PageContext> {
    const std::string token = Cookie(req, kSessionCookie);
    std::optional<ConsoleSession> session;
    if (!token.empty()) {
      auto found = console->TouchSession(TokenHash(token), NowUtcMs(), options->idle_timeout_ms);
      if (!found.ok()) {
        console::SendHtml(res, 503, "<p>depot storage unavailable</p>");
        return std::nullopt;
      }
      session = *found;
    }
    if (!session) {
      Redirect(res, "/console/login");
      return std::nullopt;
    }
    PageContext c{depot, console, options.get(), *session, Remote(req)};
    bool allowed = false;
    for (ConsoleRole r : roles) allowed |= r == session->role;
    if (!allowed) {
      Event(depot, std::string("console: role ") + ConsoleRoleName(session->role) + " refused " + req.method + " " +
                       req.path,
            session->user, c.remote);
      console::SendHtml(res, 403,
                        console::Page(c, "Not allowed", "",
                                      "<p class=error>Your role (" + std::string(ConsoleRoleName(session->role)) +
                                          ") may not open this page.</p>"));
      return std::nullopt;
    }
    if (req.method == "POST" && !SameToken(Field(req, "csrf"), session->csrf_token)) {
      Event(depot, "console: form without its CSRF token: " + req.path, session->user, c.remote);
      console::SendHtml(res, 403, console::Page(c, "Refused", "", "<p class=error>The form was not this session's (CSRF check).</p>"));
      return std::nullopt;
    }
    return c;
  };

  s.Get("/console/static/console.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(console::kCss, "text/css; charset=utf-8");
  });
  s.Get("/console/static/console.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(console::kJs, "text/javascript; charset=utf-8");
  });

  s.Get("/console/login", [options](const httplib::Request&, httplib::Response& res) {
    const std::string csrf = NewToken();
    res.set_header("Set-Cookie", SetCookie(kLoginCookie, csrf, options->secure_cookie));
    console::SendHtml(res, 200, LoginPage(csrf, ""));
  });

  s.Post("/console/login", [depot, console, options](const httplib::Request& req, httplib::Response& res) {
    const std::string remote = Remote(req);
    const std::string name = Field(req, "name");
    const std::string password = Field(req, "password");
    auto again = [&](int status, const std::string& message) {
      const std::string csrf = NewToken();
      res.set_header("Set-Cookie", SetCookie(kLoginCookie, csrf, options->secure_cookie));
      console::SendHtml(res, status, LoginPage(csrf, message));
    };
    if (!SameToken(Field(req, "csrf"), Cookie(req, kLoginCookie))) {
      Event(depot, "console login form without its CSRF token", name, remote);
      return again(403, "The log-in form had expired; try again.");
    }
    auto attempt = console->AdmitLogin(name, options->max_failed_logins, options->lockout_ms, NowUtcMs());
    if (!attempt.ok()) return again(503, "Depot storage unavailable: " + attempt.status().message());
    if (attempt->locked) {
      Event(depot, "console login refused: " + name + " is locked out", name, remote);
      return again(403, "This account is locked after repeated failures; try again later or ask an administrator.");
    }
    if (!attempt->user || !ConsoleStore::PasswordMatches(*attempt->user, password)) {
      Event(depot, attempt->user ? "console login failed: wrong password" : "console login failed: unknown user",
            name, remote);
      if (attempt->locks_now)
        Event(depot,
              "console lock-out: " + name + " after " + std::to_string(options->max_failed_logins) +
                  " failed log-ins, for " + std::to_string(options->lockout_ms / 1000) + " s",
              name, remote);
      return again(401, "Wrong name or password.");
    }
    if (Status st = console->ClearLoginFailures(name); !st.ok()) return again(503, st.message());
    const std::string token = NewToken();
    ConsoleSession session{name, attempt->user->role, NewToken(), NowUtcMs()};
    if (token.empty() || session.csrf_token.empty()) return again(500, "No random source for a session.");
    if (Status st = console->CreateSession(TokenHash(token), session); !st.ok()) return again(503, st.message());
    Event(depot, std::string("console login as ") + ConsoleRoleName(session.role), name, remote);
    res.set_header("Set-Cookie", SetCookie(kSessionCookie, token, options->secure_cookie));
    Redirect(res, Home(session.role));
  });

  s.Post("/console/logout", [guard, console, options](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kAdmin, ConsoleRole::kInvestigator, ConsoleRole::kAuditor});
    if (!c) return;
    console->EndSession(TokenHash(Cookie(req, kSessionCookie))).IgnoreError();  // the cookie goes either way
    res.set_header("Set-Cookie", SetCookie(kSessionCookie, "", options->secure_cookie, 0));
    Redirect(res, "/console/login");
  });

  s.Get("/console", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kAdmin, ConsoleRole::kInvestigator, ConsoleRole::kAuditor});
    if (c) Redirect(res, Home(c->session.role));
  });
  s.Get("/console/fleet", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kAdmin, ConsoleRole::kInvestigator});
    if (c) console::SendHtml(res, 200, console::FleetPage(*c));
  });
  s.Get("/console/reads", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kInvestigator});
    if (!c) return;
    console::SendHtml(res, 200, console::ReadsPage(*c, req), c->options->tile_url);
  });
  s.Get("/console/hits", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kInvestigator});
    if (c) console::SendHtml(res, 200, console::HitsPage(*c));
  });
  s.Get("/console/hotlists", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kAdmin});
    if (c) console::SendHtml(res, 200, console::HotlistsPage(*c, "", false));
  });
  s.Post("/console/hotlists", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kAdmin});
    if (!c) return;
    auto [message, refused] = console::PublishUpload(*c, req);
    console::SendHtml(res, refused ? 400 : 200, console::HotlistsPage(*c, message, refused));
  });
  s.Get("/console/audit", [guard](const httplib::Request& req, httplib::Response& res) {
    auto c = guard(req, res, {ConsoleRole::kAuditor});
    if (c) console::SendHtml(res, 200, console::AuditPage(*c, req));
  });
}

}  // namespace anpr::sync
