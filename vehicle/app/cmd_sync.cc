// `anpr sync --once`: a manual sync with the depot (hits, reads, audit up;
// hotlist updates down) from the unit's own store (the one anpr-vehicle
// writes; --db), or from a stand-alone outbox file (--outbox), printing the
// state the HMI would show. Exit code 0
// when everything was acknowledged, 3 when the depot refused the vehicle's
// credential (a fault for a person to fix), 1 for any other failure.
#include <fstream>
#include <iostream>
#include <memory>

#include "sync/client.h"
#include "sync/sqlite_outbox.h"
#include "vehicle/records/signing_key.h"
#include "vehicle/app/store_outbox.h"
#include "vehicle/app/store_cli.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/app/command.h"

namespace {

struct SyncArgs {
  bool once = false;
  std::string depot_url;
  std::string token;
  std::string token_file;
  std::string ca_file;
  std::string db;      // the unit's store (default as the store commands)
  std::string outbox;  // a stand-alone outbox file instead of the store
  std::string unit_id = "PATROL-01";
  std::size_t batch = 200;
};

const anpr::cli::CommandRegistration kSync{
    "sync", "Sync with the depot now: upload hits, reads and audit; download hotlist updates",
    [](CLI::App& sub) {
      auto a = std::make_shared<SyncArgs>();
      sub.add_flag("--once", a->once, "One pass, then exit (the only mode of this command)")->required();
      sub.add_option("--depot", a->depot_url, "Depot URL, e.g. https://depot.local:8443")
          ->envname("ANPR_DEPOT_URL")
          ->required();
      sub.add_option("--token", a->token, "Vehicle credential from `anpr-depot enroll`")->envname("ANPR_SYNC_TOKEN");
      sub.add_option("--token-file", a->token_file, "File holding the credential (first line)");
      sub.add_option("--ca", a->ca_file, "PEM CA certificate that signed the depot's certificate");
      anpr::cli::AddDbOption(sub, &a->db);
      sub.add_option("--unit", a->unit_id, "This vehicle's id (unit.id in its configuration)")
          ->envname("ANPR_UNIT_ID");
      sub.add_option("--outbox", a->outbox, "Sync a stand-alone outbox file (SQLite) instead of the store");
      sub.add_option("--batch", a->batch, "Records per request (default 200)");
      return [a]() -> int {
        if (a->token.empty() && !a->token_file.empty()) {
          std::ifstream in(a->token_file);
          std::getline(in, a->token);
          while (!a->token.empty() && (a->token.back() == '\r' || a->token.back() == ' ')) a->token.pop_back();
        }
        if (a->token.empty()) {
          std::cerr << "anpr sync: no credential: give --token, --token-file or ANPR_SYNC_TOKEN\n";
          return 2;
        }
        std::unique_ptr<anpr::sync::Outbox> box;
        std::unique_ptr<anpr::Store> store;
        anpr::Matcher matcher;
        if (!a->outbox.empty()) {
          auto opened = anpr::sync::SqliteOutbox::Open(a->outbox);
          if (!opened.ok()) {
            std::cerr << "anpr sync: " << opened.status().ToString() << "\n";
            return 1;
          }
          box = std::move(opened.value());
        } else {
          store = anpr::cli::OpenExistingStoreOrReport(a->db);
          if (!store) return 1;
          if (anpr::Status s = store->LoadMatcher(&matcher); !s.ok()) {
            std::cerr << "anpr sync: " << s.ToString() << "\n";
            return 1;
          }
          box = std::make_unique<anpr::sync::StoreOutbox>(store.get(), &matcher, a->unit_id);
        }
        anpr::sync::SyncClientOptions o;
        o.depot_url = a->depot_url;
        o.token = a->token;
        o.ca_file = a->ca_file;
        o.batch_records = a->batch;
        if (store) {
          // The unit's export key, when it has one, is enrolled as anpr-vehicle does.
          auto key = anpr::SigningKey::Load(anpr::SigningKeyPathBeside(store->path()));
          if (key.ok()) o.signing_public_key_hex = key->PublicKeyHex();
        }
        anpr::sync::SyncClient client(box.get(), o);
        std::string last;
        client.SetStateListener([&last](const anpr::sync::SyncState& s) {
          std::string line = anpr::sync::DescribeSyncState(s);
          if (line != last) std::cout << line << std::endl;
          last = line;
        });
        anpr::Status s = client.SyncOnce();
        auto counts = box->CountUnsynced();
        if (counts.ok())
          std::cout << "waiting: " << counts->hits << " hits, " << counts->reads << " reads, " << counts->audit
                    << " audit entries; " << counts->quarantined << " quarantined (refused by the depot); hotlist version "
                    << client.state().hotlist_version << std::endl;
        if (s.ok()) return 0;
        std::cerr << "anpr sync: " << s.ToString() << "\n";
        return client.state().auth_fault ? 3 : 1;
      };
    }};

}  // namespace
