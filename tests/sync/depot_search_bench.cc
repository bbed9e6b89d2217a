// Benchmark of the depot's reads search on PostgreSQL (issue 17's target:
// 10,000,000 reads across 50 vehicles over 12 months, search p95 at most
// 300 ms server time). Starts the tests' PostgreSQL 15 cluster in /tmp,
// migrates a depot store, bulk-loads the reads inside PostgreSQL (INSERT ...
// SELECT FROM generate_series into the real partitioned reads table and
// read_uuids; the month partitions are made by the store itself, through one
// real IngestReads per month), ANALYZEs, then times the store's audited
// SearchReads as the console calls it (images included, 200 results at
// most): exact and '?' wildcard VRMs, VRMs held and not, with and without a
// 30-day window. Prints p50/p95/max per kind. Measured, not asserted; not
// run by CTest.
//
// The loaded reads carry a 64-byte stand-in for each image (the search cost
// is the index walk; real 20 KB JPEGs would only add TOAST reads of the few
// rows returned). Each VRM is read about 5 times over the year.
//   depot_search_bench [--reads N] [--queries K] [--explain]
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "sync/depot_partitions.h"
#include "sync/depot_store.h"
#include "sync/protocol.h"
#include "tests/sync/sync_test_support.h"

namespace anpr::sync {
namespace {

constexpr int kVehicles = 50;
constexpr int kMonths = 12;
constexpr int kReadsPerVrm = 5;
// Plates "AB12CDE": 26^5 letters x 100 digit pairs. Vehicle v's plate is
// number (v * kPlateStride) mod kPlateSpace, a bijection (the stride shares
// no factor with the space), so v >= distinct gives a plate never loaded.
constexpr int64_t kPlateSpace = 26LL * 26 * 26 * 26 * 26 * 100;
constexpr int64_t kPlateStride = 1000003;
constexpr int64_t kReadStride = 2654435761LL;  // spreads reads over plates

std::string PlateOf(int64_t v) {
  const int64_t k = (v * kPlateStride) % kPlateSpace;
  std::string s;
  s += static_cast<char>('A' + k % 26);
  s += static_cast<char>('A' + k / 26 % 26);
  s += static_cast<char>('0' + k / 676 % 100 / 10);
  s += static_cast<char>('0' + k / 676 % 10);
  s += static_cast<char>('A' + k / 67600 % 26);
  s += static_cast<char>('A' + k / 1757600 % 26);
  s += static_cast<char>('A' + k / 45697600 % 26);
  return s;
}

// The same plate in SQL, of the bigint expression `v`.
std::string PlateSql(const std::string& v) {
  const std::string k = "((" + v + ")*" + std::to_string(kPlateStride) + "%" + std::to_string(kPlateSpace) + ")";
  auto letter = [&](const std::string& div) { return "chr((65+(" + k + "/" + div + ")%26)::int)"; };
  return letter("1") + "||" + letter("26") + "||lpad(((" + k + "/676)%100)::text,2,'0')||" + letter("67600") + "||" +
         letter("1757600") + "||" + letter("45697600");
}

bool Exec(PGconn* c, const std::string& sql, std::string* out = nullptr) {
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) std::printf("sql failed: %s\n", PQerrorMessage(c));
  if (ok && out)
    for (int i = 0; i < PQntuples(r); ++i) *out += std::string(PQgetvalue(r, i, 0)) + "\n";
  PQclear(r);
  return ok;
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Options {
  int64_t reads = 10'000'000;
  int queries = 40;
  bool explain = false;
};

int Run(const Options& o) {
  std::string why;
  auto* cluster = testing::PostgresCluster::Shared(&why);
  if (!cluster) {
    std::printf("postgresql: not measured (%s)\n", why.c_str());
    return 1;
  }
  const std::string url = cluster->NewDatabase();
  auto store = OpenPostgresDepotStore(url, 2);
  if (!store.ok() || !(*store)->Migrate().ok()) {
    std::printf("cannot open or migrate %s\n", url.c_str());
    return 1;
  }
  // The twelve months ending with this one; one real read per month, sent
  // as a car sends it, makes the store create each month's partition.
  int64_t month_starts[kMonths];
  month_starts[kMonths - 1] = MonthStartUtcMs(NowUtcMs());
  for (int m = kMonths - 2; m >= 0; --m) month_starts[m] = MonthStartUtcMs(month_starts[m + 1] - 1);
  const int64_t start = month_starts[0];
  const int64_t span = NextMonthStartUtcMs(month_starts[kMonths - 1]) - start;
  std::vector<Read> seeds;
  for (int m = 0; m < kMonths; ++m) {
    Read r = testing::MakeRead("PATROL-1000", m, 64);
    r.captured_at_utc_ms = month_starts[m] + 1000;
    seeds.push_back(r);
  }
  if (auto in = (*store)->IngestReads("PATROL-1000", seeds); !in.ok()) {
    std::printf("ingest failed: %s\n", in.status().ToString().c_str());
    return 1;
  }
  // The record text of each loaded read: the car's own encoding with its
  // uuid, VRM, time and vehicle put in by SQL.
  Read t = testing::MakeRead("ZZUNITZZ", 0, 0);
  t.uuid = "ffffffff-ffff-ffff-ffff-ffffffffffff";
  t.vrm = "ZZVRMZZ";
  t.candidates.clear();
  t.captured_at_utc_ms = 987654321987;
  std::string record = EncodeRead(t, false);
  for (std::size_t p = 0; (p = record.find('\'', p)) != std::string::npos; p += 2) record.insert(p, "'");
  const int64_t distinct = std::max<int64_t>(1, o.reads / kReadsPerVrm);
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) return 1;
  Exec(c, "SET synchronous_commit=off");
  const auto load0 = std::chrono::steady_clock::now();
  constexpr int64_t kChunk = 500'000;
  for (int64_t lo = 0; lo < o.reads; lo += kChunk) {
    const int64_t hi = std::min(o.reads, lo + kChunk);
    const std::string t_sql = std::to_string(start) + "+(i*" + std::to_string(span) + "::numeric/" +
                              std::to_string(o.reads) + ")::bigint";
    const std::string rec = "replace(replace(replace(replace('" + record +
                            "','ffffffff-ffff-ffff-ffff-ffffffffffff',u::text),'ZZVRMZZ',vrm),'987654321987',t::text),"
                            "'ZZUNITZZ',unit)";
    const std::string sql =
        "WITH s AS MATERIALIZED (SELECT md5('read'||i)::uuid AS u, 'PATROL-'||(1000+i%" + std::to_string(kVehicles) +
        ") AS unit, " + PlateSql("(i*" + std::to_string(kReadStride) + ")%" + std::to_string(distinct)) + " AS vrm, " +
        t_sql + " AS t, decode(lpad(to_hex(i),128,'f'),'hex') AS img FROM generate_series(" + std::to_string(lo) +
        "::bigint," + std::to_string(hi - 1) +
        ") i), claimed AS (INSERT INTO read_uuids(uuid,unit_id,captured_at_utc_ms,plate_sha256,overview_sha256) "
        "SELECT u,unit,t,encode(sha256(img),'hex'),encode(sha256(img),'hex') FROM s) "
        "INSERT INTO reads(uuid,unit_id,vrm,captured_at_utc_ms,received_at_utc_ms,record,plate_jpeg,overview_jpeg) "
        "SELECT u,unit,vrm,t,t+60000," + rec + ",img,img FROM s";
    if (!Exec(c, sql)) return 1;
    std::printf("loaded %lld reads, %.0f s\n", static_cast<long long>(hi), MsSince(load0) / 1000);
    std::fflush(stdout);
  }
  const double load_ms = MsSince(load0);
  const auto an0 = std::chrono::steady_clock::now();
  Exec(c, "ANALYZE");
  std::printf("load: %lld reads (%lld plates, %d vehicles, %d months) in %.1f s, ANALYZE %.1f s\n",
              static_cast<long long>(o.reads), static_cast<long long>(distinct), kVehicles, kMonths, load_ms / 1000,
              MsSince(an0) / 1000);
  auto counts = (*store)->Counts();
  if (counts.ok()) std::printf("depot holds %lld reads\n", static_cast<long long>(counts->reads));

  struct Kind {
    const char* name;
    bool held, wildcard, window;
    int wild_chars;
  };
  const Kind kinds[] = {
      {"exact, held", true, false, false, 0},          {"exact, not held", false, false, false, 0},
      {"exact, held, 30-day window", true, false, true, 0}, {"one ?, held", true, true, false, 1},
      {"one ?, not held", false, true, false, 1},      {"one ?, held, 30-day window", true, true, true, 1},
      {"two ?, held", true, true, false, 2},
  };
  std::mt19937_64 rng(17);
  std::printf("%-28s %8s %8s %8s %8s  (ms, SearchReads as the console calls it, %d queries each)\n", "kind", "p50",
              "p95", "max", "rows", o.queries);
  for (const Kind& k : kinds) {
    std::vector<double> ms;
    std::size_t rows = 0;
    for (int i = 0; i < o.queries; ++i) {
      const int64_t v = k.held ? static_cast<int64_t>(rng() % static_cast<uint64_t>(distinct))
                               : distinct + static_cast<int64_t>(rng() % static_cast<uint64_t>(distinct));
      SearchQuery q;
      q.vrm = PlateOf(v);
      for (int w = 0; w < k.wild_chars; ++w) q.vrm[rng() % q.vrm.size()] = '?';
      q.reason = "benchmark: investigation 17/2026 of a stolen vehicle";
      q.investigator = "bench";
      q.limit = 200;
      q.with_images = true;
      if (k.window) {
        q.from_utc_ms = start + static_cast<int64_t>(rng() % static_cast<uint64_t>(span - 30LL * 86400000));
        q.to_utc_ms = q.from_utc_ms + 30LL * 86400000;
      }
      if (o.explain && i == 0) {
        const std::string like = VrmLikePattern(q.vrm);
        std::string plan;
        Exec(c,
             "EXPLAIN ANALYZE SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm" +
                 std::string(like.empty() ? "='" + q.vrm : " LIKE '" + like) + "' AND captured_at_utc_ms>=" +
                 std::to_string(q.from_utc_ms) + " AND captured_at_utc_ms<" + std::to_string(q.to_utc_ms) +
                 " ORDER BY captured_at_utc_ms LIMIT 200",
             &plan);
        std::printf("-- %s (%s):\n%s", k.name, q.vrm.c_str(), plan.c_str());
      }
      const auto t0 = std::chrono::steady_clock::now();
      auto found = (*store)->SearchReads(q);
      ms.push_back(MsSince(t0));
      if (!found.ok()) {
        std::printf("search failed: %s\n", found.status().ToString().c_str());
        return 1;
      }
      rows += found->size();
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-28s %8.1f %8.1f %8.1f %8.1f\n", k.name, ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back(), static_cast<double>(rows) / o.queries);
    std::fflush(stdout);
  }
  PQfinish(c);
  return 0;
}

}  // namespace
}  // namespace anpr::sync

int main(int argc, char** argv) {
  anpr::sync::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reads" && i + 1 < argc) o.reads = std::atoll(argv[++i]);
    else if (a == "--queries" && i + 1 < argc) o.queries = std::atoi(argv[++i]);
    else if (a == "--explain") o.explain = true;
    else {
      std::printf("usage: depot_search_bench [--reads N] [--queries K] [--explain]\n");
      return 2;
    }
  }
  if (o.reads < 1 || o.queries < 1) return 2;
  return anpr::sync::Run(o);
}
