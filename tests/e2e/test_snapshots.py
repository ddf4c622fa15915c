"""Replays the AWS-recorded responses of ../shared/localstack-snapshots/concurrency_subset.snapshot.json.

Each recorded test (a top-level key of the snapshot file) that can run here has one test below,
marked with @replays(<snapshot key>). It makes the calls ../shared/localstack-snapshots/CASES.md
describes and hands every response that was recorded under a label to Replay.check(label, call),
which compares it with the recorded entry read from the snapshot file at test time; what is
compared (status, keys at every level, deterministic values with the recording's placeholders
mapped, numbered placeholders held to one value each) is described in snapshot_replay.py, which
holds the comparison shared with test_snapshots_api.py.

Labels that cannot be replayed yet (they need Invoke, CloudFormation or layers) are listed with a
reason in NOT_REPLAYED; test_every_recorded_label_is_replayed_or_listed and the end-of-test check
in Replay make sure that every label of the file is either replayed or listed there.

Credentials: the access key id is 111111111111, which this server takes as the account id, so
the ARNs in messages line up with the recording.
"""
import os
import time
import uuid

import pytest

from snapshot_replay import (
    ACCOUNT, ECHO, REGION, client, check_every_label, create_function, load_snapshot, new_name,
    own_server, publish, replay_fixture, replays, wait, zip_of, SNAPSHOT_DIR)

SNAPSHOT_FILE = os.environ.get("HEADROOM_SNAPSHOTS", os.path.join(
    SNAPSHOT_DIR, "concurrency_subset.snapshot.json"))
SNAPSHOT = load_snapshot(SNAPSHOT_FILE)

API = "tests/aws/services/lambda_/test_lambda_api.py::"
RUNTIME = "tests/aws/services/lambda_/test_lambda.py::TestLambdaConcurrency::"
CFN = "tests/aws/services/cloudformation/resources/test_lambda.py::"

# --------------------------------------------------------------------------------------------
# The recorded labels that are not replayed, each with its reason.

INVOKE = "needs Invoke, which this server does not implement yet"
CLOUDFORMATION = "needs a CloudFormation stack; headroom has no CloudFormation"
NOT_REPLAYED = {
    CFN + "test_lambda_alias": {
        "invoke_result": CLOUDFORMATION + " (and Invoke)",
        "stack_resource_descriptions": CLOUDFORMATION,
        "Alias": CLOUDFORMATION + " (alias created by AWS::Lambda::Alias)",
        "provisioned_concurrency_config": CLOUDFORMATION + " (ProvisionedConcurrencyConfig of the alias)",
    },
    CFN + "test_lambda_version_provisioned_concurrency": {
        "invoke_result": CLOUDFORMATION + " (and Invoke)",
        "stack_resources": CLOUDFORMATION,
        "versions_by_fn": CLOUDFORMATION + " (function and version created by the stack)",
        "get_function_version": CLOUDFORMATION + " (version created by AWS::Lambda::Version)",
        "provisioned_concurrency_config": CLOUDFORMATION + " (ProvisionedConcurrencyConfig of the version)",
    },
    RUNTIME + "test_lambda_concurrency_block": {
        "invoke_latest_before_block": INVOKE,
        "invoke_latest_first_exc": INVOKE + " (429 on $LATEST)",
        "invoke_v1_after_block": INVOKE,
        "invoke_latest_second_exc": INVOKE + " (429 on $LATEST)",
    },
    RUNTIME + "test_provisioned_concurrency_init_failure": {
        "get_provisioned_postwait": "FAILED/FUNCTION_ERROR_INIT_FAILURE needs the function's init to run (Invoke runtime)",
    },
    RUNTIME + "test_reserved_concurrency": {
        "exc_no_cap_requestresponse": INVOKE + " (429 with reserved 0)",
        "invoke_result": INVOKE + " (InvocationType=Event)",
        "msg": INVOKE + " and SQS (the on-failure destination message)",
    },
    RUNTIME + "test_reserved_concurrency_async_queue": {
        "too_many_requests_exc": INVOKE + " (429 while the async event holds the slot)",
    },
    RUNTIME + "test_reserved_provisioned_overlap": {
        "reserved_equals_provisioned_latest_invoke_exc": INVOKE + " (429 on $LATEST)",
    },
    API + "TestLambdaAccountSettings::test_account_settings_total_code_size": {
        "total_code_size_diff_publish_layer": "needs PublishLayerVersion; headroom has no layers",
        "total_code_size_diff_publish_layer_version": "needs PublishLayerVersion; headroom has no layers",
    },
}
_MOVES = ("upstream test is skipped ('Not yet implemented'): stale 2023 python3.8 recording that "
          "also needs Invoke and AWS's minutes-long re-provisioning")
NOT_REPLAYED[RUNTIME + "test_lambda_provisioned_concurrency_moves_with_alias"] = {
    label: _MOVES for label in (
        "create-result", "get-function-configuration", "publish_version_1",
        "get_function_configuration_version_1", "create_alias", "get_function_before_provisioned",
        "get_function_after_provisioned", "get_function_after_update", "publish_version_2",
        "update_alias", "get_provisioned_config_after_alias_move", "provisioned_concurrency_notfound")}

replay = replay_fixture(SNAPSHOT, NOT_REPLAYED)


# --------------------------------------------------------------------------------------------
# Servers, clients and functions.

@pytest.fixture
def lam(headroom):
    return client(headroom)


# The functions of CASES.md §0.3, written from their descriptions (ECHO is snapshot_replay's).
INVOCATION_TYPE = (
    "import os\nimport time\n\n\n"
    "def handler(event, context):\n"
    "    if 'wait' in event:\n"
    "        time.sleep(event['wait'])\n"
    "    return os.environ.get('AWS_LAMBDA_INITIALIZATION_TYPE')\n")
INVOCATION_TYPE_FAILURE = (
    "import os\nimport time\n\n"
    "if os.environ.get('AWS_LAMBDA_INITIALIZATION_TYPE') == 'provisioned-concurrency':\n"
    "    raise Exception('Intentional failure upon provisioned concurrency initialization')\n\n\n"
    "def handler(event, context):\n"
    "    if 'wait' in event:\n"
    "        time.sleep(event['wait'])\n"
    "    return os.environ.get('AWS_LAMBDA_INITIALIZATION_TYPE')\n")
NOTIFIER = (
    "import json\nimport time\n\nimport boto3\n\n\n"
    "def handler(event, context):\n"
    "    if 'notify' in event:\n"
    "        boto3.client('sqs').send_message(QueueUrl=event['notify'],\n"
    "            MessageBody=json.dumps({'request_id': context.aws_request_id}))\n"
    "    time.sleep(event.get('wait', 0))\n")
INTROSPECT = (
    "import os\n\n\n"
    "def handler(event, context):\n"
    "    return {'environment': dict(os.environ), 'request_id': context.aws_request_id}\n")


def wait_provisioned(lam, server, name, qualifier, want="READY"):
    """Polls GetProvisionedConcurrencyConfig until Status is `want`, moving the manual clock on;
    any other status than IN_PROGRESS aborts."""
    for _ in range(300):
        status = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)["Status"]
        if status == want:
            return
        assert status == "IN_PROGRESS", "provisioned config of %s:%s went %s" % (name, qualifier, status)
        server.advance(1)
        time.sleep(0.01)
    raise AssertionError("provisioned config of %s:%s never became %s" % (name, qualifier, want))


def account_settings(lam):
    return lam.get_account_settings()


# --------------------------------------------------------------------------------------------
# A. Reserved concurrency API

@replays(API + "TestLambdaReservedConcurrency::test_function_concurrency_exceptions")
def test_function_concurrency_exceptions(lam, replay):
    with replay as r:
        r.check("put_function_concurrency_with_function_name_doesnotexist", lambda: lam.put_function_concurrency(
            FunctionName="doesnotexist", ReservedConcurrentExecutions=1))
        r.check("put_function_concurrency_with_function_name_doesnotexist_and_invalid_concurrency",
                lambda: lam.put_function_concurrency(FunctionName="doesnotexist", ReservedConcurrentExecutions=0))
        fn = r.new_function_name()
        create_function(lam, fn)
        qualified = lam.get_function_configuration(FunctionName=fn, Qualifier="$LATEST")["FunctionArn"]
        assert qualified.endswith(":$LATEST"), qualified
        r.check("put_function_concurrency_with_qualified_arn", lambda: lam.put_function_concurrency(
            FunctionName=qualified, ReservedConcurrentExecutions=0))


@replays(API + "TestLambdaReservedConcurrency::test_function_concurrency_limits")
def test_function_concurrency_limits(replay):
    limit, minimum = 5, 3  # as LocalStack ran it
    with replay as r, own_server("--account-limit", str(limit), "--unreserved-min", str(minimum)) as server:
        lam = client(server)
        fn = r.new_function_name()
        create_function(lam, fn)
        c = account_settings(lam)["AccountLimit"]["ConcurrentExecutions"]
        assert c == limit
        r.bind("<min_unreserved_concurrency>", minimum)
        r.check("put_function_concurrency_account_limit_exceeded", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=c + 1))
        r.check("put_function_concurrency_below_unreserved_min_value", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=c))


@replays(API + "TestLambdaReservedConcurrency::test_function_concurrency")
def test_function_concurrency(replay):
    with replay as r, own_server("--account-limit", "101", "--unreserved-min", "100") as server:
        lam = client(server)
        fn = r.new_function_name()
        create_function(lam, fn)
        r.check("put_function_concurrency_with_reserved_0", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=0))
        r.check("put_function_concurrency_with_reserved_1", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=1))
        r.check("get_function_concurrency", lambda: lam.get_function_concurrency(FunctionName=fn))
        r.check("delete_response", lambda: lam.delete_function_concurrency(FunctionName=fn))
        r.check("get_function_concurrency_after_delete", lambda: lam.get_function_concurrency(FunctionName=fn))
        # Step 7 of CASES.md A3, an assertion of the recorded test that is not in the snapshot.
        unreserved = account_settings(lam)["AccountLimit"]["UnreservedConcurrentExecutions"]
        put = lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=unreserved - 101)
        assert put["ReservedConcurrentExecutions"] == unreserved - 101


# --------------------------------------------------------------------------------------------
# B. Provisioned concurrency API

@replays(API + "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_exceptions")
def test_provisioned_concurrency_exceptions(headroom, replay):
    lam = client(headroom, parameter_validation=False)
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn)
        r.check("publish_version_result", lambda: lam.publish_version(FunctionName=fn))
        get = lam.get_provisioned_concurrency_config
        delete = lam.delete_provisioned_concurrency_config
        put = lam.put_provisioned_concurrency_config
        r.check("get_provisioned_config_doesnotexist", lambda: get(FunctionName=fn, Qualifier="1"))
        r.check("get_provisioned_functionname_doesnotexist", lambda: get(
            FunctionName="doesnotexist", Qualifier="noalias"))
        r.check("get_provisioned_qualifier_doesnotexist", lambda: get(FunctionName=fn, Qualifier="noalias"))
        r.check("get_provisioned_version_doesnotexist", lambda: get(FunctionName=fn, Qualifier="10"))
        r.check("get_provisioned_latest", lambda: get(FunctionName=fn, Qualifier="$LATEST"))
        r.check("list_provisioned_noconfigs", lambda: lam.list_provisioned_concurrency_configs(FunctionName=fn))
        r.check("list_provisioned_functionname_doesnotexist", lambda: lam.list_provisioned_concurrency_configs(
            FunctionName="doesnotexist"))
        r.check("delete_provisioned_functionname_doesnotexist", lambda: delete(
            FunctionName="doesnotexist", Qualifier="1"))
        r.check("delete_provisioned_qualifier_doesnotexist", lambda: delete(FunctionName=fn, Qualifier="noalias"))
        r.check("delete_provisioned_version_doesnotexist", lambda: delete(FunctionName=fn, Qualifier="10"))
        r.check("delete_provisioned_latest", lambda: delete(FunctionName=fn, Qualifier="$LATEST"))
        r.check("delete_provisioned_config_doesnotexist", lambda: delete(FunctionName=fn, Qualifier="1"))
        r.check("put_provisioned_invalid_param_0", lambda: put(
            FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=0))
        r.check("put_provisioned_functionname_doesnotexist_alias", lambda: put(
            FunctionName="doesnotexist", Qualifier="noalias", ProvisionedConcurrentExecutions=1))
        r.check("put_provisioned_functionname_doesnotexist_version", lambda: put(
            FunctionName="doesnotexist", Qualifier="1", ProvisionedConcurrentExecutions=1))
        r.check("put_provisioned_qualifier_doesnotexist", lambda: put(
            FunctionName=fn, Qualifier="doesnotexist", ProvisionedConcurrentExecutions=1))
        r.check("put_provisioned_version_doesnotexist", lambda: put(
            FunctionName=fn, Qualifier="10", ProvisionedConcurrentExecutions=1))
        r.check("put_provisioned_latest", lambda: put(
            FunctionName=fn, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1))


@replays(API + "TestLambdaProvisionedConcurrency::test_provisioned_concurrency_limits")
def test_provisioned_concurrency_limits(replay):
    limit, minimum = 5, 3  # as LocalStack ran it
    with replay as r, own_server("--account-limit", str(limit), "--unreserved-min", str(minimum)) as server:
        lam = client(server)
        fn = r.new_function_name()
        create_function(lam, fn)
        assert publish(lam, fn) == "1"
        c = account_settings(lam)["AccountLimit"]["ConcurrentExecutions"]
        assert c == limit
        r.bind("<unreserved_concurrency>", c)  # the recorded test asserts it is ConcurrentExecutions
        r.bind("<min_unreserved_concurrency>", minimum)
        r.check("put_provisioned_concurrency_account_limit_exceeded", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=c + 1))
        r.check("put_provisioned_concurrency_below_unreserved_min_value",
                lambda: lam.put_provisioned_concurrency_config(
                    FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=c))


@replays(API + "TestLambdaProvisionedConcurrency::test_lambda_provisioned_lifecycle")
def test_lambda_provisioned_lifecycle(headroom, lam, replay):
    with replay as r:
        fn, alias = r.new_function_name(), new_name("alias")
        r.bind("<alias-name>", alias)
        create_function(lam, fn)
        r.check("publish_version_result", lambda: lam.publish_version(FunctionName=fn))
        wait(lam, "function_active_v2", fn, "1")
        wait(lam, "function_updated_v2", fn, "1")
        r.check("create_alias_result", lambda: lam.create_alias(FunctionName=fn, Name=alias, FunctionVersion="1"))
        r.check("put_provisioned_on_version", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=1))
        r.check("put_provisioned_on_alias_versionconflict", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=alias, ProvisionedConcurrentExecutions=1))
        wait_provisioned(lam, headroom, fn, "1")
        r.check("delete_provisioned_version", lambda: lam.delete_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1"))
        r.check("get_provisioned_version_postdelete", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1"))
        r.check("put_provisioned_on_alias", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=alias, ProvisionedConcurrentExecutions=1))
        r.check("put_provisioned_on_version_conflict", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=1))
        r.check("delete_alias_result", lambda: lam.delete_alias(FunctionName=fn, Name=alias))
        r.check("get_provisioned_alias_postaliasdelete", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=alias))
        r.check("list_response_postdeletes", lambda: lam.list_provisioned_concurrency_configs(FunctionName=fn))


# --------------------------------------------------------------------------------------------
# C. Account settings

@replays(API + "TestLambdaAccountSettings::test_account_settings")
def test_account_settings(lam, replay):
    def key_sets():  # the recorded test keeps only the (sorted) keys of both objects
        settings = lam.get_account_settings()
        for part in ("AccountLimit", "AccountUsage"):
            settings[part] = sorted(settings[part])
        return settings
    with replay as r:
        r.check("acc_settings_modded", key_sets)


def total_code_size(lam):
    return lam.get_account_settings()["AccountUsage"]["TotalCodeSize"]


@replays(API + "TestLambdaAccountSettings::test_account_settings_total_code_size")
def test_account_settings_total_code_size(replay):
    with replay as r, own_server() as server:  # an account of its own: other tests add code
        lam = client(server)
        # The recording's deterministic echo zip is as large as the first delta; ours is padded to it.
        package = zip_of(ECHO, size=r.recorded["total_code_size_diff_create_function"])
        fn = r.new_function_name()
        before = total_code_size(lam)
        create_function(lam, fn, zip_file=package)
        r.check("total_code_size_diff_create_function", lambda: total_code_size(lam) - before)
        before = total_code_size(lam)
        lam.update_function_code(FunctionName=fn, ZipFile=package, Publish=True)
        wait(lam, "function_updated_v2", fn)
        r.check("total_code_size_diff_update_function", lambda: total_code_size(lam) - before)


@replays(API + "TestLambdaAccountSettings::test_account_settings_total_code_size_config_update")
def test_account_settings_total_code_size_config_update(replay):
    # Recorded with nodejs runtimes (create, then UpdateFunctionConfiguration(Runtime=nodejs20.x));
    # headroom runs python only, so the runtime change here is python3.12 -> python3.13. What is
    # recorded is the code-size accounting of a configuration-only change, which does not depend
    # on the runtime.
    with replay as r, own_server() as server:
        lam = client(server)
        fn = r.new_function_name()
        before = total_code_size(lam)
        create_function(lam, fn, zip_file=zip_of(ECHO, size=300))
        r.check("is_total_code_size_diff_create_function_more_than_200",
                lambda: total_code_size(lam) - before > 200)
        before = total_code_size(lam)
        lam.update_function_configuration(FunctionName=fn, Runtime="python3.13")
        wait(lam, "function_updated_v2", fn)
        r.check("total_code_size_diff_update_function_configuration", lambda: total_code_size(lam) - before)
        before = total_code_size(lam)
        publish(lam, fn)
        r.check("is_total_code_size_diff_publish_version_after_config_update_more_than_200",
                lambda: total_code_size(lam) - before > 200)


# --------------------------------------------------------------------------------------------
# D. GetFunctionConcurrency on a missing function or from the wrong region

@replays(API + "TestLambdaFunction::test_ops_on_nonexisting_fn[get_function_concurrency]")
def test_ops_on_nonexisting_fn(lam, replay):
    with replay as r:
        missing = "i-dont-exist-" + uuid.uuid4().hex[:8]
        r.bind("<nonexisting-fn-name>", missing)
        r.check("not_found_exception", lambda: lam.get_function_concurrency(FunctionName=missing))


@replays(API + "TestLambdaFunction::test_get_function_wrong_region[get_function_concurrency]")
def test_get_function_wrong_region(lam, replay):
    with replay as r:
        fn, other = r.new_function_name(), "eu-central-1"
        r.bind("<wrong-region>", other)
        create_function(lam, fn)
        r.check("wrong_region_exception", lambda: lam.get_function_concurrency(
            FunctionName="arn:aws:lambda:%s:%s:function:%s" % (other, ACCOUNT, fn)))


# --------------------------------------------------------------------------------------------
# E. Runtime behaviour (only the labels that need no Invoke)

@replays(RUNTIME + "test_lambda_concurrency_crud")
def test_lambda_concurrency_crud(lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn)
        r.check("get_function_concurrency_default", lambda: lam.get_function_concurrency(FunctionName=fn))
        r.check("put_function_concurrency", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=0))
        r.check("get_function_concurrency_updated", lambda: lam.get_function_concurrency(FunctionName=fn))
        lam.delete_function_concurrency(FunctionName=fn)
        r.check("get_function_concurrency_deleted", lambda: lam.get_function_concurrency(FunctionName=fn))


@replays(RUNTIME + "test_lambda_concurrency_update")
def test_lambda_concurrency_update(lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn)
        r.check("put_function_concurrency", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=3))
        r.check("get_function_concurrency_updated", lambda: lam.get_function_concurrency(FunctionName=fn))
        r.check("get_function_concurrency_info", lambda: lam.get_function(FunctionName=fn))
        lam.delete_function_concurrency(FunctionName=fn)
        r.check("get_function_concurrency_deleted", lambda: lam.get_function_concurrency(FunctionName=fn))


@replays(RUNTIME + "test_lambda_concurrency_block")
def test_lambda_concurrency_block(headroom, lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn)
        r.check("v1_result", lambda: lam.publish_version(FunctionName=fn))
        wait(lam, "function_active_v2", fn, "1")
        r.check("reserved_concurrency_result", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=1))
        r.check("provisioned_concurrency_result", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=1))
        wait_provisioned(lam, headroom, fn, "1")


@replays(RUNTIME + "test_provisioned_concurrency")
def test_provisioned_concurrency(headroom, lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn, source=INVOCATION_TYPE)
        v1 = publish(lam, fn)
        r.check("put_provisioned_5", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1, ProvisionedConcurrentExecutions=5))
        r.check("get_provisioned_prewait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1))
        wait_provisioned(lam, headroom, fn, v1)
        r.check("get_provisioned_postwait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1))


@replays(RUNTIME + "test_provisioned_concurrency_init_failure")
def test_provisioned_concurrency_init_failure(lam, replay):
    with replay as r:
        fn = r.new_function_name()
        created = create_function(lam, fn, source=INVOCATION_TYPE_FAILURE, publish=True)
        assert created["Version"] == "1", created
        r.check("put_provisioned", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1", ProvisionedConcurrentExecutions=1))
        r.check("get_provisioned_prewait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="1"))


@replays(RUNTIME + "test_provisioned_concurrency_on_alias")
def test_provisioned_concurrency_on_alias(headroom, lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn, source=INVOCATION_TYPE)
        v1 = publish(lam, fn)
        lam.create_alias(FunctionName=fn, Name="live", FunctionVersion=v1)
        r.check("put_provisioned_5", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="live", ProvisionedConcurrentExecutions=5))
        r.check("get_provisioned_prewait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="live"))
        wait_provisioned(lam, headroom, fn, "live")
        r.check("get_provisioned_postwait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier="live"))


@replays(RUNTIME + "test_lambda_provisioned_concurrency_scheduling")
def test_lambda_provisioned_concurrency_scheduling(headroom, lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn, source=INVOCATION_TYPE, timeout=10)
        v1 = publish(lam, fn)
        lam.put_provisioned_concurrency_config(FunctionName=fn, Qualifier=v1, ProvisionedConcurrentExecutions=1)
        wait_provisioned(lam, headroom, fn, v1)
        r.check("get_provisioned_postwait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1))


@replays(RUNTIME + "test_reserved_concurrency_async_queue")
def test_reserved_concurrency_async_queue(lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn, source=NOTIFIER, timeout=30)
        # The recorded FunctionArn ends in :$LATEST, so the configuration was read qualified.
        r.check("fn", lambda: lam.get_function_configuration(FunctionName=fn, Qualifier="$LATEST"))
        r.check("put_fn_concurrency", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=1))


@replays(RUNTIME + "test_reserved_concurrency")
def test_reserved_concurrency(lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn, source=INTROSPECT, timeout=20)
        r.check("fn", lambda: lam.get_function_configuration(FunctionName=fn, Qualifier="$LATEST"))
        r.check("put_reserved", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=0))
        # headroom has no SQS: the on-failure destination is the ARN of a queue by that name.
        queue_arn = "arn:aws:sqs:%s:%s:%s" % (REGION, ACCOUNT, new_name("queue"))
        r.check("put_event_invoke_conf", lambda: lam.put_function_event_invoke_config(
            FunctionName=fn, MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": queue_arn}}))


@replays(RUNTIME + "test_reserved_provisioned_overlap")
def test_reserved_provisioned_overlap(headroom, lam, replay):
    with replay as r:
        fn = r.new_function_name()
        create_function(lam, fn, source=INVOCATION_TYPE)
        v1 = publish(lam, fn)
        r.check("put_provisioned_5", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1, ProvisionedConcurrentExecutions=2))
        r.check("get_provisioned_prewait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1))
        wait_provisioned(lam, headroom, fn, v1)
        r.check("get_provisioned_postwait", lambda: lam.get_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v1))
        r.check("reserved_lower_than_provisioned_exc", lambda: lam.put_function_concurrency(
            FunctionName=fn, ReservedConcurrentExecutions=1))
        assert lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=2)[
            "ReservedConcurrentExecutions"] == 2
        r.check("get_concurrency", lambda: lam.get_function_concurrency(FunctionName=fn))
        r.check("update_func_config", lambda: lam.update_function_configuration(FunctionName=fn, Timeout=15))
        wait(lam, "function_updated_v2", fn)
        v2 = publish(lam, fn)
        assert v2 != v1
        r.check("reserved_equals_provisioned_another_provisioned_exc", lambda: lam.put_provisioned_concurrency_config(
            FunctionName=fn, Qualifier=v2, ProvisionedConcurrentExecutions=1))
        r.check("reserved_equals_provisioned_increase_provisioned_exc",
                lambda: lam.put_provisioned_concurrency_config(
                    FunctionName=fn, Qualifier=v1, ProvisionedConcurrentExecutions=3))


# --------------------------------------------------------------------------------------------
# Nothing silently forgotten

def test_every_recorded_label_is_replayed_or_listed():
    check_every_label(SNAPSHOT, NOT_REPLAYED, globals())
