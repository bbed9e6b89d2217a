// `anpr-depot`: the station depot server that cars sync with.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"anpr-depot: the depot server cars sync with"};
  app.require_subcommand(1);
  app.add_subcommand("version", "Print the depot's version")->callback([] {
    std::cout << "anpr-depot " << ANPR_VERSION << std::endl;
  });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
