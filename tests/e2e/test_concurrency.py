"""Reserved and provisioned concurrency through boto3, as in the AWS-recorded cases
(../shared/localstack-snapshots/CASES.md A, B, E) and user-stories scenario 2."""
import concurrent.futures
import io
import time
import uuid
import zipfile

import pytest
from botocore.exceptions import ClientError

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def create(lam, publish=False):
    name = "fn-" + uuid.uuid4().hex[:10]
    r = lam.create_function(FunctionName=name, Runtime="python3.12", Handler="handler.handler",
                            Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": zip_bytes()},
                            Publish=publish)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 201
    return name, r


def wait_ready(lam, name, qualifier, headroom):
    headroom.advance(3)  # past --pc-allocation-delay (2 s)
    for _ in range(200):
        r = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if r["Status"] == "READY":
            return r
        time.sleep(0.02)
    raise AssertionError("never READY")


def test_create_function_shape(lam):
    name, r = create(lam)
    assert r["State"] == "Pending" and r["StateReasonCode"] == "Creating"
    assert r["FunctionArn"] == ARN + name
    assert r["Version"] == "$LATEST" and r["CodeSize"] == len(zip_bytes())
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["State"] == "Active"
    assert "Concurrency" not in got
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName=name, Runtime="python3.12", Handler="h.h",
                            Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": zip_bytes()})
    assert e.value.response["Error"]["Code"] == "ResourceConflictException"
    assert e.value.response["Error"]["Message"] == "Function already exist: " + name


def test_reserved_concurrency_crud(lam):
    name, _ = create(lam)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    assert lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=3)[
        "ReservedConcurrentExecutions"] == 3
    assert lam.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 3}
    r = lam.delete_function_concurrency(FunctionName=name)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    with pytest.raises(ClientError) as e:
        lam.put_function_concurrency(FunctionName=ARN + name + ":$LATEST", ReservedConcurrentExecutions=0)
    assert e.value.response["message"].startswith("This operation is permitted on Lambda functions only.")
    with pytest.raises(ClientError) as e:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1000)
    r = e.value.response
    assert r["Error"]["Code"] == "InvalidParameterValueException"
    assert "Type" not in r
    assert r["message"] == ("Specified ReservedConcurrentExecutions for function decreases account's "
                            "UnreservedConcurrentExecution below its minimum value of [100].")
    lam.delete_function(FunctionName=name)


def test_provisioned_lifecycle_and_conflicts(lam, headroom):
    name, r = create(lam, publish=True)
    assert r["Version"] == "1"
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    put = lam.put_provisioned_concurrency_config(
        FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert put["Status"] == "IN_PROGRESS"
    assert (put["RequestedProvisionedConcurrentExecutions"], put["AllocatedProvisionedConcurrentExecutions"],
            put["AvailableProvisionedConcurrentExecutions"]) == (1, 0, 0)
    assert "StatusReason" not in put
    with pytest.raises(ClientError) as e:
        lam.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert e.value.response["message"] == (
        "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version")
    ready = wait_ready(lam, name, "1", headroom)
    assert (ready["AllocatedProvisionedConcurrentExecutions"], ready["AvailableProvisionedConcurrentExecutions"]) == (1, 1)
    listed = lam.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
    assert [c["FunctionArn"] for c in listed] == [ARN + name + ":1"]
    assert lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1")
    assert e.value.response["Error"]["Code"] == "ProvisionedConcurrencyConfigNotFoundException"
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=1)
    with pytest.raises(ClientError) as e:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    assert e.value.response["message"] == "Version is pointed by a Provisioned Concurrency alias"
    with pytest.raises(ClientError) as e:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1)
    assert e.value.response["message"] == (
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.")
    lam.delete_alias(FunctionName=name, Name="live")
    assert lam.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"] == []
    lam.delete_function(FunctionName=name)


def test_scenario_two_through_account_settings(headroom):
    lam = headroom.client(account="222222222222")
    a, _ = create(lam)
    b, _ = create(lam)
    c, _ = create(lam, publish=True)
    lam.put_function_concurrency(FunctionName=a, ReservedConcurrentExecutions=400)
    lam.put_function_concurrency(FunctionName=b, ReservedConcurrentExecutions=400)
    lam.put_provisioned_concurrency_config(FunctionName=c, Qualifier="1", ProvisionedConcurrentExecutions=100)
    limits = lam.get_account_settings()["AccountLimit"]
    assert limits["ConcurrentExecutions"] == 1000
    assert limits["UnreservedConcurrentExecutions"] == 100
    with pytest.raises(ClientError) as e:
        lam.put_provisioned_concurrency_config(FunctionName=c, Qualifier="1", ProvisionedConcurrentExecutions=101)
    assert e.value.response["message"] == (
        "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
        "below its minimum value of [100].")


def test_scenario_one_small_account_through_account_settings():
    """user-stories scenario 1: limit 10, unreserved minimum 0, A and B reserve 3 each, C has
    PC 2 and no RC, and one unreserved execution of D runs (a simulated function held open on
    the manual clock). GetAccountSettings shows 10 - 8 = 2 unreserved; ClaimedAccountConcurrency
    is 1 + (3 + 3 + 2) = 9, so 1 is available."""
    from conftest import Headroom
    server = Headroom("--account-limit", "10", "--unreserved-min", "0")
    try:
        lam = server.client()
        a, _ = create(lam)
        b, _ = create(lam)
        c, _ = create(lam, publish=True)
        d = "fn-" + uuid.uuid4().hex[:10]  # D: no reservation; each invocation runs 1 s
        lam.create_function(FunctionName=d, Runtime="python3.12", Handler="headroom.simulated",
                            Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": zip_bytes()},
                            Environment={"Variables": {"HEADROOM_SIM_DURATION_MS": "1000"}})
        lam.put_function_concurrency(FunctionName=a, ReservedConcurrentExecutions=3)
        lam.put_function_concurrency(FunctionName=b, ReservedConcurrentExecutions=3)
        lam.put_provisioned_concurrency_config(FunctionName=c, Qualifier="1",
                                               ProvisionedConcurrentExecutions=2)
        limits = lam.get_account_settings()["AccountLimit"]
        assert limits["ConcurrentExecutions"] == 10
        assert limits["UnreservedConcurrentExecutions"] == 2
        status, state = server.admin("GET", "/_headroom/state")
        assert status == 200
        pool = [p for p in state["accounts"] if p["account"] == "000000000000"][0]
        assert (pool["allocated"], pool["claimed"], pool["unreserved_minimum"]) == (8, 8, 0)
        with concurrent.futures.ThreadPoolExecutor(1) as running:
            invocation = running.submit(lam.invoke, FunctionName=d)
            for _ in range(500):
                pool = [p for p in server.admin("GET", "/_headroom/state")[1]["accounts"]
                        if p["account"] == "000000000000"][0]
                if pool["unreserved_busy"] == 1:
                    break
                time.sleep(0.01)
            assert (pool["claimed"], limits["ConcurrentExecutions"] - pool["claimed"]) == (9, 1)
            server.advance(1)
            assert invocation.result(timeout=10)["StatusCode"] == 200
        # With the minimum at 0 the pool may be reserved to the last slot, and no further.
        lam.put_function_concurrency(FunctionName=a, ReservedConcurrentExecutions=5)
        assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 0
        with pytest.raises(ClientError) as e:
            lam.put_function_concurrency(FunctionName=b, ReservedConcurrentExecutions=4)
        assert e.value.response["message"] == (
            "Specified ReservedConcurrentExecutions for function decreases account's "
            "UnreservedConcurrentExecution below its minimum value of [0].")
    finally:
        assert server.stop() == 0
