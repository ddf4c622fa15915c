"""The AWS CLI (both: the image's v1 and Debian's v2) against headroom, as the README shows."""
import json
import os
import shutil
import subprocess

import pytest


def clis():
    found = []
    for path in (os.path.expanduser("~/.pyenv/shims/aws"), shutil.which("aws"), "/usr/bin/aws"):
        if path and os.path.exists(path) and os.path.realpath(path) not in [os.path.realpath(p) for p in found]:
            found.append(path)
    return found


@pytest.mark.parametrize("aws", clis())
def test_cli_account_settings_and_errors(headroom, aws):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="000000000000", AWS_SECRET_ACCESS_KEY="x",
               AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
    base = [aws, "--endpoint-url", headroom.url, "lambda"]
    out = subprocess.run(base + ["get-account-settings"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["AccountLimit"]["ConcurrentExecutions"] == 1000
    out = subprocess.run(base + ["get-function-concurrency", "--function-name", "nope"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "ResourceNotFoundException" in out.stderr
    assert "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope" in out.stderr
