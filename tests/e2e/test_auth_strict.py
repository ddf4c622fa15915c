"""Strict SigV4 (`--auth strict`) end to end: real clients sign real requests that pass, and
requests signed by botocore's own SigV4Auth and then tampered with (body, path, a signed header,
the date, the secret, an expired or future date) are refused with AWS's code, status and
message, in the protocol of the API addressed:

  Lambda (rest-json)            403, x-amzn-ErrorType, {"message": ...}
  Service Quotas (JSON 1.1)     400, {"__type": ..., "message": ...}
  CloudWatch JSON 1.0           400, with x-amzn-query-error carrying the query code
  CloudWatch / SNS (query XML)  SignatureDoesNotMatch 403, InvalidClientTokenId 403, ...

The clock-skew check uses the real time whatever the server's clock: this server runs the
manual clock (conftest) and a request signed now passes after the server's clock was moved an
hour on.
"""
import datetime
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import Headroom
from invoke_helpers import make_zip

ONE = ("AKIAHEADROOMONE00001", "secret-one", "111111111111", None)
TWO = ("AKIAHEADROOMTWO00002", "secret-two", "222222222222", None)
TEMP = ("ASIAHEADROOMTEMP0003", "secret-temp", "333333333333", "the-session-token")
ADMIN = "the-admin-token"
REGION = "us-east-1"
ROLE = "arn:aws:iam::000000000000:role/r"
MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.")
INVALID_TOKEN = "The security token included in the request is invalid."
UTC = datetime.timezone.utc


def credentials_file(*keys):
    fd, path = tempfile.mkstemp(prefix="headroom-credentials-", suffix=".yaml")
    with os.fdopen(fd, "w") as f:
        for key_id, secret, account, token in keys:
            f.write('%s:\n  secret_access_key: "%s"\n  account_id: "%s"\n' % (key_id, secret, account))
            if token:
                f.write('  session_token: "%s"\n' % token)
    return path


@pytest.fixture(scope="module")
def strict():
    path = credentials_file(ONE, TWO, TEMP)
    server = Headroom("--auth", "strict", "--credentials", path, "--admin-token", ADMIN)
    yield server
    assert server.stop() == 0
    os.remove(path)


def aws(server, service, key=ONE, secret=None, token=None):
    key_id, real_secret, _, real_token = key
    return boto3.client(
        service, endpoint_url=server.url, region_name=REGION, aws_access_key_id=key_id,
        aws_secret_access_key=secret or real_secret, aws_session_token=token or real_token,
        config=Config(retries={"total_max_attempts": 1}))


def error_of(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def cloudwatch_speaks_json():
    """boto3 >= 1.42 sends CloudWatch JSON 1.0; older ones the query protocol."""
    return tuple(int(p) for p in boto3.__version__.split(".")[:2]) >= (1, 42)


# ---- real clients pass ----------------------------------------------------------------------

def test_signed_requests_of_every_api_pass_and_act_for_the_keys_account(strict):
    lam = aws(strict, "lambda")
    lam.create_function(FunctionName="strict-fn", Runtime="python3.12", Handler="headroom.simulated", Role=ROLE,
                        Code={"ZipFile": make_zip({"README": "simulated"})})
    arn = lam.get_function(FunctionName="strict-fn")["Configuration"]["FunctionArn"]
    assert arn == "arn:aws:lambda:us-east-1:111111111111:function:strict-fn"
    assert lam.invoke(FunctionName="strict-fn", Payload=b"{}")["StatusCode"] == 200
    # ARNs carry the account: a partial ARN path is double-encoded in the canonical request.
    assert lam.get_function_configuration(FunctionName=arn)["FunctionName"] == "strict-fn"
    assert [f["FunctionName"] for f in aws(strict, "lambda", TWO).list_functions()["Functions"]] == []

    assert aws(strict, "cloudwatch").list_metrics(Namespace="AWS/Lambda")["ResponseMetadata"]["HTTPStatusCode"] == 200
    topic = aws(strict, "sns").create_topic(Name="strict-topic")["TopicArn"]
    assert topic == "arn:aws:sns:us-east-1:111111111111:strict-topic"
    quota = aws(strict, "service-quotas").get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")["Quota"]
    assert ":111111111111:" in quota["QuotaArn"]


def test_a_session_token_must_match(strict):
    assert aws(strict, "lambda", TEMP).get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 1000
    with pytest.raises(ClientError) as e:
        aws(strict, "lambda", TEMP, token="another-token").get_account_settings()
    assert error_of(e) == ("UnrecognizedClientException", INVALID_TOKEN, 403)


def test_the_server_clock_does_not_matter(strict):
    status, _ = strict.admin("POST", "/_headroom/clock/advance?seconds=3600", {"x-headroom-admin-token": ADMIN})
    assert status == 200
    assert aws(strict, "lambda").get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 1000


# ---- wrong and unknown keys, per protocol ---------------------------------------------------

def test_wrong_secret_and_unknown_key_in_each_protocol(strict):
    json_cw = cloudwatch_speaks_json()
    cases = [
        ("lambda", lambda c: c.get_account_settings(),
         ("InvalidSignatureException", 403), ("UnrecognizedClientException", 403)),
        ("service-quotas", lambda c: c.list_services(),
         ("InvalidSignatureException", 400), ("UnrecognizedClientException", 400)),
        ("sns", lambda c: c.list_topics(),
         ("SignatureDoesNotMatch", 403), ("InvalidClientTokenId", 403)),
        ("cloudwatch", lambda c: c.list_metrics(),
         ("SignatureDoesNotMatch", 400 if json_cw else 403), ("InvalidClientTokenId", 400 if json_cw else 403)),
    ]
    for service, call, (bad_code, bad_status), (unknown_code, unknown_status) in cases:
        with pytest.raises(ClientError) as e:
            call(aws(strict, service, secret="not-the-secret"))
        code, message, status = error_of(e)
        assert (code, status) == (bad_code, bad_status), service
        assert message.startswith(MISMATCH), service
        if service == "lambda":
            assert message == MISMATCH
        else:  # Coral services say what they expected
            assert "The Canonical String for this request should have been" in message, service
        with pytest.raises(ClientError) as e:
            call(aws(strict, service, ("AKIANOBODYKNOWS00000", "s", "000000000000", None)))
        assert error_of(e) == (unknown_code, INVALID_TOKEN, unknown_status), service


def raw(server, method, path, body=b"", headers=None):
    """Sends exactly these bytes and headers; (status, headers, parsed body)."""
    url = urllib.parse.urlsplit(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        headers = dict(headers or {})
        headers.setdefault("Host", url.netloc)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        data = r.read()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, parsed
    finally:
        conn.close()


def test_unsigned_requests_are_refused(strict):
    status, headers, body = raw(strict, "GET", "/2015-03-31/functions/")
    assert (status, headers["x-amzn-errortype"], body) == (
        403, "MissingAuthenticationTokenException", {"message": "Missing Authentication Token"})
    status, _, body = raw(strict, "POST", "/", b"{}", {"X-Amz-Target": "ServiceQuotasV20190624.ListServices",
                                                       "Content-Type": "application/x-amz-json-1.1"})
    assert (status, body) == (400, {"__type": "MissingAuthenticationTokenException",
                                    "message": "Request is missing Authentication Token"})
    status, _, body = raw(strict, "POST", "/", b"Action=ListTopics&Version=2010-03-31",
                          {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and "<Code>MissingAuthenticationToken</Code>" in body


# ---- botocore-signed requests, then tampered with -------------------------------------------

class SignedAt(SigV4Auth):
    """botocore's SigV4Auth, signing as at `when` instead of now."""

    def __init__(self, credentials, service, region, when):
        super().__init__(credentials, service, region)
        self.when = when

    def _modify_request_before_signing(self, request):
        request.context["timestamp"] = self.when.strftime("%Y%m%dT%H%M%SZ")
        super()._modify_request_before_signing(request)


def sign(server, method, path, body=b"", headers=None, key=ONE, secret=None, service="lambda", when=None):
    """The headers botocore's SigV4Auth signs `method path body` with."""
    request = AWSRequest(method=method, url=server.url + path, data=body, headers=dict(headers or {}))
    credentials = Credentials(key[0], secret or key[1], key[3])
    SignedAt(credentials, service, REGION, when or datetime.datetime.now(UTC)).add_auth(request)
    return dict(request.headers.items())


def concurrency_path(name):
    return "/2017-10-31/functions/%s/concurrency" % name


@pytest.fixture(scope="module")
def function(strict):
    lam = aws(strict, "lambda")
    lam.create_function(FunctionName="tamper-fn", Runtime="python3.12", Handler="headroom.simulated", Role=ROLE,
                        Code={"ZipFile": make_zip({"README": "simulated"})})
    return "tamper-fn"


def put_concurrency(strict, function, signed_body, sent_body=None, path=None, **kwargs):
    headers = sign(strict, "PUT", concurrency_path(function), signed_body, **kwargs)
    return raw(strict, "PUT", path or concurrency_path(function), sent_body or signed_body, headers)


def reserved(strict, function):
    return aws(strict, "lambda").get_function_concurrency(FunctionName=function).get("ReservedConcurrentExecutions")


def expect_refused(response, code="InvalidSignatureException", message=MISMATCH):
    status, headers, body = response
    assert (status, headers.get("x-amzn-errortype"), body) == (403, code, {"message": message})


def test_untampered_request_passes(strict, function):
    status, _, body = put_concurrency(strict, function, b'{"ReservedConcurrentExecutions": 5}')
    assert (status, body) == (200, {"ReservedConcurrentExecutions": 5})


def test_changed_body_is_refused(strict, function):
    before = reserved(strict, function)
    expect_refused(put_concurrency(strict, function, b'{"ReservedConcurrentExecutions": 6}',
                                   b'{"ReservedConcurrentExecutions": 9}'))
    assert reserved(strict, function) == before != 9


def test_declared_payload_hash_does_not_cover_a_changed_body(strict, function):
    import hashlib
    signed = b'{"ReservedConcurrentExecutions": 6}'
    headers = sign(strict, "PUT", concurrency_path(function), signed)
    headers["X-Amz-Content-SHA256"] = hashlib.sha256(signed).hexdigest()  # unsigned, and true of `signed`
    expect_refused(raw(strict, "PUT", concurrency_path(function), b'{"ReservedConcurrentExecutions": 9}', headers))


def test_changed_path_is_refused(strict, function):
    aws(strict, "lambda").create_function(FunctionName="tamper-other", Runtime="python3.12",
                                          Handler="headroom.simulated", Role=ROLE,
                                          Code={"ZipFile": make_zip({"README": "simulated"})})
    expect_refused(put_concurrency(strict, function, b'{"ReservedConcurrentExecutions": 3}',
                                   path=concurrency_path("tamper-other")))
    assert reserved(strict, "tamper-other") is None


def test_changed_signed_header_is_refused(strict, function):
    path = "/2015-03-31/functions/%s" % function
    headers = sign(strict, "GET", path)
    assert raw(strict, "GET", path, b"", headers)[0] == 200
    url = urllib.parse.urlsplit(strict.url)
    expect_refused(raw(strict, "GET", path, b"", dict(headers, Host="localhost:%d" % url.port)))
    # Service Quotas: the operation is a signed header.
    body = b'{"ServiceCode": "lambda", "QuotaCode": "L-B99A9384"}'
    headers = sign(strict, "POST", "/", body, {"X-Amz-Target": "ServiceQuotasV20190624.GetServiceQuota",
                                               "Content-Type": "application/x-amz-json-1.1"},
                   service="servicequotas")
    assert raw(strict, "POST", "/", body, headers)[0] == 200
    status, _, reply = raw(strict, "POST", "/", body,
                           dict(headers, **{"X-Amz-Target": "ServiceQuotasV20190624.GetAWSDefaultServiceQuota"}))
    assert status == 400 and reply["__type"] == "InvalidSignatureException"
    assert reply["message"].startswith(MISMATCH)


def test_changed_date_is_refused(strict, function):
    path = "/2015-03-31/functions/%s" % function
    headers = sign(strict, "GET", path)
    later = datetime.datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ") + datetime.timedelta(seconds=1)
    expect_refused(raw(strict, "GET", path, b"", dict(headers, **{"X-Amz-Date": later.strftime("%Y%m%dT%H%M%SZ")})))


def test_wrong_secret_is_refused(strict, function):
    path = "/2015-03-31/functions/%s" % function
    expect_refused(raw(strict, "GET", path, b"", sign(strict, "GET", path, secret="wrong")))


def test_expired_and_future_dates_are_refused(strict, function):
    path = "/2015-03-31/functions/%s" % function
    now = datetime.datetime.now(UTC)
    assert raw(strict, "GET", path, b"", sign(strict, "GET", path, when=now - datetime.timedelta(minutes=4)))[0] == 200
    status, headers, body = raw(strict, "GET", path, b"",
                                sign(strict, "GET", path, when=now - datetime.timedelta(minutes=6)))
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    assert re.fullmatch(r"Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z "
                        r"\(\d{8}T\d{6}Z - 5 min\.\)", body["message"]), body
    status, headers, body = raw(strict, "GET", path, b"",
                                sign(strict, "GET", path, when=now + datetime.timedelta(minutes=20)))
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    assert re.fullmatch(r"Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z "
                        r"\(\d{8}T\d{6}Z \+ 15 min\.\)", body["message"]), body
    # Other services allow 15 minutes into the past.
    form = b"Action=ListTopics&Version=2010-03-31"
    form_headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    ten = sign(strict, "POST", "/", form, form_headers, service="sns", when=now - datetime.timedelta(minutes=10))
    assert raw(strict, "POST", "/", form, ten)[0] == 200
    old = sign(strict, "POST", "/", form, form_headers, service="sns", when=now - datetime.timedelta(minutes=16))
    status, _, body = raw(strict, "POST", "/", form, old)
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in body and "- 15 min.)" in body


def test_credential_scope_is_checked(strict, function):
    path = "/2015-03-31/functions/%s" % function
    expect_refused(raw(strict, "GET", path, b"", sign(strict, "GET", path, service="monitoring")),
                   message="Credential should be scoped to correct service: 'lambda'. ")


# ---- admin endpoints and functions' own keys -------------------------------------------------

def test_admin_endpoints_need_the_token(strict):
    endpoints = [("GET", "/_headroom/health"), ("GET", "/_headroom/state"), ("GET", "/_headroom/sns/messages"),
                 ("GET", "/_headroom/quota/requests"), ("POST", "/_headroom/clock/advance?seconds=0"),
                 ("POST", "/_headroom/quota/requests/no-such-id/approve"), ("GET", "/_headroom/no-such-endpoint")]
    for method, path in endpoints:
        assert strict.admin(method, path)[0] == 403, path
        assert strict.admin(method, path, {"x-headroom-admin-token": "wrong"})[0] == 403, path
        assert strict.admin(method, path, {"x-headroom-admin-token": ADMIN})[0] != 403, path


BOTO3_INSIDE = """
import os
import boto3

def handler(event, context):
    lam = boto3.client("lambda")
    return {"names": [f["FunctionName"] for f in lam.list_functions()["Functions"]],
            "key": os.environ["AWS_ACCESS_KEY_ID"]}
"""


def test_boto3_inside_a_function_signs_for_the_functions_account(strict):
    lam = aws(strict, "lambda", TWO)
    lam.create_function(FunctionName="inside", Runtime="python3.12", Handler="app.handler", Role=ROLE, Timeout=30,
                        Code={"ZipFile": make_zip({"app.py": BOTO3_INSIDE})})
    r = lam.invoke(FunctionName="inside", Payload=b"{}")
    out = json.loads(r["Payload"].read())
    assert "FunctionError" not in r, out
    assert out == {"names": ["inside"], "key": "ASIAHRFN222222222222"}


# ---- the AWS CLIs ---------------------------------------------------------------------------

def test_aws_cli_signs_requests_that_pass(strict, tmp_path):
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        pytest.skip("the AWS CLIs are driven from the Debian Python stack's run")
    from test_cli import ERROR_LINE, clis
    for cli in clis():
        env = dict(os.environ, AWS_ACCESS_KEY_ID=ONE[0], AWS_SECRET_ACCESS_KEY=ONE[1], AWS_DEFAULT_REGION=REGION,
                   AWS_EC2_METADATA_DISABLED="true", AWS_MAX_ATTEMPTS="1", AWS_PAGER="")

        def run(*args, **extra):
            return subprocess.run([cli, "--endpoint-url", strict.url, "--output", "json", *args],
                                  env=dict(env, **extra), cwd=tmp_path, capture_output=True, text=True, timeout=60)

        ok = run("lambda", "get-function", "--function-name", "strict-fn")
        assert ok.returncode == 0, (cli, ok.stderr)
        assert json.loads(ok.stdout)["Configuration"]["FunctionArn"].split(":")[4] == "111111111111"
        ok = run("cloudwatch", "list-metrics", "--namespace", "AWS/Lambda")
        assert ok.returncode == 0, (cli, ok.stderr)
        bad = run("lambda", "get-account-settings", AWS_SECRET_ACCESS_KEY="wrong")
        assert bad.returncode != 0
        match = ERROR_LINE.search(bad.stderr.strip())
        assert match and match.groups() == ("InvalidSignatureException", "GetAccountSettings", MISMATCH), bad.stderr


# ---- permissive mode ------------------------------------------------------------------------

def test_permissive_mode_takes_account_and_region_from_any_signature():
    path = credentials_file(ONE)
    server = Headroom("--credentials", path)
    try:
        wrong = aws(server, "lambda", ONE, secret="anything")
        wrong.create_function(FunctionName="p", Runtime="python3.12", Handler="headroom.simulated", Role=ROLE,
                              Code={"ZipFile": make_zip({"README": "simulated"})})
        arn = wrong.get_function(FunctionName="p")["Configuration"]["FunctionArn"]
        assert arn == "arn:aws:lambda:us-east-1:111111111111:function:p"  # the file's account for its key
        west = boto3.client("lambda", endpoint_url=server.url, region_name="eu-west-1",
                            aws_access_key_id="444444444444", aws_secret_access_key="x")
        west.create_function(FunctionName="p", Runtime="python3.12", Handler="headroom.simulated", Role=ROLE,
                             Code={"ZipFile": make_zip({"README": "simulated"})})
        assert west.get_function(FunctionName="p")["Configuration"]["FunctionArn"] == \
            "arn:aws:lambda:eu-west-1:444444444444:function:p"
        status, headers, body = raw(server, "GET", "/2015-03-31/functions/",
                                    headers={"Authorization": "AWS4-HMAC-SHA256 Credential=x"})
        assert (status, headers["x-amzn-errortype"]) == (403, "IncompleteSignatureException")
    finally:
        assert server.stop() == 0
        os.remove(path)


def test_strict_mode_needs_a_credentials_file(tmp_path):
    from conftest import BINARY
    out = subprocess.run([BINARY, "serve", "--port", "0", "--auth", "strict", "--data-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "--auth strict needs --credentials FILE" in out.stderr
