// `anpr store rekey --new-key-file FILE [--key-file OLD] --officer ADMIN
//   [--db PATH]`: re-encrypts the store with a new key (vehicle/store/rekey.h),
//   or encrypts a plain store when no old key is given. anpr-vehicle must be
//   stopped. An administrator logs in first (PIN from $ANPR_PIN or stdin);
//   the change is audited in the store, under the new key.
//   `--generate` writes a new random key to FILE first (which must not exist).
#include <iostream>

#include "vehicle/app/command.h"
#include "vehicle/app/store_cli.h"
#include "vehicle/store/rekey.h"

namespace anpr::cli {
namespace {

struct StoreArgs {
  std::string db, new_key_file, officer;
  bool generate = false;
};

int Rekey(const StoreArgs& a) {
  const std::string path = DbPath(a.db);
  const std::string old_spec = KeySpec();
  std::optional<StoreKey> old_key;
  if (!old_spec.empty()) {
    auto k = LoadStoreKey(old_spec, path);
    if (!k.ok()) {
      std::cerr << "anpr: " << k.status().message() << "\n";
      return 1;
    }
    old_key = std::move(k).value();
  }
  std::string session_officer;
  {
    // Who asks: an administrator, logged in on the store as it is now.
    auto store = OpenExistingStoreOrReport(a.db);
    if (!store) return 1;
    Officers officers(store.get());
    auto session = LoginOrReport(officers, a.officer);
    if (!session) return 1;
    if (Status s = officers.Authorize(&*session, Right::kChangeSettings, "", NowUtcMs()); !s.ok()) {
      std::cerr << "anpr: " << s.message() << "\n";
      return 3;
    }
    session_officer = session->officer;
  }
  if (a.generate) {
    auto k = NewStoreKey();
    Status s = k.ok() ? WriteStoreKeyFile(k.value(), a.new_key_file) : k.status();
    if (!s.ok()) {
      std::cerr << "anpr: " << s.message() << "\n";
      return 1;
    }
  }
  auto new_key = LoadStoreKey(a.new_key_file, path);
  if (!new_key.ok()) {
    std::cerr << "anpr: " << new_key.status().message() << "\n";
    return 1;
  }
  if (old_key && old_key->bytes() == new_key->bytes()) {
    std::cerr << "anpr: the new key is the old key; nothing was changed\n";
    return 2;
  }
  if (Status s = RekeyStore(path, old_key, new_key.value()); !s.ok()) {
    std::cerr << "anpr: " << s.message() << "\n";
    return 1;
  }
  StoreOptions o;
  o.path = path;
  o.key = new_key.value();
  auto store = Store::Open(o);
  Status audited = store.ok() ? (*store)->Audit(session_officer, "store.rekey",
                                                old_key ? "store re-encrypted with a new key"
                                                        : "plain store encrypted at rest")
                              : store.status();
  if (!audited.ok()) {
    std::cerr << "anpr: the store is encrypted with the new key, but the audit entry failed: "
              << audited.message() << "\n";
    return 1;
  }
  std::cout << "store " << path << " is now encrypted with the key in " << a.new_key_file
            << "; the old key no longer opens it\n";
  return 0;
}

const CommandRegistration kStore{
    "store", "Look after the on-board store (encryption key)",
    [](CLI::App& sub) {
      auto a = std::make_shared<StoreArgs>();
      sub.require_subcommand(1);
      CLI::App* rekey = sub.add_subcommand(
          "rekey", "Re-encrypt the store with a new key (anpr-vehicle stopped; the old key is --key-file, "
                   "none for a plain store)");
      rekey->add_option("--new-key-file", a->new_key_file, "The new key: a file on a separate medium, or "
                        "credential:NAME")->required();
      rekey->add_flag("--generate", a->generate, "Write a new random key to --new-key-file first");
      rekey->add_option("--officer", a->officer, "Administrator (PIN from $ANPR_PIN or stdin)")->required();
      AddDbOption(*rekey, &a->db);
      return [a]() { return Rekey(*a); };
    }};

}  // namespace
}  // namespace anpr::cli
