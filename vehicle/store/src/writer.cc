// The store's writer thread: batches queued writes into transactions, and
// makes room when the disk is full (see vehicle/store/store.h).
#include <algorithm>
#include <chrono>
#include <future>
#include <iterator>
#include <memory>

#include <spdlog/spdlog.h>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/disk_reserve.h"
#include "vehicle/store/src/spill_image.h"
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
constexpr int64_t kPageBytes = 4096;  // SQLite's default page size, which the store keeps

}  // namespace

Store::Impl::~Impl() {
  {
    MutexLock lock(&mu);
    stopping = true;
  }
  cv.NotifyAll();
  if (writer.joinable()) writer.join();
  // Writes still queued could neither be stored nor spilled (the disk and the
  // spill file are full, or they are not reads and hits): their callers are
  // told, and the reads among them are named in the log.
  std::deque<Task> left;
  {
    MutexLock lock(&mu);
    left.swap(queue);
  }
  if (!left.empty()) {
    size_t reads = 0;
    std::string uuids;
    for (const Task& t : left) {
      if (!t.spill_read) continue;
      if (++reads <= 50) uuids += (uuids.empty() ? "" : " ") + t.spill_read->uuid;
    }
    spdlog::error("store {}: closed while full: {} queued writes ({} reads) could not be stored nor spilled: {}",
                  options.path, left.size(), reads, uuids);
  }
  for (Task& t : left) {
    if (t.done) t.done(Status(StatusCode::kResourceExhausted, "store closed while full: write not stored"));
  }
  wstmts.FinalizeAll();
  {
    MutexLock reader(&read_mu);
    sqlite3_close_v2(rdb);
  }
  sqlite3_close_v2(wdb);
}

void Store::Impl::Submit(Task task) {
  if (task.spill_read) {
    // Counted until the writer reports on it: stored, spilled or failed.
    task.done = [this, done = std::move(task.done)](const Status& s) {
      {
        MutexLock lock(&mu);
        --reads_in_memory;
      }
      if (done) done(s);
    };
  }
  {
    MutexLock lock(&mu);
    if (task.spill_read) ++reads_in_memory;
    queue.push_back(std::move(task));
  }
  cv.NotifyAll();
}

Status Store::Impl::Run(Work work) { return Run(Task{std::move(work), nullptr, nullptr, nullptr}); }

Status Store::Impl::Run(Task task) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  task.done = [promise](const Status& s) { promise->set_value(s); };
  uint64_t id = 0;
  {
    MutexLock lock(&mu);
    id = task.id = ++next_task_id;
    queue.push_back(std::move(task));
  }
  cv.NotifyAll();
  // On a full disk, give up after full_wait_ms, but only by taking the write
  // back out of the queue: a write the caller was told failed never happens
  // later. One the writer holds right now is waited for (its try is short).
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.full_wait_ms);
  while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() < give_up_at) continue;
    MutexLock lock(&mu);
    if (!disk_full) continue;
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (it->id != id) continue;
      queue.erase(it);
      return Status(StatusCode::kResourceExhausted,
                    "store full: write not stored (waited " + std::to_string(options.full_wait_ms) + " ms for room)");
    }
  }
  return future.get();
}

Status Store::Impl::AwaitRead(std::future<Status>* result, const std::string& uuid) {
  // Unlike Run, giving up does not take the read back: a read is evidence,
  // and the writer still stores it once there is room.
  const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.full_wait_ms);
  while (result->wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (std::chrono::steady_clock::now() < give_up_at) continue;
    MutexLock lock(&mu);
    if (!disk_full) continue;
    return Status(StatusCode::kResourceExhausted,
                  "store full: read " + uuid + " not yet durable after " + std::to_string(options.full_wait_ms) +
                      " ms (the disk and the spill file are full); it stays queued in memory and is written "
                      "when there is room");
  }
  return result->get();
}

void Store::Impl::WriterLoop() {
  for (;;) {
    std::vector<Task> batch;
    {
      MutexLock lock(&mu);
      if ((disk_full || spill_pending) && !stopping) {
        // Waiting for room: retry every full_retry_ms, or at once when a new
        // write arrives (it may go to the spill file).
        const size_t seen = queue.size();
        cv.WaitFor(&mu, std::chrono::milliseconds(options.full_retry_ms),
                   [&]() ANPR_REQUIRES(mu) { return stopping || queue.size() != seen; });
      } else {
        cv.Wait(&mu, [&]() ANPR_REQUIRES(mu) { return stopping || !queue.empty(); });
      }
      if (queue.empty()) {
        if (stopping) return;           // spilled reads wait for the next Open
        if (!spill_pending) continue;  // otherwise: time to try the import again
      }
      const size_t n = std::min(queue.size(), static_cast<size_t>(std::max(1, options.max_batch)));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    bool all_stored = true;
    if (!batch.empty()) {
      all_stored = RunBatch(&batch);
      CheckpointIfDue();
    }
    if (!batch.empty()) {  // still full: spill what may be spilled, keep the rest in order
      SpillTasks(&batch);
      {
        MutexLock lock(&mu);
        for (auto it = batch.rbegin(); it != batch.rend(); ++it) queue.push_front(std::move(*it));
      }
      SetDiskFull(true, spill ? "reads and hits go to the spill file" : "writes wait in memory (no spill file)");
      MutexLock lock(&mu);
      if (!stopping) continue;
      // Stopping on a full disk: everything still queued that may go to the
      // spill file goes there now, so stopping never waits for room.
      std::vector<Task> rest(std::make_move_iterator(queue.begin()), std::make_move_iterator(queue.end()));
      queue.clear();
      lock.Unlock();
      SpillTasks(&rest);
      lock.Lock();
      for (Task& t : rest) queue.push_back(std::move(t));
      return;
    }
    if (all_stored) {  // the database took writes again
      ImportSpill();
      bool pending = false;
      {
        MutexLock lock(&mu);
        pending = spill_pending;
      }
      if (!pending) SetDiskFull(false, "");
      RestoreReserveIfDue();
    }
  }
}

void Store::Impl::SpillTasks(std::vector<Task>* tasks) {
  if (!spill) return;
  std::vector<size_t> idx;
  for (size_t i = 0; i < tasks->size(); ++i) {
    if ((*tasks)[i].spillable()) idx.push_back(i);
  }
  if (idx.empty()) return;
  auto spill_items = [&](size_t from, size_t to) {
    std::vector<SpillItem> items;
    for (size_t k = from; k < to; ++k) {
      const Task& t = (*tasks)[idx[k]];
      items.push_back({t.spill_read.get(), t.spill_hits.get()});
    }
    auto image = MakeSpillImage(items);
    if (!image.ok()) return image.status();
    return spill->Append(*image);
  };
  // All in one record; when that does not fit, one by one while they fit.
  size_t spilled = 0;
  Status s = spill_items(0, idx.size());
  if (s.ok()) {
    spilled = idx.size();
  } else if (idx.size() > 1) {
    while (spilled < idx.size() && (s = spill_items(spilled, spilled + 1)).ok()) ++spilled;
  }
  if (!s.ok() && !spill_failure_logged) {
    spdlog::error("store {}: disk full and the spill file cannot take more ({}): writes stay queued in memory",
                  options.path, s.ToString());
    spill_failure_logged = true;
    NoteError(s);
  }
  if (spilled == 0) return;
  int64_t reads = 0;
  std::vector<Task> left;
  std::vector<Task> done;
  size_t k = 0;
  for (size_t i = 0; i < tasks->size(); ++i) {
    if (k < spilled && idx[k] == i) {
      if ((*tasks)[i].spill_read) ++reads;
      done.push_back(std::move((*tasks)[i]));
      ++k;
    } else {
      left.push_back(std::move((*tasks)[i]));
    }
  }
  tasks->swap(left);
  {
    MutexLock lock(&mu);
    spilled_reads += reads;
    spill_pending = true;
  }
  if (!spill_logged) {
    spdlog::warn("store {}: disk full: reads and hits are written to the spill file {} until there is room",
                 options.path, spill->path());
    spill_logged = true;
  }
  for (Task& t : done) {
    if (t.done) t.done(Status::Ok());  // durable in the spill file
  }
}

void Store::Impl::ImportSpill() {
  if (!spill || spill->record_count() == 0) return;
  auto records = spill->Records();
  Status s = records.status();
  int64_t imported = 0, pending = 0;
  if (s.ok()) {
    for (const auto& record : *records) {
      int64_t reads = 0;
      Status r = ImportSpillImage(wdb, record, &reads);
      if (r.ok()) {
        imported += reads;
      } else {
        pending += reads;
        if (s.ok()) s = r;
      }
    }
  }
  if (s.ok()) s = spill->Clear();
  {
    MutexLock lock(&mu);
    spilled_reads = s.ok() ? 0 : pending;
    spill_pending = !s.ok();
  }
  if (s.ok()) {
    spdlog::info("store {}: {} reads from the spill file are now in the database", options.path, imported);
    import_failure_logged = false;
  } else if (!import_failure_logged) {
    spdlog::error("store {}: spilled reads cannot be imported yet ({}); they stay in {}", options.path, s.ToString(),
                  spill->path());
    import_failure_logged = true;
    NoteError(s);
  }
}

void Store::Impl::SetDiskFull(bool full, const std::string& why) {
  std::string error;
  {
    MutexLock lock(&mu);
    if (disk_full == full) return;
    disk_full = full;
    if (!full) last_error.clear();  // a batch was stored since: the failure is over
    error = last_error;
  }
  if (full) {
    spdlog::error("store {}: disk full ({}); {}", options.path, error, why);
  } else {
    spdlog::info("store {}: room again, writes go to the database", options.path);
    spill_logged = false;
    spill_failure_logged = false;
  }
}

void Store::Impl::RestoreReserveIfDue() {
  if (reserve_path.empty() || options.reserve_bytes <= 0) return;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now().time_since_epoch()).count();
  if (now_ms - reserve_tried_mono_ms < 1000) return;
  reserve_tried_mono_ms = now_ms;
  if (ReserveExists(reserve_path)) return;
  // Twice the reserve free: taking it back must not fill the disk again.
  if (FreeDiskBytes(options.path) < 2 * options.reserve_bytes) return;
  Status s = CreateReserve(reserve_path, options.reserve_bytes);
  if (s.ok()) spdlog::info("store {}: reserve file {} allocated again", options.path, reserve_path);
}

void Store::Impl::Rollback() {
  if (!sqlite3_get_autocommit(wdb)) SqliteExec(wdb, "ROLLBACK").IgnoreError();  // the failure is already reported
}

int Store::Impl::OnWalCommit(void* arg, sqlite3*, const char*, int frames) {
  static_cast<Impl*>(arg)->wal_frames = frames;
  return SQLITE_OK;
}

// What SQLite's auto-checkpoint does (PASSIVE: never waits for readers),
// run between batches. A failure leaves the frames in the WAL, still durable.
//
// With a reserve file, the WAL holds at most the reserve's worth of pages
// not yet in the database file: a checkpoint on a full disk may need the
// database file to grow by that much, and the reserve is what it gets.
void Store::Impl::CheckpointIfDue() {
  int64_t due = kCheckpointFrames;
  if (options.reserve_bytes > 0) due = std::clamp<int64_t>(options.reserve_bytes / kPageBytes, 64, kCheckpointFrames);
  if (wal_frames < due) return;
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
      // A savepoint that cannot be made, undone or released leaves the
      // transaction in a state nobody can vouch for: the whole batch is
      // rolled back and every task told (st), rather than commit a failed
      // task's partial writes.
      for (size_t i = 0; i < batch->size() && !full && st.ok(); ++i) {
        st = Stmt(wdb, &wstmts.savepoint, "SAVEPOINT task").Run();
        if (!st.ok()) break;
        results[i] = (*batch)[i].work(wdb);
        if (results[i].code() == StatusCode::kResourceExhausted) {
          full = true;
        } else if (!results[i].ok()) {
          st = Stmt(wdb, &wstmts.rollback_to, "ROLLBACK TO task").Run();
        }
        if (!full && st.ok()) st = Stmt(wdb, &wstmts.release, "RELEASE task").Run();
      }
      if (!full && st.ok()) {
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
    if (attempt == 0 && MakeRoom()) continue;  // room made: try again
    NoteError(Status(StatusCode::kResourceExhausted, "store full: the database cannot grow"));
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

bool Store::Impl::MakeRoom() {
  // A checkpoint lets the next transaction reuse the WAL from its start
  // instead of growing it; it may need the database file to grow, which is
  // what the reserve file is for.
  int log_frames = 0, done_frames = 0;
  int rc = sqlite3_wal_checkpoint_v2(wdb, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &done_frames);
  bool released = false;
  if (rc != SQLITE_OK || done_frames < log_frames) {
    released = ReleaseReserve(reserve_path);
    if (released) rc = sqlite3_wal_checkpoint_v2(wdb, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &done_frames);
  }
  const bool checkpointed = rc == SQLITE_OK && log_frames > 0 && done_frames == log_frames;
  if (checkpointed) wal_frames = 0;
  int64_t freed = FreeSyncedImages();
  if (freed == 0 && !released && ReleaseReserve(reserve_path)) {
    released = true;
    freed = FreeSyncedImages();
  }
  if (released) {
    spdlog::warn("store {}: disk full: released the {} byte reserve file to make room ({} images of synced reads freed)",
                 options.path, options.reserve_bytes, freed);
  }
  return released || checkpointed || freed > 0;
}

// Removes images of acknowledged reads, oldest first, to make room. The
// reads themselves (the evidence record) stay. Returns how many went.
//
// In small transactions, each checkpointed before the next: SQLite here
// overwrites deleted content (secure_delete), so freeing an image writes its
// pages to the WAL once more; a few reads at a time, with the WAL reused from
// its start after each checkpoint, fit in the little room a full disk has.
int64_t Store::Impl::FreeSyncedImages() {
  constexpr int kReadsPerStep = 4;
  constexpr int kMaxReads = 256;
  int64_t total = 0;
  while (total < kMaxReads) {
    if (!SqliteExec(wdb, "BEGIN IMMEDIATE").ok()) break;
    Stmt pick(wdb,
              "SELECT i.read_uuid FROM read_images i JOIN reads r ON r.uuid = i.read_uuid "
              "WHERE r.synced_at_utc_ms IS NOT NULL ORDER BY r.captured_at_utc_ms LIMIT ?");
    pick.Bind(1, kReadsPerStep);
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
      break;
    }
    total += static_cast<int64_t>(uuids.size());
    sqlite3_wal_checkpoint_v2(wdb, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    wal_frames = 0;
    if (static_cast<int>(uuids.size()) < kReadsPerStep) break;
  }
  if (total > 0) {
    MutexLock lock(&mu);
    images_freed += total;
  }
  return total;
}

void Store::Impl::NoteError(const Status& s) {
  MutexLock lock(&mu);
  last_error = s.ToString();
}

}  // namespace anpr
