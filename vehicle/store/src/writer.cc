// The store's writer thread: batches queued writes into transactions, and
// makes room when the disk is full (see vehicle/store/store.h).
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {

// The writer checkpoints the WAL itself (instead of SQLite's auto-checkpoint
// inside COMMIT), once it holds this many frames (16 MB), after the batch's
// writers were told their data is durable: a commit is durable once the WAL
// is synced, copying it into the database file need not delay the ack. The
// bigger threshold (SQLite's is 1000) means fewer checkpoints and syncs.
constexpr int kCheckpointFrames = 4096;

}  // namespace

Store::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  cv.notify_all();
  if (writer.joinable()) writer.join();
  // Writes still queued (disk full at shutdown) are reported as failed.
  for (Task& t : queue) {
    if (t.done) t.done(Status(StatusCode::kResourceExhausted, "store closed while full: write not stored"));
  }
  wstmts.FinalizeAll();
  sqlite3_close_v2(rdb);
  sqlite3_close_v2(wdb);
}

void Store::Impl::Submit(Work work, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu);
    queue.push_back({std::move(work), std::move(done)});
  }
  cv.notify_one();
}

Status Store::Impl::Run(Work work) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  Submit(std::move(work), [promise](const Status& s) { promise->set_value(s); });
  return future.get();
}

void Store::Impl::WriterLoop() {
  for (;;) {
    std::vector<Task> batch;
    {
      std::unique_lock<std::mutex> lock(mu);
      if (disk_full && !stopping) {
        cv.wait_for(lock, std::chrono::milliseconds(options.full_retry_ms));
      } else {
        cv.wait(lock, [&] { return stopping || !queue.empty(); });
      }
      if (queue.empty()) {
        if (stopping) return;
        continue;
      }
      if (stopping && disk_full) {
        // One last try below; if still full, the destructor fails the rest.
      }
      const size_t n = std::min(queue.size(), static_cast<size_t>(std::max(1, options.max_batch)));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    const bool all_stored = RunBatch(&batch);
    CheckpointIfDue();
    if (!batch.empty()) {  // still full: put back in front, in order
      std::lock_guard<std::mutex> lock(mu);
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue.push_front(std::move(*it));
      disk_full = true;
      if (stopping) return;
    } else if (all_stored) {
      std::lock_guard<std::mutex> lock(mu);
      disk_full = false;
    }
  }
}

void Store::Impl::Rollback() {
  if (!sqlite3_get_autocommit(wdb)) SqliteExec(wdb, "ROLLBACK");
}

int Store::Impl::OnWalCommit(void* arg, sqlite3*, const char*, int frames) {
  static_cast<Impl*>(arg)->wal_frames = frames;
  return SQLITE_OK;
}

// What SQLite's auto-checkpoint does (PASSIVE: never waits for readers),
// run between batches. A failure leaves the frames in the WAL, still durable.
void Store::Impl::CheckpointIfDue() {
  if (wal_frames < kCheckpointFrames) return;
  sqlite3_wal_checkpoint_v2(wdb, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  wal_frames = 0;
}

// Runs tasks in one transaction, each in its own savepoint so one bad
// write fails alone. Returns true when everything was stored. Tasks that
// could not be stored for lack of space are left in *batch.
bool Store::Impl::RunBatch(std::vector<Task>* batch) {
  for (int attempt = 0;; ++attempt) {
    std::vector<Status> results(batch->size());
    bool full = false;
    Status st = SqliteExec(wdb, "BEGIN IMMEDIATE");
    if (st.ok()) {
      for (size_t i = 0; i < batch->size() && !full; ++i) {
        Stmt(wdb, &wstmts.savepoint, "SAVEPOINT task").Run();
        results[i] = (*batch)[i].work(wdb);
        if (results[i].code() == StatusCode::kResourceExhausted) {
          full = true;
        } else if (!results[i].ok()) {
          Stmt(wdb, &wstmts.rollback_to, "ROLLBACK TO task").Run();
        }
        if (!full) Stmt(wdb, &wstmts.release, "RELEASE task").Run();
      }
      if (!full) {
        st = SqliteExec(wdb, "COMMIT");
        if (st.code() == StatusCode::kResourceExhausted) full = true;
      }
    }
    if (!full && !st.ok()) {  // cannot even begin or commit: report to every task
      Rollback();
      for (auto& r : results) r = st;
    }
    if (!full) {
      for (size_t i = 0; i < batch->size(); ++i) {
        if (!results[i].ok()) NoteError(results[i]);
        if ((*batch)[i].done) (*batch)[i].done(results[i]);
      }
      batch->clear();
      return true;
    }
    Rollback();
    if (attempt == 0 && FreeSyncedImages() > 0) continue;  // room made: try again
    NoteError(Status(StatusCode::kResourceExhausted, "store full: writes queued in memory"));
    // Nothing to free: store whatever still fits one by one, keep the rest.
    return RunOneByOne(batch);
  }
}

bool Store::Impl::RunOneByOne(std::vector<Task>* batch) {
  std::vector<Task> left;
  // Each alone: small writes (marking reads synced, which lets images be
  // freed) still go through while a big one waits for room.
  for (Task& t : *batch) {
    Status st = SqliteExec(wdb, "BEGIN IMMEDIATE");
    if (st.ok()) st = t.work(wdb);
    if (st.ok()) st = SqliteExec(wdb, "COMMIT");
    if (st.code() == StatusCode::kResourceExhausted) {
      Rollback();
      left.push_back(std::move(t));
      continue;
    }
    if (!st.ok()) Rollback();
    if (t.done) t.done(st);
  }
  batch->swap(left);
  return false;
}

// Removes images of acknowledged reads, oldest first, to make room. The
// reads themselves (the evidence record) stay. Returns how many went.
int64_t Store::Impl::FreeSyncedImages() {
  if (!SqliteExec(wdb, "BEGIN IMMEDIATE").ok()) return 0;
  Stmt pick(wdb,
            "SELECT i.read_uuid FROM read_images i JOIN reads r ON r.uuid = i.read_uuid "
            "WHERE r.synced_at_utc_ms IS NOT NULL ORDER BY r.captured_at_utc_ms LIMIT 256");
  std::vector<std::string> uuids;
  while (pick.Step()) uuids.push_back(pick.Text(0));
  const int64_t now = NowUtcMs();
  Stmt del(wdb, "DELETE FROM read_images WHERE read_uuid = ?");
  Stmt mark(wdb, "UPDATE reads SET images_removed_at_utc_ms = ? WHERE uuid = ?");
  Status st = pick.status();
  for (const std::string& u : uuids) {
    if (!st.ok()) break;
    del.Reset();
    st = del.Bind(1, u).Run();
    if (st.ok()) {
      mark.Reset();
      st = mark.Bind(1, now).Bind(2, u).Run();
    }
  }
  if (st.ok() && !uuids.empty()) {
    st = AppendAudit(wdb, "system", "store.free-images",
                     "store full: removed images of " + std::to_string(uuids.size()) +
                         " synced reads (reads kept)");
  }
  if (st.ok()) st = SqliteExec(wdb, "COMMIT");
  if (!st.ok() || uuids.empty()) {
    Rollback();
    return 0;
  }
  std::lock_guard<std::mutex> lock(mu);
  images_freed += static_cast<int64_t>(uuids.size());
  return static_cast<int64_t>(uuids.size());
}

void Store::Impl::NoteError(const Status& s) {
  std::lock_guard<std::mutex> lock(mu);
  last_error = s.ToString();
}

}  // namespace anpr
