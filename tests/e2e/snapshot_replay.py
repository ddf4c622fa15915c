"""Replaying AWS-recorded responses (LocalStack's snapshot files, data only) against headroom.

Shared by test_snapshots.py (concurrency_subset.snapshot.json) and test_snapshots_api.py
(test_lambda_api.snapshot.json). A replay test is marked with @replays(<snapshot key>) and runs
its calls inside `with replay as r:`; r.check(label, call) makes the call and compares what it
returns (or the ClientError's response) with the entry recorded under that label, read from the
snapshot file at test time:

* the HTTP status (ResponseMetadata.HTTPStatusCode), at the top level and wherever a recorded
  object holds a ResponseMetadata (a fixture's {"CreateFunctionResponse": ...} wrapper); an
  error where a success was recorded, or the other way round, is reported in one line;
* the set of keys of every object, at the top level and below (so `Type` present or absent,
  `Message` versus `message`, `NextMarker` absent, `StatusReason` absent ...);
* every value that is deterministic: numbers, booleans, statuses, error codes and messages, with
  the placeholders of the recording (<region>, <partition>, account 111111111111,
  <function-name:1>, <alias-name>, ...) mapped to this run's values. Values the recording
  replaced by a volatile marker ("date", "datetime", "<code-size>", "<location>") are only
  required to be present; strings with a placeholder inside (role and runtime ARNs) must match
  the surrounding text;
* numbered placeholders standing for a whole value ("<uuid:4>", "<code-sha256:1>"): the
  recording numbers each distinct value once per test, so within one replayed test every
  occurrence of a placeholder must be the same value, and two different placeholders must be two
  different values. This is what checks RevisionIds: the same <uuid:N> in CreateAlias and
  GetAlias, a new one after UpdateAlias;
* a JSON document sent as a string (AddPermission's Statement, GetPolicy's Policy) is parsed
  before it is compared, as the recording tool did.

Every mismatch of a test is collected and reported together at the end of the test; the test also
fails when a label of its recorded test is neither replayed nor listed in the module's
NOT_REPLAYED (check_every_label makes the same check for the whole file).

Credentials: the access key id is 111111111111, which this server takes as the account id, so
the ARNs in messages line up with the recording.
"""
import contextlib
import io
import json
import os
import re
import uuid
import zipfile

import pytest
from botocore.exceptions import ClientError

from conftest import ROOT, Headroom

SNAPSHOT_DIR = os.path.join(os.path.dirname(ROOT), "shared", "localstack-snapshots")

ACCOUNT = "111111111111"
REGION = "us-east-1"
PARTITION = "aws"
ROLE = "arn:aws:iam::%s:role/headroom-snapshot-role" % ACCOUNT


def load_snapshot(path, select=None):
    """The recorded tests of a snapshot file ({key: entry}); skips the module when the file is
    missing. select(key) keeps only some keys."""
    if not os.path.exists(path):
        pytest.skip("no snapshot file at %s" % path, allow_module_level=True)
    with open(path) as f:
        entries = json.load(f)
    return {key: entry for key, entry in entries.items()
            if key != "_source" and (select is None or select(key))}


# --------------------------------------------------------------------------------------------
# The generic comparison.

PLACEHOLDER = re.compile(r"<[A-Za-z0-9_:.\-]+>")
NUMBERED = re.compile(r"<[A-Za-z0-9_.\-]+:\d+>")
# Whole values LocalStack's transformers put in place of volatile ones.
VOLATILE = {"date", "datetime", "timestamp", "code-sha256"}


def compare(expected, actual, path, names, out, shape=None, bound=None):
    """Appends to out one line per difference between a recorded value and this run's value.

    shape is the client's botocore model of the value. A recorded key that this botocore does not
    model at all cannot appear in its parsed responses (boto3 1.26 predates LoggingConfig, for
    one), so its absence is not held against the server; the newer stack checks it.

    bound maps the numbered whole-value placeholders seen so far in this recorded test to the
    values they stood for in this run (None: no such check)."""
    if isinstance(expected, (dict, list)) and isinstance(actual, str):
        try:  # a JSON document in a string member: the recording holds it parsed
            actual = json.loads(actual)
        except ValueError:
            out.append("%s: expected a JSON document, got %r" % (path, actual))
            return
        shape = None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            out.append("%s: expected an object, got %r" % (path, actual))
            return
        if "ResponseMetadata" in expected:
            want_status = expected["ResponseMetadata"]["HTTPStatusCode"]
            got_status = (actual.get("ResponseMetadata") or {}).get("HTTPStatusCode")
            if got_status != want_status:
                out.append("%s: HTTP status: expected %s, got %s" % (path, want_status, got_status))
            expected = {k: v for k, v in expected.items() if k != "ResponseMetadata"}
            actual = {k: v for k, v in actual.items() if k != "ResponseMetadata"}
            if ("Error" in expected) != ("Error" in actual):  # one line, not one a key
                out.append("%s: expected %s, got %s" % (path, outcome(expected), outcome(actual)))
                return
        members = getattr(shape, "members", None)
        for key in sorted(expected.keys() - actual.keys()):
            if members is None or key in members:
                out.append("%s: key %r missing (recorded %r)" % (path, key, expected[key]))
        for key in sorted(actual.keys() - expected.keys()):
            out.append("%s: key %r not in the recording (got %r)" % (path, key, actual[key]))
        for key in sorted(expected.keys() & actual.keys()):
            child = members.get(key) if members is not None else getattr(shape, "value", None)
            compare(expected[key], actual[key], "%s.%s" % (path, key), names, out, child, bound)
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append("%s: expected %r, got %r" % (path, expected, actual))
            return
        for i, (e, a) in enumerate(zip(expected, actual)):
            compare(e, a, "%s[%d]" % (path, i), names, out, getattr(shape, "member", None), bound)
    elif isinstance(expected, str):
        want = expected
        for placeholder, value in names.items():
            want = want.replace(placeholder, value)
        if want in VOLATILE or PLACEHOLDER.fullmatch(want):
            if actual is None:
                out.append("%s: expected a value (recorded %r), got None" % (path, expected))
            elif bound is not None and NUMBERED.fullmatch(want):
                if want in bound:
                    if actual != bound[want]:
                        out.append("%s: expected %r, the value recorded as %s before, got %r"
                                   % (path, bound[want], want, actual))
                else:
                    twins = [p for p, v in bound.items() if v == actual]
                    if twins:
                        out.append("%s: recorded as a new value %s, got %r, the value of %s"
                                   % (path, want, actual, twins[0]))
                    bound[want] = actual
        elif PLACEHOLDER.search(want):
            pattern = "".join(".+" if PLACEHOLDER.fullmatch(part) else re.escape(part)
                              for part in re.split("(%s)" % PLACEHOLDER.pattern, want))
            if not isinstance(actual, str) or not re.fullmatch(pattern, actual):
                out.append("%s: expected %r, got %r" % (path, want, actual))
        elif not isinstance(actual, str) or actual != want:
            out.append("%s: expected %r, got %r" % (path, want, actual))
    elif type(actual) is not type(expected) or actual != expected:
        out.append("%s: expected %r, got %r" % (path, expected, actual))


def outcome(response):
    """A response in a few words: its error, or the keys of its success."""
    if "Error" in response:
        return "error %s %r" % (response["Error"].get("Code"), response["Error"].get("Message"))
    return "success %s" % json.dumps(response, default=str, sort_keys=True)[:300]


def response_shape(operation, response):
    """The botocore shape of a parsed response: the operation's output, or its error's shape."""
    if operation is None or not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    if code is None:
        return operation.output_shape
    try:
        return operation.service_model.shape_for(code)
    except Exception:  # an error this model does not know (ValidationException): nothing modeled
        return None


class Members:
    """A stand-in botocore structure shape, for a value the test builds around a response
    (Members(CreateFunctionResponse=shape) for a fixture's wrapper)."""

    def __init__(self, **members):
        self.members = members


def output_shape(lam, operation):
    """The botocore output shape of one operation of a client ("CreateFunction")."""
    return lam.meta.service_model.operation_model(operation).output_shape


# The operation model of each call made by a client from client(); Replay.check reads the last.
CALLS = []


def client(server, **config):
    lam = server.client(account=ACCOUNT, region=REGION, **config)
    lam.meta.events.register("after-call.lambda", lambda model, **_: CALLS.append(model))
    return lam


class Replay:
    """One recorded test: check(label, call) replays a labelled call; leaving the `with` block
    fails the test with every mismatch, and when a label that is neither replayed nor listed in
    not_replayed remains."""

    def __init__(self, case, snapshot, not_replayed):
        self.case = case
        self.recorded = snapshot[case]["recorded-content"]
        self.skipped = not_replayed.get(case, {})
        self.names = {"<region>": REGION, "<partition>": PARTITION, "111111111111": ACCOUNT}
        self.bound = {}
        self.checked = []
        self.mismatches = []
        self.entered = False

    def bind(self, placeholder, value):
        self.names[placeholder] = str(value)

    def new_function_name(self, prefix="snap"):
        """A fresh function name, bound to the recording's <function-name:1>."""
        name = new_name(prefix)
        self.bind("<function-name:1>", name)
        return name

    def check(self, label, call, shape=None):
        """Makes call() and compares its result with the recording of label. shape overrides the
        botocore shape of the result (taken from the last request's operation otherwise), for a
        result the call builds around a response."""
        assert label in self.recorded, "%s is not a recorded label of %s" % (label, self.case)
        assert label not in self.skipped, "%s is listed in NOT_REPLAYED" % label
        assert label not in self.checked, "%s replayed twice" % label
        self.checked.append(label)
        del CALLS[:]
        try:
            actual = call()
        except ClientError as e:
            actual = e.response
        expected = self.recorded[label]
        if shape is None:
            shape = response_shape(CALLS[-1] if CALLS else None, actual)
        out = []
        compare(expected, actual, "body" if isinstance(expected, dict) else "value",
                self.names, out, shape, self.bound)
        self.mismatches += ["[%s] %s" % (label, line) for line in out]
        return actual

    def __enter__(self):
        self.entered = True
        return self

    def __exit__(self, exc_type, exc, tb):
        problems = list(self.mismatches)
        if exc_type is None:
            left = [label for label in self.recorded
                    if label not in self.checked and label not in self.skipped]
            if left:
                problems.append("recorded labels neither replayed nor in NOT_REPLAYED: %s" % left)
        if not problems:
            return False
        message = "%s differs from the AWS recording:\n  %s" % (self.case, "\n  ".join(problems))
        if exc_type is not None:
            message += "\nand then the replay stopped on: %s: %s" % (exc_type.__name__, exc)
        raise AssertionError(message) from exc


def replays(case):
    """Marks a test as the replay of one recorded test (a top-level key of the snapshot)."""
    def mark(function):
        function.snapshot_case = case
        return function
    return mark


def replay_fixture(snapshot, not_replayed):
    """The `replay` fixture of a test module: the Replay of the test's @replays case."""
    @pytest.fixture(name="replay")
    def replay(request):
        r = Replay(request.function.snapshot_case, snapshot, not_replayed)
        yield r
        assert r.entered, "the test must run its calls inside `with replay:`"
    return replay


def replay_tests(namespace):
    """{snapshot key: test name} of the @replays tests in a module's globals()."""
    return {fn.snapshot_case: name for name, fn in namespace.items()
            if name.startswith("test_") and hasattr(fn, "snapshot_case")}


def check_every_label(snapshot, not_replayed, namespace):
    """Every label of every recorded test in snapshot is either replayed by a test of the module
    (namespace: its globals()) or listed with a reason in not_replayed."""
    tests = replay_tests(namespace)
    for case, reasons in not_replayed.items():
        assert case in snapshot, "NOT_REPLAYED names %s, which is not in the snapshot" % case
        stale = set(reasons) - set(snapshot[case]["recorded-content"])
        assert not stale, "NOT_REPLAYED lists %s of %s, not recorded labels" % (sorted(stale), case)
        for label, reason in reasons.items():
            assert reason.strip() and "\n" not in reason, (case, label)
    for case in tests:
        assert case in snapshot, "%s replays %s, which is not in the snapshot" % (tests[case], case)
    for case, entry in snapshot.items():
        to_replay = set(entry["recorded-content"]) - set(not_replayed.get(case, {}))
        if to_replay:
            # The replay test itself fails unless it checks exactly these labels.
            assert case in tests, "%s has labels %s that are neither replayed nor in NOT_REPLAYED" % (
                case, sorted(to_replay))
        else:
            assert case not in tests, "%s is replayed, yet all its labels are in NOT_REPLAYED" % case


# --------------------------------------------------------------------------------------------
# Servers, functions.

@contextlib.contextmanager
def own_server(*flags):
    server = Headroom(*flags)
    try:
        yield server
    finally:
        assert server.stop() == 0, "headroom did not shut down cleanly on SIGTERM"


ECHO = "def handler(event, context):\n    return event\n"


def zip_of(source, size=None, module="handler"):
    """A deterministic zip holding <module>.py; with size, padded (stored, not deflated) to
    exactly that many bytes."""
    def build(text):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            info = zipfile.ZipInfo(module + ".py", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, text)
        return buf.getvalue()
    data = build(source)
    if size is not None:
        padding = size - len(data) - 1
        assert padding >= 1, "%d bytes do not hold the handler" % size
        data = build(source + "#" * padding + "\n")
        assert len(data) == size
    return data


def new_name(prefix="snap"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def create_function(lam, name, source=ECHO, timeout=30, publish=False, zip_file=None,
                    runtime="python3.12", handler="handler.handler", memory=128,
                    environment=None, wait_active=True):
    """CreateFunction as the recorded tests' create_lambda_function fixture does it: python3.12,
    128 MB, timeout 30 unless stated, an empty environment; then waits until the function is
    active. timeout=None or memory=None leaves the value to the server's default (as the
    recorded tests that call CreateFunction directly do)."""
    args = dict(FunctionName=name, Runtime=runtime, Handler=handler, Role=ROLE,
                Code={"ZipFile": zip_file or zip_of(source, module=handler.split(".")[0])},
                Environment={"Variables": environment or {}}, Publish=publish)
    if timeout is not None:
        args["Timeout"] = timeout
    if memory is not None:
        args["MemorySize"] = memory
    r = lam.create_function(**args)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 201, r
    if wait_active:
        wait(lam, "function_active_v2", name)
    return r


def wait(lam, waiter, name, qualifier=None):
    args = {"FunctionName": name}
    if qualifier:
        args["Qualifier"] = qualifier
    lam.get_waiter(waiter).wait(WaiterConfig={"Delay": 1, "MaxAttempts": 30}, **args)


def publish(lam, name):
    r = lam.publish_version(FunctionName=name)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 201, r
    return r["Version"]
