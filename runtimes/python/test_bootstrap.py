"""Tests for headroom's Python runtime (bootstrap.py).

Developers and CI run them with `python3 -m unittest runtimes/python/test_bootstrap.py`, under
each python3 the runtime must work with (Debian's /usr/bin/python3 with boto3 1.26, and the
image's python3 with a current boto3). Each test writes handler modules to a temporary
directory, starts bootstrap.py as a subprocess of the same interpreter, and plays the Lambda
platform with a small fake Runtime API (http.server, threaded, on 127.0.0.1).
"""

import http.server
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import uuid

BOOTSTRAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bootstrap.py")
PREFIX = "/2018-06-01/runtime"
WAIT_S = 10

try:
    import boto3  # noqa: F401  (only to know whether the boto3 test can run)
    HAVE_BOTO3 = True
except ImportError:
    HAVE_BOTO3 = False


class FakeRuntimeAPI:
    """The platform's side of the Runtime API: hands out queued events, records what comes back.

    GET /next waits while the queue is empty; once stop() is called it answers 503, which makes
    the runtime exit, as it would when the platform goes away.
    """

    def __init__(self):
        self.cond = threading.Condition()
        self.queue = []       # (request_id, body bytes, headers dict)
        self.posts = []       # (path, headers, body bytes)
        self.stopped = False
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status, body=b"", headers=None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != PREFIX + "/invocation/next":
                    return self._answer(404)
                with api.cond:
                    api.cond.wait_for(lambda: api.queue or api.stopped)
                    if api.stopped:
                        return self._answer(503)
                    request_id, body, extra = api.queue.pop(0)
                headers = {
                    "Content-Type": "application/json",
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 3000),
                    "Lambda-Runtime-Invoked-Function-Arn":
                        "arn:aws:lambda:us-east-1:123456789012:function:fn",
                }
                headers.update(extra)
                self._answer(200, body, headers)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with api.cond:
                    api.posts.append((self.path, dict(self.headers), body))
                    api.cond.notify_all()
                self._answer(202, b'{"status":"OK"}', {"Content-Type": "application/json"})

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def invoke(self, event, headers=None, raw=None):
        request_id = str(uuid.uuid4())
        body = raw if raw is not None else json.dumps(event).encode()
        with self.cond:
            self.queue.append((request_id, body, headers or {}))
            self.cond.notify_all()
        return request_id

    def wait_posts(self, count):
        with self.cond:
            if not self.cond.wait_for(lambda: len(self.posts) >= count, timeout=WAIT_S):
                raise AssertionError("expected %d posts, got %r" % (count, self.posts))
            return list(self.posts)

    def stop(self):
        with self.cond:
            self.stopped = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()


class RuntimeTest(unittest.TestCase):
    """Starts one function per test: files in a temp dir, bootstrap.py against a fake API."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.api = FakeRuntimeAPI()
        self.proc = None

    def tearDown(self):
        self.api.stop()
        if self.proc is not None:
            try:
                self.proc.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
        self.tmp.cleanup()

    def start(self, files, handler, env=None):
        for name, text in files.items():
            path = os.path.join(self.tmp.name, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(textwrap.dedent(text))
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("AWS_", "HEADROOM_", "LAMBDA_", "_HANDLER", "_X_AMZN"))}
        base.update({
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": self.tmp.name,
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_REGION": "us-east-1",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]abc",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            # Keep the developer's own AWS configuration out of the function.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        })
        base.update(env or {})
        self.proc = subprocess.Popen([sys.executable, BOOTSTRAP], env=base, cwd="/",
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def invoke(self, event=None, headers=None, raw=None):
        """Queue one event and wait for what the runtime posts back: (path, headers, body)."""
        seen = len(self.api.posts)
        request_id = self.api.invoke(event, headers, raw)
        path, post_headers, body = self.api.wait_posts(seen + 1)[seen]
        self.assertIn("/invocation/%s/" % request_id, path)
        return path, post_headers, body

    def result(self, event=None, headers=None):
        path, _, body = self.invoke(event, headers)
        self.assertTrue(path.endswith("/response"), (path, body))
        return json.loads(body)

    def init_error(self):
        """The init/error post of a function that must fail to start, and the exit status."""
        path, headers, body = self.api.wait_posts(1)[0]
        self.assertEqual(path, PREFIX + "/init/error")
        status = self.proc.wait(timeout=WAIT_S)
        self.assertNotEqual(status, 0)
        error = json.loads(body)
        self.assertEqual(headers.get("Lambda-Runtime-Function-Error-Type"), error["errorType"])
        self.assertEqual(error["requestId"], "")
        return error

    def output(self):
        self.api.stop()
        self.proc.wait(timeout=WAIT_S)
        return self.proc.stdout.read().decode()


class InvocationTest(RuntimeTest):
    def test_echo(self):
        self.start({"app.py": "def handler(event, context):\n    return event\n"},
                   "app.handler")
        event = {"a": [1, 2.5, None, True], "b": {"c": "d\u00e9"}}
        self.assertEqual(self.result(event), event)
        _, headers, _ = self.invoke("second")
        self.assertEqual(headers.get("Content-Type"), "application/json")

    def test_dotted_module_path(self):
        self.start({"pkg/__init__.py": "", "pkg/mod.py": "def go(e, c):\n    return 'deep'\n"},
                   "pkg.mod.go")
        self.assertEqual(self.result({}), "deep")

    def test_context(self):
        self.start({"ctx.py": """
            import os, time

            def handler(event, context):
                first = context.get_remaining_time_in_millis()
                time.sleep(0.05)
                second = context.get_remaining_time_in_millis()
                return {
                    "first": first, "second": second,
                    "function_name": context.function_name,
                    "function_version": context.function_version,
                    "invoked_function_arn": context.invoked_function_arn,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "aws_request_id": context.aws_request_id,
                    "log_group_name": context.log_group_name,
                    "log_stream_name": context.log_stream_name,
                    "identity": [context.identity.cognito_identity_id,
                                 context.identity.cognito_identity_pool_id],
                    "client_context": context.client_context,
                    "trace": os.environ.get("_X_AMZN_TRACE_ID"),
                    "cwd": os.getcwd(),
                }
            """}, "ctx.handler")
        trace = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
        seen = len(self.api.posts)
        request_id = self.api.invoke({}, {"Lambda-Runtime-Trace-Id": trace})
        got = json.loads(self.api.wait_posts(seen + 1)[seen][2])
        self.assertGreater(got["first"], 2000)
        self.assertLessEqual(got["first"], 3000)
        self.assertLess(got["second"], got["first"])
        self.assertEqual(got["function_name"], "fn")
        self.assertEqual(got["function_version"], "$LATEST")
        self.assertEqual(got["invoked_function_arn"],
                         "arn:aws:lambda:us-east-1:123456789012:function:fn")
        self.assertEqual(got["memory_limit_in_mb"], "256")
        self.assertEqual(got["aws_request_id"], request_id)
        self.assertEqual(got["log_group_name"], "/aws/lambda/fn")
        self.assertEqual(got["log_stream_name"], "2026/01/01/[$LATEST]abc")
        self.assertEqual(got["identity"], [None, None])
        self.assertIsNone(got["client_context"])
        self.assertEqual(got["trace"], trace)
        self.assertEqual(os.path.realpath(got["cwd"]), os.path.realpath(self.tmp.name))
        # The next invocation carries no trace header: the variable goes away.
        self.assertIsNone(self.result({})["trace"])

    def test_client_context_and_identity(self):
        self.start({"cc.py": """
            def handler(event, context):
                cc, client = context.client_context, context.client_context.client
                return {"custom": cc.custom, "env": cc.env,
                        "client": [client.installation_id, client.app_title,
                                   client.app_version_name, client.app_version_code,
                                   client.app_package_name],
                        "identity": [context.identity.cognito_identity_id,
                                     context.identity.cognito_identity_pool_id]}
            """}, "cc.handler")
        client_context = {
            "client": {"installation_id": "inst", "app_title": "title",
                       "app_version_name": "1.0", "app_version_code": "10",
                       "app_package_name": "com.example"},
            "custom": {"k": "v"},
            "env": {"platform": "Android"},
        }
        identity = {"cognitoIdentityId": "us-east-1:id", "cognitoIdentityPoolId": "us-east-1:pool"}
        got = self.result({}, {"Lambda-Runtime-Client-Context": json.dumps(client_context),
                               "Lambda-Runtime-Cognito-Identity": json.dumps(identity)})
        self.assertEqual(got["custom"], {"k": "v"})
        self.assertEqual(got["env"], {"platform": "Android"})
        self.assertEqual(got["client"], ["inst", "title", "1.0", "10", "com.example"])
        self.assertEqual(got["identity"], ["us-east-1:id", "us-east-1:pool"])

    def test_warm_environment_keeps_module_state(self):
        self.start({"counter.py": """
            count = 0

            def handler(event, context):
                global count
                count += 1
                return count
            """}, "counter.handler")
        self.assertEqual(self.result({}), 1)
        self.assertEqual(self.result({}), 2)

    def test_handler_exception(self):
        self.start({"boom.py": """
            def helper(x):
                return x / 0

            def handler(event, context):
                return helper(1)
            """}, "boom.handler")
        seen = len(self.api.posts)
        request_id = self.api.invoke({})
        path, headers, body = self.api.wait_posts(seen + 1)[seen]
        self.assertEqual(path, PREFIX + "/invocation/%s/error" % request_id)
        self.assertEqual(headers.get("Lambda-Runtime-Function-Error-Type"), "ZeroDivisionError")
        error = json.loads(body)
        self.assertEqual(set(error), {"errorMessage", "errorType", "requestId", "stackTrace"})
        self.assertEqual(error["errorType"], "ZeroDivisionError")
        self.assertEqual(error["errorMessage"], "division by zero")
        self.assertEqual(error["requestId"], request_id)
        trace = error["stackTrace"]
        self.assertEqual(len(trace), 2, trace)  # the user's frames only, outermost first
        boom = os.path.join(self.tmp.name, "boom.py")
        self.assertTrue(trace[0].startswith('  File "%s", line 6, in handler\n' % boom), trace)
        self.assertIn("return helper(1)", trace[0])
        self.assertTrue(trace[1].startswith('  File "%s", line 3, in helper\n' % boom), trace)
        # The environment survives a function error.
        self.assertTrue(self.invoke({})[0].endswith("/error"))
        log = self.output()
        self.assertIn("[ERROR] ZeroDivisionError: division by zero\r"
                      "Traceback (most recent call last):\r", log)

    def test_marshal_error(self):
        self.start({"bad.py": "def handler(event, context):\n    return {1, 2}\n"},
                   "bad.handler")
        path, headers, body = self.invoke({})
        self.assertTrue(path.endswith("/error"))
        error = json.loads(body)
        self.assertEqual(error["errorType"], "Runtime.MarshalError")
        self.assertEqual(error["errorMessage"],
                         "Unable to marshal response: Object of type set is not JSON serializable")
        self.assertEqual(error["stackTrace"], [])
        self.assertEqual(headers.get("Lambda-Runtime-Function-Error-Type"),
                         "Runtime.MarshalError")

    def test_unmarshal_error(self):
        self.start({"app.py": "def handler(event, context):\n    return event\n"},
                   "app.handler")
        path, _, body = self.invoke(raw=b"{not json")
        self.assertTrue(path.endswith("/error"))
        error = json.loads(body)
        self.assertEqual(error["errorType"], "Runtime.UnmarshalError")
        self.assertTrue(error["errorMessage"].startswith("Unable to unmarshal input: "), error)

    def test_decimal_and_bytes_results(self):
        self.start({"app.py": """
            import decimal

            def handler(event, context):
                if event == "bytes":
                    return b"\\x00raw"
                return {"n": decimal.Decimal("3"), "f": decimal.Decimal("1.5")}
            """}, "app.handler")
        self.assertEqual(self.result("dec"), {"n": 3, "f": 1.5})
        path, headers, body = self.invoke("bytes")
        self.assertTrue(path.endswith("/response"))
        self.assertEqual(body, b"\x00raw")
        self.assertEqual(headers.get("Content-Type"), "application/unknown")

    def test_print_and_logging_reach_stdout(self):
        self.start({"app.py": """
            import logging
            logging.getLogger().setLevel(logging.INFO)

            def handler(event, context):
                print("hello from print")
                logging.info("hello from logging")
                return None
            """}, "app.handler")
        path, _, body = self.invoke({})
        request_id = path.split("/")[-2]
        self.assertEqual(body, b"null")
        log = self.output()
        self.assertIn("hello from print\n", log)
        self.assertRegex(log, r"\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t%s\t"
                              r"hello from logging\n" % request_id)

    def test_runtime_files_are_not_importable(self):
        self.start({"app.py": """
            import importlib.util

            def handler(event, context):
                return importlib.util.find_spec("test_bootstrap") is None
            """}, "app.handler")
        self.assertIs(self.result({}), True)


class InitErrorTest(RuntimeTest):
    def test_missing_module(self):
        self.start({}, "nope.handler")
        error = self.init_error()
        self.assertEqual(error["errorType"], "Runtime.ImportModuleError")
        self.assertEqual(error["errorMessage"],
                         "Unable to import module 'nope': No module named 'nope'")
        self.assertEqual(error["stackTrace"], [])

    def test_missing_dependency(self):
        self.start({"app.py": "import not_installed_anywhere\n"}, "app.handler")
        error = self.init_error()
        self.assertEqual(error["errorType"], "Runtime.ImportModuleError")
        self.assertEqual(error["errorMessage"], "Unable to import module 'app': "
                                                "No module named 'not_installed_anywhere'")

    def test_handler_not_found(self):
        self.start({"app.py": "def other(event, context):\n    pass\n"}, "app.handler")
        error = self.init_error()
        self.assertEqual(error["errorType"], "Runtime.HandlerNotFound")
        self.assertEqual(error["errorMessage"], "Handler 'handler' missing on module 'app'")

    def test_syntax_error(self):
        self.start({"app.py": "def handler(event, context)\n    return 1\n"}, "app.handler")
        error = self.init_error()
        self.assertEqual(error["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertTrue(error["errorMessage"].startswith("Syntax error in module 'app': "),
                        error)
        self.assertIn("app.py, line 1", error["errorMessage"])
        self.assertEqual(len(error["stackTrace"]), 1)
        self.assertTrue(error["stackTrace"][0].startswith(
            '  File "%s" Line 1\n' % os.path.join(self.tmp.name, "app.py")), error)

    def test_malformed_handler_name(self):
        self.start({"app.py": ""}, "handler")
        error = self.init_error()
        self.assertEqual(error["errorType"], "Runtime.MalformedHandlerName")
        self.assertEqual(error["errorMessage"],
                         "Bad handler 'handler': not enough values to unpack (expected 2, got 1)")

    def test_exception_at_import(self):
        self.start({"app.py": "raise ValueError('no config')\n"}, "app.handler")
        error = self.init_error()
        self.assertEqual(error["errorType"], "ValueError")
        self.assertEqual(error["errorMessage"], "no config")
        self.assertIn('app.py", line 1, in <module>', error["stackTrace"][-1])
        self.assertFalse(any("bootstrap.py" in f for f in error["stackTrace"]), error)

    def test_init_error_is_logged(self):
        self.start({}, "nope.handler")
        self.init_error()
        self.assertIn("[ERROR] Runtime.ImportModuleError: Unable to import module 'nope': "
                      "No module named 'nope'\rTraceback (most recent call last):\n",
                      self.proc.stdout.read().decode())


@unittest.skipUnless(HAVE_BOTO3, "boto3 is not importable by this python")
class Boto3EndpointTest(RuntimeTest):
    ENDPOINT = "http://127.0.0.1:4599"

    def test_clients_default_to_headroom(self):
        self.start({"app.py": """
            import sys

            def handler(event, context):
                loaded_before = "boto3" in sys.modules or "botocore" in sys.modules
                import boto3, botocore.session
                return {
                    "loaded_before": loaded_before,
                    "boto3": boto3.client("lambda").meta.endpoint_url,
                    "session": boto3.session.Session().client("s3").meta.endpoint_url,
                    "botocore": botocore.session.get_session().create_client(
                        "lambda", region_name="us-east-1").meta.endpoint_url,
                    "explicit": boto3.client(
                        "lambda", endpoint_url="http://example.com:1").meta.endpoint_url,
                }
            """}, "app.handler", {"HEADROOM_ENDPOINT_URL": self.ENDPOINT})
        got = self.result({})
        self.assertFalse(got["loaded_before"], "boto3 must not be imported ahead of the function")
        self.assertEqual(got["boto3"], self.ENDPOINT)
        self.assertEqual(got["session"], self.ENDPOINT)
        self.assertEqual(got["botocore"], self.ENDPOINT)
        self.assertEqual(got["explicit"], "http://example.com:1")

    def test_without_headroom_endpoint_nothing_changes(self):
        self.start({"app.py": """
            import boto3, os

            def handler(event, context):
                return [boto3.client("lambda").meta.endpoint_url, "AWS_ENDPOINT_URL" in os.environ]
            """}, "app.handler")
        self.assertEqual(self.result({}), ["https://lambda.us-east-1.amazonaws.com", False])


if __name__ == "__main__":
    unittest.main()
