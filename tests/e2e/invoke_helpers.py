"""Helpers the Invoke end-to-end tests share: fresh accounts, a boto3 client that makes one
attempt, code packages, the pool as /_headroom/state shows it, and polling with a deadline."""
import io
import os
import random
import textwrap
import time
import uuid
import zipfile

import boto3
from botocore.config import Config


def new_account():
    return "%012d" % random.randrange(10 ** 11, 10 ** 12)


def client(server, account="000000000000"):
    """One attempt (a retried 429 would change the counts), a read timeout that turns a hang into
    a failure, and a connection pool large enough for the tests' concurrent calls."""
    return boto3.client(
        "lambda", endpoint_url=server.url, region_name="us-east-1",
        aws_access_key_id=account, aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60, connect_timeout=5,
                      max_pool_connections=50))


def make_zip(files, executable=()):
    """files: {name: text}. A unique MARKER file makes every package (and its task root) unique."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in dict(files, MARKER=uuid.uuid4().hex).items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.create_system = 3  # Unix, so that the mode below counts
            info.external_attr = (0o100755 if name in executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, textwrap.dedent(text))
    return buf.getvalue()


def pool_state(server, account, region="us-east-1"):
    status, body = server.admin("GET", "/_headroom/state")
    assert status == 200, body
    for a in body["accounts"]:
        if a["account"] == account and a["region"] == region:
            return a
    return None


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("timed out waiting for " + what)


def alive(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def processes_with(needle):
    """Live processes whose environment contains `needle` (e.g. a task root or a function name)."""
    needle = needle.encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % entry, "rb") as f:
                environ = f.read()
        except OSError:
            continue
        if needle in environ and alive(int(entry)):
            found.append(int(entry))
    return found


def function_processes(name):
    return processes_with("AWS_LAMBDA_FUNCTION_NAME=%s\0" % name)
