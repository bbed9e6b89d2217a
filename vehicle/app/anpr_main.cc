// `anpr`: the unit's command-line tool (read, bench, devices, gps, hotlist,
// reads, audit, sync ...). Subcommands live in cmd_*.cc.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "vehicle/app/command.h"

namespace anpr::cli {
namespace {

struct Entry {
  std::string name;
  std::string description;
  CommandSetup setup;
};

std::vector<Entry>& Registry() {
  static std::vector<Entry> registry;  // filled during static initialisation
  return registry;
}

}  // namespace

CommandRegistration::CommandRegistration(std::string name, std::string description,
                                         CommandSetup setup) {
  Registry().push_back({std::move(name), std::move(description), std::move(setup)});
}

}  // namespace anpr::cli

int main(int argc, char** argv) {
  CLI::App app{"anpr: number plate recognition unit tool"};
  app.require_subcommand(1);
  // --version alone, answered before parsing (the subcommands are required).
  bool version_only = false;  // listed in --help; acted on before parsing
  app.add_flag("--version", version_only, "Print the version and exit");
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << "anpr " << ANPR_VERSION << std::endl;
    return 0;
  }
  std::vector<std::pair<CLI::App*, std::function<int()>>> commands;
  for (auto& entry : anpr::cli::Registry()) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.description);
    commands.emplace_back(sub, entry.setup(*sub));
  }
  CLI11_PARSE(app, argc, argv);
  for (auto& [sub, run] : commands) {
    if (sub->parsed()) return run();
  }
  return 2;
}
