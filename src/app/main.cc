// The headroom binary: AWS Lambda's concurrency system on your own machine.
// This is the only place that picks the real clock, the data directory and the ports.

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <pthread.h>
#include <string>
#include <utility>
#include <vector>

#include "app/simulate_command.h"
#include "server/http_client.h"
#include "server/server.h"
#include "server/settings.h"

namespace {

int Fail(const hr::Status& status) {
  std::fprintf(stderr, "headroom: %s\n", status.message().c_str());
  return 2;
}

// Settings: embedded defaults < --config file < HEADROOM_* environment < command-line flags.
int Serve(const std::string& config_path, const std::map<std::string, std::string>& flags) {
  hr::server::ServerSettings settings;
  if (!config_path.empty()) {
    if (auto s = hr::server::ApplySettingsFile(settings, config_path); !s.ok()) return Fail(s);
  }
  if (auto s = hr::server::ApplySettingsEnvironment(settings, [](const char* n) { return std::getenv(n); });
      !s.ok()) {
    return Fail(s);
  }
  for (const auto& [name, value] : flags) {
    if (auto s = hr::server::SetSetting(settings, name, value); !s.ok()) return Fail(s);
  }

  // SIGINT/SIGTERM are taken by sigwait below, never by a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = hr::server::Server::Create(settings);
  if (!server.ok()) return Fail(server.status());
  if (auto s = (*server)->Start(); !s.ok()) return Fail(s);
  std::printf("headroom %s listening on http://%s:%u (clock %s)\n", HR_VERSION,
              settings.host.c_str(), (*server)->port(), settings.clock.c_str());
  std::fflush(stdout);
  if (const std::string warning = hr::server::ExposureWarning(settings); !warning.empty()) {
    std::fprintf(stderr, "%s\n", warning.c_str());
  }
  int signal = 0;
  sigwait(&stop_signals, &signal);
  std::printf("headroom: signal %d, shutting down\n", signal);
  (*server)->Stop();
  return 0;
}

// `headroom quota list|approve|deny|close [ID]` against a running server's admin endpoints.
int Quota(const std::string& verb, const std::string& id, const std::string& endpoint, const std::string& token) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.push_back({"x-headroom-admin-token", token});
  const bool list = verb == "list";
  if (!list && id.empty()) {
    std::fprintf(stderr, "headroom quota %s: needs the request id\n", verb.c_str());
    return 2;
  }
  const hr::server::HttpResult r =
      hr::server::Fetch(list ? "GET" : "POST",
                        endpoint + "/_headroom/quota/requests" + (list ? "" : "/" + id + "/" + verb), "", headers);
  if (!r.error.empty()) {
    std::fprintf(stderr, "headroom quota: %s: %s\n", endpoint.c_str(), r.error.c_str());
    return 2;
  }
  if (r.status != 200) {
    std::fprintf(stderr, "headroom quota: %d %s\n", r.status, r.body.c_str());
    return 1;
  }
  // A table: one request per line.
  boost::system::error_code ec;
  const boost::json::value requests = boost::json::parse(r.body, ec);
  if (ec || !requests.is_array()) {
    std::printf("%s\n", r.body.c_str());
    return 0;
  }
  std::printf("%-32s  %-12s  %-10s  %-10s  %12s  %-12s  %s\n", "ID", "ACCOUNT", "REGION", "QUOTA", "DESIRED",
              "STATUS", "LAST UPDATED");
  for (const boost::json::value& v : requests.get_array()) {
    const boost::json::object& o = v.get_object();
    auto text = [&](const char* key) {
      auto it = o.find(key);
      return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : std::string();
    };
    const double desired = o.contains("DesiredValue") ? o.at("DesiredValue").to_number<double>() : 0;
    std::printf("%-32s  %-12s  %-10s  %-10s  %12.0f  %-12s  %s\n", text("Id").c_str(), text("AccountId").c_str(),
                text("Region").c_str(), text("QuotaCode").c_str(), desired, text("Status").c_str(),
                text("LastUpdated").c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"headroom: AWS Lambda's concurrency system on your own machine"};
  app.set_version_flag("--version", std::string("headroom ") + HR_VERSION);
  app.require_subcommand(0, 1);

  CLI::App* serve = app.add_subcommand("serve", "Start the AWS-compatible server");
  std::string config_path;
  serve->add_option("--config", config_path, "YAML file of settings (name: value)");
  std::map<std::string, std::string> flags;
  for (std::string_view name : hr::server::SettingNames()) {
    const std::string key(name);
    serve->add_option_function<std::string>(
        "--" + key, [&flags, key](const std::string& v) { flags[key] = v; },
        "see README (env HEADROOM_*)");
  }

  CLI::App* quota = app.add_subcommand("quota", "List, approve, deny or close quota increase requests of a running server");
  std::string verb, request_id, token;
  std::string endpoint = std::getenv("HEADROOM_ENDPOINT") ? std::getenv("HEADROOM_ENDPOINT") : "http://127.0.0.1:4599";
  quota->add_option("verb", verb, "list | approve | deny | close")->required()->check(
      CLI::IsMember({"list", "approve", "deny", "close"}));
  quota->add_option("id", request_id, "the request's Id (approve, deny, close)");
  quota->add_option("--endpoint", endpoint, "the server (env HEADROOM_ENDPOINT)");
  quota->add_option("--admin-token", token, "the server's admin token, when it has one");

  CLI::App* simulate = app.add_subcommand("simulate", "Run the capacity simulator on a workload file (virtual time)");
  hr::app::SimulateArgs sim_args;
  std::uint64_t seed = 0;
  simulate->add_option("workload", sim_args.workload, "the workload YAML file")->required();
  simulate->add_option("--out", sim_args.out_dir, "write timeline.csv, report.json and report.html into this directory");
  CLI::Option* seed_option = simulate->add_option("--seed", seed, "the random seed (overrides the file's)");
  simulate->add_flag("--speed", sim_args.speed, "print the wall time and simulated invocations per second");
  simulate->add_option("--from", sim_args.from,
                       "start from a running server's configuration (URL) or a saved /_headroom/state dump (file)");
  simulate->add_option("--admin-token", sim_args.admin_token, "the server's admin token, for --from URL");

  CLI11_PARSE(app, argc, argv);
  if (simulate->parsed()) {
    if (seed_option->count() > 0) sim_args.seed = seed;
    return hr::app::RunSimulate(sim_args);
  }
  if (serve->parsed()) return Serve(config_path, flags);
  if (quota->parsed()) return Quota(verb, request_id, endpoint, token);
  std::fputs(app.help().c_str(), stdout);
  return 0;
}
