#!/usr/bin/env python3
"""headroom's Python runtime.

The headroom server runs this program (`python3 runtimes/python/bootstrap.py`) as the one
process of an execution environment for a function whose Runtime is python3.x. It imports the
function's handler, then loops on the Lambda Runtime API (2018-06-01) at
$AWS_LAMBDA_RUNTIME_API: fetch the next event, call handler(event, context), post the result
or the error. Seen from user code and from the Runtime API it behaves like AWS's Python
runtime (awslambdaric); README.md in this directory lists what it reads and what differs.

Standard library only: it runs on whatever python3 the machine has.
"""

import decimal
import http.client
import importlib
import importlib.machinery
import json
import logging
import math
import os
import sys
import time
import traceback
import urllib.parse

API_PREFIX = "/2018-06-01/runtime"
THIS_FILE = os.path.abspath(__file__)
# The names this file's frames carry in a traceback, to leave them out of a stackTrace.
_OWN_FILENAMES = {__file__, THIS_FILE}

# The request being handled, for the log lines of the logging module.
_current_request_id = ""


class Fault(Exception):
    """An error the runtime itself detects, reported under one of AWS's Runtime.* types."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


# --- Runtime API -----------------------------------------------------------------------------


class RuntimeAPI:
    """The four calls of the Runtime API. One short connection a call: no stale keep-alive."""

    def __init__(self, address):
        self.address = address

    def _call(self, method, path, body=None, headers=None):
        # No timeout: GET /next legitimately waits until the next invocation arrives.
        conn = http.client.HTTPConnection(self.address)
        try:
            conn.request(method, API_PREFIX + path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def next_invocation(self):
        status, headers, body = self._call("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("GET /invocation/next answered %d: %r" % (status, body[:200]))
        return headers, body

    def post_response(self, request_id, payload, content_type):
        path = "/invocation/%s/response" % urllib.parse.quote(request_id, safe="")
        self._post(path, payload, {"Content-Type": content_type})

    def post_error(self, request_id, error):
        path = "/invocation/%s/error" % urllib.parse.quote(request_id, safe="")
        self._post_error(path, error)

    def post_init_error(self, error):
        self._post_error("/init/error", error)

    def _post_error(self, path, error):
        headers = {
            "Content-Type": "application/json",
            # Header values must be Latin-1; an exception class name need not be.
            "Lambda-Runtime-Function-Error-Type": error["errorType"].encode(
                "ascii", "replace").decode("ascii"),
        }
        self._post(path, encode_json(error).encode("utf-8"), headers)

    def _post(self, path, body, headers):
        status, _, answer = self._call("POST", path, body, headers)
        if status >= 300:
            # The platform refused it (e.g. a payload over its limit); it reports the failure.
            print("headroom runtime: POST %s answered %d: %r" % (path, status, answer[:200]),
                  file=sys.stderr)


# --- JSON in and out -------------------------------------------------------------------------


class _Encoder(json.JSONEncoder):
    """json.dumps plus Decimal (what DynamoDB hands back), as AWS's runtime accepts it."""

    def default(self, obj):
        if isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return math.nan
            if obj.is_infinite():
                return float(obj)
            if obj == obj.to_integral_value():
                return int(obj)
            return float(obj)
        return super().default(obj)


def _ensure_ascii():
    # AWS's python3.12 and later runtimes write non-ASCII text as is; earlier ones escape it.
    env = os.environ.get("AWS_EXECUTION_ENV", "")
    prefix = "AWS_Lambda_python3."
    if env.startswith(prefix) and env[len(prefix):].isdigit():
        return int(env[len(prefix):]) < 12
    return True


def encode_json(obj):
    return json.dumps(obj, cls=_Encoder, ensure_ascii=_ensure_ascii())


def parse_event(body, content_type):
    if content_type and content_type.split(";")[0].strip() != "application/json":
        return body  # AWS hands over a non-JSON payload as raw bytes
    try:
        return json.loads(body)
    except Exception as e:
        raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e)


def marshal_result(result):
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        return encode_json(result).encode("utf-8"), "application/json"
    except Exception as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e)


# --- The context object ----------------------------------------------------------------------


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, fields):
        self.cognito_identity_id = fields.get("cognitoIdentityId")
        self.cognito_identity_pool_id = fields.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id, self.cognito_identity_pool_id)


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name"]

    def __init__(self, fields):
        for name in self.__slots__:
            setattr(self, name, fields.get(name))

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (n, getattr(self, n)) for n in self.__slots__)


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __init__(self, fields):
        self.custom = fields.get("custom")
        self.env = fields.get("env")
        client = fields.get("client")
        self.client = Client(client) if isinstance(client, dict) else client

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def _json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault("Runtime.LambdaContextUnmarshalError",
                    "Unable to parse %s JSON: %s" % (name, e))


class LambdaContext:
    """The handler's second argument, with the properties of AWS's Python context object."""

    def __init__(self, headers):
        env = os.environ
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.tenant_id = headers.get("Lambda-Runtime-Aws-Tenant-Id")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        # A string, as in AWS's runtime, which reads it from the environment as is.
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")

        client_context = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = None
        if client_context:
            fields = _json_header(client_context, "Client Context")
            self.client_context = ClientContext(fields) if isinstance(fields, dict) else None

        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        fields = _json_header(identity, "Cognito Identity") if identity else {}
        self.identity = CognitoIdentity(fields if isinstance(fields, dict) else {})

        try:
            self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        except ValueError:
            self._deadline_ms = 0

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return ("LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,"
                "function_name=%s,memory_limit_in_mb=%s,function_version=%s,"
                "invoked_function_arn=%s,client_context=%s,identity=%s,tenant_id=%s])" % (
                    self.aws_request_id, self.log_group_name, self.log_stream_name,
                    self.function_name, self.memory_limit_in_mb, self.function_version,
                    self.invoked_function_arn, self.client_context, self.identity,
                    self.tenant_id))


# --- Errors ----------------------------------------------------------------------------------


def make_error(error_type, message, stack_trace, request_id=""):
    return {"errorMessage": message or "", "errorType": error_type or "",
            "requestId": request_id or "", "stackTrace": stack_trace or []}


def error_from_exception(exc, request_id=""):
    """An uncaught exception as AWS reports it: class name, str(), the user's frames."""
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename in _OWN_FILENAMES:
        frames = frames[1:]
    return make_error(type(exc).__name__, str(exc), traceback.format_list(frames), request_id)


def log_error(error):
    """One log record for an error, in AWS's text format: lines joined by CR, NBSP indents."""
    head = "[ERROR] %s: %s" % (error["errorType"], error["errorMessage"])
    lines = [head, "Traceback (most recent call last):"]
    for entry in error["stackTrace"]:
        for line in entry.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")
    sys.stdout.flush()


# --- Loading the handler ---------------------------------------------------------------------


def load_handler(spec):
    """_HANDLER "pkg.mod.func" -> the function, or a Fault with AWS's type and message."""
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (spec, e))

    if module_name.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict",
                    "Cannot use built-in module %s as a handler module" % module_name)
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError",
                    "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError",
                    "Syntax error in module '%s': %s" % (module_name, e), trace)

    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound",
                    "Handler '%s' missing on module '%s'" % (function_name, module_name))


# --- boto3 talks to headroom -----------------------------------------------------------------


def _default_endpoint_on(session_class, endpoint_url):
    """Make session_class.create_client use endpoint_url when the caller gives none."""
    import inspect

    original = session_class.create_client
    signature = inspect.signature(original)

    def create_client(*args, **kwargs):
        call = signature.bind(*args, **kwargs)
        service = str(call.arguments.get("service_name", ""))
        own_env = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_").replace(" ", "_")
        if (call.arguments.get("endpoint_url") is None and own_env not in os.environ
                and os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() != "true"):
            call.arguments["endpoint_url"] = endpoint_url
        return original(*call.args, **call.kwargs)

    create_client.__wrapped__ = original
    create_client.__doc__ = original.__doc__
    session_class.create_client = create_client


class _BotocoreSessionHook:
    """A meta-path finder that patches botocore.session the moment user code imports it.

    Nothing is imported ahead of time: a function that never uses boto3 never loads it, and a
    machine without botocore is unaffected. boto3 1.26 ignores AWS_ENDPOINT_URL, so setting the
    variable is not enough; every boto3 and botocore client goes through
    botocore.session.Session.create_client.
    """

    def __init__(self, endpoint_url):
        self.endpoint_url = endpoint_url

    def find_spec(self, name, path=None, target=None):
        if name != "botocore.session":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run_module = spec.loader.exec_module
        endpoint_url = self.endpoint_url

        def exec_module(module):
            run_module(module)
            _default_endpoint_on(module.Session, endpoint_url)

        # This loader instance serves this one module only, so wrapping it here is local.
        spec.loader.exec_module = exec_module
        return spec


def route_aws_sdk_to_headroom():
    headroom = os.environ.get("HEADROOM_ENDPOINT_URL")
    if not headroom:
        return
    os.environ.setdefault("AWS_ENDPOINT_URL", headroom)  # boto3 >= 1.28 reads it itself
    endpoint_url = os.environ["AWS_ENDPOINT_URL"]
    if "botocore.session" in sys.modules:
        _default_endpoint_on(sys.modules["botocore.session"].Session, endpoint_url)
    else:
        sys.meta_path.insert(0, _BotocoreSessionHook(endpoint_url))


# --- Logging ---------------------------------------------------------------------------------


class _LambdaLogHandler(logging.Handler):
    """The root logger's handler in AWS's runtime: one tab-separated line to stdout."""

    def emit(self, record):
        record.aws_request_id = _current_request_id
        try:
            sys.stdout.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def set_up_logging():
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)  # print() reaches the log as it happens
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler = _LambdaLogHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    # AWS_LAMBDA_LOG_LEVEL uses Lambda's level names; map them onto the logging module's.
    names = {"TRACE": "DEBUG", "DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARNING",
             "ERROR": "ERROR", "FATAL": "CRITICAL"}
    level = names.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper())
    if level:
        root.setLevel(level)


# --- The loop --------------------------------------------------------------------------------


def handle_invocation(api, handler, headers, body):
    global _current_request_id
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    _current_request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error = None
    try:
        context = LambdaContext(headers)
        event = parse_event(body, headers.get("Content-Type"))
        result = handler(event, context)
        payload, content_type = marshal_result(result)
    except Fault as fault:
        error = make_error(fault.error_type, fault.message, fault.stack_trace, request_id)
    except Exception as exc:
        error = error_from_exception(exc, request_id)

    sys.stdout.flush()
    sys.stderr.flush()
    if error is not None:
        log_error(error)
        api.post_error(request_id, error)
    else:
        api.post_response(request_id, payload, content_type)


def main():
    set_up_logging()
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # Python put this file's directory first; user modules must not see the runtime's files.
    here = os.path.realpath(os.path.dirname(THIS_FILE))
    if sys.path and os.path.realpath(sys.path[0] or ".") == here:
        del sys.path[0]
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    # Lambda sets both; the SDKs read AWS_DEFAULT_REGION, so never leave it out.
    if os.environ.get("AWS_REGION"):
        os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    route_aws_sdk_to_headroom()

    api = RuntimeAPI(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Fault as fault:
        error = make_error(fault.error_type, fault.message, fault.stack_trace)
    except Exception as exc:  # the module raised while it was being imported
        error = error_from_exception(exc)
    else:
        error = None
    if error is not None:
        log_error(error)
        api.post_init_error(error)
        return 1

    while True:
        try:
            headers, body = api.next_invocation()
        except Exception as e:
            print("headroom runtime: the Runtime API is gone (%s); exiting" % e, file=sys.stderr)
            return 1
        handle_invocation(api, handler, headers, body)


if __name__ == "__main__":
    sys.exit(main())
