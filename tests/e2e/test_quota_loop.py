"""The whole alarm -> Lambda -> quota-increase loop, end to end (issue 6 "The loop, end to end";
../shared/spec/user-stories.md "The alarm they create" and "The automation they wire to it"),
set up as a user would through boto3:

- the automation is a real Python function (tests/e2e/data/quota_automation.py, boto3 only, run
  by headroom's runtime on /usr/bin/python3 and its boto3 1.26 whatever stack runs the test),
  allowed by AddPermission for lambda.alarms.cloudwatch.amazonaws.com with the alarm's ARN as
  SourceArn and the account as SourceAccount; its OnSuccess / OnFailure destination is a
  recorder function, so the test sees what each run returned;
- the alarm is the user story's: % Claimed = ClaimedAccountConcurrency / SERVICE_QUOTA(...) * 100,
  GreaterThanThreshold 70, 1 of 1, with an SNS action (a topic with an http subscriber run by the
  test) and the Lambda action;
- the account's limit is 25 (--account-limit 25, --unreserved-min 5); a simulated function with
  reserved concurrency 12 and 7 running executions of another simulated function claim 19 of 25
  (76 %). The automation requests ceil(25 x 1.10) = 28, which the operator approves with
  `headroom quota approve` (--quota-approval manual); 19 of 28 is 67.9 %, and 21 of 28 (75 %)
  breaches again, when the automation requests ceil(28 x 1.10) = 31.

The server runs on the manual clock; the scenario moves it to hh:mm:05 and then 10 s at a time
(the evaluator ticks every 10 s and evaluates 60 s alarms on whole minutes), with real time in
between for the scheduler, the async queue and the function's process.
"""
import datetime
import json
import os
import shutil
import subprocess
import uuid

import pytest

from conftest import BINARY, Headroom
from cloudwatch_helpers import (
    USER_STORY_QUERIES, Running, align, alarm_arn, aws, create_recorder, create_simulated,
    function_arn, lambda_metric, lines, minute_of, results_by_id, server_now, settle, stays,
    wait_value)
from invoke_helpers import make_zip, new_account, wait_for
from test_cloudwatch_alarms import (
    allow_alarm, describe, history, put_claimed_alarm, topic_with_subscriber, transitions,
    wait_for_notifications)

HERE = os.path.dirname(os.path.abspath(__file__))
ROLE = "arn:aws:iam::000000000000:role/r"
CONCURRENCY = "L-B99A9384"
OPEN = ("PENDING", "CASE_OPENED")


@pytest.fixture(scope="module")
def server():
    s = Headroom("--account-limit", "25", "--unreserved-min", "5", "--quota-approval", "manual",
                 "--quota-case-delay", "1s")
    yield s
    assert s.stop() == 0
    shutil.rmtree(s.data_dir, ignore_errors=True)


def automation_code():
    with open(os.path.join(HERE, "data", "quota_automation.py")) as f:
        return f.read()


def create_automation(lam, page_size="1"):
    name = "quota-automation-" + uuid.uuid4().hex[:8]
    lam.create_function(FunctionName=name, Runtime="python3.12", Handler="quota_automation.handler", Role=ROLE,
                        Timeout=300, Code={"ZipFile": make_zip({"quota_automation.py": automation_code()})},
                        Environment={"Variables": {"INCREASE_PERCENT": "10", "PAGE_SIZE": page_size}})
    return name


def reserved_of(lam, name):
    return lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")


def requests_of(sq):
    pages = sq.get_paginator("list_requested_service_quota_change_history_by_quota").paginate(
        ServiceCode="lambda", QuotaCode=CONCURRENCY)
    return pages.build_full_result()["RequestedQuotas"]


def step(server, count=1):
    for _ in range(count):
        server.advance(10)
        settle()


def step_until(server, cw, alarm, state, max_steps=15):
    for _ in range(max_steps):
        step(server)
        if describe(cw, alarm)["StateValue"] == state:
            return describe(cw, alarm)
    raise AssertionError("alarm %s did not reach %s: %s" % (alarm, state, describe(cw, alarm)))


def function_sum(cw, server, since, metric, function):
    """The Sum of an AWS/Lambda metric of `function` since `since` (every minute)."""
    end = server_now(server) + datetime.timedelta(minutes=1)
    r = cw.get_metric_data(MetricDataQueries=[{
        "Id": "q", "MetricStat": lambda_metric(metric, stat="Sum",
                                               dimensions=[{"Name": "FunctionName", "Value": function}])}],
        StartTime=since, EndTime=end)
    return sum(results_by_id(r)["q"]["Values"])


def user_story(cw, server, since):
    end = server_now(server) + datetime.timedelta(minutes=1)
    got = results_by_id(cw.get_metric_data(MetricDataQueries=USER_STORY_QUERIES, StartTime=since, EndTime=end,
                                           ScanBy="TimestampDescending"))
    return {k: got[k]["Values"] for k in ("e1", "m2", "e2", "e5")}  # newest first


def records(out):
    """What the automation's destinations received: (condition, responsePayload)."""
    return [(r["event"]["requestContext"]["condition"], r["event"].get("responsePayload")) for r in lines(out)]


def cli(*args):
    return subprocess.run([BINARY, "quota", *args], capture_output=True, text=True, timeout=30)


def test_alarm_lambda_quota_loop(server, scratch, subscriber):
    account = new_account()
    lam, cw, sns, sq = (aws(server, s, account) for s in ("lambda", "cloudwatch", "sns", "service-quotas"))
    differences = []

    # Nothing of this account exists before hh:mm:05, so the minute before holds no data.
    m0 = minute_of(align(server, second=5, step=10))
    # The account's history already holds two decided requests (so the automation pages).
    for desired, verb in ((100, "deny"), (50, "close")):
        old = sq.request_service_quota_increase(ServiceCode="lambda", QuotaCode=CONCURRENCY,
                                                DesiredValue=desired)["RequestedQuota"]
        assert server.admin("POST", "/_headroom/quota/requests/%s/%s" % (old["Id"], verb))[0] == 200
    decided = {r["Id"] for r in requests_of(sq)}
    assert len(decided) == 2
    since = m0 - datetime.timedelta(minutes=1)
    alarm = "claimed-" + uuid.uuid4().hex[:8]
    topic = topic_with_subscriber(sns, subscriber)
    automation = create_automation(lam)
    automation_arn = function_arn(account, automation)
    out = os.path.join(scratch, "automation-results.jsonl")
    recorder = create_recorder(lam, out)
    lam.put_function_event_invoke_config(
        FunctionName=automation, MaximumRetryAttempts=0,
        DestinationConfig={"OnSuccess": {"Destination": function_arn(account, recorder)},
                           "OnFailure": {"Destination": function_arn(account, recorder)}})
    allow_alarm(lam, automation, account, alarm)
    [statement] = json.loads(lam.get_policy(FunctionName=automation)["Policy"])["Statement"]
    assert statement["Principal"] == {"Service": "lambda.alarms.cloudwatch.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == alarm_arn(account, alarm)
    assert statement["Condition"]["StringEquals"]["AWS:SourceAccount"] == account

    reserved = create_simulated(lam)
    lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=12)
    held = create_simulated(lam, duration_ms=850_000)
    running = Running(server, lam, account, held, count=7)
    try:
        put_claimed_alarm(cw, alarm, [topic, automation_arn])
        assert describe(cw, alarm)["StateValue"] == "INSUFFICIENT_DATA"

        # ---- 1. 19 of 25 claimed: ALARM, one SNS message, one run of the automation ----------
        first_alarm = step_until(server, cw, alarm, "ALARM", max_steps=8)
        assert "[76.0 (" in first_alarm["StateReason"], first_alarm["StateReason"]
        wait_value(lambda: reserved_of(lam, automation), 0, 30, what="the automation's own reserved concurrency")
        wait_for(lambda: len(lines(out)) >= 1, 10, what="the automation's result")
        [(condition, result)] = records(out)
        assert condition == "Success", result
        assert result["alarm"] == alarm and result["requested"]["from"] == 25.0, result
        assert result["requested"]["DesiredValue"] == 28.0, result  # ceil(25 x 1.10)
        assert result["pages"] == 2, result  # the two decided requests, PageSize 1
        [n] = wait_for_notifications(subscriber, 1)
        message = json.loads(n["Message"])
        assert (message["AlarmName"], message["NewStateValue"], message["OldStateValue"]) == (
            alarm, "ALARM", "INSUFFICIENT_DATA")
        assert transitions(cw, alarm) == [("INSUFFICIENT_DATA", "ALARM")]
        assert sorted(i["HistorySummary"] for i in history(cw, alarm, "Action")) == sorted(
            ["Successfully executed action " + topic, "Successfully executed action " + automation_arn])
        # Exactly one new request, open; the automation's RC is 0.
        [request] = [r for r in requests_of(sq) if r["Id"] not in decided]
        assert request["Id"] == result["requested"]["Id"]
        assert request["DesiredValue"] == 28.0 and request["Status"] in OPEN, request
        assert reserved_of(lam, automation) == 0
        wait_value(lambda: function_sum(cw, server, since, "Invocations", automation), 1.0,
                   what="the automation's Invocations")
        assert function_sum(cw, server, since, "Errors", automation) == 0.0
        # Still in ALARM a minute later: no action again.
        step(server, 6)
        assert describe(cw, alarm)["StateValue"] == "ALARM"
        stays(lambda: (len(subscriber.notifications()), len(lines(out)), len(requests_of(sq))), (1, 1, 3), 0.3,
              what="actions and requests")

        # ---- 2. OK, then a new breach: the throttled automation makes no second request ---------
        lam.delete_function_concurrency(FunctionName=reserved)  # 7 of 25: 28 %
        step_until(server, cw, alarm, "OK")
        lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=12)
        second_alarm = step_until(server, cw, alarm, "ALARM")
        breach_two = second_alarm["StateUpdatedTimestamp"]
        notes = wait_for_notifications(subscriber, 2)
        assert json.loads(notes[1]["Message"])["OldStateValue"] == "OK"
        assert transitions(cw, alarm) == [("INSUFFICIENT_DATA", "ALARM"), ("ALARM", "OK"), ("OK", "ALARM")]
        wait_for(lambda: len(history(cw, alarm, "Action")) == 4, what="the second breach's actions")
        lambda_actions = [i for i in history(cw, alarm, "Action")
                          if json.loads(i["HistoryData"])["notificationResource"] == automation_arn]
        assert len(lambda_actions) == 2
        throttled = lambda_actions[1]
        assert throttled["Timestamp"] >= breach_two
        # The history shows the throttled action (headroom: a failed action, reserved concurrency 0).
        summary = throttled["HistorySummary"]
        assert summary.startswith("Failed to execute action " + automation_arn), summary
        assert "Rate Exceeded" in summary or "throttl" in summary.lower(), summary
        step(server, 1)
        stays(lambda: len(requests_of(sq)), 3, 0.5, what="the requests")  # no second request
        assert [r["Id"] for r in requests_of(sq) if r["Id"] not in decided] == [request["Id"]]
        assert function_sum(cw, server, since, "Invocations", automation) == 1.0
        assert reserved_of(lam, automation) == 0
        # The async metrics show the throttled event (CloudWatch's Invoke is asynchronous: with
        # reserved concurrency 0, Lambda drops the event, condition ZeroReservedConcurrency).
        dropped = function_sum(cw, server, since, "AsyncEventsDropped", automation)
        throttles = function_sum(cw, server, since, "Throttles", automation)
        received = function_sum(cw, server, since, "AsyncEventsReceived", automation)
        if not (dropped >= 1 or throttles >= 1):
            differences.append(
                "after the second breach the automation (RC 0) left no trace in the async metrics: "
                "AsyncEventsDropped=%s Throttles=%s AsyncEventsReceived=%s for FunctionName=%s "
                "(expected AsyncEventsDropped >= 1 or Throttles >= 1); its OnFailure destination got %s"
                % (dropped, throttles, received, automation, records(out)[1:] or "nothing"))

        # ---- 3. The operator approves: the limit is 28, % Claimed falls -------------------------
        before = user_story(cw, server, since)
        # 19 of 25 claimed; the dropped event's OnFailure record ran the recorder function (one
        # more execution, 20 of 25) in the same minute.
        assert before["e1"][0] == 25.0 and before["e2"][0] in (pytest.approx(76.0), pytest.approx(80.0)), before
        approved = cli("approve", request["Id"], "--endpoint", server.url)
        assert approved.returncode == 0, approved.stderr
        assert sq.get_requested_service_quota_change(RequestId=request["Id"])["RequestedQuota"]["Status"] == "APPROVED"
        assert sq.get_service_quota(ServiceCode="lambda", QuotaCode=CONCURRENCY)["Quota"]["Value"] == 28.0
        limit = lam.get_account_settings()["AccountLimit"]
        assert (limit["ConcurrentExecutions"], limit["UnreservedConcurrentExecutions"]) == (28, 16)
        server.advance(2)
        settle()
        align(server)  # a fresh minute: the recorder's run in the last one is not in it
        settle()
        after = user_story(cw, server, since)
        assert after["e1"][0] == 28.0, after  # SERVICE_QUOTA() follows the applied quota
        assert after["m2"][0] == 19.0 and after["e5"][0] == 9.0, after
        assert after["e2"][0] == pytest.approx(19 / 28 * 100) and after["e2"][0] < before["e2"][0], after
        ok = step_until(server, cw, alarm, "OK")  # 67.9 % is below the threshold
        assert "[67.85" in ok["StateReason"], ok["StateReason"]
        assert len(subscriber.notifications()) == 2  # OK has no actions

        # ---- 4. A person removes the guard; the next breach makes a new request -----------------
        lam.delete_function_concurrency(FunctionName=automation)
        assert reserved_of(lam, automation) is None
        lam.put_function_concurrency(FunctionName=reserved, ReservedConcurrentExecutions=14)  # 21 of 28: 75 %
        third_alarm = step_until(server, cw, alarm, "ALARM")
        assert "[75.0 (" in third_alarm["StateReason"], third_alarm["StateReason"]
        wait_value(lambda: reserved_of(lam, automation), 0, 30, what="the automation's own reserved concurrency")
        wait_for(lambda: any(c == "Success" and p and p.get("requested", {}).get("from") == 28.0
                             for c, p in records(out)), 10, what="the automation's second result")
        second = [p for c, p in records(out) if c == "Success"][-1]
        assert second["requested"]["DesiredValue"] == 31.0, second  # ceil(28 x 1.10) = ceil(30.8)
        assert second["pages"] == 3, second
        new = [r for r in requests_of(sq) if r["Id"] not in decided]
        assert [(r["Id"], r["Status"] in OPEN) for r in new] == [
            (second["requested"]["Id"], True), (request["Id"], False)], new
        assert new[0]["DesiredValue"] == 31.0 and new[1]["Status"] == "APPROVED"
        wait_for_notifications(subscriber, 3)
        wait_value(lambda: function_sum(cw, server, since, "Invocations", automation), 2.0,
                   what="the automation's Invocations")
        assert function_sum(cw, server, since, "Errors", automation) == 0.0
        assert transitions(cw, alarm) == [("INSUFFICIENT_DATA", "ALARM"), ("ALARM", "OK"), ("OK", "ALARM"),
                                          ("ALARM", "OK"), ("OK", "ALARM")]
        assert sq.get_service_quota(ServiceCode="lambda", QuotaCode=CONCURRENCY)["Quota"]["Value"] == 28.0
    finally:
        running.finish(900)
        cw.delete_alarms(AlarmNames=[alarm])
    if differences:
        pytest.fail("the loop differs from issue 6:\n" + "\n".join(differences))


def test_automation_skips_while_a_request_is_open(server):
    """Step 1 of the automation: with a request PENDING, and then CASE_OPENED, it requests
    nothing and still sets its own reserved concurrency to 0 (invoked directly with an alarm
    event, as CloudWatch would send it)."""
    account = new_account()
    lam, sq = aws(server, "lambda", account), aws(server, "service-quotas", account)
    automation = create_automation(lam)
    mine = sq.request_service_quota_increase(ServiceCode="lambda", QuotaCode=CONCURRENCY,
                                             DesiredValue=40)["RequestedQuota"]
    event = {"source": "aws.cloudwatch", "alarmData": {"alarmName": "by-hand"}}
    for status in OPEN:
        if status == "CASE_OPENED":
            lam.delete_function_concurrency(FunctionName=automation)
            server.advance(1)
            wait_value(lambda: sq.get_requested_service_quota_change(RequestId=mine["Id"])["RequestedQuota"]["Status"],
                       "CASE_OPENED", what="the request's status")
        r = lam.invoke(FunctionName=automation, Payload=json.dumps(event))
        body = json.loads(r["Payload"].read())
        assert "FunctionError" not in r, body
        assert body == {"alarm": "by-hand", "pages": 1, "skipped": [mine["Id"]]}, (status, body)
        assert [x["Id"] for x in requests_of(sq)] == [mine["Id"]]
        assert reserved_of(lam, automation) == 0
