// The `anpr` tool's subcommands. Each cmd_*.cc file in this folder registers
// one subcommand at start-up, so adding a command touches no other file.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace anpr::cli {

// Adds the subcommand's options to `sub` and returns the function that runs it
// once parsing succeeded; that function returns the process exit code
// (0 ok, 1 failure, 2 usage error). Options must be bound to storage the
// returned function owns (e.g. a shared_ptr captured by both).
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

struct CommandRegistration {
  CommandRegistration(std::string name, std::string description, CommandSetup setup);
};

}  // namespace anpr::cli
