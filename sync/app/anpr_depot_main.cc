// `anpr-depot`: the station depot server that cars sync with, and the
// administration commands that work on its database directly (run them on
// the depot host; they need the database, not the network).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/reason.h"
#include "vehicle/records/store_key.h"

namespace {

using anpr::sync::DepotStore;

// --key-file / $ANPR_DEPOT_KEY_FILE: the key of an SQLite depot encrypted at
// rest (a file on another medium, or credential:NAME under systemd).
std::string g_key_file;

std::unique_ptr<DepotStore> OpenOrDie(const std::string& db) {
  std::optional<anpr::StoreKey> key;
  if (!g_key_file.empty()) {
    const std::string path = db.rfind("sqlite:", 0) == 0 ? db.substr(7) : db;
    auto k = anpr::LoadStoreKey(g_key_file, path);
    if (!k.ok()) {
      std::cerr << "anpr-depot: " << k.status().message() << "\n";
      std::exit(1);
    }
    key = std::move(k).value();
  }
  auto store = anpr::sync::OpenDepotStore(db, key);
  if (!store.ok()) {
    std::cerr << "anpr-depot: " << store.status().ToString() << "\n";
    std::exit(1);
  }
  if (auto s = (*store)->Migrate(); !s.ok()) {
    std::cerr << "anpr-depot: " << s.ToString() << "\n";
    std::exit(1);
  }
  return std::move(*store);
}

std::string Iso(int64_t utc_ms) {
  std::time_t t = static_cast<std::time_t>(utc_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(utc_ms % 1000));
  return out;
}

std::string DefaultUser() {
  const char* u = std::getenv("SUDO_USER");
  if (!u) u = std::getenv("USER");
  return u ? u : "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"anpr-depot: the depot server cars sync with"};
  app.require_subcommand(1);
  std::string db = "sqlite:depot.db";
  app.add_option("--db", db,
                 "Database: sqlite:PATH (default sqlite:depot.db) or a PostgreSQL URL/conninfo "
                 "(postgresql://user@host:port/dbname)")
      ->envname("ANPR_DEPOT_DB");
  app.add_option("--key-file", g_key_file,
                 "Key of an SQLite depot encrypted at rest: a file on another medium, or credential:NAME "
                 "(systemd LoadCredentialEncrypted=); none: not encrypted")
      ->envname("ANPR_DEPOT_KEY_FILE");
  int rc = 0;

  app.add_subcommand("version", "Print the depot's version")->callback([] {
    std::cout << "anpr-depot " << ANPR_VERSION << std::endl;
  });

  // serve
  auto* serve = app.add_subcommand("serve", "Serve the /api/v1 HTTPS API until SIGINT/SIGTERM");
  anpr::sync::DepotServerOptions opts;
  serve->add_option("--cert", opts.cert_file, "PEM certificate (chain) of this depot");
  serve->add_option("--key", opts.key_file, "PEM private key of this depot");
  serve->add_option("--listen", opts.bind_address, "Address to bind (default 0.0.0.0)");
  serve->add_option("--port", opts.port, "Port (default 8443)");
  serve->add_option("--max-connections", opts.max_connections, "Connections served at once (default 256)");
  serve->add_flag("--insecure-loopback-dev", opts.insecure_loopback_dev,
                  "Plain HTTP on 127.0.0.1 only, for development. Never in service.");
  serve->callback([&] {
    // Block the stop signals before any thread starts so only sigwait sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    auto store = OpenOrDie(db);
    anpr::sync::DepotServer server(store.get(), opts);
    if (auto s = server.Start(); !s.ok()) {
      std::cerr << "anpr-depot: " << s.ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "anpr-depot: listening on port " << server.port() << (server.tls() ? " (https)" : " (http, dev)")
              << std::endl;
    int sig = 0;
    sigwait(&set, &sig);
    std::cout << "anpr-depot: stopping (signal " << sig << ")" << std::endl;
    server.Stop();
  });

  // migrate
  app.add_subcommand("migrate", "Create or upgrade the database schema")->callback([&] {
    auto store = OpenOrDie(db);
    auto v = store->SchemaVersion();
    std::cout << store->Kind() << " schema version " << (v.ok() ? *v : -1) << std::endl;
  });

  // enroll
  auto* enroll = app.add_subcommand("enroll", "Issue a credential (token) for a vehicle or a person");
  std::string enroll_name, role_text = "vehicle";
  enroll->add_option("NAME", enroll_name, "Vehicle id (as the car's unit_id) or person")->required();
  enroll->add_option("--role", role_text, "vehicle (default), admin or investigator");
  enroll->callback([&] {
    anpr::sync::Role role;
    if (!anpr::sync::ParseRole(role_text, &role)) {
      std::cerr << "anpr-depot: --role must be vehicle, admin or investigator\n";
      rc = 2;
      return;
    }
    auto store = OpenOrDie(db);
    const std::string token = anpr::sync::NewToken();
    if (token.empty()) {
      std::cerr << "anpr-depot: no random source for a token\n";
      rc = 1;
      return;
    }
    if (auto s = store->AddCredential({enroll_name, role}, anpr::sync::TokenHash(token)); !s.ok()) {
      std::cerr << "anpr-depot: " << s.ToString() << "\n";
      rc = 1;
      return;
    }
    std::cerr << "Enrolled " << anpr::sync::RoleName(role) << " '" << enroll_name
              << "'. The token below is shown once; the depot keeps only its SHA-256.\n";
    std::cout << token << std::endl;
  });

  // revoke
  auto* revoke = app.add_subcommand("revoke", "Revoke every credential of a vehicle or person");
  std::string revoke_name;
  revoke->add_option("NAME", revoke_name)->required();
  revoke->callback([&] {
    auto store = OpenOrDie(db);
    if (auto s = store->Revoke(revoke_name); !s.ok()) {
      std::cerr << "anpr-depot: " << s.ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "revoked " << revoke_name << std::endl;
  });

  // hotlist publish
  auto* hotlist = app.add_subcommand("hotlist", "Hotlist administration");
  hotlist->require_subcommand(1);
  auto* publish = hotlist->add_subcommand("publish", "Publish a CSV file as the new version of a list");
  std::string csv_path, list_name, publisher = DefaultUser();
  publish->add_option("FILE", csv_path, "CSV: vrm,priority,reason[,warning_markers,information,make,model,colour,"
                                        "valid_until]")
      ->required()
      ->check(CLI::ExistingFile);
  publish->add_option("--list", list_name, "List name, e.g. PNC or LOCAL")->required();
  publish->add_option("--by", publisher, "Administrator publishing (default: $USER)");
  publish->callback([&] {
    if (anpr::Status named = anpr::limits::ValidateListName(list_name); !named.ok()) {
      std::cerr << "anpr-depot: --list: " << named.message() << " (nothing published)\n";
      rc = 1;
      return;
    }
    std::ifstream in(csv_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto entries = anpr::sync::ParseHotlistCsv(text.str());
    if (!entries.ok()) {
      std::cerr << "anpr-depot: " << csv_path << ": " << entries.status().message() << " (nothing published)\n";
      rc = 1;
      return;
    }
    auto store = OpenOrDie(db);
    auto v = store->PublishHotlist(list_name, *entries, publisher);
    if (!v.ok()) {
      std::cerr << "anpr-depot: " << v.status().ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "published " << list_name << " version " << *v << " (" << entries->size() << " entries)"
              << std::endl;
  });

  // hotlist withdraw: a published list's next version is empty, so every car
  // drops its entries at its next sync (the list name stays, with no entries).
  auto* withdraw = hotlist->add_subcommand("withdraw", "Withdraw a published list: its next version has no entries");
  std::string withdraw_name, withdrawer = DefaultUser();
  withdraw->add_option("NAME", withdraw_name, "List name")->required();
  withdraw->add_option("--by", withdrawer, "Administrator withdrawing (default: $USER)");
  withdraw->callback([&] {
    if (anpr::Status named = anpr::limits::ValidateListName(withdraw_name); !named.ok()) {
      std::cerr << "anpr-depot: " << named.message() << " (nothing withdrawn)\n";
      rc = 1;
      return;
    }
    auto store = OpenOrDie(db);
    auto published = store->HotlistSince(0);
    if (!published.ok()) {
      std::cerr << "anpr-depot: " << published.status().ToString() << "\n";
      rc = 1;
      return;
    }
    bool known = false;
    for (const auto& l : published->lists) known |= l.list_name == withdraw_name;
    if (!known) {
      std::cerr << "anpr-depot: no published list " << withdraw_name << " (nothing withdrawn)\n";
      rc = 1;
      return;
    }
    auto v = store->PublishHotlist(withdraw_name, {}, withdrawer);
    if (!v.ok()) {
      std::cerr << "anpr-depot: " << v.status().ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "withdrew " << withdraw_name << " version " << *v << " (0 entries)" << std::endl;
  });

  // reads search
  auto* reads = app.add_subcommand("reads", "Read queries (audited)");
  reads->require_subcommand(1);
  auto* search = reads->add_subcommand("search", "Search reads of a VRM; the search is audited");
  anpr::sync::SearchQuery q;
  q.investigator = DefaultUser();
  search->add_option("--vrm", q.vrm, "VRM (spaces and case ignored)")->required();
  search->add_option("--reason", q.reason, "Why you search (recorded)")->required();
  search->add_option("--by", q.investigator, "Investigator (default: $USER)");
  search->add_option("--from-ms", q.from_utc_ms, "Only reads captured at/after (UTC ms)");
  search->add_option("--to-ms", q.to_utc_ms, "Only reads captured before (UTC ms)");
  search->add_option("--limit", q.limit, "At most this many reads (default 1000)");
  search->callback([&] {
    std::string vrm;
    for (char c : q.vrm)
      if (c != ' ') vrm.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    q.vrm = vrm;
    const anpr::Status reason_ok = anpr::ValidateReason(q.reason);
    if (!anpr::sync::IsNormalisedVrm(q.vrm) || !reason_ok.ok()) {
      std::cerr << "anpr-depot: give a VRM and a reason"
                << (reason_ok.ok() ? std::string() : " (" + reason_ok.message() + ")") << "\n";
      rc = 2;
      return;
    }
    auto store = OpenOrDie(db);
    auto found = store->SearchReads(q);
    if (!found.ok()) {
      std::cerr << "anpr-depot: " << found.status().ToString() << "\n";
      rc = 1;
      return;
    }
    for (const auto& r : *found) {
      std::cout << Iso(r.captured_at_utc_ms) << "  " << r.vrm << "  conf " << r.confidence << "  unit "
                << r.unit_id << "  lat " << r.position.lat_deg << " lon " << r.position.lon_deg << "  "
                << r.uuid << "\n";
    }
    std::cout << found->size() << " reads (search audited as " << q.investigator << ")" << std::endl;
  });

  // retention
  auto* retention = app.add_subcommand("retention", "Remove reads captured before whole months older than N days");
  int days = 0;
  retention->add_option("--older-than-days", days)->required()->check(CLI::PositiveNumber);
  retention->callback([&] {
    auto store = OpenOrDie(db);
    auto n = store->DropReadsBefore(anpr::NowUtcMs() - int64_t{days} * 86400000);
    if (!n.ok()) {
      std::cerr << "anpr-depot: " << n.status().ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "removed " << *n << (store->Kind() == "postgresql" ? " monthly partitions" : " reads")
              << std::endl;
  });

  // counts
  app.add_subcommand("counts", "Print row counts (reads, hits, audit, searches, refusals)")->callback([&] {
    auto store = OpenOrDie(db);
    auto c = store->Counts();
    if (!c.ok()) {
      std::cerr << "anpr-depot: " << c.status().ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "reads " << c->reads << "\nhits " << c->hits << "\naudit " << c->audit << "\nsearches "
              << c->searches << "\nsecurity_events " << c->security_events << std::endl;
  });

  CLI11_PARSE(app, argc, argv);
  return rc;
}
