// Encryption at rest of the on-board store (vehicle/records/encrypted_vfs.h):
// what a thief with the unit's disk but not its key can read of the store's
// files, what a missing or wrong key does, and changing the key.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "tests/store/test_util.h"
#include "vehicle/records/store_key.h"
#include "vehicle/store/officers.h"
#include "vehicle/store/rekey.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

using testing::MakeRead;
using testing::TempDir;

constexpr int64_t kT0 = 1'760'000'000'000;

std::vector<unsigned char> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every regular file under `dir` with its bytes.
std::map<std::string, std::vector<unsigned char>> FilesUnder(const std::string& dir) {
  std::map<std::string, std::vector<unsigned char>> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[e.path().string()] = Slurp(e.path().string());
  }
  return out;
}

bool Contains(const std::vector<unsigned char>& hay, const std::vector<unsigned char>& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}
std::vector<unsigned char> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

StoreKey NewKeyOrDie() {
  auto k = NewStoreKey();
  EXPECT_TRUE(k.ok());
  return k.value();
}

std::unique_ptr<Store> OpenOrDie(const std::string& path, const std::optional<StoreKey>& key) {
  StoreOptions o;
  o.path = path;
  o.key = key;
  auto s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

Status OpenStatus(const std::string& path, const std::optional<StoreKey>& key) {
  StoreOptions o;
  o.path = path;
  o.key = key;
  return Store::Open(o).status();
}

// A JPEG-looking image whose every 64 bytes carry `tag`, so any 16 bytes of
// it found in a file give it away.
std::vector<uint8_t> TaggedJpeg(const std::string& tag, size_t bytes) {
  std::vector<uint8_t> img(bytes);
  for (size_t i = 0; i < bytes; ++i) img[i] = static_cast<uint8_t>(tag[i % tag.size()]);
  img[0] = 0xFF;
  img[1] = 0xD8;
  img[2] = 0xFF;
  img[3] = 0xE0;
  return img;
}

Read SecretRead(const std::string& vrm, int i) {
  Read r = MakeRead(vrm, kT0 + i * 1000);
  r.plate_jpeg = TaggedJpeg("PLATEIMG-" + vrm + "-PATTERN-", 20'000);
  r.overview_jpeg = TaggedJpeg("OVERVIEW-" + vrm + "-PATTERN-", 20'000);
  return r;
}

TEST(StoreEncryption, NoFileInTheStoreFolderHoldsAPlateAnImageAHotlistAnOfficerOrAnAuditLine) {
  TempDir dir;
  const std::string path = dir.File("store/anpr.db");
  const StoreKey key = NewKeyOrDie();
  const std::vector<std::string> vrms = {"QX51ZVR", "KJ07WPN", "YT66HBM"};
  std::vector<Read> reads;
  for (size_t i = 0; i < vrms.size(); ++i) reads.push_back(SecretRead(vrms[i], static_cast<int>(i)));
  auto store = OpenOrDie(path, key);
  ASSERT_NE(store, nullptr);
  HotlistMeta meta;
  meta.name = "pnc-stolen";
  HotlistEntry wanted;
  wanted.vrm = "WANTED9X";
  wanted.priority = Priority::kHigh;
  wanted.reason = "STOLENVEHICLEREASON";
  wanted.warning_markers = "FIREARMSMARKER";
  ASSERT_TRUE(store->ApplyHotlistVersion(meta, {wanted}, "test", nullptr).ok());
  OfficerRecord officer;
  officer.number = "OFFICER7731";
  officer.role = "officer";
  officer.pin_salt_hex = "00";
  officer.pin_hash_hex = "00";
  officer.pin_iterations = 1;
  ASSERT_TRUE(store->PutOfficer(officer).ok());
  ASSERT_TRUE(store->Audit("OFFICER7731", "reads.search", "AUDITDETAILSECRET").ok());
  for (const Read& r : reads) {
    Hit h;
    h.uuid = NewUuid();
    h.read_uuid = r.uuid;
    h.list_name = "pnc-stolen";
    h.entry_vrm = r.vrm;
    h.reason = "HITREASONSECRET";
    ASSERT_TRUE(store->CommitRead(r, {h}).ok());
  }
  // Everything reads back through the store.
  auto back = store->GetRead(reads[1].uuid);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->vrm, vrms[1]);
  EXPECT_EQ((*back)->plate_jpeg, reads[1].plate_jpeg);

  std::vector<std::vector<unsigned char>> secrets = {Bytes("WANTED9X"), Bytes("STOLENVEHICLEREASON"),
                                                     Bytes("FIREARMSMARKER"), Bytes("OFFICER7731"),
                                                     Bytes("AUDITDETAILSECRET"), Bytes("HITREASONSECRET"),
                                                     Bytes(reads[0].uuid)};
  for (const std::string& v : vrms) secrets.push_back(Bytes(v));
  for (const Read& r : reads) {
    secrets.emplace_back(r.plate_jpeg.begin() + 100, r.plate_jpeg.begin() + 116);
    secrets.emplace_back(r.overview_jpeg.begin() + 100, r.overview_jpeg.begin() + 116);
  }
  auto check_files = [&](const char* when) {
    auto files = FilesUnder(dir.File("store"));
    EXPECT_TRUE(files.count(path)) << when;
    for (const auto& [name, bytes] : files) {
      for (const auto& secret : secrets) {
        EXPECT_FALSE(Contains(bytes, secret))
            << when << ": " << name << " holds " << std::string(secret.begin(), secret.end());
      }
    }
    return files;
  };
  // While the unit runs: the reads are in the WAL (and its index).
  auto running = check_files("store open");
  EXPECT_TRUE(running.count(path + "-wal"));
  store.reset();  // closing checkpoints everything into anpr.db
  check_files("store closed");
  // The same store opened again with its key has everything.
  store = OpenOrDie(path, key);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->CountReads().value(), 3);
  EXPECT_EQ(store->IntegrityCheck().value(), "ok");
  EXPECT_EQ(store->GetHotlistEntry("pnc-stolen", "WANTED9X").value()->warning_markers, "FIREARMSMARKER");
  EXPECT_TRUE(store->VerifyAudit().ok());
}

TEST(StoreEncryption, AMissingOrWrongKeyStopsTheOpenAndChangesNoByte) {
  TempDir dir;
  const std::string path = dir.File("store/anpr.db");
  const StoreKey key = NewKeyOrDie();
  {
    auto store = OpenOrDie(path, key);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitRead(SecretRead("QX51ZVR", 0)).ok());
  }
  // Leave a WAL behind as a power cut would: a second store's reads, not
  // checkpointed (the copy of the folder is taken while it is open).
  std::map<std::string, std::vector<unsigned char>> before;
  {
    auto store = OpenOrDie(path, key);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitRead(SecretRead("KJ07WPN", 1)).ok());
    before = FilesUnder(dir.File("store"));
  }
  for (const auto& [name, bytes] : before) {
    std::ofstream(name, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(bytes.data()),
                                                                  static_cast<std::streamsize>(bytes.size()));
  }
  ASSERT_TRUE(before.count(path + "-wal"));

  Status wrong = OpenStatus(path, NewKeyOrDie());
  EXPECT_EQ(wrong.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(wrong.message().find("does not decrypt with the key given"), std::string::npos) << wrong.ToString();
  Status none = OpenStatus(path, std::nullopt);
  EXPECT_EQ(none.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(none.message().find("is encrypted and no key was given"), std::string::npos) << none.ToString();
  EXPECT_EQ(FilesUnder(dir.File("store")), before) << "a refused open changed the store's files";

  // The right key finds both reads (the second from the WAL).
  auto store = OpenOrDie(path, key);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->CountReads().value(), 2);
}

TEST(StoreEncryption, RekeyChangesTheKeyAndKeepsEveryRecord) {
  TempDir dir;
  const std::string path = dir.File("store/anpr.db");
  const StoreKey old_key = NewKeyOrDie();
  const StoreKey new_key = NewKeyOrDie();
  const Read read = SecretRead("QX51ZVR", 0);
  {
    auto store = OpenOrDie(path, old_key);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitRead(read).ok());
    ASSERT_TRUE(store->Audit("1001", "test", "before the rekey").ok());
    // While the store is open the key cannot change.
    Status busy = RekeyStore(path, old_key, new_key);
    EXPECT_EQ(busy.code(), StatusCode::kUnavailable) << busy.ToString();
  }
  // A wrong old key changes nothing.
  const auto before = FilesUnder(dir.File("store"));
  Status wrong = RekeyStore(path, new_key, old_key);
  EXPECT_EQ(wrong.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(wrong.message().find("does not decrypt with the key given"), std::string::npos) << wrong.ToString();
  EXPECT_EQ(FilesUnder(dir.File("store")), before);

  ASSERT_TRUE(RekeyStore(path, old_key, new_key).ok());
  EXPECT_EQ(OpenStatus(path, old_key).code(), StatusCode::kUnauthenticated);
  auto store = OpenOrDie(path, new_key);
  ASSERT_NE(store, nullptr);
  auto back = store->GetRead(read.uuid);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->overview_jpeg, read.overview_jpeg);
  EXPECT_EQ(store->IntegrityCheck().value(), "ok");
  auto verdict = store->VerifyAudit();
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->ok) << verdict->problem;
  ASSERT_TRUE(store->CommitRead(SecretRead("KJ07WPN", 1)).ok());  // and it takes new reads
  for (const auto& [name, bytes] : FilesUnder(dir.File("store"))) {
    EXPECT_EQ(name.find("-rekey"), std::string::npos) << name;
    EXPECT_FALSE(Contains(bytes, Bytes("QX51ZVR"))) << name;
  }
}

TEST(StoreEncryption, APlainStoreIsRefusedWithAKeyUntilRekeyEncryptsIt) {
  TempDir dir;
  const std::string path = dir.File("store/anpr.db");
  const StoreKey key = NewKeyOrDie();
  {
    auto store = OpenOrDie(path, std::nullopt);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitRead(SecretRead("QX51ZVR", 0)).ok());
  }
  ASSERT_TRUE(Contains(Slurp(path), Bytes("QX51ZVR")));  // the plain store gives it away
  const auto before = FilesUnder(dir.File("store"));
  Status s = OpenStatus(path, key);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("is not encrypted"), std::string::npos) << s.ToString();
  EXPECT_EQ(FilesUnder(dir.File("store")), before);

  ASSERT_TRUE(RekeyStore(path, std::nullopt, key).ok());
  EXPECT_FALSE(Contains(Slurp(path), Bytes("QX51ZVR")));
  auto store = OpenOrDie(path, key);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->CountReads().value(), 1);
}

TEST(StoreKeyFile, AKeyFileInsideTheStoreFolderIsRefused) {
  TempDir dir;
  const StoreKey key = NewKeyOrDie();
  std::filesystem::create_directories(dir.File("store/keys"));
  ASSERT_TRUE(WriteStoreKeyFile(key, dir.File("store/keys/k")).ok());
  ASSERT_TRUE(WriteStoreKeyFile(key, dir.File("k")).ok());
  auto inside = LoadStoreKey(dir.File("store/keys/k"), dir.File("store/anpr.db"));
  EXPECT_EQ(inside.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(inside.status().message().find("inside the store's folder"), std::string::npos);
  auto outside = LoadStoreKey(dir.File("k"), dir.File("store/anpr.db"));
  ASSERT_TRUE(outside.ok()) << outside.status().ToString();
  EXPECT_EQ(outside->bytes(), key.bytes());
  auto missing = LoadStoreKey(dir.File("nope"), dir.File("store/anpr.db"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  std::ofstream(dir.File("bad")) << "not a key\n";
  EXPECT_EQ(LoadStoreKey(dir.File("bad"), dir.File("store/anpr.db")).status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreKeyFile, ASystemdCredentialIsReadFromTheCredentialsDirectory) {
  TempDir dir;
  const StoreKey key = NewKeyOrDie();
  ASSERT_TRUE(WriteStoreKeyFile(key, dir.File("anpr-store-key")).ok());
  ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  auto k = LoadStoreKey("credential:anpr-store-key", "/var/lib/anpr/anpr.db");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->bytes(), key.bytes());
  auto unset = LoadStoreKey("credential:anpr-store-key", "/var/lib/anpr/anpr.db");
  EXPECT_EQ(unset.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unset.status().message().find("CREDENTIALS_DIRECTORY"), std::string::npos);
}

}  // namespace
}  // namespace anpr
