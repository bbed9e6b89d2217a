// `anpr reads list|export --officer N --reason TEXT [--vrm VRM] [--from T]
//   [--to T] [--limit N]`: search stored reads. Needs a supervisor or
//   administrator and a stated reason; both are written to the audit log
//   before anything is shown. `export --out DIR` writes, into a new or empty
//   DIR, reads.json, each read's two JPEGs (<uuid>-plate.jpg,
//   <uuid>-overview.jpg) and the signed manifest (manifest.json,
//   manifest.sig; vehicle/records/evidence_manifest.h), signed with the
//   unit's key beside the store (created when missing).
// `anpr reads verify DIR [--public-key HEX | --db PATH]`: checks an export's
//   signature and every file; names each file changed, added or missing.
// `anpr reads hold --officer N --vrm VRM --reason TEXT --until DATE`: an
//   investigation hold (supervisor or above, audited, synced): retention
//   keeps the VRM's reads until DATE (vehicle/store/retention.h).
#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "vehicle/app/command.h"
#include "vehicle/app/store_cli.h"
#include "vehicle/records/evidence_manifest.h"
#include "vehicle/records/hotlist.h"
#include "vehicle/records/signing_key.h"

namespace anpr::cli {
namespace {

struct ReadsArgs {
  std::string db, officer, reason, vrm, from, to, out, until, unit, verify_dir, public_key;
  size_t limit = 1000;
  CLI::App* list = nullptr;
  CLI::App* export_cmd = nullptr;
  CLI::App* hold = nullptr;
  CLI::App* verify = nullptr;
};

std::string IsoUtc(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];  // room for any int the format can take (gcc checks it)
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

nlohmann::json Num(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json ToJson(const Read& r) {
  nlohmann::json candidates = nlohmann::json::array();
  for (const auto& c : r.candidates) candidates.push_back({{"vrm", c.vrm}, {"confidence", c.confidence}});
  return {{"uuid", r.uuid},
          {"vrm", r.vrm},
          {"confidence", r.confidence},
          {"candidates", candidates},
          {"syntax", r.syntax},
          {"captured_at_utc", IsoUtc(r.captured_at_utc_ms)},
          {"captured_at_utc_ms", r.captured_at_utc_ms},
          {"clock_source", ClockSourceName(r.clock_source)},
          {"clock_offset_ms", r.clock_offset_ms},
          {"clock_unverified", r.clock_unverified},
          {"camera_id", r.camera_id},
          {"unit_id", r.unit_id},
          {"officer_id", r.officer_id},
          {"fix_mode", static_cast<int>(r.position.mode)},
          {"lat_deg", Num(r.position.lat_deg)},
          {"lon_deg", Num(r.position.lon_deg)},
          {"speed_mps", Num(r.position.speed_mps)},
          {"heading_deg", Num(r.position.heading_deg)},
          {"synced_at_utc_ms", r.synced_at_utc_ms ? nlohmann::json(*r.synced_at_utc_ms) : nlohmann::json(nullptr)}};
}

bool ParseTime(const std::string& text, int64_t* out_ms) {
  int64_t s = 0;
  if (!ParseIso8601Utc(text, &s)) return false;
  *out_ms = s * 1000;
  return true;
}

int RunHold(ReadsArgs& a) {
  int64_t until_s = 0;
  if (!ParseIso8601Utc(a.until, &until_s)) {
    std::cerr << "anpr: --until takes an ISO 8601 UTC date or time, e.g. 2027-06-30 (to the end of that day)\n";
    return 2;
  }
  auto store = OpenExistingStoreOrReport(a.db);
  if (!store) return 1;
  Officers officers(store.get());
  auto session = LoginOrReport(officers, a.officer);
  if (!session) return 1;
  auto hold = officers.PlaceHold(&*session, a.vrm, a.reason, until_s * 1000, NowUtcMs());
  if (!hold.ok()) {
    std::cerr << "anpr: refused: " << hold.status().message() << "\n";
    if (hold.status().code() == StatusCode::kPermissionDenied) return 3;
    return hold.status().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::cout << "hold " << hold->uuid << ": reads of " << hold->vrm << " kept until " << IsoUtc(hold->until_utc_ms)
            << "\n";
  return 0;
}

int RunVerify(ReadsArgs& a) {
  std::string expected = a.public_key;
  if (expected.empty() && !a.db.empty()) {
    auto key = SigningKey::Load(SigningKeyPathBeside(a.db));
    if (!key.ok()) {
      std::cerr << "anpr: no unit key to check against: " << key.status().ToString() << "\n";
      return 1;
    }
    expected = key->PublicKeyHex();
  }
  auto check = VerifyExport(a.verify_dir, expected);
  if (!check.ok()) {
    std::cerr << "anpr: " << check.status().ToString() << "\n";
    return 1;
  }
  if (!check->intact()) {
    std::cout << "export CHANGED: " << a.verify_dir << "\n";
    for (const std::string& p : check->problems) std::cout << "  " << p << "\n";
    return 1;
  }
  std::cout << "export intact: " << check->reads.size() << " reads from unit " << check->facts.unit_id
            << ", exported by " << check->facts.officer << " at " << IsoUtc(check->facts.exported_at_utc_ms)
            << ", signed by key " << check->public_key_hex
            << (expected.empty() ? " (not compared with the unit's: give --public-key or --db)" : " (the unit's)")
            << "\n";
  return 0;
}

int Run(ReadsArgs& a) {
  if (a.hold->parsed()) return RunHold(a);
  if (a.verify->parsed()) return RunVerify(a);
  ReadQuery q;
  q.vrm = a.vrm;
  q.limit = a.limit;
  if ((!a.from.empty() && !ParseTime(a.from, &q.from_utc_ms)) || (!a.to.empty() && !ParseTime(a.to, &q.to_utc_ms))) {
    std::cerr << "anpr: --from/--to take ISO 8601 UTC times, e.g. 2026-11-23T08:00:00Z\n";
    return 2;
  }
  const bool exporting = a.export_cmd->parsed();
  auto store = OpenExistingStoreOrReport(a.db);
  if (!store) return 1;
  Officers officers(store.get());
  auto session = LoginOrReport(officers, a.officer);
  if (!session) return 1;
  auto reads = exporting ? officers.ExportReads(&*session, q, a.reason, NowUtcMs())
                         : officers.SearchReads(&*session, q, a.reason, NowUtcMs());
  if (!reads.ok()) {
    std::cerr << "anpr: refused: " << reads.status().message() << "\n";
    return reads.status().code() == StatusCode::kPermissionDenied ? 3 : 1;
  }
  if (!exporting) {
    std::cout << "captured_at_utc\tvrm\tconfidence\tcamera\tlat\tlon\tsynced\tuuid\n";
    for (const Read& r : *reads) {
      std::cout << IsoUtc(r.captured_at_utc_ms) << "\t" << r.vrm << "\t" << r.confidence << "\t" << r.camera_id
                << "\t" << r.position.lat_deg << "\t" << r.position.lon_deg << "\t"
                << (r.synced_at_utc_ms ? "yes" : "no") << "\t" << r.uuid << "\n";
    }
    std::cerr << reads->size() << " reads\n";
    return 0;
  }
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  // Every file of the folder is in the manifest: it must start empty.
  if (!std::filesystem::is_empty(a.out, ec)) {
    std::cerr << "anpr: " << a.out << " is not an empty folder\n";
    return 2;
  }
  auto key = SigningKey::LoadOrCreate(SigningKeyPathBeside(store->path()));
  if (!key.ok()) {
    std::cerr << "anpr: no signing key: " << key.status().ToString() << "\n";
    return 1;
  }
  std::vector<std::string> files;
  nlohmann::json all = nlohmann::json::array();
  for (const Read& r : *reads) {
    nlohmann::json j = ToJson(r);
    for (const auto& [suffix, bytes] : {std::pair<const char*, const std::vector<uint8_t>*>{"plate", &r.plate_jpeg},
                                        {"overview", &r.overview_jpeg}}) {
      if (bytes->empty()) continue;  // removed by retention after sync
      const std::string name = r.uuid + "-" + suffix + ".jpg";
      std::ofstream f(std::filesystem::path(a.out) / name, std::ios::binary);
      f.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
      if (!f) {
        std::cerr << "anpr: cannot write " << (std::filesystem::path(a.out) / name).string() << "\n";
        return 1;
      }
      j[std::string(suffix) + "_jpeg"] = name;
      files.push_back(name);
    }
    all.push_back(std::move(j));
  }
  {
    std::ofstream f(std::filesystem::path(a.out) / "reads.json");
    f << all.dump(2) << "\n";
    if (!f) {
      std::cerr << "anpr: cannot write " << a.out << "/reads.json\n";
      return 1;
    }
  }
  files.push_back("reads.json");
  ExportFacts facts;
  facts.unit_id = !a.unit.empty() ? a.unit : reads->empty() ? std::string("PATROL-01") : reads->front().unit_id;
  facts.officer = session->officer;
  facts.reason = a.reason;
  facts.exported_at_utc_ms = NowUtcMs();
  if (Status s = WriteSignedManifest(a.out, facts, all.dump(), files, *key); !s.ok()) {
    std::cerr << "anpr: " << s.ToString() << "\n";
    return 1;
  }
  std::cout << "exported " << reads->size() << " reads to " << a.out << ", signed by key " << key->PublicKeyHex()
            << "\n";
  return 0;
}

void AddQueryOptions(CLI::App* c, ReadsArgs* a) {
  c->add_option("--officer", a->officer, "Officer number (PIN from $ANPR_PIN or stdin)")->required();
  c->add_option("--reason", a->reason, "Why the search is made (audited)")->required();
  c->add_option("--vrm", a->vrm, "Only this VRM");
  c->add_option("--from", a->from, "Captured at or after (ISO 8601 UTC)");
  c->add_option("--to", a->to, "Captured at or before (ISO 8601 UTC)");
  c->add_option("--limit", a->limit, "At most this many reads (default 1000)");
  AddDbOption(*c, &a->db);
}

const CommandRegistration kReads{
    "reads", "Search or export stored reads (role and reason required)",
    [](CLI::App& sub) {
      auto a = std::make_shared<ReadsArgs>();
      sub.require_subcommand(1);
      a->list = sub.add_subcommand("list", "List matching reads");
      AddQueryOptions(a->list, a.get());
      a->export_cmd = sub.add_subcommand("export", "Export matching reads with their images");
      AddQueryOptions(a->export_cmd, a.get());
      a->export_cmd->add_option("--out", a->out, "New or empty folder to write to")->required();
      a->export_cmd->add_option("--unit", a->unit, "Unit id in the manifest (default: the reads' unit id)");
      a->verify = sub.add_subcommand("verify", "Check an export's signature and files");
      a->verify->add_option("DIR", a->verify_dir, "The export folder")->required();
      a->verify->add_option("--public-key", a->public_key, "The unit's public key (hex) the export must be signed by");
      a->verify->add_option("--db", a->db, "A unit's store: its key beside it must have signed the export");
      a->hold = sub.add_subcommand("hold", "Keep a VRM's reads past retention for an investigation (audited)");
      a->hold->add_option("--officer", a->officer, "Supervisor's number (PIN from $ANPR_PIN or stdin)")->required();
      a->hold->add_option("--vrm", a->vrm, "The VRM whose reads are kept")->required();
      a->hold->add_option("--reason", a->reason, "Why (at least 10 visible characters; audited)")->required();
      a->hold->add_option("--until", a->until, "Kept until (ISO 8601 UTC; a date means its end)")->required();
      AddDbOption(*a->hold, &a->db);
      return [a]() { return Run(*a); };
    }};

}  // namespace
}  // namespace anpr::cli
