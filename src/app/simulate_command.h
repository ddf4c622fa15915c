#pragma once
// `headroom simulate WORKLOAD.yaml [--out DIR] [--seed N] [--speed] [--from URL|FILE]`:
// runs the capacity simulator (src/sim) on a workload file and prints the summary table;
// with --out, writes timeline.csv, report.json and report.html there. --from starts from a
// running server's configuration (GET <URL>/_headroom/state) or a saved dump of it. A
// progress bar goes to stderr while it runs, only when stderr is a terminal. README.md
// ("Capacity simulator") documents it.
//
// Who calls it: main.cc. Returns the process's exit code (0 ok, 2 bad input or I/O error).

#include <cstdint>
#include <optional>
#include <string>

namespace hr::app {

struct SimulateArgs {
  std::string workload;
  std::string out_dir;                 // empty: no files
  std::optional<std::uint64_t> seed;   // overrides the file's
  bool speed = false;
  std::string from;                    // empty, an http(s) URL or a file
  std::string admin_token;             // for --from URL, when the server has one
};

int RunSimulate(const SimulateArgs& args);

}  // namespace hr::app
