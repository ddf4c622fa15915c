"""CloudWatch metric alarms end to end through boto3 (spec §6.3–§6.5; user-stories "The alarm they
create" and "The automation they wire to it"): PutMetricAlarm and its validation, DescribeAlarms,
DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState, Enable/DisableAlarmActions,
DescribeAlarmHistory, and the 70 % ClaimedAccountConcurrency alarm evaluated on the server's clock
with an SNS action (an http subscriber run by the test) and a Lambda action (a real Python function
that appends the event it receives to a file).

The server runs on the manual clock. Alarms with a period of 60 s are evaluated on whole minutes
(the evaluator ticks every 10 s), and the pool is sampled once per second of server time, so the
scenario first moves the clock to hh:mm:05 and from there advances exactly 10 s at a time, with
real time in between for the scheduler: every minute then holds samples, and every boundary is
crossed mid-step.

Expectations marked "AWS-recorded" come from LocalStack's AWS-validated CloudWatch snapshots
(localstack tests/aws/services/cloudwatch/test_cloudwatch.snapshot.json); error texts marked
"AWS" are CloudWatch's own as quoted in public bug reports (cited at each).
"""
import datetime
import json
import os
import re
import shutil
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import Headroom
from cloudwatch_helpers import (
    Running, align, alarm_arn, aws, create_recorder, create_simulated, error_of,
    function_arn, lambda_metric, lines, minute_of, server_now, settle, sns_log,
    stays, wait_value)
from invoke_helpers import new_account, wait_for

ALARM_PRINCIPAL = "lambda.alarms.cloudwatch.amazonaws.com"
LAMBDA_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
REGION_NAME = "US East (N. Virginia)"


@pytest.fixture
def lam(headroom, account):
    return aws(headroom, "lambda", account)


def unique(prefix="alarm"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def put_single(cw, name, ns=None, **overrides):
    """A single-metric alarm on a custom metric (LocalStack's minimal alarm, AWS-recorded)."""
    kwargs = dict(AlarmName=name, Namespace=ns or "hr-e2e/" + uuid.uuid4().hex[:8],
                  MetricName="metric1", EvaluationPeriods=1, ComparisonOperator="GreaterThanThreshold",
                  Period=60, Statistic="Sum", Threshold=30)
    kwargs.update(overrides)
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    cw.put_metric_alarm(**kwargs)
    return kwargs


# The user story's alarm: % Claimed (e2) as a metric-math alarm, > 70, 1 of 1, period 60, Maximum.
CLAIMED_METRICS = [
    {"Id": "m1", "MetricStat": lambda_metric("ConcurrentExecutions"), "ReturnData": False},
    {"Id": "e1", "Expression": "SERVICE_QUOTA(m1)", "Label": "Current Concurrent Limit", "ReturnData": False},
    {"Id": "m2", "MetricStat": lambda_metric("ClaimedAccountConcurrency"), "ReturnData": False},
    {"Id": "e2", "Expression": "(m2/e1) * 100", "Label": "% Claimed", "ReturnData": True},
]


def put_claimed_alarm(cw, name, actions, description="70 % of the account's concurrency is claimed"):
    cw.put_metric_alarm(AlarmName=name, AlarmDescription=description, Metrics=CLAIMED_METRICS,
                        ComparisonOperator="GreaterThanThreshold", Threshold=70, EvaluationPeriods=1,
                        DatapointsToAlarm=1, AlarmActions=actions)


def client_fields(cw, shape="MetricAlarm"):
    """The members this boto3's model knows (boto3 1.26's MetricAlarm has no
    StateTransitionedTimestamp yet: it drops what the server sends)."""
    return set(cw.meta.service_model.shape_for(shape).members)


def describe(cw, name):
    [alarm] = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return alarm


def history(cw, name, kind=None):
    kwargs = dict(AlarmName=name, ScanBy="TimestampAscending")
    if kind:
        kwargs["HistoryItemType"] = kind
    items = cw.get_paginator("describe_alarm_history").paginate(**kwargs).build_full_result()
    return items["AlarmHistoryItems"]


def transitions(cw, name):
    """The state changes, oldest first: [(old, new)]."""
    out = []
    for item in history(cw, name, "StateUpdate"):
        m = re.fullmatch(r"Alarm updated from (\w+) to (\w+)", item["HistorySummary"])
        assert m, item
        if m.group(1) != m.group(2):
            out.append((m.group(1), m.group(2)))
    return out


def allow_alarm(lam, function, account, alarm, statement="AlarmAction", source_account=None):
    lam.add_permission(FunctionName=function, StatementId=statement, Action="lambda:InvokeFunction",
                       Principal=ALARM_PRINCIPAL, SourceAccount=source_account or account,
                       SourceArn=alarm_arn(account, alarm))


def topic_with_subscriber(sns, subscriber):
    topic = sns.create_topic(Name=unique("team"))["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=subscriber.url)
    assert sub["SubscriptionArn"].startswith(topic + ":"), sub
    return topic


# ---- PutMetricAlarm and DescribeAlarms -------------------------------------------------------------

def test_put_single_metric_alarm_describes_as_aws(cw, account):
    """AWS-recorded (test_describe_minimal_metric_alarm): the exact fields of a new alarm."""
    name = unique()
    given = put_single(cw, name, Period=10)
    r = cw.describe_alarms(AlarmNames=[name])
    assert r["CompositeAlarms"] == []
    [a] = r["MetricAlarms"]
    expected = {
        "ActionsEnabled", "AlarmActions", "AlarmArn", "AlarmConfigurationUpdatedTimestamp", "AlarmName",
        "ComparisonOperator", "Dimensions", "EvaluationPeriods", "InsufficientDataActions", "MetricName",
        "Namespace", "OKActions", "Period", "StateReason", "StateTransitionedTimestamp",
        "StateUpdatedTimestamp", "StateValue", "Statistic", "Threshold"}
    assert set(a) == expected & client_fields(cw), sorted(a)
    assert a["AlarmArn"] == alarm_arn(account, name)
    assert (a["ActionsEnabled"], a["AlarmActions"], a["OKActions"], a["InsufficientDataActions"]) == (True, [], [], [])
    assert (a["StateValue"], a["StateReason"]) == ("INSUFFICIENT_DATA", "Unchecked: Initial alarm creation")
    assert (a["Namespace"], a["MetricName"], a["Dimensions"], a["Period"], a["Statistic"]) == (
        given["Namespace"], "metric1", [], 10, "Sum")
    assert (a["EvaluationPeriods"], a["ComparisonOperator"], a["Threshold"]) == (1, "GreaterThanThreshold", 30.0)
    assert isinstance(a["StateUpdatedTimestamp"], datetime.datetime)
    assert isinstance(a["AlarmConfigurationUpdatedTimestamp"], datetime.datetime)


def test_put_metric_alarm_again_replaces_the_configuration_and_keeps_the_state(headroom, cw):
    name = unique()
    ns = "hr-e2e/" + uuid.uuid4().hex[:8]
    put_single(cw, name, ns=ns, AlarmDescription="first", TreatMissingData="ignore",
               Dimensions=[{"Name": "Host", "Value": "a"}])
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="by hand")
    before = describe(cw, name)
    headroom.advance(1)
    settle()  # an evaluation the advance made due ("ignore": the state stays) runs before the update
    put_single(cw, name, ns=ns, Threshold=50)  # no description, no dimensions, no TreatMissingData now
    after = describe(cw, name)
    assert (after["StateValue"], after["StateReason"]) == ("ALARM", "by hand")
    assert after["StateUpdatedTimestamp"] == before["StateUpdatedTimestamp"]
    assert after["AlarmConfigurationUpdatedTimestamp"] > before["AlarmConfigurationUpdatedTimestamp"]
    assert after["Threshold"] == 50.0
    assert "AlarmDescription" not in after and "TreatMissingData" not in after
    assert after["Dimensions"] == []


def test_put_metric_math_alarm_describes_its_metrics(cw, account):
    name = unique("claimed")
    put_claimed_alarm(cw, name, [])
    a = describe(cw, name)
    assert a["AlarmArn"] == alarm_arn(account, name)
    assert a["Metrics"] == CLAIMED_METRICS
    for absent in ("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Period", "Unit"):
        assert absent not in a, (absent, a)
    assert (a["Threshold"], a["ComparisonOperator"], a["EvaluationPeriods"], a["DatapointsToAlarm"]) == (
        70.0, "GreaterThanThreshold", 1, 1)
    assert a["StateValue"] == "INSUFFICIENT_DATA"


def single(**overrides):
    kwargs = dict(Namespace="hr-e2e/v", MetricName="metric1", EvaluationPeriods=1,
                  ComparisonOperator="GreaterThanThreshold", Period=60, Statistic="Sum", Threshold=1)
    kwargs.update(overrides)
    return {k: v for k, v in kwargs.items() if v is not None}


def math(**overrides):
    kwargs = dict(Metrics=CLAIMED_METRICS, EvaluationPeriods=1, ComparisonOperator="GreaterThanThreshold",
                  Threshold=70)
    kwargs.update(overrides)
    return kwargs


TWO_RETURNING = [dict(q, ReturnData=True) if q["Id"] in ("m2", "e2") else q for q in CLAIMED_METRICS]


@pytest.mark.parametrize("kwargs,code,message", [
    # AWS: "Period must be 10, 30 or a multiple of 60 (Service: AmazonCloudWatch; Status Code: 400;
    # Error Code: ValidationError" (awsdocs/aws-cloudformation-user-guide#777; 20 is valid now).
    pytest.param(single(Period=7), "ValidationError", None, id="period-7"),
    # AWS: "ValidationError: Exactly one element of the metrics list should return data."
    # (hashicorp/terraform-provider-aws#29894).
    pytest.param(math(Metrics=TWO_RETURNING), "ValidationError",
                 "Exactly one element of the metrics list should return data.", id="two-return-data"),
    # AWS: "ValidationError: DatapointsToAlarm must be less than or equal to EvaluationPeriods"
    # (hashicorp/terraform#24070).
    pytest.param(single(EvaluationPeriods=1, DatapointsToAlarm=15), "ValidationError",
                 "DatapointsToAlarm must be less than or equal to EvaluationPeriods", id="m-greater-than-n"),
    # AWS: "Statistic should not be set if list of Metrics is set. (... Error Code: ValidationError"
    # (aws-cloudformation/cfn-lint#766), "Unit should not be set if list of Metrics is set."
    # (aws-cloudformation/cfn-lint#1306); MetricName with Metrics is refused the same way.
    pytest.param(math(MetricName="Invocations"), "ValidationError", None, id="metricname-and-metrics"),
    pytest.param(math(Statistic="Maximum"), "ValidationError",
                 "Statistic should not be set if list of Metrics is set.", id="statistic-and-metrics"),
    pytest.param(math(Unit="Count"), "ValidationError",
                 "Unit should not be set if list of Metrics is set.", id="unit-and-metrics"),
])
def test_put_metric_alarm_validation(cw, kwargs, code, message):
    name = unique("bad")
    with pytest.raises(ClientError) as e:
        cw.put_metric_alarm(AlarmName=name, **kwargs)
    got_code, got_message, status = error_of(e)
    assert (got_code, status) == (code, 400), (got_code, got_message)
    if message is not None:
        assert got_message == message
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []


def test_put_metric_alarm_accepts_every_documented_period(cw):
    for period in (10, 20, 30, 60, 120, 3600):
        name = unique("p%d" % period)
        put_single(cw, name, Period=period)
        assert describe(cw, name)["Period"] == period


def test_describe_alarms_filters_and_paging(headroom, cw, account):
    prefix = unique("page")
    names = ["%s-%d" % (prefix, i) for i in range(5)]
    for n in names:
        put_single(cw, n, AlarmActions=["arn:aws:sns:us-east-1:%s:%s-topic" % (account, prefix)] if n == names[4] else None)
    put_single(cw, unique("other"))
    for n in (names[1], names[3]):
        cw.set_alarm_state(AlarmName=n, StateValue="ALARM", StateReason="by hand")

    def listed(**kw):
        return [a["AlarmName"] for a in cw.describe_alarms(**kw)["MetricAlarms"]]

    assert listed(AlarmNamePrefix=prefix) == names  # in name order
    assert listed(AlarmNamePrefix=prefix, StateValue="ALARM") == [names[1], names[3]]
    assert listed(AlarmNamePrefix=prefix, StateValue="INSUFFICIENT_DATA") == [names[0], names[2], names[4]]
    assert listed(AlarmNamePrefix=prefix, StateValue="OK") == []
    assert listed(AlarmNames=[names[3], names[0]]) == [names[0], names[3]]
    assert listed(ActionPrefix="arn:aws:sns:us-east-1:%s:%s" % (account, prefix)) == [names[4]]
    assert set(listed()) >= set(names) and len(listed()) == 6
    composite = cw.describe_alarms(AlarmNamePrefix=prefix, AlarmTypes=["CompositeAlarm"])
    assert composite.get("MetricAlarms", []) == [] and composite.get("CompositeAlarms", []) == []

    first = cw.describe_alarms(AlarmNamePrefix=prefix, MaxRecords=2)
    assert [a["AlarmName"] for a in first["MetricAlarms"]] == names[:2] and first.get("NextToken")
    pages = list(cw.get_paginator("describe_alarms").paginate(
        AlarmNamePrefix=prefix, PaginationConfig={"PageSize": 2}))
    assert [[a["AlarmName"] for a in p["MetricAlarms"]] for p in pages] == [names[0:2], names[2:4], names[4:5]]
    assert all(p.get("NextToken") for p in pages[:-1]) and not pages[-1].get("NextToken")
    full = cw.get_paginator("describe_alarms").paginate(
        AlarmNamePrefix=prefix, StateValue="INSUFFICIENT_DATA", PaginationConfig={"PageSize": 1}).build_full_result()
    assert [a["AlarmName"] for a in full["MetricAlarms"]] == [names[0], names[2], names[4]]
    # Another account sees none of them.
    assert aws(headroom, "cloudwatch", new_account()).describe_alarms(AlarmNamePrefix=prefix)["MetricAlarms"] == []


def test_describe_alarms_for_metric(cw):
    ns = "hr-e2e/" + uuid.uuid4().hex[:8]
    host_a, host_b = [{"Name": "Host", "Value": "a"}], [{"Name": "Host", "Value": "b"}]
    avg = unique("avg")
    put_single(cw, avg, ns=ns, Dimensions=host_a, Statistic="Average")
    p99 = unique("p99")
    put_single(cw, p99, ns=ns, Dimensions=host_a, Statistic=None, ExtendedStatistic="p99", Period=300)
    put_single(cw, unique("b"), ns=ns, Dimensions=host_b, Statistic="Average")
    put_single(cw, unique("othermetric"), ns=ns, MetricName="metric2", Dimensions=host_a, Statistic="Average")

    def names(**kw):
        return sorted(a["AlarmName"] for a in cw.describe_alarms_for_metric(
            Namespace=ns, MetricName="metric1", **kw)["MetricAlarms"])

    assert names(Dimensions=host_a) == sorted([avg, p99])
    assert names(Dimensions=host_a, Statistic="Average") == [avg]
    assert names(Dimensions=host_a, ExtendedStatistic="p99") == [p99]
    assert names(Dimensions=host_a, Period=300) == [p99]
    assert names(Dimensions=host_a, Period=120) == []
    [a] = cw.describe_alarms_for_metric(Namespace=ns, MetricName="metric1", Dimensions=host_a,
                                        Statistic="Average")["MetricAlarms"]
    assert (a["Dimensions"], a["Statistic"], a["StateValue"]) == (host_a, "Average", "INSUFFICIENT_DATA")


def test_delete_alarms(cw):
    names = [unique("del") for _ in range(3)]
    for n in names:
        put_single(cw, n)
    r = cw.delete_alarms(AlarmNames=names[:2])
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert cw.describe_alarms(AlarmNames=names)["MetricAlarms"] == [describe(cw, names[2])]
    # AWS-recorded (test_set_alarm_invalid_input): a missing alarm is ResourceNotFound, 404.
    with pytest.raises(ClientError) as e:
        cw.set_alarm_state(AlarmName=names[0], StateValue="ALARM", StateReason="gone")
    assert error_of(e)[0] == "ResourceNotFound" and error_of(e)[2] == 404


def test_set_alarm_state_invalid_state(cw):
    """AWS-recorded (test_set_alarm_invalid_input)."""
    name = unique()
    put_single(cw, name)
    with pytest.raises(ClientError) as e:
        cw.set_alarm_state(AlarmName=name, StateValue="INVALID", StateReason="x")
    assert error_of(e) == (
        "ValidationError", "1 validation error detected: Value 'INVALID' at 'stateValue' failed to satisfy "
        "constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", 400)
    assert describe(cw, name)["StateValue"] == "INSUFFICIENT_DATA"


# ---- SetAlarmState, actions, history ------------------------------------------------------------------

def test_set_alarm_state_runs_the_new_states_sns_action(headroom, cw, sns, account, subscriber):
    topic = topic_with_subscriber(sns, subscriber)
    name = unique()
    put_single(cw, name, AlarmDescription="testing cloudwatch alarms", AlarmActions=[topic], OKActions=[topic])
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing alarm")
    [n] = wait_for_notifications(subscriber, 1)
    assert n["Type"] == "Notification" and n["TopicArn"] == topic
    assert n["Subject"] == 'ALARM: "%s" in %s' % (name, REGION_NAME)
    message = json.loads(n["Message"])
    assert (message["AlarmName"], message["AlarmDescription"], message["AWSAccountId"]) == (
        name, "testing cloudwatch alarms", account)
    assert (message["NewStateValue"], message["OldStateValue"], message["NewStateReason"]) == (
        "ALARM", "INSUFFICIENT_DATA", "testing alarm")
    assert (message["AlarmArn"], message["Region"]) == (alarm_arn(account, name), REGION_NAME)
    assert (message["AlarmActions"], message["OKActions"], message["InsufficientDataActions"]) == ([topic], [topic], [])
    a = describe(cw, name)
    assert (a["StateValue"], a["StateReason"]) == ("ALARM", "testing alarm")

    # The same state again: no transition, no action.
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="still")
    stays(lambda: len(subscriber.notifications()), 1, what="notifications")
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="resetting alarm")
    notes = wait_for_notifications(subscriber, 2)
    message = json.loads(notes[1]["Message"])
    assert (message["NewStateValue"], message["OldStateValue"], message["NewStateReason"]) == (
        "OK", "ALARM", "resetting alarm")
    assert notes[1]["Subject"] == 'OK: "%s" in %s' % (name, REGION_NAME)
    assert transitions(cw, name) == [("INSUFFICIENT_DATA", "ALARM"), ("ALARM", "OK")]
    logged = wait_value(lambda: [[d["Status"][:9] for d in m["Deliveries"]] for m in sns_log(headroom, topic)],
                        [["delivered"], ["delivered"]], what="the SNS log's deliveries")
    assert logged
    actions = history(cw, name, "Action")
    assert [i["HistorySummary"] for i in actions] == ["Successfully executed action " + topic] * 2
    assert all(json.loads(i["HistoryData"])["actionState"] == "Succeeded" for i in actions)


def test_sns_alarm_message_has_the_trigger(cw, sns, subscriber):
    """AWS-recorded (test_set_alarm, alarm-state-sqs-msg): the notification names its Trigger."""
    topic = topic_with_subscriber(sns, subscriber)
    name = unique()
    ns = "hr-e2e/" + uuid.uuid4().hex[:8]
    cw.put_metric_alarm(AlarmName=name, AlarmDescription="Test Alarm when CPU exceeds 50 percent",
                        MetricName="CPUUtilization-3", Namespace=ns, ActionsEnabled=True, Period=300,
                        Threshold=50.0, Dimensions=[{"Name": "InstanceId", "Value": "i-0317828c84edbe100"}],
                        Unit="Percent", Statistic="Average", OKActions=[topic], AlarmActions=[topic],
                        EvaluationPeriods=2, ComparisonOperator="GreaterThanThreshold", TreatMissingData="ignore")
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing alarm")
    [n] = wait_for_notifications(subscriber, 1)
    message = json.loads(n["Message"])
    assert message.get("Trigger") == {
        "MetricName": "CPUUtilization-3", "Namespace": ns, "Unit": "Percent", "Period": 300,
        "EvaluationPeriods": 2, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 50.0,
        "TreatMissingData": "ignore", "EvaluateLowSampleCountPercentile": "",
        "Dimensions": [{"value": "i-0317828c84edbe100", "name": "InstanceId"}],
        "StatisticType": "Statistic", "Statistic": "AVERAGE"}, message


def test_disable_and_enable_alarm_actions(cw, sns, subscriber):
    topic = topic_with_subscriber(sns, subscriber)
    name = unique()
    put_single(cw, name, AlarmActions=[topic], OKActions=[topic])
    cw.disable_alarm_actions(AlarmNames=[name])
    assert describe(cw, name)["ActionsEnabled"] is False
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="while disabled")
    stays(lambda: len(subscriber.notifications()), 0, 0.5, what="notifications")
    assert describe(cw, name)["StateValue"] == "ALARM"  # the state changes, the actions do not run
    assert history(cw, name, "Action") == []
    cw.enable_alarm_actions(AlarmNames=[name])
    assert describe(cw, name)["ActionsEnabled"] is True
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="enabled again")
    [n] = wait_for_notifications(subscriber, 1)
    assert json.loads(n["Message"])["NewStateValue"] == "OK"


def test_describe_alarm_history(headroom, cw, account):
    name = unique("hist")
    # "ignore": an evaluation between the steps (the clock crosses a tick) keeps the state set.
    put_single(cw, name, TreatMissingData="ignore")
    headroom.advance(1)  # distinct timestamps, as on AWS
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing alarm")
    headroom.advance(1)
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="resetting alarm")
    items = history(cw, name)
    assert [(i["HistoryItemType"], i["HistorySummary"]) for i in items] == [
        ("ConfigurationUpdate", 'Alarm "%s" created' % name),
        ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to ALARM"),
        ("StateUpdate", "Alarm updated from ALARM to OK")]
    assert all(i["AlarmName"] == name and i["AlarmType"] == "MetricAlarm" for i in items)
    assert [i["Timestamp"] for i in items] == sorted(i["Timestamp"] for i in items)
    # AWS-recorded (test_put_metric_alarm, describe-alarm-history): HistoryData is a JSON string.
    data = json.loads(items[1]["HistoryData"])
    assert data == {"version": "1.0",
                    "oldState": {"stateValue": "INSUFFICIENT_DATA", "stateReason": "Unchecked: Initial alarm creation"},
                    "newState": {"stateValue": "ALARM", "stateReason": "testing alarm"}}
    newest = cw.describe_alarm_history(AlarmName=name, HistoryItemType="StateUpdate", MaxRecords=1)
    assert [i["HistorySummary"] for i in newest["AlarmHistoryItems"]] == ["Alarm updated from ALARM to OK"]
    assert newest.get("NextToken")
    pages = list(cw.get_paginator("describe_alarm_history").paginate(
        AlarmName=name, ScanBy="TimestampAscending", PaginationConfig={"PageSize": 1}))
    assert [len(p["AlarmHistoryItems"]) for p in pages] == [1, 1, 1]
    assert history(cw, unique("none")) == []


# ---- the Lambda action --------------------------------------------------------------------------------

def test_set_alarm_state_lambda_action_event_as_aws(cw, lam, account, scratch):
    """AWS-recorded (test_alarm_lambda_target, lambda-alarm-invocations): the event of an alarm
    set by hand, sent to a function whose policy allows the alarm."""
    out = os.path.join(scratch, "events.jsonl")
    fn = create_recorder(lam, out)
    name = unique()
    ns = "ns-" + uuid.uuid4().hex[:8]
    cw.put_metric_alarm(AlarmName=name, AlarmDescription="testing lambda alarm action", MetricName="metric1",
                        Namespace=ns, Period=10, Threshold=2, Statistic="Average", OKActions=[],
                        AlarmActions=[function_arn(account, fn)], EvaluationPeriods=2,
                        ComparisonOperator="GreaterThanThreshold", TreatMissingData="ignore")
    allow_alarm(lam, fn, account, name)
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing alarm")
    wait_for(lambda: len(lines(out)) == 1, what="the alarm's Lambda action")
    event = lines(out)[0]["event"]
    assert set(event) == {"source", "alarmArn", "accountId", "time", "region", "alarmData"}, event
    assert (event["source"], event["alarmArn"], event["accountId"], event["region"]) == (
        "aws.cloudwatch", alarm_arn(account, name), account, "us-east-1")
    assert re.fullmatch(LAMBDA_TIME, event["time"]), event["time"]
    data = event["alarmData"]
    assert set(data) == {"alarmName", "state", "previousState", "configuration"}, data
    assert data["alarmName"] == name
    assert (data["state"]["value"], data["state"]["reason"]) == ("ALARM", "testing alarm")
    assert (data["previousState"]["value"], data["previousState"]["reason"]) == (
        "INSUFFICIENT_DATA", "Unchecked: Initial alarm creation")
    for s in (data["state"], data["previousState"]):
        assert re.fullmatch(LAMBDA_TIME, s["timestamp"]), s
    [metric] = data["configuration"]["metrics"]
    assert data["configuration"]["description"] == "testing lambda alarm action"
    assert {k: v for k, v in metric.items() if k != "id"} == {
        "metricStat": {"metric": {"namespace": ns, "name": "metric1", "dimensions": {}},
                       "period": 10, "stat": "Average"},
        "returnData": True}
    # Where the recording differs in form, every difference at once.
    differences = []
    for which in ("state", "previousState"):
        if set(data[which]) != {"value", "reason", "timestamp"}:  # no reasonData was given
            differences.append("alarmData.%s has keys %s, AWS: value, reason, timestamp" % (
                which, sorted(data[which])))
    if not re.fullmatch(UUID, metric["id"]):
        differences.append("configuration.metrics[0].id is %r, AWS: a UUID" % metric["id"])
    if differences:
        pytest.fail("differences from the AWS recording:\n" + "\n".join(differences))


@pytest.mark.parametrize("case", ["allowed", "no-policy", "other-alarm", "other-account", "reserved-zero"])
def test_lambda_action_needs_the_alarms_permission(cw, lam, account, scratch, case):
    """CloudWatch may invoke a function only when its resource policy allows principal
    lambda.alarms.cloudwatch.amazonaws.com for this alarm (SourceArn) and account (SourceAccount);
    otherwise, or when the invocation is throttled (reserved concurrency 0), the alarm's history
    records the failed action and the function does not run."""
    out = os.path.join(scratch, "events.jsonl")
    fn = create_recorder(lam, out)
    name = unique()
    arn = function_arn(account, fn)
    put_single(cw, name, AlarmActions=[arn])
    if case in ("allowed", "reserved-zero"):
        allow_alarm(lam, fn, account, name)
    elif case == "other-alarm":
        allow_alarm(lam, fn, account, unique("another"))
    elif case == "other-account":
        allow_alarm(lam, fn, account, name, source_account=new_account())
    if case == "reserved-zero":
        lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=0)
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="testing alarm")
    [item] = wait_for_history(cw, name, "Action", 1)
    data = json.loads(item["HistoryData"])
    if case == "allowed":
        assert item["HistorySummary"] == "Successfully executed action " + arn
        assert data["actionState"] == "Succeeded"
        wait_for(lambda: len(lines(out)) == 1, what="the allowed Lambda action")
        assert lines(out)[0]["event"]["alarmData"]["alarmName"] == name
    else:
        assert item["HistorySummary"].startswith("Failed to execute action " + arn), item
        assert data["actionState"] == "Failed" and data["notificationResource"] == arn, data
        stays(lambda: len(lines(out)), 0, 0.5, what="runs of the function")
    assert describe(cw, name)["StateValue"] == "ALARM"


def wait_for_notifications(subscriber, count, timeout=10):
    deadline = time.monotonic() + timeout
    while len(subscriber.notifications()) < count:
        assert time.monotonic() < deadline, "timed out waiting for %d SNS notification(s): %s" % (
            count, subscriber.notifications())
        time.sleep(0.02)
    stays(lambda: len(subscriber.notifications()), count, 0.3, what="notifications")
    return subscriber.notifications()


def wait_for_history(cw, name, kind, count, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        items = history(cw, name, kind)
        if len(items) >= count:
            return items
        assert time.monotonic() < deadline, "timed out waiting for %d %s item(s)" % (count, kind)
        time.sleep(0.02)


# ---- evaluation on the clock ------------------------------------------------------------------------

def test_single_metric_alarm_evaluates_as_aws(headroom, cw, account):
    """AWS-recorded (test_put_metric_alarm: alarm-triggered-describe, ok-triggered-describe): a
    1-of-1 alarm on the Average of a custom metric goes to ALARM on a breaching minute, then to OK
    when no data is left to evaluate (notBreaching), with AWS's reasons and reason data."""
    m0 = minute_of(align(headroom, second=5, step=10))
    ns = "hr-e2e/" + uuid.uuid4().hex[:8]
    dim = [{"Name": "InstanceId", "Value": "abc"}]
    before = m0 - datetime.timedelta(seconds=50)  # in the minute before m0
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "my-metric1", "Dimensions": dim, "Value": v, "Timestamp": before, "Unit": "Seconds"}
        for v in (21, 22)])
    name = unique()
    cw.put_metric_alarm(AlarmName=name, AlarmDescription="testing cloudwatch alarms", MetricName="my-metric1",
                        Namespace=ns, ActionsEnabled=True, Period=60, Threshold=2, Dimensions=dim,
                        Unit="Seconds", Statistic="Average", EvaluationPeriods=1,
                        ComparisonOperator="GreaterThanThreshold", TreatMissingData="notBreaching")

    headroom.advance(10)  # the first evaluation, at hh:mm:10, reads the minute before
    settle()
    a = wait_value(lambda: describe(cw, name)["StateValue"], "ALARM", 5, what="the alarm's state") and describe(cw, name)
    first = m0 - datetime.timedelta(minutes=1)
    assert a["StateReason"] == "Threshold Crossed: 1 datapoint [21.5 (%s)] was greater than the threshold (2.0)." % (
        first.strftime("%d/%m/%y %H:%M:%S"))
    alarm_data = json.loads(a["StateReasonData"])
    assert (alarm_data["version"], alarm_data["statistic"], alarm_data["period"], alarm_data["threshold"]) == (
        "1.0", "Average", 60, 2.0)
    assert alarm_data["recentDatapoints"] == [21.5]
    [point] = alarm_data["evaluatedDatapoints"]
    assert point["value"] == 21.5
    assert transitions(cw, name) == [("INSUFFICIENT_DATA", "ALARM")]

    # Later minutes have no data, but while the breaching point is inside the evaluation range
    # (larger than N: spec §6.4) it is "the most recent real point" and TreatMissingData does
    # not apply: ALARM at the next minute still; OK once the point has left the range.
    for _ in range(6):
        headroom.advance(10)
        settle()
    assert describe(cw, name)["StateValue"] == "ALARM"
    for _ in range(24):
        headroom.advance(10)
        settle()
        if describe(cw, name)["StateValue"] == "OK":
            break
    a = describe(cw, name)
    assert a["StateValue"] == "OK"
    assert a["StateReason"] == ("Threshold Crossed: no datapoints were received for 1 period and 1 missing "
                                "datapoint was treated as [NonBreaching].")
    ok_data = json.loads(a["StateReasonData"])
    assert (ok_data["recentDatapoints"], ok_data["statistic"], ok_data["period"]) == ([], "Average", 60)
    assert [set(p) for p in ok_data["evaluatedDatapoints"]] == [{"timestamp"}]
    assert transitions(cw, name) == [("INSUFFICIENT_DATA", "ALARM"), ("ALARM", "OK")]

    # The recorded reason data's fields, every difference at once.
    differences = []
    want = {"version", "queryDate", "startDate", "unit", "statistic", "period", "recentDatapoints", "threshold",
            "evaluatedDatapoints"}
    if set(alarm_data) != want:
        differences.append("ALARM StateReasonData keys %s, AWS %s" % (sorted(alarm_data), sorted(want)))
    if alarm_data.get("unit") != "Seconds":
        differences.append("ALARM StateReasonData.unit %r, AWS 'Seconds' (the alarm's Unit)" % alarm_data.get("unit"))
    if set(point) != {"timestamp", "sampleCount", "value"} or point.get("sampleCount") != 2.0:
        differences.append("evaluatedDatapoints[0] %s, AWS {timestamp, sampleCount: 2.0, value: 21.5}" % point)
    want_ok = want - {"startDate"}
    if set(ok_data) != want_ok:
        differences.append("OK StateReasonData keys %s, AWS %s" % (sorted(ok_data), sorted(want_ok)))
    if differences:
        pytest.fail("differences from the AWS recording:\n" + "\n".join(differences))


# ---- the 70 % alarm, evaluated on the clock ----------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    """user-stories scenario 1's account: limit 10, unreserved minimum 0."""
    server = Headroom("--account-limit", "10", "--unreserved-min", "0")
    yield server
    assert server.stop() == 0
    shutil.rmtree(server.data_dir, ignore_errors=True)


def test_claimed_alarm_fires_once_per_breach_with_sns_and_lambda_actions(small, scratch, subscriber):
    """The user story's alarm on an account of limit 10: RC 7 on one function and one running
    execution of another claim 8 (80 % > 70 %). INSUFFICIENT_DATA until the first whole breaching
    minute, then ALARM once: one SNS message and one run of the Lambda action with AWS's alarm
    event; no second action while it stays in ALARM. Below the threshold (RC removed: 10 %) it
    goes OK, which has no actions; the next breach runs both actions once more."""
    server = small
    account = new_account()
    lam, cw, sns = (aws(server, s, account) for s in ("lambda", "cloudwatch", "sns"))
    # Nothing of this account exists before hh:mm:05, so the minute before holds no data.
    m0 = minute_of(align(server, second=5, step=10))
    name = unique("claimed")
    topic = topic_with_subscriber(sns, subscriber)
    out = os.path.join(scratch, "alarm-events.jsonl")
    automation = create_recorder(lam, out)
    allow_alarm(lam, automation, account, name)
    reserved = create_simulated(lam)
    held = create_simulated(lam, duration_ms=600_000)
    lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=7)
    running = Running(server, lam, account, held)
    try:
        put_claimed_alarm(cw, name, [topic, function_arn(account, automation)])
        assert server_now(server) < m0 + datetime.timedelta(seconds=10), "the set-up moved the clock"

        def state():
            return describe(cw, name)["StateValue"]

        def step(count=1):
            for _ in range(count):
                server.advance(10)
                settle()

        # hh:mm:15 .. hh:mm:55: the minute before has no data.
        for _ in range(5):
            step()
            assert state() == "INSUFFICIENT_DATA"
        step()  # past m1 = m0 + 1 min: the minute m0 holds 80 %
        m1 = m0 + datetime.timedelta(minutes=1)
        wait_value(state, "ALARM", 5, what="the alarm's state at the first breaching minute")
        a = describe(cw, name)
        assert m1 <= a["StateUpdatedTimestamp"] <= m1 + datetime.timedelta(seconds=10), (m1, a)
        if "StateTransitionedTimestamp" in client_fields(cw):
            assert a["StateTransitionedTimestamp"] == a["StateUpdatedTimestamp"]
        reason = a["StateReason"]
        assert reason.startswith("Threshold Crossed: 1 "), reason
        assert "[80.0 (%s)]" % m0.strftime("%d/%m/%y %H:%M:%S") in reason, reason
        assert "greater than the threshold (70.0)" in reason, reason
        reason_data = json.loads(a["StateReasonData"])
        assert (reason_data["version"], reason_data["period"], reason_data["threshold"]) == ("1.0", 60, 70.0)
        assert reason_data["recentDatapoints"] == [80.0], reason_data
        assert [p.get("value") for p in reason_data["evaluatedDatapoints"]] == [80.0], reason_data

        # The Lambda action: one asynchronous invocation with AWS's alarm event.
        wait_for(lambda: len(lines(out)) >= 1, what="the alarm's Lambda action")
        event = lines(out)[0]["event"]
        assert (event["source"], event["alarmArn"], event["accountId"], event["region"]) == (
            "aws.cloudwatch", alarm_arn(account, name), account, "us-east-1")
        assert re.fullmatch(LAMBDA_TIME, event["time"]), event
        data = event["alarmData"]
        assert data["alarmName"] == name
        assert (data["state"]["value"], data["state"]["reason"]) == ("ALARM", reason)
        assert json.loads(data["state"]["reasonData"]) == reason_data
        assert data["previousState"]["value"] in ("INSUFFICIENT_DATA", "OK"), data["previousState"]
        assert data["previousState"]["value"] == "INSUFFICIENT_DATA"  # the minute before had no data
        assert data["configuration"]["description"] == "70 % of the account's concurrency is claimed"
        assert data["configuration"]["metrics"] == [
            {"id": "m1", "metricStat": {"metric": {"namespace": "AWS/Lambda", "name": "ConcurrentExecutions",
                                                   "dimensions": {}}, "period": 60, "stat": "Maximum"},
             "returnData": False},
            {"id": "e1", "expression": "SERVICE_QUOTA(m1)", "label": "Current Concurrent Limit", "returnData": False},
            {"id": "m2", "metricStat": {"metric": {"namespace": "AWS/Lambda", "name": "ClaimedAccountConcurrency",
                                                   "dimensions": {}}, "period": 60, "stat": "Maximum"},
             "returnData": False},
            {"id": "e2", "expression": "(m2/e1) * 100", "label": "% Claimed", "returnData": True}]

        # The SNS action: exactly one message to the http subscriber, and in the server's log.
        [n] = wait_for_notifications(subscriber, 1)
        assert n["TopicArn"] == topic and n["Subject"] == 'ALARM: "%s" in %s' % (name, REGION_NAME)
        message = json.loads(n["Message"])
        assert (message["AlarmName"], message["NewStateValue"], message["OldStateValue"]) == (
            name, "ALARM", "INSUFFICIENT_DATA")
        assert message["NewStateReason"] == reason
        assert message["AlarmArn"] == alarm_arn(account, name)
        [logged] = sns_log(server, topic)
        assert logged["MessageId"] == n["MessageId"]
        assert json.loads(logged["Message"]) == message

        # Two more minutes in ALARM: no second action.
        step(12)
        assert state() == "ALARM"
        stays(lambda: (len(lines(out)), len(subscriber.notifications())), (1, 1), 0.3, what="actions")
        assert len(sns_log(server, topic)) == 1
        assert transitions(cw, name) == [("INSUFFICIENT_DATA", "ALARM")]
        assert sorted(i["HistorySummary"] for i in history(cw, name, "Action")) == sorted(
            ["Successfully executed action " + topic,
             "Successfully executed action " + function_arn(account, automation)])

        # Below the threshold: 1 of 10 claimed. The minute of the change still peaks at 80 %,
        # the next whole minute is 10 %: OK, whose actions are none.
        lam.delete_function_concurrency(FunctionName=reserved)
        changed = minute_of(server_now(server))
        for _ in range(15):
            step()
            if state() == "OK":
                break
        assert state() == "OK"
        ok_at = describe(cw, name)["StateUpdatedTimestamp"]
        expected = changed + datetime.timedelta(minutes=2)
        assert expected <= ok_at <= expected + datetime.timedelta(seconds=10), (changed, ok_at)
        assert "[10.0 (" in describe(cw, name)["StateReason"]
        stays(lambda: (len(lines(out)), len(subscriber.notifications())), (1, 1), 0.3, what="actions")

        # Breach again: both actions once more, from OK.
        lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=7)
        for _ in range(15):
            step()
            if state() == "ALARM":
                break
        assert state() == "ALARM"
        wait_for(lambda: len(lines(out)) >= 2, what="the second Lambda action")
        notes = wait_for_notifications(subscriber, 2)
        second = lines(out)[1]["event"]["alarmData"]
        assert (second["state"]["value"], second["previousState"]["value"]) == ("ALARM", "OK")
        assert json.loads(notes[1]["Message"])["OldStateValue"] == "OK"
        step(6)
        stays(lambda: (len(lines(out)), len(subscriber.notifications())), (2, 2), 0.3, what="actions")
        assert transitions(cw, name) == [("INSUFFICIENT_DATA", "ALARM"), ("ALARM", "OK"), ("OK", "ALARM")]
        assert len(history(cw, name, "Action")) == 4
    finally:
        running.finish(600)
        cw.delete_alarms(AlarmNames=[name])
