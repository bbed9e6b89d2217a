// A fresh folder for one test's files: the one scratch-folder helper of every
// test suite (and benchmark). Header-only and without GoogleTest, so programs
// that are not tests can use it too.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace anpr::testing {

// Makes a new folder under the system's temporary folder on construction and
// removes it, with everything in it, on destruction. The folder is mode 0755:
// servers a test starts as another user (PostgreSQL) may need to read it.
// Not copyable; not thread-safe (one owner).
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "anpr-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      // Only a broken /tmp gets here; no test can run without a folder.
      std::perror(("TempDir: mkdtemp " + tmpl).c_str());
      std::abort();
    }
    path_ = tmpl;
    ::chmod(path_.c_str(), 0755);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The folder's absolute path.
  const std::string& path() const { return path_; }
  // The path of `name` (which may contain sub-folders) inside the folder.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace anpr::testing
