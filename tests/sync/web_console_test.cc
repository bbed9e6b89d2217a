// The web console over real TLS on loopback against a real depot database
// (a SQLite file, and a PostgreSQL cluster started for the test):
// log-in and its cookie, lock-out, CSRF, idle timeout, and every page tried
// without a session and with each wrong role.
#include <httplib.h>
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "sync/console_store.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/web_console.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

using testing::MakeHit;
using testing::MakeRead;

constexpr const char* kPassword = "correct horse battery";

class WebConsoleTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeTestCertificate(dir_.path()));
    std::string url = "sqlite:" + dir_.File("depot.db");
    if (GetParam() == "postgresql") {
      std::string why;
      auto* pg = testing::PostgresCluster::Shared(&why);
      if (!pg) GTEST_SKIP() << "PostgreSQL cannot start here: " << why;
      url = pg->NewDatabase();
    }
    auto s = OpenDepotStore(url);
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    auto c = ConsoleStore::Open(url);
    ASSERT_TRUE(c.ok());
    console_ = std::move(*c);
    ASSERT_TRUE(console_->Migrate().ok());
    for (auto [name, role] : {std::pair{"ada", ConsoleRole::kAdmin}, {"ian", ConsoleRole::kInvestigator},
                              {"aud", ConsoleRole::kAuditor}})
      ASSERT_TRUE(console_->AddUser(name, role, kPassword).ok());
    Read r = MakeRead("CAR1", 1);
    r.vrm = "AB12CDE";
    ASSERT_TRUE(store_->IngestReads("CAR1", {r}).ok());
    ASSERT_TRUE(store_->IngestHits("CAR1", {MakeHit(r, 1)}).ok());
    Heartbeat hb;
    hb.unit_id = "CAR1";
    hb.cameras = {{"front", "running"}};
    hb.gps_fix = "3d";
    ASSERT_TRUE(console_->RecordHeartbeat(hb, NowUtcMs()).ok());
    Configure(&web_);
    DepotServerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.cert_file = dir_.File("cert.pem");
    o.key_file = dir_.File("key.pem");
    server_ = std::make_unique<DepotServer>(store_.get(), o);
    server_->AttachConsole(console_.get(), web_);
    ASSERT_TRUE(server_->Start().ok());
  }

  // What a test changes in the console's options before the depot starts.
  virtual void Configure(WebConsoleOptions*) {}

  std::unique_ptr<httplib::SSLClient> Client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    c->set_ca_cert_path(dir_.File("cert.pem").c_str());
    c->enable_server_certificate_verification(true);
    return c;
  }

  static std::string CookieValue(const httplib::Result& r, const std::string& name) {
    for (const auto& [k, v] : r->headers)
      if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    return {};
  }
  static std::string Csrf(const std::string& html) {
    std::smatch m;
    return std::regex_search(html, m, std::regex("name=csrf value=\"([0-9a-f]+)\"")) ? m[1].str() : "";
  }

  struct Login {
    int status = 0;
    std::string cookie;  // "anpr_session=..." for later requests
    std::string set_cookie;
    std::string body;
  };
  Login LogIn(const std::string& name, const std::string& password) {
    auto c = Client();
    auto page = c->Get("/console/login");
    EXPECT_TRUE(page);
    const std::string login_cookie = CookieValue(page, "anpr_login");
    httplib::Headers h = {{"Cookie", "anpr_login=" + login_cookie}};
    auto r = c->Post("/console/login", h,
                     httplib::Params{{"csrf", Csrf(page->body)}, {"name", name}, {"password", password}});
    Login out;
    if (!r) return out;
    out.status = r->status;
    out.body = r->body;
    out.set_cookie = r->get_header_value("Set-Cookie");
    const std::string v = CookieValue(r, "anpr_session");
    if (!v.empty()) out.cookie = "anpr_session=" + v;
    return out;
  }

  int64_t Events(const std::string& needle) {
    AuditFilter f;
    f.limit = 10000;
    auto rows = console_->Audit(f);
    int64_t n = 0;
    for (const auto& r : *rows) n += r.kind == "security" && r.what.find(needle) != std::string::npos;
    return n;
  }

  testing::TempDir dir_;
  WebConsoleOptions web_;
  std::unique_ptr<DepotStore> store_;
  std::unique_ptr<ConsoleStore> console_;
  std::unique_ptr<DepotServer> server_;
};

TEST_P(WebConsoleTest, LogInGivesAHardenedSessionCookieAndIsASecurityEvent) {
  Login l = LogIn("ian", kPassword);
  ASSERT_EQ(l.status, 303) << l.body;
  ASSERT_FALSE(l.cookie.empty());
  EXPECT_NE(l.set_cookie.find("HttpOnly"), std::string::npos) << l.set_cookie;
  EXPECT_NE(l.set_cookie.find("Secure"), std::string::npos) << l.set_cookie;
  EXPECT_NE(l.set_cookie.find("SameSite=Strict"), std::string::npos) << l.set_cookie;
  auto page = Client()->Get("/console/fleet", {{"Cookie", l.cookie}});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("CAR1"), std::string::npos);
  EXPECT_EQ(Events("console login as investigator"), 1);
  EXPECT_EQ(LogIn("ian", "wrong password!").status, 401);
  EXPECT_EQ(LogIn("nobody", kPassword).status, 401);
  EXPECT_EQ(Events("console login failed: wrong password"), 1);
  EXPECT_EQ(Events("console login failed: unknown user"), 1);
}

TEST_P(WebConsoleTest, EveryPageRefusesWithoutASessionAndWithEachWrongRole) {
  struct Route {
    std::string method, path;
    std::set<std::string> allowed;  // users
    std::string secret;             // personal data the page would show
  };
  const std::vector<Route> routes = {
      {"GET", "/console/fleet", {"ada", "ian"}, "CAR1"},
      {"GET", "/console/reads?vrm=AB12CDE&reason=checking+the+matrix", {"ian"}, "AB12CDE"},
      {"GET", "/console/hits", {"ian"}, "CAR1"},
      {"GET", "/console/hotlists", {"ada"}, "Published versions"},
      {"POST", "/console/hotlists", {"ada"}, "published"},
      {"GET", "/console/audit", {"aud"}, "console login"},
  };
  std::map<std::string, std::string> cookies;
  for (const char* u : {"ada", "ian", "aud"}) cookies[u] = LogIn(u, kPassword).cookie;
  for (const auto& r : routes) {
    SCOPED_TRACE(r.method + " " + r.path);
    auto call = [&](const httplib::Headers& h) {
      auto c = Client();
      return r.method == "GET" ? c->Get(r.path, h) : c->Post(r.path, h, "list=X&csrf=0", "application/x-www-form-urlencoded");
    };
    // A page goes to the log-in page; a form's body is refused unread.
    const int refused = r.method == "GET" ? 303 : 403;
    auto none = call({});
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, refused);
    if (r.method == "GET") {
      EXPECT_EQ(none->get_header_value("Location"), "/console/login");
    }
    EXPECT_EQ(none->body.find(r.secret), std::string::npos);
    auto forged = call({{"Cookie", "anpr_session=" + std::string(64, 'a')}});
    ASSERT_TRUE(forged);
    EXPECT_EQ(forged->status, refused);
    for (const auto& [user, cookie] : cookies) {
      if (r.allowed.count(user)) continue;
      SCOPED_TRACE(user);
      auto wrong = call({{"Cookie", cookie}});
      ASSERT_TRUE(wrong);
      EXPECT_EQ(wrong->status, 403);
      EXPECT_EQ(wrong->body.find(r.secret), std::string::npos) << wrong->body;
    }
  }
  EXPECT_EQ(store_->Counts()->searches, 0) << "no refused request searched";
  EXPECT_GE(Events("console: role"), 8);
  // A console session is no credential for the API.
  auto api = Client()->Get("/api/v1/reads?vrm=AB12CDE&reason=checking+the+matrix", {{"Cookie", cookies["ian"]}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
}

TEST_P(WebConsoleTest, FormBodiesAreJudgedOnTheirHeadersBeforeAnyIsRead) {
  // A log-in form is small; a stranger cannot make the depot read megabytes.
  auto big = Client()->Post("/console/login", std::string(20000, 'a'), "application/x-www-form-urlencoded");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 403);
  EXPECT_NE(big->body.find("body unread"), std::string::npos) << big->body;
  // A hotlist upload needs an administrator's session before its body is read.
  Login ian = LogIn("ian", kPassword);
  auto upload = Client()->Post("/console/hotlists", {{"Cookie", ian.cookie}}, std::string(100000, 'x'), "text/csv");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 403);
  EXPECT_NE(upload->body.find("without an administrator's session"), std::string::npos) << upload->body;
  EXPECT_TRUE(store_->HotlistSince(0)->lists.empty());
}

TEST_P(WebConsoleTest, RepeatedFailuresLockTheAccountAtOnceEvenInParallel) {
  std::vector<std::thread> ts;
  std::atomic<int> refused{0};
  for (int i = 0; i < 12; ++i)
    ts.emplace_back([&] { refused += LogIn("ada", "not the password").status >= 400; });
  for (auto& t : ts) t.join();
  EXPECT_EQ(refused.load(), 12);
  // Exactly max_failed_logins attempts were counted; the rest met the lock.
  EXPECT_EQ(Events("console login failed: wrong password"), web_.max_failed_logins);
  EXPECT_EQ(Events("console lock-out: ada"), 1);
  EXPECT_EQ(Events("console login refused: ada is locked out"), 12 - web_.max_failed_logins);
  Login right = LogIn("ada", kPassword);
  EXPECT_EQ(right.status, 403) << "locked: even the right password is refused";
  EXPECT_TRUE(right.cookie.empty());
  EXPECT_NE(right.body.find("locked"), std::string::npos);
}

TEST_P(WebConsoleTest, FormsNeedTheSessionsCsrfToken) {
  Login l = LogIn("ada", kPassword);
  auto c = Client();
  httplib::MultipartFormDataItems items = {{"list", "LOCAL", "", ""},
                                           {"file", "vrm,priority,reason\nAB12CDE,high,stolen\n", "ok.csv", "text/csv"}};
  auto forged = c->Post("/console/hotlists", {{"Cookie", l.cookie}}, items);
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->status, 403);
  EXPECT_TRUE(store_->HotlistSince(0)->lists.empty()) << "nothing published without the token";
  auto page = c->Get("/console/hotlists", {{"Cookie", l.cookie}});
  items.push_back({"csrf", Csrf(page->body), "", ""});
  auto ok = c->Post("/console/hotlists", {{"Cookie", l.cookie}}, items);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_NE(ok->body.find("published LOCAL version"), std::string::npos);
  // A login form from another browser (no matching cookie) is refused.
  auto login = Client()->Post("/console/login", httplib::Params{{"csrf", "00"}, {"name", "ada"}, {"password", kPassword}});
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 403);
}

class WebConsoleIdleTest : public WebConsoleTest {
  void Configure(WebConsoleOptions* o) override { o->idle_timeout_ms = 300; }
};

TEST_P(WebConsoleIdleTest, AnIdleSessionEnds) {
  Login l = LogIn("ian", kPassword);
  auto fresh = Client()->Get("/console/fleet", {{"Cookie", l.cookie}});
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto idle = Client()->Get("/console/fleet", {{"Cookie", l.cookie}});
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->status, 303);
}

TEST_P(WebConsoleTest, ASearchNeedsAReasonAndIsAuditedWithWhoAndWhy) {
  Login l = LogIn("ian", kPassword);
  auto c = Client();
  const std::string csrf = Csrf(c->Get("/console/reads", {{"Cookie", l.cookie}})->body);
  auto bare = c->Get("/console/reads?csrf=" + csrf + "&vrm=AB12CDE&reason=short", {{"Cookie", l.cookie}});
  ASSERT_TRUE(bare);
  EXPECT_NE(bare->body.find("Nothing was searched"), std::string::npos);
  EXPECT_EQ(store_->Counts()->searches, 0);
  auto found = c->Get("/console/reads?csrf=" + csrf + "&vrm=AB1%3FCDE&reason=stolen%20vehicle%20enquiry%2042",
                      {{"Cookie", l.cookie}});
  ASSERT_TRUE(found);
  EXPECT_NE(found->body.find("1 reads of AB1?CDE"), std::string::npos) << found->body.substr(0, 3000);
  EXPECT_NE(found->body.find("data:image/jpeg;base64,"), std::string::npos);
  EXPECT_NE(found->body.find("<svg class=map"), std::string::npos);
  auto rows = console_->Audit({"ian", 0, INT64_MAX, 100});
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  EXPECT_EQ(rows->front().kind, "search");
  EXPECT_EQ(rows->front().why, "stolen vehicle enquiry 42");
}

TEST_P(WebConsoleTest, ABadHotlistLineIsNamedAsTheCarNamesItAndNothingIsPublished) {
  Login l = LogIn("ada", kPassword);
  auto c = Client();
  const std::string csrf = Csrf(c->Get("/console/hotlists", {{"Cookie", l.cookie}})->body);
  httplib::MultipartFormDataItems items = {
      {"csrf", csrf, "", ""},
      {"list", "LOCAL", "", ""},
      {"file", "vrm,priority,reason\nAB12CDE,high,stolen\nXY99ZZZ,urgent,bad priority\n", "bad.csv", "text/csv"}};
  auto r = c->Post("/console/hotlists", {{"Cookie", l.cookie}}, items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("bad.csv:3: "), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("nothing published"), std::string::npos);
  EXPECT_TRUE(store_->HotlistSince(0)->lists.empty());
}

// The admin sees what a publish changed, as the cars will receive it.
TEST_P(WebConsoleTest, APublishSaysWhichPlatesItAddedChangedAndRemoved) {
  Login l = LogIn("ada", kPassword);
  auto c = Client();
  auto publish = [&](const std::string& csv) {
    const std::string csrf = Csrf(c->Get("/console/hotlists", {{"Cookie", l.cookie}})->body);
    httplib::MultipartFormDataItems items = {
        {"csrf", csrf, "", ""}, {"list", "LOCAL", "", ""}, {"file", csv, "local.csv", "text/csv"}};
    auto r = c->Post("/console/hotlists", {{"Cookie", l.cookie}}, items);
    EXPECT_TRUE(r);
    return r ? r->body : std::string();
  };
  const std::string first = publish("vrm,priority,reason\nAB12CDE,high,stolen\nXY99ZZZ,low,no insurance\n");
  EXPECT_NE(first.find("the list&#39;s first version"), std::string::npos) << first.substr(0, 3000);
  const std::string second =
      publish("vrm,priority,reason\nAB12CDE,medium,stolen - downgraded\nKL70MNO,high,abduction enquiry\n");
  EXPECT_NE(second.find("added or changed 2 (AB12CDE KL70MNO), removed 1 (XY99ZZZ)"), std::string::npos)
      << second.substr(0, 3000);
}

TEST_P(WebConsoleTest, TheHitsPageGivesEachListsMisreadShareOfAnsweredHits) {
  std::vector<Hit> hits;
  const HitOutcome outcomes[] = {HitOutcome::kMisread, HitOutcome::kConfirmed, HitOutcome::kConfirmed,
                                 HitOutcome::kPending, HitOutcome::kMisread};
  for (int i = 0; i < 5; ++i) {
    Read r = MakeRead("CAR1", 10 + i);
    ASSERT_TRUE(store_->IngestReads("CAR1", {r}).ok());
    Hit h = MakeHit(r, i);
    h.list_name = i < 4 ? "LOCAL" : "ANPR-WATCH";
    h.outcome = outcomes[i];
    h.outcome_by = "PC1234";
    h.outcome_at_utc_ms = outcomes[i] == HitOutcome::kPending ? 0 : h.raised_at_utc_ms + 1000;
    hits.push_back(h);
  }
  ASSERT_TRUE(store_->IngestHits("CAR1", hits).ok());
  Login l = LogIn("ian", kPassword);
  auto page = Client()->Get("/console/hits", {{"Cookie", l.cookie}});
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  // LOCAL: 3 answered, 1 misread; ANPR-WATCH: 1 of 1; PNC (the fixture's one hit): pending only.
  EXPECT_NE(page->body.find("<td>LOCAL</td><td>3</td><td>1</td><td>33.3%</td>"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("<td>ANPR-WATCH</td><td>1</td><td>1</td><td>100.0%</td>"), std::string::npos);
  EXPECT_NE(page->body.find("<td>PNC</td><td>0</td><td>0</td><td>-</td>"), std::string::npos);
  // High priority first.
  EXPECT_LT(page->body.find("<tr><td>high</td>"), page->body.find("<tr><td>medium</td>"));
}

INSTANTIATE_TEST_SUITE_P(Backends, WebConsoleTest, ::testing::Values("sqlite", "postgresql"));
INSTANTIATE_TEST_SUITE_P(Backends, WebConsoleIdleTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace anpr::sync
