"""Synchronous Invoke of simulated functions (Handler headroom.simulated), end to end.

Through boto3, and through raw HTTP where the bytes matter or where hundreds of requests must
be held open at once. The server runs on the manual clock (conftest), so an invocation with a
duration stays running until the test advances the clock: that is how invocations are held
concurrently, deterministically.

Clients here are built with retries={"total_max_attempts": 1} (botocore reads
retries={"max_attempts": 1} as *one retry*, and a retried 429 would change the counts) and a
connection pool large enough for the concurrent calls.

Throttle reasons follow spec §3.5 and docs/accounting.md: Reserved... for a function with RC,
ConcurrentInvocationLimitExceeded for the unreserved pool, FunctionInvocationRateLimitExceeded
for the per-function scaling rate (1,000 new environments, +100/s).
"""
import asyncio
import base64
import concurrent.futures
import http.client
import io
import json
import re
import time
import uuid
import zipfile
from urllib.parse import quote, urlparse

import pytest
from botocore.exceptions import ClientError

from conftest import Headroom
from invoke_helpers import new_account, client, pool_state, wait_for

RATE_EXCEEDED = "Rate Exceeded."
RESERVED = "ReservedFunctionConcurrentInvocationLimitExceeded"
UNRESERVED = "ConcurrentInvocationLimitExceeded"
SCALING = "FunctionInvocationRateLimitExceeded"  # docs/accounting.md, "Choices where AWS is silent"


# ---- helpers -------------------------------------------------------------------------------

def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("README", "simulated: no code runs\n")
    return buf.getvalue()


ZIP = zip_bytes()


def create(lam, env=None, timeout=None, publish=False, memory=None):
    name = "inv-" + uuid.uuid4().hex[:12]
    kwargs = dict(FunctionName=name, Runtime="python3.12", Handler="headroom.simulated",
                  Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": ZIP},
                  Environment={"Variables": dict(env or {})}, Publish=publish)
    if timeout is not None:
        kwargs["Timeout"] = timeout
    if memory is not None:
        kwargs["MemorySize"] = memory
    lam.create_function(**kwargs)
    return name


def arn(account, name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (account, name)


def auth_headers(account):
    """A syntactically valid SigV4 header naming `account` (headroom does not verify signatures)."""
    if account is None:
        return {}
    return {"Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/lambda/aws4_request, "
                             "SignedHeaders=host;x-amz-date, Signature=%s" % (account, "0" * 64),
            "X-Amz-Date": "20260101T000000Z"}


def invoke_path(name, qualifier=None):
    path = "/2015-03-31/functions/%s/invocations" % quote(name, safe="")
    if qualifier is not None:
        path += "?Qualifier=" + quote(qualifier, safe="")
    return path


def raw(server, method, path, body=b"", headers=None, account=None):
    """One HTTP request; returns (status, {lower-case header: value}, body bytes)."""
    u = urlparse(server.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        h = dict(auth_headers(account))
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        names = [k.lower() for k, _ in r.getheaders()]
        assert len(names) == len(set(names)), r.getheaders()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    finally:
        conn.close()


async def araw(host, port, path, body=b"", account=None, headers=None):
    """One raw HTTP/1.1 request on its own connection, read to the end of the response."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        h = {"Host": "%s:%d" % (host, port), "Content-Length": str(len(body)), "Connection": "close"}
        h.update(auth_headers(account))
        h.update(headers or {})
        head = "POST %s HTTP/1.1\r\n" % path + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
        writer.write(head.encode() + body)
        await writer.drain()
        block = await reader.readuntil(b"\r\n\r\n")
        lines = block.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers_in = {}
        for line in lines[1:]:
            if line:
                k, v = line.split(":", 1)
                headers_in[k.strip().lower()] = v.strip()
        data = await reader.readexactly(int(headers_in.get("content-length", "0")))
        return status, headers_in, data
    finally:
        writer.close()


def unreserved_busy(server, account):
    state = pool_state(server, account)
    return state["unreserved_busy"] if state else 0


async def await_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.get_running_loop().run_in_executor(None, condition):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def wait_ready(lam, server, name, qualifier):
    server.advance(3)  # past --pc-allocation-delay (2 s)
    for _ in range(300):
        r = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if r["Status"] == "READY":
            return r
        time.sleep(0.02)
    raise AssertionError("never READY: %r" % r)


def log_lines(response):
    return base64.b64decode(response["LogResult"]).decode().splitlines()


def report_line(response):
    reports = [l for l in log_lines(response) if l.startswith("REPORT ")]
    assert len(reports) == 1, log_lines(response)
    return reports[0]


def throttle_of(call):
    """Runs `call`, which must be throttled; returns the ClientError's response."""
    with pytest.raises(ClientError) as e:
        call()
    r = e.value.response
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 429, r
    assert r["Error"]["Code"] == "TooManyRequestsException", r
    assert r["Error"]["Message"] == RATE_EXCEEDED, r
    assert r["Type"] == "User", r
    return r


def throttle_body(reason):
    return ('{"Reason":"%s","Type":"User","message":"Rate Exceeded."}' % reason).encode()


def assert_raw_throttle(status, headers, body, reason):
    assert status == 429, (status, body)
    assert body == throttle_body(reason), body
    assert headers["x-amzn-errortype"] == "TooManyRequestsException", headers
    assert "retry-after" not in headers, headers
    assert headers["content-type"] == "application/json", headers
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        headers["x-amzn-requestid"]), headers


def host_port(server):
    u = urlparse(server.url)
    return u.hostname, u.port


@pytest.fixture
def lam(headroom):
    """A client of the default account with no retries at all (see the module docstring)."""
    return client(headroom)


# ---- the function's answer ------------------------------------------------------------------

def test_echo_executed_version_and_log_tail(headroom, lam):
    name = create(lam, publish=True)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    event = b'{"hello": "world", "n": [1, 2, 3], "nested": {"x": null}}'
    for qualifier, executed in [(None, "$LATEST"), ("$LATEST", "$LATEST"), ("1", "1"), ("live", "1")]:
        kwargs = {"Qualifier": qualifier} if qualifier else {}
        r = lam.invoke(FunctionName=name, Payload=event, LogType="Tail", **kwargs)
        assert r["StatusCode"] == 200
        assert r["ExecutedVersion"] == executed
        assert "FunctionError" not in r
        assert r["Payload"].read() == event
        request_id = r["ResponseMetadata"]["RequestId"]
        assert request_id == r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
        lines = log_lines(r)
        assert lines[0] == "START RequestId: %s Version: %s" % (request_id, executed)
        assert lines[1] == "END RequestId: %s" % request_id
        assert lines[2].startswith("REPORT RequestId: %s\tDuration: 0.00 ms\t" % request_id)
        assert "\tMemory Size: 128 MB\t" in lines[2]
        assert len(lines) == 3
    # name:qualifier and a full ARN name the same target.
    r = lam.invoke(FunctionName=name + ":live", Payload=event)
    assert r["ExecutedVersion"] == "1" and r["Payload"].read() == event
    r = lam.invoke(FunctionName=arn("000000000000", name) + ":1", Payload=event)
    assert r["ExecutedVersion"] == "1"
    # Without LogType there is no log.
    r = lam.invoke(FunctionName=name, Payload=event)
    assert "LogResult" not in r
    assert "x-amz-log-result" not in r["ResponseMetadata"]["HTTPHeaders"]


def test_echo_on_the_wire(headroom, lam):
    name = create(lam)
    event = b'[1,"two",{"three":3.0}]'
    status, headers, body = raw(headroom, "POST", invoke_path(name), event,
                                {"X-Amz-Log-Type": "Tail", "Content-Type": "application/json"})
    assert status == 200
    assert body == event
    assert headers["x-amz-executed-version"] == "$LATEST"
    assert "x-amz-function-error" not in headers
    request_id = headers["x-amzn-requestid"]
    log = base64.b64decode(headers["x-amz-log-result"]).decode()
    assert log.startswith("START RequestId: %s Version: $LATEST\nEND RequestId: %s\nREPORT RequestId: %s\t"
                          % (request_id, request_id, request_id)), log
    # An empty payload is the event {}.
    status, headers, body = raw(headroom, "POST", invoke_path(name))
    assert (status, body) == (200, b"{}")


def test_cold_then_warm(headroom):
    account = new_account()
    lam = client(headroom, account)
    name = create(lam, {"HEADROOM_SIM_INIT_MS": "250", "HEADROOM_SIM_DURATION_MS": "500"}, memory=256)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(lam.invoke, FunctionName=name, Payload=b"{}", LogType="Tail")
        wait_for(lambda: unreserved_busy(headroom, account) == 1, what="the first invocation")
        headroom.advance(0.5)  # init 250 ms + 500 ms: still running
        time.sleep(0.1)
        assert not first.done()
        headroom.advance(0.25)
        r = first.result(timeout=10)
        assert unreserved_busy(headroom, account) == 0
        report = report_line(r)
        request_id = r["ResponseMetadata"]["RequestId"]
        assert report == ("REPORT RequestId: %s\tDuration: 500.00 ms\tBilled Duration: 500 ms\t"
                          "Memory Size: 256 MB\tMax Memory Used: 0 MB\tInit Duration: 250.00 ms\t"
                          % request_id)

        second = pool.submit(lam.invoke, FunctionName=name, Payload=b"{}", LogType="Tail")
        wait_for(lambda: unreserved_busy(headroom, account) == 1, what="the second invocation")
        headroom.advance(0.5)  # warm: no init this time
        r = second.result(timeout=10)
        report = report_line(r)
        assert "Init Duration" not in report
        assert report.startswith("REPORT RequestId: %s\tDuration: 500.00 ms\t"
                                 % r["ResponseMetadata"]["RequestId"])

    # The idle environment stays warm for the keep-alive (5 minutes, docs/accounting.md), and is
    # reclaimed after it; a configuration update makes the version's environments stale.
    quick = create(lam, {"HEADROOM_SIM_INIT_MS": "0"})

    def cold():
        return "Init Duration" in report_line(lam.invoke(FunctionName=quick, LogType="Tail"))

    assert cold()
    assert not cold()
    headroom.advance(299)
    assert not cold()
    headroom.advance(301)
    assert cold()
    assert not cold()
    lam.update_function_configuration(FunctionName=quick, MemorySize=512)
    assert cold()
    assert not cold()


# ---- reserved concurrency -------------------------------------------------------------------

def test_reserved_concurrency_two_of_five(headroom):
    account = new_account()
    lam = client(headroom, account)
    name = create(lam, {"HEADROOM_SIM_DURATION_MS": "1000"})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)

    def one():
        try:
            r = lam.invoke(FunctionName=name, Payload=b'{"k": 1}')
            return ("ok", r["StatusCode"], r["Payload"].read())
        except ClientError as e:
            return ("err", e.response["ResponseMetadata"]["HTTPStatusCode"], e.response.get("Reason"),
                    e.response["Error"]["Code"], e.response["Error"]["Message"])

    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(one) for _ in range(5)]
        # A throttle means both slots are busy, and nothing finishes before the clock moves.
        wait_for(lambda: sum(f.done() for f in futures) >= 3, what="3 throttles")
        time.sleep(0.2)
        done = [f.result() for f in futures if f.done()]
        assert done == [("err", 429, RESERVED, "TooManyRequestsException", RATE_EXCEEDED)] * 3
        # The same throttle, byte for byte.
        status, headers, body = raw(headroom, "POST", invoke_path(name), b"{}", account=account)
        assert_raw_throttle(status, headers, body, RESERVED)
        # Unreserved functions of the account are not affected by the reservation being full.
        other = create(lam)
        assert lam.invoke(FunctionName=other)["StatusCode"] == 200
        headroom.advance(1)
        results = [f.result(timeout=10) for f in futures]
    assert results.count(("ok", 200, b'{"k": 1}')) == 2
    assert results.count(("err", 429, RESERVED, "TooManyRequestsException", RATE_EXCEEDED)) == 3


def test_reserved_concurrency_zero_throttles_everything(headroom):
    account = new_account()
    lam = client(headroom, account)
    name = create(lam, publish=True)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    for qualifier in [None, "$LATEST", "1", "live"]:
        kwargs = {"Qualifier": qualifier} if qualifier else {}
        r = throttle_of(lambda: lam.invoke(FunctionName=name, Payload=b"{}", **kwargs))
        assert r["Reason"] == RESERVED
    status, headers, body = raw(headroom, "POST", invoke_path(name, "1"), b"{}", account=account)
    assert_raw_throttle(status, headers, body, RESERVED)
    # Removing the reservation lets it run.
    lam.delete_function_concurrency(FunctionName=name)
    assert lam.invoke(FunctionName=name)["StatusCode"] == 200


def test_reserved_equal_to_provisioned_throttles_latest(headroom):
    account = new_account()
    lam = client(headroom, account)
    name = create(lam, {"HEADROOM_SIM_DURATION_MS": "1000"}, publish=True)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                           ProvisionedConcurrentExecutions=2)
    wait_ready(lam, headroom, name, "1")

    def one(qualifier):
        try:
            r = lam.invoke(FunctionName=name, Qualifier=qualifier, Payload=b"{}", LogType="Tail")
            return ("ok", r["ExecutedVersion"], report_line(r))
        except ClientError as e:
            return ("err", e.response["ResponseMetadata"]["HTTPStatusCode"], e.response.get("Reason"))

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(one, "1") for _ in range(3)]
        # Two run on the provisioned environments; the third spills over into RC - ΣPC = 0.
        wait_for(lambda: sum(f.done() for f in futures) >= 1, what="the spillover throttle")
        time.sleep(0.2)
        assert [f.result() for f in futures if f.done()] == [("err", 429, RESERVED)]
        # $LATEST is throttled while the provisioned version runs.
        r = throttle_of(lambda: lam.invoke(FunctionName=name, Payload=b"{}"))
        assert r["Reason"] == RESERVED
        status, headers, body = raw(headroom, "POST", invoke_path(name), b"{}", account=account)
        assert_raw_throttle(status, headers, body, RESERVED)
        headroom.advance(1)
        results = [f.result(timeout=10) for f in futures]
    ok = [r for r in results if r[0] == "ok"]
    assert len(ok) == 2 and all(r[1] == "1" for r in ok), results
    # Provisioned environments are initialised already: no Init Duration.
    assert all("Init Duration" not in r[2] for r in ok), ok
    # $LATEST stays throttled with the PC idle too.
    assert throttle_of(lambda: lam.invoke(FunctionName=name, Payload=b"{}"))["Reason"] == RESERVED


def test_spillover_without_reserved_concurrency_runs_on_demand(headroom):
    account = new_account()
    lam = client(headroom, account)
    name = create(lam, {"HEADROOM_SIM_DURATION_MS": "1000", "HEADROOM_SIM_INIT_MS": "100"}, publish=True)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                           ProvisionedConcurrentExecutions=1)
    wait_ready(lam, headroom, name, "1")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(lam.invoke, FunctionName=name, Qualifier="1", LogType="Tail")
                   for _ in range(2)]
        # One on the provisioned environment, one spilled over into the unreserved pool.
        wait_for(lambda: unreserved_busy(headroom, account) == 1, what="the spillover")
        time.sleep(0.2)
        state = pool_state(headroom, account)
        assert (state["allocated"], state["unreserved_busy"], state["claimed"]) == (1, 1, 2), state
        assert not any(f.done() for f in futures)
        headroom.advance(1.25)
        results = [f.result(timeout=10) for f in futures]
    assert [r["StatusCode"] for r in results] == [200, 200]
    assert [r["ExecutedVersion"] for r in results] == ["1", "1"]
    # Only the on-demand one had an init.
    assert sorted("Init Duration: 100.00 ms" in report_line(r) for r in results) == [False, True]


# ---- the unreserved pool: user-stories scenario 3 -------------------------------------------

def test_scenario_three_spike_through_invoke(headroom):
    account = new_account()
    lam = client(headroom, account)
    long_run = {"HEADROOM_SIM_DURATION_MS": "60000"}
    a, b = create(lam), create(lam)
    c = create(lam, publish=True)
    lam.put_function_concurrency(FunctionName=a, ReservedConcurrentExecutions=400)
    lam.put_function_concurrency(FunctionName=b, ReservedConcurrentExecutions=400)
    lam.put_provisioned_concurrency_config(FunctionName=c, Qualifier="1",
                                           ProvisionedConcurrentExecutions=100)
    wait_ready(lam, headroom, c, "1")
    d, e, f = (create(lam, long_run, timeout=120) for _ in range(3))
    g, h, i = (create(lam, long_run, timeout=120) for _ in range(3))
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 100
    host, port = host_port(headroom)

    async def scenario():
        steady = [asyncio.create_task(araw(host, port, invoke_path(fn), b"{}", account))
                  for fn in (d, e, f) for _ in range(20)]
        await await_for(lambda: unreserved_busy(headroom, account) == 60, what="60 running of D/E/F")
        state = pool_state(headroom, account)
        assert (state["claimed"], state["allocated"], state["unreserved"]) == (960, 900, 100), state
        assert not any(t.done() for t in steady)

        spike = [asyncio.create_task(araw(host, port, invoke_path(fn), b'{"spike": true}', account))
                 for fn in (g, h, i) for _ in range(50)]
        await await_for(lambda: sum(t.done() for t in spike) + unreserved_busy(headroom, account) >= 210,
                        what="the spike to be decided")
        await asyncio.sleep(0.2)
        state = pool_state(headroom, account)
        assert (state["unreserved_busy"], state["claimed"]) == (100, 1000), state
        throttled = [t.result() for t in spike if t.done()]
        await asyncio.get_running_loop().run_in_executor(None, headroom.advance, 60)
        results = await asyncio.wait_for(asyncio.gather(*steady, *spike), 15)
        return throttled, results[:60], results[60:]

    throttled, steady, spike = asyncio.run(scenario())
    assert len(throttled) == 110
    for status, headers, body in throttled:
        assert_raw_throttle(status, headers, body, UNRESERVED)
    assert [s for s, _, _ in steady] == [200] * 60
    assert sorted(s for s, _, _ in spike) == [200] * 40 + [429] * 110
    assert all(body == b'{"spike": true}' for s, _, body in spike if s == 200)
    assert unreserved_busy(headroom, account) == 0
    # The reserved functions were never touched by the spike: A still runs.
    assert lam.invoke(FunctionName=a)["StatusCode"] == 200


# ---- the scaling rate -----------------------------------------------------------------------

def test_scaling_rate_1000_then_100_per_second():
    server = Headroom("--account-limit", "5000")
    try:
        account = "000000000000"  # unsigned requests land here
        lam = client(server, account)
        name = create(lam, {"HEADROOM_SIM_DURATION_MS": "10000"}, timeout=60)
        host, port = host_port(server)
        path = invoke_path(name)

        async def scenario():
            first = [asyncio.create_task(araw(host, port, path, b"{}")) for _ in range(1500)]
            await await_for(lambda: sum(t.done() for t in first) + unreserved_busy(server, account) >= 1500,
                            timeout=15, what="1,500 cold invocations to be decided")
            await asyncio.sleep(0.2)
            busy_first = unreserved_busy(server, account)
            throttled_first = [t.result() for t in first if t.done()]

            await asyncio.get_running_loop().run_in_executor(None, server.advance, 1)
            second = [asyncio.create_task(araw(host, port, path, b"{}")) for _ in range(200)]
            await await_for(lambda: sum(t.done() for t in second) + unreserved_busy(server, account)
                            >= 200 + busy_first, what="200 more to be decided")
            await asyncio.sleep(0.2)
            busy_second = unreserved_busy(server, account)
            throttled_second = [t.result() for t in second if t.done()]

            await asyncio.get_running_loop().run_in_executor(None, server.advance, 11)
            results = await asyncio.wait_for(asyncio.gather(*first, *second), 20)
            return busy_first, throttled_first, busy_second, throttled_second, results

        busy_first, throttled_first, busy_second, throttled_second, results = asyncio.run(scenario())
        assert busy_first == 1000
        assert len(throttled_first) == 500
        assert busy_second == 1100
        assert len(throttled_second) == 100
        for status, headers, body in throttled_first + throttled_second:
            assert_raw_throttle(status, headers, body, SCALING)
        assert sorted(s for s, _, _ in results[:1500]) == [200] * 1000 + [429] * 500
        assert sorted(s for s, _, _ in results[1500:]) == [200] * 100 + [429] * 100
        assert unreserved_busy(server, account) == 0
    finally:
        assert server.stop() == 0


def test_account_request_rate():
    """10 x the account limit per second, one second of burst (docs/accounting.md step 1)."""
    server = Headroom("--account-limit", "10", "--unreserved-min", "0")
    try:
        lam = client(server)
        name = create(lam)
        path = invoke_path(name)
        statuses = []
        for _ in range(101):
            status, headers, body = raw(server, "POST", path, b"{}")
            statuses.append(status)
        assert statuses == [200] * 100 + [429]
        assert_raw_throttle(status, headers, body, SCALING)
        server.advance(0.5)
        statuses = [raw(server, "POST", path, b"{}")[0] for _ in range(51)]
        assert statuses == [200] * 50 + [429]
    finally:
        assert server.stop() == 0


# ---- function errors ------------------------------------------------------------------------

def test_timeout(headroom):
    account = new_account()
    lam = client(headroom, account)
    name = create(lam, {"HEADROOM_SIM_DURATION_MS": "5000"}, timeout=3)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(lam.invoke, FunctionName=name, Payload=b'{"a": 1}', LogType="Tail")
        wait_for(lambda: unreserved_busy(headroom, account) == 1, what="the invocation")
        headroom.advance(2.5)
        time.sleep(0.1)
        assert not future.done()
        headroom.advance(0.5)  # the 3 s Timeout, not the 5 s duration
        r = future.result(timeout=10)
    request_id = r["ResponseMetadata"]["RequestId"]
    assert r["StatusCode"] == 200
    assert r["FunctionError"] == "Unhandled"
    assert r["ResponseMetadata"]["HTTPHeaders"]["x-amz-function-error"] == "Unhandled"
    assert r["Payload"].read() == (
        '{"errorMessage":"RequestId: %s Error: Task timed out after 3.00 seconds",'
        '"errorType":"Sandbox.Timedout"}' % request_id).encode()
    assert report_line(r).startswith("REPORT RequestId: %s\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\t"
                                      % request_id)
    assert unreserved_busy(headroom, account) == 0


def test_error_rate_one_always_fails(lam):
    name = create(lam, {"HEADROOM_SIM_ERROR_RATE": "1"})
    for _ in range(5):
        r = lam.invoke(FunctionName=name, Payload=b'{"a": 1}')
        assert r["StatusCode"] == 200
        assert r["FunctionError"] == "Unhandled"
        assert r["ExecutedVersion"] == "$LATEST"
        doc = json.loads(r["Payload"].read())
        assert set(doc) == {"errorMessage", "errorType"}, doc


def test_error_rate_zero_never_fails(lam):
    name = create(lam, {"HEADROOM_SIM_ERROR_RATE": "0"})
    for _ in range(5):
        r = lam.invoke(FunctionName=name, Payload=b"{}")
        assert "FunctionError" not in r


def test_init_error(lam):
    name = create(lam, {"HEADROOM_SIM_INIT_ERROR": "true"})
    for _ in range(2):  # the failed environment is not reused: every invocation inits again
        r = lam.invoke(FunctionName=name, Payload=b'{"a": 1}', LogType="Tail")
        assert r["StatusCode"] == 200
        assert r["FunctionError"] == "Unhandled"
        doc = json.loads(r["Payload"].read())
        assert doc["errorType"] == "Runtime.InitError", doc
        assert set(doc) == {"errorMessage", "errorType"}, doc
        assert "Init Duration" in report_line(r)


# ---- request-level answers ------------------------------------------------------------------

def test_dry_run(headroom, lam):
    name = create(lam, {"HEADROOM_SIM_DURATION_MS": "1000"}, publish=True)
    r = lam.invoke(FunctionName=name, InvocationType="DryRun", Payload=b'{"a": 1}')
    assert r["StatusCode"] == 204
    assert r["Payload"].read() == b""
    status, headers, body = raw(headroom, "POST", invoke_path(name, "1"), b"{}",
                                {"X-Amz-Invocation-Type": "DryRun"})
    assert (status, body) == (204, b"")
    assert headers["x-amz-executed-version"] == "1"
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name + "-missing", InvocationType="DryRun")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_payload_limits(headroom, lam):
    name = create(lam)
    limit = 6291456
    at_limit = b'"' + b"a" * (limit - 2) + b'"'
    r = lam.invoke(FunctionName=name, Payload=at_limit)
    assert r["StatusCode"] == 200
    assert r["Payload"].read() == at_limit

    over = b'"' + b"a" * (limit - 1) + b'"'
    assert len(over) == 6291457
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=over)
    r = e.value.response
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert r["Error"]["Code"] == "RequestTooLargeException"
    assert r["Error"]["Message"] == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    status, headers, body = raw(headroom, "POST", invoke_path(name), over)
    assert status == 413 and headers["x-amzn-errortype"] == "RequestTooLargeException"
    assert json.loads(body) == {
        "Type": "User", "message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation"}


def test_payload_far_over_the_limit(headroom, lam):
    """Over the HTTP layer's own cap (6 MiB + 64 KiB) the answer must still be Invoke's."""
    name = create(lam)
    for size in [6291456 + 65536 + 1, 7000000]:
        status, headers, body = raw(headroom, "POST", invoke_path(name), b"x" * size)
        assert status == 413
        assert headers["x-amzn-errortype"] == "RequestTooLargeException"
        assert json.loads(body) == {
            "Type": "User",
            "message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation"}, (size, body)


def test_payload_not_json(headroom, lam):
    name = create(lam)
    for payload in [b"not json", b'{"a": 1', b"{}{}"]:
        with pytest.raises(ClientError) as e:
            lam.invoke(FunctionName=name, Payload=payload)
        r = e.value.response
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert r["Error"]["Code"] == "InvalidRequestContentException"
        assert r["Error"]["Message"].startswith(
            "Could not parse request body into json: Could not parse payload into json: "), r
        assert r["Type"] == "User"
    status, headers, body = raw(headroom, "POST", invoke_path(name), b"not json")
    assert status == 400 and headers["x-amzn-errortype"] == "InvalidRequestContentException"
    assert set(json.loads(body)) == {"Type", "message"}


def test_unknown_function_and_qualifier(headroom, lam):
    missing = "missing-" + uuid.uuid4().hex[:8]
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=missing, Payload=b"{}")
    r = e.value.response
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert r["Error"]["Code"] == "ResourceNotFoundException"
    assert r["Error"]["Message"] == "Function not found: " + arn("000000000000", missing)
    assert r["Type"] == "User"
    status, headers, body = raw(headroom, "POST", invoke_path(missing), b"{}")
    assert status == 404 and headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert json.loads(body) == {"Type": "User", "Message": "Function not found: " + arn("000000000000", missing)}

    # In another account the ARN names that account.
    account = new_account()
    other = client(headroom, account)
    with pytest.raises(ClientError) as e:
        other.invoke(FunctionName=missing)
    assert e.value.response["Error"]["Message"] == "Function not found: " + arn(account, missing)

    name = create(lam, publish=True)
    for qualifier in ["7", "nope"]:
        with pytest.raises(ClientError) as e:
            lam.invoke(FunctionName=name, Qualifier=qualifier, Payload=b"{}")
        r = e.value.response
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert r["Error"]["Code"] == "ResourceNotFoundException"
        assert r["Error"]["Message"] == "Function not found: %s:%s" % (arn("000000000000", name), qualifier)
