"""Helpers the CloudWatch and SNS end-to-end tests share: clients, the server's clock (manual:
it starts at the wall time of the launch and moves only when advanced), simulated functions held
open on that clock, the user stories' metric queries, an http subscriber that records what SNS
posts to it, and the error of a failed call as boto3 reports it.

boto3 1.26 (Debian's /usr/bin/python3) talks the query protocol to CloudWatch, boto3 1.43 (the
image's python3) JSON 1.0 with x-amzn-query-error: both report the legacy error codes
(InvalidParameterValue, ValidationError, ...), so the tests assert one code for both stacks.
"""
import concurrent.futures
import datetime
import http.server
import json
import os
import ssl
import subprocess
import tempfile
import threading
import time
import uuid

import boto3
from botocore.config import Config

from invoke_helpers import make_zip, pool_state, wait_for

ROLE = "arn:aws:iam::000000000000:role/r"
REGION = "us-east-1"
SIM_ZIP = make_zip({"README": "simulated: no code runs\n"})
UTC = datetime.timezone.utc


def aws(server, service, account):
    """One attempt (a retried call would change counts), a read timeout that turns a hang into
    a failure, a pool large enough for the tests' concurrent invocations."""
    return boto3.client(
        service, endpoint_url=server.url, region_name=REGION,
        aws_access_key_id=account, aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60, connect_timeout=5,
                      max_pool_connections=50))


def error_of(excinfo):
    """(code, message, HTTP status) of a botocore ClientError."""
    r = excinfo.value.response
    return r["Error"].get("Code"), r["Error"].get("Message"), r["ResponseMetadata"]["HTTPStatusCode"]


# ---- the server's clock ---------------------------------------------------------------------

def server_now(server):
    status, body = server.admin("GET", "/_headroom/state")
    assert status == 200, body
    # "2026-12-01T21:51:43.382+0000"
    return datetime.datetime.strptime(body["now"], "%Y-%m-%dT%H:%M:%S.%f%z")


def minute_of(t):
    return t.replace(second=0, microsecond=0)


def settle(seconds=0.15):
    """Real time for the scheduler (alarm ticks, housekeeping, the async queue) to run what an
    advance made due."""
    time.sleep(seconds)


def align(server, second=5, step=None):
    """Moves the clock forward to the next hh:mm:<second>.000 (at least 1 s ahead), so that the
    minute boundaries are where the test expects them. `step`: the largest single advance (the
    alarm tests advance by at most 10 s, as the evaluator ticks every 10 s); returns the time."""
    now = server_now(server)
    target = minute_of(now) + datetime.timedelta(seconds=second)
    while target <= now + datetime.timedelta(seconds=1):
        target += datetime.timedelta(minutes=1)
    while now < target:
        remaining = (target - now).total_seconds()
        seconds = remaining if step is None else min(step, remaining)
        server.advance("%.6f" % seconds)
        if step is not None:
            settle()
        now = server_now(server)
    return now


# ---- functions --------------------------------------------------------------------------------

def create_simulated(lam, duration_ms=0, error_rate=None, publish=False, timeout=900, prefix="sim"):
    name = "%s-%s" % (prefix, uuid.uuid4().hex[:10])
    env = {"HEADROOM_SIM_DURATION_MS": str(duration_ms)}
    if error_rate is not None:
        env["HEADROOM_SIM_ERROR_RATE"] = str(error_rate)
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="headroom.simulated",
                        Role=ROLE, Timeout=timeout, Code={"ZipFile": SIM_ZIP}, Publish=publish,
                        Environment={"Variables": env})
    return name


# Appends the event it receives, one JSON line, to $OUT (O_APPEND: one write per line).
RECORDER = """
import json, os

def handler(event, context):
    fd = os.open(os.environ["OUT"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"event": event, "request_id": context.aws_request_id}) + "\\n").encode())
    os.close(fd)
    return {"ok": True}
"""


def create_recorder(lam, out):
    """A real Python function that appends each event it receives to `out`."""
    name = "rec-" + uuid.uuid4().hex[:10]
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=ROLE,
                        Timeout=30, Code={"ZipFile": make_zip({"app.py": RECORDER})},
                        Environment={"Variables": {"OUT": out}})
    return name


def lines(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f.read().splitlines() if l]
    except FileNotFoundError:
        return []


def function_arn(account, name):
    return "arn:aws:lambda:%s:%s:function:%s" % (REGION, account, name)


def alarm_arn(account, name):
    return "arn:aws:cloudwatch:%s:%s:alarm:%s" % (REGION, account, name)


class Running:
    """Synchronous invocations of a simulated function kept running on the manual clock (their
    duration has not passed yet); finish() advances the clock past it and returns the answers."""

    def __init__(self, server, lam, account, name, count=1):
        self.server, self.account = server, account
        before = pool_state(server, account)
        busy_before = before["unreserved_busy"] if before else 0
        self.pool = concurrent.futures.ThreadPoolExecutor(count)
        self.futures = [self.pool.submit(lam.invoke, FunctionName=name, Payload=b"{}")
                        for _ in range(count)]
        wait_for(lambda: pool_state(server, account)["unreserved_busy"] >= busy_before + count,
                 what="%d running invocation(s) of %s" % (count, name))

    def finish(self, seconds):
        self.server.advance(seconds)
        results = [f.result(timeout=30) for f in self.futures]
        self.pool.shutdown()
        return results


# ---- the user stories' queries ---------------------------------------------------------------

def lambda_metric(name, period=60, stat="Maximum", dimensions=None):
    metric = {"Namespace": "AWS/Lambda", "MetricName": name}
    if dimensions is not None:
        metric["Dimensions"] = dimensions
    return {"Metric": metric, "Period": period, "Stat": stat}


# "The metrics a user pastes into CloudWatch": AWS/Lambda, no dimensions, period 60, Maximum.
USER_STORY_QUERIES = [
    {"Id": "m1", "MetricStat": lambda_metric("ConcurrentExecutions"), "ReturnData": False},
    {"Id": "e1", "Expression": "SERVICE_QUOTA(m1)", "Label": "Current Concurrent Limit"},
    {"Id": "m2", "MetricStat": lambda_metric("ClaimedAccountConcurrency")},
    {"Id": "e2", "Expression": "(m2/e1) * 100", "Label": "% Claimed"},
    {"Id": "e5", "Expression": "e1 - m2", "Label": "Available"},
]


def window(server, minutes_back=10):
    """StartTime/EndTime around the server's now (not the wall clock's)."""
    now = server_now(server)
    return minute_of(now) - datetime.timedelta(minutes=minutes_back), now + datetime.timedelta(minutes=1)


def results_by_id(response):
    return {r["Id"]: r for r in response["MetricDataResults"]}


# ---- an http subscriber ------------------------------------------------------------------------

class HttpSubscriber:
    """An http:// endpoint on a free port that records every POST (headers and JSON body);
    with tls=True an https:// one, with a self-signed certificate made by openssl."""

    def __init__(self, tls=False):
        posts = self.posts = []
        lock = self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    posts.append({"path": self.path,
                                  "headers": {k.lower(): v for k, v in self.headers.items()},
                                  "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls:
            scheme = "https"
            keys = tempfile.mkdtemp(prefix="headroom-tls-")
            cert, key = os.path.join(keys, "cert.pem"), os.path.join(keys, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                            "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"],
                           check=True, capture_output=True, timeout=60)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = "%s://127.0.0.1:%d/sns" % (scheme, self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def notifications(self):
        """The Notification messages received, parsed."""
        with self.lock:
            return [json.loads(p["body"]) for p in self.posts
                    if p["headers"].get("x-amz-sns-message-type") == "Notification"]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def sns_log(server, topic_arn=None):
    status, body = server.admin("GET", "/_headroom/sns/messages")
    assert status == 200, body
    return [m for m in body if topic_arn is None or m["TopicArn"] == topic_arn]


def stays(condition_value, expected, seconds=0.4, what="value"):
    """Asserts condition_value() == expected for `seconds` of real time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = condition_value()
        assert got == expected, "%s changed: %r, expected %r" % (what, got, expected)
        time.sleep(0.02)


def wait_value(value, expected, timeout=10.0, what="value"):
    deadline = time.monotonic() + timeout
    while True:
        got = value()
        if got == expected:
            return got
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s == %r; have %r" % (what, expected, got))
        time.sleep(0.02)


def scratch_dir():
    path = tempfile.mkdtemp(prefix="headroom-cw-", dir="/tmp")
    os.chmod(path, 0o777)
    return path
