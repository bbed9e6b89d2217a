// `anpr-depot`: the station depot server that cars sync with, and the
// administration commands that work on its database directly (run them on
// the depot host; they need the database, not the network).
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "service/journal.h"
#include "service/service_health.h"
#include "sync/console_store.h"
#include "sync/depot_export_check.h"
#include "sync/depot_server.h"
#include "sync/depot_store.h"
#include "sync/web_console.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/reason.h"
#include "vehicle/records/store_key.h"

namespace {

using anpr::sync::DepotStore;

// --key-file / $ANPR_DEPOT_KEY_FILE: the key of an SQLite depot encrypted at
// rest (a file on another medium, or credential:NAME under systemd).
std::string g_key_file;

// The key named by --key-file for database `db`, if any (exits on a bad one).
std::optional<anpr::StoreKey> KeyOrDie(const std::string& db) {
  if (g_key_file.empty()) return std::nullopt;
  const std::string path = db.rfind("sqlite:", 0) == 0 ? db.substr(7) : db;
  auto k = anpr::LoadStoreKey(g_key_file, path);
  if (!k.ok()) {
    std::cerr << "anpr-depot: " << k.status().message() << "\n";
    std::exit(1);
  }
  return std::move(k).value();
}

std::unique_ptr<DepotStore> OpenOrDie(const std::string& db) {
  auto store = anpr::sync::OpenDepotStore(db, KeyOrDie(db));
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

std::unique_ptr<anpr::sync::ConsoleStore> OpenConsoleOrDie(const std::string& db) {
  const std::optional<anpr::StoreKey> key = KeyOrDie(db);
  auto console = anpr::sync::ConsoleStore::Open(db, anpr::sync::ConsoleStore::kHeartbeatHistory, key ? &*key : nullptr);
  if (!console.ok()) {
    std::cerr << "anpr-depot: " << console.status().ToString() << "\n";
    std::exit(1);
  }
  if (auto s = (*console)->Migrate(); !s.ok()) {
    std::cerr << "anpr-depot: " << s.ToString() << "\n";
    std::exit(1);
  }
  return std::move(*console);
}

// One line from stdin; with a terminal, asked for and not echoed.
std::string ReadPassword(const std::string& prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
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

// One GET /api/v1/health of this depot, the way a car reaches it (TLS unless
// --insecure-loopback-dev), on loopback when it listens on every address.
// True when the server answered at all, even 503 (storage down is a fault
// /health reports, not a hang); false on no answer within the timeouts.
bool ServerAnswers(const anpr::sync::DepotServerOptions& opts, int port) {
  std::string host = opts.bind_address;
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  auto probe = [](auto& client) {
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    client.set_write_timeout(5, 0);
    auto res = client.Get("/api/v1/health");
    return static_cast<bool>(res);
  };
  if (opts.insecure_loopback_dev) {
    httplib::Client client(host, port);
    return probe(client);
  }
  httplib::SSLClient client(host, port);
  // Our own certificate on our own address: the probe checks liveness, not identity.
  client.enable_server_certificate_verification(false);
  return probe(client);
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
  // --version alone, answered before parsing (the subcommands are required).
  bool version_only = false;  // listed in --help; acted on before parsing
  app.add_flag("--version", version_only, "Print the version and exit");
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << "anpr-depot " << ANPR_VERSION << std::endl;
    return 0;
  }
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
  anpr::sync::WebConsoleOptions web;
  double silence_s = static_cast<double>(web.silence_ms) / 1000.0;
  int idle_timeout_s = static_cast<int>(web.idle_timeout_ms / 1000);
  serve->add_option("--silence-s", silence_s,
                    "Console: a car is red when silent this long after saying it was running (default 120)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--idle-timeout-s", idle_timeout_s, "Console: a session ends after this long unused (default 900)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--tile-url", web.tile_url,
                    "Console: map tiles, e.g. https://tiles.example/{z}/{x}/{y}.png (default: none, a plain grid)");
  serve->callback([&] {
    // Block the stop signals before any thread starts so only sigwait sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    anpr::service::UseJournalIfConnected("anpr-depot", {});  // real priorities in the journal
    auto store = OpenOrDie(db);
    auto console = OpenConsoleOrDie(db);
    web.silence_ms = static_cast<int64_t>(silence_s * 1000.0);
    web.idle_timeout_ms = int64_t{idle_timeout_s} * 1000;
    anpr::sync::DepotServer server(store.get(), opts);
    server.AttachConsole(console.get(), web);
    if (auto s = server.Start(); !s.ok()) {
      std::cerr << "anpr-depot: " << s.ToString() << "\n";
      rc = 1;
      return;
    }
    std::cout << "anpr-depot: listening on port " << server.port() << (server.tls() ? " (https)" : " (http, dev)")
              << "; console at /console/" << std::endl;
    // Under systemd (Type=notify, WatchdogSec=): READY=1 now, and
    // WATCHDOG=1 while the server answers its own /health probe, so a
    // server that hangs (a stuck database call, no free worker) is
    // restarted. Without a watchdog: wait for the signal only.
    anpr::service::ServiceHealth health(anpr::service::MakeSystemdNotifier());
    const anpr::service::ServiceHealth::LoopId probe_loop = health.Register("http-probe");
    health.Ready();
    const int64_t probe_every_ms = health.stall_limit_ms() > 0 ? std::max<int64_t>(health.stall_limit_ms() / 3, 200)
                                                               : 3'600'000;
    int sig = 0;
    for (;;) {
      const timespec wait{static_cast<time_t>(probe_every_ms / 1000),
                          static_cast<long>(probe_every_ms % 1000) * 1'000'000};
      sig = sigtimedwait(&set, nullptr, &wait);
      if (sig > 0) break;
      if (health.stall_limit_ms() > 0 && ServerAnswers(opts, server.port())) health.Beat(probe_loop);
      health.Tick();
    }
    health.Stopping();
    std::cout << "anpr-depot: stopping (signal " << sig << ")" << std::endl;
    server.Stop();
  });

  // migrate
  app.add_subcommand("migrate", "Create or upgrade the database schema")->callback([&] {
    auto store = OpenOrDie(db);
    OpenConsoleOrDie(db);
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

  // users add: people who log in to the web console.
  auto* users = app.add_subcommand("users", "Web console users");
  users->require_subcommand(1);
  auto* user_add = users->add_subcommand("add", "Add a person; the password is read from stdin (asked for on a terminal)");
  std::string user_name, user_role;
  user_add->add_option("NAME", user_name, "User name")->required();
  user_add->add_option("--role", user_role, "admin, investigator or auditor")->required();
  user_add->callback([&] {
    anpr::sync::ConsoleRole role;
    if (!anpr::sync::ParseConsoleRole(user_role, &role)) {
      std::cerr << "anpr-depot: --role must be admin, investigator or auditor\n";
      rc = 2;
      return;
    }
    auto console = OpenConsoleOrDie(db);
    const std::string password = ReadPassword("Password for " + user_name + " (10 characters or more): ");
    if (auto s = console->AddUser(user_name, role, password); !s.ok()) {
      std::cerr << "anpr-depot: " << s.message() << "\n";
      rc = s.code() == anpr::StatusCode::kInvalidArgument ? 2 : 1;
      return;
    }
    std::cout << "added " << anpr::sync::ConsoleRoleName(role) << " " << user_name << std::endl;
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
    auto entries = anpr::sync::ParseHotlistCsv(text.str(), csv_path);
    if (!entries.ok()) {
      std::cerr << "anpr-depot: " << entries.status().message() << " (nothing published)\n";
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

  // reads verify: an evidential export checked against what the car sent
  std::string verify_dir;
  auto* verify = reads->add_subcommand("verify", "Check an export's signature, files and image hashes");
  verify->add_option("DIR", verify_dir, "The export folder (manifest.json, manifest.sig and the files)")->required();
  verify->callback([&] {
    auto store = OpenOrDie(db);
    auto c = anpr::sync::CheckExportAtDepot(store.get(), verify_dir);
    if (!c.ok()) {
      std::cerr << "anpr-depot: " << c.status().ToString() << "\n";
      rc = 1;
      return;
    }
    for (const std::string& n : c->notes) std::cout << "  note: " << n << "\n";
    if (!c->check.intact()) {
      std::cout << "export CHANGED: " << verify_dir << "\n";
      for (const std::string& p : c->check.problems) std::cout << "  " << p << "\n";
      rc = 1;
      return;
    }
    std::cout << "export intact: " << c->check.reads.size() << " reads from unit " << c->check.facts.unit_id
              << ", signed by its enrolled key; " << c->reads_compared
              << " reads' images as the car sent them" << std::endl;
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
