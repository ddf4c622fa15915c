#include "app/simulate_command.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/http_client.h"
#include "sim/live_state.h"
#include "sim/report.h"
#include "sim/simulation.h"
#include "sim/timeline.h"
#include "sim/workload.h"

namespace hr::app {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "headroom simulate: %s\n", message.c_str());
  return 2;
}

// The state JSON of --from: fetched from a server, or read from a saved dump.
StatusOr<std::string> LiveState(const std::string& from, const std::string& token) {
  if (from.rfind("http://", 0) == 0 || from.rfind("https://", 0) == 0) {
    std::string url = from;
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.find("/_headroom/state") == std::string::npos) url += "/_headroom/state";
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.push_back({"x-headroom-admin-token", token});
    const server::HttpResult r = server::Fetch("GET", url, "", headers);
    if (!r.error.empty()) return Status(ErrorCode::kInvalidParameter, "--from " + url + ": " + r.error);
    if (r.status != 200) {
      return Status(ErrorCode::kInvalidParameter, "--from " + url + ": HTTP " + std::to_string(r.status) + " " + r.body);
    }
    return r.body;
  }
  std::ifstream in(from, std::ios::binary);
  if (!in) return Status(ErrorCode::kInvalidParameter, "--from: cannot read " + from);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A progress bar on stderr, redrawn at most ten times a second.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1) {}
  void Update(double fraction) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && fraction < 1) return;
    last_ = now;
    constexpr int kWidth = 40;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r[%s] %3d%%", bar.c_str(), static_cast<int>(fraction * 100));
    drawn_ = true;
  }
  void Done() {
    if (drawn_) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int RunSimulate(const SimulateArgs& args) {
  auto workload = sim::LoadWorkload(args.workload);
  if (!workload.ok()) return Fail(workload.status().message());
  if (args.seed) workload->seed = *args.seed;
  if (!args.from.empty()) {
    auto state = LiveState(args.from, args.admin_token);
    if (!state.ok()) return Fail(state.status().message());
    if (auto s = sim::ApplyLiveState(*state, *workload); !s.ok()) return Fail(s.message());
  }

  sim::TimelineCsv csv;
  sim::TimelineChart chart;
  if (!args.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(args.out_dir, ec);
    if (ec) return Fail("cannot create " + args.out_dir + ": " + ec.message());
    std::vector<std::string> names;
    for (const sim::FunctionSpec& f : workload->functions) names.push_back(f.name);
    if (auto s = csv.Open(args.out_dir + "/timeline.csv", names); !s.ok()) return Fail(s.message());
  }
  ProgressBar progress;
  sim::SimulationOptions options;
  const bool files = !args.out_dir.empty();
  options.on_second = [&](const sim::SecondSample& s) {
    if (files) {
      csv.Add(s);
      chart.Add(s);
    }
  };
  options.progress = [&](double fraction) { progress.Update(fraction); };

  const auto started = std::chrono::steady_clock::now();
  const std::clock_t cpu_started = std::clock();
  auto simulation = sim::Simulation::Create(*workload, options);
  if (!simulation.ok()) return Fail(simulation.status().message());
  const Status run = (*simulation)->Run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double cpu = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  progress.Done();
  if (!run.ok()) return Fail(run.message());
  const sim::SimulationResult& result = (*simulation)->result();

  std::fputs(sim::SummaryTable(result).c_str(), stdout);
  if (files) {
    if (auto s = csv.Close(); !s.ok()) return Fail(s.message());
    if (auto s = sim::WriteFile(args.out_dir + "/report.json", sim::ReportJson(result)); !s.ok()) return Fail(s.message());
    const std::string title = "headroom simulate " + std::filesystem::path(args.workload).filename().string();
    if (auto s = sim::WriteFile(args.out_dir + "/report.html", sim::ReportHtml(result, chart, title)); !s.ok()) {
      return Fail(s.message());
    }
    std::printf("\nwrote %s/timeline.csv, report.json, report.html\n", args.out_dir.c_str());
  }
  if (args.speed) {
    // CPU time too: on a shared machine, wall time includes waiting for a core.
    const double n = static_cast<double>(result.requests);
    std::printf("\nspeed: %llu simulated invocations, %llu events; %.3f s wall (%.2f M invocations/s), "
                "%.3f s CPU (%.2f M invocations/s)\n",
                static_cast<unsigned long long>(result.requests), static_cast<unsigned long long>(result.events), wall,
                n / wall / 1e6, cpu, cpu > 0 ? n / cpu / 1e6 : 0.0);
  }
  return 0;
}

}  // namespace hr::app
