// End to end: the car's sync client against a real depot over loopback TLS,
// with links cut, the depot killed and restarted, bad credentials, garbage
// and slow answers, and the car rebooted mid-sync. After each: the depot
// holds every read exactly once, and the car has marked synced exactly those.
#include <httplib.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "sync/client.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/sqlite_outbox.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

using testing::MakeAudit;
using testing::MakeHit;
using testing::MakeRead;
using testing::WaitFor;

// Records what the client marked, in order, and passes everything through
// to the real SQLite outbox.
class RecordingOutbox final : public Outbox {
 public:
  explicit RecordingOutbox(Outbox* inner) : inner_(inner) {}
  Result<std::vector<Hit>> UnsyncedHits(std::size_t n) override { return inner_->UnsyncedHits(n); }
  Result<std::vector<Read>> UnsyncedReads(std::size_t n) override { return inner_->UnsyncedReads(n); }
  Result<std::vector<WireAuditEntry>> UnsyncedAudit(std::size_t n) override { return inner_->UnsyncedAudit(n); }
  Result<UnsyncedCounts> CountUnsynced() override { return inner_->CountUnsynced(); }
  Status MarkSynced(RecordKind k, const std::vector<std::string>& u, int64_t at) override {
    marks.emplace_back(k, u);
    return inner_->MarkSynced(k, u, at);
  }
  Status Quarantine(RecordKind k, const std::string& u, const std::string& why) override {
    return inner_->Quarantine(k, u, why);
  }
  Result<int64_t> HotlistVersion() override { return inner_->HotlistVersion(); }
  Status ApplyHotlistUpdate(const HotlistUpdate& u) override { return inner_->ApplyHotlistUpdate(u); }
  std::vector<std::pair<RecordKind, std::vector<std::string>>> marks;

 private:
  Outbox* inner_;
};

class SyncE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeTestCertificate(dir_.path())) << "openssl CLI could not make a certificate";
    db_url_ = "sqlite:" + dir_.File("depot.db");
    auto s = OpenDepotStore(db_url_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    ASSERT_TRUE(store_->Migrate().ok());
    token_ = Enroll("CAR1", Role::kVehicle);
    StartDepot();
    OpenOutbox();
  }

  std::string Enroll(const std::string& name, Role role) {
    std::string t = NewToken();
    EXPECT_TRUE(store_->AddCredential({name, role}, TokenHash(t)).ok());
    return t;
  }

  void StartDepot(int port = 0) {
    DepotServerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = port;
    o.cert_file = dir_.File("cert.pem");
    o.key_file = dir_.File("key.pem");
    o.max_request_bytes = 8u * 1024u * 1024u;
    server_ = std::make_unique<DepotServer>(store_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
  }

  void OpenOutbox() {
    box_.reset();
    auto b = SqliteOutbox::Open(dir_.File("outbox.db"));
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    box_ = std::move(*b);
  }

  SyncClientOptions Options(int port) {
    SyncClientOptions o;
    o.depot_url = "https://127.0.0.1:" + std::to_string(port);
    o.token = token_;
    o.ca_file = dir_.File("cert.pem");
    o.batch_records = 50;
    o.connect_timeout_ms = 2000;
    o.request_timeout_ms = 10000;
    o.backoff_initial_ms = 50;
    o.backoff_max_ms = 400;
    o.idle_interval_ms = 200;
    return o;
  }

  // Adds reads (and hits/audit) to the car, as recognition would.
  void Fill(int reads, int hits = 0, int audit = 0, std::size_t image_bytes = 2000, const std::string& unit = "CAR1") {
    std::vector<Read> rs;
    std::vector<Hit> hs;
    std::vector<WireAuditEntry> as;
    for (int i = 0; i < reads; ++i) {
      rs.push_back(MakeRead(unit, next_ + i, image_bytes));
      captured_[rs.back().uuid] = rs.back().captured_at_utc_ms;
      if (i < hits) hs.push_back(MakeHit(rs.back(), i));
    }
    for (int i = 0; i < audit; ++i) as.push_back(MakeAudit(unit, next_ + i));
    ASSERT_TRUE(box_->AddAll(rs, hs, as).ok());
    next_ += reads;
    added_reads_ += reads;
  }

  // The invariant after every fault: the depot holds each read once, and
  // the car marked synced exactly the reads the depot holds.
  void ExpectExactlyOnce(int64_t expect_reads) {
    auto c = store_->Counts();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->reads, expect_reads);
    EXPECT_EQ(c->distinct_read_uuids, c->reads) << "a read is stored twice";
    auto synced = box_->SyncedUuids(RecordKind::kRead);
    ASSERT_TRUE(synced.ok());
    EXPECT_EQ(static_cast<int64_t>(synced->size()), c->reads) << "car and depot disagree";
    for (const auto& u : *synced) {
      auto held = store_->Holds("read", u);
      ASSERT_TRUE(held.ok());
      EXPECT_TRUE(*held) << "car marked " << u << " synced but the depot does not hold it";
    }
  }

  int64_t Unsynced() { return box_->CountUnsynced()->total(); }

  // After the answer to a stored batch was lost: either the pass failed
  // (depot holds the batch, the car marked nothing of it) or libcurl resent
  // the request on a fresh connection by itself (it does so when a reused
  // connection dies before any answer byte) and the depot acknowledged the
  // resend without storing it again. Both end exactly once.
  void ExpectResentAfterLostAnswer(const Status& first_pass, const testing::TcpRelay& relay, int64_t batch) {
    if (!first_pass.ok()) {
      EXPECT_EQ(store_->Counts()->reads, batch) << "the depot stored the batch";
      EXPECT_TRUE(box_->SyncedUuids(RecordKind::kRead)->empty()) << "but the car never heard it was acknowledged";
    } else {
      EXPECT_GE(relay.connections(), 2) << "the batch went again on a new connection";
      ExpectExactlyOnce(added_reads_);
    }
  }

  testing::TempDir dir_;
  std::string db_url_;
  std::unique_ptr<DepotStore> store_;
  std::unique_ptr<DepotServer> server_;
  std::unique_ptr<SqliteOutbox> box_;
  std::string token_;
  int port_ = 0;
  int next_ = 0;
  int64_t added_reads_ = 0;
  std::map<std::string, int64_t> captured_;
};

TEST_F(SyncE2E, SendsHitsFirstThenReadsOldestFirstAndMarksExactlyTheAcknowledged) {
  Fill(230, 5, 7);
  RecordingOutbox rec(box_.get());
  SyncClient client(&rec, Options(port_));
  std::vector<std::string> seen;
  client.SetStateListener([&](const SyncState& s) { seen.push_back(DescribeSyncState(s)); });
  Status s = client.SyncOnce();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Unsynced(), 0);
  ExpectExactlyOnce(230);
  EXPECT_EQ(store_->Counts()->hits, 5);
  EXPECT_EQ(store_->Counts()->audit, 7);

  // Order: all hits, then reads in capture order, then audit.
  ASSERT_FALSE(rec.marks.empty());
  EXPECT_EQ(rec.marks.front().first, RecordKind::kHit);
  EXPECT_EQ(rec.marks.back().first, RecordKind::kAudit);
  int64_t last = 0;
  bool reads_started = false;
  for (const auto& [kind, uuids] : rec.marks) {
    if (kind == RecordKind::kRead) reads_started = true;
    if (reads_started) {
      EXPECT_NE(kind, RecordKind::kHit) << "a hit went after reads";
    }
    if (kind != RecordKind::kRead) continue;
    for (const auto& u : uuids) {
      EXPECT_GE(captured_[u], last) << "reads not sent oldest first";
      last = captured_[u];
    }
  }
  // The HMI saw progress and the end state.
  EXPECT_NE(std::find(seen.begin(), seen.end(), "syncing 0 of 242"), seen.end());
  EXPECT_EQ(client.state().phase, SyncPhase::kIdle);
  EXPECT_TRUE(client.state().last_success_utc_ms.has_value());
  EXPECT_EQ(client.state().done, 242);
}

TEST_F(SyncE2E, WrongMissingRevokedOrOtherVehicleCredentialsStoreNothingAndShowAFault) {
  Fill(20, 2);
  for (const std::string& bad : {std::string("0000"), std::string()}) {
    auto o = Options(port_);
    o.token = bad;
    SyncClient client(box_.get(), o);
    Status s = client.SyncOnce();
    EXPECT_EQ(s.code(), StatusCode::kUnauthenticated) << s.ToString();
    EXPECT_TRUE(client.state().auth_fault);
    EXPECT_EQ(client.state().phase, SyncPhase::kError);
    EXPECT_NE(DescribeSyncState(client.state()).find("fault"), std::string::npos);
  }
  // Revoked.
  ASSERT_TRUE(store_->Revoke("CAR1").ok());
  {
    SyncClient client(box_.get(), Options(port_));
    EXPECT_EQ(client.SyncOnce().code(), StatusCode::kUnauthenticated);
  }
  // Another vehicle's credential uploading CAR1's reads.
  token_ = Enroll("CAR2", Role::kVehicle);
  {
    SyncClient client(box_.get(), Options(port_));
    Status s = client.SyncOnce();
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
    EXPECT_TRUE(client.state().auth_fault);
  }
  // An investigator's credential cannot upload either.
  token_ = Enroll("DC Jones", Role::kInvestigator);
  {
    SyncClient client(box_.get(), Options(port_));
    EXPECT_EQ(client.SyncOnce().code(), StatusCode::kPermissionDenied);
  }
  // Reads name their vehicle, so CAR1's reads never got in under another
  // credential. (Hits carry no unit id: the depot files them under the
  // credential's vehicle.)
  EXPECT_EQ(store_->Counts()->reads, 0);
  EXPECT_EQ(box_->SyncedUuids(RecordKind::kRead)->size(), 0u);
  EXPECT_GE(store_->Counts()->security_events, 5);
}

TEST_F(SyncE2E, SameBatchTwiceIsAcknowledgedTwiceAndStoredOnce) {
  httplib::SSLClient cli("127.0.0.1", port_);
  cli.set_ca_cert_path(dir_.File("cert.pem").c_str());
  cli.enable_server_certificate_verification(true);
  httplib::Headers auth = {{"Authorization", "Bearer " + token_}};
  std::vector<Read> batch;
  for (int i = 0; i < 30; ++i) batch.push_back(MakeRead("CAR1", i, 20000));
  const std::string body = EncodeReads(batch);
  for (int round = 0; round < 2; ++round) {
    auto res = cli.Post("/api/v1/reads", auth, body, "application/json");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    ASSERT_EQ(res->status, 200) << res->body;
    auto acked = ParseAck(res->body);
    ASSERT_TRUE(acked.ok());
    EXPECT_EQ(acked->size(), 30u);
    EXPECT_NE(res->body.find(round == 0 ? "\"stored\":30" : "\"stored\":0"), std::string::npos) << res->body;
  }
  EXPECT_EQ(store_->Counts()->reads, 30);
  EXPECT_EQ(store_->Counts()->distinct_read_uuids, 30);
}

TEST_F(SyncE2E, MalformedOversizedAndUnauthorisedRequestsGet4xxAndTheDepotLivesOn) {
  httplib::SSLClient cli("127.0.0.1", port_);
  cli.set_ca_cert_path(dir_.File("cert.pem").c_str());
  cli.enable_server_certificate_verification(true);
  httplib::Headers car = {{"Authorization", "Bearer " + token_}};
  const std::string admin = Enroll("admin1", Role::kAdmin);
  const std::string inv = Enroll("DC Jones", Role::kInvestigator);
  struct Case {
    std::string method, path, body, token;
    int status;
  };
  Read good = MakeRead("CAR1", 1);
  std::string wrong_unit = EncodeReads({MakeRead("CAR9", 2)});
  std::vector<Case> cases = {
      {"POST", "/api/v1/reads", "not json at all", token_, 400},
      {"POST", "/api/v1/reads", "{\"reads\": 5}", token_, 400},
      {"POST", "/api/v1/reads", "{\"reads\": [{\"uuid\": \"x\"}]}", token_, 400},
      {"POST", "/api/v1/reads", "[1,2,3]", token_, 400},
      {"POST", "/api/v1/reads", std::string(9 * 1024 * 1024, '{'), token_, 413},
      {"POST", "/api/v1/reads", EncodeReads({good}), "", 401},
      {"POST", "/api/v1/reads", EncodeReads({good}), "deadbeef", 401},
      {"POST", "/api/v1/reads", wrong_unit, token_, 403},
      {"POST", "/api/v1/hits", "{\"hits\":[{}]}", token_, 400},
      {"POST", "/api/v1/audit", "{\"audit\":[{\"uuid\":1}]}", token_, 400},
      {"POST", "/api/v1/hotlists/PNC", "vrm,priority,reason\nAB12CDE,urgent,x\n", admin, 400},
      {"POST", "/api/v1/hotlists/PNC", "vrm,priority,reason\nAB12CDE,high,x\n", token_, 403},
      {"GET", "/api/v1/reads?vrm=AB12CDE", "", inv, 400},
      {"GET", "/api/v1/reads?vrm=AB12CDE&reason=burglary", "", token_, 403},
      {"GET", "/api/v1/hotlists?since=-1", "", token_, 400},
      {"GET", "/api/v1/nothing", "", token_, 404},
  };
  for (const auto& c : cases) {
    httplib::Headers h;
    if (!c.token.empty()) h.emplace("Authorization", "Bearer " + c.token);
    auto res = c.method == "POST" ? cli.Post(c.path.c_str(), h, c.body, "application/json") : cli.Get(c.path.c_str(), h);
    ASSERT_TRUE(res) << c.path << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 40);
    EXPECT_FALSE(ErrorReason(res->body).empty()) << "a refusal must say why";
  }
  EXPECT_EQ(store_->Counts()->reads, 0) << "nothing of a refused request is stored";
  // Still serving, and a good search is audited.
  auto health = cli.Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  ASSERT_EQ(cli.Post("/api/v1/reads", car, EncodeReads({good}), "application/json")->status, 200);
  auto found = cli.Get(("/api/v1/reads?vrm=" + good.vrm + "&reason=burglary%2012%2F345&images=1").c_str(),
                       httplib::Headers{{"Authorization", "Bearer " + inv}});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  auto reads = ParseReads(found->body);
  ASSERT_TRUE(reads.ok()) << reads.status().ToString();
  ASSERT_EQ(reads->size(), 1u);
  EXPECT_EQ((*reads)[0].plate_jpeg, good.plate_jpeg);
  EXPECT_EQ(store_->Counts()->searches, 1);
}

TEST_F(SyncE2E, LinkCutMidRequestBodyThenResumes) {
  Fill(300, 0, 0, 5000);
  testing::TcpRelay relay(port_);
  relay.CutRequestAfterBytes(200 * 1024);  // inside the first batch of reads (~670 KB)
  SyncClient client(box_.get(), Options(relay.port()));
  Status s = client.SyncOnce();
  EXPECT_EQ(relay.cuts(), 1);
  if (!s.ok()) {
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_EQ(client.state().phase, SyncPhase::kError);
    ExpectExactlyOnce(0);  // nothing half-stored, nothing marked
  } else {
    EXPECT_GE(relay.connections(), 2) << "libcurl resent the cut request on a new connection";
  }
  s = client.SyncOnce();
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectExactlyOnce(300);
}

TEST_F(SyncE2E, LinkCutAfterTheDepotStoredButBeforeTheAnswerResendsWithoutDoubling) {
  Fill(120);
  testing::TcpRelay relay(port_);
  relay.CutResponseWhen([&] { return store_->Counts()->reads > 0; });
  SyncClient client(box_.get(), Options(relay.port()));
  Status s = client.SyncOnce();
  EXPECT_EQ(relay.cuts(), 1);
  ExpectResentAfterLostAnswer(s, relay, 50);
  ASSERT_TRUE(client.SyncOnce().ok());
  ExpectExactlyOnce(120);
}

// The unit stops while the depot's answer to a batch it has stored is
// still on its way (held 2.5 s on the link): the stop waits for that
// answer, so the car has marked synced exactly what the depot holds when
// Stop() returns, not one batch less. Once with a batch of 50 reads (a
// body libcurl sends in pieces), once with a single small read (one
// libcurl sends with the request line), as a unit syncing every second does.
TEST_F(SyncE2E, StopWhileTheDepotAnswersAStoredBatchMarksItBeforeReturning) {
  Fill(120, 0, 0, 2000);
  int64_t stored_before = 0;
  for (std::size_t batch : {std::size_t{50}, std::size_t{1}}) {
    SCOPED_TRACE("batch of " + std::to_string(batch));
    testing::TcpRelay relay(port_);
    relay.DelayResponseWhen([&] { return store_->Counts()->reads > stored_before; }, 2500);
    auto o = Options(relay.port());
    o.batch_records = batch;
    SyncClient client(box_.get(), o);
    client.Start();
    ASSERT_TRUE(WaitFor([&] { return store_->Counts()->reads > stored_before; }, 20000))
        << "the depot never stored a batch";
    const auto stop_at = std::chrono::steady_clock::now();
    client.Stop();
    const auto stop_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stop_at).count();
    EXPECT_EQ(relay.delays(), 1) << "the answer was held while the unit stopped";
    stored_before += static_cast<int64_t>(batch);
    ExpectExactlyOnce(stored_before);  // the batch in flight, stored and marked; nothing after the stop
    EXPECT_LT(stop_ms, 5000) << "the stop waited past the held answer";
  }
}

// The same stop with an answer that does not come in time (a dead link):
// Stop() gives up after stop_answer_wait_ms, leaves the batch unsynced on
// the car, and the next start sends it again without doubling it.
TEST_F(SyncE2E, StopWithTheAnswerLostWaitsBoundedAndTheBatchGoesAgain) {
  Fill(120);
  {
    testing::TcpRelay relay(port_);
    relay.DelayResponseWhen([&] { return store_->Counts()->reads > 0; }, 20000);
    auto o = Options(relay.port());
    o.stop_answer_wait_ms = 1000;
    SyncClient client(box_.get(), o);
    client.Start();
    ASSERT_TRUE(WaitFor([&] { return store_->Counts()->reads > 0; }, 20000)) << "the depot never stored a batch";
    const auto stop_at = std::chrono::steady_clock::now();
    client.Stop();
    const auto stop_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - stop_at).count();
    EXPECT_LT(stop_ms, 4000) << "the stop hung on a dead link";
    EXPECT_EQ(store_->Counts()->reads, 50);
    EXPECT_TRUE(box_->SyncedUuids(RecordKind::kRead)->empty()) << "marked without an answer";
  }
  SyncClient client(box_.get(), Options(port_));
  ASSERT_TRUE(client.SyncOnce().ok());
  ExpectExactlyOnce(120);
}

TEST_F(SyncE2E, GarbageAndSlowAnswersMarkNothing) {
  Fill(10, 1);
  std::atomic<int> mode{0};
  httplib::SSLServer fake(dir_.File("cert.pem").c_str(), dir_.File("key.pem").c_str());
  fake.Get("/api/v1/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  auto upload = [&](const httplib::Request& req, httplib::Response& res) {
    switch (mode.load()) {
      case 0: res.set_content("\x01\x02garbage{{", "application/json"); break;
      case 1: res.set_content("{\"acknowledged\":[\"" + NewUuid() + "\"]}", "application/json"); break;
      case 2: res.set_content("{\"acknowledged\":\"all\"}", "application/json"); break;
      case 3:
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        res.set_content(req.body, "application/json");
        break;
      default: res.status = 500; res.set_content("<html>oops</html>", "text/html");
    }
  };
  fake.Post("/api/v1/hits", upload);
  fake.Post("/api/v1/reads", upload);
  int fake_port = fake.bind_to_any_port("127.0.0.1");
  std::thread t([&] { fake.listen_after_bind(); });
  auto o = Options(fake_port);
  o.request_timeout_ms = 500;
  for (int m = 0; m < 5; ++m) {
    mode = m;
    SyncClient client(box_.get(), o);
    Status s = client.SyncOnce();
    EXPECT_FALSE(s.ok()) << "mode " << m;
    if (m == 3) {
      EXPECT_EQ(s.code(), StatusCode::kTimeout) << s.ToString();
    }
    if (m == 4) {
      EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    }
    EXPECT_EQ(Unsynced(), 11) << "mode " << m << " marked something";
  }
  fake.stop();
  t.join();
  // The real depot then takes everything.
  SyncClient client(box_.get(), Options(port_));
  ASSERT_TRUE(client.SyncOnce().ok());
  ExpectExactlyOnce(10);
}

TEST_F(SyncE2E, DepotProcessKilledMidBatchAndRestartedLosesAndDoublesNothing) {
  server_->Stop();
  const int port = testing::FreePort();
  std::vector<std::string> args = {"--db", db_url_, "serve", "--listen", "127.0.0.1", "--port", std::to_string(port),
                                   "--cert", dir_.File("cert.pem"), "--key", dir_.File("key.pem")};
  testing::DepotProcess depot(args);
  ASSERT_TRUE(depot.Start());
  Fill(250, 3, 0, 20000);
  SyncClient client(box_.get(), Options(port));
  client.Start();  // background: notices the depot, backs off while it is down
  ASSERT_TRUE(WaitFor([&] { return store_->Counts()->reads >= 50; }, 30000)) << "depot never got reads";
  depot.Kill();  // SIGKILL while batches are in flight
  const int64_t at_kill = store_->Counts()->reads;
  EXPECT_LT(at_kill, 250);
  EXPECT_TRUE(WaitFor([&] { return !client.state().depot_reachable; }, 5000));
  EXPECT_EQ(client.state().phase, SyncPhase::kError);
  testing::DepotProcess again(args);
  ASSERT_TRUE(again.Start());
  client.Kick();
  ASSERT_TRUE(WaitFor([&] { return Unsynced() == 0; }, 40000)) << DescribeSyncState(client.state());
  client.Stop();
  ExpectExactlyOnce(250);
  EXPECT_EQ(store_->Counts()->hits, 3);
}

TEST_F(SyncE2E, VehicleRebootMidSyncResumesWhereItStopped) {
  Fill(250, 0, 0, 8000);
  {
    auto client = std::make_unique<SyncClient>(box_.get(), Options(port_));
    client->Start();
    ASSERT_TRUE(WaitFor([&] { return box_->SyncedUuids(RecordKind::kRead)->size() >= 50; }, 30000));
    client.reset();  // power off: the transfer in flight is abandoned
  }
  const auto synced_before = box_->SyncedUuids(RecordKind::kRead)->size();
  EXPECT_LT(synced_before, 250u);
  OpenOutbox();  // boot: the outbox file is all the car remembers
  EXPECT_EQ(box_->SyncedUuids(RecordKind::kRead)->size(), synced_before);
  SyncClient client(box_.get(), Options(port_));
  ASSERT_TRUE(client.SyncOnce().ok());
  ExpectExactlyOnce(250);
}

TEST_F(SyncE2E, HotlistDeltasArriveAndSwapIn) {
  const std::string admin = Enroll("admin1", Role::kAdmin);
  httplib::SSLClient cli("127.0.0.1", port_);
  cli.set_ca_cert_path(dir_.File("cert.pem").c_str());
  cli.enable_server_certificate_verification(true);
  httplib::Headers h = {{"Authorization", "Bearer " + admin}};
  auto v1 = cli.Post("/api/v1/hotlists/PNC", h,
                     "vrm,priority,reason,make\nAB12 CDE,high,stolen,Ford\nXY51ZZZ,low,no insurance,\n", "text/csv");
  ASSERT_TRUE(v1);
  ASSERT_EQ(v1->status, 200) << v1->body;
  SyncClient client(box_.get(), Options(port_));
  ASSERT_TRUE(client.SyncOnce().ok());
  auto list = box_->Hotlist("PNC");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].vrm, "AB12CDE");
  EXPECT_EQ((*list)[0].make, "Ford");
  const int64_t have = *box_->HotlistVersion();
  EXPECT_GT(have, 0);

  auto v2 = cli.Post("/api/v1/hotlists/PNC", h, "vrm,priority,reason\nAB12CDE,medium,stolen\nLM99ABC,high,wanted\n",
                     "text/csv");
  ASSERT_EQ(v2->status, 200);
  ASSERT_TRUE(client.SyncOnce().ok());
  list = box_->Hotlist("PNC");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].vrm, "AB12CDE");
  EXPECT_EQ((*list)[0].priority, Priority::kMedium);
  EXPECT_EQ((*list)[1].vrm, "LM99ABC");
  EXPECT_GT(*box_->HotlistVersion(), have);
  EXPECT_EQ(client.state().hotlist_version, *box_->HotlistVersion());
}

TEST_F(SyncE2E, TlsIsRequiredAndTrustChecked) {
  // A depot without a certificate does not start unless told it is a dev box.
  DepotServerOptions o;
  o.port = 0;
  DepotServer no_tls(store_.get(), o);
  EXPECT_EQ(no_tls.Start().code(), StatusCode::kInvalidArgument);
  o.insecure_loopback_dev = true;
  o.bind_address = "0.0.0.0";
  DepotServer dev(store_.get(), o);
  ASSERT_TRUE(dev.Start().ok());
  Fill(3);
  // The car refuses plain HTTP to anything but loopback...
  auto opts = Options(dev.port());
  opts.depot_url = "http://depot.example:" + std::to_string(dev.port());
  EXPECT_EQ(SyncClient(box_.get(), opts).SyncOnce().code(), StatusCode::kInvalidArgument);
  // ...and a depot certificate it cannot verify.
  opts = Options(port_);
  opts.ca_file = "/etc/ssl/certs/ca-certificates.crt";
  Status s = SyncClient(box_.get(), opts).SyncOnce();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("certificate"), std::string::npos) << s.ToString();
  // The dev listener is on loopback and works with http://127.0.0.1.
  opts = Options(dev.port());
  opts.depot_url = "http://127.0.0.1:" + std::to_string(dev.port());
  ASSERT_TRUE(SyncClient(box_.get(), opts).SyncOnce().ok());
  ExpectExactlyOnce(3);
}

TEST_F(SyncE2E, PostgresDepotSyncsExactlyOnceThroughACut) {
  std::string why;
  auto* pg = testing::PostgresCluster::Shared(&why);
  if (!pg) GTEST_SKIP() << "PostgreSQL cannot start here: " << why;
  server_->Stop();
  auto pg_store = OpenDepotStore(pg->NewDatabase());
  ASSERT_TRUE(pg_store.ok()) << pg_store.status().ToString();
  store_ = std::move(*pg_store);
  ASSERT_TRUE(store_->Migrate().ok());
  token_ = Enroll("CAR1", Role::kVehicle);
  StartDepot();
  Fill(150, 4, 2, 20000);
  testing::TcpRelay relay(port_);
  relay.CutResponseWhen([&] { return store_->Counts()->reads > 0; });
  SyncClient client(box_.get(), Options(relay.port()));
  Status s = client.SyncOnce();
  EXPECT_EQ(relay.cuts(), 1);
  ExpectResentAfterLostAnswer(s, relay, 50);
  ASSERT_TRUE(client.SyncOnce().ok());
  ExpectExactlyOnce(150);
  EXPECT_EQ(store_->Counts()->hits, 4);
}

// A depot stopped right after it started (a test, a start-up that fails
// later) stops. Before the fix Stop() could run before the server's thread
// began to listen; that thread then listened for ever and Stop() never
// returned.
TEST(DepotServerLifeCycle, StopRightAfterStartReturns) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::MakeTestCertificate(dir.path()));
  auto store = OpenDepotStore("sqlite:" + dir.File("depot.db"));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  for (int i = 0; i < 50; ++i) {
    DepotServerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.cert_file = dir.File("cert.pem");
    o.key_file = dir.File("key.pem");
    DepotServer server(store->get(), o);
    ASSERT_TRUE(server.Start().ok());
    server.Stop();
  }
}

}  // namespace
}  // namespace anpr::sync
