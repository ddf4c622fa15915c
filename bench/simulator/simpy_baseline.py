#!/usr/bin/python3
"""The reference point for bench/simulator: poisson-100.yaml's traffic in SimPy, the library the
open-source serverless simulators are built on (Debian's python3-simpy, SimPy 2.3).

100 functions, Poisson arrivals at 1,000/s each, lognormal durations (median 50 ms, sigma 0.5),
one shared pool of 100,000 concurrent executions: an arrival runs if the pool has room and is
throttled otherwise. That is far less than headroom's engine decides (no reservations, no
provisioned concurrency, no environments, no scaling or request-rate limits), so it is a
generous floor for what a SimPy model of the same traffic costs. Usage:
  simpy_baseline.py SIMULATED_SECONDS    prints "simpy: N invocations in S s CPU (R invocations/s)"
"""
import math
import random
import sys
import time

from SimPy.Simulation import Process, activate, hold, initialize, simulate

FUNCTIONS = 100
RATE = 1000.0
MEDIAN = 0.050
SIGMA = 0.5
LIMIT = 100_000


class Pool:
    busy = 0
    invocations = 0
    throttles = 0


class Invocation(Process):
    def run(self, duration):
        yield hold, self, duration
        Pool.busy -= 1


class Source(Process):
    def run(self, rng):
        while True:
            yield hold, self, rng.expovariate(RATE)
            if Pool.busy < LIMIT:
                Pool.busy += 1
                Pool.invocations += 1
                inv = Invocation()
                activate(inv, inv.run(MEDIAN * math.exp(SIGMA * rng.gauss(0, 1))))
            else:
                Pool.throttles += 1


def main():
    seconds = float(sys.argv[1])
    initialize()
    for i in range(FUNCTIONS):
        s = Source()
        activate(s, s.run(random.Random(i)))
    start = time.process_time()
    simulate(until=seconds)
    cpu = time.process_time() - start
    print(f"simpy: {Pool.invocations} invocations in {cpu:.2f} s CPU ({Pool.invocations / cpu / 1e6:.4f} M invocations/s)")


if __name__ == "__main__":
    main()
