#include "sync/client.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <unordered_set>

#include "sync/depot_url.h"
#include "vehicle/records/backoff.h"

namespace anpr::sync {

const char* SyncPhaseName(SyncPhase p) {
  switch (p) {
    case SyncPhase::kIdle: return "idle";
    case SyncPhase::kSyncing: return "syncing";
    case SyncPhase::kError: return "error";
  }
  return "idle";
}

namespace {

std::string DescribePhase(const SyncState& s) {
  std::string last = "never";
  if (s.last_success_utc_ms) {
    std::time_t t = static_cast<std::time_t>(*s.last_success_utc_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
    last = buf;
  }
  switch (s.phase) {
    case SyncPhase::kSyncing:
      return "syncing " + std::to_string(s.done) + " of " + std::to_string(s.total);
    case SyncPhase::kError:
      return std::string(s.auth_fault ? "fault: depot refused this vehicle's credential: " : "error: ") +
             s.last_error + " (last success " + last + ")";
    case SyncPhase::kIdle: break;
  }
  return "idle, last success " + last;
}

}  // namespace

std::string DescribeSyncState(const SyncState& s) {
  std::string text = DescribePhase(s);
  if (s.quarantined > 0) text += "; " + std::to_string(s.quarantined) + " quarantined (refused by the depot)";
  return text;
}

// One libcurl easy handle, reused for a pass so the TLS session and the
// connection are kept between batches.
class SyncClient::Http {
 public:
  Http(const SyncClientOptions& o, const std::atomic<bool>* stop) : o_(o), stop_(stop) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
    const std::string auth = "Authorization: Bearer " + o.token;
    headers_ = curl_slist_append(headers_, auth.c_str());
    headers_ = curl_slist_append(headers_, "Content-Type: application/json");
    headers_ = curl_slist_append(headers_, "Expect:");  // no 100-continue round trip
  }
  ~Http() {
    curl_slist_free_all(headers_);
    if (curl_) curl_easy_cleanup(curl_);
  }
  Http(const Http&) = delete;
  Http& operator=(const Http&) = delete;

  // What a stop does to a call in flight.
  enum class OnStop {
    kAbort,  // nothing the car keeps depends on the answer
    // The body carries records: once it is out whole the depot may have
    // stored them, and only its answer says which, so the call waits for
    // it (up to stop_answer_wait_ms after the stop).
    kAwaitAnswerOnceSent,
  };

  // GET when body is null, POST otherwise. Fills *answer on HTTP 200;
  // every other outcome is a Status naming what happened. After a stop no
  // call starts ("sync stopped").
  Status Call(const std::string& path, const std::string* body, std::string* answer,
              OnStop on_stop = OnStop::kAbort) {
    if (!curl_) return Internal("libcurl could not start");
    answer->clear();
    last_http_code_ = 0;
    if (stop_->load()) return Unavailable("sync stopped");
    on_stop_ = on_stop;
    body_bytes_ = body ? static_cast<curl_off_t>(body->size()) : 0;
    stop_seen_.reset();
    const std::string url = o_.depot_url + kApiPrefix + path;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o_.connect_timeout_ms));
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.request_timeout_ms));
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!o_.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, o_.ca_file.c_str());
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Http::Write);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &Http::Progress);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, this);
    if (body) {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    char err[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, err);
    CURLcode rc = curl_easy_perform(curl_);
    if (rc != CURLE_OK) {
      std::string m = o_.depot_url + ": " + (err[0] ? err : curl_easy_strerror(rc));
      if (rc == CURLE_ABORTED_BY_CALLBACK) return Unavailable("sync stopped");
      if (rc == CURLE_OPERATION_TIMEDOUT) return {StatusCode::kTimeout, m};
      if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
          rc == CURLE_SSL_CERTPROBLEM)
        return Unavailable("depot certificate not trusted: " + m);
      return Unavailable(m);
    }
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    last_http_code_ = code;
    if (code == 200) return Status::Ok();
    const std::string reason = "depot answered HTTP " + std::to_string(code) + ": " + ErrorReason(*answer);
    if (code == 401) return Unauthenticated(reason);
    if (code == 403) return PermissionDenied(reason);
    if (code >= 400 && code < 500) return InvalidArgument(reason);
    return Unavailable(reason);
  }

  // True when the last call's answer refused the request for what it
  // carried (400 malformed or beyond a field limit, 413 too large), not for
  // who sent it (401, 403) or the depot's state (5xx).
  long last_http_code() const { return last_http_code_; }
  bool RefusedForContent() const { return last_http_code_ == 400 || last_http_code_ == 413; }

 private:
  static size_t Write(char* p, size_t size, size_t n, void* user) {
    auto* out = static_cast<std::string*>(user);
    // A depot answer is small; refuse to buffer a runaway one.
    if (out->size() + size * n > 64u * 1024u * 1024u) return 0;
    out->append(p, size * n);
    return size * n;
  }
  // libcurl calls this often while bytes move and about once a second
  // while it waits; non-zero aborts the transfer.
  static int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t body_bytes_sent) {
    return static_cast<Http*>(user)->AbortForStop(body_bytes_sent) ? 1 : 0;
  }
  bool AbortForStop(curl_off_t body_bytes_sent) {
    if (!stop_->load()) return false;
    // Until the body is out whole the depot cannot have stored any of it.
    if (on_stop_ == OnStop::kAbort || body_bytes_sent < body_bytes_) return true;
    const auto now = std::chrono::steady_clock::now();
    if (!stop_seen_) stop_seen_ = now;
    return now - *stop_seen_ >= std::chrono::milliseconds(o_.stop_answer_wait_ms);
  }

  const SyncClientOptions& o_;
  const std::atomic<bool>* stop_;
  CURL* curl_ = nullptr;
  curl_slist* headers_ = nullptr;
  long last_http_code_ = 0;  // 0: no answer
  // The call in flight's.
  OnStop on_stop_ = OnStop::kAbort;
  curl_off_t body_bytes_ = 0;
  std::optional<std::chrono::steady_clock::time_point> stop_seen_;  // when a progress call first saw the stop
};

namespace {

std::string UuidOf(const Hit& h) { return h.uuid; }
std::string UuidOf(const Read& r) { return r.uuid; }
std::string UuidOf(const WireAuditEntry& a) { return a.uuid; }
std::string UuidOf(const WantedEntry& w) { return w.uuid; }
std::string UuidOf(const HoldEntry& h) { return h.uuid; }

}  // namespace

SyncClient::SyncClient(Outbox* outbox, SyncClientOptions options)
    : outbox_(outbox), options_(std::move(options)) {
  while (!options_.depot_url.empty() && options_.depot_url.back() == '/') options_.depot_url.pop_back();
}

SyncClient::~SyncClient() { Stop(); }

SyncState SyncClient::state() const {
  MutexLock lock(&mu_);
  return state_;
}

void SyncClient::SetStateListener(std::function<void(const SyncState&)> listener) {
  MutexLock lock(&mu_);
  listener_ = std::move(listener);
}

void SyncClient::Update(const std::function<void(SyncState&)>& change) {
  std::function<void(const SyncState&)> listener;
  SyncState copy;
  {
    MutexLock lock(&mu_);
    change(state_);
    copy = state_;
    listener = listener_;
  }
  if (listener) listener(copy);
}

Status SyncClient::SyncOnce() {
  Http http(options_, &stop_);
  Status s = Pass(http);
  if (s.ok()) {
    Update([](SyncState& st) {
      st.phase = SyncPhase::kIdle;
      st.last_success_utc_ms = NowUtcMs();
      st.last_error.clear();
      st.auth_fault = false;
    });
  } else {
    const bool auth = s.code() == StatusCode::kUnauthenticated || s.code() == StatusCode::kPermissionDenied;
    Update([&](SyncState& st) {
      st.phase = SyncPhase::kError;
      st.last_error = s.ToString();
      st.auth_fault = auth;
    });
    if (auth)
      spdlog::error("sync: the depot refused this vehicle's credential: {}", s.ToString());
    else
      spdlog::warn("sync: pass failed: {}", s.ToString());
  }
  return s;
}

Status SyncClient::Pass(Http& http) {
  // The credential goes only where the one URL rule allows (sync/depot_url.h).
  if (Status s = CheckDepotUrl(options_.depot_url); !s.ok()) return InvalidArgument("depot URL " + s.message());
  std::string answer;
  if (Status s = http.Call("/health", nullptr, &answer); !s.ok()) {
    Update([](SyncState& st) { st.depot_reachable = false; });
    return s;
  }
  auto counts = outbox_->CountUnsynced();
  if (!counts.ok()) return counts.status();
  Update([&](SyncState& st) {
    st.depot_reachable = true;
    st.phase = SyncPhase::kSyncing;
    st.done = 0;
    st.total = counts->total();
    st.quarantined = counts->quarantined;
  });

  // The chain head first as well: the depot keeps the newest head reported,
  // so entries the car holds now are known to it even if this pass is cut
  // before they are sent (deleting them later is then caught).
  if (Status s = ReportChainHead(http); !s.ok()) return s;
  if (Status s = PresentSigningKey(http); !s.ok()) return s;
  // Holds before anything else: the depot's retention must know them
  // before it could drop the reads they keep.
  if (Status s = SendAll<HoldEntry>(
          http, RecordKind::kHold, "/holds", [&](std::size_t n) { return outbox_->UnsyncedHolds(n); },
          [](const std::vector<HoldEntry>& v) { return EncodeHolds(v); });
      !s.ok())
    return s;
  // Hits first: they are what an officer at the depot needs soonest.
  if (Status s = SendAll<Hit>(
          http, RecordKind::kHit, "/hits", [&](std::size_t n) { return outbox_->UnsyncedHits(n); },
          [](const std::vector<Hit>& v) { return EncodeHits(v); });
      !s.ok())
    return s;
  // Then wanted plates officers entered: other cars should know soon.
  if (Status s = SendAll<WantedEntry>(
          http, RecordKind::kWanted, "/wanted", [&](std::size_t n) { return outbox_->UnsyncedWanted(n); },
          [](const std::vector<WantedEntry>& v) { return EncodeWanted(v); });
      !s.ok())
    return s;
  if (Status s = SendAll<Read>(
          http, RecordKind::kRead, "/reads", [&](std::size_t n) { return outbox_->UnsyncedReads(n); },
          [](const std::vector<Read>& v) { return EncodeReads(v); });
      !s.ok())
    return s;
  if (Status s = SendAll<WireAuditEntry>(
          http, RecordKind::kAudit, "/audit", [&](std::size_t n) { return outbox_->UnsyncedAudit(n); },
          [](const std::vector<WireAuditEntry>& v) { return EncodeAudit(v); });
      !s.ok())
    return s;
  if (Status s = ReportChainHead(http); !s.ok()) return s;

  // Hotlists: whatever changed since the version the car holds.
  auto have = outbox_->HotlistVersion();
  if (!have.ok()) return have.status();
  if (Status s = http.Call("/hotlists?since=" + std::to_string(*have), nullptr, &answer); !s.ok()) return s;
  auto update = ParseHotlistUpdate(answer);
  if (!update.ok()) return Corruption("depot hotlist answer: " + update.status().message());
  if (!update->lists.empty() || update->latest_version != *have) {
    if (Status s = outbox_->ApplyHotlistUpdate(*update); !s.ok()) return s;
    spdlog::info("sync: hotlists now at version {} ({} lists changed)", update->latest_version,
                 update->lists.size());
  }
  Update([&](SyncState& st) { st.hotlist_version = update->latest_version; });
  return Status::Ok();
}

Status SyncClient::ReportChainHead(Http& http) {
  auto head = outbox_->ChainHead();
  if (!head.ok()) return head.status();
  if (!head->has_value()) return Status::Ok();
  const std::string body = EncodeAuditChainHead(**head);
  std::string answer;
  Status s = http.Call("/audit/head", &body, &answer);
  if (s.ok() || http.last_http_code() == 404) return Status::Ok();  // 404: a depot that keeps no anchor
  if (http.last_http_code() == 409) {
    // The depot caught it and keeps the security event; the car's records
    // still go, as they are evidence either way.
    spdlog::error("sync: the depot finds this unit's audit chain altered: {}", s.message());
    return Status::Ok();
  }
  return s;
}

Status SyncClient::PresentSigningKey(Http& http) {
  if (options_.signing_public_key_hex.empty()) return Status::Ok();
  const std::string body = EncodeSigningKey(options_.signing_public_key_hex);
  std::string answer;
  Status s = http.Call("/unit-key", &body, &answer);
  if (s.ok() || http.last_http_code() == 404) return Status::Ok();  // 404: a depot that enrols no keys
  if (http.last_http_code() == 409) {
    // The depot keeps the key it enrolled first and a security event; the
    // records still go, as they are evidence either way.
    spdlog::error("sync: the depot holds another signing key for this unit: {}", s.message());
    return Status::Ok();
  }
  return s;
}

template <typename T, typename FetchFn, typename EncodeFn>
Status SyncClient::SendAll(Http& http, RecordKind kind, const char* path, FetchFn fetch, EncodeFn encode) {
  const std::size_t full = std::max<std::size_t>(1, std::min(options_.batch_records, kMaxRecordsPerBatch));
  // Shrinks while a refused record is being looked for: the batch is always
  // the oldest `limit` records, so halving on each content refusal sends
  // what comes before the refused record and leaves it alone at the front.
  std::size_t limit = full;
  std::unordered_set<std::string> quarantined;  // this call's, so a record the outbox will not set aside cannot loop
  std::string answer;
  while (!stop_.load()) {
    auto batch = fetch(limit);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) return Status::Ok();
    std::string body = encode(*batch);
    // Keep a request within the byte bound: halve the batch until it fits.
    while (body.size() > options_.batch_max_bytes && batch->size() > 1) {
      batch->resize(batch->size() / 2);
      body = encode(*batch);
    }
    if (Status s = http.Call(path, &body, &answer, Http::OnStop::kAwaitAnswerOnceSent); !s.ok()) {
      if (!http.RefusedForContent()) return s;
      if (batch->size() > 1) {
        limit = batch->size() / 2;
        continue;
      }
      const std::string uuid = UuidOf(batch->front());
      if (!quarantined.insert(uuid).second) return s;  // still offered after its quarantine
      if (Status q = outbox_->Quarantine(kind, uuid, s.message()); !q.ok()) return q;
      spdlog::error("sync: {} {} quarantined on the car, the depot refuses it: {}", RecordKindName(kind), uuid,
                    s.message());
      Update([](SyncState& st) { ++st.quarantined; });
      limit = full;
      continue;
    }
    auto acked = ParseAck(answer);
    if (!acked.ok()) return Corruption("depot answer to " + std::string(path) + ": " + acked.status().message());
    // Mark only what we sent and the depot acknowledged.
    std::unordered_set<std::string> sent;
    for (const auto& r : *batch) sent.insert(UuidOf(r));
    std::vector<std::string> mark;
    for (auto& u : *acked)
      if (sent.erase(u)) mark.push_back(std::move(u));
    if (!mark.empty()) {
      if (Status s = outbox_->MarkSynced(kind, mark, NowUtcMs()); !s.ok()) return s;
    }
    Update([&](SyncState& st) { st.done += static_cast<int64_t>(mark.size()); });
    if (!sent.empty())
      return Corruption("depot acknowledged " + std::to_string(mark.size()) + " of " +
                        std::to_string(batch->size()) + " " + RecordKindName(kind) + " records");
  }
  return Unavailable("sync stopped");
}

void SyncClient::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SyncClient::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void SyncClient::Kick() {
  {
    MutexLock lock(&mu_);
    kick_ = true;
  }
  cv_.NotifyAll();
}

Status SyncClient::SendHeartbeat() {
  if (!options_.heartbeat_source) return InvalidArgument("no heartbeat source");
  if (Status s = CheckDepotUrl(options_.depot_url); !s.ok()) return InvalidArgument("depot URL " + s.message());
  Heartbeat hb = options_.heartbeat_source();
  auto counts = outbox_->CountUnsynced();
  if (!counts.ok()) return counts.status();
  hb.unsynced_reads = counts->reads;
  hb.unsynced_hits = counts->hits;
  hb.unsynced_audit = counts->audit;
  auto version = outbox_->HotlistVersion();
  if (!version.ok()) return version.status();
  hb.hotlist_version = *version;
  hb.last_sync_utc_ms = state().last_success_utc_ms;
  hb.sent_at_utc_ms = NowUtcMs();
  const std::string body = EncodeHeartbeat(hb);
  std::string answer;
  Http http(options_, &stop_);
  return http.Call("/heartbeat", &body, &answer);
}

void SyncClient::Run() {
  using Clock = std::chrono::steady_clock;
  Backoff backoff(options_.backoff_initial_ms, options_.backoff_max_ms);
  auto next_pass = Clock::now();
  auto next_heartbeat = Clock::now();
  bool kicked = false;
  while (!stop_.load()) {
    if (kicked || Clock::now() >= next_pass) {
      Status s = SyncOnce();
      int64_t wait_ms = options_.idle_interval_ms;
      if (s.ok()) {
        backoff.Reset();
      } else {
        wait_ms = backoff.NextDelayMs();
      }
      next_pass = Clock::now() + std::chrono::milliseconds(wait_ms);
    }
    // The heartbeat keeps its own minute, whatever the passes do: a car with
    // nothing to sync, or one backing off, is still seen alive.
    if (options_.heartbeat_source && Clock::now() >= next_heartbeat && !stop_.load()) {
      if (Status h = SendHeartbeat(); !h.ok()) spdlog::debug("sync: heartbeat not sent: {}", h.ToString());
      next_heartbeat = Clock::now() + std::chrono::milliseconds(std::max<int64_t>(100, options_.heartbeat_interval_ms));
    }
    auto wake = next_pass;
    if (options_.heartbeat_source) wake = std::min(wake, next_heartbeat);
    MutexLock lock(&mu_);
    cv_.WaitFor(&mu_, std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()),
                [&]() ANPR_REQUIRES(mu_) { return stop_.load() || kick_; });
    kicked = kick_;
    kick_ = false;
  }
}

const char* RecordKindName(RecordKind k) {
  switch (k) {
    case RecordKind::kHit: return "hit";
    case RecordKind::kRead: return "read";
    case RecordKind::kAudit: return "audit";
    case RecordKind::kWanted: return "wanted";
    case RecordKind::kHold: return "hold";
  }
  return "read";
}

}  // namespace anpr::sync
