"""Bad input and the exact errors of the concurrency rules.

Part 1 (raw HTTP, so the bytes are ours): whatever a client sends, headroom answers an AWS-shaped
4xx -- status, `x-amzn-ErrorType`, `x-amzn-RequestId`, a UTF-8 JSON object with `message` or
`Message` -- or, past a hard limit, closes the connection cleanly; never a 5xx, never a crash or
a hang. After every bad request the server must still answer GetAccountSettings.
Spec: /work/shared/spec/aws-lambda-concurrency.md §1.1, §1.2, §7.2.

Part 2 (boto3): every error of spec §2 (except Invoke's 429, Invoke is not served yet) and the
§1.3/§1.4 validation and not-found errors that the other e2e files do not already assert exactly:
error code, HTTP status, exact message, and which of `Type`/`message`/`Message` the body carries
(botocore copies the modeled members of the error body to the top level of the response dict).
"""
import base64
import http.client
import io
import json
import os
import random
import re
import socket
import threading
import time
import uuid
import zipfile

import botocore.session
import pytest
from botocore.exceptions import ClientError

from conftest import Headroom
from test_concurrency import create, wait_ready

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ROLE = "arn:aws:iam::000000000000:role/r"

# Spec §1.3 (BC-L patterns, exactly as AWS prints them in ValidationException messages).
FUNCTION_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?")
# NamespacedFunctionName: the pattern AWS printed in the recorded snapshots
# (test_function_name_and_qualifier_validation[...-get_function], 2025-11-25). Spec §1.3's table
# gives BC-L's newer model pattern instead; AWS's own recorded message is the evidence used here.
NAMESPACED_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?")
QUALIFIER_PATTERN = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"

# Error types a JSON body that is not what the shape says may produce: AWS's deserializer rejects
# it before validation (spec §1.1 table; which of these Lambda uses for each case is unconfirmed).
NOT_DESERIALIZABLE = {"InvalidRequestContentException", "SerializationException",
                      "ValidationException"}


def zip_with(text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", text)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Raw HTTP
# ---------------------------------------------------------------------------------------------

class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "Reply(%s, %r, %r)" % (self.status, self.headers, self.body[:600])


def parse_reply(raw):
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep, "truncated response head: %r" % raw[:600]
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            body, rest = body + rest[:size], rest[size + 2:]
    elif "content-length" in headers:
        body = rest[:int(headers["content-length"])]
        assert len(body) == int(headers["content-length"]), "truncated response body"
    else:
        body = rest
    return Reply(status, headers, body)


def host_port(server):
    host, port = server.url.split("//")[1].split(":")
    return host, int(port)


def exchange(server, data, timeout=30):
    """Sends `data` (raw request bytes, which should ask for Connection: close) on a new
    connection and reads until the server closes it. Returns the first response, or None when
    the server closed (or reset) the connection without one. Fails on a hang."""
    sock = socket.create_connection(host_port(server), timeout=timeout)

    def send():
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server stopped reading: it answered early, or closed

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        raw = read_until_close(sock)
    finally:
        sock.close()
        sender.join(timeout)
    return parse_reply(raw) if raw else None


def read_until_close(sock):
    """Everything the server sends until it closes (or resets) `sock`; fails if it neither
    answers nor closes within the socket's timeout."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(1 << 16)
        except ConnectionResetError:
            break
        except socket.timeout:
            raise AssertionError("the server neither answered nor closed the connection")
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def to_bytes(text):
    return text if isinstance(text, bytes) else text.encode("latin-1")


def request(method, path, body=None, headers=(), length=True):
    lines = [to_bytes(method) + b" " + to_bytes(path) + b" HTTP/1.1", b"Host: headroom",
             b"Connection: close"]
    if body is not None and length:
        lines.append(b"Content-Length: %d" % len(body))
    lines += [to_bytes(k) + b": " + to_bytes(v) for k, v in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def call(server, method, path, body=None, headers=(), **kw):
    return exchange(server, request(method, path, body, headers), **kw)


def assert_aws_error(reply, status, types=None):
    """The AWS shape of an error response (spec §1.1). Returns (error type, parsed body)."""
    assert reply is not None, "the server closed the connection without a response"
    expected = status if isinstance(status, (set, tuple)) else {status}
    assert reply.status in expected, reply
    error_type = reply.header("x-amzn-ErrorType")
    assert error_type, "no x-amzn-ErrorType: %r" % reply
    bare = error_type.split(":")[0].split("#")[-1]  # as botocore reads it
    if types is not None:
        assert bare in ({types} if isinstance(types, str) else types), reply
    assert UUID.fullmatch(reply.header("x-amzn-RequestId") or ""), "x-amzn-RequestId: %r" % reply
    assert (reply.header("Content-Type") or "").startswith("application/json"), reply
    try:
        text = reply.body.decode("utf-8")  # JSON is UTF-8 (RFC 8259 §8.1); botocore decodes it so
    except UnicodeDecodeError as e:
        raise AssertionError("error body is not UTF-8 (%s): %r" % (e, reply.body[:400]))
    body = json.loads(text)
    assert isinstance(body, dict), reply
    key = "message" if "message" in body else "Message"
    assert key in body, "no message/Message in %r" % body
    if bare == "UnknownOperationException":
        assert body[key] is None or isinstance(body[key], str), body
    else:
        assert isinstance(body[key], str) and body[key], body
    return bare, body


def assert_aws_error_or_close(reply, status, types=None):
    """Past a hard limit the server may hang up instead of answering; if it answers, the
    answer must be AWS-shaped."""
    if reply is not None:
        assert_aws_error(reply, status, types)


def assert_alive(server):
    assert server.proc.poll() is None, "headroom has exited with %s" % server.proc.returncode
    reply = call(server, "GET", "/2016-08-19/account-settings", timeout=10)
    assert reply is not None and reply.status == 200, reply
    assert "ConcurrentExecutions" in json.loads(reply.body)["AccountLimit"]


RC = "/2017-10-31/functions/%s/concurrency"
PC = "/2019-09-30/functions/%s/provisioned-concurrency?Qualifier=1"
FUNCTIONS = "/2015-03-31/functions"


def rc_body(value):
    return b'{"ReservedConcurrentExecutions": ' + value + b"}"


def create_body(**override):
    body = {"FunctionName": "typed-" + uuid.uuid4().hex[:8], "Runtime": "python3.12",
            "Role": ROLE, "Handler": "handler.handler",
            "Code": {"ZipFile": base64.b64encode(zip_with("x = 1\n")).decode()}}
    body.update(override)
    return json.dumps(body).encode()


BAD_REQUESTS = [
    # Malformed JSON: InvalidRequestContentException, "The request body could not be parsed as
    # JSON" (BC-L doc of the shape).
    ("json-truncated", "PUT", RC % "f", b'{"ReservedConcurrentExecutions": ', 400,
     {"InvalidRequestContentException"}),
    ("json-not-json", "PUT", RC % "f", b"five please", 400, {"InvalidRequestContentException"}),
    ("json-trailing-comma", "PUT", RC % "f", b'{"ReservedConcurrentExecutions": 1,}', 400,
     {"InvalidRequestContentException"}),
    ("json-trailing-garbage", "PUT", RC % "f", b'{"ReservedConcurrentExecutions": 1} }', 400,
     {"InvalidRequestContentException"}),
    ("json-single-quotes", "PUT", RC % "f", b"{'ReservedConcurrentExecutions': 1}", 400,
     {"InvalidRequestContentException"}),
    ("json-invalid-utf8", "PUT", RC % "f", b'{"ReservedConcurrentExecutions": 1, "x": "\xff\xfe"}',
     400, {"InvalidRequestContentException"}),
    ("json-lone-surrogate", "PUT", RC % "f", b'{"ReservedConcurrentExecutions": 1, "x": "\\ud800"}',
     400, {"InvalidRequestContentException"}),
    ("json-nul-bytes", "PUT", RC % "f", b"\x00\x00\x00\x00", 400,
     {"InvalidRequestContentException"}),
    ("json-deep-lists", "PUT", RC % "f", b"[" * 200000, 400, {"InvalidRequestContentException"}),
    ("json-deep-objects", "PUT", RC % "f", b'{"a":' * 100000, 400,
     {"InvalidRequestContentException"}),
    ("json-deep-valid", "POST", FUNCTIONS, b'{"Tags":' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
     400, NOT_DESERIALIZABLE),
    ("json-truncated-create", "POST", FUNCTIONS, b'{"FunctionName": "x", "Code": {', 400,
     {"InvalidRequestContentException"}),
    # JSON that is not an object.
    ("nonobject-list", "PUT", RC % "f", b"[]", 400, NOT_DESERIALIZABLE),
    ("nonobject-number", "PUT", RC % "f", b"5", 400, NOT_DESERIALIZABLE),
    ("nonobject-string", "PUT", RC % "f", b'"ReservedConcurrentExecutions"', 400,
     NOT_DESERIALIZABLE),
    ("nonobject-true", "PUT", RC % "f", b"true", 400, NOT_DESERIALIZABLE),
    ("nonobject-create", "POST", FUNCTIONS, b'[{"FunctionName": "x"}]', 400, NOT_DESERIALIZABLE),
    # Wrong member types.
    ("type-string-for-int", "PUT", RC % "f", rc_body(b'"five"'), 400, NOT_DESERIALIZABLE),
    ("type-numeric-string", "PUT", RC % "f", rc_body(b'"5"'), 400, NOT_DESERIALIZABLE),
    ("type-decimal", "PUT", RC % "f", rc_body(b"1.5"), 400, NOT_DESERIALIZABLE),
    ("type-exponent", "PUT", RC % "f", rc_body(b"1e400"), 400, NOT_DESERIALIZABLE),
    ("type-bool", "PUT", RC % "f", rc_body(b"true"), 400, NOT_DESERIALIZABLE),
    ("type-list", "PUT", RC % "f", rc_body(b"[1]"), 400, NOT_DESERIALIZABLE),
    ("type-object", "PUT", RC % "f", rc_body(b'{"n": 1}'), 400, NOT_DESERIALIZABLE),
    ("type-int32-overflow", "PUT", RC % "f", rc_body(b"2147483648"), 400, NOT_DESERIALIZABLE),
    ("type-int64-overflow", "PUT", RC % "f", rc_body(b"-99999999999999999999999"), 400,
     NOT_DESERIALIZABLE),
    ("type-pc-string", "PUT", PC % "f", b'{"ProvisionedConcurrentExecutions": "1"}', 400,
     NOT_DESERIALIZABLE),
    ("type-create-name", "POST", FUNCTIONS, create_body(FunctionName=5), 400, NOT_DESERIALIZABLE),
    ("type-create-code", "POST", FUNCTIONS, create_body(Code="UEsDBA=="), 400, NOT_DESERIALIZABLE),
    ("type-create-zip", "POST", FUNCTIONS, create_body(Code={"ZipFile": 5}), 400,
     NOT_DESERIALIZABLE),
    ("type-create-timeout", "POST", FUNCTIONS, create_body(Timeout=2 ** 31), 400,
     NOT_DESERIALIZABLE),
    ("type-create-memory", "POST", FUNCTIONS, create_body(MemorySize=128.5), 400,
     NOT_DESERIALIZABLE),
    ("type-create-publish", "POST", FUNCTIONS, create_body(Publish="yes"), 400, NOT_DESERIALIZABLE),
    ("type-create-env", "POST", FUNCTIONS, create_body(Environment={"Variables": {"A": 1}}), 400,
     NOT_DESERIALIZABLE),
    ("type-create-architectures", "POST", FUNCTIONS, create_body(Architectures="x86_64"), 400,
     NOT_DESERIALIZABLE),
    # Missing required members: Coral's "Value null at '<member>' ... Member must not be null".
    ("missing-rc-empty-object", "PUT", RC % "f", b"{}", 400, {"ValidationException"}),
    ("missing-rc-no-body", "PUT", RC % "f", b"", 400, {"ValidationException"}),
    ("missing-rc-null", "PUT", RC % "f", rc_body(b"null"), 400, {"ValidationException"}),
    ("missing-pc-qualifier", "PUT", "/2019-09-30/functions/f/provisioned-concurrency",
     b'{"ProvisionedConcurrentExecutions": 1}', 400, {"ValidationException"}),
    ("missing-create-all", "POST", FUNCTIONS, b"{}", 400, {"ValidationException"}),
    ("missing-alias-members", "POST", "/2015-03-31/functions/f/aliases", b"{}", 400,
     {"ValidationException"}),
    # Unknown routes and wrong methods (the exact status AWS uses is not recorded: any 4xx).
    ("route-nope", "GET", "/nope", None, {400, 403, 404}, None),
    ("route-root", "GET", "/", None, {400, 403, 404}, None),
    ("route-old-version", "GET", "/2015-03-31/functions/f/concurrency", None, {400, 403, 404}, None),
    ("route-empty-label", "GET", "/2019-09-30/functions//concurrency", None, {400, 403, 404}, None),
    ("route-dot-segments", "GET", "/2019-09-30/functions/../../2016-08-19/account-settings", None,
     {400, 403, 404}, None),
    ("route-wrong-method-post", "POST", "/2016-08-19/account-settings", b"{}", {400, 403, 404, 405},
     None),
    ("route-wrong-method-delete", "DELETE", "/2016-08-19/account-settings", None,
     {400, 403, 404, 405}, None),
    ("route-wrong-method-patch", "PATCH", RC % "f", rc_body(b"1"), {400, 403, 404, 405}, None),
    ("route-unknown-method", "FROB", RC % "f", None, {400, 403, 404, 405, 501}, None),
    # Percent-encoding in the path and query.
    ("pct-not-hex", "GET", "/2019-09-30/functions/%ZZ/concurrency", None, 400, None),
    ("pct-at-end", "GET", "/2019-09-30/functions/f/concurrency%", None, 400, None),
    ("pct-alone", "GET", "/2019-09-30/functions/%/concurrency", None, 400, None),
    ("pct-one-digit", "GET", "/2019-09-30/functions/f%4/concurrency", None, 400, None),
    ("pct-in-query", "GET", "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=%G1", None,
     400, None),
    ("pct-nul", "GET", "/2019-09-30/functions/%00/concurrency", None, 400, {"ValidationException"}),
    ("pct-nul-in-name", "PUT", RC % "f%00g", rc_body(b"1"), 400, {"ValidationException"}),
    ("pct-invalid-utf8", "GET", "/2019-09-30/functions/%FF/concurrency", None, 400,
     {"ValidationException"}),
    ("pct-overlong-utf8", "GET", "/2019-09-30/functions/%C0%80/concurrency", None, 400,
     {"ValidationException"}),
    ("pct-invalid-utf8-query", "GET",
     "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=%FF", None, {400, 404}, None),
    # Long paths below the header limit: a validation error naming the length.
    ("long-name-1000", "GET", "/2019-09-30/functions/%s/concurrency" % ("a" * 1000), None, 400,
     {"ValidationException", "InvalidParameterValueException"}),
    ("long-qualifier-1000", "GET",
     "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=" + "q" * 1000, None, 400,
     {"ValidationException"}),
]


@pytest.mark.parametrize("method,path,body,status,types",
                         [case[1:] for case in BAD_REQUESTS], ids=[case[0] for case in BAD_REQUESTS])
def test_bad_request_is_an_aws_4xx(headroom, method, path, body, status, types):
    reply = call(headroom, method, path, body)
    assert_aws_error(reply, status, types)
    assert_alive(headroom)


def test_validation_messages_for_missing_members(headroom):
    # Coral's wording, as in spec §1.3 ("1 validation error detected: Value ... at '<member>'"),
    # "Value null" for a missing member, several errors joined by "; ".
    def message(method, path, body):
        reply = call(headroom, method, path, body)
        assert_aws_error(reply, 400, "ValidationException")
        return json.loads(reply.body)["message"]

    def null(member):
        return "Value null at '%s' failed to satisfy constraint: Member must not be null" % member

    assert message("PUT", RC % "f", b"{}") == "1 validation error detected: " + null(
        "reservedConcurrentExecutions")
    assert message("PUT", PC % "f", b"{}") == "1 validation error detected: " + null(
        "provisionedConcurrentExecutions")
    assert message("POST", FUNCTIONS, b"{}") == "3 validation errors detected: " + "; ".join(
        null(m) for m in ("functionName", "role", "code"))
    assert message("PUT", RC % "f", b'{"ReservedConcurrentExecutions": -1}') == (
        "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to "
        "satisfy constraint: Member must have value greater than or equal to 0")


# Every body member of the operations headroom serves, replaced by values of the wrong JSON type
# (and one level into structures): always a 400 from the deserializer, never a 5xx or a success.
WRONG_VALUES = {
    "string": [5, True, [], {}],
    "integer": ["5", 1.5, True, [], {}, 2 ** 31, -2 ** 31 - 1],
    "long": ["5", 1.5, True, [], {}, 2 ** 64],
    "boolean": ["true", 1, [], {}],
    "blob": [5, True, [], {}],
    "structure": ["x", 5, True, []],
    "list": ["x", 5, {}],
    "map": ["x", 5, []],
    "timestamp": [True, [], {}],
    "double": ["1.0", True, [], {}],
    "float": ["1.0", True, [], {}],
}


def wrong_bodies(base, shape):
    for name, member in shape.members.items():
        if member.serialization.get("location"):
            continue
        for value in WRONG_VALUES[member.type_name]:
            yield name, dict(base, **{name: value})
        if member.type_name == "structure":
            for sub, submember in member.members.items():
                for value in WRONG_VALUES[submember.type_name]:
                    inner = dict(base.get(name) or {}, **{sub: value})
                    yield name + "." + sub, dict(base, **{name: inner})


def test_every_member_with_a_wrong_type(headroom):
    lam = headroom.client()
    name, _ = create(lam, publish=True)
    zipped = base64.b64encode(zip_with("y = 2\n")).decode()
    model = botocore.session.get_session().get_service_model("lambda")
    cases = {
        "PutFunctionConcurrency": {"ReservedConcurrentExecutions": 1},
        "PutProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1},
        "CreateFunction": {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
                           "Handler": "handler.handler", "Code": {"ZipFile": zipped}},
        "UpdateFunctionConfiguration": {"Timeout": 5},
        "UpdateFunctionCode": {"ZipFile": zipped},
        "PublishVersion": {"Description": "d"},
        "CreateAlias": {"Name": "typed", "FunctionVersion": "1"},
    }
    host, port = host_port(headroom)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    failures = []
    sent = 0
    for op_name, base in cases.items():
        op = model.operation_model(op_name)
        path = op.http["requestUri"].replace("{FunctionName}", name)
        if "Qualifier" in op.input_shape.members:
            path += "?Qualifier=1"
        for member, body in wrong_bodies(base, op.input_shape):
            conn.request(op.http["method"], path, body=json.dumps(body).encode(),
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                          response.read())
            sent += 1
            try:
                assert_aws_error(reply, 400, NOT_DESERIALIZABLE)
            except AssertionError as e:
                failures.append("%s %s=%r: %s" % (op_name, member, body.get(member.split(".")[0]), e))
    conn.close()
    assert sent > 300
    assert not failures, "\n".join(failures[:40])
    assert_alive(headroom)


# --- Huge bodies --------------------------------------------------------------------------------
# AWS answers oversize requests 413 (RequestTooLargeException is the modeled shape, spec §1.1;
# real CreateFunction captures show RequestEntityTooLargeException "Request must be smaller than
# 69905067 bytes for the CreateFunction operation"). Over its hard limit the server may instead
# close the connection; what it must not do is answer in another shape, 5xx, die or hang.
TOO_LARGE = {"RequestTooLargeException", "RequestEntityTooLargeException"}


def padded_rc_body(size):
    head = b'{"ReservedConcurrentExecutions": 1, "Padding": "'
    return head + b"x" * (size - len(head) - 2) + b'"}'


def oversize_create_body(size):
    head = (b'{"FunctionName": "huge", "Runtime": "python3.12", "Role": "' + ROLE.encode() +
            b'", "Handler": "h.h", "Code": {"ZipFile": "')
    return head + b"A" * (size - len(head) - 3) + b'"}}'


def chunked(body, chunk=1 << 20):
    out = b""
    for i in range(0, len(body), chunk):
        piece = body[i:i + chunk]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


@pytest.mark.parametrize("size", [8 << 20, 32 << 20], ids=["8MB", "32MB"])
def test_huge_put_function_concurrency(headroom, size):
    reply = call(headroom, "PUT", RC % "f", padded_rc_body(size))
    assert_aws_error_or_close(reply, 413, TOO_LARGE)
    assert_alive(headroom)


def test_huge_chunked_put_function_concurrency(headroom):
    data = request("PUT", RC % "f", chunked(padded_rc_body(8 << 20)),
                   headers=[("Transfer-Encoding", "chunked")], length=False)
    assert_aws_error_or_close(exchange(headroom, data), 413, TOO_LARGE)
    assert_alive(headroom)


def test_huge_body_announced_with_expect_continue(headroom):
    # The client waits for "100 Continue" before sending the body; the server must answer the
    # announced size at once (a final status instead of 100) or close, not wait for the body.
    head = request("PUT", RC % "f", None, headers=[("Content-Length", str(80 << 20)),
                                                     ("Expect", "100-continue")])
    assert_aws_error_or_close(exchange(headroom, head, timeout=15), 413, TOO_LARGE)
    assert_alive(headroom)


def test_create_function_over_the_aws_request_limit(headroom):
    reply = call(headroom, "POST", FUNCTIONS, oversize_create_body(69905067 + 1024))
    assert_aws_error_or_close(reply, 413, TOO_LARGE)
    assert_alive(headroom)


def test_create_function_with_a_multi_megabyte_zip(headroom):
    # AWS takes a directly uploaded .zip up to 50 MB (AccountLimit.CodeSizeZipped = 52428800,
    # spec §1.2; requests up to 69905067 bytes): a 7 MB package (9.3 MB of base64) is ordinary.
    lam = headroom.client()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("handler.py", "def handler(event, context):\n    return event\n")
        z.writestr("blob.bin", random.Random(7).randbytes(7 << 20))
    package = buf.getvalue()
    name = "big-" + uuid.uuid4().hex[:8]
    r = lam.create_function(FunctionName=name, Runtime="python3.12", Handler="handler.handler",
                            Role=ROLE, Code={"ZipFile": package})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert r["CodeSize"] == len(package)
    assert_alive(headroom)


# --- Over-long request heads --------------------------------------------------------------------

def test_over_long_path(headroom):
    reply = call(headroom, "GET", "/2019-09-30/functions/%s/concurrency" % ("a" * 40000))
    assert_aws_error_or_close(reply, {400, 414, 431}, None)
    assert_alive(headroom)


def test_over_long_header(headroom):
    reply = call(headroom, "GET", "/2016-08-19/account-settings", headers=[("X-Big", "b" * 40000)])
    assert_aws_error_or_close(reply, {400, 431}, None)
    assert_alive(headroom)


# --- Malformed Authorization (spec §7.2; Lambda answers 403 for every row) ---------------------
DATE = "20260101T000000Z"
REQUIRES = {
    "Credential": "Authorization header requires 'Credential' parameter. ",
    "Signature": "Authorization header requires 'Signature' parameter. ",
    "SignedHeaders": "Authorization header requires 'SignedHeaders' parameter. ",
    "date": "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
}
GOOD_SCOPE = "000000000000/20260101/us-east-1/lambda/aws4_request"


def auth_error(server, authorization, date=None, path="/2016-08-19/account-settings"):
    headers = [("Authorization", authorization)]
    if date is not None:
        headers.append(("X-Amz-Date", date))
    reply = call(server, "GET", path, headers=headers)
    error_type, body = assert_aws_error(reply, 403)
    assert_alive(server)
    return error_type, body.get("message", body.get("Message"))


def test_authorization_garbage_after_algorithm(headroom):
    header = "AWS4-HMAC-SHA256 garbage"
    assert auth_error(headroom, header) == ("IncompleteSignatureException", "".join(
        REQUIRES[k] for k in ("Credential", "Signature", "SignedHeaders", "date"))
        + "Authorization=" + header)
    assert auth_error(headroom, header, DATE) == ("IncompleteSignatureException", "".join(
        REQUIRES[k] for k in ("Credential", "Signature", "SignedHeaders")) + "Authorization=" + header)


def test_authorization_missing_one_part(headroom):
    header = "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host;x-amz-date" % GOOD_SCOPE
    assert auth_error(headroom, header, DATE) == (
        "IncompleteSignatureException", REQUIRES["Signature"] + "Authorization=" + header)
    header = "AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=abcd"
    assert auth_error(headroom, header, DATE) == (
        "IncompleteSignatureException", REQUIRES["Credential"] + "Authorization=" + header)


@pytest.mark.parametrize("header", ["Bearer abc.def", "Basic dXNlcjpwYXNz", "garbage", "AWS abc:def",
                                    "AWS3 x"])
def test_authorization_not_sigv4(headroom, header):
    assert auth_error(headroom, header, DATE) == (
        "MissingAuthenticationTokenException", "Missing Authentication Token")


def test_authorization_bad_date(headroom):
    header = "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host, Signature=abcd" % GOOD_SCOPE
    for date in ("yesterday", "2026-01-01T00:00:00Z", "20261301T000000Z"):
        assert auth_error(headroom, header, date) == (
            "IncompleteSignatureException",
            "Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601"
            % date)


def test_authorization_wrong_algorithm(headroom):
    header = "AWS4-HMAC-SHA1 Credential=%s, SignedHeaders=host, Signature=abcd" % GOOD_SCOPE
    assert auth_error(headroom, header, DATE) == (
        "IncompleteSignatureException",
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ")


def test_authorization_short_credential(headroom):
    header = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1, SignedHeaders=host, Signature=ab"
    assert auth_error(headroom, header, DATE) == (
        "IncompleteSignatureException",
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
        "got 'AKID/20260101/us-east-1'")


def test_authorization_with_non_ascii_bytes(headroom):
    # The header is echoed in the message: the body must still be UTF-8 JSON.
    error_type, message = auth_error(headroom, b"AWS4-HMAC-SHA256 Credential=\xff\xfe\x80")
    assert error_type == "IncompleteSignatureException"
    assert message.startswith(REQUIRES["Signature"])


def test_authorization_on_a_write_is_checked_before_the_body(headroom):
    error_type, _ = auth_error(headroom, "AWS4-HMAC-SHA256 garbage", DATE, path=RC % "f")
    assert error_type == "IncompleteSignatureException"


# --- Broken HTTP --------------------------------------------------------------------------------
# Below the protocol no AWS shape is defined; the server must answer some 4xx or close, and live.

@pytest.mark.parametrize("data", [
    b"GARBAGE\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64),  # a TLS ClientHello
    b"GET /2016-08-19/account-settings HTTP/9.9\r\nHost: x\r\n\r\n",
    b"PUT /2017-10-31/functions/f/concurrency HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
    b"PUT /2017-10-31/functions/f/concurrency HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n{}",
    b"PUT /2017-10-31/functions/f/concurrency HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
    b"Content-Length: 3\r\n\r\n{}",
    b"PUT /2017-10-31/functions/f/concurrency HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    b"\r\nzz\r\n{}\r\n0\r\n\r\n",
    b"GET /2016-08-19/account-settings HTTP/1.1\r\nBad Header Line\r\n\r\n",
    b"GET /2016-08-19/account-settings HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n",
], ids=["garbage", "tls", "http-9.9", "cl-text", "cl-negative", "cl-twice", "bad-chunk",
        "no-colon", "nul-in-header"])
def test_broken_http_is_refused_and_survived(headroom, data):
    reply = exchange(headroom, data, timeout=20)
    if reply is not None:
        assert 400 <= reply.status < 500, reply
    assert_alive(headroom)


def test_truncated_and_stalled_requests_do_not_block_others(headroom):
    host, port = host_port(headroom)
    stalled = []
    for data in (b"GET /2016-08-19/acc",  # half a request line
                 b"PUT /2017-10-31/functions/f/concurrency HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Length: 1000\r\n\r\n{\"Reserved"):  # half a body
        s = socket.create_connection((host, port), timeout=10)
        s.sendall(data)
        stalled.append(s)
    try:
        started = time.monotonic()
        assert_alive(headroom)
        assert time.monotonic() - started < 5
    finally:
        for s in stalled:
            s.close()
    # A client that hangs up mid-body.
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b"PUT /2017-10-31/functions/f/concurrency HTTP/1.1\r\nHost: x\r\n"
              b"Content-Length: 100000\r\n\r\n" + b"{" * 5000)
    s.close()
    assert_alive(headroom)


def test_errors_keep_the_connection_usable(headroom):
    # An error answer must not desynchronise a keep-alive connection (botocore reuses them).
    host, port = host_port(headroom)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    for method, path, body, status in [
            ("PUT", RC % "f", b'{"ReservedConcurrentExecutions": ' + b" " * 5000, 400),
            ("GET", "/2019-09-30/functions/%ZZ/concurrency", None, 400),
            ("GET", "/nope", None, 404),
            ("PUT", RC % "does-not-exist", rc_body(b"1"), 404),
            ("GET", "/2016-08-19/account-settings", None, 200)]:
        conn.request(method, path, body=body)
        response = conn.getresponse()
        response.read()
        assert response.status == status, (method, path, response.status)
    conn.close()


# ---------------------------------------------------------------------------------------------
# Part 2: the exact errors, through boto3
# ---------------------------------------------------------------------------------------------

def arn(lam, name="", qualifier=None):
    account = lam._request_signer._credentials.access_key
    out = "arn:aws:lambda:us-east-1:%s:function:%s" % (account, name)
    return out + (":" + qualifier if qualifier else "")


@pytest.fixture
def fresh(headroom):
    """A client of an account of its own, so the allocations of one test do not move another's
    numbers."""
    return headroom.client(account="%012d" % random.randrange(10 ** 11, 10 ** 12))


def error_of(fn, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(**kwargs)
    return e.value.response


def assert_error(r, code, status, message, keys):
    """`keys`: which of Type / message / Message the error body has (spec §1.1, §2)."""
    assert r["Error"]["Code"] == code, r
    assert r["ResponseMetadata"]["HTTPStatusCode"] == status, r
    assert r["Error"]["Message"] == message, r
    assert UUID.fullmatch(r["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid", ""))
    assert {k for k in ("Type", "message", "Message") if k in r} == set(keys), r
    if "Type" in keys:
        assert r["Type"] == "User"
    for key in {"message", "Message"} & set(keys):
        assert r[key] == message


INVALID = "InvalidParameterValueException"
MESSAGE_ONLY = {"message"}
TYPED = {"Type", "message"}
NOT_FOUND_KEYS = {"Message", "Type"}
RC_MINIMUM = ("Specified ReservedConcurrentExecutions for function decreases account's "
              "UnreservedConcurrentExecution below its minimum value of [%d].")
PC_MINIMUM = ("Specified ConcurrentExecutions for function decreases account's "
              "UnreservedConcurrentExecution below its minimum value of [%d].")
PC_OVER_UNRESERVED = ("Specified ConcurrentExecutions for function is greater than account's "
                      "unreserved concurrency [%d].")
PC_OVER_RC = ("Requested Provisioned Concurrency should not be greater than the "
              "reservedConcurrentExecution for function")
RC_UNDER_PC = " ReservedConcurrentExecutions  %d should not be lower than function's total provisioned concurrency [%d]."
LATEST_PC = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
LATEST_GET = "The function resource provided must be an alias or a published version."
ALIAS_ON_PROVISIONED = ("Alias can't be used for Provisioned Concurrency configuration on an already "
                        "Provisioned version")
VERSION_UNDER_ALIAS = "Version is pointed by a Provisioned Concurrency alias"


def publish_versions(lam, name, count):
    for i in range(count):
        v = lam.update_function_code(FunctionName=name, ZipFile=zip_with("# %s\n" % uuid.uuid4()),
                                     Publish=True)
        assert v["Version"].isdigit()


# --- Spec §2 ------------------------------------------------------------------------------------

def test_rc_above_the_account_limit_is_the_minimum_error(fresh):
    a, _ = create(fresh)
    for value in (901, 1001, 5000, 2 ** 31 - 1):
        r = error_of(fresh.put_function_concurrency, FunctionName=a, ReservedConcurrentExecutions=value)
        assert_error(r, INVALID, 400, RC_MINIMUM % 100, MESSAGE_ONLY)
    assert fresh.put_function_concurrency(
        FunctionName=a, ReservedConcurrentExecutions=900)["ReservedConcurrentExecutions"] == 900
    assert fresh.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 100
    # Replacing the function's own RC gives the old value back first (spec §3.2): 900 -> 900 fits.
    fresh.put_function_concurrency(FunctionName=a, ReservedConcurrentExecutions=900)
    b, _ = create(fresh)
    r = error_of(fresh.put_function_concurrency, FunctionName=b, ReservedConcurrentExecutions=1)
    assert_error(r, INVALID, 400, RC_MINIMUM % 100, MESSAGE_ONLY)
    # Zero only gives concurrency back, so it always fits.
    assert fresh.put_function_concurrency(
        FunctionName=b, ReservedConcurrentExecutions=0)["ReservedConcurrentExecutions"] == 0


def test_pc_greater_than_the_unreserved_concurrency(fresh):
    name, _ = create(fresh, publish=True)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                 ProvisionedConcurrentExecutions=1001)
    assert_error(r, INVALID, 400, PC_OVER_UNRESERVED % 1000, MESSAGE_ONLY)
    # The number is the account's unreserved concurrency (derived from the rule's wording).
    other, _ = create(fresh)
    fresh.put_function_concurrency(FunctionName=other, ReservedConcurrentExecutions=300)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                 ProvisionedConcurrentExecutions=701)
    assert_error(r, INVALID, 400, PC_OVER_UNRESERVED % 700, MESSAGE_ONLY)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                 ProvisionedConcurrentExecutions=700)
    assert_error(r, INVALID, 400, PC_MINIMUM % 100, MESSAGE_ONLY)
    assert fresh.list_provisioned_concurrency_configs(FunctionName=name)[
        "ProvisionedConcurrencyConfigs"] == []


@pytest.fixture(scope="module")
def small():
    """An account limit of 200 with the usual minimum of 100 (spec §2's minimum messages)."""
    server = Headroom("--account-limit", "200", "--unreserved-min", "100")
    yield server
    assert server.stop() == 0, "headroom did not shut down cleanly on SIGTERM"


@pytest.fixture(scope="module")
def lowered():
    """A lowered minimum: real accounts show [10] and [50] in these messages (spec §2)."""
    server = Headroom("--account-limit", "200", "--unreserved-min", "50")
    yield server
    assert server.stop() == 0, "headroom did not shut down cleanly on SIGTERM"


def test_minimum_messages_with_a_small_limit(small):
    lam = small.client()
    limits = lam.get_account_settings()["AccountLimit"]
    assert (limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]) == (200, 200)
    a, _ = create(lam, publish=True)
    r = error_of(lam.put_function_concurrency, FunctionName=a, ReservedConcurrentExecutions=101)
    assert_error(r, INVALID, 400, RC_MINIMUM % 100, MESSAGE_ONLY)
    r = error_of(lam.put_provisioned_concurrency_config, FunctionName=a, Qualifier="1",
                 ProvisionedConcurrentExecutions=101)
    assert_error(r, INVALID, 400, PC_MINIMUM % 100, MESSAGE_ONLY)
    r = error_of(lam.put_provisioned_concurrency_config, FunctionName=a, Qualifier="1",
                 ProvisionedConcurrentExecutions=201)
    assert_error(r, INVALID, 400, PC_OVER_UNRESERVED % 200, MESSAGE_ONLY)
    put = lam.put_provisioned_concurrency_config(FunctionName=a, Qualifier="1",
                                                 ProvisionedConcurrentExecutions=100)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 100
    b, _ = create(lam)
    r = error_of(lam.put_function_concurrency, FunctionName=b, ReservedConcurrentExecutions=1)
    assert_error(r, INVALID, 400, RC_MINIMUM % 100, MESSAGE_ONLY)
    # Raising the existing config re-counts its own 100 first: 101 leaves 99 < 100.
    r = error_of(lam.put_provisioned_concurrency_config, FunctionName=a, Qualifier="1",
                 ProvisionedConcurrentExecutions=101)
    assert_error(r, INVALID, 400, PC_MINIMUM % 100, MESSAGE_ONLY)
    assert_alive(small)


def test_minimum_messages_show_the_accounts_minimum(lowered):
    lam = lowered.client()
    a, _ = create(lam, publish=True)
    r = error_of(lam.put_function_concurrency, FunctionName=a, ReservedConcurrentExecutions=151)
    assert_error(r, INVALID, 400, RC_MINIMUM % 50, MESSAGE_ONLY)
    r = error_of(lam.put_provisioned_concurrency_config, FunctionName=a, Qualifier="1",
                 ProvisionedConcurrentExecutions=151)
    assert_error(r, INVALID, 400, PC_MINIMUM % 50, MESSAGE_ONLY)
    assert lam.put_function_concurrency(
        FunctionName=a, ReservedConcurrentExecutions=150)["ReservedConcurrentExecutions"] == 150


def test_pc_above_the_functions_rc(fresh, headroom):
    name, _ = create(fresh, publish=True)
    publish_versions(fresh, name, 1)  # versions 1 and 2
    fresh.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                 ProvisionedConcurrentExecutions=3)
    assert_error(r, INVALID, 400, PC_OVER_RC, TYPED)
    fresh.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                             ProvisionedConcurrentExecutions=2)
    # Another version: ΣPC(other qualifiers) + PC > RC.
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="2",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, INVALID, 400, PC_OVER_RC, TYPED)
    # Raising the existing one.
    wait_ready(fresh, name, "1", headroom)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                 ProvisionedConcurrentExecutions=3)
    assert_error(r, INVALID, 400, PC_OVER_RC, TYPED)
    assert fresh.get_provisioned_concurrency_config(
        FunctionName=name, Qualifier="1")["RequestedProvisionedConcurrentExecutions"] == 2


def test_rc_below_the_functions_total_pc(fresh):
    name, _ = create(fresh, publish=True)
    publish_versions(fresh, name, 1)
    fresh.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    fresh.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                             ProvisionedConcurrentExecutions=1)
    fresh.put_provisioned_concurrency_config(FunctionName=name, Qualifier="2",
                                             ProvisionedConcurrentExecutions=1)
    r = error_of(fresh.put_function_concurrency, FunctionName=name, ReservedConcurrentExecutions=1)
    assert_error(r, INVALID, 400, RC_UNDER_PC % (1, 2), MESSAGE_ONLY)
    r = error_of(fresh.put_function_concurrency, FunctionName=name, ReservedConcurrentExecutions=0)
    assert_error(r, INVALID, 400, RC_UNDER_PC % (0, 2), MESSAGE_ONLY)
    assert fresh.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    # Equal is allowed; and a function without RC is held to its PC in the same way.
    fresh.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)
    other, _ = create(fresh, publish=True)
    fresh.put_provisioned_concurrency_config(FunctionName=other, Qualifier="1",
                                             ProvisionedConcurrentExecutions=3)
    r = error_of(fresh.put_function_concurrency, FunctionName=other, ReservedConcurrentExecutions=2)
    assert_error(r, INVALID, 400, RC_UNDER_PC % (2, 3), MESSAGE_ONLY)


def test_latest_is_refused_by_the_pc_operations(fresh):
    name, _ = create(fresh, publish=True)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="$LATEST",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, INVALID, 400, LATEST_PC, TYPED)
    r = error_of(fresh.get_provisioned_concurrency_config, FunctionName=name, Qualifier="$LATEST")
    assert_error(r, INVALID, 400, LATEST_GET, TYPED)
    r = error_of(fresh.delete_provisioned_concurrency_config, FunctionName=name, Qualifier="$LATEST")
    assert_error(r, INVALID, 400, LATEST_GET, TYPED)
    # The same through a qualified ARN.
    r = error_of(fresh.get_provisioned_concurrency_config, FunctionName=arn(fresh, name, "$LATEST"),
                 Qualifier="$LATEST")
    assert_error(r, INVALID, 400, LATEST_GET, TYPED)


def test_alias_and_version_conflicts(fresh):
    name, _ = create(fresh, publish=True)
    fresh.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    fresh.create_alias(FunctionName=name, Name="canary", FunctionVersion="1")
    fresh.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1",
                                             ProvisionedConcurrentExecutions=1)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="live",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, "ResourceConflictException", 409, ALIAS_ON_PROVISIONED, TYPED)
    fresh.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    fresh.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                             ProvisionedConcurrentExecutions=1)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="1",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, "ResourceConflictException", 409, VERSION_UNDER_ALIAS, TYPED)
    # "Two aliases can't allocate provisioned concurrency for the same version" (spec §3.3).
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="canary",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, "ResourceConflictException", 409, ALIAS_ON_PROVISIONED, TYPED)


# --- Spec §1.3 ------------------------------------------------------------------------------------

def length_error(value, limit):
    return ("Value '%s' at 'functionName' failed to satisfy constraint: Member must have length "
            "less than or equal to %d" % (value, limit))


def pattern_error(value, pattern):
    return ("Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
            "expression pattern: %s" % (value, pattern))


def test_bare_name_longer_than_64(fresh):
    long_name = "n" * 65
    # CreateFunction: InvalidParameterValueException (spec §1.3; AWS-recorded long_function_name_exc).
    r = error_of(fresh.create_function, FunctionName=long_name, Runtime="python3.12", Role=ROLE,
                 Handler="handler.handler", Code={"ZipFile": zip_with("x = 1\n")})
    assert_error(r, INVALID, 400, "1 validation error detected: " + length_error(long_name, 64), TYPED)
    # GetFunction and DeleteFunction look the name up instead (AWS-recorded
    # test_function_name_and_qualifier_validation[function_name_too_long-get_function/-delete_function]).
    for fn in (fresh.get_function, fresh.delete_function):
        r = error_of(fn, FunctionName=long_name)
        assert_error(r, "ResourceNotFoundException", 404, "Function not found: " + arn(fresh, long_name),
                     NOT_FOUND_KEYS)
    r = error_of(fresh.get_function_concurrency, FunctionName="n" * 64)
    assert_error(r, "ResourceNotFoundException", 404, "Function not found: " + arn(fresh, "n" * 64),
                 NOT_FOUND_KEYS)


def test_arn_longer_than_140(fresh):
    prefix = arn(fresh)
    too_long = prefix + "x" * (141 - len(prefix))
    assert len(too_long) == 141
    message = "1 validation error detected: " + length_error(too_long, 140)
    r = error_of(fresh.create_function, FunctionName=too_long, Runtime="python3.12", Role=ROLE,
                 Handler="handler.handler", Code={"ZipFile": zip_with("x = 1\n")})
    assert_error(r, "ValidationException", 400, message, set())
    r = error_of(fresh.get_function_concurrency, FunctionName=too_long)
    assert_error(r, "ValidationException", 400, message, set())
    longest = prefix + "x" * (140 - len(prefix))
    r = error_of(fresh.get_function_concurrency, FunctionName=longest)
    assert_error(r, "ResourceNotFoundException", 404, "Function not found: " + longest,
                 NOT_FOUND_KEYS)


def test_pattern_mismatch_names_the_operations_pattern(fresh):
    bad = "invalid:function:name"
    r = error_of(fresh.get_function_concurrency, FunctionName=bad)
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: " + pattern_error(bad, FUNCTION_NAME_PATTERN), set())
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=bad, Qualifier="1",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: " + pattern_error(bad, FUNCTION_NAME_PATTERN), set())
    r = error_of(fresh.get_function, FunctionName=bad)
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: " + pattern_error(bad, NAMESPACED_PATTERN), set())
    r = error_of(fresh.delete_function, FunctionName="my-function!")
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: " + pattern_error("my-function!", NAMESPACED_PATTERN),
                 set())
    r = error_of(fresh.get_function, FunctionName="my-function", Qualifier="invalid!")
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: Value 'invalid!' at 'qualifier' failed to satisfy "
                 "constraint: Member must satisfy regular expression pattern: " + QUALIFIER_PATTERN,
                 set())
    r = error_of(fresh.get_function, FunctionName="my-function", Qualifier="q" * 129)
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: Value '%s' at 'qualifier' failed to satisfy "
                 "constraint: Member must have length less than or equal to 128" % ("q" * 129), set())


def test_two_validation_errors(fresh):
    bad = arn(fresh) + "x" * 90 + ":a:b"
    r = error_of(fresh.get_function_concurrency, FunctionName=bad)
    assert_error(r, "ValidationException", 400,
                 "2 validation errors detected: " + length_error(bad, 140) + "; "
                 + pattern_error(bad, FUNCTION_NAME_PATTERN), set())


def test_derived_qualifier_must_match(fresh):
    name, _ = create(fresh, publish=True)
    message = "The derived qualifier from the function name does not match the specified qualifier."
    r = error_of(fresh.get_provisioned_concurrency_config, FunctionName=arn(fresh, name, "1"),
                 Qualifier="2")
    assert_error(r, INVALID, 400, message, TYPED)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name + ":1", Qualifier="live",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, INVALID, 400, message, TYPED)


def test_qualified_name_to_put_function_concurrency(fresh):
    name, _ = create(fresh, publish=True)
    message = ("This operation is permitted on Lambda functions only. Aliases and versions do not "
               "support this operation. Please specify either a function name or an unqualified "
               "function ARN.")
    for qualified in (name + ":1", arn(fresh, name, "1"), name + ":$LATEST"):
        r = error_of(fresh.put_function_concurrency, FunctionName=qualified,
                     ReservedConcurrentExecutions=1)
        assert_error(r, INVALID, 400, message, TYPED)


def test_enum_and_alias_name_validation(fresh):
    r = error_of(fresh.list_functions, FunctionVersion="invalid")
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: Value 'invalid' at 'functionVersion' failed to "
                 "satisfy constraint: Member must satisfy enum value set: [ALL]", set())
    name, _ = create(fresh, publish=True)
    r = error_of(fresh.create_alias, FunctionName=name, Name="2024", FunctionVersion="1")
    assert_error(r, "ValidationException", 400,
                 "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: "
                 "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)", set())


# --- Spec §1.4 ------------------------------------------------------------------------------------

def test_unknown_function_version_and_alias(fresh):
    missing = "missing-" + uuid.uuid4().hex[:8]
    for fn in (fresh.get_function, fresh.delete_function, fresh.get_function_configuration):
        r = error_of(fn, FunctionName=missing)
        assert_error(r, "ResourceNotFoundException", 404, "Function not found: " + arn(fresh, missing),
                     NOT_FOUND_KEYS)
    name, _ = create(fresh, publish=True)
    r = error_of(fresh.get_function, FunctionName=name, Qualifier="1221")
    assert_error(r, "ResourceNotFoundException", 404,
                 "Function not found: " + arn(fresh, name, "1221"), NOT_FOUND_KEYS)
    r = error_of(fresh.get_function, FunctionName=name + ":1221")
    assert_error(r, "ResourceNotFoundException", 404,
                 "Function not found: " + arn(fresh, name, "1221"), NOT_FOUND_KEYS)
    r = error_of(fresh.get_function, FunctionName=name, Qualifier="nosuchalias")
    assert_error(r, "ResourceNotFoundException", 404,
                 "Function not found: " + arn(fresh, name, "nosuchalias"), NOT_FOUND_KEYS)
    r = error_of(fresh.get_provisioned_concurrency_config, FunctionName=name, Qualifier="7")
    assert_error(r, "ResourceNotFoundException", 404, "Function not found: " + arn(fresh, name, "7"),
                 NOT_FOUND_KEYS)
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=name, Qualifier="7",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, "ResourceNotFoundException", 404, "Function not found: " + arn(fresh, name, "7"),
                 NOT_FOUND_KEYS)
    for fn, kwargs in [(fresh.put_provisioned_concurrency_config, {"ProvisionedConcurrentExecutions": 1}),
                       (fresh.get_provisioned_concurrency_config, {}),
                       (fresh.delete_provisioned_concurrency_config, {})]:
        r = error_of(fn, FunctionName=name, Qualifier="nosuchalias", **kwargs)
        assert_error(r, "ResourceNotFoundException", 404,
                     "Cannot find alias arn: " + arn(fresh, name, "nosuchalias"), NOT_FOUND_KEYS)
    # The function itself missing: still the alias message (spec §1.4).
    r = error_of(fresh.put_provisioned_concurrency_config, FunctionName=missing, Qualifier="live",
                 ProvisionedConcurrentExecutions=1)
    assert_error(r, "ResourceNotFoundException", 404,
                 "Cannot find alias arn: " + arn(fresh, missing, "live"), NOT_FOUND_KEYS)


def test_existing_version_without_a_config(fresh):
    name, _ = create(fresh, publish=True)
    fresh.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    for qualifier in ("1", "live"):
        r = error_of(fresh.get_provisioned_concurrency_config, FunctionName=name, Qualifier=qualifier)
        assert_error(r, "ProvisionedConcurrencyConfigNotFoundException", 404,
                     "No Provisioned Concurrency Config found for this function", TYPED)
        # Deleting what is not there is still a 204 (spec §1.2, AWS-recorded).
        assert fresh.delete_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)[
            "ResponseMetadata"]["HTTPStatusCode"] == 204


def test_duplicate_alias(fresh):
    name, _ = create(fresh, publish=True)
    fresh.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    r = error_of(fresh.create_alias, FunctionName=name, Name="live", FunctionVersion="1")
    assert_error(r, "ResourceConflictException", 409,
                 "Alias already exists: " + arn(fresh, name, "live"), TYPED)


def test_delete_latest(fresh):
    name, _ = create(fresh)
    r = error_of(fresh.delete_function, FunctionName=name, Qualifier="$LATEST")
    assert_error(r, INVALID, 400, "$LATEST version cannot be deleted without deleting the function.",
                 TYPED)
    assert fresh.get_function(FunctionName=name)["Configuration"]["FunctionName"] == name


def test_publish_version_with_a_stale_revision_id(fresh):
    name, _ = create(fresh)
    r = error_of(fresh.publish_version, FunctionName=name,
                 RevisionId="00000000-0000-0000-0000-000000000000")
    assert_error(r, "PreconditionFailedException", 412,
                 "The Revision Id provided does not match the latest Revision Id. Call the "
                 "GetFunction/GetAlias API to retrieve the latest Revision Id", TYPED)
    current = fresh.get_function(FunctionName=name)["Configuration"]["RevisionId"]
    assert fresh.publish_version(FunctionName=name, RevisionId=current)["Version"] == "1"
