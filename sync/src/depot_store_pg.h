// Private to sync/src: the PostgreSQL back end of the depot store. Its
// definitions are split by concern: schema, credentials, partitions and the
// pool in depot_store_pg.cc; uploads in depot_store_pg_ingest.cc; hotlists,
// searches and counts in depot_store_pg_queries.cc.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/depot_store.h"
#include "sync/src/depot_rules.h"
#include "sync/src/pg_conn.h"
#include "vehicle/records/mutex.h"

namespace anpr::sync::pg {

// The advisory lock space (an int4, "anp" + 3) of per-car audit chain links.
inline constexpr int64_t kAuditHeadLockSpace = 0x616e7003;

// One store over a pool of connections; thread-safe (each call borrows a
// connection from the pool for its duration).
class PgDepotStore final : public DepotStore {
 public:
  explicit PgDepotStore(std::vector<std::unique_ptr<Conn>> conns);

  std::string Kind() const override { return "postgresql"; }

  Status Migrate() override;

  Result<int> SchemaVersion() override;

  Status AddCredential(const Principal& p, const std::string& token_hash) override;

  Status Revoke(const std::string& name) override;

  Result<std::optional<Principal>> Authenticate(const std::string& token_hash) override;

  Status LogSecurityEvent(const std::string& what, const std::string& principal,
                          const std::string& remote) override;

  Result<IngestResult> IngestReads(const std::string& vehicle, const std::vector<Read>& reads) override;

  Result<IngestResult> IngestHits(const std::string& vehicle, const std::vector<Hit>& hits) override;

  Result<IngestResult> IngestAudit(const std::string& vehicle, const std::vector<WireAuditEntry>& entries) override;

  Result<std::optional<std::string>> CheckAuditChainHead(const std::string& vehicle,
                                                         const AuditChainHead& head) override;

  Result<IngestResult> IngestWanted(const std::string& vehicle, const std::vector<WantedEntry>& entries) override;
  Result<IngestResult> IngestHolds(const std::string& vehicle, const std::vector<HoldEntry>& holds) override;
  Result<std::optional<ReceivedImageHashes>> ImageHashesAsReceived(const std::string& read_uuid) override;
  Result<std::optional<std::string>> EnrolSigningKey(const std::string& vehicle,
                                                     const std::string& public_key_hex) override;
  Result<std::optional<std::string>> SigningKeyOf(const std::string& vehicle) override;

  Result<int64_t> PublishHotlist(const std::string& list, const std::vector<WireHotlistEntry>& entries,
                                 const std::string& publisher) override;

  Result<HotlistUpdate> HotlistSince(int64_t since_version) override;

  Result<std::vector<Read>> SearchReads(const SearchQuery& q) override;

  Result<DepotCounts> Counts() override;

  Result<bool> Holds(const std::string& kind, const std::string& uuid) override;

  Result<int> DropReadsBefore(int64_t cutoff_utc_ms) override;

 private:
  // Borrows a pooled connection for one call.
  class Lease {
   public:
    explicit Lease(PgDepotStore* s) : s_(s) {
      {
        MutexLock lock(&s_->mu_);
        s_->cv_.Wait(&s_->mu_, [this]() ANPR_REQUIRES(s_->mu_) { return !s_->idle_.empty(); });
        c_ = s_->idle_.front();
        s_->idle_.pop_front();
      }
      c_->HealIfBroken();
    }
    ~Lease() {
      MutexLock lock(&s_->mu_);
      s_->idle_.push_back(c_);
      s_->cv_.NotifyOne();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Conn* operator->() { return c_; }
    Conn& operator*() { return *c_; }

   private:
    PgDepotStore* s_;
    Conn* c_;
  };

  static Status InTx(Conn& c, const std::function<Status()>& body);

  // The newest link of `vehicle`'s audit chain the depot holds (seq 0:
  // none). With `lock`, inside a transaction: takes the car's advisory lock
  // first, so that depot servers move one car's link one at a time.
  static Result<HeldChainLink> HeldLink(Conn& c, const std::string& vehicle, bool lock);
  // The newest head `vehicle` reported (seq 0: none); call after HeldLink
  // with `lock` where it is to be moved.
  static Result<HeldChainLink> ReportedLink(Conn& c, const std::string& vehicle);

  // Creates the month partition holding `utc_ms` unless this process has
  // seen it. The advisory lock serialises creators across depot servers.
  Status EnsurePartition(Conn& c, int64_t utc_ms);

  Mutex mu_;
  CondVar cv_;                                // signalled when a connection goes back to idle_
  std::vector<std::unique_ptr<Conn>> all_;    // set by the constructor only
  std::deque<Conn*> idle_ ANPR_GUARDED_BY(mu_);
  std::set<int64_t> known_partitions_ ANPR_GUARDED_BY(mu_);
};

}  // namespace anpr::sync::pg
