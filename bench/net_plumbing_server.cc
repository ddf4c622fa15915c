// The net module's HTTP plumbing alone, for measuring against nginx: an HttpServer whose handler
// answers every request with the same 18-byte JSON 200 that /work/shared/bench/vs-nginx has
// nginx serve. Whatever it loses to nginx is the plumbing's cost; the real endpoints must stay
// at >= 50% of nginx, so this should stay well above that (0.90-0.97 on the 2-core dev box).
//
//   build/bench/net_plumbing_server [PORT [IO_THREADS]]     (defaults: 8099, hardware threads)
//   /work/shared/bench/vs-nginx http://127.0.0.1:8099/
//
// Runs until SIGINT or SIGTERM, then stops gracefully.

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "net/http_server.h"

int main(int argc, char** argv) {
  hr::net::ServerOptions options;
  options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8099);
  options.io_threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;
  options.handler = [](hr::net::Request&&, hr::net::Responder responder) {
    responder.Send(hr::net::Response{
        200, {{"Content-Type", "application/json"}}, R"({"StatusCode":200})"});
  };

  // Blocked before the I/O threads start, so that they inherit the mask and only sigwait sees
  // the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  hr::net::HttpServer server(std::move(options));
  if (const auto ec = server.Start()) {
    std::fprintf(stderr, "net_plumbing_server: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("listening on http://127.0.0.1:%u/\n", server.port());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server.Stop(std::chrono::seconds(1));
  return 0;
}
