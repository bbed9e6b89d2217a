// The in-car sync client: moves hits, reads and audit entries from the car's
// Outbox to the depot over HTTPS (libcurl) and brings hotlist updates back.
//
// One pass (SyncOnce): check the depot is reachable (health), report the
// audit chain's head, send hits, then reads, then audit entries, oldest
// first, in batches, then the audit chain's head again (the depot keeps the
// newest head reported, its anchor against a chain cut or recomputed, sent
// or not); after each batch
// mark synced exactly the UUIDs the depot acknowledged (never more than were
// sent); then fetch hotlist deltas since the car's version and hand them to
// the Outbox to swap in atomically. Stops at the first failure: what was
// acknowledged stays marked, the rest is resent next time (the depot
// ignores resends), so a cut, a crash or a reboot resumes where it stopped.
//
// Start() runs passes on a thread of its own: after a success it waits
// idle_interval_ms, after a failure an exponential backoff with jitter
// (capture/backoff.h). An authentication failure is a fault shown in the
// state (auth_fault), never "done". Beside the passes it posts a heartbeat
// every heartbeat_interval_ms (POST /api/v1/heartbeat).
//
// A batch the depot refuses for its content (HTTP 400 or 413; never 401 or
// 403, which are about the credential or whose data it is) is halved until
// the refused record is alone; that record is quarantined on the car
// (Outbox::Quarantine) and the pass goes on with the records behind it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "vehicle/records/status.h"
#include "sync/heartbeat.h"
#include "sync/outbox.h"
#include "vehicle/records/mutex.h"

namespace anpr::sync {

struct SyncClientOptions {
  std::string depot_url;  // "https://depot.example:8443"; http:// only to loopback
  std::string token;      // the vehicle's credential from `anpr-depot enroll`
  std::string ca_file;    // PEM CA bundle that signed the depot's certificate; empty: system store
  std::size_t batch_records = 200;
  std::size_t batch_max_bytes = 16u * 1024u * 1024u;  // encoded request size bound
  int64_t connect_timeout_ms = 5000;
  int64_t request_timeout_ms = 60000;  // whole request, upload + answer
  int64_t idle_interval_ms = 30000;    // between passes when all went well
  // After Stop(), how long a batch already sent whole may still wait for
  // the depot's answer (never past request_timeout_ms). The depot may have
  // stored such a batch; its answer is how the car learns which records to
  // mark synced. Within the unit's stop budget (hw/anpr-vehicle.service,
  // TimeoutStopSec=20) so a dead link cannot hold the stop for long.
  int64_t stop_answer_wait_ms = 5000;
  int64_t backoff_initial_ms = 1000;
  int64_t backoff_max_ms = 5 * 60 * 1000;
  // The unit's export signing key (Ed25519 public key, hex;
  // vehicle/records/signing_key.h), presented every pass with the token so
  // the depot enrols it. Empty: none presented.
  std::string signing_public_key_hex;
  // A heartbeat (sync/heartbeat.h) goes this often while the depot answers,
  // even with nothing to sync; only when heartbeat_source is set.
  int64_t heartbeat_interval_ms = 60000;
  // The unit's health as it is now (unit id, version, cameras, GPS, clock,
  // disk, last fault); the client adds the unsynced counts, the hotlist
  // version and the send time. Called on the syncing thread.
  std::function<Heartbeat()> heartbeat_source;
};

enum class SyncPhase { kIdle, kSyncing, kError };
const char* SyncPhaseName(SyncPhase p);  // "idle", "syncing", "error"

// What the HMI shows.
struct SyncState {
  SyncPhase phase = SyncPhase::kIdle;
  int64_t done = 0;   // records acknowledged in the current/last pass
  int64_t total = 0;  // records waiting when the pass started
  bool depot_reachable = false;
  bool auth_fault = false;  // the depot refused our credential: needs a person
  std::optional<int64_t> last_success_utc_ms;
  std::string last_error;  // empty after a success
  int64_t hotlist_version = 0;
  // Records the depot refused for their content, set aside on the car
  // (Outbox::Quarantine): a person must look at them.
  int64_t quarantined = 0;
};
// "idle, last success 12:03:04Z", "syncing 40 of 120", "error: ...", each
// followed by "; 2 quarantined (refused by the depot)" while any are.
std::string DescribeSyncState(const SyncState& s);

class SyncClient {
 public:
  // `outbox` must outlive the client.
  SyncClient(Outbox* outbox, SyncClientOptions options);
  ~SyncClient();  // Stop()s
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // One full pass on the caller's thread. kUnauthenticated / kPermissionDenied
  // for a refused credential, kUnavailable for an unreachable depot or a cut,
  // kInvalidArgument / kCorruption for a depot answer that makes no sense.
  // Not to be called while Start()ed.
  Status SyncOnce();

  // Runs passes on a background thread until Stop(). Stop() starts no new
  // request, interrupts one that is not yet sent whole (the depot cannot
  // have stored any of it) and joins. A batch of records already sent whole
  // keeps its request until the answer arrives, at most stop_answer_wait_ms
  // after the stop, and what the answer acknowledges is marked synced
  // before Stop() returns: the car's record then agrees with the depot's.
  // Cut short anyway (no answer in time), the batch stays unsynced and
  // goes again next start; the depot keeps one copy of a resend.
  void Start();
  void Stop();
  // Sends one heartbeat now (on the caller's thread; not while Start()ed).
  // kInvalidArgument without a heartbeat_source.
  Status SendHeartbeat();

  // Wakes the background thread for a pass now (e.g. the car reached the depot's Wi-Fi).
  void Kick();

  SyncState state() const;
  // Called (on the syncing thread) whenever the state changes.
  void SetStateListener(std::function<void(const SyncState&)> listener);

 private:
  class Http;
  Status Pass(Http& http);
  template <typename T, typename FetchFn, typename EncodeFn>
  Status SendAll(Http& http, RecordKind kind, const char* path, FetchFn fetch, EncodeFn encode);
  // Sends the outbox's audit chain head, if it keeps a chain.
  Status ReportChainHead(Http& http);
  Status PresentSigningKey(Http& http);
  void Update(const std::function<void(SyncState&)>& change);
  void Run();

  Outbox* outbox_;
  SyncClientOptions options_;
  mutable Mutex mu_;  // guards state_, listener_, kick_
  SyncState state_ ANPR_GUARDED_BY(mu_);
  std::function<void(const SyncState&)> listener_ ANPR_GUARDED_BY(mu_);
  CondVar cv_;
  bool kick_ ANPR_GUARDED_BY(mu_) = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace anpr::sync
