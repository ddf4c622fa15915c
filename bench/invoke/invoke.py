#!/usr/bin/env python3
"""invoke.py: the boto3 and raw-HTTP steps of bench/invoke/run.

    invoke.py setup URL BOOTSTRAP ZIP   create the benchmark's functions on headroom, check each
    invoke.py moto URL                  moto_server: its answer with docker on, then docker off
    invoke.py cold URL FUNCTION N OUT   N cold starts; appends one line per start to OUT

setup creates, through boto3 (Role arn:aws:iam::000000000000:role/r, 128 MB, 3 s):
  sim        python3.12, Handler headroom.simulated, HEADROOM_SIM_DURATION_MS=0 (no process)
  throttled  the same with PutFunctionConcurrency 0: every Invoke is a 429
  echo       provided.al2023, the zip holding BOOTSTRAP (echo_bootstrap.c compiled) as `bootstrap`,
             also written to ZIP (headroom unpacks it under data/code/<its sha256>/: the driver
             counts echo's environments by that path)
  pyecho     python3.12, h.h: `return event`
  cold       provided.al2023, the same bootstrap (and a file naming it, so another code key),
             kept for the cold starts
and invokes each once over raw HTTP with the wrk script's body, printing status and body (a
first invoke answered Runtime.ExitError, a failed cold start, is printed and tried once more); it
exits 1 unless sim, echo and pyecho echo the body with 200 and throttled answers 429
(TooManyRequestsException, Reason ReservedFunctionConcurrentInvocationLimitExceeded).

moto: moto 5.x invokes a zip function by running it in a Docker container (lambci images).
This first creates `echo-docker` with the default config and invokes it once, printing what
moto answers without a Docker daemon; then POST /moto-api/config {"lambda": {"use_docker":
false}} switches moto to its "simple" Lambda backend (moto.awslambda_simple), which runs no code
and answers every Invoke 200 with the request's payload (or "Simple Lambda happy path OK"), and
creates and checks `echo` there. Exits 1 unless that echo works.

cold: N times, UpdateFunctionConfiguration (a new Description: headroom retires the function's
warm environments, as AWS does), wait for LastUpdateStatus Successful, then one Invoke with
X-Amz-Log-Type: Tail over a kept-alive connection, timed from the request's first byte to the
response's last. Each reply must be 200 with the payload echoed and its log must carry "Init
Duration" (a cold start). Appends to OUT one line per start:
  <invoke latency us> <the server's Init Duration, us>
or, for one that failed (another status, a function error, no Init Duration), goes on and appends
  FAIL <status> <payload>
and prints the batch's p50 (of the starts that worked).
"""
import base64
import http.client
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import HEADERS, ROLE, client, moto_role, zip_bytes  # noqa: E402

BODY = b'{"hello":"world"}'  # the wrk script's body too (invoke.lua)
PYECHO = "def h(event, context):\n    return event\n"


def invoke(conn, function, body=BODY, tail=False):
    headers = dict(HEADERS, **{"Content-Type": "application/json"})
    if tail:
        headers["X-Amz-Log-Type"] = "Tail"
    conn.request("POST", "/2015-03-31/functions/%s/invocations" % function, body=body,
                 headers=headers)
    r = conn.getresponse()
    return r.status, r.read(), r


def connection(url):
    u = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def show(name, status, payload):
    print("  %-10s %d %s" % (name, status, " ".join(payload.decode(errors="replace").split())[:110]))


def setup(url, bootstrap, zip_out):
    with open(bootstrap, "rb") as f:
        exe = f.read()
    native = zip_bytes({"bootstrap": (exe, 0o755)})
    with open(zip_out, "wb") as f:
        f.write(native)
    lam = client("lambda", url)
    common = dict(Role=ROLE, MemorySize=128, Timeout=3)
    sim_env = {"Variables": {"HEADROOM_SIM_DURATION_MS": "0"}}
    lam.create_function(FunctionName="sim", Runtime="python3.12", Handler="headroom.simulated",
                        Environment=sim_env, Code={"ZipFile": zip_bytes({"h.py": PYECHO})}, **common)
    lam.create_function(FunctionName="throttled", Runtime="python3.12",
                        Handler="headroom.simulated", Environment=sim_env,
                        Code={"ZipFile": zip_bytes({"h.py": PYECHO})}, **common)
    lam.put_function_concurrency(FunctionName="throttled", ReservedConcurrentExecutions=0)
    lam.create_function(FunctionName="echo", Runtime="provided.al2023", Handler="echo",
                        Code={"ZipFile": native}, **common)
    lam.create_function(FunctionName="cold", Runtime="provided.al2023", Handler="echo",
                        Code={"ZipFile": zip_bytes({"bootstrap": (exe, 0o755), "cold": "cold"})},
                        **common)
    lam.create_function(FunctionName="pyecho", Runtime="python3.12", Handler="h.h",
                        Code={"ZipFile": zip_bytes({"h.py": PYECHO})}, **common)
    conn = connection(url)
    ok = True
    for name in ("sim", "echo", "pyecho", "cold", "throttled"):
        status, payload, r = invoke(conn, name)
        show(name, status, payload)
        if name != "throttled" and r.getheader("X-Amz-Function-Error") and b"Runtime.ExitError" in payload:
            # A first (cold) invoke can fail so when the runtime asks for its first event very
            # quickly; the summary's cold starts count such failures. Say so, and try once more.
            print("  %-10s that first invoke failed: trying once more" % name)
            status, payload, r = invoke(conn, name)
            show(name, status, payload)
        if name == "throttled":
            doc = json.loads(payload or b"{}")
            ok &= status == 429 and doc.get("Reason") == "ReservedFunctionConcurrentInvocationLimitExceeded"
        else:
            ok &= status == 200 and json.loads(payload) == json.loads(BODY)
            ok &= r.getheader("X-Amz-Function-Error") is None
    sys.exit(0 if ok else 1)


def moto(url):
    moto_role(url)
    lam = client("lambda", url)
    code = {"ZipFile": zip_bytes({"h.py": PYECHO})}
    lam.create_function(FunctionName="echo-docker", Role=ROLE, Runtime="python3.12", Handler="h.h",
                        Code=code)
    conn = connection(url)
    started = time.perf_counter()
    status, payload, r = invoke(conn, "echo-docker")
    took = time.perf_counter() - started
    print("  docker on (default), no Docker daemon: %d in %.0f ms, X-Amz-Function-Error %s, payload %s"
          % (status, took * 1000, r.getheader("X-Amz-Function-Error"),
             " ".join(payload.decode(errors="replace").split())[:160]))
    conn.close()
    conn = connection(url)
    conn.request("POST", "/moto-api/config", body=json.dumps({"lambda": {"use_docker": False}}),
                 headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    print("  POST /moto-api/config {\"lambda\": {\"use_docker\": false}}: %d %s"
          % (r.status, r.read().decode()[:100]))
    conn.close()
    lam.create_function(FunctionName="echo", Role=ROLE, Runtime="python3.12", Handler="h.h",
                        Code=code)
    conn = connection(url)
    status, payload, r = invoke(conn, "echo")
    show("docker off", status, payload)
    sys.exit(0 if status == 200 and payload == BODY else 1)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cold(url, function, n, out):
    lam = client("lambda", url)
    conn = connection(url)
    times, inits, failures = [], [], []
    for i in range(n):
        lam.update_function_configuration(FunctionName=function, Description="cold %d" % time.time_ns())
        for _ in range(200):
            if lam.get_function_configuration(FunctionName=function).get("LastUpdateStatus",
                                                                         "Successful") == "Successful":
                break
            time.sleep(0.01)
        started = time.perf_counter_ns()
        status, payload, r = invoke(conn, function, tail=True)
        took = time.perf_counter_ns() - started
        log = base64.b64decode(r.getheader("X-Amz-Log-Result") or "").decode(errors="replace")
        init = re.search(r"Init Duration: ([0-9.]+) ms", log)
        if status != 200 or payload != BODY or not init:
            # A failed cold start is the server's fault: record it, say what it was, go on.
            failures.append("%d %s" % (status, " ".join(payload.decode(errors="replace").split())[:300]))
            print("cold start %d failed: %s; log %r" % (i, failures[-1], log[-300:]), file=sys.stderr)
            continue
        times.append(took / 1000)
        inits.append(float(init.group(1)) * 1000)
    with open(out, "a") as f:
        for t, i in zip(times, inits):
            f.write("%d %d\n" % (t, i))
        for failure in failures:
            f.write("FAIL %s\n" % failure)
    print("%d" % (percentile(times, 50) if times else 0))


def main():
    what = sys.argv[1]
    if what == "setup":
        setup(sys.argv[2], sys.argv[3], sys.argv[4])
    elif what == "moto":
        moto(sys.argv[2])
    elif what == "cold":
        cold(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
