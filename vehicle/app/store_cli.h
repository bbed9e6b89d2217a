// Shared by the store's subcommands (hotlist, reads, audit, officers):
// where the database is and how a command-line user proves who they are.
//
// Database: --db PATH, else $ANPR_DB, else /var/lib/anpr/anpr.db (the store
// anpr-vehicle writes with the default data_dir).
// Key of an encrypted store: --key-file FILE (or credential:NAME), else
// $ANPR_STORE_KEY_FILE; none for a plain store (vehicle/records/store_key.h).
// Authentication: --officer NUMBER; the PIN comes from $ANPR_PIN, or else the
// first line of standard input (so it never appears in `ps` or the shell
// history). `officers add` takes the new officer's PIN from $ANPR_NEW_PIN or
// the next line of standard input.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "vehicle/store/officers.h"
#include "vehicle/records/read.h"
#include "vehicle/records/store_key.h"
#include "vehicle/store/store.h"

namespace anpr::cli {

inline constexpr const char* kDefaultDbPath = "/var/lib/anpr/anpr.db";

inline std::string DbPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("ANPR_DB"); env && *env) return env;
  return kDefaultDbPath;
}

// --key-file as parsed (one command runs per process).
inline std::string& KeyFileFlag() {
  static std::string flag;
  return flag;
}

inline std::string KeySpec() {
  if (!KeyFileFlag().empty()) return KeyFileFlag();
  if (const char* env = std::getenv("ANPR_STORE_KEY_FILE"); env && *env) return env;
  return "";
}

inline void AddDbOption(CLI::App& sub, std::string* db) {
  sub.add_option("--db", *db, "Store file (default: $ANPR_DB or /var/lib/anpr/anpr.db)");
  sub.add_option("--key-file", KeyFileFlag(),
                 "Key of the encrypted store: a file on a separate medium, or credential:NAME "
                 "(default: $ANPR_STORE_KEY_FILE; none for a plain store)");
}

// Opens the store, creating it when missing (for commands that write: import,
// officers add, sync), or prints why not. nullptr on failure.
inline std::unique_ptr<Store> OpenStoreOrReport(const std::string& flag) {
  StoreOptions o;
  o.path = DbPath(flag);
  if (const std::string spec = KeySpec(); !spec.empty()) {
    auto key = LoadStoreKey(spec, o.path);
    if (!key.ok()) {
      std::cerr << "anpr: cannot open store: " << key.status().message() << "\n";
      return nullptr;
    }
    o.key = std::move(key).value();
  }
  auto s = Store::Open(o);
  if (!s.ok()) {
    std::cerr << "anpr: cannot open store: " << s.status().ToString() << "\n";
    if (s.status().code() == StatusCode::kUnauthenticated) {
      std::cerr << "anpr: give the store's key with --key-file FILE or $ANPR_STORE_KEY_FILE\n";
    }
    return nullptr;
  }
  return std::move(s).value();
}

// Opens a store that must already exist (for commands that only read or
// verify: they must never leave an empty store behind, nor report on one as
// if it were the unit's). Prints why not and returns nullptr when the path is
// missing or not a regular file.
inline std::unique_ptr<Store> OpenExistingStoreOrReport(const std::string& flag) {
  const std::string path = DbPath(flag);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    std::cerr << "anpr: no store at " << path
              << (std::filesystem::exists(path, ec) ? " (not a regular file)" : " (no such file)")
              << "; nothing was created. Give the unit's store with --db or $ANPR_DB\n";
    return nullptr;
  }
  return OpenStoreOrReport(flag);
}

// A PIN from `env_name`, else the next line of standard input.
inline std::string ReadPin(const char* env_name) {
  if (const char* env = std::getenv(env_name); env && *env) return env;
  std::string line;
  std::getline(std::cin, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

// Logs `officer` in (PIN from $ANPR_PIN or stdin). Prints the refusal.
inline std::optional<Session> LoginOrReport(Officers& officers, const std::string& officer) {
  if (officer.empty()) {
    std::cerr << "anpr: this command needs --officer NUMBER (PIN from $ANPR_PIN or standard input)\n";
    return std::nullopt;
  }
  auto s = officers.Login(officer, ReadPin("ANPR_PIN"), NowUtcMs());
  if (!s.ok()) {
    std::cerr << "anpr: login refused: " << s.status().message() << "\n";
    return std::nullopt;
  }
  return *s;
}

// The name the audit log records for an unauthenticated command-line action.
inline std::string CliActor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "unknown");
}

}  // namespace anpr::cli
