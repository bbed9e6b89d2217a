// The unit's own store synced to a real depot over loopback TLS through the
// StoreOutbox adapter: what anpr-vehicle does. After each pass the depot
// holds every read, hit and audit entry of the car exactly once, the store
// has marked synced exactly those, and hotlists published at the depot are
// in force in the car's matcher.
#include <httplib.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <gtest/gtest.h>

#include "sync/client.h"
#include "sync/depot_export_check.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "vehicle/app/store_outbox.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/evidence_manifest.h"
#include "vehicle/records/signing_key.h"
#include "vehicle/store/store.h"

namespace anpr::sync {
namespace {

using testing::MakeHit;
using testing::MakeRead;

class StoreSync : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakeTestCertificate(dir_.path()));
    auto d = OpenDepotStore("sqlite:" + dir_.File("depot.db"));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    depot_ = std::move(*d);
    ASSERT_TRUE(depot_->Migrate().ok());
    token_ = Enroll("CAR1", Role::kVehicle);
    DepotServerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;  // a free port: tests run in parallel
    o.cert_file = dir_.File("cert.pem");
    o.key_file = dir_.File("key.pem");
    server_ = std::make_unique<DepotServer>(depot_.get(), o);
    ASSERT_TRUE(server_->Start().ok());
    OpenCar();
  }

  void OpenCar() {
    outbox_.reset();
    car_.reset();
    StoreOptions so;
    so.path = dir_.File("unit.db");
    auto s = Store::Open(so);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    car_ = std::move(*s);
    matcher_ = std::make_unique<Matcher>();
    ASSERT_TRUE(car_->LoadMatcher(matcher_.get()).ok());
    outbox_ = std::make_unique<StoreOutbox>(car_.get(), matcher_.get(), "CAR1");
  }

  std::string Enroll(const std::string& name, Role role) {
    std::string t = NewToken();
    EXPECT_TRUE(depot_->AddCredential({name, role}, TokenHash(t)).ok());
    return t;
  }

  SyncClientOptions Options(int port) {
    SyncClientOptions o;
    o.depot_url = "https://127.0.0.1:" + std::to_string(port);
    o.token = token_;
    o.ca_file = dir_.File("cert.pem");
    o.batch_records = 40;
    o.connect_timeout_ms = 2000;
    o.request_timeout_ms = 10000;
    return o;
  }

  // Reads (every fifth with a hit) committed as the unit's pipeline does.
  void Drive(int reads) {
    for (int i = 0; i < reads; ++i) {
      Read r = MakeRead("CAR1", next_++, 3000);
      std::vector<Hit> hits;
      if (i % 5 == 0) hits.push_back(MakeHit(r, i));
      ASSERT_TRUE(car_->CommitRead(r, hits).ok());
    }
  }

  Status Publish(const std::string& list, const std::string& csv) {
    const std::string admin = Enroll("admin" + std::to_string(next_admin_++), Role::kAdmin);
    httplib::SSLClient cli("127.0.0.1", server_->port());
    cli.set_ca_cert_path(dir_.File("cert.pem").c_str());
    cli.enable_server_certificate_verification(true);
    auto r = cli.Post(("/api/v1/hotlists/" + list).c_str(), {{"Authorization", "Bearer " + admin}}, csv, "text/csv");
    if (!r) return Unavailable("publish: no answer");
    if (r->status != 200) return InvalidArgument("publish: " + r->body);
    return Status::Ok();
  }

  // Exactly once: the depot holds each of the car's records once, and the
  // car marked synced exactly what the depot holds.
  void ExpectInStep() {
    auto backlog = car_->CountUnsynced();
    ASSERT_TRUE(backlog.ok());
    auto c = depot_->Counts();
    ASSERT_TRUE(c.ok());
    auto reads = car_->CountReads();
    EXPECT_EQ(c->reads, *reads - backlog->reads);
    EXPECT_EQ(c->distinct_read_uuids, c->reads);
    auto synced = car_->FindReads(ReadQuery{});
    ASSERT_TRUE(synced.ok());
    for (const Read& r : *synced) {
      auto held = depot_->Holds("read", r.uuid);
      ASSERT_TRUE(held.ok());
      EXPECT_EQ(*held, r.synced_at_utc_ms.has_value()) << r.uuid;
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<DepotStore> depot_;
  std::unique_ptr<DepotServer> server_;
  std::unique_ptr<Store> car_;
  std::unique_ptr<Matcher> matcher_;
  std::unique_ptr<StoreOutbox> outbox_;
  std::string token_;
  int next_ = 0;
  int next_admin_ = 0;
};

// The car's own store as the outbox: a read the depot refuses for its
// content (its uuid held there under another capture time) is quarantined
// in the store, audited, kept unsynced, and the reads behind it arrive.
TEST_F(StoreSync, AReadTheDepotRefusesIsQuarantinedInTheStoreAndTheRestArrive) {
  Drive(30);
  auto waiting = car_->UnsyncedReads(100);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 30u);
  Read clash = (*waiting)[3];
  clash.captured_at_utc_ms -= 60000;
  ASSERT_TRUE(depot_->IngestReads("CAR1", {clash}).ok());

  SyncClient client(outbox_.get(), Options(server_->port()));
  Status s = client.SyncOnce();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const SyncBacklog after = *car_->CountUnsynced();
  EXPECT_EQ(after.reads, 0);
  EXPECT_EQ(after.quarantined, 1);
  EXPECT_EQ(depot_->Counts()->reads, 1 + 29);
  EXPECT_EQ(client.state().quarantined, 1);
  auto kept = car_->GetRead(clash.uuid);
  ASSERT_TRUE(kept.ok() && kept->has_value()) << "a quarantined read is kept";
  EXPECT_FALSE((*kept)->synced_at_utc_ms.has_value());
  EXPECT_EQ((*kept)->captured_at_utc_ms, clash.captured_at_utc_ms + 60000) << "and not altered";
  auto audit = car_->AuditEntries(1, 1000);
  ASSERT_TRUE(audit.ok());
  int quarantines = 0;
  for (const auto& a : *audit) quarantines += a.action == "sync.quarantine" && a.detail.find(clash.uuid) != std::string::npos;
  EXPECT_EQ(quarantines, 1);
  // The next pass sends nothing more and still shows it.
  SyncClient again(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(again.SyncOnce().ok());
  EXPECT_EQ(again.state().quarantined, 1);
  EXPECT_EQ(depot_->Counts()->reads, 30);
}

TEST_F(StoreSync, ReadsHitsAndAuditOfTheUnitsStoreReachTheDepotOnce) {
  Drive(100);
  ASSERT_TRUE(car_->Audit("1001", "login", "officer 1001 logged in").ok());
  ASSERT_TRUE(car_->Audit("1001", "reads.search", "vrm AB12CDE, reason: incident 42").ok());
  const int64_t audit_in_car = car_->CountUnsynced()->audit;
  ASSERT_GE(audit_in_car, 2);

  SyncClient client(outbox_.get(), Options(server_->port()));
  Status s = client.SyncOnce();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const SyncBacklog after = *car_->CountUnsynced();
  EXPECT_EQ(after.reads, 0);
  EXPECT_EQ(after.hits, 0);
  EXPECT_EQ(after.audit, 0);
  EXPECT_EQ(depot_->Counts()->reads, 100);
  EXPECT_EQ(depot_->Counts()->hits, 20);
  EXPECT_EQ(depot_->Counts()->audit, audit_in_car);
  ExpectInStep();

  // More driving after a reboot of the car: only the new records go, and the
  // audit entries' UUIDs are stable, so nothing is stored twice.
  Drive(30);
  ASSERT_TRUE(car_->Audit("1001", "logout", "end of shift").ok());
  OpenCar();
  SyncClient again(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(again.SyncOnce().ok());
  EXPECT_EQ(depot_->Counts()->reads, 130);
  EXPECT_EQ(depot_->Counts()->hits, 26);
  EXPECT_EQ(depot_->Counts()->audit, audit_in_car + 1);
  ExpectInStep();
}

TEST_F(StoreSync, ALinkCutMidBatchMarksOnlyWhatTheDepotAcknowledged) {
  Drive(120);
  testing::TcpRelay relay(server_->port());
  relay.CutRequestAfterBytes(150 * 1024);  // inside the reads
  SyncClient client(outbox_.get(), Options(relay.port()));
  (void)client.SyncOnce();  // fails, or succeeds after libcurl's own resend
  EXPECT_EQ(relay.cuts(), 1);
  ExpectInStep();
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_EQ(car_->CountUnsynced()->reads, 0);
  EXPECT_EQ(depot_->Counts()->reads, 120);
  ExpectInStep();
}

TEST_F(StoreSync, PublishedHotlistsComeIntoForceInTheCarAndADeltaFollows) {
  ASSERT_TRUE(Publish("PNC", "vrm,priority,reason,make\nAB12 CDE,high,stolen,Ford\nXY51ZZZ,low,no insurance,\n").ok());
  SyncClient client(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(client.SyncOnce().ok());
  const int64_t v1 = *car_->DepotHotlistVersion();
  EXPECT_GT(v1, 0);
  auto hits = matcher_->MatchVrm("AB12CDE", {}, NowUtcMs());
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].list_name, "PNC");
  EXPECT_EQ(hits[0].priority, Priority::kHigh);
  auto entry = car_->GetHotlistEntry("PNC", "AB12CDE");
  ASSERT_TRUE(entry.ok() && entry->has_value());
  EXPECT_EQ((*entry)->make, "Ford");

  // Version 2 at the depot: one removed, one changed, one added.
  ASSERT_TRUE(Publish("PNC", "vrm,priority,reason\nAB12CDE,medium,stolen\nLM99ABC,high,wanted\n").ok());
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_GT(*car_->DepotHotlistVersion(), v1);
  EXPECT_TRUE(matcher_->MatchVrm("XY51ZZZ", {}, NowUtcMs()).empty()) << "removed entries stop hitting";
  ASSERT_EQ(matcher_->MatchVrm("LM99ABC", {}, NowUtcMs()).size(), 1u);
  EXPECT_EQ(matcher_->MatchVrm("AB12CDE", {}, NowUtcMs())[0].priority, Priority::kMedium);

  // After a reboot the lists in force come back from the store, and a pass
  // with nothing new at the depot changes nothing.
  OpenCar();
  EXPECT_EQ(matcher_->MatchVrm("LM99ABC", {}, NowUtcMs()).size(), 1u);
  SyncClient again(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(again.SyncOnce().ok());
  EXPECT_EQ(matcher_->MatchVrm("AB12CDE", {}, NowUtcMs()).size(), 1u);
}

TEST_F(StoreSync, AnUpdateThatCannotApplyLeavesEveryListInForce) {
  ASSERT_TRUE(Publish("PNC", "vrm,priority,reason\nAB12CDE,high,stolen\n").ok());
  SyncClient client(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(client.SyncOnce().ok());
  const int64_t version = *car_->DepotHotlistVersion();

  // A good change to a new list, then a delta from a version the car never had.
  HotlistUpdate bad;
  bad.latest_version = version + 10;
  HotlistDelta fresh;
  fresh.list_name = "MIB";
  fresh.full = true;
  fresh.to_version = 1;
  fresh.added.push_back({"ZZ99ZZZ", Priority::kLow, "uninsured", "", "", "", "", "", ""});
  HotlistDelta stale;
  stale.list_name = "PNC";
  stale.from_version = 99;
  stale.to_version = 100;
  stale.removed_vrms = {"AB12CDE"};
  bad.lists = {fresh, stale};
  Status s = outbox_->ApplyHotlistUpdate(bad);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("PNC"), std::string::npos) << s.ToString();
  EXPECT_EQ(*car_->DepotHotlistVersion(), version);
  EXPECT_EQ(matcher_->MatchVrm("AB12CDE", {}, NowUtcMs()).size(), 1u);
  EXPECT_TRUE(matcher_->MatchVrm("ZZ99ZZZ", {}, NowUtcMs()).empty()) << "half an update came into force";
  EXPECT_FALSE(car_->GetHotlistEntry("MIB", "ZZ99ZZZ")->has_value());

  // A malformed expiry is refused by name.
  HotlistUpdate garbled;
  garbled.latest_version = version + 1;
  HotlistDelta g = fresh;
  g.added[0].valid_until = "next tuesday";
  garbled.lists = {g};
  s = outbox_->ApplyHotlistUpdate(garbled);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("valid_until"), std::string::npos) << s.ToString();
}

TEST_F(StoreSync, WantedPlatesEnteredByOfficersReachTheDepotOnce) {
  const int64_t now = NowUtcMs();
  OfficerEntry oe;
  oe.uuid = NewUuid();
  oe.list_name = "officer";
  oe.entry.vrm = "KX19ABC";
  oe.entry.priority = Priority::kHigh;
  oe.entry.reason = "seen leaving a robbery";
  oe.entry.valid_until_utc_s = (now + 7LL * 24 * 3600 * 1000) / 1000;
  oe.entered_by = "4711";
  oe.entered_at_utc_ms = now;
  ASSERT_TRUE(car_->AddOfficerEntry(oe, matcher_.get()).ok());
  Drive(3);
  ASSERT_EQ(car_->CountUnsynced()->officer_entries, 1);

  SyncClient client(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_EQ(car_->CountUnsynced()->officer_entries, 0);
  EXPECT_EQ(depot_->Counts()->wanted, 1);
  EXPECT_TRUE(*depot_->Holds("wanted", oe.uuid));
  // Still in force in the car after it went to the depot.
  EXPECT_EQ(matcher_->MatchVrm("KX19ABC", {}, NowUtcMs()).size(), 1u);

  // Sent again (as after a lost answer): acknowledged, stored once.
  std::vector<WantedEntry> again = *StoreOutbox(car_.get(), nullptr, "CAR1").UnsyncedWanted(10);
  EXPECT_TRUE(again.empty()) << "marked entries are not sent again";
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_EQ(depot_->Counts()->wanted, 1);
}

// An investigation hold placed in the car reaches the depot on the next
// pass (before the reads), once, so that the depot's retention keeps the
// reads it names as the car does (issue 15).
TEST_F(StoreSync, AHoldPlacedInTheCarReachesTheDepotOnce) {
  const int64_t now = NowUtcMs();
  ReadHold hold{NewUuid(), "KX19ABC", "operation nightjar 4471", "200", now, now + 30LL * 24 * 3600 * 1000, {}};
  ASSERT_TRUE(car_->AddHold(hold).ok());
  Drive(2);
  SyncClient client(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_TRUE(*depot_->Holds("hold", hold.uuid));
  EXPECT_TRUE(car_->UnsyncedHolds(10)->empty()) << "marked synced once the depot acknowledged it";
  ASSERT_TRUE(client.SyncOnce().ok());
  ExpectInStep();
}

// An export as `anpr reads export` lays it out: each read's images, its
// record naming them, reads.json, the manifest signed by `key`. The plate
// image of `altered_uuid` is changed first (as if altered in the car after
// it was sent).
void ExportReads(const std::string& dir, const std::vector<Read>& reads, const SigningKey& key,
                 const std::string& altered_uuid = "") {
  std::filesystem::create_directories(dir);
  std::vector<std::string> files;
  std::string records = "[";
  for (const Read& r : reads) {
    for (const auto& [what, bytes] : {std::pair<std::string, std::vector<uint8_t>>{"plate", r.plate_jpeg},
                                      {"overview", r.overview_jpeg}}) {
      std::vector<uint8_t> out = bytes;
      if (what == "plate" && r.uuid == altered_uuid) out[out.size() / 2] ^= 0x10;
      std::ofstream(dir + "/" + r.uuid + "-" + what + ".jpg", std::ios::binary)
          .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
      files.push_back(r.uuid + "-" + what + ".jpg");
    }
    if (records.size() > 1) records += ",";
    records += R"({"uuid":")" + r.uuid + R"(","plate_jpeg":")" + r.uuid + R"(-plate.jpg","overview_jpeg":")" +
               r.uuid + R"(-overview.jpg"})";
  }
  records += "]";
  std::ofstream(dir + "/reads.json") << records;
  files.push_back("reads.json");
  ASSERT_TRUE(WriteSignedManifest(dir, {"CAR1", "200", "court bundle 88 for R v Smith", NowUtcMs()}, records, files,
                                  key)
                  .ok());
}

// Evidence (issue 15): the car's signing key is enrolled with its token on
// sync; an export is checked at the depot against the enrolled key and the
// image hashes the depot computed when the car sent the reads.
TEST_F(StoreSync, TheCarsKeyIsEnrolledAndAnExportIsCheckedAgainstWhatTheCarSent) {
  auto key = SigningKey::LoadOrCreate(dir_.File("unit-signing-key.pem"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  Drive(3);
  SyncClientOptions o = Options(server_->port());
  o.signing_public_key_hex = key->PublicKeyHex();
  SyncClient client(outbox_.get(), o);
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_EQ(depot_->SigningKeyOf("CAR1")->value_or(""), key->PublicKeyHex());

  ReadQuery q;
  q.with_images = true;
  auto reads = car_->FindReads(q);
  ASSERT_TRUE(reads.ok());
  ASSERT_EQ(reads->size(), 3u);
  auto hashes = depot_->ImageHashesAsReceived(reads->front().uuid);
  ASSERT_TRUE(hashes.ok() && hashes->has_value());
  const auto& plate = reads->front().plate_jpeg;
  EXPECT_EQ((*hashes)->plate_sha256, Sha256Hex(std::string(plate.begin(), plate.end())));

  ExportReads(dir_.File("export"), *reads, *key);
  auto check = CheckExportAtDepot(depot_.get(), dir_.File("export"));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->check.intact()) << check->check.problems.front();
  EXPECT_EQ(check->reads_compared, 3);

  // Signed by the car, but an image is not the one the car sent.
  ExportReads(dir_.File("altered"), *reads, *key, (*reads)[1].uuid);
  EXPECT_TRUE(VerifyExport(dir_.File("altered"), key->PublicKeyHex())->intact()) << "self-consistent";
  check = CheckExportAtDepot(depot_.get(), dir_.File("altered"));
  ASSERT_TRUE(check.ok());
  const std::vector<std::string> expected = {"read " + (*reads)[1].uuid +
                                             ": plate image differs from what the car sent"};
  EXPECT_EQ(check->check.problems, expected);
  // The same checks as the depot's administrator runs them.
  auto depot_verify = [&](const std::string& folder) {
    const std::string cmd = std::string(ANPR_BINARY_DIR) + "/sync/app/anpr-depot --db sqlite:" +
                            dir_.File("depot.db") + " reads verify " + folder + " 2>&1";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = p ? pclose(p) : -1;
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  };
  auto [code, out] = depot_verify(dir_.File("export"));
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("export intact: 3 reads from unit CAR1, signed by its enrolled key; 3 reads' images as the car sent"),
            std::string::npos)
      << out;
  std::tie(code, out) = depot_verify(dir_.File("altered"));
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("plate image differs from what the car sent"), std::string::npos) << out;

  // Another key presented with CAR1's token: the first stays, a security
  // event is kept, and the records still go.
  auto stranger = SigningKey::LoadOrCreate(dir_.File("other/unit-signing-key.pem"));
  ASSERT_TRUE(stranger.ok());
  const int64_t events = depot_->Counts()->security_events;
  o.signing_public_key_hex = stranger->PublicKeyHex();
  Drive(1);
  SyncClient impostor(outbox_.get(), o);
  ASSERT_TRUE(impostor.SyncOnce().ok());
  EXPECT_EQ(depot_->SigningKeyOf("CAR1")->value_or(""), key->PublicKeyHex());
  EXPECT_EQ(depot_->Counts()->security_events, events + 1);
  ExpectInStep();
}

TEST_F(StoreSync, AnOutcomeRecordedWhileItsHitIsInFlightStillReachesTheDepot) {
  Drive(5);  // one hit, on the first read
  auto hits = outbox_->UnsyncedHits(10);  // the sync client takes the batch ...
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  const std::string uuid = (*hits)[0].uuid;
  // ... the officer confirms the hit while the batch is on the wire ...
  ASSERT_TRUE(car_->SetHitOutcome(uuid, HitOutcome::kConfirmed, "4711", "", NowUtcMs() + 1).ok());
  // ... and the depot acknowledges the batch with the old outcome.
  ASSERT_TRUE(outbox_->MarkSynced(RecordKind::kHit, {uuid}, NowUtcMs()).ok());
  EXPECT_EQ(car_->CountUnsynced()->hits, 1) << "the confirmed outcome would never reach the depot";

  SyncClient client(outbox_.get(), Options(server_->port()));
  ASSERT_TRUE(client.SyncOnce().ok());
  EXPECT_EQ(car_->CountUnsynced()->hits, 0);
  auto stored = car_->GetHit(uuid);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->outcome, HitOutcome::kConfirmed);
  EXPECT_EQ(depot_->Counts()->hits, 1);
}

TEST(AuditUuid, StablePerEntryAndDistinctPerUnit) {
  const std::string h(64, 'a');
  EXPECT_EQ(AuditUuid("CAR1", h), AuditUuid("CAR1", h));
  EXPECT_NE(AuditUuid("CAR1", h), AuditUuid("CAR2", h));
  EXPECT_NE(AuditUuid("CAR1", h), AuditUuid("CAR1", std::string(64, 'b')));
  EXPECT_TRUE(IsValidUuid(AuditUuid("CAR1", h)));
}

}  // namespace
}  // namespace anpr::sync
