"""The HTTP limits (README "Limits"), driven with raw sockets against a server started with small
limits, so that each is reached in about a second: an oversize header (431), an oversize body
announced or chunked (413), too many connections (503), an idle keep-alive connection (closed),
a client trickling its header (slowloris) or its body (408). Every answer is AWS-shaped, and
another client is served meanwhile and afterwards."""
import json
import socket
import threading
import time

import pytest

from conftest import Headroom
from test_bad_input_and_rules import (TOO_LARGE, assert_alive, assert_aws_error, call, chunked,
                                      exchange, host_port, parse_reply, read_until_close, request)

MAX_HEADER = 4096
MAX_BODY = 65536
MAX_CONNECTIONS = 24
RC = "/2017-10-31/functions/f/concurrency"


@pytest.fixture(scope="module")
def limited():
    server = Headroom("--max-header-bytes", str(MAX_HEADER), "--max-request-bytes", str(MAX_BODY),
                      "--max-connections", str(MAX_CONNECTIONS), "--idle-timeout", "2s",
                      "--header-timeout", "1s", "--body-timeout", "1s")
    yield server
    assert server.stop() == 0


def connect(server, timeout=15):
    return socket.create_connection(host_port(server), timeout=timeout)


class Meanwhile:
    """Serves other clients on their own connections while a test's slow client is under way."""

    def __init__(self, server):
        self.server, self.served, self.errors = server, 0, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            try:
                assert_alive(self.server)
                self.served += 1
            except Exception as e:  # reported by __exit__
                self.errors.append(e)
                return
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)
        assert not self.errors, self.errors
        assert self.served > 0, "no other client was served meanwhile"


def test_header_at_the_limit_passes_and_over_it_is_431(limited):
    ok = call(limited, "GET", "/2016-08-19/account-settings", headers=[("X-Pad", "p" * (MAX_HEADER - 200))])
    assert ok.status == 200, ok
    with Meanwhile(limited):
        reply = call(limited, "GET", "/2016-08-19/account-settings",
                     headers=[("X-Pad", "p" * (2 * MAX_HEADER))])
        assert_aws_error(reply, 431)
        assert reply.header("Connection") == "close", reply
    assert_alive(limited)


def test_announced_oversize_body_is_413_before_it_is_sent(limited):
    # Only the head goes out: the server answers from Content-Length, without waiting.
    head = request("PUT", RC, None, headers=[("Content-Length", str(MAX_BODY + 1))])
    with Meanwhile(limited):
        error, body = assert_aws_error(exchange(limited, head, timeout=15), 413, TOO_LARGE)
    assert error == "RequestTooLargeException" and body["Type"] == "User", body
    # The cap holds for Invoke too, below its own 6 MB payload limit.
    invoke = request("POST", "/2015-03-31/functions/f/invocations", b"x" * (MAX_BODY + 1))
    assert_aws_error(exchange(limited, invoke), 413, TOO_LARGE)
    assert_alive(limited)


def test_chunked_oversize_body_is_413(limited):
    body = b'{"ReservedConcurrentExecutions": 1, "Pad": "' + b"x" * (2 * MAX_BODY) + b'"}'
    data = request("PUT", RC, chunked(body, chunk=8192), headers=[("Transfer-Encoding", "chunked")],
                   length=False)
    with Meanwhile(limited):
        assert_aws_error(exchange(limited, data), 413, TOO_LARGE)
    # Under the cap, the same request is read and answered by Lambda (no such function).
    small = request("PUT", RC, chunked(b'{"ReservedConcurrentExecutions": 1}', chunk=8),
                    headers=[("Transfer-Encoding", "chunked")], length=False)
    assert_aws_error(exchange(limited, small), 404, "ResourceNotFoundException")


def test_cloudwatch_sns_and_quotas_bodies_are_capped_at_one_mb(headroom):
    # The default server: POST / (the query and JSON RPC protocols) takes CloudWatch's 1 MB.
    for target in [None, "GraniteServiceVersion20100801.PutMetricData"]:
        headers = [("Content-Length", str((1 << 20) + 1))]
        if target:
            headers.append(("X-Amz-Target", target))
        assert_aws_error(exchange(headroom, request("POST", "/", None, headers=headers)), 413, TOO_LARGE)
    assert_alive(headroom)


def test_connections_over_the_cap_get_503_and_the_rest_are_served(limited):
    extra = 4
    sockets = [connect(limited) for _ in range(MAX_CONNECTIONS + extra)]
    try:
        replies = [read_until_close(s) for s in sockets]  # accepted ones close when idle (2 s)
    finally:
        for s in sockets:
            s.close()
    rejected = [parse_reply(r) for r in replies if r]
    assert len(rejected) >= extra, replies
    for reply in rejected:
        error, _ = assert_aws_error(reply, 503)
        assert error == "ServiceException", reply
    assert_alive(limited)  # the slots are given back


def test_idle_keep_alive_connection_is_closed(limited):
    sock = connect(limited)
    try:
        keep_alive = b"GET /2016-08-19/account-settings HTTP/1.1\r\nHost: headroom\r\n\r\n"
        for _ in range(2):  # kept alive between requests
            sock.sendall(keep_alive)
            head = b""
            while b"\r\n\r\n" not in head:
                head += sock.recv(1 << 16)
            length = int([line.split(b":")[1] for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length")][0])
            rest = head.split(b"\r\n\r\n", 1)[1]
            while len(rest) < length:
                rest += sock.recv(1 << 16)
            reply = parse_reply(head.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" + rest)
            assert reply.status == 200 and "AccountLimit" in json.loads(reply.body), reply
        with Meanwhile(limited):
            assert read_until_close(sock) == b""  # closed silently after the idle timeout
    finally:
        sock.close()


def trickle(sock, data, stop, interval=0.1):
    """Sends `data` a few bytes at a time until the server answers or closes."""
    try:
        for i in range(0, len(data), 2):
            if stop.is_set():
                return
            sock.sendall(data[i:i + 2])
            time.sleep(interval)
    except OSError:
        pass  # the server has answered and closed


def slow_client(server, data):
    sock = connect(server)
    stop = threading.Event()
    sender = threading.Thread(target=trickle, args=(sock, data, stop), daemon=True)
    try:
        with Meanwhile(server):
            sender.start()
            raw = read_until_close(sock)
    finally:
        stop.set()
        sender.join(10)
        sock.close()
    return parse_reply(raw) if raw else None


def test_slowloris_header_gets_408(limited):
    # 40 header lines at 2 bytes per 100 ms: about 20 s to send, against a 1 s header timeout.
    data = b"GET /2016-08-19/account-settings HTTP/1.1\r\nHost: headroom\r\n" + b"X-A: b\r\n" * 40
    reply = slow_client(limited, data)
    error, _ = assert_aws_error(reply, 408)
    assert error == "InvalidRequestContentException", reply
    assert_alive(limited)


def test_slow_body_gets_408(limited):
    body = b'{"ReservedConcurrentExecutions": 1, "Pad": "' + b"x" * 400 + b'"}'
    head = request("PUT", RC, None, headers=[("Content-Length", str(len(body)))])
    sock = connect(limited)
    try:
        sock.sendall(head)  # the whole head at once: only the body is slow
        stop = threading.Event()
        sender = threading.Thread(target=trickle, args=(sock, body, stop), daemon=True)
        with Meanwhile(limited):
            sender.start()
            raw = read_until_close(sock)
        stop.set()
        sender.join(10)
    finally:
        sock.close()
    assert_aws_error(parse_reply(raw), 408)
    assert_alive(limited)
