"""End-to-end fixtures: a real `headroom serve` on a free port, and real clients pointed at it.

The binary comes from HEADROOM_BIN (set by ctest) or build/headroom. The server runs with the
manual clock, so tests move time with POST /_headroom/clock/advance instead of sleeping.
"""
import json
import os
import re
import subprocess
import tempfile
import urllib.request

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("HEADROOM_BIN", os.path.join(ROOT, "build", "headroom"))


class Headroom:
    def __init__(self, *extra_args, data_dir=None, clock="manual"):
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="headroom-e2e-")
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", "0", "--clock", clock, "--data-dir", self.data_dir,
             *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"http://([\d.]+):(\d+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError("headroom did not start: " + line + self.proc.stdout.read())
        self.url = "http://%s:%s" % match.groups()

    def admin(self, method, path, headers=None):
        request = urllib.request.Request(self.url + path, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def advance(self, seconds):
        status, body = self.admin("POST", "/_headroom/clock/advance?seconds=%s" % seconds)
        assert status == 200, body

    def client(self, service="lambda", account="000000000000", region="us-east-1", **config):
        return boto3.client(
            service, endpoint_url=self.url, region_name=region,
            aws_access_key_id=account, aws_secret_access_key="secret",
            config=Config(retries={"total_max_attempts": 1}, **config))  # no retries at all

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture(scope="module")
def headroom():
    server = Headroom("--unreserved-min", "100")
    yield server
    assert server.stop() == 0, "headroom did not shut down cleanly on SIGTERM"


@pytest.fixture
def lam(headroom):
    return headroom.client()


# Fixtures the CloudWatch, SNS and Service Quotas tests share: a fresh account per test (the
# access key id is the account), its clients, a scratch directory and an http SNS subscriber.
@pytest.fixture
def account():
    from invoke_helpers import new_account
    return new_account()


@pytest.fixture
def cw(headroom, account):
    from cloudwatch_helpers import aws
    return aws(headroom, "cloudwatch", account)


@pytest.fixture
def sns(headroom, account):
    from cloudwatch_helpers import aws
    return aws(headroom, "sns", account)


@pytest.fixture
def scratch():
    from cloudwatch_helpers import scratch_dir
    path = scratch_dir()
    yield path
    import shutil
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def subscriber():
    from cloudwatch_helpers import HttpSubscriber
    s = HttpSubscriber()
    yield s
    s.close()
