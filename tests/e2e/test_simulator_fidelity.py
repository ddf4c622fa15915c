"""Fidelity: one workload through the simulator (`headroom simulate`) and through a real server
(simulated functions, `--clock scaled:4`, driven by raw Invoke requests at the workload's times),
comparing the throttles per function and Reason and the peak ClaimedAccountConcurrency.

The workload is built so that every decision is made while the earlier invocations are still
running: a spike's requests are sent within a few milliseconds of real time, and every
invocation runs 20 simulated seconds (5 s of real time at 4x). The only difference between
the two runs is when requests reach the server (the client's scheduling jitter on a loaded
machine), which changes a decision only if it moves a request across the end of an
invocation or across another spike, seconds away in real time. The tolerance is therefore
1 throttle per function and 1 in the peak claimed concurrency: enough to absorb a request
delayed past the 5 s window on a machine under heavy load, small enough that a change in any
rule (the pool, RC, the unreserved minimum, the order of the checks) fails the test, since
each moves the counts by 5 or more. README.md ("Capacity simulator") states the same.
"""
import asyncio
import json
import os
import subprocess
import tempfile
import time

from conftest import BINARY, Headroom
from invoke_helpers import client, new_account, pool_state
from test_invoke_simulated import araw, create, host_port, invoke_path

SCALE = 4
TOLERANCE = 1

WORKLOAD = """
account: {limit: 50, unreserved_minimum: 0}
length: 40s
functions:
  - name: fa
    reserved: 10
    duration: 20s
    traffic: {spike: {at: 2s, count: 15}}
  - name: fb
    duration: 20s
    traffic: {spike: {at: 2s, count: 25}}
  - name: fc
    duration: 20s
    traffic:
      - spike: {at: 6s, count: 25}
      - constant: {rate: 1, start: 8s, end: 16s}
"""

# The arrivals the workload declares, in simulated seconds (spikes and constant rates only).
SCHEDULE = {"fa": [2.0] * 15, "fb": [2.0] * 25, "fc": [6.0] * 25 + [8.0 + k for k in range(8)]}
RESERVED = {"fa": 10}


def simulate(tmp):
    path = os.path.join(tmp, "fidelity.yaml")
    with open(path, "w") as f:
        f.write(WORKLOAD)
    out = os.path.join(tmp, "out")
    subprocess.run([BINARY, "simulate", path, "--out", out], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    throttles = {fn["name"]: fn["throttles_by_reason"] for fn in report["functions"]}
    return throttles, report["peak"]["claimed"]


def serve(account):
    server = Headroom("--account-limit", "50", "--unreserved-min", "0", clock="scaled:%d" % SCALE)
    lam = client(server, account)
    names = {}
    for fn in SCHEDULE:
        names[fn] = create(lam, {"HEADROOM_SIM_DURATION_MS": "20000"}, timeout=60)
        if fn in RESERVED:
            lam.put_function_concurrency(FunctionName=names[fn], ReservedConcurrentExecutions=RESERVED[fn])
    host, port = host_port(server)
    peak = [0]

    async def run():
        start = time.monotonic()

        async def one(fn, at):
            await asyncio.sleep(max(0.0, start + at / SCALE - time.monotonic()))
            status, headers, body = await araw(host, port, invoke_path(names[fn]), b"{}", account)
            reason = json.loads(body).get("Reason") if status == 429 else None
            return fn, status, reason

        async def watch():
            loop = asyncio.get_running_loop()
            while True:
                state = await loop.run_in_executor(None, pool_state, server, account)
                if state:
                    peak[0] = max(peak[0], state["claimed"])
                await asyncio.sleep(0.05)

        watcher = asyncio.create_task(watch())
        results = await asyncio.wait_for(
            asyncio.gather(*(one(fn, at) for fn, times in SCHEDULE.items() for at in times)), 60)
        watcher.cancel()
        return results

    try:
        results = asyncio.run(run())
    finally:
        server.stop()
    throttles = {fn: {} for fn in SCHEDULE}
    for fn, status, reason in results:
        assert status in (200, 429), (fn, status)
        if status == 429:
            throttles[fn][reason] = throttles[fn].get(reason, 0) + 1
    return throttles, peak[0]


def test_simulator_matches_the_server():
    with tempfile.TemporaryDirectory() as tmp:
        sim_throttles, sim_peak = simulate(tmp)
    # The simulator's own answer is the model's: RC 10 of 15; the pool (50 - 10 = 40) takes
    # fb's 25 and 15 of fc's 25; fc's later requests find it full.
    assert sim_throttles == {"fa": {"ReservedFunctionConcurrentInvocationLimitExceeded": 5}, "fb": {},
                             "fc": {"ConcurrentInvocationLimitExceeded": 18}}
    assert sim_peak == 50
    server_throttles, server_peak = serve(new_account())
    for fn in SCHEDULE:
        reasons = set(sim_throttles[fn]) | set(server_throttles[fn])
        for reason in reasons:
            a, b = sim_throttles[fn].get(reason, 0), server_throttles[fn].get(reason, 0)
            assert abs(a - b) <= TOLERANCE, (fn, reason, a, b, server_throttles)
    assert abs(sim_peak - server_peak) <= TOLERANCE, (sim_peak, server_peak)
