// Depot benchmarks (build Release; figures are printed, not asserted):
//
//  1. ingest: reads with two images each POSTed over loopback TLS into one
//     depot by `--uploaders` concurrent connections (bodies encoded before
//     the clock starts, so the figure is the depot's), for SQLite and
//     PostgreSQL.
//  2. fleet: `--vehicles` cars, each a real SyncClient with its own SQLite
//     outbox holding `--per-vehicle` reads, syncing at the same time; total
//     time, p95 batch latency, and a count of lost/doubled reads.
//
//   sync_bench [--backend sqlite|postgresql|both] [--reads N] [--image-bytes B]
//              [--uploaders U] [--vehicles V] [--per-vehicle R] [--fleet-image-bytes B]
//              [--breakdown 1]   (per-read cost of encode / parse / store alone)
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "sync/client.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/sqlite_outbox.h"
#include "tests/sync/sync_test_support.h"

namespace {

using namespace anpr;
using namespace anpr::sync;
// The sync helpers, not anpr::testing (which both using-directives reach).
namespace testing = anpr::sync::testing;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string backend = "both";
  int reads = 10000;
  std::size_t image_bytes = 20000;
  int uploaders = 4;
  int batch = 200;
  int vehicles = 50;
  int per_vehicle = 1200;
  std::size_t fleet_image_bytes = 2000;
  bool breakdown = false;
};

// CPU seconds (user + system) this process has used: on a shared, loaded
// machine reads per CPU-second says more than wall time.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Times when a read batch was fetched and when it was marked synced.
class TimingOutbox final : public Outbox {
 public:
  explicit TimingOutbox(Outbox* inner) : inner_(inner) {}
  Result<std::vector<Hit>> UnsyncedHits(std::size_t n) override { return inner_->UnsyncedHits(n); }
  Result<std::vector<Read>> UnsyncedReads(std::size_t n) override {
    start_ = Clock::now();
    return inner_->UnsyncedReads(n);
  }
  Result<std::vector<WireAuditEntry>> UnsyncedAudit(std::size_t n) override { return inner_->UnsyncedAudit(n); }
  Result<UnsyncedCounts> CountUnsynced() override { return inner_->CountUnsynced(); }
  Status MarkSynced(RecordKind k, const std::vector<std::string>& u, int64_t at) override {
    if (k == RecordKind::kRead) latencies_ms.push_back(Seconds(start_, Clock::now()) * 1000);
    return inner_->MarkSynced(k, u, at);
  }
  Status Quarantine(RecordKind k, const std::string& u, const std::string& why) override {
    return inner_->Quarantine(k, u, why);
  }
  Result<int64_t> HotlistVersion() override { return inner_->HotlistVersion(); }
  Status ApplyHotlistUpdate(const HotlistUpdate& u) override { return inner_->ApplyHotlistUpdate(u); }
  std::vector<double> latencies_ms;

 private:
  Outbox* inner_;
  Clock::time_point start_;
};

struct Depot {
  std::unique_ptr<DepotStore> store;
  std::unique_ptr<DepotServer> server;
};

bool StartDepot(const std::string& backend, testing::TempDir& dir, Depot* d, int threads) {
  std::string url = "sqlite:" + dir.File("depot.db");
  if (backend == "postgresql") {
    std::string why;
    auto* pg = testing::PostgresCluster::Shared(&why);
    if (!pg) {
      std::printf("postgresql: cannot start (%s): skipped\n", why.c_str());
      return false;
    }
    url = pg->NewDatabase();
  }
  auto s = OpenDepotStore(url);
  if (!s.ok() || !(*s)->Migrate().ok()) {
    std::printf("%s: cannot open store\n", backend.c_str());
    return false;
  }
  d->store = std::move(*s);
  DepotServerOptions o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.cert_file = dir.File("cert.pem");
  o.key_file = dir.File("key.pem");
  o.max_connections = threads;
  d->server = std::make_unique<DepotServer>(d->store.get(), o);
  return d->server->Start().ok();
}

// Single-threaded cost of each step of one upload, without HTTP/TLS:
// encoding a batch (the car), parsing it (the depot) and storing it.
void Breakdown(const Args& a, const std::string& backend) {
  testing::TempDir dir;
  Depot d;
  testing::MakeTestCertificate(dir.path());
  if (!StartDepot(backend, dir, &d, 1)) return;
  const int batches = std::max(1, a.reads / a.batch);
  double enc = 0, parse = 0, store = 0;
  std::size_t bytes = 0;
  for (int b = 0; b < batches; ++b) {
    std::vector<Read> batch;
    for (int k = 0; k < a.batch; ++k) batch.push_back(testing::MakeRead("CAR1", b * a.batch + k, a.image_bytes));
    auto t0 = Clock::now();
    const std::string body = EncodeReads(batch);
    auto t1 = Clock::now();
    auto parsed = ParseReads(body);
    auto t2 = Clock::now();
    auto stored = d.store->IngestReads("CAR1", *parsed);
    auto t3 = Clock::now();
    if (!stored.ok()) std::printf("store failed: %s\n", stored.status().ToString().c_str());
    bytes += body.size();
    enc += Seconds(t0, t1);
    parse += Seconds(t1, t2);
    store += Seconds(t2, t3);
  }
  const double n = static_cast<double>(batches) * a.batch;
  std::printf("breakdown %-10s %d batches of %d (%.1f MB each): encode %.1f us/read, parse %.1f us/read, "
              "store %.1f us/read\n",
              backend.c_str(), batches, a.batch, static_cast<double>(bytes) / batches / 1e6, enc / n * 1e6,
              parse / n * 1e6, store / n * 1e6);
  std::fflush(stdout);
}

void Ingest(const Args& a, const std::string& backend) {
  testing::TempDir dir;
  testing::MakeTestCertificate(dir.path());
  Depot d;
  if (!StartDepot(backend, dir, &d, a.uploaders + 4)) return;
  const std::string token = NewToken();
  if (!d.store->AddCredential({"CAR1", Role::kVehicle}, TokenHash(token)).ok()) return;
  // Encode every batch before the clock starts.
  std::vector<std::string> bodies;
  for (int i = 0; i < a.reads; i += a.batch) {
    std::vector<Read> batch;
    for (int k = i; k < std::min(a.reads, i + a.batch); ++k) batch.push_back(testing::MakeRead("CAR1", k, a.image_bytes));
    bodies.push_back(EncodeReads(batch));
  }
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  const auto t0 = Clock::now();
  const double cpu0 = CpuSeconds();
  std::vector<std::thread> threads;
  for (int u = 0; u < a.uploaders; ++u) {
    threads.emplace_back([&] {
      httplib::SSLClient cli("127.0.0.1", d.server->port());
      cli.set_ca_cert_path(dir.File("cert.pem").c_str());
      cli.enable_server_certificate_verification(true);
      cli.set_keep_alive(true);
      cli.set_read_timeout(120, 0);
      cli.set_write_timeout(120, 0);
      httplib::Headers h = {{"Authorization", "Bearer " + token}};
      for (std::size_t i; (i = next.fetch_add(1)) < bodies.size();) {
        auto res = cli.Post("/api/v1/reads", h, bodies[i], "application/json");
        if (!res || res->status != 200) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = Seconds(t0, Clock::now());
  const double cpu = CpuSeconds() - cpu0;
  auto c = d.store->Counts();
  std::printf("ingest %-10s %6d reads x 2 x %zu B images, %d TLS connections, batch %d: %.2f s, %.0f reads/s "
              "(%.0f reads per CPU-second of this process, client TLS included; PostgreSQL server CPU not counted), "
              "%.1f MB/s of images; stored %lld distinct %lld, failed requests %d\n",
              backend.c_str(), a.reads, a.image_bytes, a.uploaders, a.batch, secs, a.reads / secs, a.reads / cpu,
              a.reads * 2.0 * static_cast<double>(a.image_bytes) / secs / 1e6,
              static_cast<long long>(c.ok() ? c->reads : -1),
              static_cast<long long>(c.ok() ? c->distinct_read_uuids : -1), failures.load());
  std::fflush(stdout);
}

void Fleet(const Args& a, const std::string& backend) {
  testing::TempDir dir;
  testing::MakeTestCertificate(dir.path());
  Depot d;
  if (!StartDepot(backend, dir, &d, a.vehicles + 8)) return;
  struct Car {
    std::unique_ptr<SqliteOutbox> box;
    std::unique_ptr<TimingOutbox> timing;
    std::string token;
    Status result;
  };
  std::vector<Car> cars(static_cast<std::size_t>(a.vehicles));
  for (int v = 0; v < a.vehicles; ++v) {
    Car& car = cars[static_cast<std::size_t>(v)];
    const std::string unit = "CAR" + std::to_string(v);
    car.token = NewToken();
    if (!d.store->AddCredential({unit, Role::kVehicle}, TokenHash(car.token)).ok()) return;
    car.box = std::move(SqliteOutbox::Open(dir.File(unit + ".db")).value());
    std::vector<Read> reads;
    for (int i = 0; i < a.per_vehicle; ++i) reads.push_back(testing::MakeRead(unit, i, a.fleet_image_bytes));
    if (!car.box->AddAll(reads, {}, {}).ok()) return;
    car.timing = std::make_unique<TimingOutbox>(car.box.get());
  }
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (auto& car : cars) {
    threads.emplace_back([&] {
      SyncClientOptions o;
      o.depot_url = "https://127.0.0.1:" + std::to_string(d.server->port());
      o.token = car.token;
      o.ca_file = dir.File("cert.pem");
      o.batch_records = 200;
      o.request_timeout_ms = 300000;
      SyncClient client(car.timing.get(), o);
      car.result = client.SyncOnce();
    });
  }
  for (auto& t : threads) t.join();
  const double secs = Seconds(t0, Clock::now());
  std::vector<double> lat;
  int failed = 0;
  int64_t unsynced = 0, marked = 0;
  for (auto& car : cars) {
    lat.insert(lat.end(), car.timing->latencies_ms.begin(), car.timing->latencies_ms.end());
    if (!car.result.ok()) ++failed;
    unsynced += car.box->CountUnsynced()->total();
    marked += static_cast<int64_t>(car.box->SyncedUuids(RecordKind::kRead)->size());
  }
  std::sort(lat.begin(), lat.end());
  const double p95 = lat.empty() ? 0 : lat[static_cast<std::size_t>(0.95 * static_cast<double>(lat.size() - 1))];
  const double p50 = lat.empty() ? 0 : lat[lat.size() / 2];
  auto c = d.store->Counts();
  const int64_t total = int64_t{a.vehicles} * a.per_vehicle;
  std::printf("fleet  %-10s %d vehicles x %d reads (2 x %zu B images), batch 200: total %.2f s (%.0f reads/s), "
              "batch latency p50 %.0f ms p95 %.0f ms over %zu batches; depot holds %lld (distinct %lld) of %lld, "
              "cars marked %lld, left unsynced %lld, failed cars %d => %s\n",
              backend.c_str(), a.vehicles, a.per_vehicle, a.fleet_image_bytes, secs, static_cast<double>(total) / secs,
              p50, p95, lat.size(), static_cast<long long>(c->reads), static_cast<long long>(c->distinct_read_uuids),
              static_cast<long long>(total), static_cast<long long>(marked), static_cast<long long>(unsynced), failed,
              (c->reads == total && c->distinct_read_uuids == total && marked == total && unsynced == 0)
                  ? "none lost, none doubled"
                  : "MISMATCH");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--backend") a.backend = v;
    else if (k == "--reads") a.reads = std::stoi(v);
    else if (k == "--image-bytes") a.image_bytes = std::stoul(v);
    else if (k == "--uploaders") a.uploaders = std::stoi(v);
    else if (k == "--batch") a.batch = std::stoi(v);
    else if (k == "--vehicles") a.vehicles = std::stoi(v);
    else if (k == "--per-vehicle") a.per_vehicle = std::stoi(v);
    else if (k == "--fleet-image-bytes") a.fleet_image_bytes = std::stoul(v);
    else if (k == "--only") a.backend = v;
    else if (k == "--breakdown") a.breakdown = v == "1";
  }
  std::vector<std::string> backends;
  if (a.backend == "both") backends = {"sqlite", "postgresql"};
  else backends = {a.backend};
  if (a.breakdown) {
    for (const auto& b : backends) Breakdown(a, b);
    return 0;
  }
  for (const auto& b : backends) Ingest(a, b);
  if (a.vehicles > 0)
    for (const auto& b : backends) Fleet(a, b);
  return 0;
}
