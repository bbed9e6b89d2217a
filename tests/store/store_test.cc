// The on-board store against a real SQLite file: reads and images survive
// reopening and a kill -9, sync bookkeeping, atomic hotlist versions, a full
// disk that never costs an unsynced read, retention and a tamper-evident
// audit log.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "tests/store/test_util.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/store/retention.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using anpr::testing::MakeRead;
using anpr::testing::TempDir;

constexpr int64_t kT0 = 1'800'000'000'000;

std::unique_ptr<Store> OpenOrDie(const std::string& path, int64_t max_pages = 0) {
  StoreOptions o;
  o.path = path;
  o.max_page_count = max_pages;
  o.full_retry_ms = 20;
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

int RunShell(const std::string& cmd) { return std::system(cmd.c_str()); }

TEST(Store, ReadRoundTripsWithBothImagesAndSurvivesReopen) {
  TempDir dir;
  Read r = MakeRead("AB12CDE", kT0);
  {
    auto store = OpenOrDie(dir.File("unit.db"));
    ASSERT_TRUE(store->CommitRead(r).ok());
    // A resend of the same read (same uuid) changes nothing.
    Read again = r;
    again.vrm = "ZZ99ZZZ";
    ASSERT_TRUE(store->CommitRead(again).ok());
  }
  auto store = OpenOrDie(dir.File("unit.db"));
  auto got = store->GetRead(r.uuid);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  const Read& g = **got;
  EXPECT_EQ(g.vrm, "AB12CDE");
  EXPECT_EQ(g.confidence, r.confidence);
  EXPECT_EQ(g.char_confidence, r.char_confidence);
  ASSERT_EQ(g.candidates.size(), 1u);
  EXPECT_EQ(g.candidates[0].vrm, "AB12CDEX");
  EXPECT_EQ(g.captured_at_utc_ms, kT0);
  EXPECT_EQ(g.clock_source, ClockSource::kGps);
  EXPECT_EQ(g.camera_id, "front");
  EXPECT_EQ(g.officer_id, "4711");
  EXPECT_EQ(g.position.mode, FixMode::k3D);
  EXPECT_DOUBLE_EQ(g.position.lat_deg, 51.5);
  EXPECT_TRUE(std::isnan(g.position.heading_deg));
  EXPECT_EQ(g.plate_jpeg, r.plate_jpeg);
  EXPECT_EQ(g.overview_jpeg, r.overview_jpeg);
  EXPECT_FALSE(g.synced_at_utc_ms.has_value());
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

TEST(Store, RefusesAStoreFromANewerBuild) {
  TempDir dir;
  { OpenOrDie(dir.File("unit.db")); }
  ASSERT_EQ(RunShell("sqlite3 " + dir.File("unit.db") + " 'PRAGMA user_version=99'"), 0);
  StoreOptions o;
  o.path = dir.File("unit.db");
  auto s = Store::Open(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("schema version 99 is newer than this build's"), std::string::npos);
}

TEST(Store, SyncListsOldestFirstInBatchesAndMarksByUuid) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("unit.db"));
  std::vector<Read> reads;
  for (int i = 0; i < 5; ++i) reads.push_back(MakeRead("AB" + std::to_string(i), kT0 + (5 - i) * 1000));
  for (const Read& r : reads) ASSERT_TRUE(store->CommitRead(r).ok());
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = reads[0].uuid;
  h.list_name = "pnc";
  h.entry_vrm = "AB0";
  ASSERT_TRUE(store->CommitHits({h}).ok());

  auto batch = store->UnsyncedReads(2);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ((*batch)[0].uuid, reads[4].uuid);  // captured first
  EXPECT_EQ((*batch)[1].uuid, reads[3].uuid);
  EXPECT_EQ((*batch)[0].plate_jpeg, reads[4].plate_jpeg);
  ASSERT_TRUE(store->MarkReadsSynced({(*batch)[0].uuid, (*batch)[1].uuid, "no-such-uuid"}, kT0 + 9000).ok());
  auto rest = store->UnsyncedReads(100);
  ASSERT_EQ(rest->size(), 3u);
  EXPECT_EQ((*rest)[0].uuid, reads[2].uuid);
  EXPECT_EQ(*(*store->GetRead(reads[4].uuid))->synced_at_utc_ms, kT0 + 9000);

  auto hits = store->UnsyncedHits(10);
  ASSERT_EQ(hits->size(), 1u);
  ASSERT_TRUE(store->MarkHitsSynced({h.uuid}, kT0).ok());
  EXPECT_TRUE(store->UnsyncedHits(10)->empty());
  // An outcome recorded later must reach the depot too.
  ASSERT_TRUE(store->SetHitOutcome(h.uuid, HitOutcome::kConfirmed, "4711", "", kT0 + 1).ok());
  hits = store->UnsyncedHits(10);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].outcome, HitOutcome::kConfirmed);
  EXPECT_EQ((*hits)[0].outcome_by, "4711");
  EXPECT_EQ(store->SetHitOutcome(h.uuid, HitOutcome::kNotActioned, "4711", "", kT0).code(),
            StatusCode::kInvalidArgument);

  auto audit = store->UnsyncedAudit(100);
  ASSERT_FALSE(audit->empty());
  std::vector<int64_t> seqs;
  for (const auto& a : *audit) seqs.push_back(a.seq);
  ASSERT_TRUE(store->MarkAuditSynced(seqs, kT0).ok());
  EXPECT_TRUE(store->UnsyncedAudit(100)->empty());
  EXPECT_TRUE(store->VerifyAudit()->ok);  // marking synced is not tampering
}

std::vector<HotlistEntry> Entries(std::initializer_list<const char*> vrms, Priority p = Priority::kHigh) {
  std::vector<HotlistEntry> out;
  for (const char* v : vrms) {
    HotlistEntry e;
    e.vrm = v;
    e.priority = p;
    e.reason = std::string("reason for ") + v;
    out.push_back(e);
  }
  return out;
}

TEST(Store, HotlistVersionsSwapAtomicallyAndDeltasNeedTheirBase) {
  TempDir dir;
  HotlistMeta meta;
  meta.name = "pnc";
  meta.source = ListSource::kPnc;
  meta.colour = "#ff0000";
  {
    auto store = OpenOrDie(dir.File("unit.db"));
    Matcher matcher;
    ASSERT_TRUE(store->ApplyHotlistVersion(meta, Entries({"AAA1", "BBB2"}), "test", &matcher).ok());
    EXPECT_EQ(matcher.List("pnc")->meta().version, 1);
    // An older or equal version is refused and changes nothing.
    meta.version = 1;
    Status s = store->ApplyHotlistVersion(meta, Entries({"CCC3"}), "test", &matcher);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), "hotlist pnc: version 1 is not newer than the version in force (1)");
    EXPECT_TRUE(store->GetHotlistEntry("pnc", "AAA1")->has_value());
    EXPECT_FALSE(store->GetHotlistEntry("pnc", "CCC3")->has_value());

    HotlistDelta d;
    d.base_version = 3;
    d.new_version = 4;
    d.adds = Entries({"DDD4"});
    EXPECT_EQ(store->ApplyHotlistDelta("pnc", d, "test", &matcher).code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(matcher.Match(MakeRead("DDD4", kT0), kT0).empty());
    d.base_version = 1;
    d.new_version = 2;
    d.removes = {"AAA1"};
    ASSERT_TRUE(store->ApplyHotlistDelta("pnc", d, "test", &matcher).ok());
    EXPECT_EQ(matcher.Match(MakeRead("DDD4", kT0), kT0).size(), 1u);
    EXPECT_TRUE(matcher.Match(MakeRead("AAA1", kT0), kT0).empty());
  }
  // After a restart the matcher is rebuilt from the store: the same answers.
  auto store = OpenOrDie(dir.File("unit.db"));
  Matcher matcher;
  ASSERT_TRUE(store->LoadMatcher(&matcher).ok());
  EXPECT_EQ(matcher.List("pnc")->meta().version, 2);
  EXPECT_EQ(matcher.Match(MakeRead("DDD4", kT0), kT0).size(), 1u);
  EXPECT_EQ(matcher.Match(MakeRead("BBB2", kT0), kT0).size(), 1u);
  EXPECT_TRUE(matcher.Match(MakeRead("AAA1", kT0), kT0).empty());
  auto lists = store->Hotlists();
  ASSERT_EQ(lists->size(), 1u);
  EXPECT_EQ((*lists)[0].source, ListSource::kPnc);
  auto entry = store->GetHotlistEntry("pnc", "BBB2");
  ASSERT_TRUE(entry->has_value());
  EXPECT_EQ((*entry)->reason, "reason for BBB2");
}

// Power cut: a child process writes reads as fast as it can and reports each
// one the store acknowledged; it is killed with SIGKILL mid-run. Every
// acknowledged read must be there afterwards and the file must be sound.
TEST(Store, EachListSaysWhenItsVersionCameIntoForce) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("unit.db"));
  HotlistMeta meta;
  meta.name = "pnc";
  const int64_t before = NowUtcMs();
  ASSERT_TRUE(store->ApplyHotlistVersion(meta, Entries({"AAA1"}), "test", nullptr).ok());
  auto lists = store->Hotlists();
  ASSERT_TRUE(lists.ok());
  ASSERT_EQ(lists->size(), 1u);
  // The status bar's hotlist age is computed from this.
  EXPECT_GE((*lists)[0].updated_at_utc_ms, before);
  EXPECT_LE((*lists)[0].updated_at_utc_ms, NowUtcMs());
}

TEST(Store, KillDashNineLosesNothingAcknowledged) {
  TempDir dir;
  const std::string path = dir.File("unit.db");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    StoreOptions o;
    o.path = path;
    auto store = Store::Open(o);
    if (!store.ok()) _exit(3);
    std::atomic<int> in_flight{0};
    for (int i = 0;; ++i) {
      while (in_flight.load() > 64) std::this_thread::sleep_for(std::chrono::microseconds(200));
      Read r = MakeRead("KL" + std::to_string(i), kT0 + i, 8000);
      const std::string ack = r.uuid + "\n";
      ++in_flight;
      (*store)->SubmitRead(std::move(r), {}, [ack, &in_flight, fd = fds[1]](const Status& s) {
        if (s.ok() && write(fd, ack.data(), ack.size()) != static_cast<ssize_t>(ack.size())) _exit(4);
        --in_flight;
      });
    }
  }
  close(fds[1]);
  std::string acks;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::count(acks.begin(), acks.end(), '\n') < 400 && std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acks.append(buf, static_cast<size_t>(n));
  }
  kill(pid, SIGKILL);
  for (;;) {  // acknowledgements written before the kill
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    acks.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child ended by itself: " << status;

  std::vector<std::string> uuids;
  size_t pos = 0;
  while (pos < acks.size()) {
    const size_t nl = acks.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line is not an acknowledgement
    uuids.push_back(acks.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_GE(uuids.size(), 50u);
  auto store = OpenOrDie(path);
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
  for (const std::string& u : uuids) {
    auto r = store->GetRead(u);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->has_value()) << "acknowledged read " << u << " lost";
    EXPECT_EQ((*r)->plate_jpeg.size(), 8000u);
  }
  EXPECT_GE(*store->CountReads(), static_cast<int64_t>(uuids.size()));
}

// A full disk (simulated by a page quota): reading goes on (writes queue),
// the officer is told, images of synced reads make room, and no unsynced
// read is ever deleted.
TEST(Store, FullDiskQueuesReadsFreesSyncedImagesAndKeepsUnsyncedReads) {
  TempDir dir;
  std::mutex mu;
  std::vector<std::string> committed;
  std::vector<Read> submitted;
  {
    // Without a spill file (tests/security/disk_full_test.cc has the one the
    // unit uses): reads wait in memory, so the queue shows.
    StoreOptions o;
    o.path = dir.File("unit.db");
    o.max_page_count = 160;
    o.full_retry_ms = 20;
    o.spill_bytes = 0;
    auto opened = Store::Open(o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    auto store = std::move(opened).value();
    for (int i = 0; i < 150; ++i) {
      Read r = MakeRead("FD" + std::to_string(i), kT0 + i, 3000);
      submitted.push_back(r);
      const auto t0 = std::chrono::steady_clock::now();
      store->SubmitRead(r, {}, [&mu, &committed, uuid = r.uuid](const Status& s) {
        if (s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          committed.push_back(uuid);
        }
      });
      EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50)) << "recognition waited";
    }
    auto wait_for = [&](auto pred) {
      for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return pred();
    };
    ASSERT_TRUE(wait_for([&] { return store->state().disk_full; }));
    const StoreState full = store->state();
    EXPECT_GT(full.queued_writes, 0u);
    EXPECT_NE(full.last_error.find("store full"), std::string::npos) << full.last_error;
    size_t before = 0;
    std::vector<std::string> to_sync;
    {
      std::lock_guard<std::mutex> lock(mu);
      before = committed.size();
      to_sync.assign(committed.begin(), committed.begin() + static_cast<ptrdiff_t>(committed.size() / 2));
    }
    ASSERT_GT(before, 10u);
    ASSERT_LT(before, 150u);
    // The depot acknowledges half of them: their images may now go.
    ASSERT_TRUE(store->MarkReadsSynced(to_sync, kT0 + 10'000).ok());
    ASSERT_TRUE(wait_for([&] {
      std::lock_guard<std::mutex> lock(mu);
      return committed.size() > before;
    }));
    EXPECT_GT(store->state().images_freed, 0);

    std::set<std::string> synced(to_sync.begin(), to_sync.end());
    std::lock_guard<std::mutex> lock(mu);
    for (const std::string& u : committed) {
      auto r = store->GetRead(u);
      ASSERT_TRUE(r.ok());
      ASSERT_TRUE(r->has_value()) << "committed read " << u << " deleted";
      if (!synced.count(u)) {
        EXPECT_EQ((*r)->plate_jpeg.size(), 3000u) << "image of an unsynced read removed";
      }
    }
    EXPECT_EQ(*store->IntegrityCheck(), "ok");
  }
}

TEST(Store, RetentionCapWinsAndSyncedImagesGoSooner) {
  TempDir dir;
  auto store = OpenOrDie(dir.File("unit.db"));
  const int64_t now = kT0;
  Read ancient_synced = MakeRead("OLD1", now - 800 * kDayMs);
  Read ancient_unsynced = MakeRead("OLD2", now - 800 * kDayMs);
  Read month_synced = MakeRead("MID1", now - 40 * kDayMs);
  Read month_unsynced = MakeRead("MID2", now - 40 * kDayMs);
  Read fresh_synced = MakeRead("NEW1", now - kDayMs);
  for (const Read* r : {&ancient_synced, &ancient_unsynced, &month_synced, &month_unsynced, &fresh_synced}) {
    ASSERT_TRUE(store->CommitRead(*r).ok());
  }
  Hit h;
  h.uuid = NewUuid();
  h.read_uuid = ancient_unsynced.uuid;
  h.list_name = "l";
  h.entry_vrm = "OLD2";
  ASSERT_TRUE(store->CommitHits({h}).ok());
  ASSERT_TRUE(store->MarkReadsSynced({ancient_synced.uuid, month_synced.uuid, fresh_synced.uuid}, now).ok());

  RetentionConfig too_long;
  too_long.max_age_ms = 731 * kDayMs;
  EXPECT_EQ(ApplyRetention(store.get(), too_long, now).status().code(), StatusCode::kInvalidArgument);

  auto counts = ApplyRetention(store.get(), RetentionConfig{}, now);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->reads_deleted, 2);
  EXPECT_EQ(counts->unsynced_reads_deleted, 1);
  EXPECT_EQ(counts->hits_deleted, 1);
  EXPECT_EQ(counts->images_deleted, 1);
  EXPECT_FALSE(store->GetRead(ancient_synced.uuid)->has_value());
  EXPECT_FALSE(store->GetRead(ancient_unsynced.uuid)->has_value());
  EXPECT_FALSE(store->GetHit(h.uuid)->has_value());
  auto mid = store->GetRead(month_synced.uuid);
  ASSERT_TRUE(mid->has_value());
  EXPECT_TRUE((*mid)->plate_jpeg.empty());
  EXPECT_EQ((*store->GetRead(month_unsynced.uuid))->plate_jpeg.size(), 2000u);
  EXPECT_EQ((*store->GetRead(fresh_synced.uuid))->plate_jpeg.size(), 2000u);
  auto audit = store->AuditEntries(1, 100);
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->back().action, "retention.purge");
  EXPECT_NE(audit->back().detail.find("never synced: 1"), std::string::npos) << audit->back().detail;
}

TEST(Store, AuditLogIsAppendOnlyAndTamperingIsNamed) {
  TempDir dir;
  const std::string path = dir.File("unit.db");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->Audit("4711", "login", "session 1").ok());
    ASSERT_TRUE(store->Audit("4711", "reads.search", "vrm=AB12CDE; reason: incident 42").ok());
    ASSERT_TRUE(store->Audit("4711", "logout", "session 1").ok());
    auto v = store->VerifyAudit();
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok) << v->problem;
    EXPECT_EQ(v->entries_checked, 3);
  }
  // The triggers refuse a plain edit or delete.
  EXPECT_NE(RunShell("sqlite3 " + path + " \"UPDATE audit SET detail='x' WHERE seq=2\" 2>/dev/null"), 0);
  EXPECT_NE(RunShell("sqlite3 " + path + " \"DELETE FROM audit WHERE seq=3\" 2>/dev/null"), 0);
  // Someone who drops the guard and edits entry 2 is caught, and told where.
  ASSERT_EQ(RunShell("sqlite3 " + path +
                     " \"DROP TRIGGER audit_no_update; UPDATE audit SET detail='vrm=AB12CDE; reason: none' "
                     "WHERE seq=2\""),
            0);
  auto store = OpenOrDie(path);
  auto v = store->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  // Removing a trigger alone already fails the check.
  EXPECT_EQ(v->problem, "the audit log's append-only triggers have been removed");
}

TEST(Store, AuditVerifyNamesTheChangedEntry) {
  TempDir dir;
  const std::string path = dir.File("unit.db");
  {
    auto store = OpenOrDie(path);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(store->Audit("4711", "login", "session " + std::to_string(i)).ok());
  }
  // Edit with the guard bypassed, then put the guard back so only the chain can tell.
  ASSERT_EQ(RunShell("sqlite3 " + path +
                     " \"PRAGMA writable_schema=OFF; DROP TRIGGER audit_no_update; "
                     "UPDATE audit SET officer='9999' WHERE seq=3; "
                     "CREATE TRIGGER audit_no_update BEFORE UPDATE OF seq, at_utc_ms, officer, action, detail, "
                     "prev_hash, hash ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;\""),
            0);
  auto store = OpenOrDie(path);
  auto v = store->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->bad_seq, 3);
  EXPECT_EQ(v->problem, "entry 3 (login): hash does not match its content (the entry was changed)");
}

// Issue 15: a read stamped while the clock was not verified keeps its flag
// and its measured offset in the store, through a reopen.
TEST(Store, AClockUnverifiedReadKeepsItsFlagAndOffset) {
  TempDir dir;
  Read r = MakeRead("AB12CDE", kT0);
  r.clock_unverified = true;
  r.clock_offset_ms = -2100;
  Read ok = MakeRead("XY51ABC", kT0);
  {
    auto store = OpenOrDie(dir.File("unit.db"));
    ASSERT_TRUE(store->CommitRead(r).ok());
    ASSERT_TRUE(store->CommitRead(ok).ok());
  }
  auto store = OpenOrDie(dir.File("unit.db"));
  auto back = store->GetRead(r.uuid, true);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_TRUE((*back)->clock_unverified);
  EXPECT_EQ((*back)->clock_offset_ms, -2100);
  EXPECT_FALSE((*store->GetRead(ok.uuid, false))->clock_unverified);
}

}  // namespace
}  // namespace anpr
