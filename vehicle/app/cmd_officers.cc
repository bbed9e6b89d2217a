// `anpr officers add NUMBER --role officer|supervisor|administrator
//   [--officer ADMIN]`: adds an officer. The first officer of a fresh unit
//   must be an administrator and needs no --officer; after that an
//   administrator logs in with --officer (PIN from $ANPR_PIN or the first
//   stdin line). The new officer's PIN comes from $ANPR_NEW_PIN or the next
//   stdin line.
#include <iostream>

#include "vehicle/app/command.h"
#include "vehicle/app/store_cli.h"

namespace anpr::cli {
namespace {

struct OfficersArgs {
  std::string db, number, role, officer;
  int iterations = OfficersOptions{}.pbkdf2_iterations;
};

int Run(OfficersArgs& a) {
  Role role = Role::kOfficer;
  if (!ParseRole(a.role, &role)) {
    std::cerr << "anpr: --role must be officer, supervisor or administrator\n";
    return 2;
  }
  auto store = OpenStoreOrReport(a.db);
  if (!store) return 1;
  OfficersOptions opt;
  opt.pbkdf2_iterations = a.iterations;
  Officers officers(store.get(), opt);
  std::optional<Session> admin;
  if (!a.officer.empty()) {
    admin = LoginOrReport(officers, a.officer);
    if (!admin) return 1;
  }
  const std::string pin = ReadPin("ANPR_NEW_PIN");
  Status s = officers.AddOfficer(admin ? &*admin : nullptr, a.number, role, pin, NowUtcMs());
  if (!s.ok()) {
    std::cerr << "anpr: " << s.message() << "\n";
    return s.code() == StatusCode::kPermissionDenied ? 3 : 1;
  }
  std::cout << "officer " << a.number << " added as " << RoleName(role) << "\n";
  return 0;
}

const CommandRegistration kOfficers{
    "officers", "Manage officers who may use the unit",
    [](CLI::App& sub) {
      auto a = std::make_shared<OfficersArgs>();
      sub.require_subcommand(1);
      CLI::App* add = sub.add_subcommand("add", "Add an officer (PIN from $ANPR_NEW_PIN or stdin)");
      add->add_option("NUMBER", a->number, "Officer number")->required();
      add->add_option("--role", a->role, "officer, supervisor or administrator")->required();
      add->add_option("--officer", a->officer, "Administrator adding them (not needed for the first)");
      add->add_option("--pbkdf2-iterations", a->iterations, "PIN hash cost (default 210000)")
          ->check(CLI::Range(1000, 10'000'000));
      AddDbOption(*add, &a->db);
      return [a]() { return Run(*a); };
    }};

}  // namespace
}  // namespace anpr::cli
