"""Isolation: two accounts and two Regions never see each other's state, through any read API.

One (account, Region) — the owner — gets one of everything: a function with a version, an
alias, reserved and provisioned concurrency, an event invoke config and a policy; AWS/Lambda
metrics (an invocation) and a custom metric; an alarm with history; an SNS topic with a
subscription; a quota increase request. Every read API is then asked from the owner (who must
see each thing: the positive control) and from the three others — another account in the same
Region, the same account in another Region, and another account in another Region — who must
see none of it, even when they ask by the owner's ARNs or ids. Finally an other creates a
function of the same name, and the owner's is untouched.
"""
import datetime
import json

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from cloudwatch_helpers import server_now
from invoke_helpers import make_zip, new_account

ROLE = "arn:aws:iam::000000000000:role/r"
NAME = "iso-fn"
SIM = {"ZipFile": make_zip({"README": "simulated"})}


class Tenant:
    def __init__(self, server, account, region):
        self.account, self.region = account, region

        def make(service):
            return boto3.client(service, endpoint_url=server.url, region_name=region, aws_access_key_id=account,
                                aws_secret_access_key="secret", config=Config(retries={"total_max_attempts": 1}))

        self.lam, self.cw, self.sns, self.sq = make("lambda"), make("cloudwatch"), make("sns"), make("service-quotas")

    def arn(self, qualifier=None):
        arn = "arn:aws:lambda:%s:%s:function:%s" % (self.region, self.account, NAME)
        return arn + ":" + qualifier if qualifier else arn


def code_of(call):
    """The error code of a call expected to fail, or its result."""
    try:
        return call()
    except ClientError as e:
        return e.response["Error"]["Code"]


@pytest.fixture(scope="module")
def owner(headroom):
    t = Tenant(headroom, new_account(), "us-east-1")
    t.lam.create_function(FunctionName=NAME, Runtime="python3.12", Handler="headroom.simulated", Role=ROLE, Code=SIM)
    version = t.lam.publish_version(FunctionName=NAME)["Version"]
    t.lam.create_alias(FunctionName=NAME, Name="live", FunctionVersion=version)
    t.lam.put_function_concurrency(FunctionName=NAME, ReservedConcurrentExecutions=10)
    t.lam.put_provisioned_concurrency_config(FunctionName=NAME, Qualifier="live", ProvisionedConcurrentExecutions=1)
    t.lam.put_function_event_invoke_config(FunctionName=NAME, MaximumRetryAttempts=1)
    t.lam.add_permission(FunctionName=NAME, StatementId="s1", Action="lambda:InvokeFunction",
                         Principal="sns.amazonaws.com")
    assert t.lam.invoke(FunctionName=NAME, Payload=b"{}")["StatusCode"] == 200
    t.cw.put_metric_data(Namespace="Iso", MetricData=[{"MetricName": "M", "Value": 1.0}])
    t.cw.put_metric_alarm(AlarmName="iso-alarm", Namespace="Iso", MetricName="M", Statistic="Sum", Period=60,
                          EvaluationPeriods=1, Threshold=100, ComparisonOperator="GreaterThanThreshold")
    t.cw.set_alarm_state(AlarmName="iso-alarm", StateValue="ALARM", StateReason="test")
    t.topic = t.sns.create_topic(Name="iso-topic")["TopicArn"]
    t.sns.subscribe(TopicArn=t.topic, Protocol="lambda", Endpoint=t.arn())
    t.request_id = t.sq.request_service_quota_increase(ServiceCode="lambda", QuotaCode="L-B99A9384",
                                                       DesiredValue=5000)["RequestedQuota"]["Id"]
    status, body = headroom.admin("POST", "/_headroom/quota/requests/%s/approve" % t.request_id)
    assert status == 200, body
    t.now = server_now(headroom)
    return t


def observe(t, owner):
    """What tenant `t` sees of the owner's things, by name and by the owner's ARNs and ids."""
    lam, cw, sns, sq = t.lam, t.cw, t.sns, t.sq
    start, end = owner.now - datetime.timedelta(hours=1), owner.now + datetime.timedelta(hours=1)
    fn = [{"Name": "FunctionName", "Value": NAME}]
    seen = {
        "functions": [f["FunctionName"] for f in lam.list_functions()["Functions"]],
        "get_function": code_of(lambda: lam.get_function(FunctionName=NAME)["Configuration"]["FunctionName"]),
        "get_function_by_arn": code_of(
            lambda: lam.get_function(FunctionName=owner.arn())["Configuration"]["FunctionArn"]),
        "configuration": code_of(lambda: lam.get_function_configuration(FunctionName=NAME)["FunctionName"]),
        "versions": code_of(lambda: [v["Version"] for v in lam.list_versions_by_function(FunctionName=NAME)["Versions"]]),
        "aliases": code_of(lambda: [a["Name"] for a in lam.list_aliases(FunctionName=NAME)["Aliases"]]),
        "alias": code_of(lambda: lam.get_alias(FunctionName=NAME, Name="live")["Name"]),
        "reserved": code_of(lambda: lam.get_function_concurrency(FunctionName=NAME).get("ReservedConcurrentExecutions")),
        "provisioned": code_of(lambda: lam.get_provisioned_concurrency_config(
            FunctionName=NAME, Qualifier="live")["RequestedProvisionedConcurrentExecutions"]),
        "provisioned_list": code_of(lambda: len(lam.list_provisioned_concurrency_configs(
            FunctionName=NAME)["ProvisionedConcurrencyConfigs"])),
        "event_invoke": code_of(lambda: lam.get_function_event_invoke_config(FunctionName=NAME)["MaximumRetryAttempts"]),
        "event_invoke_list": code_of(lambda: len(lam.list_function_event_invoke_configs(
            FunctionName=NAME)["FunctionEventInvokeConfigs"])),
        "policy": code_of(lambda: [s["Sid"] for s in json.loads(lam.get_policy(FunctionName=NAME)["Policy"])["Statement"]]),
        "unreserved": lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"],
        "limit": lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"],
        "quota_value": sq.get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")["Quota"]["Value"],
        "listed_quota": [q["Value"] for q in sq.list_service_quotas(ServiceCode="lambda")["Quotas"]
                         if q["QuotaCode"] == "L-B99A9384"],
        "function_count": lam.get_account_settings()["AccountUsage"]["FunctionCount"],
        "lambda_metrics": sorted({m["MetricName"] for m in cw.list_metrics(Namespace="AWS/Lambda", Dimensions=fn)["Metrics"]}),
        "custom_metrics": [m["MetricName"] for m in cw.list_metrics(Namespace="Iso")["Metrics"]],
        "statistics": len(cw.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Invocations", Dimensions=fn,
                                                   StartTime=start, EndTime=end, Period=60,
                                                   Statistics=["Sum"])["Datapoints"]),
        "metric_data": sum(len(r["Values"]) for r in cw.get_metric_data(StartTime=start, EndTime=end, MetricDataQueries=[
            {"Id": "i", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
                                                  "Dimensions": fn}, "Period": 60, "Stat": "Sum"}},
            {"Id": "m", "MetricStat": {"Metric": {"Namespace": "Iso", "MetricName": "M"}, "Period": 60,
                                       "Stat": "Sum"}}])["MetricDataResults"]),
        "alarms": [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]],
        "alarms_for_metric": [a["AlarmName"] for a in cw.describe_alarms_for_metric(
            Namespace="Iso", MetricName="M", Statistic="Sum", Period=60)["MetricAlarms"]],
        "alarm_history": len(cw.describe_alarm_history(AlarmName="iso-alarm")["AlarmHistoryItems"]),
        "topics": [x["TopicArn"] for x in sns.list_topics()["Topics"]],
        "subscriptions": code_of(lambda: len(sns.list_subscriptions_by_topic(TopicArn=owner.topic)["Subscriptions"])),
        "quota": sq.get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")["Quota"]["QuotaArn"].split(":")[4],
        "quota_requests": [r["Id"] for r in sq.list_requested_service_quota_change_history(
            ServiceCode="lambda")["RequestedQuotas"]],
        "quota_requests_by_quota": [r["Id"] for r in sq.list_requested_service_quota_change_history_by_quota(
            ServiceCode="lambda", QuotaCode="L-B99A9384")["RequestedQuotas"]],
        "quota_request": code_of(lambda: sq.get_requested_service_quota_change(
            RequestId=owner.request_id)["RequestedQuota"]["Id"]),
    }
    return seen


def test_the_owner_sees_everything_it_made(owner):
    seen = observe(owner, owner)
    assert seen["functions"] == [NAME]
    assert seen["get_function"] == seen["configuration"] == NAME
    assert seen["get_function_by_arn"] == owner.arn()
    assert seen["versions"] == ["$LATEST", "1"] and seen["aliases"] == ["live"] and seen["alias"] == "live"
    assert seen["reserved"] == 10 and seen["provisioned"] == 1 and seen["provisioned_list"] == 1
    assert seen["event_invoke"] == 1 and seen["event_invoke_list"] == 1 and seen["policy"] == ["s1"]
    assert seen["limit"] == seen["quota_value"] == 5000 and seen["listed_quota"] == [5000]  # approved
    assert seen["unreserved"] == 4990 and seen["function_count"] == 1
    assert "Invocations" in seen["lambda_metrics"] and seen["custom_metrics"] == ["M"]
    assert seen["statistics"] >= 1 and seen["metric_data"] >= 2
    assert seen["alarms"] == seen["alarms_for_metric"] == ["iso-alarm"] and seen["alarm_history"] >= 1
    assert seen["topics"] == [owner.topic] and seen["subscriptions"] == 1
    assert seen["quota"] == owner.account
    assert seen["quota_requests"] == seen["quota_requests_by_quota"] == [owner.request_id]
    assert seen["quota_request"] == owner.request_id


NOTHING = {
    "functions": [], "get_function": "ResourceNotFoundException", "configuration": "ResourceNotFoundException",
    "versions": "ResourceNotFoundException", "aliases": "ResourceNotFoundException",
    "alias": "ResourceNotFoundException", "reserved": "ResourceNotFoundException",
    "provisioned": "ResourceNotFoundException", "provisioned_list": "ResourceNotFoundException",
    "event_invoke": "ResourceNotFoundException", "event_invoke_list": "ResourceNotFoundException",
    "policy": "ResourceNotFoundException", "unreserved": 1000, "function_count": 0,
    "limit": 1000, "quota_value": 1000, "listed_quota": [1000],
    "lambda_metrics": [], "custom_metrics": [], "statistics": 0, "metric_data": 0, "alarms": [],
    "alarms_for_metric": [], "alarm_history": 0, "topics": [], "subscriptions": "NotFound",
    "quota_requests": [], "quota_requests_by_quota": [], "quota_request": "NoSuchResourceException",
}


@pytest.mark.parametrize("other", ["another account", "another region", "another account and region"])
def test_no_one_else_sees_any_of_it(headroom, owner, other):
    account = owner.account if other == "another region" else new_account()
    region = "us-east-1" if other == "another account" else "eu-west-1"
    tenant = Tenant(headroom, account, region)
    seen = observe(tenant, owner)
    by_arn = seen.pop("get_function_by_arn")
    assert by_arn in ("AccessDeniedException", "ResourceNotFoundException"), by_arn
    assert seen.pop("quota") == account
    assert seen == NOTHING

    # The same name, made by the other, is its own function.
    tenant.lam.create_function(FunctionName=NAME, Runtime="python3.12", Handler="headroom.simulated", Role=ROLE,
                               Code=SIM)
    assert tenant.lam.get_function(FunctionName=NAME)["Configuration"]["FunctionArn"] == tenant.arn()
    assert "ReservedConcurrentExecutions" not in tenant.lam.get_function_concurrency(FunctionName=NAME)
    assert owner.lam.get_function_concurrency(FunctionName=NAME)["ReservedConcurrentExecutions"] == 10
    assert [v["Version"] for v in owner.lam.list_versions_by_function(FunctionName=NAME)["Versions"]] == ["$LATEST", "1"]
