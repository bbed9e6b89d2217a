// Internal: Store::Impl, the state the store's files share: the writer and
// reader connections, the write queue and the writer thread.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vehicle/records/status.h"
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
  };

  StoreOptions options;
  sqlite3* wdb = nullptr;  // writer thread only (and Open before it starts)
  store_internal::WriterStatements wstmts;  // wdb's reused statements; writer thread only
  int wal_frames = 0;       // frames in wdb's WAL after its last commit; writer thread only
  sqlite3* rdb = nullptr;  // guarded by read_mu
  std::mutex read_mu;

  mutable std::mutex mu;  // guards everything below
  std::condition_variable cv;
  std::deque<Task> queue;
  bool stopping = false;
  bool disk_full = false;
  int64_t images_freed = 0;
  std::string last_error;
  std::thread writer;

  // Stops the writer (after it drained the queue, unless the disk stays
  // full), fails what is left and closes both connections.
  ~Impl();

  // Queues a write; `done` runs on the writer thread with its result.
  void Submit(Work work, Done done);
  // Queues a write and waits for its result.
  Status Run(Work work);

  // The writer thread's body.
  void WriterLoop();
  void Rollback();
  static int OnWalCommit(void* arg, sqlite3*, const char*, int frames);
  void CheckpointIfDue();
  bool RunBatch(std::vector<Task>* batch);
  bool RunOneByOne(std::vector<Task>* batch);
  int64_t FreeSyncedImages();
  void NoteError(const Status& s);

  // Runs a query on the reader connection.
  template <typename F>
  auto Query(F&& f) {
    std::lock_guard<std::mutex> lock(read_mu);
    return f(rdb);
  }
};

}  // namespace anpr
