# The project's entry points. `make run` and `make test` do all set-up on a fresh machine.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
# make fuzz: seconds per libFuzzer target, which targets (default: all of fuzz/), and how many
# run at the same time (one core each).
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
FUZZ_JOBS    ?= $(JOBS)
# make test-asan: extra ctest arguments, e.g. ASAN_CTEST_ARGS='-E e2e_boto3_debian' to leave out
# the Debian stack's e2e shards (CI runs everything, see .ci/run).
ASAN_CTEST_ARGS ?=

.PHONY: deps build dashboard test asan-build test-asan fuzz fuzz-smoke run bench soak clean

deps:
	@scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

# The binary, with the dashboard (web/) built and embedded in it (src/server/CMakeLists.txt).
build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --parallel $(JOBS)

# The dashboard's assets alone (web/ bundled into $(BUILD)/src/server/web).
dashboard: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) --target dashboard

test: build
	cd $(BUILD) && ctest --output-on-failure --parallel $(JOBS)

# One clang build serves both the sanitizers and fuzzing: every library with
# -fsanitize=address,undefined,fuzzer-no-link (HR_FUZZ=ON), the libFuzzer targets of fuzz/ beside it.
# -O1 with line tables only: a third faster to compile than -O2 -g, file:line in every report,
# and assert() left on.
asan-build: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DHR_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) --parallel $(JOBS)

# The whole ctest suite (unit tests, the e2e tests against the sanitized binary, every fuzz
# corpus) under AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer.
# ASan's stack frames are several times larger than a normal build's: metric math's evaluator
# recursing over a 1,023-term sum (telemetry_test) needs more than the default 8 MiB, hence 64 MiB.
test-asan: asan-build
	ulimit -s 65536 && cd $(ASAN_BUILD) && UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure --parallel $(JOBS) $(ASAN_CTEST_ARGS)

fuzz: asan-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz $(ASAN_BUILD)

# What CI runs: 30 seconds of each target, FUZZ_JOBS at a time.
fuzz-smoke: asan-build
	FUZZ_SECONDS=30 FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz $(ASAN_BUILD)

run: build
	$(BUILD)/headroom serve

bench: build
	$(BUILD)/bench/headroom_bench

# SOAK_MINUTES (default 30) of mixed load; reports RSS and open descriptors (not part of test).
soak: build
	HEADROOM_BIN=$(BUILD)/headroom tests/soak/run

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
