// `anpr audit verify`: re-computes the audit log's hash chain; exit 0 when
// intact, 1 naming the first entry that fails.
// `anpr audit list [--from-seq N] [--limit N] --officer N`: prints entries.
// Entries name the VRMs searched and the reasons given (personal data), so
// once officers exist listing needs a supervisor's right to search reads,
// and the listing is itself audited. Verifying shows no entry's content and
// needs no login.
#include <iostream>

#include "vehicle/app/command.h"
#include "vehicle/app/store_cli.h"

namespace anpr::cli {
namespace {

struct AuditArgs {
  std::string db;
  std::string officer;
  int64_t from_seq = 1;
  size_t limit = 100;
  CLI::App* verify = nullptr;
  CLI::App* list = nullptr;
};

int Run(AuditArgs& a) {
  auto store = OpenExistingStoreOrReport(a.db);
  if (!store) return 1;
  if (a.verify->parsed()) {
    auto v = store->VerifyAudit();
    if (!v.ok()) {
      std::cerr << "anpr: " << v.status().ToString() << "\n";
      return 1;
    }
    if (!v->ok) {
      std::cout << "audit log TAMPERED: " << v->problem << "\n";
      return 1;
    }
    std::cout << "audit log intact: " << v->entries_checked << " entries\n";
    return 0;
  }
  auto count = store->CountOfficers();
  if (!count.ok()) {
    std::cerr << "anpr: " << count.status().ToString() << "\n";
    return 1;
  }
  std::string actor = CliActor();
  if (*count > 0) {
    Officers officers(store.get());
    auto session = LoginOrReport(officers, a.officer);
    if (!session) return 1;
    Status s = officers.Authorize(&*session, Right::kSearchReads, "listing the audit log", NowUtcMs());
    if (!s.ok()) {
      std::cerr << "anpr: " << s.message() << "\n";
      return 3;
    }
    actor = session->officer;
  }
  if (Status s = store->Audit(actor, "audit.list", "from seq " + std::to_string(a.from_seq) + ", at most " +
                                                       std::to_string(a.limit));
      !s.ok()) {
    std::cerr << "anpr: cannot audit the listing, nothing shown: " << s.ToString() << "\n";
    return 1;
  }
  auto entries = store->AuditEntries(a.from_seq, a.limit);
  if (!entries.ok()) {
    std::cerr << "anpr: " << entries.status().ToString() << "\n";
    return 1;
  }
  for (const AuditEntry& e : *entries) {
    std::cout << e.seq << "\t" << e.at_utc_ms << "\t" << e.officer << "\t" << e.action << "\t" << e.detail << "\n";
  }
  return 0;
}

const CommandRegistration kAudit{
    "audit", "Verify or list the hash-chained audit log",
    [](CLI::App& sub) {
      auto a = std::make_shared<AuditArgs>();
      sub.require_subcommand(1);
      a->verify = sub.add_subcommand("verify", "Check the hash chain; names the first bad entry");
      AddDbOption(*a->verify, &a->db);
      a->list = sub.add_subcommand("list", "Print audit entries");
      a->list->add_option("--from-seq", a->from_seq, "First entry (default 1)");
      a->list->add_option("--limit", a->limit, "At most this many (default 100)");
      a->list->add_option("--officer", a->officer, "Officer number (supervisor; needed once officers exist)");
      AddDbOption(*a->list, &a->db);
      return [a]() { return Run(*a); };
    }};

}  // namespace
}  // namespace anpr::cli
