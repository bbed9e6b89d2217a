// Internal: Store::Impl, the state the store's files share: the writer and
// reader connections, the write queue and the writer thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vehicle/records/mutex.h"
#include "vehicle/records/status.h"
#include "vehicle/store/src/spill_file.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace store_internal {

// Statements the writer runs for every read, prepared once per connection
// (writer thread only). Finalized before the connection closes.
struct WriterStatements {
  sqlite3_stmt* insert_read = nullptr;
  sqlite3_stmt* insert_images = nullptr;
  sqlite3_stmt* insert_hit = nullptr;
  sqlite3_stmt* savepoint = nullptr;
  sqlite3_stmt* release = nullptr;
  sqlite3_stmt* rollback_to = nullptr;

  void FinalizeAll() {
    for (sqlite3_stmt** s : {&insert_read, &insert_images, &insert_hit, &savepoint, &release, &rollback_to}) {
      sqlite3_finalize(*s);
      *s = nullptr;
    }
  }
};

}  // namespace store_internal

struct Store::Impl {
  using Work = std::function<Status(sqlite3*)>;
  struct Task {
    Work work;
    Done done;
    // Set for writes of reads and hits only (self-contained inserts): what
    // goes to the spill file when the database is full. Null otherwise.
    std::shared_ptr<const Read> spill_read;
    std::shared_ptr<const std::vector<Hit>> spill_hits;
    bool spillable() const { return spill_read || spill_hits; }
    uint64_t id = 0;  // set by Run, to find its write in the queue again
  };

  StoreOptions options;
  // The encrypting VFS both connections use; null for a plain store. Outlives
  // the connections (they close in ~Impl's body).
  std::shared_ptr<EncryptedVfs> vfs;
  sqlite3* wdb = nullptr;  // writer thread only (and Open before it starts)
  store_internal::WriterStatements wstmts;  // wdb's reused statements; writer thread only
  int wal_frames = 0;       // frames in wdb's WAL after its last commit; writer thread only
  // The reader connection: queries from any thread, one at a time.
  Mutex read_mu;
  sqlite3* rdb ANPR_GUARDED_BY(read_mu) = nullptr;

  // Writer thread only (and Open before it starts): the spill file (null
  // when it could not be made) and when the reserve was last tried.
  std::unique_ptr<store_internal::SpillFile> spill;
  std::string reserve_path;
  int64_t reserve_tried_mono_ms = 0;
  bool spill_logged = false;           // once per full episode
  bool spill_failure_logged = false;   // once per full episode
  bool import_failure_logged = false;  // once until an import succeeds

  mutable Mutex mu;  // guards everything below
  CondVar cv;
  std::deque<Task> queue ANPR_GUARDED_BY(mu);
  bool stopping ANPR_GUARDED_BY(mu) = false;
  bool disk_full ANPR_GUARDED_BY(mu) = false;
  int64_t spilled_reads ANPR_GUARDED_BY(mu) = 0;  // in the spill file, not yet imported
  bool spill_pending ANPR_GUARDED_BY(mu) = false;  // the spill file holds reads or hits to import
  uint64_t next_task_id ANPR_GUARDED_BY(mu) = 0;
  int64_t images_freed ANPR_GUARDED_BY(mu) = 0;
  int64_t reads_in_memory ANPR_GUARDED_BY(mu) = 0;  // see StoreState; counted by Submit
  std::string last_error ANPR_GUARDED_BY(mu);
  std::thread writer;

  // Stops the writer (after it drained the queue, or, while the disk stays
  // full, spilled what it could), fails what is left and closes both
  // connections.
  ~Impl();

  // Queues a write; `done` runs on the writer thread with its result.
  void Submit(Task task);
  void Submit(Work work, Done done) { Submit(Task{std::move(work), std::move(done), nullptr, nullptr}); }
  // Queues a write and waits for its result; on a full disk for at most
  // options.full_wait_ms, after which the write is taken back out of the
  // queue (never applied) and kResourceExhausted returned.
  Status Run(Work work);
  // As Run, for a write that may go to the spill file.
  Status Run(Task task);
  // Waits for a submitted read's result; on a full disk for at most
  // options.full_wait_ms, after which kResourceExhausted is returned and the
  // read stays queued (see Store::CommitRead).
  Status AwaitRead(std::future<Status>* result, const std::string& uuid);

  // The writer thread's body.
  void WriterLoop();
  void Rollback();
  static int OnWalCommit(void* arg, sqlite3*, const char*, int frames);
  void CheckpointIfDue();
  bool RunBatch(std::vector<Task>* batch);
  bool RunOneByOne(std::vector<Task>* batch);
  int64_t FreeSyncedImages();
  // Checkpoints the WAL (so the next transaction reuses it instead of
  // growing it), releasing the reserve file if that is what it takes, then
  // frees images of synced reads. True when anything changed (worth a retry).
  bool MakeRoom();
  // Writes the spillable tasks of *tasks to the spill file and tells them
  // Ok (they are durable there); the rest stay in *tasks, in order.
  void SpillTasks(std::vector<Task>* tasks);
  // Copies spilled reads into the database once it has room again.
  void ImportSpill();
  // Allocates the reserve file again when the disk has room for it.
  void RestoreReserveIfDue();
  // Logs and records a change between full and not full (once per change).
  void SetDiskFull(bool full, const std::string& why);
  void NoteError(const Status& s);

  // Runs a query on the reader connection.
  template <typename F>
  auto Query(F&& f) {
    MutexLock lock(&read_mu);
    return f(rdb);
  }
};

}  // namespace anpr
