"""GetAccountSettings, identity and AWS-shaped errors through real boto3 clients."""
import uuid

import pytest
from botocore.exceptions import ClientError

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


def error(excinfo):
    return excinfo.value.response


def test_account_settings_defaults(lam):
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000
    assert set(settings["AccountLimit"]) == {
        "TotalCodeSize", "CodeSizeUnzipped", "CodeSizeZipped", "ConcurrentExecutions",
        "UnreservedConcurrentExecutions"}
    assert set(settings["AccountUsage"]) == {"TotalCodeSize", "FunctionCount"}
    assert settings["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]


def test_get_function_concurrency_unknown_function(lam):
    name = "i-dont-exist-" + uuid.uuid4().hex[:8]
    with pytest.raises(ClientError) as e:
        lam.get_function_concurrency(FunctionName=name)
    r = error(e)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert r["Error"]["Code"] == "ResourceNotFoundException"
    assert r["Message"] == "Function not found: " + ARN + name
    assert r["Type"] == "User"


def test_put_function_concurrency_unknown_function_names_latest(lam):
    with pytest.raises(ClientError) as e:
        lam.put_function_concurrency(FunctionName="doesnotexist", ReservedConcurrentExecutions=1)
    assert error(e)["Message"] == "Function not found: " + ARN + "doesnotexist:$LATEST"


def test_wrong_region_arn(lam):
    with pytest.raises(ClientError) as e:
        lam.get_function_concurrency(
            FunctionName="arn:aws:lambda:ap-southeast-1:000000000000:function:f")
    assert error(e)["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error(e)["Message"] == (
        "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')")


def test_provisioned_config_missing_alias_and_version(lam):
    with pytest.raises(ClientError) as e:
        lam.get_provisioned_concurrency_config(FunctionName="doesnotexist", Qualifier="noalias")
    assert error(e)["Message"] == "Cannot find alias arn: " + ARN + "doesnotexist:noalias"
    with pytest.raises(ClientError) as e:
        lam.delete_provisioned_concurrency_config(FunctionName="doesnotexist", Qualifier="1")
    assert error(e)["Message"] == "Function not found: " + ARN + "doesnotexist:1"
    with pytest.raises(ClientError) as e:
        lam.list_provisioned_concurrency_configs(FunctionName="doesnotexist")
    assert error(e)["Message"] == "Function not found: " + ARN + "doesnotexist"


def test_validation_exception_text(headroom):
    raw = headroom.client(parameter_validation=False)
    with pytest.raises(ClientError) as e:
        raw.put_provisioned_concurrency_config(
            FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=0)
    r = error(e)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert r["Error"]["Code"] == "ValidationException"
    assert r["Error"]["Message"] == (
        "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1")


def test_accounts_and_regions_are_isolated(headroom):
    other = headroom.client(account="111111111111", region="eu-west-1")
    assert other.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 1000
    status, state = headroom.admin("GET", "/_headroom/state")
    assert status == 200
    keys = {(a["account"], a["region"]) for a in state["accounts"]}
    assert ("111111111111", "eu-west-1") in keys


def test_admin_health_and_manual_clock(headroom):
    status, health = headroom.admin("GET", "/_headroom/health")
    assert status == 200 and health["ready"] is True
    before = headroom.admin("GET", "/_headroom/state")[1]["now"]
    headroom.advance(3600)
    after = headroom.admin("GET", "/_headroom/state")[1]["now"]
    assert after > before
    status, body = headroom.admin("POST", "/_headroom/clock/advance?seconds=-1")
    assert status == 400


def test_malformed_authorization_is_aws_error(headroom):
    import urllib.request
    request = urllib.request.Request(
        headroom.url + "/2016-08-19/account-settings/",
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=x", "X-Amz-Date": "20260101T000000Z"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=10)
    assert e.value.code == 403
    assert e.value.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"


def test_unknown_route_is_aws_shaped(headroom):
    import urllib.request
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(headroom.url + "/2015-03-31/nothing-here", timeout=10)
    assert e.value.code == 404
    assert e.value.headers["x-amzn-ErrorType"]
