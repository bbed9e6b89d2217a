// The console store's users and sessions. Passwords are kept as the car
// keeps officers' PINs (vehicle/store/src/officers.cc): PBKDF2-HMAC-SHA256
// over a random 16-byte salt (its hex text), compared in constant time.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <string>

#include "sync/console_store.h"
#include "sync/src/sql_db.h"

namespace anpr::sync {
namespace {

constexpr int kPbkdf2Iterations = 200000;
constexpr std::size_t kMinPasswordLength = 10;

std::string Hex(const unsigned char* p, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}

std::string HashPassword(const std::string& password, const std::string& salt_hex, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt_hex.data()), static_cast<int>(salt_hex.size()),
                    iterations, EVP_sha256(), sizeof out, out);
  return Hex(out, sizeof out);
}

std::optional<ConsoleUser> UserFrom(const sql::Row& r) {
  ConsoleUser u;
  u.name = r.Text(0);
  if (!ParseConsoleRole(r.Text(1), &u.role)) return std::nullopt;
  u.salt_hex = r.Text(2);
  u.iterations = static_cast<int>(r.Int(3));
  u.hash_hex = r.Text(4);
  u.failed_attempts = static_cast<int>(r.Int(5));
  u.locked_until_utc_ms = r.Int(6);
  return u;
}

}  // namespace

const char* ConsoleRoleName(ConsoleRole r) {
  switch (r) {
    case ConsoleRole::kAdmin: return "admin";
    case ConsoleRole::kInvestigator: return "investigator";
    case ConsoleRole::kAuditor: return "auditor";
  }
  return "auditor";
}

bool ParseConsoleRole(std::string_view text, ConsoleRole* out) {
  for (ConsoleRole r : {ConsoleRole::kAdmin, ConsoleRole::kInvestigator, ConsoleRole::kAuditor}) {
    if (text == ConsoleRoleName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

Status ConsoleStore::AddUser(const std::string& name, ConsoleRole role, const std::string& password) {
  if (name.empty() || name.size() > 64) return InvalidArgument("a user name is 1-64 characters");
  if (password.size() < kMinPasswordLength)
    return InvalidArgument("a password is at least " + std::to_string(kMinPasswordLength) + " characters");
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) return Internal("no random salt available");
  const std::string salt_hex = Hex(salt, sizeof salt);
  const std::string hash = HashPassword(password, salt_hex, kPbkdf2Iterations);
  return db_->Run([&](sql::Tx& tx) -> Status {
    auto r = tx.Query(
        "INSERT INTO console_users(name,role,salt_hex,iterations,hash_hex,failed_attempts,locked_until_utc_ms,"
        "created_at_utc_ms) VALUES($1,$2,$3,$4,$5,0,0,$6)",
        {name, std::string(ConsoleRoleName(role)), salt_hex, int64_t{kPbkdf2Iterations}, hash, NowUtcMs()});
    if (!r.ok() && r.status().code() == StatusCode::kAlreadyExists)
      return Status(StatusCode::kAlreadyExists, "user " + name + " exists");
    return r.status();
  });
}

bool ConsoleStore::PasswordMatches(const ConsoleUser& user, const std::string& password) {
  const std::string h = HashPassword(password, user.salt_hex, user.iterations);
  return h.size() == user.hash_hex.size() && CRYPTO_memcmp(h.data(), user.hash_hex.data(), h.size()) == 0;
}

Result<LoginAttempt> ConsoleStore::AdmitLogin(const std::string& name, int max_failed_attempts, int64_t lockout_ms,
                                              int64_t now_utc_ms) {
  LoginAttempt attempt;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    attempt = LoginAttempt{};
    auto r = tx.Query(
        "SELECT name, role, salt_hex, iterations, hash_hex, failed_attempts, locked_until_utc_ms "
        "FROM console_users WHERE name=$1",
        {name});
    if (!r.ok()) return r.status();
    if (r->empty()) return Status::Ok();
    auto u = UserFrom(r->front());
    if (!u) return Corruption("user " + name + " has an unknown role");
    if (u->locked_until_utc_ms > now_utc_ms) {
      attempt.locked = true;
      attempt.user = std::move(u);
      return Status::Ok();
    }
    if (u->locked_until_utc_ms != 0) {  // the lock ran out: a fresh count
      u->locked_until_utc_ms = 0;
      u->failed_attempts = 0;
    }
    ++u->failed_attempts;
    if (u->failed_attempts >= max_failed_attempts) {
      u->locked_until_utc_ms = now_utc_ms + lockout_ms;
      attempt.locks_now = true;
    }
    auto w = tx.Query("UPDATE console_users SET failed_attempts=$1, locked_until_utc_ms=$2 WHERE name=$3",
                      {int64_t{u->failed_attempts}, u->locked_until_utc_ms, name});
    if (!w.ok()) return w.status();
    attempt.user = std::move(u);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return attempt;
}

Status ConsoleStore::ClearLoginFailures(const std::string& name) {
  return db_->Run([&](sql::Tx& tx) {
    return tx.Query("UPDATE console_users SET failed_attempts=0, locked_until_utc_ms=0 WHERE name=$1", {name})
        .status();
  });
}

Status ConsoleStore::CreateSession(const std::string& token_hash, const ConsoleSession& s) {
  // Sessions unused for a week are long dead (idle timeouts are minutes):
  // they go here, so the table does not grow with every log-in.
  constexpr int64_t kForgetAfterMs = 7LL * 24 * 3600 * 1000;
  return db_->Run([&](sql::Tx& tx) {
    if (auto old = tx.Query("DELETE FROM console_sessions WHERE last_seen_utc_ms < $1",
                            {s.last_seen_utc_ms - kForgetAfterMs});
        !old.ok())
      return old.status();
    return tx
        .Query("INSERT INTO console_sessions(token_hash,user_name,role,csrf_token,created_at_utc_ms,"
               "last_seen_utc_ms) VALUES($1,$2,$3,$4,$5,$5)",
               {token_hash, s.user, std::string(ConsoleRoleName(s.role)), s.csrf_token, s.last_seen_utc_ms})
        .status();
  });
}

Result<std::optional<ConsoleSession>> ConsoleStore::TouchSession(const std::string& token_hash, int64_t now_utc_ms,
                                                                 int64_t idle_ms) {
  std::optional<ConsoleSession> out;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    out.reset();
    auto r = tx.Query("SELECT user_name, role, csrf_token, last_seen_utc_ms FROM console_sessions WHERE token_hash=$1",
                      {token_hash});
    if (!r.ok()) return r.status();
    if (r->empty()) return Status::Ok();
    const sql::Row& row = r->front();
    ConsoleSession cs;
    cs.user = row.Text(0);
    cs.csrf_token = row.Text(2);
    cs.last_seen_utc_ms = row.Int(3);
    if (!ParseConsoleRole(row.Text(1), &cs.role) || now_utc_ms - cs.last_seen_utc_ms > idle_ms)
      return tx.Query("DELETE FROM console_sessions WHERE token_hash=$1", {token_hash}).status();
    cs.last_seen_utc_ms = now_utc_ms;
    out = cs;
    return tx.Query("UPDATE console_sessions SET last_seen_utc_ms=$1 WHERE token_hash=$2", {now_utc_ms, token_hash})
        .status();
  });
  if (!s.ok()) return s;
  return out;
}

Status ConsoleStore::EndSession(const std::string& token_hash) {
  return db_->Run([&](sql::Tx& tx) {
    return tx.Query("DELETE FROM console_sessions WHERE token_hash=$1", {token_hash}).status();
  });
}

}  // namespace anpr::sync
