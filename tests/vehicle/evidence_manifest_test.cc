// Signed evidential exports (issue 15): the unit's Ed25519 key, the
// manifest, and verification naming every file changed, added or missing;
// 1,000 random single-byte changes (fixed seed) are all caught.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"
#include "vehicle/records/evidence_manifest.h"
#include "vehicle/records/signing_key.h"

namespace anpr {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

void WriteFile(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}
std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// An export as `anpr reads export` writes it: two reads, their JPEG-like
// images, reads.json and the signed manifest.
void MakeExport(const std::string& dir, const SigningKey& key) {
  fs::create_directories(dir);
  std::mt19937 rng(7);
  std::vector<std::string> files;
  std::string reads = "[";
  for (const char* uuid : {"11111111-2222-4333-8444-555555555555", "66666666-7777-4888-9999-aaaaaaaaaaaa"}) {
    for (const char* what : {"plate", "overview"}) {
      std::string jpeg = "\xFF\xD8";
      for (int i = 0; i < 700; ++i) jpeg.push_back(static_cast<char>(rng() & 0xFF));
      const std::string name = std::string(uuid) + "-" + what + ".jpg";
      WriteFile(fs::path(dir) / name, jpeg);
      files.push_back(name);
    }
    if (reads.size() > 1) reads += ",";
    reads += std::string(R"({"uuid":")") + uuid + R"(","vrm":"AB12CDE","plate_jpeg":")" + uuid +
             R"(-plate.jpg","overview_jpeg":")" + uuid + R"(-overview.jpg"})";
  }
  reads += "]";
  WriteFile(fs::path(dir) / "reads.json", reads + "\n");
  files.push_back("reads.json");
  ExportFacts facts{"PATROL-01", "200", "court bundle 88 for R v Smith", 1'800'000'000'000};
  ASSERT_TRUE(WriteSignedManifest(dir, facts, reads, files, key).ok());
}

TEST(SigningKey, MadeOnceKeptPrivateAndRefusedWhenOthersCanReadIt) {
  TempDir dir;
  const std::string path = dir.File("data/" + std::string(kSigningKeyFileName));
  auto made = SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(made->PublicKeyHex().size(), 64u);
  auto again = SigningKey::LoadOrCreate(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->PublicKeyHex(), made->PublicKeyHex()) << "the second start keeps the first key";
  const std::string sig = made->SignHex("manifest");
  EXPECT_TRUE(VerifyEd25519Hex(made->PublicKeyHex(), "manifest", sig));
  EXPECT_FALSE(VerifyEd25519Hex(made->PublicKeyHex(), "manifesT", sig));
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(SigningKey::Load(path).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(SigningKeyPathBeside("/var/lib/anpr/anpr.db"), "/var/lib/anpr/unit-signing-key.pem");
}

TEST(EvidenceManifest, AnUntouchedExportVerifiesAndEveryChangeIsNamed) {
  TempDir dir;
  auto key = SigningKey::LoadOrCreate(dir.File("key.pem"));
  ASSERT_TRUE(key.ok());
  const std::string out = dir.File("export");
  MakeExport(out, *key);
  auto check = VerifyExport(out, key->PublicKeyHex());
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->intact()) << check->problems.front();
  EXPECT_EQ(check->facts.unit_id, "PATROL-01");
  EXPECT_EQ(check->facts.officer, "200");
  EXPECT_EQ(check->facts.reason, "court bundle 88 for R v Smith");
  ASSERT_EQ(check->reads.size(), 2u);
  EXPECT_EQ(check->reads[0].plate_sha256, Sha256Hex(ReadFile(fs::path(out) / (check->reads[0].uuid + "-plate.jpg"))));

  const std::string plate = "11111111-2222-4333-8444-555555555555-plate.jpg";
  const std::string overview = "66666666-7777-4888-9999-aaaaaaaaaaaa-overview.jpg";
  std::string changed = ReadFile(fs::path(out) / plate);
  changed[100] ^= 1;
  WriteFile(fs::path(out) / plate, changed);
  fs::remove(fs::path(out) / overview);
  WriteFile(fs::path(out) / "extra.jpg", "\xFF\xD8 not captured by the unit");
  check = VerifyExport(out, key->PublicKeyHex());
  ASSERT_TRUE(check.ok());
  const std::vector<std::string> expected = {"changed: " + plate, "missing: " + overview, "added: extra.jpg"};
  EXPECT_EQ(check->problems, expected);

  // Signed by another key: named, even though the export is self-consistent.
  TempDir other;
  auto stranger = SigningKey::LoadOrCreate(other.File("key.pem"));
  ASSERT_TRUE(stranger.ok());
  MakeExport(other.File("export"), *stranger);
  check = VerifyExport(other.File("export"), key->PublicKeyHex());
  ASSERT_TRUE(check.ok());
  ASSERT_EQ(check->problems.size(), 1u);
  EXPECT_NE(check->problems[0].find("not the unit's key"), std::string::npos);
}

// Target of issue 15: every single-byte change is caught. 1,000 trials with
// a fixed seed, each changing one byte of one file (images, reads.json,
// the manifest or its signature) to another value, then restoring it.
TEST(EvidenceManifest, ThousandRandomSingleByteChangesAreAllCaught) {
  TempDir dir;
  auto key = SigningKey::LoadOrCreate(dir.File("key.pem"));
  ASSERT_TRUE(key.ok());
  const std::string out = dir.File("export");
  MakeExport(out, *key);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(out)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::mt19937 rng(20261207);
  int caught = 0;
  constexpr int kTrials = 1000;
  for (int trial = 0; trial < kTrials; ++trial) {
    const fs::path& f = files[rng() % files.size()];
    const std::string original = ReadFile(f);
    std::string bytes = original;
    const size_t at = rng() % bytes.size();
    bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + rng() % 255));  // never the same value
    WriteFile(f, bytes);
    auto check = VerifyExport(out, key->PublicKeyHex());
    ASSERT_TRUE(check.ok());
    if (!check->intact()) {
      ++caught;
    } else {
      ADD_FAILURE() << "not caught: byte " << at << " of " << f.filename();
    }
    WriteFile(f, original);
  }
  std::cout << "single-byte changes caught: " << caught << " of " << kTrials << "\n";
  EXPECT_EQ(caught, kTrials);
  EXPECT_TRUE(VerifyExport(out, key->PublicKeyHex())->intact());
}

}  // namespace
}  // namespace anpr
