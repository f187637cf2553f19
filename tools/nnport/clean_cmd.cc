// nnport clean WORK_DIR...: remove what killed conversions left beside work dirs.
#include <iostream>

#include "cli.h"

namespace nnport::cli {

Command add_clean_command(CLI::App& app, GlobalOptions&) {
  struct Options {
    std::vector<std::string> work_dirs;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "clean", "remove temporary folders that killed conversions left beside work dirs");
  sub->add_option("WORK_DIR", o->work_dirs, "a work dir given to `nnport convert --work-dir`")
      ->required();
  sub->add_flag("--json", o->json, "print the removed folders as one JSON document");
  sub->footer(
      "A convert writes into WORK_DIR.tmp-XXXXXX and holds a lock on it while it runs.\n"
      "SIGKILL or a power loss leaves that folder behind; clean removes each one whose lock\n"
      "no running nnport holds (and empty ones). Folders of a convert still running, and\n"
      "anything without nnport's lock file, stay. The work dirs themselves are not touched.\n"
      "convert does the same for its own --work-dir before it starts.\n"
      "Examples:\n"
      "  nnport clean work/resnet18\n"
      "  nnport clean work/* --json");
  return {sub, [o] {
            // Every folder is tried, and what was removed is reported even
            // when one of them fails.
            Config removed = Config::array(), errors = Config::array();
            for (const auto& dir : o->work_dirs) {
              auto r = remove_stale_temporaries(dir);
              if (!r.ok()) {
                errors.push_back(r.status().message());
                continue;
              }
              for (const auto& p : *r) {
                removed.push_back(p);
                if (!o->json) std::cout << "removed " << p << "\n";
              }
            }
            if (o->json)
              print_json({{"removed", removed}, {"errors", errors}});
            else if (removed.empty() && errors.empty())
              std::cout << "nothing to remove\n";
            for (const auto& e : errors) fail("clean", e.get<std::string>());
            return errors.empty() ? kExitOk : kExitError;
          }};
}

}  // namespace nnport::cli
