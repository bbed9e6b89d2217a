// Issue 14, failure 5 ("disk full"), against a real store on a real small
// filesystem (a 4 MB tmpfs mounted for each test; skipped, saying why, where
// mounting is not allowed): a stop on a full disk is bounded, every read the
// store accepted survives a kill -9, and the retention purge still frees
// images of synced reads when the disk is full.
//
// Each scenario that could hang (before the fix it did) runs in a forked
// child that the test kills after a deadline, so a hang is a failure in
// bounded time, not a stuck suite.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/temp_dir.h"
#include "vehicle/records/store_key.h"
#include "vehicle/alerts/hit_pipeline.h"
#include "vehicle/app/unit_status.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/store/retention.h"
#include "vehicle/store/src/spill_file.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using anpr::testing::TempDir;

constexpr int64_t kT0 = 1'800'000'000'000;
constexpr size_t kJpegBytes = 4000;

Read MakeRead(const std::string& vrm, int64_t at_utc_ms) {
  Read r;
  r.uuid = NewUuid();
  r.vrm = vrm;
  r.confidence = 90;
  r.captured_at_utc_ms = at_utc_ms;
  r.camera_id = "front";
  r.unit_id = "car-7";
  r.officer_id = "4711";
  r.plate_jpeg.assign(kJpegBytes, 0xAB);
  r.overview_jpeg.assign(kJpegBytes, 0xCD);
  return r;
}

// A 4 MB tmpfs mounted on a fresh folder for one test; unmounted after.
class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mount_point_ = dir_.File("fs");
    ::mkdir(mount_point_.c_str(), 0755);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=4m") != 0) {
      GTEST_SKIP() << "cannot mount a 4 MB tmpfs on " << mount_point_ << " (" << std::strerror(errno)
                   << "): mounting needs root or CAP_SYS_ADMIN, so the disk-full tests do not run here";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }

  StoreOptions Options(int64_t reserve_bytes = 512 << 10) const {
    StoreOptions o;
    o.path = mount_point_ + "/unit.db";
    o.full_retry_ms = 20;
    o.spill_bytes = 1 << 20;
    o.reserve_bytes = reserve_bytes;
    return o;
  }
  // Writes a filler file until the filesystem has no room left.
  void FillDisk() const {
    const std::string filler = mount_point_ + "/filler";
    const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0);
    std::vector<char> chunk(4096, 'x');
    while (::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    ::fsync(fd);
    ::close(fd);
  }
  void FreeDisk() const { ::unlink((mount_point_ + "/filler").c_str()); }

  TempDir dir_;
  std::string mount_point_;
  bool mounted_ = false;
};

// Runs `body` in a forked child; its result (empty: ok) comes back through a
// pipe. A child still running after deadline_ms is killed: that is a hang.
std::string RunBounded(const std::function<std::string()>& body, int deadline_ms) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    const std::string result = body();
    const std::string message = "done:" + result;
    (void)!::write(fds[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadline_ms);
  for (;;) {  // until the child closes the pipe (it is done or died) or the deadline
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fds[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0) {
      timed_out = true;
      break;
    }
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  if (timed_out) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return "did not finish within " + std::to_string(deadline_ms) + " ms (killed)";
  }
  ::waitpid(pid, &status, 0);
  if (out.rfind("done:", 0) != 0) return "child died: " + out;
  return out.substr(5);
}

class NullSink : public AlertSink {
 public:
  void OnAlert(const Alert&) override {}
};

// The reported failure: SIGTERM on a full disk did not stop the unit. The
// pipeline and the store stop within a deadline, and the reads handed in are
// there after room is made.
TEST_F(DiskFullTest, StopIsBoundedAndEveryReadHandedInIsKept) {
  std::vector<Read> reads;
  for (int i = 0; i < 24; ++i) reads.push_back(MakeRead("STOP" + std::to_string(i), kT0 + i));
  {
    auto s = Store::Open(Options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  FillDisk();
  const std::string result = RunBounded(
      [&]() -> std::string {
        auto s = Store::Open(Options());
        if (!s.ok()) return "open: " + s.status().ToString();
        std::unique_ptr<Store> store = std::move(s).value();
        FillDisk();  // opening took some of the reserve
        Matcher matcher;
        AlertPolicy policy(store.get(), &matcher);
        NullSink sink;
        HitPipeline pipeline(store.get(), &policy, &sink);
        pipeline.Start();
        for (const Read& r : reads) pipeline.OnRead(r);
        const auto t0 = std::chrono::steady_clock::now();
        pipeline.Stop(2000);
        store.reset();  // the unit's shutdown: the store closes after the pipeline
        const auto took = std::chrono::steady_clock::now() - t0;
        if (took > std::chrono::seconds(5)) {
          return "stop took " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) +
                 " ms";
        }
        return "";
      },
      20'000);
  ASSERT_EQ(result, "") << "stopping on a full disk";
  FreeDisk();
  auto s = Store::Open(Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::unique_ptr<Store> store = std::move(s).value();
  for (const Read& r : reads) {
    auto got = store->GetRead(r.uuid);
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->has_value()) << "read " << r.vrm << " handed in before the stop was lost";
    EXPECT_EQ((*got)->plate_jpeg, r.plate_jpeg) << r.vrm;
    EXPECT_EQ((*got)->overview_jpeg, r.overview_jpeg) << r.vrm;
  }
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
}

// Without any room for reads (no spill file), the stop is still bounded;
// what could not be stored is reported to its callers, not silently dropped.
TEST_F(DiskFullTest, StopIsBoundedEvenWithoutASpillFile) {
  {
    auto s = Store::Open(Options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  FillDisk();
  const std::string result = RunBounded(
      [&]() -> std::string {
        StoreOptions o = Options();
        o.spill_bytes = 0;
        auto s = Store::Open(o);
        if (!s.ok()) return "open: " + s.status().ToString();
        std::unique_ptr<Store> store = std::move(s).value();
        Matcher matcher;
        AlertPolicy policy(store.get(), &matcher);
        NullSink sink;
        auto pipeline = std::make_unique<HitPipeline>(store.get(), &policy, &sink);
        pipeline->Start();
        // More than the reserve file can make room for.
        for (int i = 0; i < 100; ++i) pipeline->OnRead(MakeRead("NOSP" + std::to_string(i), kT0 + i));
        auto failed = std::make_shared<std::atomic<int>>(0);
        store->SubmitRead(MakeRead("LAST", kT0 + 99), {}, [failed](const Status& st) {
          if (st.code() == StatusCode::kResourceExhausted) ++*failed;
        });
        pipeline->Stop(500);
        pipeline.reset();  // the store's callbacks for its reads run after this
        store.reset();
        if (*failed != 1) return "the read that could not be stored was not reported as failed";
        return "";
      },
      20'000);
  EXPECT_EQ(result, "") << "stopping on a full disk without a spill file";
}

// The reported failure: after SIGKILL on a full disk, 13 of 24 queued reads
// were lost. Every read the store accepted (its callback said Ok) is there
// after the kill, and on a full disk all of them are accepted promptly.
TEST_F(DiskFullTest, AcceptedReadsSurviveAKillOnAFullDisk) {
  // Opening on the full disk takes all of it: the 24 reads find no room.
  constexpr int64_t kSmallReserve = 128 << 10;
  {
    auto s = Store::Open(Options(kSmallReserve));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    ASSERT_TRUE((*s)->CommitRead(MakeRead("BEFORE1", kT0)).ok());
  }
  FillDisk();
  std::vector<Read> reads;
  for (int i = 0; i < 24; ++i) reads.push_back(MakeRead("KILL" + std::to_string(i), kT0 + 100 + i));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto s = Store::Open(Options(kSmallReserve));
    if (!s.ok()) ::_exit(3);
    Store* store = s->release();  // never closed: this process is killed
    FillDisk();                    // opening took some of the reserve
    const int out = fds[1];
    for (const Read& r : reads) {
      store->SubmitRead(r, {}, [out, uuid = r.uuid](const Status& st) {
        if (!st.ok()) return;
        const std::string line = uuid + "\n";
        (void)!::write(out, line.data(), line.size());
      });
    }
    for (;;) ::pause();
  }
  ::close(fds[1]);
  std::set<std::string> accepted;
  std::string buffered;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (accepted.size() < reads.size()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[1024];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    buffered.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = buffered.find('\n')) != std::string::npos; buffered.erase(0, nl + 1)) {
      accepted.insert(buffered.substr(0, nl));
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  EXPECT_EQ(accepted.size(), reads.size()) << "reads accepted within 10 s on a full disk";

  FreeDisk();
  auto s = Store::Open(Options(kSmallReserve));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::unique_ptr<Store> store = std::move(s).value();
  size_t lost = 0;
  for (const Read& r : reads) {
    if (!accepted.count(r.uuid)) continue;
    auto got = store->GetRead(r.uuid);
    ASSERT_TRUE(got.ok());
    if (!got->has_value()) {
      ++lost;
      continue;
    }
    EXPECT_EQ((*got)->plate_jpeg, r.plate_jpeg) << r.vrm;
    EXPECT_EQ((*got)->vrm, r.vrm);
  }
  EXPECT_EQ(lost, 0u) << "accepted reads lost across kill -9";
  EXPECT_EQ(*store->CountReads(), static_cast<int64_t>(1 + accepted.size()));
  EXPECT_EQ(store->state().spilled_reads, 0);
  EXPECT_FALSE(store->state().disk_full);
  EXPECT_EQ(*store->IntegrityCheck(), "ok");
  // They came through the spill file (the disk was full for all of them).
  auto audit = store->AuditEntries(0, 1000);
  ASSERT_TRUE(audit.ok());
  int imports = 0;
  for (const AuditEntry& e : *audit) imports += e.action == "store.spill-import";
  EXPECT_GE(imports, 1);
}

// The reported failure: with synced reads on board and the disk full, no
// image was freed (freeing needs WAL space too). The retention purge now
// completes and the images of synced reads go; unsynced ones stay.
TEST_F(DiskFullTest, RetentionPurgeFreesSyncedImagesOnAFullDisk) {
  std::vector<Read> reads;
  for (int i = 0; i < 40; ++i) reads.push_back(MakeRead("OLD" + std::to_string(i), kT0 - 40 * kDayMs + i));
  std::vector<std::string> synced;
  {
    auto s = Store::Open(Options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (size_t i = 0; i < reads.size(); ++i) {
      ASSERT_TRUE((*s)->CommitRead(reads[i]).ok());
      if (i % 2 == 0) synced.push_back(reads[i].uuid);
    }
    ASSERT_TRUE((*s)->MarkReadsSynced(synced, kT0 - 39 * kDayMs).ok());
  }
  FillDisk();
  const std::string result = RunBounded(
      [&]() -> std::string {
        auto s = Store::Open(Options());
        if (!s.ok()) return "open: " + s.status().ToString();
        std::unique_ptr<Store> store = std::move(s).value();
        FillDisk();  // opening took some of the reserve
        RetentionConfig config;
        config.synced_images_max_age_ms = 31 * kDayMs;
        auto purged = ApplyRetention(store.get(), config, kT0);
        if (!purged.ok()) return "purge: " + purged.status().ToString();
        const int64_t freed = purged->images_deleted + store->state().images_freed;
        if (freed != static_cast<int64_t>(synced.size())) {
          return "images freed: " + std::to_string(freed) + " of " + std::to_string(synced.size());
        }
        // The room made is usable: a new read is stored.
        Status st = store->CommitRead(MakeRead("NEW1", kT0));
        if (!st.ok()) return "a read after the purge: " + st.ToString();
        if (!store->GetRead(reads[0].uuid)->value().plate_jpeg.empty()) return "synced image kept";
        if (store->GetRead(reads[1].uuid)->value().plate_jpeg.size() != kJpegBytes) return "unsynced image lost";
        return "";
      },
      20'000);
  EXPECT_EQ(result, "") << "retention purge on a full disk";
}

// Threads that wait on the store (the retention purge on the maintenance
// thread, the sync client's marks) must not hold up a stop either: on a full
// disk where nothing can be freed, a waiting write fails after full_wait_ms,
// and is then never applied.
TEST_F(DiskFullTest, AWaitingWriteGivesUpOnAFullDisk) {
  {
    auto s = Store::Open(Options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE((*s)->CommitRead(MakeRead("EXP" + std::to_string(i), kT0 - 800 * kDayMs + i)).ok());
    }
  }
  const std::string result = RunBounded(
      [&]() -> std::string {
        StoreOptions o = Options();
        o.full_wait_ms = 1000;
        auto s = Store::Open(o);
        if (!s.ok()) return "open: " + s.status().ToString();
        std::unique_ptr<Store> store = std::move(s).value();
        FillDisk();
        // Past the legal cap: the purge deletes 100 unsynced reads, more
        // than the reserve file makes room for.
        const auto t0 = std::chrono::steady_clock::now();
        auto purged = ApplyRetention(store.get(), RetentionConfig{}, kT0);
        const auto took_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        if (purged.ok()) return "the purge fitted after all: the test did not fill the disk";
        if (purged.status().code() != StatusCode::kResourceExhausted) return "purge: " + purged.status().ToString();
        if (took_ms > 4000) return "the purge waited " + std::to_string(took_ms) + " ms";
        if (!store->state().disk_full) return "the store does not report the full disk";
        store.reset();
        return "";
      },
      20'000);
  EXPECT_EQ(result, "") << "a waiting write on a full disk";
  // Given up means not applied: the reads are all still there.
  FreeDisk();
  auto s = Store::Open(Options());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*(*s)->CountReads(), 100);
}

// CommitRead waited without bound on a full disk whose spill file was full
// too. It now returns after full_wait_ms; the read is not dropped but stays
// queued in memory, the status bar and health line show it, and it is stored
// once there is room without being handed in again. A stop in that state is
// bounded and loses nothing the store had accepted.
TEST_F(DiskFullTest, CommitReadIsBoundedWhenTheSpillFileIsFullAndTheReadIsKept) {
  {
    auto s = Store::Open(Options());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  FillDisk();
  const std::string result = RunBounded(
      [&]() -> std::string {
        StoreOptions o = Options();
        o.spill_bytes = 48 << 10;  // room for a few reads only
        o.full_wait_ms = 1000;
        auto s = Store::Open(o);
        if (!s.ok()) return "open: " + s.status().ToString();
        std::unique_ptr<Store> store = std::move(s).value();
        FillDisk();  // opening took some of the reserve
        std::vector<std::string> accepted;
        int next = 0;
        // Commits reads until one is not accepted; that one is returned.
        auto commit_until_refused = [&](std::string* problem) -> Read {
          for (int i = 0; i < 200; ++i, ++next) {
            Read r = MakeRead("SPF" + std::to_string(next), kT0 + next);
            const auto t0 = std::chrono::steady_clock::now();
            const Status st = store->CommitRead(r);
            const auto took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - t0).count();
            if (st.ok()) {
              accepted.push_back(r.uuid);
              continue;
            }
            if (st.code() != StatusCode::kResourceExhausted) *problem = "commit: " + st.ToString();
            if (took_ms > 3000) *problem = "CommitRead waited " + std::to_string(took_ms) + " ms";
            if (st.message().find("stays queued") == std::string::npos) *problem = "message: " + st.ToString();
            ++next;
            return r;
          }
          *problem = "the spill file never filled: the test did not fill the disk";
          return Read{};
        };
        std::string problem;
        const Read waiting = commit_until_refused(&problem);
        if (!problem.empty()) return problem;
        if (!store->state().disk_full) return "the store does not report the full disk";
        if (store->state().reads_in_memory != 1) {
          return "reads in memory: " + std::to_string(store->state().reads_in_memory) + ", not 1";
        }
        unit::UnitStatusInputs in;
        in.data_dir = mount_point_;
        const hmi::UnitStatus shown = unit::BuildUnitStatus(in, store.get());
        if (shown.storage_ok) return "the status bar shows storage ok";
        if (shown.health_lines.empty() || shown.health_lines[0].find("1 reads in memory only") == std::string::npos) {
          return "health line: " + (shown.health_lines.empty() ? std::string("none") : shown.health_lines[0]);
        }
        // Room again: the read that waited is stored without being resent.
        FreeDisk();
        bool stored = false;
        for (int i = 0; i < 100 && !stored; ++i) {
          auto got = store->GetRead(waiting.uuid, false);
          stored = got.ok() && got->has_value();
          if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!stored) return "the read that waited was not stored once there was room";
        if (store->state().reads_in_memory != 0) return "a read still counted in memory after it was stored";
        accepted.push_back(waiting.uuid);
        // Full again, and stopped while a read waits in memory.
        FillDisk();
        commit_until_refused(&problem);
        if (!problem.empty()) return "second time: " + problem;
        const auto t0 = std::chrono::steady_clock::now();
        store.reset();
        const auto stop_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
        if (stop_ms > 5000) return "the store took " + std::to_string(stop_ms) + " ms to stop";
        // Room again for the check: the reads stored since the first fill
        // took most of what the filler gave back, so the disk is made larger
        // (until then spilled reads wait in the spill file, still kept).
        FreeDisk();
        if (::mount(nullptr, mount_point_.c_str(), nullptr, MS_REMOUNT, "size=16m") != 0) return "remount failed";
        auto reopened = Store::Open(Options());
        if (!reopened.ok()) return "reopen: " + reopened.status().ToString();
        if ((*reopened)->state().spilled_reads != 0) return "spilled reads not imported after the restart";
        for (const std::string& uuid : accepted) {
          auto got = (*reopened)->GetRead(uuid, false);
          if (!got.ok() || !got->has_value()) return "accepted read " + uuid + " lost";
        }
        return "";
      },
      30'000);
  EXPECT_EQ(result, "") << "CommitRead on a full disk with a full spill file";
}

// Whether any file under `dir` but `skip` holds `needle`; the first such
// file's name, or "".
std::string FileHolding(const std::string& dir, const std::string& skip, const std::string& needle) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == skip) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (bytes.find(needle) != std::string::npos) return e.path().string();
  }
  return "";
}

// Issue 15 (encryption at rest): reads an encrypted store writes to its
// spill file while the disk is full are sealed under the store's key, so no
// file of the store shows a plate or an image even then; they come back
// whole, after a kill, once there is room.
TEST_F(DiskFullTest, AnEncryptedStoresSpilledReadsAreSealedAndComeBackWhole) {
  constexpr int64_t kSmallReserve = 128 << 10;
  StoreOptions o = Options(kSmallReserve);
  o.key = NewStoreKey().value();
  std::vector<Read> reads;
  for (int i = 0; i < 6; ++i) reads.push_back(MakeRead("SEAL" + std::to_string(i) + "QZ", kT0 + i));
  {
    auto s = Store::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  FillDisk();
  const std::string result = RunBounded(
      [&]() -> std::string {
        auto s = Store::Open(o);
        if (!s.ok()) return "open: " + s.status().ToString();
        Store* store = s->release();  // never closed: this process ends as if killed
        FillDisk();                    // opening took some of the reserve
        for (const Read& r : reads) {
          if (Status st = store->CommitRead(r); !st.ok()) return "commit " + r.vrm + ": " + st.ToString();
        }
        if (store->state().spilled_reads == 0) return "no read was spilled: the test did not fill the disk";
        return "";  // RunBounded's child then ends with _exit: the store is never closed
      },
      20'000);
  ASSERT_EQ(result, "") << "committing reads on a full disk";
  const std::string jpeg_run(64, static_cast<char>(0xAB));
  for (const Read& r : reads) {
    EXPECT_EQ(FileHolding(mount_point_, "filler", r.vrm), "") << "holds the plate " << r.vrm;
  }
  EXPECT_EQ(FileHolding(mount_point_, "filler", jpeg_run), "") << "holds plate image bytes";

  FreeDisk();
  auto s = Store::Open(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::unique_ptr<Store> store = std::move(s).value();
  for (const Read& r : reads) {
    auto got = store->GetRead(r.uuid);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->has_value()) << "read " << r.vrm << " committed on the full disk was lost";
    EXPECT_EQ((*got)->plate_jpeg, r.plate_jpeg) << r.vrm;
  }
  EXPECT_EQ(store->state().spilled_reads, 0);
}

// The sealed spill file on its own: payloads are not in the file, and open
// only with the store's key (another key is an error, not an empty list).
TEST(SpillFile, AnEncryptedStoresRecordsAreSealedUnderItsKey) {
  using store_internal::SpillFile;
  TempDir dir;
  const std::string path = dir.File("unit.db-spill");
  const StoreKey key = NewStoreKey().value();
  const std::string secret = "PLATE-AB12CDE-IMAGE-BYTES";
  const std::vector<unsigned char> a(secret.begin(), secret.end()), b(3000, 'b');
  {
    auto f = SpillFile::Open(path, 64 << 10, key);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append(a).ok());
    ASSERT_TRUE((*f)->Append(b).ok());
  }
  EXPECT_EQ(FileHolding(dir.path(), "", secret), "");
  EXPECT_EQ(FileHolding(dir.path(), "", std::string(64, 'b')), "");
  {
    auto f = SpillFile::Open(path, 64 << 10, key);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(*(*f)->Records(), (std::vector<std::vector<unsigned char>>{a, b}));
  }
  auto other = SpillFile::Open(path, 64 << 10, NewStoreKey().value());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ((*other)->Records().status().code(), StatusCode::kUnauthenticated);
}

// The spill file's own promise (no mount needed): a record torn by a kill
// mid-write (never acknowledged) is ignored, the ones before it count, the
// next append replaces it, and cleared records stay cleared after a reopen.
TEST(SpillFile, ATornRecordIsIgnoredAndClearedRecordsStayCleared) {
  using store_internal::SpillFile;
  TempDir dir;
  const std::string path = dir.File("unit.db-spill");
  const std::vector<unsigned char> a(1000, 'a'), b(2001, 'b'), c(3000, 'c'), d(500, 'd');
  {
    auto f = SpillFile::Open(path, 64 << 10);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    ASSERT_TRUE((*f)->Append(a).ok());
    ASSERT_TRUE((*f)->Append(b).ok());
    ASSERT_TRUE((*f)->Append(c).ok());
  }
  {  // tear c: one byte of its payload never reached the disk
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const off_t c_payload = 64 + ((48 + 1000 + 7) & ~7) + ((48 + 2001 + 7) & ~7) + 48;
    ASSERT_EQ(::pwrite(fd, "\0", 1, c_payload + 1500), 1);
    ::close(fd);
  }
  {
    auto f = SpillFile::Open(path, 64 << 10);
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    auto records = (*f)->Records();
    ASSERT_TRUE(records.ok());
    EXPECT_EQ(*records, (std::vector<std::vector<unsigned char>>{a, b}));
    ASSERT_TRUE((*f)->Append(d).ok());
    EXPECT_EQ(*(*f)->Records(), (std::vector<std::vector<unsigned char>>{a, b, d}));
    ASSERT_TRUE((*f)->Clear().ok());
  }
  auto f = SpillFile::Open(path, 64 << 10);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->record_count(), 0u);
  EXPECT_TRUE((*f)->Records()->empty());
  EXPECT_EQ((*f)->Append(std::vector<unsigned char>(70 << 10, 'x')).code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace anpr
