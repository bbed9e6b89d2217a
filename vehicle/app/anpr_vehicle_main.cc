// `anpr-vehicle`: the in-car unit. Wires capture, recognition, the store,
// matching, the HMI and sync into one program.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"anpr-vehicle: the in-car ANPR unit"};
  bool demo = false;
  app.add_flag("--demo", demo, "Run on the built-in synthetic drive, simulated GPS and demo hotlist");
  CLI11_PARSE(app, argc, argv);
  // Placeholder until the in-car application issue lands: say so plainly.
  std::cout << "anpr-vehicle " << ANPR_VERSION
            << ": the in-car pipeline is not built yet; "
            << (demo ? "the demo will run here once it is." : "nothing to run.") << std::endl;
  return 0;
}
