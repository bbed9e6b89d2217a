// `anpr hotlist import FILE --list NAME`: loads a CSV as the list's next
//   version (all-or-nothing; errors name file, line and problem).
// `anpr hotlist check VRM [--candidate X]... [--json] [--officer N]`: the hits
//   a read of VRM would raise, highest priority first. Covert lists are left
//   out (as on the car's screen) unless a supervisor logs in with --officer;
//   the output then says how many covert hits it shows.
// `anpr hotlist list [--officer N]`: the lists in force; covert lists (names
//   and sizes) only when a supervisor logs in with --officer.
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

#include "vehicle/app/command.h"
#include "vehicle/app/store_cli.h"
#include "vehicle/records/hotlist.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/store/hotlist_import.h"

namespace anpr::cli {
namespace {

struct HotlistArgs {
  std::string db;
  std::string file, list, source, colour, sound, officer;
  bool covert = false;
  int max_substitutions = -1;
  std::string vrm;
  std::vector<std::string> candidates;
  bool json = false;
  CLI::App* import = nullptr;
  CLI::App* check = nullptr;
  CLI::App* list_cmd = nullptr;
  CLI::Option* covert_opt = nullptr;
};

int RunImport(HotlistArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  auto store = OpenStoreOrReport(a.db);
  if (!store) return 1;
  HotlistImportOptions io;
  io.actor = CliActor();
  auto count = store->CountOfficers();
  if (count.ok() && *count > 0) {  // a unit with officers: importing is a supervisor's right
    Officers officers(store.get());
    auto session = LoginOrReport(officers, a.officer);
    if (!session) return 1;
    Status s = officers.Authorize(&*session, Right::kManageHotlists, "", NowUtcMs());
    if (!s.ok()) {
      std::cerr << "anpr: " << s.message() << "\n";
      return 1;
    }
    io.actor = session->officer;
  }
  // Settings not given keep the list's current ones.
  if (!a.source.empty()) {
    ListSource source;
    if (!ParseListSource(a.source, &source)) {
      std::cerr << "anpr: --source must be pnc, dvla, mib, local or officer\n";
      return 2;
    }
    io.source = source;
  }
  if (!a.colour.empty()) io.colour = a.colour;
  if (!a.sound.empty()) io.sound = a.sound;
  if (a.covert_opt->count() > 0) io.covert = a.covert;
  if (a.max_substitutions >= 0) io.max_substitutions = a.max_substitutions;
  auto imported = ImportHotlistFile(store.get(), a.file, a.list, io, nullptr);
  if (!imported.ok()) {
    if (imported.status().code() == StatusCode::kNotFound) {
      std::cerr << "anpr: cannot read " << a.file << "\n";
    } else {
      std::cerr << "anpr: import refused, list " << a.list << " unchanged: " << imported.status().message() << "\n";
    }
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "list " << a.list << " (" << ListSourceName(imported->meta.source)
            << (imported->meta.covert ? ", covert" : "") << "): version " << imported->version << ", "
            << imported->entries << " entries imported in " << secs << " s\n";
  return 0;
}

int RunCheck(HotlistArgs& a) {
  auto store = OpenExistingStoreOrReport(a.db);
  if (!store) return 1;
  Matcher matcher;
  Status s = store->LoadMatcher(&matcher);
  if (!s.ok()) {
    std::cerr << "anpr: " << s.ToString() << "\n";
    return 1;
  }
  bool show_covert = false;
  if (!a.officer.empty()) {
    Officers officers(store.get());
    auto session = LoginOrReport(officers, a.officer);
    if (!session) return 1;
    Status auth = officers.Authorize(&*session, Right::kManageHotlists, "", NowUtcMs());
    if (!auth.ok()) {
      std::cerr << "anpr: " << auth.message() << "\n";
      return 3;
    }
    // Audited before covert lists are shown: no audit entry, no covert lists.
    if (Status audited = store->Audit(session->officer, "hotlist.check", "vrm " + a.vrm + ", covert lists shown");
        !audited.ok()) {
      std::cerr << "anpr: covert lists not shown, the audit log cannot be written: " << audited.ToString() << "\n";
      return 1;
    }
    show_covert = true;
  }
  std::vector<MatchResult> matches;
  for (MatchResult& m : matcher.MatchVrm(a.vrm, a.candidates, NowUtcMs())) {
    if (m.covert && !show_covert) continue;
    matches.push_back(std::move(m));
  }
  nlohmann::json out = nlohmann::json::array();
  for (const MatchResult& m : matches) {
    auto entry = store->GetHotlistEntry(m.list_name, m.entry_vrm);
    HotlistEntry e;
    if (entry.ok() && entry->has_value()) e = **entry;
    if (a.json) {
      out.push_back({{"list", m.list_name}, {"entry_vrm", m.entry_vrm}, {"priority", PriorityName(m.priority)},
                     {"match", MatchKindName(m.kind)}, {"substitutions", m.substitutions},
                     {"matched_reading", m.matched_reading}, {"covert", m.covert}, {"reason", e.reason},
                     {"warning_markers", e.warning_markers}, {"information", e.information}, {"make", e.make},
                     {"model", e.model}, {"colour", e.colour}, {"valid_until_utc_s", e.valid_until_utc_s}});
    } else {
      std::cout << PriorityName(m.priority) << "\t" << MatchKindName(m.kind) << "\t" << m.list_name << "\t"
                << m.entry_vrm << (m.covert ? "\tcovert" : "") << "\t" << e.reason
                << (e.warning_markers.empty() ? "" : "\tmarkers: " + e.warning_markers) << "\n";
    }
  }
  if (a.json) {
    // Invalid UTF-8 stored before the import refused it is shown as U+FFFD, not thrown.
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (matches.empty()) {
    std::cout << "no hits for " << a.vrm << "\n";
  }
  return 0;
}

// Covert lists (their names and sizes included) only after a supervisor's
// login, as for `check`; listing them is audited.
int RunList(HotlistArgs& a) {
  auto store = OpenExistingStoreOrReport(a.db);
  if (!store) return 1;
  bool show_covert = false;
  if (!a.officer.empty()) {
    Officers officers(store.get());
    auto session = LoginOrReport(officers, a.officer);
    if (!session) return 1;
    Status auth = officers.Authorize(&*session, Right::kManageHotlists, "", NowUtcMs());
    if (!auth.ok()) {
      std::cerr << "anpr: " << auth.message() << "\n";
      return 3;
    }
    if (Status s = store->Audit(session->officer, "hotlist.list", "covert lists shown"); !s.ok()) {
      std::cerr << "anpr: cannot audit the listing, nothing shown: " << s.ToString() << "\n";
      return 1;
    }
    show_covert = true;
  }
  auto lists = store->Hotlists();
  if (!lists.ok()) {
    std::cerr << "anpr: " << lists.status().ToString() << "\n";
    return 1;
  }
  for (const HotlistMeta& m : *lists) {
    if (m.covert && !show_covert) continue;
    std::cout << m.name << "\tsource=" << ListSourceName(m.source) << "\tversion=" << m.version
              << "\tentries=" << m.entry_count << "\tcolour=" << m.colour << "\tsound=" << m.sound
              << "\tcovert=" << (m.covert ? "yes" : "no") << "\tmax_substitutions=" << m.max_substitutions << "\n";
  }
  return 0;
}

const CommandRegistration kHotlist{
    "hotlist", "Import, check and list hotlists",
    [](CLI::App& sub) {
      auto a = std::make_shared<HotlistArgs>();
      sub.require_subcommand(1);
      a->import = sub.add_subcommand("import", "Import a CSV file as the list's next version");
      a->import->add_option("FILE", a->file, "CSV file (header row: vrm,priority,reason[,...])")->required();
      a->import->add_option("--list", a->list, "List name")->required();
      a->import->add_option("--source", a->source, "pnc, dvla, mib, local or officer");
      a->import->add_option("--colour", a->colour, "Colour the HMI shows hits in, #rrggbb (default: the priority's)");
      a->import->add_option("--sound", a->sound, "Sound the HMI plays: high, medium or low (default: the priority's)");
      a->covert_opt = a->import->add_option("--covert", a->covert, "true: record and sync hits, never alert");
      a->import->add_option("--max-substitutions", a->max_substitutions, "OCR-equivalent substitutions for a similar hit (0-2, default 1)")
          ->check(CLI::Range(0, 2));
      a->import->add_option("--officer", a->officer, "Officer number (needed once officers exist)");
      AddDbOption(*a->import, &a->db);
      a->check = sub.add_subcommand("check", "Print the hits a read of VRM would raise");
      a->check->add_option("VRM", a->vrm, "The read")->required();
      a->check->add_option("--candidate", a->candidates, "An alternative reading (repeatable)");
      a->check->add_flag("--json", a->json, "JSON output");
      a->check->add_option("--officer", a->officer, "Supervisor's number: also show covert lists' hits");
      AddDbOption(*a->check, &a->db);
      a->list_cmd = sub.add_subcommand("list", "List the hotlists in force (covert ones only for a supervisor)");
      a->list_cmd->add_option("--officer", a->officer, "Supervisor's number: also list covert lists");
      AddDbOption(*a->list_cmd, &a->db);
      return [a]() {
        if (a->import->parsed()) return RunImport(*a);
        if (a->check->parsed()) return RunCheck(*a);
        if (a->list_cmd->parsed()) return RunList(*a);
        return 2;
      };
    }};

}  // namespace
}  // namespace anpr::cli
