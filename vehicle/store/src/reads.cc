// Reads: writing them (with the hits they raised) and finding them again.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <future>
#include <memory>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/records/vrm.h"
#include "vehicle/store/src/rows.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

void Store::SubmitRead(Read read, std::vector<Hit> hits, Done on_committed) {
  auto r = std::make_shared<Read>(std::move(read));
  auto h = std::make_shared<std::vector<Hit>>(std::move(hits));
  WriterStatements* cache = &impl_->wstmts;  // the work runs on the writer thread only
  Impl::Task task{[r, h, cache](sqlite3* db) {
                    Status s = InsertRead(db, *r, cache);
                    for (const Hit& hit : *h) {
                      if (!s.ok()) break;
                      s = InsertHit(db, hit, cache);
                    }
                    return s;
                  },
                  std::move(on_committed), r, h};
  impl_->Submit(std::move(task));
}

Status Store::CommitRead(const Read& read, const std::vector<Hit>& hits) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  SubmitRead(read, hits, [promise](const Status& s) { promise->set_value(s); });
  return impl_->AwaitRead(&future, read.uuid);
}

Result<std::optional<Read>> Store::GetRead(const std::string& uuid, bool with_images) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<Read>> {
    Stmt s(db, ReadSelect(with_images, "WHERE r.uuid = ?").c_str());
    s.Bind(1, uuid);
    if (s.Step()) return std::optional<Read>(ReadFromRow(s, with_images));
    if (!s.status().ok()) return s.status();
    return std::optional<Read>();
  });
}

Result<std::vector<Read>> Store::FindReads(const ReadQuery& q) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<Read>> {
    const std::string where = std::string("WHERE r.captured_at_utc_ms >= ? AND r.captured_at_utc_ms <= ?") +
                              (q.vrm.empty() ? "" : " AND r.vrm = ?") +
                              " ORDER BY r.captured_at_utc_ms LIMIT ?";
    Stmt s(db, ReadSelect(q.with_images, where).c_str());
    s.Bind(1, q.from_utc_ms).Bind(2, q.to_utc_ms);
    int next = 3;
    const std::string vrm = NormaliseVrm(q.vrm);
    if (!q.vrm.empty()) s.Bind(next++, vrm);
    s.Bind(next, static_cast<int64_t>(q.limit));
    std::vector<Read> out;
    while (s.Step()) out.push_back(ReadFromRow(s, q.with_images));
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<Read>> Store::ReadsSince(int64_t since_utc_ms) {
  ReadQuery q;
  q.from_utc_ms = since_utc_ms;
  q.limit = 1'000'000;
  return FindReads(q);
}

Result<int64_t> Store::CountReads() {
  return impl_->Query([](sqlite3* db) -> Result<int64_t> {
    Stmt s(db, "SELECT count(*) FROM reads");
    if (s.Step()) return s.Int(0);
    return s.status().ok() ? Status(Internal("count")) : s.status();
  });
}

}  // namespace anpr
