// Admission benchmarks (issue: foundation). Admit+release pairs per second, single-threaded,
// on an account with N functions, with the function resolved to a handle and through a name
// lookup. Virtual time advances 100 µs per pair, so the account's request-rate bucket
// (10 × limit per second) refills on every call and never throttles: every pair measured is
// an admitted invocation (the benchmark fails if one is throttled).
//
//   build/bench/headroom_bench --benchmark_filter=Admit

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engine/engine.h"

namespace hr {
namespace {

struct Fixture {
  explicit Fixture(int functions) : engine(core::Tunables{}) {
    account = &engine.AccountFor("000000000000", "us-east-1", now);
    for (int i = 0; i < functions; ++i) {
      names.push_back("function-" + std::to_string(i));
      (void)account->CreateFunction(names.back(), now);
      targets.push_back(*account->ResolveInvokeTarget(names.back(), std::nullopt));
    }
  }
  Timestamp now = Timestamp::Epoch();
  engine::Engine engine;
  engine::Account* account;
  std::vector<std::string> names;
  std::vector<engine::InvokeTarget> targets;
};

// A stride through the functions that defeats the cache the way real traffic would.
std::size_t Next(std::size_t i, std::size_t n) { return (i + 7919) % n; }

// Admits and releases one invocation of `target`, advancing virtual time by 100 µs.
void AdmitRelease(Fixture& f, benchmark::State& state, const engine::InvokeTarget& target) {
  f.now += Duration::Micros(100);
  core::AdmissionDecision d = f.account->Admit(target, /*synchronous=*/true, f.now);
  if (!d.admitted()) state.SkipWithError("throttled");
  f.account->Release(d.grant, f.now);
}

void BM_AdmitReleaseByHandle(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    AdmitRelease(f, state, f.targets[i]);
    i = Next(i, f.targets.size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AdmitReleaseByHandle)->Arg(1'000)->Arg(10'000)->Arg(100'000);

void BM_AdmitReleaseByName(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    AdmitRelease(f, state, *f.account->ResolveInvokeTarget(f.names[i], std::nullopt));
    i = Next(i, f.names.size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AdmitReleaseByName)->Arg(1'000)->Arg(10'000)->Arg(100'000);

// O(1) per decision: the same 1,000 hot functions are invoked whether the account holds
// 1,000, 10,000 or 100,000 functions. (BM_AdmitReleaseByHandle strides over *all* N
// functions, so its working set grows with N and it measures the memory hierarchy too.)
void BM_AdmitReleaseHotSetByHandle(benchmark::State& state) {
  Fixture f(static_cast<int>(state.range(0)));
  const std::size_t hot = 1'000;
  const std::size_t spread = f.targets.size() / hot;  // hot functions spread over the slots
  std::size_t i = 0;
  for (auto _ : state) {
    AdmitRelease(f, state, f.targets[i * spread]);
    i = Next(i, hot);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AdmitReleaseHotSetByHandle)->Arg(1'000)->Arg(10'000)->Arg(100'000);

// The throttled path: a function with RC = 0.
void BM_ThrottleByHandle(benchmark::State& state) {
  Fixture f(1'000);
  (void)f.account->PutFunctionConcurrency(f.names[0], 0, f.now);
  for (auto _ : state) {
    f.now += Duration::Micros(100);
    core::AdmissionDecision d = f.account->Admit(f.targets[0], /*synchronous=*/true, f.now);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ThrottleByHandle);

}  // namespace
}  // namespace hr
