// The folder picture of README.md, checked: every #include "..." of the
// project's code goes only where the folder table allows, the folder graph
// has no cycle, and the depot program links nothing of the car's camera,
// recognition or screen. A new include that breaks the picture fails here
// with the file and line that made it.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// Folder -> the folders its code may include (besides itself). Longest
// prefix wins when a file is placed, so vehicle/app is not vehicle/.
const std::map<std::string, std::set<std::string>>& AllowedIncludes() {
  static const std::map<std::string, std::set<std::string>> kAllowed = {
      {"vehicle/records", {}},
      {"capture", {"vehicle/records"}},
      {"vehicle/recognition", {"capture", "vehicle/records"}},
      {"vehicle/hotlists", {"vehicle/records"}},
      {"vehicle/store", {"vehicle/records", "vehicle/hotlists"}},
      {"vehicle/alerts", {"vehicle/records", "vehicle/hotlists", "vehicle/store"}},
      {"hmi", {"vehicle/records"}},
      {"sync", {"vehicle/records"}},
      {"sync/app", {"sync", "vehicle/records", "service"}},
      {"vehicle/app",
       {"vehicle/records", "capture", "vehicle/recognition", "vehicle/hotlists", "vehicle/store",
        "vehicle/alerts", "hmi", "sync", "service"}},
      {"service", {"vehicle/records"}},
  };
  return kAllowed;
}

// The folder (a key of AllowedIncludes) that owns a source-relative path,
// or "" for files outside the libraries and programs (tests/, hw/).
std::string FolderOf(const std::string& rel_path) {
  std::string best;
  for (const auto& [folder, unused] : AllowedIncludes()) {
    if (rel_path.rfind(folder + "/", 0) == 0 && folder.size() > best.size()) best = folder;
  }
  return best;
}

struct IncludeEdge {
  std::string from_file;
  int line = 0;
  std::string from_folder;
  std::string to_folder;
};

std::vector<IncludeEdge> ProjectIncludes(const fs::path& root) {
  static const std::regex kInclude(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<IncludeEdge> edges;
  for (const char* top : {"vehicle", "capture", "hmi", "sync", "service"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file()) continue;
      const std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cc") continue;
      const std::string rel = fs::relative(entry.path(), root).generic_string();
      const std::string from = FolderOf(rel);
      std::ifstream in(entry.path());
      std::string text;
      int line_no = 0;
      while (std::getline(in, text)) {
        ++line_no;
        std::smatch m;
        if (!std::regex_search(text, m, kInclude)) continue;
        const std::string target = m[1].str();
        const std::string to = FolderOf(target);
        if (to.empty() || to == from) continue;
        edges.push_back({rel, line_no, from, to});
      }
    }
  }
  return edges;
}

TEST(IncludeGraph, EveryIncludeIsAllowedByTheFolderTable) {
  const auto edges = ProjectIncludes(ANPR_SOURCE_DIR);
  ASSERT_GT(edges.size(), 20u) << "the scan found almost no includes: is ANPR_SOURCE_DIR right?";
  std::vector<std::string> forbidden;
  for (const IncludeEdge& e : edges) {
    ASSERT_FALSE(e.from_folder.empty()) << e.from_file << " is in no folder of the table";
    const auto& allowed = AllowedIncludes().at(e.from_folder);
    if (!allowed.count(e.to_folder)) {
      forbidden.push_back(e.from_file + ":" + std::to_string(e.line) + ": " + e.from_folder + " includes " +
                          e.to_folder);
    }
  }
  std::string all;
  for (const auto& f : forbidden) all += "\n  " + f;
  EXPECT_TRUE(forbidden.empty()) << "includes against the folder table:" << all;
}

TEST(IncludeGraph, FoldersFormNoCycle) {
  std::map<std::string, std::set<std::string>> graph;
  for (const IncludeEdge& e : ProjectIncludes(ANPR_SOURCE_DIR)) graph[e.from_folder].insert(e.to_folder);
  // Depth-first search; a grey node met again closes a cycle.
  std::map<std::string, int> colour;  // 0 white, 1 grey, 2 black
  std::vector<std::string> stack;
  std::string cycle;
  std::function<bool(const std::string&)> visit = [&](const std::string& n) {
    colour[n] = 1;
    stack.push_back(n);
    for (const std::string& m : graph[n]) {
      if (colour[m] == 1) {
        auto it = std::find(stack.begin(), stack.end(), m);
        for (; it != stack.end(); ++it) cycle += *it + " -> ";
        cycle += m;
        return true;
      }
      if (colour[m] == 0 && visit(m)) return true;
    }
    stack.pop_back();
    colour[n] = 2;
    return false;
  };
  for (const auto& [node, unused] : graph) {
    if (colour[node] == 0 && visit(node)) break;
  }
  EXPECT_TRUE(cycle.empty()) << "include cycle between folders: " << cycle;
}

// The rule itself is checked against a made-up tree: a sync file that
// includes the store must be reported, or the test above could never fail.
TEST(IncludeGraph, AForbiddenIncludeIsReported) {
  const fs::path root = fs::temp_directory_path() / ("anpr-arch-" + std::to_string(::getpid()));
  fs::create_directories(root / "sync/src");
  for (const char* d : {"vehicle", "capture", "hmi", "service"}) fs::create_directories(root / d);
  std::ofstream(root / "sync/src/bad.cc") << "#include \"vehicle/store/store.h\"\n";
  const auto edges = ProjectIncludes(root);
  fs::remove_all(root);
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0].from_folder, "sync");
  EXPECT_EQ(edges[0].to_folder, "vehicle/store");
  EXPECT_FALSE(AllowedIncludes().at("sync").count("vehicle/store"));
}

std::string RunAndCapture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

// anpr-depot runs on a depot server: no camera, recognition or screen code
// and none of their libraries, so it installs and patches on its own.
TEST(DepotProgram, LinksNothingOfCaptureRecognitionOrTheScreen) {
  const fs::path link_txt = fs::path(ANPR_BINARY_DIR) / "sync/app/CMakeFiles/anpr-depot.dir/link.txt";
  std::ifstream in(link_txt);
  ASSERT_TRUE(in) << link_txt << " not found (this build generates Makefiles)";
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string link_line = buf.str();
  ASSERT_NE(link_line.find("libanpr_sync.a"), std::string::npos) << link_line;
  for (const char* lib : {"libanpr_capture", "libanpr_recognition", "libanpr_hmi", "libanpr_store",
                          "libanpr_alerts", "libanpr_unit", "opencv", "tesseract", "SDL2", "v4l2", "libgps"}) {
    EXPECT_EQ(link_line.find(lib), std::string::npos) << "anpr-depot's link line names " << lib;
  }
  const fs::path depot = fs::path(ANPR_BINARY_DIR) / "sync/app/anpr-depot";
  ASSERT_TRUE(fs::exists(depot)) << depot;
  const std::string ldd = RunAndCapture("ldd '" + depot.string() + "' 2>&1");
  ASSERT_NE(ldd.find("libc.so"), std::string::npos) << ldd;
  for (const char* lib : {"libopencv", "libtesseract", "libSDL2", "libv4l", "libgps"}) {
    EXPECT_EQ(ldd.find(lib), std::string::npos) << "anpr-depot loads " << lib << ":\n" << ldd;
  }
}

}  // namespace
