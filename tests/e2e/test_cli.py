"""The AWS CLI (both: the image's v1 and Debian's v2) against headroom, as the README shows.

Every Lambda operation the server implements is driven at least once through `aws lambda ...`,
and each test asserts on the values in the CLI's JSON output (--output json), not just on its
exit status. Errors are checked as a user sees them: the CLI's exit status (255 for v1, 254 for
v2 on a service error) and the "An error occurred (Code) when calling the Op operation: message"
line on stderr, message compared exactly.

Each test runs in a fresh account (the access key id is the account), so account-wide numbers
are exact. The server's clock is manual: nothing moves unless a test calls headroom.advance(),
so every write between two advances carries the same timestamp. CLI start-up costs about a
second of CPU per call, so calls that do not depend on each other run two at a time (together).
"""
import base64
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

# The CLIs are programs of their own, whichever Python runs pytest: drive them once, from the
# Debian stack's run (ctest runs this directory under both stacks). A mark, not a module-level
# skip: the image stack's e2e_boto3_image_cli shard then has tests (skipped) and passes, where a
# file with none collected makes pytest exit 5.
pytestmark = pytest.mark.skipif(os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"),
                                reason="the AWS CLIs are driven from the Debian Python stack's run")

REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
# The CLI's exit status on a service error: v1 exits 255, v2 exits 254.
ERROR_EXIT = {1: 255, 2: 254}
# DeleteFunction's output: v1's newer Lambda model maps the HTTP status into the output
# (StatusCode), v2.9's model has no output at all.
FUNCTION_DELETED = ({"StatusCode": 204}, None)
ERROR_LINE = re.compile(r"An error occurred \((\w+)\) when calling the (\w+) operation"
                        r"(?: \(reached max retries: \d+\))?: (.*)\Z", re.S)


def clis():
    """The distinct AWS CLIs on this machine; a pyenv shim is replaced by the aws it runs, so that
    the image's CLI is not run twice when both the shim and its target are on PATH."""
    found = []
    for path in (os.path.expanduser("~/.pyenv/shims/aws"), shutil.which("aws"), "/usr/bin/aws"):
        if path and os.path.exists(path):
            path = unshimmed(path)
            if os.path.realpath(path) not in [os.path.realpath(p) for p in found]:
                found.append(path)
    return found


def unshimmed(path):
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    if os.path.dirname(path) != os.path.join(root, "shims"):
        return path
    pyenv = shutil.which("pyenv") or os.path.join(root, "bin", "pyenv")
    try:
        out = subprocess.run([pyenv, "which", "aws"], capture_output=True, text=True, timeout=30)
    except OSError:
        return path
    target = out.stdout.strip()
    return target if out.returncode == 0 and os.path.exists(target) else path


_major_versions = {}
_accounts = itertools.count(100000000001)


def major_version(path):
    if path not in _major_versions:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        match = re.search(r"aws-cli/(\d+)\.", out.stdout + out.stderr)
        assert match, out.stdout + out.stderr
        _major_versions[path] = int(match.group(1))
    return _major_versions[path]


class Aws:
    """One AWS CLI pointed at headroom, in its own account, run from a scratch directory."""

    def __init__(self, path, url, account, workdir):
        self.path, self.url, self.account, self.workdir = path, url, account, workdir
        self.major = major_version(path)
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID=account, AWS_SECRET_ACCESS_KEY="secret",
                        AWS_DEFAULT_REGION=REGION, AWS_EC2_METADATA_DISABLED="true",
                        AWS_MAX_ATTEMPTS="1", AWS_PAGER="")

    def __call__(self, command, *args, error=None, service="lambda"):
        """Runs `aws SERVICE COMMAND ARGS --output json`; returns its parsed JSON (None when it
        printed nothing). With error=(code, message) the command must fail with exactly that."""
        out = subprocess.run(
            [self.path, "--endpoint-url", self.url, "--output", "json", service, command,
             *map(str, args)],
            env=self.env, cwd=self.workdir, capture_output=True, text=True, timeout=60)
        if error is None:
            assert out.returncode == 0, out.stderr
            return json.loads(out.stdout) if out.stdout.strip() else None
        assert out.returncode == ERROR_EXIT[self.major], (out.returncode, out.stdout, out.stderr)
        match = ERROR_LINE.search(out.stderr.rstrip("\n"))
        assert match, out.stderr
        assert (match.group(1), match.group(3)) == error, out.stderr
        return None

    def arn(self, name, qualifier=None):
        arn = "arn:aws:lambda:%s:%s:function:%s" % (REGION, self.account, name)
        return arn + ":" + qualifier if qualifier else arn


@pytest.fixture(params=clis())
def aws(request, headroom, tmp_path):
    return Aws(request.param, headroom.url, "%012d" % next(_accounts), tmp_path)


def together(*calls):
    """Runs independent CLI calls two at a time (the machine has two cores); their results in order."""
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(call) for call in calls]
        return [f.result() for f in futures]


def write_zip(directory, text):
    """A deployment package with handler.py holding `text`: (its fileb:// argument, its bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", text)
    data = buf.getvalue()
    path = directory / ("code-%s.zip" % hashlib.sha256(data).hexdigest()[:12])
    path.write_bytes(data)
    return "fileb://" + str(path), data


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def download(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def instant(value):
    """A timestamp as the CLI prints it: a string field as sent ("...+0000"), or a Date field,
    which v1 prints as epoch seconds and v2 as ISO 8601."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    return datetime.fromisoformat(value)


def create(aws, name, *extra):
    zip_arg, _ = write_zip(aws.workdir, "def handler(event, context):\n    return event\n")
    return aws("create-function", "--function-name", name, "--runtime", "python3.12",
               "--handler", "handler.handler", "--role", ROLE, "--zip-file", zip_arg, *extra)


def test_functions_versions_and_code(aws):
    first_arg, first = write_zip(aws.workdir, "def handler(event, context):\n    return 1\n")
    created = aws("create-function", "--function-name", "cli-fn", "--runtime", "python3.12",
                  "--handler", "handler.handler", "--role", ROLE, "--zip-file", first_arg,
                  "--description", "made by the CLI", "--timeout", 5, "--memory-size", 256,
                  "--environment", "Variables={GREETING=hello}")
    assert {k: created[k] for k in ("FunctionName", "FunctionArn", "Runtime", "Role", "Handler",
                                    "CodeSize", "CodeSha256", "Description", "Timeout",
                                    "MemorySize", "Version", "Environment", "State",
                                    "StateReasonCode", "PackageType")} == {
        "FunctionName": "cli-fn", "FunctionArn": aws.arn("cli-fn"), "Runtime": "python3.12",
        "Role": ROLE, "Handler": "handler.handler", "CodeSize": len(first),
        "CodeSha256": sha256_b64(first), "Description": "made by the CLI", "Timeout": 5,
        "MemorySize": 256, "Version": "$LATEST", "Environment": {"Variables": {"GREETING": "hello"}},
        "State": "Pending", "StateReasonCode": "Creating", "PackageType": "Zip"}

    got = aws("get-function", "--function-name", "cli-fn")
    assert (got["Configuration"]["State"], got["Configuration"]["LastUpdateStatus"]) == ("Active", "Successful")
    assert got["Configuration"]["RevisionId"] != created["RevisionId"]  # activation is a revision
    assert got["Code"]["RepositoryType"] == "S3"
    assert download(got["Code"]["Location"]) == first
    assert "Concurrency" not in got

    updated = aws("update-function-configuration", "--function-name", "cli-fn", "--timeout", 30,
                  "--environment", "Variables={GREETING=hi,TARGET=world}")
    assert (updated["Timeout"], updated["LastUpdateStatus"]) == (30, "InProgress")
    settled = aws("get-function-configuration", "--function-name", "cli-fn")
    assert (settled["Timeout"], settled["MemorySize"], settled["Description"]) == (30, 256, "made by the CLI")
    assert settled["Environment"] == {"Variables": {"GREETING": "hi", "TARGET": "world"}}
    assert settled["LastUpdateStatus"] == "Successful"
    v1 = aws("publish-version", "--function-name", "cli-fn", "--description", "first cut",
             "--revision-id", settled["RevisionId"])
    assert (v1["Version"], v1["FunctionArn"], v1["Description"]) == ("1", aws.arn("cli-fn", "1"), "first cut")
    assert (v1["Timeout"], v1["CodeSha256"]) == (30, sha256_b64(first))

    second_arg, second = write_zip(aws.workdir, "def handler(event, context):\n    return 2\n")
    v2 = aws("update-function-code", "--function-name", "cli-fn", "--zip-file", second_arg, "--publish")
    assert (v2["Version"], v2["FunctionArn"]) == ("2", aws.arn("cli-fn", "2"))
    assert (v2["CodeSha256"], v2["CodeSize"]) == (sha256_b64(second), len(second))

    old, versions, functions, settings = together(
        lambda: aws("get-function", "--function-name", "cli-fn", "--qualifier", "1"),
        lambda: aws("list-versions-by-function", "--function-name", "cli-fn"),
        lambda: aws("list-functions", "--function-version", "ALL"),
        lambda: aws("get-account-settings"))
    # Each version keeps its own package: version 1 still serves the first zip.
    assert old["Configuration"]["Version"] == "1"
    assert download(old["Code"]["Location"]) == first
    assert [(v["Version"], v["FunctionArn"], v["CodeSha256"], v["Description"])
            for v in versions["Versions"]] == [
        ("$LATEST", aws.arn("cli-fn", "$LATEST"), sha256_b64(second), "made by the CLI"),
        ("1", aws.arn("cli-fn", "1"), sha256_b64(first), "first cut"),
        ("2", aws.arn("cli-fn", "2"), sha256_b64(second), "made by the CLI")]
    assert [f["FunctionArn"] for f in functions["Functions"]] == [
        v["FunctionArn"] for v in versions["Versions"]]
    assert settings == {
        "AccountLimit": {"TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000,
                         "CodeSizeZipped": 52428800, "ConcurrentExecutions": 1000,
                         "UnreservedConcurrentExecutions": 1000},
        "AccountUsage": {"TotalCodeSize": len(first) + 2 * len(second), "FunctionCount": 1}}

    assert aws("delete-function", "--function-name", "cli-fn", "--qualifier", "1") in FUNCTION_DELETED
    together(
        lambda: aws("get-function-configuration", "--function-name", "cli-fn", "--qualifier", "1",
                    error=("ResourceNotFoundException", "Function not found: " + aws.arn("cli-fn", "1"))),
        lambda: aws("delete-function", "--function-name", "cli-fn", "--qualifier", "$LATEST",
                    error=("InvalidParameterValueException",
                           "$LATEST version cannot be deleted without deleting the function.")))
    assert aws("delete-function", "--function-name", "cli-fn") in FUNCTION_DELETED
    aws("get-function", "--function-name", "cli-fn",
        error=("ResourceNotFoundException", "Function not found: " + aws.arn("cli-fn")))


def test_aliases(aws):
    create(aws, "aliased", "--publish")
    new_code, _ = write_zip(aws.workdir, "# version 2\n")
    assert aws("update-function-code", "--function-name", "aliased", "--zip-file", new_code,
               "--publish")["Version"] == "2"

    live, canary = together(
        lambda: aws("create-alias", "--function-name", "aliased", "--name", "live",
                    "--function-version", 1, "--description", "what users get"),
        lambda: aws("create-alias", "--function-name", "aliased", "--name", "canary",
                    "--function-version", 2, "--routing-config", "AdditionalVersionWeights={1=0.25}"))
    assert {k: v for k, v in live.items() if k != "RevisionId"} == {
        "AliasArn": aws.arn("aliased", "live"), "Name": "live", "FunctionVersion": "1",
        "Description": "what users get"}
    assert (canary["FunctionVersion"], canary["RoutingConfig"]) == (
        "2", {"AdditionalVersionWeights": {"1": 0.25}})
    got, listed, _, _ = together(
        lambda: aws("get-alias", "--function-name", "aliased", "--name", "live"),
        lambda: aws("list-aliases", "--function-name", "aliased"),
        lambda: aws("update-alias", "--function-name", "aliased", "--name", "live",
                    "--function-version", 2, "--revision-id", canary["RevisionId"],
                    error=("PreconditionFailedException", "The Revision Id provided does not match "
                           "the latest Revision Id. Call the GetFunction/GetAlias API to retrieve "
                           "the latest Revision Id")),
        lambda: aws("delete-function", "--function-name", "aliased", "--qualifier", 2,
                    error=("ResourceConflictException",
                           "Unable to delete version because the following aliases reference it: [canary]")))
    assert got == live
    assert listed["Aliases"] == [canary, live]

    moved = aws("update-alias", "--function-name", "aliased", "--name", "live",
                "--function-version", 2, "--routing-config", "AdditionalVersionWeights={1=0.1}",
                "--revision-id", live["RevisionId"])
    assert {k: v for k, v in moved.items() if k != "RevisionId"} == {
        "AliasArn": aws.arn("aliased", "live"), "Name": "live", "FunctionVersion": "2",
        "Description": "what users get", "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.1}}}
    assert moved["RevisionId"] != live["RevisionId"]

    assert aws("delete-alias", "--function-name", "aliased", "--name", "canary") is None
    _, remaining = together(
        lambda: aws("get-alias", "--function-name", "aliased", "--name", "canary",
                    error=("ResourceNotFoundException",
                           "Cannot find alias arn: " + aws.arn("aliased", "canary"))),
        lambda: aws("list-aliases", "--function-name", "aliased", "--function-version", 2))
    assert remaining["Aliases"] == [moved]


def test_reserved_and_provisioned_concurrency(aws, headroom):
    create(aws, "busy", "--publish")
    _, reserved = together(
        lambda: aws("create-alias", "--function-name", "busy", "--name", "live", "--function-version", 1),
        lambda: aws("put-function-concurrency", "--function-name", "busy",
                    "--reserved-concurrent-executions", 20))
    assert reserved == {"ReservedConcurrentExecutions": 20}

    put = aws("put-provisioned-concurrency-config", "--function-name", "busy", "--qualifier", "live",
              "--provisioned-concurrent-executions", 5)
    assert {k: v for k, v in put.items() if k != "LastModified"} == {
        "RequestedProvisionedConcurrentExecutions": 5, "AvailableProvisionedConcurrentExecutions": 0,
        "AllocatedProvisionedConcurrentExecutions": 0, "Status": "IN_PROGRESS"}
    headroom.advance(3)  # past --pc-allocation-delay (2 s)
    ready = aws("get-provisioned-concurrency-config", "--function-name", "busy", "--qualifier", "live")
    assert {k: v for k, v in ready.items() if k != "LastModified"} == {
        "RequestedProvisionedConcurrentExecutions": 5, "AvailableProvisionedConcurrentExecutions": 5,
        "AllocatedProvisionedConcurrentExecutions": 5, "Status": "READY"}

    listed, got, settings, _ = together(
        lambda: aws("list-provisioned-concurrency-configs", "--function-name", "busy"),
        lambda: aws("get-function-concurrency", "--function-name", "busy"),
        lambda: aws("get-account-settings"),
        lambda: aws("put-function-concurrency", "--function-name", "busy",
                    "--reserved-concurrent-executions", 4,
                    error=("InvalidParameterValueException", " ReservedConcurrentExecutions  4 should "
                           "not be lower than function's total provisioned concurrency [5].")))
    assert listed == {"ProvisionedConcurrencyConfigs": [dict(ready, FunctionArn=aws.arn("busy", "live"))]}
    assert got == {"ReservedConcurrentExecutions": 20}
    # The reservation holds the provisioned 5: the account's unreserved pool lost 20 in all.
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 980

    assert together(
        lambda: aws("delete-provisioned-concurrency-config", "--function-name", "busy", "--qualifier", "live"),
        lambda: aws("delete-function-concurrency", "--function-name", "busy")) == [None, None]
    _, unreserved = together(
        lambda: aws("get-provisioned-concurrency-config", "--function-name", "busy", "--qualifier", "live",
                    error=("ProvisionedConcurrencyConfigNotFoundException",
                           "No Provisioned Concurrency Config found for this function")),
        lambda: aws("get-function-concurrency", "--function-name", "busy"))
    assert unreserved is None  # GetFunctionConcurrency answers {}, which the CLI prints as nothing


def test_provisioned_configs_paged_by_the_cli(aws):
    create(aws, "paged", "--publish")
    published = together(*[
        lambda n=n: aws("update-function-code", "--function-name", "paged", "--zip-file",
                        write_zip(aws.workdir, "# version %d\n" % n)[0], "--publish")
        for n in range(2, 6)])
    assert sorted(v["Version"] for v in published) == ["2", "3", "4", "5"]
    puts = together(*[
        lambda q=q: aws("put-provisioned-concurrency-config", "--function-name", "paged",
                        "--qualifier", q, "--provisioned-concurrent-executions", 1)
        for q in "12345"])
    assert {p["Status"] for p in puts} == {"IN_PROGRESS"}
    every = [aws.arn("paged", q) for q in "12345"]

    def arns(page):
        return [c["FunctionArn"] for c in page["ProvisionedConcurrencyConfigs"]]

    # The CLI's own paging: --page-size 3 asks the server for 3 at a time (MaxItems=3) and
    # --max-items 2 cuts what it prints into pages of 2, resumed with --starting-token. Page 2
    # needs the rest of the server's first page and, through its NextMarker, the second one.
    pages = ["--function-name", "paged", "--page-size", 3, "--max-items", 2]
    page = aws("list-provisioned-concurrency-configs", *pages)
    assert arns(page) == every[:2]
    page = aws("list-provisioned-concurrency-configs", *pages, "--starting-token", page["NextToken"])
    assert arns(page) == every[2:4]
    page = aws("list-provisioned-concurrency-configs", *pages, "--starting-token", page["NextToken"])
    assert arns(page) == every[4:] and "NextToken" not in page


def test_event_invoke_configs(aws):
    created = create(aws, "async", "--publish")
    queue = "arn:aws:sqs:%s:%s:failed-events" % (REGION, aws.account)
    latest, v1 = together(
        lambda: aws("put-function-event-invoke-config", "--function-name", "async",
                    "--maximum-retry-attempts", 1, "--maximum-event-age-in-seconds", 300),
        lambda: aws("put-function-event-invoke-config", "--function-name", "async", "--qualifier", 1,
                    "--destination-config", json.dumps({"OnFailure": {"Destination": queue}})))
    assert {k: v for k, v in latest.items() if k != "LastModified"} == {
        "FunctionArn": aws.arn("async", "$LATEST"), "MaximumRetryAttempts": 1,
        "MaximumEventAgeInSeconds": 300, "DestinationConfig": {"OnSuccess": {}, "OnFailure": {}}}
    # A Date (epoch seconds on the wire); the clock has not moved since CreateFunction.
    assert instant(latest["LastModified"]) == instant(created["LastModified"])
    assert {k: v for k, v in v1.items() if k != "LastModified"} == {
        "FunctionArn": aws.arn("async", "1"),
        "DestinationConfig": {"OnSuccess": {}, "OnFailure": {"Destination": queue}}}

    # Update changes only what it is given (Put replaces the whole config).
    updated = aws("update-function-event-invoke-config", "--function-name", "async",
                  "--maximum-retry-attempts", 0)
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (0, 300)
    got, listed = together(
        lambda: aws("get-function-event-invoke-config", "--function-name", "async"),
        lambda: aws("list-function-event-invoke-configs", "--function-name", "async"))
    assert got == updated
    assert listed == {"FunctionEventInvokeConfigs": [updated, v1]}

    assert together(
        lambda: aws("delete-function-event-invoke-config", "--function-name", "async", "--qualifier", 1),
        lambda: aws("put-function-event-invoke-config", "--function-name", "async", "--destination-config",
                    json.dumps({"OnSuccess": {"Destination": aws.arn("async")}}),
                    error=("InvalidParameterValueException",
                           "You can't specify the function as a destination for itself."))) == [None, None]
    aws("get-function-event-invoke-config", "--function-name", "async", "--qualifier", 1,
        error=("ResourceNotFoundException",
               "The function %s doesn't have an EventInvokeConfig" % aws.arn("async", "1")))


def test_permissions(aws):
    create(aws, "guarded", "--publish")
    bucket = "arn:aws:s3:::uploads"
    added, partner = together(
        lambda: aws("add-permission", "--function-name", "guarded", "--statement-id", "from-s3",
                    "--action", "lambda:InvokeFunction", "--principal", "s3.amazonaws.com",
                    "--source-arn", bucket, "--source-account", aws.account),
        lambda: aws("add-permission", "--function-name", "guarded", "--qualifier", 1,
                    "--statement-id", "partner", "--action", "lambda:GetFunction",
                    "--principal", "222222222222"))
    from_s3 = {"Sid": "from-s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
               "Action": "lambda:InvokeFunction", "Resource": aws.arn("guarded"),
               "Condition": {"StringEquals": {"AWS:SourceAccount": aws.account},
                             "ArnLike": {"AWS:SourceArn": bucket}}}
    assert json.loads(added["Statement"]) == from_s3
    assert json.loads(partner["Statement"]) == {
        "Sid": "partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        "Action": "lambda:GetFunction", "Resource": aws.arn("guarded", "1")}

    policy, versioned, _ = together(
        lambda: aws("get-policy", "--function-name", "guarded"),
        lambda: aws("get-policy", "--function-name", "guarded", "--qualifier", 1),
        lambda: aws("remove-permission", "--function-name", "guarded", "--statement-id", "from-s3",
                    "--revision-id", "00000000-0000-0000-0000-000000000000",
                    error=("PreconditionFailedException", "The Revision Id provided does not match the "
                           "latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")))
    assert json.loads(policy["Policy"]) == {"Version": "2012-10-17", "Id": "default",
                                            "Statement": [from_s3]}
    assert json.loads(versioned["Policy"])["Statement"] == [json.loads(partner["Statement"])]
    assert versioned["RevisionId"] != policy["RevisionId"]

    assert aws("remove-permission", "--function-name", "guarded", "--statement-id", "from-s3",
               "--revision-id", policy["RevisionId"]) is None
    aws("get-policy", "--function-name", "guarded",
        error=("ResourceNotFoundException", "The resource you requested does not exist."))


def test_cloudwatch_and_sns(aws, headroom):
    """CloudWatch through both CLIs: v2.9 speaks the query protocol, v1.45 JSON 1.0."""
    _, state = headroom.admin("GET", "/_headroom/state")
    now = datetime.strptime(state["now"], "%Y-%m-%dT%H:%M:%S.%f%z")
    minute = now.replace(second=0, microsecond=0)
    cw = lambda command, *args, **kw: aws(command, *args, service="cloudwatch", **kw)
    # put-metric-data's own shorthand for dimensions is Name=Value.
    cw("put-metric-data", "--namespace", "Team/App", "--metric-name", "Queue",
       "--dimensions", "Stage=prod", "--value", "7", "--unit", "Count")
    cw("put-metric-data", "--namespace", "Team/App", "--metric-name", "Queue",
       "--dimensions", "Stage=prod", "--value", "3", "--unit", "Count")
    stats = cw("get-metric-statistics", "--namespace", "Team/App", "--metric-name", "Queue",
               "--dimensions", "Name=Stage,Value=prod", "--start-time", minute.isoformat(),
               "--end-time", (minute.timestamp() + 60).__int__(), "--period", "60",
               "--statistics", "Maximum", "Sum", "SampleCount")
    assert [(d["Maximum"], d["Sum"], d["SampleCount"], d["Unit"]) for d in stats["Datapoints"]] == \
        [(7.0, 10.0, 2.0, "Count")]
    listed = cw("list-metrics", "--namespace", "Team/App")
    assert listed["Metrics"] == [{"Namespace": "Team/App", "MetricName": "Queue",
                                  "Dimensions": [{"Name": "Stage", "Value": "prod"}]}]

    topic = aws("create-topic", "--name", "team", service="sns")["TopicArn"]
    assert topic == "arn:aws:sns:%s:%s:team" % (REGION, aws.account)
    cw("put-metric-alarm", "--alarm-name", "queue-high", "--namespace", "Team/App",
       "--metric-name", "Queue", "--dimensions", "Name=Stage,Value=prod", "--statistic", "Maximum",
       "--period", "60", "--evaluation-periods", "1", "--threshold", "5",
       "--comparison-operator", "GreaterThanThreshold", "--alarm-actions", topic)
    alarm = cw("describe-alarms", "--alarm-names", "queue-high")["MetricAlarms"][0]
    assert (alarm["StateValue"], alarm["Threshold"], alarm["AlarmActions"]) == ("INSUFFICIENT_DATA", 5.0, [topic])
    assert alarm["AlarmArn"] == "arn:aws:cloudwatch:%s:%s:alarm:queue-high" % (REGION, aws.account)
    cw("set-alarm-state", "--alarm-name", "queue-high", "--state-value", "ALARM", "--state-reason", "by hand")
    assert cw("describe-alarms", "--state-value", "ALARM")["MetricAlarms"][0]["StateReason"] == "by hand"
    history = cw("describe-alarm-history", "--alarm-name", "queue-high", "--history-item-type", "StateUpdate")
    assert history["AlarmHistoryItems"][0]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM"
    _, log = headroom.admin("GET", "/_headroom/sns/messages")
    mine = [m for m in log if m["TopicArn"] == topic]
    assert len(mine) == 1 and json.loads(mine[0]["Message"])["NewStateValue"] == "ALARM"
    assert mine[0]["Subject"] == 'ALARM: "queue-high" in US East (N. Virginia)'
    cw("put-metric-alarm", "--alarm-name", "bad", "--namespace", "N", "--metric-name", "M",
       "--statistic", "Maximum", "--period", "7", "--evaluation-periods", "1", "--threshold", "1",
       "--comparison-operator", "GreaterThanThreshold",
       error=("ValidationError", "Period must be 10, 20, 30 or a multiple of 60"))
    cw("delete-alarms", "--alarm-names", "queue-high")
    assert cw("describe-alarms")["MetricAlarms"] == []
