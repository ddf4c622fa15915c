# The project's entry points. `make run` and `make test` do all set-up on a fresh machine.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=

.PHONY: deps build dashboard test test-asan run bench soak clean

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

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHR_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) --parallel $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure --parallel $(JOBS)

run: build
	$(BUILD)/headroom serve

bench: build
	$(BUILD)/bench/headroom_bench

# SOAK_MINUTES (default 30) of mixed load; reports RSS and open descriptors (not part of test).
soak: build
	HEADROOM_BIN=$(BUILD)/headroom tests/soak/run

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
