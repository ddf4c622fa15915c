// The headroom binary: AWS Lambda's concurrency system on your own machine.
// This is the only place that picks the real clock, the data directory and the ports.

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"headroom: AWS Lambda's concurrency system on your own machine"};
  app.set_version_flag("--version", std::string("headroom ") + HR_VERSION);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);
  if (argc == 1) std::fputs(app.help().c_str(), stdout);
  return 0;
}
