"""Asynchronous (InvocationType=Event) Invoke, end to end through boto3 (spec §4).

The server runs on the manual clock (conftest). The queue runs on the scheduler, so an event
that is due runs within a few ticks (10 ms) of real time; an event waiting for a back-off or a
retry waits on the server's clock, and the tests move that clock with advance(). Real functions
run as processes: what they do is seen in files they append to (one JSON line per run, written
with O_APPEND), and the tests poll those files with a deadline.

Advances below are sums of exact binary fractions (1, 0.5, 0.25, ...): the server turns seconds
into nanoseconds by truncation, so 1.9 + 0.1 would land a nanosecond short of 2 s.

Every test works in an account of its own (the shared server, module-scoped, has the default
account limit of 1,000); the SIGKILL test runs its own server with a small account limit.
"""
import concurrent.futures
import json
import os
import re
import shutil
import tempfile
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ROOT, Headroom
from invoke_helpers import client, function_processes, make_zip, new_account, pool_state, wait_for

ROLE = "arn:aws:iam::000000000000:role/r"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ISO_MILLIS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
SNAPSHOT_FILE = os.path.join(os.path.dirname(ROOT), "shared", "localstack-snapshots",
                             "concurrency_subset.snapshot.json")


# ---- helpers -------------------------------------------------------------------------------

# Appends {"event", "request_id", "pid"} to event["out"] (or $OUT: a destination's record has
# no "out" of its own), then blocks until event["release"] exists, then raises with
# event["raise"]; else returns {"ok": event["n"]}.
RECORDER = """
import json, os, time

def handler(event, context):
    out = (event.get("out") if isinstance(event, dict) else None) or os.environ["OUT"]
    line = json.dumps({"event": event, "request_id": context.aws_request_id, "pid": os.getpid()})
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (line + "\\n").encode())
    os.close(fd)
    if isinstance(event, dict) and "release" in event:
        deadline = time.time() + 30
        while not os.path.exists(event["release"]) and time.time() < deadline:
            time.sleep(0.01)
    if isinstance(event, dict) and event.get("raise"):
        raise ValueError(event["raise"])
    return {"ok": event.get("n") if isinstance(event, dict) else None}
"""

# A provided.al2023 bootstrap speaking the Runtime API with urllib: appends the same line.
BOOTSTRAP = """\
#!/usr/bin/python3
import json, os, urllib.request

API = "http://%s/2018-06-01/runtime/" % os.environ["AWS_LAMBDA_RUNTIME_API"]

while True:
    with urllib.request.urlopen(API + "invocation/next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
    line = json.dumps({"event": event, "request_id": request_id, "pid": os.getpid(),
                       "runtime": "provided"})
    fd = os.open(event["out"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (line + "\\n").encode())
    os.close(fd)
    post = urllib.request.Request(API + "invocation/%s/response" % request_id,
                                  data=json.dumps({"ok": event.get("n")}).encode(), method="POST")
    with urllib.request.urlopen(post) as answer:
        assert answer.status == 202, answer.status
"""

SIM_ZIP = make_zip({"README": "simulated: no code runs\n"})


def create_python(lam, env=None, timeout=900, name=None):
    name = name or "async-" + uuid.uuid4().hex[:12]
    kwargs = dict(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                  Timeout=timeout, Code={"ZipFile": make_zip({"app.py": RECORDER})})
    if env:
        kwargs["Environment"] = {"Variables": env}
    lam.create_function(**kwargs)
    return name


def create_simulated(lam, duration_ms=0, error_rate=None, timeout=900):
    name = "sim-" + uuid.uuid4().hex[:12]
    env = {"HEADROOM_SIM_DURATION_MS": str(duration_ms)}
    if error_rate is not None:
        env["HEADROOM_SIM_ERROR_RATE"] = str(error_rate)
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="headroom.simulated",
                        Role=ROLE, Timeout=timeout, Code={"ZipFile": SIM_ZIP},
                        Environment={"Variables": env})
    return name


def arn(account, name):
    return "arn:aws:lambda:us-east-1:%s:function:%s" % (account, name)


def send_event(lam, name=None, event=None, **kwargs):
    """Invoke with InvocationType=Event: 202, an empty payload. Returns the request id."""
    if name is not None:
        kwargs["FunctionName"] = name
    started = time.monotonic()
    r = lam.invoke(InvocationType="Event", Payload=json.dumps(event), **kwargs)
    elapsed = time.monotonic() - started
    assert r["StatusCode"] == 202, r
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 202, r
    assert r["Payload"].read() == b""
    assert "FunctionError" not in r, r
    assert elapsed < 5, "an Event invoke waited %.1f s for its answer" % elapsed
    request_id = r["ResponseMetadata"]["RequestId"]
    assert re.fullmatch(UUID, request_id), r["ResponseMetadata"]
    return request_id


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f.read().splitlines() if l]
    except FileNotFoundError:
        return []


def wait_lines(path, count, timeout=10.0, what=None):
    """Waits until `path` has at least `count` lines; returns them."""
    deadline = time.monotonic() + timeout
    while True:
        got = lines(path)
        if len(got) >= count:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %d line(s) in %s (%s); have %d: %s" % (
                count, os.path.basename(path), what or "", len(got), got))
        time.sleep(0.02)


def stays(path, count, seconds=0.4):
    """Asserts `path` keeps exactly `count` lines for `seconds` of real time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = lines(path)
        assert len(got) <= count, "more than %d line(s) in %s: %s" % (
            count, os.path.basename(path), got)
        time.sleep(0.02)
    got = lines(path)
    assert len(got) == count, (count, got)
    return got


def settle():
    """Real time for the scheduler (10 ms tick) to run what an advance made due."""
    time.sleep(0.15)


def wait_idle(server, account):
    """Waits until nothing runs in the account's unreserved pool: a function's line is written
    before it answers, and a retry is timed from the answer, so advance only after this."""
    wait_for(lambda: pool_state(server, account)["unreserved_busy"] == 0, what="an idle pool")


class Holder:
    """A synchronous invocation of a RECORDER function that stays running (in real time, so
    the manual clock can move under it) until release()."""

    def __init__(self, lam, name, scratch):
        self.out = os.path.join(scratch, "holder-%s.jsonl" % uuid.uuid4().hex[:6])
        self.release_file = os.path.join(scratch, "release-%s" % uuid.uuid4().hex[:6])
        self.pool = concurrent.futures.ThreadPoolExecutor(1)
        self.future = self.pool.submit(
            lam.invoke, FunctionName=name,
            Payload=json.dumps({"out": self.out, "release": self.release_file, "holder": True}))
        wait_lines(self.out, 1, what="the holding invocation to start")

    def release(self):
        open(self.release_file, "w").close()
        r = self.future.result(timeout=30)
        self.pool.shutdown()
        assert r["StatusCode"] == 200 and "FunctionError" not in r, r
        return r


@pytest.fixture
def account():
    return new_account()


@pytest.fixture
def lam(headroom, account):
    return client(headroom, account)


@pytest.fixture
def scratch():
    path = tempfile.mkdtemp(prefix="headroom-async-", dir="/tmp")
    os.chmod(path, 0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def holders():
    """Releases every Holder a test leaves running (a failed assertion), so no process waits."""
    made = []
    yield made
    for h in made:
        if not os.path.exists(h.release_file):
            open(h.release_file, "w").close()
        h.pool.shutdown(wait=True)


def destination(lam, scratch, label):
    """A RECORDER function that appends what it receives to <scratch>/<label>.jsonl."""
    out = os.path.join(scratch, label + ".jsonl")
    return create_python(lam, env={"OUT": out}), out


# ---- it runs -------------------------------------------------------------------------------

def test_event_runs_python_function(headroom, lam, scratch):
    name = create_python(lam)
    out = os.path.join(scratch, "out.jsonl")
    events = [{"out": out, "n": i, "nested": {"k": "ü", "list": [1, 2.5, None, True]}}
              for i in range(3)]
    ids = [send_event(lam, name, e) for e in events]
    got = wait_lines(out, 3, what="three events")
    stays(out, 3, 0.3)
    assert sorted((g["event"]["n"], g["request_id"]) for g in got) == list(zip(range(3), ids))
    assert sorted((g["event"] for g in got), key=lambda e: e["n"]) == events


def test_event_runs_provided_bootstrap(headroom, lam, scratch):
    name = "async-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Handler="function.handler",
                        Role=ROLE, Timeout=30,
                        Code={"ZipFile": make_zip({"bootstrap": BOOTSTRAP}, executable={"bootstrap"})})
    out = os.path.join(scratch, "out.jsonl")
    event = {"out": out, "n": 7, "text": "provided"}
    request_id = send_event(lam, name, event)
    got = wait_lines(out, 1, what="the provided function")
    stays(out, 1, 0.3)
    assert got[0]["event"] == event
    assert got[0]["request_id"] == request_id
    assert got[0]["runtime"] == "provided"


def test_event_for_a_missing_function_is_rejected_at_once(headroom, lam):
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName="no-such-" + uuid.uuid4().hex[:8], InvocationType="Event",
                   Payload=b"{}")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# ---- a full pool: accepted, then run after the throttle back-off ---------------------------

def test_event_accepted_while_pool_full_runs_after_backoff(headroom, lam, scratch, holders):
    """RC = 1 held by a running invocation: the event is accepted with 202 and throttled; its
    back-off doubles with its age from 1 s (1, 1, 2, ...), so once the slot is free it runs
    exactly when the pending back-off ends."""
    name = create_python(lam)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    holder = Holder(lam, name, scratch)
    holders.append(holder)
    # The pool really is full: a synchronous call is throttled.
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=json.dumps({"out": os.path.join(scratch, "x")}))
    assert e.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert e.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"

    out = os.path.join(scratch, "out.jsonl")
    event = {"out": out, "n": 1}
    request_id = send_event(lam, name, event)     # t0: throttled at once, again at t0 + 1 s
    stays(out, 0, 0.3)
    headroom.advance(1)                            # t0+1: throttled (age 1 s), again at t0+2
    settle()
    headroom.advance(1)                            # t0+2: throttled (age 2 s), again at t0+4
    settle()
    assert lines(out) == []
    holder.release()                               # the slot is free; the clock still at t0+2
    stays(out, 0, 0.3)
    headroom.advance(1.5)                          # t0+3.5: not yet
    stays(out, 0, 0.3)
    headroom.advance(0.5)                          # t0+4: the back-off ends
    got = wait_lines(out, 1, what="the throttled event once the slot is free")
    stays(out, 1, 0.3)
    assert got[0]["event"] == event and got[0]["request_id"] == request_id


# ---- function errors: retries and destinations ---------------------------------------------

def record_checks(record, account, name, request_id, event, condition, invokes):
    assert record["version"] == "1.0", record
    assert re.fullmatch(ISO_MILLIS, record["timestamp"]), record
    assert record["requestContext"] == {
        "requestId": request_id, "functionArn": arn(account, name) + ":$LATEST",
        "condition": condition, "approximateInvokeCount": invokes}, record
    assert record["requestPayload"] == event, record


def test_function_error_retried_twice_then_on_failure(headroom, lam, account, scratch):
    dest, dest_out = destination(lam, scratch, "failure")
    name = create_python(lam)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": arn(account, dest)}})
    out = os.path.join(scratch, "attempts.jsonl")
    event = {"out": out, "raise": "boom", "n": 3}
    request_id = send_event(lam, name, event)
    wait_lines(out, 1, what="the first attempt")
    wait_idle(headroom, account)
    stays(out, 1, 0.3)
    headroom.advance(59)
    settle()
    stays(out, 1, 0.3)
    headroom.advance(1)                            # 1 min after the first attempt
    wait_lines(out, 2, what="the second attempt")
    wait_idle(headroom, account)
    headroom.advance(119)
    settle()
    stays(out, 2, 0.3)
    assert lines(dest_out) == []
    headroom.advance(1)                            # 2 min after the second
    got = wait_lines(out, 3, what="the third attempt")
    records = wait_lines(dest_out, 1, what="the OnFailure record")
    headroom.advance(600)
    settle()
    stays(out, 3, 0.3)
    assert len(lines(dest_out)) == 1
    # Every attempt is the same invocation: the invoke's request id, the same event.
    assert [g["request_id"] for g in got] == [request_id] * 3
    assert [g["event"] for g in got] == [event] * 3

    record = records[0]["event"]
    assert records[0]["request_id"] != request_id
    record_checks(record, account, name, request_id, event, "RetriesExhausted", 3)
    assert record["responseContext"] == {
        "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}, record
    assert record["responsePayload"]["errorType"] == "ValueError", record
    assert record["responsePayload"]["errorMessage"] == "boom", record
    assert set(record) == {"version", "timestamp", "requestContext", "requestPayload",
                           "responseContext", "responsePayload"}, record


def test_no_retries_with_maximum_retry_attempts_zero(headroom, lam, account, scratch):
    dest, dest_out = destination(lam, scratch, "failure")
    name = create_python(lam)
    put = lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": arn(account, dest)}})
    assert put["MaximumRetryAttempts"] == 0
    out = os.path.join(scratch, "attempts.jsonl")
    event = {"out": out, "raise": "once", "n": 0}
    request_id = send_event(lam, name, event)
    wait_lines(out, 1, what="the only attempt")
    records = wait_lines(dest_out, 1, what="the OnFailure record")
    for step in (60, 120, 600):
        headroom.advance(step)
        settle()
    stays(out, 1, 0.3)
    assert len(lines(dest_out)) == 1
    record = records[0]["event"]
    record_checks(record, account, name, request_id, event, "RetriesExhausted", 1)
    assert record["responseContext"]["functionError"] == "Unhandled", record
    assert record["responsePayload"]["errorType"] == "ValueError", record


def test_simulated_error_rate_one_retried_then_on_failure(headroom, lam, account, scratch):
    """HEADROOM_SIM_ERROR_RATE=1: every attempt a function error; with MaximumRetryAttempts=1
    the OnFailure record comes after the second attempt, 1 min later."""
    dest, dest_out = destination(lam, scratch, "failure")
    name = create_simulated(lam, error_rate=1)
    lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": arn(account, dest)}})
    event = {"n": 5}
    request_id = send_event(lam, name, event)
    settle()
    headroom.advance(59)
    settle()
    stays(dest_out, 0, 0.3)
    headroom.advance(1)
    records = wait_lines(dest_out, 1, what="the OnFailure record")
    record = records[0]["event"]
    record_checks(record, account, name, request_id, event, "RetriesExhausted", 2)
    assert record["responseContext"]["functionError"] == "Unhandled", record
    assert record["responsePayload"]["errorType"] == "SimulatedError", record


def test_success_goes_to_on_success(headroom, lam, account, scratch):
    ok_dest, ok_out = destination(lam, scratch, "success")
    bad_dest, bad_out = destination(lam, scratch, "failure")
    name = create_python(lam)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": arn(account, ok_dest)},
                                              "OnFailure": {"Destination": arn(account, bad_dest)}})
    out = os.path.join(scratch, "out.jsonl")
    event = {"out": out, "n": 42}
    request_id = send_event(lam, name, event)
    wait_lines(out, 1)
    records = wait_lines(ok_out, 1, what="the OnSuccess record")
    stays(ok_out, 1, 0.3)
    assert lines(bad_out) == []
    record = records[0]["event"]
    record_checks(record, account, name, request_id, event, "Success", 1)
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}, record
    assert record["responsePayload"] == {"ok": 42}, record


def test_record_names_the_invoked_qualifier(headroom, lam, account, scratch):
    """The record's functionArn is the ARN as invoked, with its qualifier: the Qualifier
    parameter and a qualifier in the FunctionName (name:1, name:alias, ARN:1) are the same
    request to Lambda, and the version's or alias's own EventInvokeConfig applies."""
    dest, dest_out = destination(lam, scratch, "success")
    name = create_python(lam)
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    for qualifier in ("1", "live"):
        lam.put_function_event_invoke_config(
            FunctionName=name, Qualifier=qualifier,
            DestinationConfig={"OnSuccess": {"Destination": arn(account, dest)}})
    out = os.path.join(scratch, "out.jsonl")
    cases = [({"FunctionName": name, "Qualifier": "1"}, ":1"),
             ({"FunctionName": name, "Qualifier": "live"}, ":live"),
             ({"FunctionName": name + ":1"}, ":1"),
             ({"FunctionName": name + ":live"}, ":live"),
             ({"FunctionName": arn(account, name) + ":1"}, ":1")]
    wrong = []
    for i, (kwargs, suffix) in enumerate(cases):
        event = {"out": out, "n": i}
        request_id = send_event(lam, event=event, **kwargs)
        records = wait_lines(dest_out, i + 1, what="the OnSuccess record of %s" % kwargs)
        record = [r["event"] for r in records
                  if r["event"]["requestContext"]["requestId"] == request_id][0]
        assert record["responseContext"]["executedVersion"] == "1", record
        assert record["requestPayload"] == event
        if record["requestContext"]["functionArn"] != arn(account, name) + suffix:
            wrong.append((kwargs["FunctionName"],
                          kwargs.get("Qualifier"), record["requestContext"]["functionArn"]))
    assert not wrong, "records naming the wrong qualifier (FunctionName, Qualifier, arn): %s" % wrong


# ---- drops without running -----------------------------------------------------------------

def body_shape(value):
    """The keys of a record, recursively (the AWS-recorded values are placeholders)."""
    if isinstance(value, dict):
        return {k: body_shape(v) for k, v in value.items()}
    return type(value).__name__


def test_zero_reserved_concurrency_goes_to_on_failure(headroom, lam, account, scratch):
    dest, dest_out = destination(lam, scratch, "failure")
    name = create_python(lam)
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": arn(account, dest)}})
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    out = os.path.join(scratch, "out.jsonl")
    event = {"out": out, "n": 0}
    request_id = send_event(lam, name, event)
    records = wait_lines(dest_out, 1, what="the ZeroReservedConcurrency record")
    for step in (1, 60, 120, 600):
        headroom.advance(step)
        settle()
    stays(dest_out, 1, 0.3)
    assert lines(out) == [], "a function with reserved concurrency 0 ran"
    assert function_processes(name) == []

    record = records[0]["event"]
    assert record == {
        "version": "1.0", "timestamp": record["timestamp"],
        "requestContext": {"requestId": request_id,
                           "functionArn": arn(account, name) + ":$LATEST",
                           "condition": "ZeroReservedConcurrency", "approximateInvokeCount": 0},
        "requestPayload": event}, record
    assert re.fullmatch(ISO_MILLIS, record["timestamp"]), record
    # The AWS-recorded record (test_reserved_concurrency, "msg" Body: an invoke without a
    # payload) has the same shape, in the same key order.
    r = lam.invoke(FunctionName=name, InvocationType="Event")
    assert r["StatusCode"] == 202 and r["Payload"].read() == b""
    empty = wait_lines(dest_out, 2, what="the second ZeroReservedConcurrency record")[1]["event"]
    assert empty["requestContext"]["requestId"] == r["ResponseMetadata"]["RequestId"]
    with open(SNAPSHOT_FILE) as f:
        snapshot = json.load(f)
    key = "tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::test_reserved_concurrency"
    recorded = snapshot[key]["recorded-content"]["msg"]["Body"]
    assert recorded["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert empty["requestPayload"] == recorded["requestPayload"] == {}, empty
    assert body_shape(empty) == body_shape(recorded), (empty, recorded)
    assert list(empty) == list(recorded) and list(record) == list(recorded)
    assert list(empty["requestContext"]) == list(recorded["requestContext"])
    assert lines(out) == []


def test_maximum_event_age_drops_throttled_event(headroom, lam, account, scratch, holders):
    dest, dest_out = destination(lam, scratch, "failure")
    name = create_python(lam)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    put = lam.put_function_event_invoke_config(
        FunctionName=name, MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": arn(account, dest)}})
    assert put["MaximumEventAgeInSeconds"] == 60
    holder = Holder(lam, name, scratch)
    holders.append(holder)
    out = os.path.join(scratch, "out.jsonl")
    event = {"out": out, "n": 60}
    request_id = send_event(lam, name, event)     # t0: throttled, again at t0+1
    settle()
    headroom.advance(30)                           # t0+30: throttled (age 30 s), again at t0+60
    settle()
    headroom.advance(29)                           # t0+59: nothing due
    settle()
    assert lines(dest_out) == []
    headroom.advance(2)                            # t0+61: due since t0+60, older than 60 s
    records = wait_lines(dest_out, 1, what="the EventAgeExceeded record")
    holder.release()
    for step in (1, 60, 300):
        headroom.advance(step)
        settle()
    stays(dest_out, 1, 0.3)
    assert lines(out) == [], "an event older than MaximumEventAgeInSeconds ran"

    record = records[0]["event"]
    assert record["version"] == "1.0"
    assert record["requestContext"]["requestId"] == request_id, record
    assert record["requestContext"]["functionArn"] == arn(account, name) + ":$LATEST", record
    assert record["requestContext"]["condition"] == "EventAgeExceeded", record
    # The function never ran: AWS is silent on the count for throttled attempts; headroom
    # counts the attempts that reached the function.
    assert record["requestContext"]["approximateInvokeCount"] == 0, record
    assert record["requestPayload"] == event, record
    assert "responseContext" not in record and "responsePayload" not in record, record


# ---- SIGKILL with events queued ------------------------------------------------------------

def test_queued_events_survive_sigkill(scratch):
    """Events waiting for a retry (function errors) and events throttled (the account pool,
    limit 3, held by simulated invocations on the manual clock) are all in the queue when the
    server is SIGKILLed. After a restart on the same data directory every one runs: the
    throttled ones once, the failing ones for their remaining attempts (3 in all), and each
    failing one reaches OnFailure once."""
    args = ("--account-limit", "3", "--unreserved-min", "0")
    first = Headroom(*args)
    account = new_account()
    second = None
    pool = concurrent.futures.ThreadPoolExecutor(3)
    try:
        lam = client(first, account)
        dest, dest_out = destination(lam, scratch, "failure")
        failing = create_python(lam)
        lam.put_function_event_invoke_config(
            FunctionName=failing,
            DestinationConfig={"OnFailure": {"Destination": arn(account, dest)}})
        ok = create_python(lam)
        held = create_simulated(lam, duration_ms=600_000)

        # Two failing events: their first attempts run now, the retries wait for 1 min.
        fail_out = os.path.join(scratch, "failing.jsonl")
        fail_ids = {}
        for i in range(2):
            fail_ids[send_event(lam, failing, {"out": fail_out, "raise": "e%d" % i, "n": i})] = i
            wait_lines(fail_out, i + 1, what="first attempt %d" % i)
            wait_idle(first, account)

        # Hold the whole pool, then queue events that are throttled.
        holding = [pool.submit(client(first, account).invoke, FunctionName=held, Payload=b"{}")
                   for _ in range(3)]
        wait_for(lambda: pool_state(first, account)["unreserved_busy"] == 3, what="full pool")
        ok_out = os.path.join(scratch, "ok.jsonl")
        ok_ids = {send_event(lam, ok, {"out": ok_out, "n": i}): i for i in range(4)}
        time.sleep(0.3)   # each throttled once, back in the queue
        assert lines(ok_out) == []
        assert len(lines(fail_out)) == 2
        first.kill()
        for h in holding:  # the held synchronous calls end with the connection
            with pytest.raises(Exception):
                h.result(timeout=30)
        # No function process outlives the server.
        wait_for(lambda: not function_processes(failing) and not function_processes(ok)
                 and not function_processes(dest), timeout=10,
                 what="the function processes of the killed server to exit")

        second = Headroom(*args, data_dir=first.data_dir)
        lam = client(second, account)
        # The throttled events run (3 at once; a 4th waits out its back-off).
        deadline = time.monotonic() + 20
        while len(lines(ok_out)) < 4 and time.monotonic() < deadline:
            time.sleep(0.5)
            if len(lines(ok_out)) < 4:
                second.advance(4)
        got = lines(ok_out)
        runs = sorted(ok_ids[g["request_id"]] for g in got)
        lost = sorted(set(ok_ids.values()) - set(runs))
        duplicated = sorted(i for i in set(runs) if runs.count(i) > 1)
        assert not lost and not duplicated, (
            "throttled events after SIGKILL: lost %s, run more than once %s (runs %s)" % (
                lost, duplicated, runs))
        assert {g["event"]["n"]: g["event"] for g in got} == {
            i: {"out": ok_out, "n": i} for i in range(4)}

        # The failing events: their second attempts 1 min after the first (the restarted
        # manual clock starts at the wall time, so at most 1 min of advance is needed), the
        # third 2 min after that, then OnFailure.
        second.advance(60)
        wait_lines(fail_out, 4, what="the second attempts after the restart")
        wait_idle(second, account)
        second.advance(120)
        wait_lines(fail_out, 6, what="the third attempts after the restart")
        records = wait_lines(dest_out, 2, what="two OnFailure records")
        for step in (120, 600):
            second.advance(step)
            settle()
        stays(dest_out, 2, 0.3)
        attempts = [fail_ids[g["request_id"]] for g in lines(fail_out)]
        assert sorted(attempts) == [0, 0, 0, 1, 1, 1], (
            "attempts per failing event after SIGKILL (want 3 each): %s" % attempts)
        by_request = {r["event"]["requestContext"]["requestId"]: r["event"] for r in records}
        assert set(by_request) == set(fail_ids), records
        for request_id, i in fail_ids.items():
            record_checks(by_request[request_id], account, failing, request_id,
                          {"out": fail_out, "raise": "e%d" % i, "n": i}, "RetriesExhausted", 3)
            assert by_request[request_id]["responsePayload"]["errorMessage"] == "e%d" % i
        assert len(lines(ok_out)) == 4
    finally:
        pool.shutdown(wait=False)
        if first.proc.poll() is None:
            first.kill()
        if second is not None:
            assert second.stop() == 0, "the restarted server did not shut down cleanly"
        shutil.rmtree(first.data_dir, ignore_errors=True)
