"""CloudWatch metrics end to end through boto3 (spec §3.6, §6.1, §6.2; user-stories "The metrics a
user pastes into CloudWatch"): AWS/Lambda metrics recorded by real invocations, metric math with
SERVICE_QUOTA, GetMetricData paging and order, GetMetricStatistics, ListMetrics, PutMetricData,
and the Prometheus text at GET /metrics.

The server runs on the manual clock (conftest): its time starts at the wall time of the launch
and moves only when advanced, so every StartTime/EndTime is taken around the server's now
(GET /_headroom/state), never around the wall clock. Tests that compare "this minute" first move
the clock to hh:mm:05, so nothing they record straddles a minute boundary. Every test works in an
account of its own, so the account-wide series (no dimensions) hold only what the test did.

Expectations marked "AWS-recorded" come from LocalStack's AWS-validated CloudWatch snapshots
(localstack tests/aws/services/cloudwatch/test_cloudwatch.py and its .snapshot.json).
"""
import datetime
import re
import shutil
import subprocess
import time
import urllib.request
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import Headroom
from cloudwatch_helpers import (
    USER_STORY_QUERIES, Running, align, aws, create_simulated, error_of, lambda_metric,
    minute_of, results_by_id, server_now, window)
from invoke_helpers import new_account

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def lam(headroom, account):
    return aws(headroom, "lambda", account)


def namespace():
    return "hr-e2e/" + uuid.uuid4().hex[:10]


def stats(cw, server, metric, dimensions=(), statistics=("Sum",), extended=None, ns="AWS/Lambda",
          minutes_back=10):
    """GetMetricStatistics over the last minutes, period 60: the datapoints, oldest first."""
    start, end = window(server, minutes_back)
    kwargs = dict(Namespace=ns, MetricName=metric, Dimensions=list(dimensions),
                  StartTime=start, EndTime=end, Period=60)
    if extended:
        kwargs["ExtendedStatistics"] = list(extended)
    else:
        kwargs["Statistics"] = list(statistics)
    r = cw.get_metric_statistics(**kwargs)
    assert r["Label"] == metric, r
    return sorted(r["Datapoints"], key=lambda d: d["Timestamp"])


def total(cw, server, metric, dimensions=(), ns="AWS/Lambda"):
    """Sum over the window, or None when there is no datapoint at all."""
    points = stats(cw, server, metric, dimensions, ns=ns)
    return sum(p["Sum"] for p in points) if points else None


def dims(**kw):
    return [{"Name": k, "Value": v} for k, v in kw.items()]


# ---- the wire ---------------------------------------------------------------------------------

def test_cloudwatch_speaks_the_protocol_of_this_stack(headroom, cw):
    """Each stack talks its own protocol (query for boto3 1.26, JSON 1.0 for 1.43), and the
    server answers both: checked on the request that actually went out."""
    sent = []
    cw.meta.events.register("before-send.cloudwatch", lambda request, **_: sent.append(request))
    r = cw.list_metrics(Namespace=namespace())
    assert r["Metrics"] == []
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    model = cw.meta.service_model
    protocol = getattr(model, "resolved_protocol", model.protocol)  # botocore >= 1.36 picks one
    assert protocol in ("query", "json"), protocol
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in sent[0].headers.items()}
    if protocol == "json":
        assert headers["x-amz-target"] == "GraniteServiceVersion20100801.ListMetrics"
        assert headers["content-type"].startswith("application/x-amz-json-1.0")
    else:
        assert "x-amz-target" not in headers
        body = sent[0].body.decode() if isinstance(sent[0].body, bytes) else sent[0].body
        assert "Action=ListMetrics" in body and "Version=2010-08-01" in body


# ---- the user stories' queries ------------------------------------------------------------------

def user_story_results(cw, server):
    start, end = window(server)
    r = cw.get_metric_data(MetricDataQueries=USER_STORY_QUERIES, StartTime=start, EndTime=end)
    assert r["Messages"] == []
    results = r["MetricDataResults"]
    # m1 is hidden (ReturnData false); the others come back in the order asked, labelled.
    assert [(x["Id"], x["Label"]) for x in results] == [
        ("e1", "Current Concurrent Limit"), ("m2", "ClaimedAccountConcurrency"),
        ("e2", "% Claimed"), ("e5", "Available")], results
    for x in results:
        assert x["StatusCode"] == "Complete", x
        assert len(x["Timestamps"]) == len(x["Values"]), x
    return results_by_id(r)


def test_user_story_queries_with_one_execution_running(headroom, lam, cw, account):
    """Limit 1,000 and one execution running: a limit of 1,000, claimed 1, 0.1 % claimed and 999
    available, in the minute the execution runs."""
    align(headroom)
    name = create_simulated(lam, duration_ms=600_000)
    running = Running(headroom, lam, account, name)
    try:
        now = server_now(headroom)
        got = user_story_results(cw, headroom)
        for key in ("e1", "m2", "e2", "e5"):
            # A fresh account: one datapoint, this minute's.
            assert [t.astimezone(datetime.timezone.utc) for t in got[key]["Timestamps"]] == [minute_of(now)], got[key]
        assert got["e1"]["Values"] == [1000.0]
        assert got["m2"]["Values"] == [1.0]
        assert got["e2"]["Values"] == [pytest.approx(0.1, rel=1e-12)]
        assert got["e5"]["Values"] == [999.0]
    finally:
        results = running.finish(600)
    assert [r["StatusCode"] for r in results] == [200]


def test_service_quota_follows_the_account_limit():
    """SERVICE_QUOTA(ConcurrentExecutions) is the account's applied quota, not a constant."""
    server = Headroom("--account-limit", "2000")
    try:
        account = new_account()
        lam, cw = aws(server, "lambda", account), aws(server, "cloudwatch", account)
        assert lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 2000
        align(server)
        name = create_simulated(lam, duration_ms=600_000)
        running = Running(server, lam, account, name)
        try:
            got = user_story_results(cw, server)
            assert got["e1"]["Values"] == [2000.0]
            assert got["m2"]["Values"] == [1.0]
            assert got["e2"]["Values"] == [pytest.approx(0.05, rel=1e-12)]
            assert got["e5"]["Values"] == [1999.0]
        finally:
            running.finish(600)
    finally:
        assert server.stop() == 0
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_claimed_counts_reserved_concurrency_without_executions(headroom, lam, cw, account):
    """ClaimedAccountConcurrency = live unreserved executions + allocated (RC): RC 250 and no
    execution claim 250 of 1,000 (25 %, 750 available) once the pool has been sampled."""
    align(headroom)
    name = create_simulated(lam)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=250)
    headroom.advance(2)  # the pool is sampled every second of the server's clock
    deadline = time.monotonic() + 5
    while (got := user_story_results(cw, headroom))["m2"]["Values"][:1] != [250.0]:
        assert time.monotonic() < deadline, ("the pool was not sampled after the clock moved", got)
        time.sleep(0.02)
    # One datapoint: the minute's maximum (a sample taken before RC was put, 0, is below it).
    assert len(got["m2"]["Values"]) == 1
    assert got["e2"]["Values"] == [pytest.approx(25.0)]
    assert got["e5"]["Values"] == [750.0]


# ---- GetMetricData: paging, order, hidden queries, labels --------------------------------------

def put_series(cw, ns, metric, minutes, server, unit="Count"):
    """One datapoint (value k) in each of the last `minutes` whole minutes: the k-th minute
    before the current one holds value k."""
    base = minute_of(server_now(server))
    data = [{"MetricName": metric, "Timestamp": base - k * MINUTE + datetime.timedelta(seconds=10),
             "Value": float(k), "Unit": unit} for k in range(1, minutes + 1)]
    cw.put_metric_data(Namespace=ns, MetricData=data)
    return [base - k * MINUTE for k in range(1, minutes + 1)]


def sum_query(qid, ns, metric, **extra):
    return dict({"Id": qid, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": metric},
                                           "Period": 60, "Stat": "Sum"}}, **extra)


def utc(ts):
    return [t.astimezone(datetime.timezone.utc) for t in ts]


def test_get_metric_data_pages_join_up(headroom, cw):
    align(headroom)
    ns = namespace()
    minutes_a = put_series(cw, ns, "a", 7, headroom)
    put_series(cw, ns, "b", 4, headroom)
    queries = [sum_query("qa", ns, "a"), sum_query("qb", ns, "b")]
    start, end = window(headroom, 10)
    full = cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end,
                              ScanBy="TimestampAscending")
    assert "NextToken" not in full
    whole = results_by_id(full)
    assert utc(whole["qa"]["Timestamps"]) == sorted(minutes_a)
    assert whole["qa"]["Values"] == [7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]
    assert whole["qb"]["Values"] == [4.0, 3.0, 2.0, 1.0]

    pages, token = [], None
    while True:
        kwargs = dict(MetricDataQueries=queries, StartTime=start, EndTime=end,
                      ScanBy="TimestampAscending", MaxDatapoints=3)
        if token:
            kwargs["NextToken"] = token
        page = cw.get_metric_data(**kwargs)
        pages.append(page)
        assert sum(len(r["Values"]) for r in page["MetricDataResults"]) <= 3, page
        token = page.get("NextToken")
        if not token:
            break
        assert len(pages) < 10, "paging does not end"
    assert len(pages) == 4, [p["MetricDataResults"] for p in pages]  # 11 datapoints, 3 a page
    joined = {}
    for page in pages:
        for r in page["MetricDataResults"]:
            j = joined.setdefault(r["Id"], {"Timestamps": [], "Values": [], "Label": r["Label"]})
            j["Timestamps"] += r["Timestamps"]
            j["Values"] += r["Values"]
    for qid in ("qa", "qb"):
        assert utc(joined[qid]["Timestamps"]) == utc(whole[qid]["Timestamps"]), qid
        assert joined[qid]["Values"] == whole[qid]["Values"], qid
        assert joined[qid]["Label"] == whole[qid]["Label"]
    # A page that stops inside a query's data says so; the last page is complete.
    assert results_by_id(pages[0])["qa"]["StatusCode"] == "PartialData"
    assert all(r["StatusCode"] == "Complete" for r in pages[-1]["MetricDataResults"])

    with pytest.raises(ClientError) as e:
        cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end,
                           NextToken="not-a-token")
    assert error_of(e)[0] == "InvalidNextToken"
    assert error_of(e)[2] == 400


def test_get_metric_data_scan_by(headroom, cw):
    align(headroom)
    ns = namespace()
    minutes = put_series(cw, ns, "s", 5, headroom)
    start, end = window(headroom, 10)
    q = [sum_query("q", ns, "s")]
    default = results_by_id(cw.get_metric_data(MetricDataQueries=q, StartTime=start, EndTime=end))["q"]
    desc = results_by_id(cw.get_metric_data(MetricDataQueries=q, StartTime=start, EndTime=end,
                                            ScanBy="TimestampDescending"))["q"]
    asc = results_by_id(cw.get_metric_data(MetricDataQueries=q, StartTime=start, EndTime=end,
                                           ScanBy="TimestampAscending"))["q"]
    assert utc(asc["Timestamps"]) == sorted(minutes)
    assert asc["Values"] == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert utc(desc["Timestamps"]) == sorted(minutes, reverse=True)
    assert desc["Values"] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert utc(default["Timestamps"]) == utc(desc["Timestamps"])  # descending is the default
    assert default["Values"] == desc["Values"]


def test_get_metric_data_hidden_queries_and_labels(headroom, cw):
    """ReturnData false hides a query that an expression still reads; a MetricStat's default
    label is the metric's name (AWS-recorded); a Label given is kept."""
    align(headroom)
    ns = namespace()
    put_series(cw, ns, "hidden", 3, headroom)
    start, end = window(headroom, 10)
    r = cw.get_metric_data(
        MetricDataQueries=[sum_query("m", ns, "hidden", ReturnData=False),
                           {"Id": "doubled", "Expression": "m * 2", "Label": "Twice"},
                           sum_query("shown", ns, "hidden")],
        StartTime=start, EndTime=end, ScanBy="TimestampAscending")
    got = results_by_id(r)
    assert set(got) == {"doubled", "shown"}
    assert [x["Id"] for x in r["MetricDataResults"]] == ["doubled", "shown"]
    assert got["doubled"]["Label"] == "Twice"
    assert got["doubled"]["Values"] == [6.0, 4.0, 2.0]
    assert got["shown"]["Label"] == "hidden"
    assert got["shown"]["Values"] == [3.0, 2.0, 1.0]


@pytest.mark.parametrize("pairs,labels", [
    ([("Sum", 60), ("Minimum", 60)], ["metric1 Sum", "metric1 Minimum"]),
    ([("Sum", 60), ("Sum", 30)], ["metric1 60", "metric1 30"]),
    ([("Sum", 60), ("Minimum", 30)], ["metric1 Sum 60", "metric1 Minimum 30"]),
])
def test_get_metric_data_default_labels_tell_queries_of_one_metric_apart(headroom, cw, pairs, labels):
    """AWS-recorded (test_label_generation): when queries of one metric differ in statistic or
    period, the default label adds what differs."""
    align(headroom)
    ns = namespace()
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "metric1", "Value": v, "Unit": "Seconds"} for v in (0, 2, 7, 100)])
    start, end = window(headroom, 2)
    r = cw.get_metric_data(MetricDataQueries=[
        {"Id": "result_%s_%d" % (stat, period),
         "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "metric1"}, "Period": period,
                        "Stat": stat, "Unit": "Seconds"}} for stat, period in pairs],
        StartTime=start, EndTime=end)
    assert [x["Label"] for x in r["MetricDataResults"]] == labels
    assert r["MetricDataResults"][0]["Values"] == [109.0]


def test_get_metric_data_exact_dimensions(headroom, cw):
    """AWS-recorded (test_get_metric_with_null_dimensions): a query without dimensions does not
    see data published with dimensions."""
    align(headroom)
    ns = namespace()
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "m", "Value": 1, "Unit": "Seconds", "Dimensions": dims(foo="bar")}])
    start, end = window(headroom, 2)
    base = {"Namespace": ns, "MetricName": "m"}
    r = cw.get_metric_data(MetricDataQueries=[
        {"Id": "none", "MetricStat": {"Metric": dict(base, Dimensions=[]), "Period": 60, "Stat": "Sum"}},
        {"Id": "foo", "MetricStat": {"Metric": dict(base, Dimensions=dims(foo="bar")), "Period": 60,
                                     "Stat": "Sum"}}],
        StartTime=start, EndTime=end)
    got = results_by_id(r)
    assert got["none"]["Values"] == []
    assert got["foo"]["Values"] == [1.0]


# ---- AWS/Lambda metrics from real invocations --------------------------------------------------

def test_invocations_per_function_resource_and_executed_version(headroom, lam, cw):
    """FunctionName aggregates every version and alias; Resource is the qualifier invoked
    (name:alias, name:version); ExecutedVersion (with FunctionName and Resource) is the version an
    alias ran; no dimension is the whole account (spec §3.6)."""
    align(headroom)
    name = create_simulated(lam, publish=True)  # version 1
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    other = create_simulated(lam)
    for _ in range(2):
        assert lam.invoke(FunctionName=name, Qualifier="live")["ExecutedVersion"] == "1"
    assert lam.invoke(FunctionName=name, Qualifier="1")["StatusCode"] == 200
    for _ in range(3):
        assert lam.invoke(FunctionName=name)["StatusCode"] == 200
    assert lam.invoke(FunctionName=other)["StatusCode"] == 200

    assert total(cw, headroom, "Invocations") == 7
    assert total(cw, headroom, "Invocations", dims(FunctionName=name)) == 6
    assert total(cw, headroom, "Invocations", dims(FunctionName=other)) == 1
    assert total(cw, headroom, "Invocations", dims(FunctionName=name, Resource=name + ":live")) == 2
    assert total(cw, headroom, "Invocations", dims(FunctionName=name, Resource=name + ":1")) == 1
    # The dimensions are a set: their order in the request does not matter.
    assert total(cw, headroom, "Invocations", dims(Resource=name + ":live", ExecutedVersion="1",
                                                    FunctionName=name)) == 2
    assert total(cw, headroom, "Invocations", dims(ExecutedVersion="1", FunctionName=name,
                                                    Resource=name + ":live")) == 2

    listed = cw.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations",
                             Dimensions=dims(FunctionName=name))["Metrics"]
    sets = [frozenset((d["Name"], d["Value"]) for d in m["Dimensions"]) for m in listed]
    assert len(sets) == len(set(sets)), "ListMetrics lists a metric twice: %s" % listed
    for expected in ({("FunctionName", name)},
                     {("FunctionName", name), ("Resource", name + ":live")},
                     {("FunctionName", name), ("Resource", name + ":1")},
                     {("ExecutedVersion", "1"), ("FunctionName", name), ("Resource", name + ":live")}):
        assert frozenset(expected) in sets, (expected, listed)
    assert all(("FunctionName", name) in s for s in sets), listed
    assert all(m["Namespace"] == "AWS/Lambda" and m["MetricName"] == "Invocations" for m in listed)


def test_throttles_are_counted_and_not_invocations(headroom, lam, cw):
    """A function with reserved concurrency 0 is throttled (429); Throttles counts it, Invocations
    and Errors do not (spec §3.6)."""
    align(headroom)
    name = create_simulated(lam)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    for _ in range(2):
        with pytest.raises(ClientError) as e:
            lam.invoke(FunctionName=name, Payload=b"{}")
        assert e.value.response["Error"]["Code"] == "TooManyRequestsException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert e.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert total(cw, headroom, "Throttles", dims(FunctionName=name)) == 2
    assert total(cw, headroom, "Throttles") == 2
    assert total(cw, headroom, "Invocations", dims(FunctionName=name)) is None
    assert total(cw, headroom, "Errors", dims(FunctionName=name)) is None
    points = stats(cw, headroom, "Throttles", dims(FunctionName=name), ("Sum", "SampleCount", "Maximum"))
    assert [(p["Sum"], p["Maximum"], p["Unit"]) for p in points] == [(2.0, 1.0, "Count")]


def test_invocations_and_errors(headroom, lam, cw):
    align(headroom)
    failing = create_simulated(lam, error_rate=1)
    fine = create_simulated(lam)
    for _ in range(3):
        r = lam.invoke(FunctionName=failing, Payload=b"{}")
        assert r["StatusCode"] == 200 and r["FunctionError"] == "Unhandled", r
    for _ in range(2):
        r = lam.invoke(FunctionName=fine, Payload=b"{}")
        assert r["StatusCode"] == 200 and "FunctionError" not in r, r
    assert total(cw, headroom, "Invocations", dims(FunctionName=failing)) == 3
    assert total(cw, headroom, "Errors", dims(FunctionName=failing)) == 3
    assert total(cw, headroom, "Invocations", dims(FunctionName=fine)) == 2
    assert total(cw, headroom, "Errors", dims(FunctionName=fine)) == 0
    assert total(cw, headroom, "Invocations") == 5
    assert total(cw, headroom, "Errors") == 3
    assert total(cw, headroom, "Throttles") is None
    points = stats(cw, headroom, "Errors", (), ("Sum", "SampleCount", "Maximum"))
    assert [(p["Sum"], p["SampleCount"], p["Maximum"], p["Unit"]) for p in points] == [
        (3.0, 5.0, 1.0, "Count")]


def test_duration_statistics_and_percentiles(headroom, lam, cw, account):
    """Six invocations of 100 ms and four of 300 ms in one minute: Sum 1,800, SampleCount 10,
    Maximum 300, p50 100 and p99 300 (percentiles are CloudWatch's approximations: to 1 %), in
    milliseconds."""
    align(headroom)
    short = create_simulated(lam, duration_ms=100)
    long = create_simulated(lam, duration_ms=300)
    a = Running(headroom, lam, account, short, 6)
    b = Running(headroom, lam, account, long, 4)
    results = a.finish(0.5) + b.finish(0)
    assert [r["StatusCode"] for r in results] == [200] * 10
    [p] = stats(cw, headroom, "Duration", (), ("Sum", "SampleCount", "Maximum", "Minimum"))
    assert (p["Sum"], p["SampleCount"], p["Maximum"], p["Minimum"], p["Unit"]) == (
        1800.0, 10.0, 300.0, 100.0, "Milliseconds")
    [p] = stats(cw, headroom, "Duration", (), extended=("p50", "p99"))
    assert p["ExtendedStatistics"] == {"p50": pytest.approx(100, rel=0.01), "p99": pytest.approx(300, rel=0.01)}
    assert 100 <= p["ExtendedStatistics"]["p50"] < p["ExtendedStatistics"]["p99"] <= 300
    assert p["Unit"] == "Milliseconds"
    [p] = stats(cw, headroom, "Duration", dims(FunctionName=long), ("Maximum", "SampleCount"))
    assert (p["Maximum"], p["SampleCount"]) == (300.0, 4.0)
    # The same through GetMetricData.
    start, end = window(headroom, 10)
    got = results_by_id(cw.get_metric_data(MetricDataQueries=[
        {"Id": "p99", "MetricStat": lambda_metric("Duration", stat="p99")},
        {"Id": "avg", "MetricStat": lambda_metric("Duration", stat="Average")}],
        StartTime=start, EndTime=end))
    assert got["p99"]["Values"] == [pytest.approx(300, rel=0.01)]
    assert got["avg"]["Values"] == [180.0]

    with pytest.raises(ClientError) as e:
        cw.get_metric_statistics(Namespace="AWS/Lambda", MetricName="Duration", StartTime=start,
                                 EndTime=end, Period=60, Statistics=["Sum"], ExtendedStatistics=["p50"])
    assert error_of(e)[0] == "InvalidParameterCombination"


# ---- PutMetricData, ListMetrics ------------------------------------------------------------------

def test_put_metric_data_round_trip(headroom, cw):
    align(headroom)
    ns = namespace()
    host = dims(Host="a")
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "single", "Value": 23, "Dimensions": host}])
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "single", "Value": 18, "Dimensions": host}])
    # AWS-recorded (test_put_metric_data_values_list): Values [1, 10] with Counts [2, 4].
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "values", "Values": [1.0, 10.0], "Counts": [2, 4], "Unit": "Count"}])
    # AWS-recorded (test_get_metric_data_stats): a value and a statistic set in one minute.
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "stats", "Value": 11, "Unit": "Seconds"},
        {"MetricName": "stats", "Unit": "Seconds",
         "StatisticValues": {"SampleCount": 10, "Sum": 55, "Minimum": 1, "Maximum": 10}}])

    [p] = stats(cw, headroom, "single", host, ("Sum", "SampleCount", "Average"), ns=ns)
    assert (p["Sum"], p["SampleCount"], p["Average"], p["Unit"]) == (41.0, 2.0, 20.5, "None")
    assert stats(cw, headroom, "single", (), ns=ns) == []  # not without its dimension
    [p] = stats(cw, headroom, "values", (), ("SampleCount", "Sum", "Maximum"), ns=ns)
    assert (p["SampleCount"], p["Sum"], p["Maximum"], p["Unit"]) == (6.0, 42.0, 10.0, "Count")
    [p] = stats(cw, headroom, "stats", (), ("Sum", "SampleCount", "Minimum", "Maximum", "Average"), ns=ns)
    assert (p["Sum"], p["SampleCount"], p["Minimum"], p["Maximum"], p["Average"]) == (
        66.0, 11.0, 1.0, 11.0, 6.0)

    start, end = window(headroom, 2)
    got = results_by_id(cw.get_metric_data(MetricDataQueries=[
        {"Id": "s", "MetricStat": {"Metric": {"Namespace": ns, "MetricName": "single", "Dimensions": host},
                                   "Period": 60, "Stat": "Maximum"}}], StartTime=start, EndTime=end))
    assert got["s"]["Values"] == [23.0] and got["s"]["Label"] == "single"


def test_put_metric_data_errors(headroom, cw):
    with pytest.raises(ClientError) as e:
        cw.put_metric_data(Namespace="AWS/x", MetricData=[{"MetricName": "m", "Value": 1}])
    assert error_of(e) == ("InvalidParameterValue", "The value AWS/ for parameter Namespace is invalid.", 400)
    ns = namespace()
    # AWS-recorded (test_put_metric_data_validation).
    with pytest.raises(ClientError) as e:
        cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": "m", "Values": [1.0, 10.0], "Counts": [2, 4, 5], "Unit": "Count"}])
    assert error_of(e) == ("InvalidParameterValue", "The parameters MetricData.member.1.Values and "
                           "MetricData.member.1.Counts must be of the same size.", 400)
    with pytest.raises(ClientError) as e:
        cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": "m", "Value": 1.5, "Unit": "Count",
             "StatisticValues": {"SampleCount": 10, "Sum": 55, "Minimum": 1, "Maximum": 10}}])
    assert error_of(e) == ("InvalidParameterCombination", "The parameters MetricData.member.1.Value and "
                           "MetricData.member.1.StatisticValues are mutually exclusive and you have "
                           "specified both.", 400)
    # Nothing of the refused calls was stored.
    assert cw.list_metrics(Namespace=ns)["Metrics"] == []


def test_put_metric_data_refuses_nan_and_infinity(headroom, cw):
    """CloudWatch stores no NaN or infinity in any of a datum's numbers. Over the query
    protocol (boto3 1.26 sends "nan", "inf") AWS answers "The value NaN for parameter
    MetricData.member.1.Value is invalid." (seen in SDK users' reports); boto3 1.43's JSON 1.0
    sends the strings "NaN" and "Infinity", which the shape validator refuses. Either way nothing
    is stored."""
    model = cw.meta.service_model
    query = getattr(model, "resolved_protocol", model.protocol) == "query"
    ns = namespace()
    nan, inf = float("nan"), float("inf")
    cases = [
        ({"Value": nan}, "NaN", "MetricData.member.1.Value"),
        ({"Values": [1.0, inf]}, "Infinity", "MetricData.member.1.Values.member.2"),
        ({"Values": [1.0, 2.0], "Counts": [1.0, -inf]}, "-Infinity", "MetricData.member.1.Counts.member.2"),
        ({"StatisticValues": {"SampleCount": 1, "Sum": nan, "Minimum": 1, "Maximum": 1}}, "NaN",
         "MetricData.member.1.StatisticValues.Sum"),
    ]
    for fields, spelled, parameter in cases:
        with pytest.raises(ClientError) as e:
            cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "m", **fields}])
        if query:
            assert error_of(e) == ("InvalidParameterValue",
                                   f"The value {spelled} for parameter {parameter} is invalid.", 400)
        else:
            assert error_of(e)[2] == 400
    assert cw.list_metrics(Namespace=ns)["Metrics"] == []


def test_put_metric_data_value_and_values_are_exclusive(headroom, cw):
    """AWS-recorded (test_put_metric_data_validation): Value with Values is refused."""
    ns = namespace()
    with pytest.raises(ClientError) as e:
        cw.put_metric_data(Namespace=ns, MetricData=[
            {"MetricName": "m", "Value": 1.5, "Values": [1.0, 10.0], "Unit": "Count"}])
    assert error_of(e) == ("InvalidParameterCombination", "The parameters MetricData.member.1.Value and "
                           "MetricData.member.1.Values are mutually exclusive and you have specified "
                           "both.", 400)
    assert cw.list_metrics(Namespace=ns)["Metrics"] == []


def test_list_metrics_filters(headroom, cw):
    """AWS-recorded (test_list_metrics_with_filters, test_list_metrics_uniqueness)."""
    ns = namespace()
    cw.put_metric_data(Namespace=ns, MetricData=[{"MetricName": "CPUUtilization", "Value": 15}])
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "MemoryUtilization", "Dimensions": dims(InstanceId="one"), "Value": 30}])
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "DiskReadOps", "Dimensions": dims(InstanceId="two"), "Value": 15}])
    cw.put_metric_data(Namespace=ns, MetricData=[
        {"MetricName": "DiskWriteOps", "Dimensions": dims(InstanceId="two"),
         "StatisticValues": {"Maximum": 1.0, "Minimum": 1.0, "SampleCount": 1.0, "Sum": 1.0}}])
    cw.put_metric_data(Namespace=ns, MetricData=[  # the same metric again: listed once
        {"MetricName": "MemoryUtilization", "Dimensions": dims(InstanceId="one"), "Value": 31}])
    other = namespace()
    cw.put_metric_data(Namespace=other, MetricData=[{"MetricName": "CPUUtilization", "Value": 1}])

    def names(**kw):
        metrics = cw.list_metrics(**kw)["Metrics"]
        return sorted((m["Namespace"], m["MetricName"], tuple((d["Name"], d["Value"]) for d in m["Dimensions"]))
                      for m in metrics)

    assert names(Namespace=ns) == [
        (ns, "CPUUtilization", ()), (ns, "DiskReadOps", (("InstanceId", "two"),)),
        (ns, "DiskWriteOps", (("InstanceId", "two"),)), (ns, "MemoryUtilization", (("InstanceId", "one"),))]
    assert names(Namespace=ns, MetricName="CPUUtilization") == [(ns, "CPUUtilization", ())]
    assert [m[1] for m in names(Namespace=ns, Dimensions=[{"Name": "InstanceId"}])] == [
        "DiskReadOps", "DiskWriteOps", "MemoryUtilization"]
    assert [m[1] for m in names(Namespace=ns, Dimensions=dims(InstanceId="two"))] == [
        "DiskReadOps", "DiskWriteOps"]
    everything = cw.get_paginator("list_metrics").paginate().build_full_result()["Metrics"]
    assert {(m["Namespace"], m["MetricName"]) for m in everything if m["Namespace"] in (ns, other)} == {
        (ns, "CPUUtilization"), (ns, "MemoryUtilization"), (ns, "DiskReadOps"), (ns, "DiskWriteOps"),
        (other, "CPUUtilization")}
    # Another account sees none of it.
    assert aws(headroom, "cloudwatch", new_account()).list_metrics(Namespace=ns)["Metrics"] == []


# ---- Prometheus --------------------------------------------------------------------------------

def promtool_check(text):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: scripts/install-deps installs Debian's prometheus package"
    return subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, timeout=30)


def scrape(server):
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return r.read()


def test_prometheus_metrics_parse_and_count_invocations(headroom, lam, account):
    name = create_simulated(lam)
    throttled = create_simulated(lam)
    lam.put_function_concurrency(FunctionName=throttled, ReservedConcurrentExecutions=0)
    failing = create_simulated(lam, error_rate=1)
    for _ in range(4):
        assert lam.invoke(FunctionName=name)["StatusCode"] == 200
    with pytest.raises(ClientError):
        lam.invoke(FunctionName=throttled)
    assert lam.invoke(FunctionName=failing)["FunctionError"] == "Unhandled"

    text = scrape(headroom)
    # promtool exits 1 when the text does not parse, 3 when it parses with lint problems (those
    # are the next test's business).
    checked = promtool_check(text)
    assert checked.returncode in (0, 3), (checked.returncode, checked.stdout.decode(), checked.stderr.decode())

    samples = {}
    for line in text.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r'([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} (\S+)', line)
        assert m, "not a sample line: %r" % line
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        samples[(m.group(1), labels.get("account"), labels.get("function"))] = float(m.group(3))

    def value(metric, function=None):
        return samples.get((metric, account, function))

    assert value("headroom_invocations_total", name) == 4
    assert value("headroom_invocations_total", failing) == 1
    assert value("headroom_errors_total", failing) == 1
    assert value("headroom_errors_total", name) == 0
    assert value("headroom_throttles_total", throttled) == 1
    assert value("headroom_invocations_total", throttled) in (None, 0)
    assert value("headroom_account_concurrency_limit") == 1000
    assert value("headroom_claimed_account_concurrency") == 0
    assert value("headroom_concurrent_executions") == 0
    for _ in range(2):
        assert lam.invoke(FunctionName=name)["StatusCode"] == 200
    assert ('headroom_invocations_total{account="%s",region="us-east-1",function="%s"} 6' % (account, name)
            ) in scrape(headroom).decode().splitlines()


def test_prometheus_metrics_pass_promtool_lint(headroom, lam):
    """promtool's lint (Prometheus naming conventions) finds nothing, with function series."""
    name = create_simulated(lam, duration_ms=0)
    assert lam.invoke(FunctionName=name)["StatusCode"] == 200
    checked = promtool_check(scrape(headroom))
    assert checked.returncode == 0 and not checked.stdout.strip() and not checked.stderr.strip(), (
        checked.returncode, checked.stdout.decode(), checked.stderr.decode())
