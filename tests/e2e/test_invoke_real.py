"""Synchronous Invoke of real functions, end to end through boto3.

Every function here runs as an OS process speaking the Lambda Runtime API 2018-06-01: a python3.x
function runs headroom's Python runtime (runtimes/python/bootstrap.py on /usr/bin/python3), a
provided.al2023 function runs the zip's own `bootstrap` (here a `#!/usr/bin/python3` script
using urllib only, so that nothing beyond Debian's python3 is needed).

The server runs on the manual clock (conftest): a function's Timeout runs on that clock, so a
test times an invocation out with POST /_headroom/clock/advance; anything that must stay busy
in real time blocks on a file the test creates instead of sleeping.

Every test works in an account of its own, and every zip carries a unique marker so that its
task root (LAMBDA_TASK_ROOT, the unpacked zip) names one function only: the processes of a
function are found by scanning /proc/*/environ for it.
"""
import base64
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

from conftest import Headroom
from invoke_helpers import alive, client, function_processes, make_zip, new_account, pool_state, processes_with, wait_for

ROLE = "arn:aws:iam::000000000000:role/r"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


# ---- helpers -------------------------------------------------------------------------------

def create_python(lam, code, env=None, timeout=None, memory=None, name=None):
    name = name or "real-" + uuid.uuid4().hex[:12]
    kwargs = dict(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                  Code={"ZipFile": make_zip({"app.py": code})})
    if env is not None:
        kwargs["Environment"] = {"Variables": env}
    if timeout is not None:
        kwargs["Timeout"] = timeout
    if memory is not None:
        kwargs["MemorySize"] = memory
    lam.create_function(**kwargs)
    return name


def invoke(lam, name, event=None, qualifier=None, tail=True):
    kwargs = {"FunctionName": name, "Payload": json.dumps(event if event is not None else {})}
    if qualifier is not None:
        kwargs["Qualifier"] = qualifier
    if tail:
        kwargs["LogType"] = "Tail"
    r = lam.invoke(**kwargs)
    r["body"] = r["Payload"].read()
    r["json"] = json.loads(r["body"]) if r["body"] else None
    r["request_id"] = r["ResponseMetadata"]["RequestId"]
    r["log"] = base64.b64decode(r["LogResult"]).decode() if "LogResult" in r else None
    return r


def assert_ok(r):
    assert r["StatusCode"] == 200, r
    assert "FunctionError" not in r, (r["body"], r["log"])
    return r["json"]


def assert_unhandled(r, error_type):
    assert r["StatusCode"] == 200, r
    assert r.get("FunctionError") == "Unhandled", (r["body"], r["log"])
    assert r["json"]["errorType"] == error_type, (r["body"], r["log"])
    return r["json"]


def log_lines(r):
    return r["log"].splitlines()


def report_line(r):
    reports = [l for l in log_lines(r) if l.startswith("REPORT RequestId: ")]
    assert len(reports) == 1, r["log"]
    return reports[0]


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def account():
    return new_account()


@pytest.fixture
def lam(headroom, account):
    return client(headroom, account)


@pytest.fixture
def scratch():
    path = tempfile.mkdtemp(prefix="headroom-invoke-real-", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


# A handler that reports the process it runs in; with {"raise": ...} it raises, with
# {"exit": n} it exits, with {"signal": n} it kills itself, with {"sleep": s} it sleeps,
# with {"started": path, "release": path} it blocks until `release` exists.
PROBE = """
import os, signal, subprocess, time

COUNT = 0

def fail(message):
    raise ValueError(message)

def handler(event, context):
    global COUNT
    COUNT += 1
    if "started" in event:
        open(event["started"], "w").close()
    if event.get("child"):
        subprocess.Popen(["sleep", "300"])
    if "raise" in event:
        fail(event["raise"])
    if "exit" in event:
        os._exit(event["exit"])
    if "signal" in event:
        os.kill(os.getpid(), event["signal"])
    if "sleep" in event:
        time.sleep(event["sleep"])
    if "release" in event:
        deadline = time.time() + 20
        while not os.path.exists(event["release"]) and time.time() < deadline:
            time.sleep(0.01)
    return {"count": COUNT, "pid": os.getpid(), "x": os.environ.get("XV")}
"""


# ---- a Python function ---------------------------------------------------------------------

# The handlers below that print give the server 50 ms before they answer: the print reaching
# the log tail is checked here, the race between output and answer in its own test below.
CONTEXT_AND_ENV = """
import os, sys, time

NAMES = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
         "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_REGION", "AWS_DEFAULT_REGION",
         "AWS_LAMBDA_INITIALIZATION_TYPE", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER",
         "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
         "AWS_LAMBDA_RUNTIME_API", "AWS_EXECUTION_ENV", "AWS_LAMBDA_LOG_GROUP_NAME",
         "AWS_LAMBDA_LOG_STREAM_NAME", "TZ", "MY_VARIABLE", "OTHER_VARIABLE"]

def handler(event, context):
    print("hello from the handler:", event.get("greeting"))
    sys.stdout.flush()
    time.sleep(0.05)
    return {
        "event": event,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "env": {name: os.environ.get(name) for name in NAMES},
        "cwd": os.getcwd(),
        "files": sorted(os.listdir(os.environ["LAMBDA_TASK_ROOT"])),
    }
"""


def test_python_function_context_environment_and_log(headroom, lam, account):
    name = create_python(lam, CONTEXT_AND_ENV, memory=256, timeout=7,
                         env={"MY_VARIABLE": "mine", "OTHER_VARIABLE": "with spaces = and ="})
    event = {"greeting": "hi", "n": [1, 2.5, None, True], "nested": {"k": "ü"}}
    r = invoke(lam, name, event)
    out = assert_ok(r)
    assert r["ExecutedVersion"] == "$LATEST"
    assert re.fullmatch(UUID, r["request_id"]), r["ResponseMetadata"]
    assert r["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] == r["request_id"]

    assert out["event"] == event
    assert out["function_name"] == name
    assert out["function_version"] == "$LATEST"
    assert out["invoked_function_arn"] == "arn:aws:lambda:us-east-1:%s:function:%s" % (account, name)
    assert str(out["memory_limit_in_mb"]) == "256"
    assert out["aws_request_id"] == r["request_id"]
    assert out["log_group_name"] == "/aws/lambda/" + name
    assert 0 < out["remaining"] <= 7000, out["remaining"]

    env = out["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == name
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == "us-east-1"
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/" + name
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"], env
    assert re.fullmatch(r"127\.0\.0\.1:\d+", env["AWS_LAMBDA_RUNTIME_API"]), env
    for credential in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert env[credential], (credential, env)
    assert env["MY_VARIABLE"] == "mine"
    assert env["OTHER_VARIABLE"] == "with spaces = and ="
    # The task root is the unpacked zip and the handler's working directory.
    assert os.path.isabs(env["LAMBDA_TASK_ROOT"]), env
    assert out["cwd"] == env["LAMBDA_TASK_ROOT"]
    assert [f for f in out["files"] if f != "__pycache__"] == ["MARKER", "app.py"]

    lines = log_lines(r)
    assert lines[0] == "START RequestId: %s Version: $LATEST" % r["request_id"], lines
    end = lines.index("END RequestId: %s" % r["request_id"])
    assert "hello from the handler: hi" in lines[1:end], lines
    assert lines[end + 1].startswith("REPORT RequestId: %s\tDuration: " % r["request_id"]), lines
    assert "\tMemory Size: 256 MB\t" in lines[end + 1], lines
    assert "Init Duration: " in lines[end + 1], lines  # a cold start

    # A second call: warm, its own request id everywhere, no Init Duration.
    r2 = invoke(lam, name, {"greeting": "again"})
    out2 = assert_ok(r2)
    assert out2["aws_request_id"] == r2["request_id"] != r["request_id"]
    assert "hello from the handler: again" in log_lines(r2)
    assert "hello from the handler: hi" not in log_lines(r2)
    assert "Init Duration" not in report_line(r2)

    # Payload: none at all is an empty object for the handler.
    r3 = lam.invoke(FunctionName=name)
    assert json.loads(r3["Payload"].read())["event"] == {}


def test_every_printed_line_reaches_its_own_log_tail(headroom, lam):
    """What a handler prints before it returns is in that invocation's LogResult, every time.

    64 KB of output before the last line widens the window between the output and the answer
    (the last line must still be in the 4 KB tail)."""
    name = create_python(lam, 'def handler(event, context):\n    print("." * 65536)\n'
                              '    print("line", event["i"])\n    return event["i"]\n')
    missing, foreign = [], []
    for i in range(200):
        r = invoke(lam, name, {"i": i})
        assert assert_ok(r) == i
        lines = log_lines(r)
        if "line %d" % i not in lines:
            missing.append(i)
        foreign += [(i, l) for l in lines if l.startswith("line ") and l != "line %d" % i]
    # The runtime logs an uncaught exception ("[ERROR] ...") just before it reports it.
    errors_missing = []
    raising = create_python(lam, PROBE)
    for i in range(50):
        r = invoke(lam, raising, {"raise": "boom %d" % i})
        assert_unhandled(r, "ValueError")
        if "[ERROR] ValueError: boom %d" % i not in log_lines(r):  # (splitlines splits at \r)
            errors_missing.append(i)
    assert not missing and not foreign and not errors_missing, (
        "%d of 200 tails lack their own line: %s; lines in the wrong tail: %s; "
        "%d of 50 function errors lack their [ERROR] line: %s" % (
            len(missing), missing, foreign, len(errors_missing), errors_missing))


# ---- a provided.al2023 function: the zip's own bootstrap -----------------------------------

BOOTSTRAP = """\
#!/usr/bin/python3
import json, os, time, urllib.request

API = "http://%s/2018-06-01/runtime/" % os.environ["AWS_LAMBDA_RUNTIME_API"]

while True:
    with urllib.request.urlopen(API + "invocation/next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        headers = {k: r.headers[k] for k in ("Lambda-Runtime-Invoked-Function-Arn",
                                             "Lambda-Runtime-Deadline-Ms",
                                             "Lambda-Runtime-Trace-Id")}
        event = json.loads(r.read())
    print("bootstrap handling", request_id, flush=True)
    time.sleep(0.05)
    body = {"event": event, "request_id": request_id, "headers": headers,
            "now_ms": int(time.time() * 1000), "pid": os.getpid(),
            "env": {k: os.environ.get(k) for k in ("AWS_LAMBDA_FUNCTION_NAME",
                                                  "AWS_LAMBDA_FUNCTION_VERSION", "_HANDLER",
                                                  "LAMBDA_TASK_ROOT", "AWS_REGION")},
            "cwd": os.getcwd()}
    post = urllib.request.Request(API + "invocation/%s/response" % request_id,
                                  data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(post) as answer:
        assert answer.status == 202, answer.status
"""


def test_provided_bootstrap_latest_version_and_alias(headroom, lam, account):
    name = "real-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Handler="function.handler",
                        Role=ROLE, Timeout=9,
                        Code={"ZipFile": make_zip({"bootstrap": BOOTSTRAP}, executable={"bootstrap"})})
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    unqualified = "arn:aws:lambda:us-east-1:%s:function:%s" % (account, name)

    pids = {}
    for qualifier, executed, arn in [(None, "$LATEST", unqualified),
                                     ("$LATEST", "$LATEST", unqualified + ":$LATEST"),
                                     ("1", "1", unqualified + ":1"),
                                     ("live", "1", unqualified + ":live")]:
        event = {"qualifier": qualifier}
        r = invoke(lam, name, event, qualifier=qualifier)
        out = assert_ok(r)
        assert r["ExecutedVersion"] == executed, (qualifier, r)
        assert out["event"] == event
        assert out["request_id"] == r["request_id"]
        assert out["headers"]["Lambda-Runtime-Invoked-Function-Arn"] == arn, (qualifier, out)
        deadline = int(out["headers"]["Lambda-Runtime-Deadline-Ms"])
        assert 0 < deadline - out["now_ms"] <= 9000, out
        assert out["headers"]["Lambda-Runtime-Trace-Id"].startswith("Root=1-"), out
        assert out["env"]["AWS_LAMBDA_FUNCTION_NAME"] == name
        assert out["env"]["AWS_LAMBDA_FUNCTION_VERSION"] == executed
        assert out["env"]["_HANDLER"] == "function.handler"
        assert out["env"]["AWS_REGION"] == "us-east-1"
        assert out["cwd"] == out["env"]["LAMBDA_TASK_ROOT"]
        lines = log_lines(r)
        assert lines[0] == "START RequestId: %s Version: %s" % (r["request_id"], executed), lines
        assert "bootstrap handling " + r["request_id"] in lines, lines
        pids.setdefault(executed, set()).add(out["pid"])
    # $LATEST and version 1 are different environments; the alias reuses version 1's.
    assert len(pids["$LATEST"]) == 1 and len(pids["1"]) == 1, pids
    assert pids["$LATEST"] != pids["1"], pids


def test_qualifier_in_the_function_name(headroom, lam, account):
    """A qualifier in FunctionName (ARN or name:qualifier) is the invoked ARN's, as Qualifier is."""
    name = "real-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Handler="function.handler",
                        Role=ROLE, Publish=True,
                        Code={"ZipFile": make_zip({"bootstrap": BOOTSTRAP}, executable={"bootstrap"})})
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    unqualified = "arn:aws:lambda:us-east-1:%s:function:%s" % (account, name)
    for function_name, executed, arn in [(unqualified + ":live", "1", unqualified + ":live"),
                                         (name + ":1", "1", unqualified + ":1"),
                                         (unqualified + ":$LATEST", "$LATEST", unqualified + ":$LATEST")]:
        r = invoke(lam, function_name, {})
        out = assert_ok(r)
        assert r["ExecutedVersion"] == executed, (function_name, r)
        assert out["env"]["AWS_LAMBDA_FUNCTION_VERSION"] == executed, (function_name, out)
        assert out["headers"]["Lambda-Runtime-Invoked-Function-Arn"] == arn, (function_name, out)


def test_provided_without_bootstrap(headroom, lam):
    name = "real-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="provided.al2023", Handler="x.y", Role=ROLE,
                        Code={"ZipFile": make_zip({"not-a-bootstrap": "#!/bin/sh\n"})})
    r = invoke(lam, name, {})
    error = assert_unhandled(r, "Runtime.InvalidEntrypoint")
    # AWS: "RequestId: <id> Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"
    assert error["errorMessage"].startswith(
        "RequestId: %s Error: Couldn't find valid bootstrap(s): [" % r["request_id"]), error


# ---- cold, then warm -----------------------------------------------------------------------

def test_cold_then_warm_then_new_environment_after_update(headroom, lam):
    name = create_python(lam, PROBE, env={"XV": "1"})
    r1 = invoke(lam, name)
    first = assert_ok(r1)
    assert first["count"] == 1 and first["x"] == "1"
    assert "Init Duration: " in report_line(r1)

    r2 = invoke(lam, name)
    second = assert_ok(r2)
    assert second["count"] == 2
    assert second["pid"] == first["pid"]
    assert "Init Duration" not in report_line(r2)
    assert function_processes(name) == [first["pid"]]

    lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"XV": "2"}})
    assert lam.get_function_configuration(FunctionName=name)["LastUpdateStatus"] == "Successful"
    r3 = invoke(lam, name)
    third = assert_ok(r3)
    assert third["count"] == 1 and third["x"] == "2"
    assert third["pid"] != first["pid"]
    assert "Init Duration: " in report_line(r3)
    wait_for(lambda: gone(first["pid"]), what="the obsolete environment's process to go")
    assert function_processes(name) == [third["pid"]]


# ---- a function error ----------------------------------------------------------------------

def test_function_error(headroom, lam):
    name = create_python(lam, PROBE)
    before = assert_ok(invoke(lam, name))
    r = invoke(lam, name, {"raise": "boom went the handler"})
    error = assert_unhandled(r, "ValueError")
    assert r["ExecutedVersion"] == "$LATEST"
    assert error["errorMessage"] == "boom went the handler"
    assert error["requestId"] == r["request_id"], error
    trace = error["stackTrace"]
    assert isinstance(trace, list) and all(isinstance(t, str) for t in trace), trace
    assert any("app.py" in t and "in handler" in t for t in trace), trace
    assert any("in fail" in t for t in trace), trace
    assert not any("bootstrap.py" in t for t in trace), trace
    assert log_lines(r)[-2] == "END RequestId: %s" % r["request_id"], r["log"]
    # (The runtime's "[ERROR] ValueError: ..." log line is checked in the log tail test.)

    # An exception does not end the environment: the same process answers next.
    after = assert_ok(invoke(lam, name))
    assert after["pid"] == before["pid"] and after["count"] == 3


# ---- an init error -------------------------------------------------------------------------

def test_init_error_then_fixed_code(headroom, lam, account):
    name = "real-" + uuid.uuid4().hex[:12]
    broken = "import not_a_module_anywhere_xyz\n\ndef handler(event, context):\n    return 1\n"
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                        Code={"ZipFile": make_zip({"app.py": broken})})
    for _ in range(2):  # every cold start tries the init again
        r = invoke(lam, name, {})
        error = assert_unhandled(r, "Runtime.ImportModuleError")
        assert error["errorMessage"] == (
            "Unable to import module 'app': No module named 'not_a_module_anywhere_xyz'"), error
        assert r["ExecutedVersion"] == "$LATEST"
        assert "Runtime.ImportModuleError" in r["log"], r["log"]
    wait_for(lambda: not function_processes(name), what="the failed environment's process to go")
    assert pool_state(headroom, account)["unreserved_busy"] == 0

    lam.update_function_code(FunctionName=name, ZipFile=make_zip({"app.py": PROBE}))
    out = assert_ok(invoke(lam, name, {}))
    assert out["count"] == 1
    assert function_processes(name) == [out["pid"]]


# ---- timeout -------------------------------------------------------------------------------

def test_timeout_on_the_servers_clock(headroom, lam, scratch):
    name = create_python(lam, PROBE, timeout=1)
    before = assert_ok(invoke(lam, name))
    started = os.path.join(scratch, "started")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(invoke, lam, name, {"started": started, "sleep": 30})
        wait_for(lambda: os.path.exists(started), what="the handler to start")
        time.sleep(0.2)
        assert not future.done()  # the manual clock has not moved: no timeout yet
        headroom.advance(2)
        r = future.result(timeout=15)
    error = assert_unhandled(r, "Sandbox.Timedout")
    assert error["errorMessage"] == (
        "RequestId: %s Error: Task timed out after 1.00 seconds" % r["request_id"]), error
    assert "Duration: 1000.00 ms" in report_line(r), r["log"]
    # The sleeping process is killed, and the next call is a cold start.
    wait_for(lambda: gone(before["pid"]), what="the timed-out process to go")
    after = invoke(lam, name)
    assert assert_ok(after)["count"] == 1
    assert assert_ok(after)["pid"] != before["pid"]
    assert "Init Duration: " in report_line(after)


# ---- a crash mid-invoke --------------------------------------------------------------------

@pytest.mark.parametrize("event,detail", [({"exit": 3}, "exit status 3"),
                                          ({"signal": 9}, "signal: killed")])
def test_crash_mid_invoke(headroom, lam, account, event, detail):
    name = create_python(lam, PROBE)
    before = assert_ok(invoke(lam, name))
    r = invoke(lam, name, event)
    error = assert_unhandled(r, "Runtime.ExitError")
    assert r["ExecutedVersion"] == "$LATEST"
    assert pool_state(headroom, account)["unreserved_busy"] == 0
    wait_for(lambda: gone(before["pid"]), what="the crashed process to be reaped")
    # The next call works, in a new process.
    after = assert_ok(invoke(lam, name))
    assert after["count"] == 1 and after["pid"] != before["pid"]
    assert pool_state(headroom, account)["unreserved_busy"] == 0
    # AWS: "RequestId: <id> Error: Runtime exited with error: exit status 3" (signal: killed).
    assert error["errorMessage"] == (
        "RequestId: %s Error: Runtime exited with error: %s" % (r["request_id"], detail)), error


def test_exit_during_init(headroom, lam, account):
    """The runtime dies while it imports the handler: the invocation that started it fails."""
    name = "real-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                        Code={"ZipFile": make_zip({"app.py": "import os\nos._exit(5)\n"})})
    r = invoke(lam, name, {})
    error = assert_unhandled(r, "Runtime.ExitError")
    assert pool_state(headroom, account)["unreserved_busy"] == 0
    assert not function_processes(name)
    # AWS names the invocation here too.
    assert error["errorMessage"] == (
        "RequestId: %s Error: Runtime exited with error: exit status 5" % r["request_id"]), error


# ---- reserved concurrency 1 with a real, busy function -------------------------------------

def test_reserved_concurrency_one_throttles_a_second_call(headroom, lam, account, scratch):
    name = create_python(lam, PROBE, timeout=60)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    started, release = os.path.join(scratch, "started"), os.path.join(scratch, "release")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(invoke, lam, name, {"started": started, "release": release})
        try:
            wait_for(lambda: os.path.exists(started), what="the first call to run")
            with pytest.raises(ClientError) as e:
                invoke(lam, name, {})
            err = e.value.response
            assert err["ResponseMetadata"]["HTTPStatusCode"] == 429, err
            assert err["Error"]["Code"] == "TooManyRequestsException", err
            assert err["Error"]["Message"] == "Rate Exceeded.", err
            assert err["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded", err
            assert not held.done()
        finally:
            open(release, "w").close()
        first = assert_ok(held.result(timeout=15))
    # The slot is free again: the next call is admitted, warm.
    again = assert_ok(invoke(lam, name, {}))
    assert again["pid"] == first["pid"] and again["count"] == 2
    assert pool_state(headroom, account)["unreserved_busy"] == 0


# ---- provisioned concurrency ----------------------------------------------------------------

INIT_TYPE = PROBE + """
def init_type(event, context):
    result = handler(event, context)
    result["init"] = os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"]
    return result
"""


def test_provisioned_environment_is_initialised_ahead_and_spills_over(headroom, lam, account, scratch):
    """PC 1 on version 1: its environment starts when the config is put and the config is READY
    only once that init is done; a call runs on it (provisioned-concurrency); a second call while
    it is busy spills over to an on-demand environment."""
    name = "real-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.init_type", Role=ROLE,
                        Code={"ZipFile": make_zip({"app.py": INIT_TYPE})}, Timeout=60, Publish=True)
    r = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                               ProvisionedConcurrentExecutions=1)
    assert r["Status"] == "IN_PROGRESS"
    # The environment is started at once, before any invocation.
    wait_for(lambda: function_processes(name), what="the provisioned environment to start")
    headroom.advance(3)  # past --pc-allocation-delay
    wait_for(lambda: lam.get_provisioned_concurrency_config(
        FunctionName=name, Qualifier="1")["Status"] == "READY", what="READY")
    started, release = os.path.join(scratch, "started"), os.path.join(scratch, "release")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(invoke, lam, name, {"started": started, "release": release}, "1")
        try:
            wait_for(lambda: os.path.exists(started), what="the provisioned call to run")
            spill = assert_ok(invoke(lam, name, {}, "1"))
        finally:
            open(release, "w").close()
        on_pc = assert_ok(held.result(timeout=15))
    assert on_pc["init"] == "provisioned-concurrency"
    assert spill["init"] == "on-demand" and spill["pid"] != on_pc["pid"]
    assert "Init Duration" not in report_line(held.result())


def test_many_provisioned_environments_start_in_the_background_and_go_with_their_config(headroom, lam):
    """PC 20 on a python function: the put answers IN_PROGRESS while its environments start one
    by one off the I/O threads (other calls are served meanwhile), and deleting the config at
    once kills every environment, including those that were still to start."""
    name = "real-" + uuid.uuid4().hex[:12]
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.init_type", Role=ROLE,
                        Code={"ZipFile": make_zip({"app.py": INIT_TYPE})}, Timeout=60, Publish=True)
    r = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                               ProvisionedConcurrentExecutions=20)
    assert r["Status"] == "IN_PROGRESS"
    assert lam.get_function(FunctionName=name)["Configuration"]["FunctionName"] == name
    wait_for(lambda: function_processes(name), what="the first provisioned environment to start")
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    wait_for(lambda: not function_processes(name), timeout=30,
             what="every provisioned environment to go with its config")
    time.sleep(1)  # any start still queued would show up now
    assert function_processes(name) == []


# ---- boto3 inside a function reaches this server -------------------------------------------

BOTO3_INSIDE = """
import boto3

def handler(event, context):
    lam = boto3.client("lambda")
    settings = lam.get_account_settings()
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    return {"limit": settings["AccountLimit"]["ConcurrentExecutions"],
            "unreserved": settings["AccountLimit"]["UnreservedConcurrentExecutions"],
            "names": names, "boto3": boto3.__version__}
"""


def test_boto3_inside_a_function_reaches_headroom(headroom, lam):
    name = create_python(lam, BOTO3_INSIDE, timeout=30)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=7)
    outside = lam.get_account_settings()["AccountLimit"]
    out = assert_ok(invoke(lam, name))
    assert out["limit"] == outside["ConcurrentExecutions"]
    # Numbers only this server and this account have: the function's own RC, its own name.
    assert out["unreserved"] == outside["UnreservedConcurrentExecutions"] == outside["ConcurrentExecutions"] - 7
    assert out["names"] == [name], out


# ---- no process outlives its function or the server ----------------------------------------

def test_delete_function_kills_its_environment(headroom, lam):
    name = create_python(lam, PROBE)
    out = assert_ok(invoke(lam, name, {"child": True}))
    assert out["pid"] in function_processes(name)
    assert len(function_processes(name)) == 2  # the runtime and its `sleep 300`
    lam.delete_function(FunctionName=name)
    wait_for(lambda: gone(out["pid"]), what="the deleted function's process to go")
    wait_for(lambda: not function_processes(name), what="every process of the function to go")


def test_sigterm_leaves_no_runtime_process(scratch):
    server = Headroom()
    try:
        lam = client(server, new_account())
        idle = create_python(lam, PROBE)
        busy = create_python(lam, PROBE, timeout=60)
        provided = "real-" + uuid.uuid4().hex[:12]
        lam.create_function(FunctionName=provided, Runtime="provided.al2023", Handler="x.y", Role=ROLE,
                            Code={"ZipFile": make_zip({"bootstrap": BOOTSTRAP}, executable={"bootstrap"})})
        assert_ok(invoke(lam, idle, {"child": True}))
        assert_ok(invoke(lam, provided, {}))
        started = os.path.join(scratch, "started")
        pool = concurrent.futures.ThreadPoolExecutor(1)
        held = pool.submit(invoke, lam, busy, {"started": started, "release": os.path.join(scratch, "never")})
        wait_for(lambda: os.path.exists(started), what="the busy call to run")
        everything = server.data_dir
        assert len(processes_with(everything)) == 4, processes_with(everything)
    except BaseException:
        server.kill()
        raise
    rc = server.stop()
    try:
        # The in-flight call ends one way or another (an answer or a closed connection).
        try:
            held.result(timeout=15)
        except Exception:
            pass
        pool.shutdown(wait=False)
        wait_for(lambda: not processes_with(everything), timeout=5,
                 what="no runtime process after SIGTERM")
    finally:
        for pid in processes_with(everything):  # never leave one behind, even on failure
            os.kill(pid, 9)
    assert rc == 0, "headroom did not shut down cleanly on SIGTERM"
