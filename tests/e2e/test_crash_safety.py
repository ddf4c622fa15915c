"""Crash safety: the server is SIGKILLed at a random moment, ROUNDS times (50; env
HEADROOM_CRASH_ROUNDS), on one data directory, each time while several threads write to the
control plane (CreateFunction with Publish, CreateAlias, PutFunctionConcurrency,
PutProvisionedConcurrencyConfig, PutMetricAlarm, CreateTopic, RequestServiceQuotaIncrease) and
send Event invocations to a real Python function that appends each event it runs to a file.

After each kill: every accepted event (202) has either run (its line is in the file) or is still
in the queue table of headroom.db. After each restart: every acknowledged write (2xx) is there,
a write the kill interrupted either landed or did not, and the pool's numbers are AWS's
(unreserved = limit - allocated, allocated = sum of RC + sum of PC of functions without RC,
claimed = allocated + busy unreserved executions, none negative). At the end every accepted
event has run. The kill moments come from a seeded generator: the seed is printed and is in
every failure message (env HEADROOM_CRASH_SEED replays a run).
"""
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

import botocore.exceptions
import pytest
from botocore.exceptions import ClientError

from cloudwatch_helpers import SIM_ZIP, aws
from conftest import Headroom
from invoke_helpers import client, pool_state
from test_invoke_async import ROLE, create_python, lines

ROUNDS = int(os.environ.get("HEADROOM_CRASH_ROUNDS", "50"))
ACCOUNT = "000000000000"
LIMIT = 5000
ARGS = ("--account-limit", str(LIMIT), "--pc-allocation-delay", "500ms")
# A server that died mid-request: the request was not acknowledged.
GONE = (botocore.exceptions.HTTPClientError, botocore.exceptions.ConnectionError)


class Round:
    """What one round's writers were told (acked) and what the kill interrupted (in flight)."""

    def __init__(self, number):
        self.number = number
        self.functions = {}   # name -> {"created", "alias", "rc", "rc_inflight", "pc", "pc_inflight"}
        self.alarms = {}      # name -> (acked threshold or None, in-flight threshold or None)
        self.topics = set()
        self.quota = None     # (account, request id acked or None, in flight)
        self.errors = []


def attempt(round_, call, on_ack, on_flight=None):
    """Runs one write. True while the server lives; False once it has died. Unexpected AWS
    errors fail the test."""
    if on_flight:
        on_flight()
    try:
        result = call()
    except GONE:
        return False
    except ClientError as e:
        round_.errors.append(repr(e))
        return False
    on_ack(result)
    return True


def lambda_writer(server, round_, index, rng):
    lam = client(server)
    name = "cs-%d-%d" % (round_.number, index)
    f = round_.functions[name] = dict(created=False, alias=False, rc=None, rc_inflight=None,
                                      pc=None, pc_inflight=None)
    env = {"Variables": {"HEADROOM_SIM_DURATION_MS": "0"}}
    if not attempt(round_, lambda: lam.create_function(
            FunctionName=name, Runtime="python3.12", Handler="headroom.simulated", Role=ROLE,
            Code={"ZipFile": SIM_ZIP}, Environment=env, Publish=True),
            lambda _: f.update(created=True)):
        return
    if not attempt(round_, lambda: lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1"),
                   lambda _: f.update(alias=True)):
        return
    for k in range(40):
        if k % 2 == 0 or f["rc"] is None:
            value = rng.randint(5, 8)  # >= any PC below, so PC never exceeds RC
            ok = attempt(round_, lambda: lam.put_function_concurrency(
                FunctionName=name, ReservedConcurrentExecutions=value),
                lambda _: f.update(rc=value, rc_inflight=None), lambda: f.update(rc_inflight=value))
        else:
            value = rng.randint(1, 5)
            ok = attempt(round_, lambda: lam.put_provisioned_concurrency_config(
                FunctionName=name, Qualifier="live", ProvisionedConcurrentExecutions=value),
                lambda _: f.update(pc=value, pc_inflight=None), lambda: f.update(pc_inflight=value))
        if not ok:
            return


def rpc_writer(server, round_):
    cw, sns = aws(server, "cloudwatch", ACCOUNT), aws(server, "sns", ACCOUNT)
    for k in range(60):
        if k % 3 == 2:
            topic = "cs-%d-%d" % (round_.number, k % 4)
            if not attempt(round_, lambda: sns.create_topic(Name=topic), lambda _: round_.topics.add(topic)):
                return
            continue
        alarm = "cs-%d-%d" % (round_.number, k % 5)
        acked = round_.alarms.get(alarm, (None, None))[0]

        def put(threshold=float(k)):
            return cw.put_metric_alarm(
                AlarmName=alarm, Namespace="AWS/Lambda", MetricName="Throttles", Statistic="Sum",
                Period=60, EvaluationPeriods=1, Threshold=threshold,
                ComparisonOperator="GreaterThanThreshold")
        if not attempt(round_, put, lambda _: round_.alarms.__setitem__(alarm, (float(k), None)),
                       lambda: round_.alarms.__setitem__(alarm, (acked, float(k)))):
            return


def quota_writer(server, round_):
    account = "5%011d" % round_.number  # a quota request of its own per round
    round_.quota = (account, None, True)
    sq = aws(server, "service-quotas", account)
    attempt(round_, lambda: sq.request_service_quota_increase(
        ServiceCode="lambda", QuotaCode="L-B99A9384", DesiredValue=float(LIMIT + 1000 + round_.number)),
        lambda r: setattr(round_, "quota", (account, r["RequestedQuota"]["Id"], False)))


def event_writer(server, round_, index, function, out, accepted):
    lam = client(server)
    for k in range(15):
        n = "%d-%d-%d" % (round_.number, index, k)
        try:
            r = lam.invoke(FunctionName=function, InvocationType="Event",
                           Payload=json.dumps({"out": out, "n": n}))
        except GONE:
            return
        except ClientError as e:
            round_.errors.append(repr(e))
            return
        assert r["StatusCode"] == 202
        accepted[r["ResponseMetadata"]["RequestId"]] = n
        time.sleep(0.01)


def clock_mover(server, stop):
    """Moves the manual clock 1 s every 100 ms, so that throttled events' back-offs pass and
    provisioned configs become READY while the writers run."""
    while not stop.wait(0.1):
        try:
            server.admin("POST", "/_headroom/clock/advance?seconds=1")
        except Exception:
            return  # killed


def queued_request_ids(data_dir):
    db = sqlite3.connect(os.path.join(data_dir, "headroom.db"))
    try:
        rows = db.execute("SELECT payload FROM queue").fetchall()
    finally:
        db.close()
    return {json.loads(bytes(p) if isinstance(p, (bytes, memoryview)) else p)["request_id"] for (p,) in rows}


def ran_request_ids(out):
    return {line["request_id"] for line in lines(out)}


def verify_round(server, round_, stored, where):
    """Checks round_'s writes on the restarted server; records what each function holds."""
    lam = client(server)
    assert not round_.errors, where + ": unexpected AWS errors " + repr(round_.errors)
    for name, f in round_.functions.items():
        try:
            config = lam.get_function_configuration(FunctionName=name)
        except ClientError as e:
            assert not f["created"], "%s: acknowledged CreateFunction %s is lost (%s)" % (where, name, e)
            continue
        assert config["FunctionName"] == name
        try:
            alias = lam.get_alias(FunctionName=name, Name="live")
            assert alias["FunctionVersion"] == "1", (where, alias)
        except ClientError:
            assert not f["alias"], "%s: acknowledged CreateAlias %s:live is lost" % (where, name)
        rc = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
        assert rc in (f["rc"], f["rc_inflight"]), "%s: %s holds RC %s, acknowledged %s (in flight %s)" % (
            where, name, rc, f["rc"], f["rc_inflight"])
        try:
            pc = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")[
                "RequestedProvisionedConcurrentExecutions"]
        except ClientError:
            pc = None
        assert pc in (f["pc"], f["pc_inflight"]), "%s: %s:live holds PC %s, acknowledged %s (in flight %s)" % (
            where, name, pc, f["pc"], f["pc_inflight"])
        stored[name] = (rc, pc)
    cw = aws(server, "cloudwatch", ACCOUNT)
    alarms = {a["AlarmName"]: a["Threshold"] for a in cw.describe_alarms(
        AlarmNamePrefix="cs-%d-" % round_.number, MaxRecords=100)["MetricAlarms"]}
    for name, (acked, inflight) in round_.alarms.items():
        assert alarms.get(name) in (acked, inflight), "%s: alarm %s has threshold %s, acknowledged %s (in flight %s)" % (
            where, name, alarms.get(name), acked, inflight)
    topics = {t["TopicArn"].rsplit(":", 1)[1] for page in aws(server, "sns", ACCOUNT).get_paginator(
        "list_topics").paginate() for t in page["Topics"]}
    assert round_.topics <= topics, "%s: acknowledged topics lost: %s" % (where, round_.topics - topics)
    account, request_id, _ = round_.quota or (None, None, None)
    if request_id:
        sq = aws(server, "service-quotas", account)
        ids = {r["Id"] for r in sq.list_requested_service_quota_change_history(ServiceCode="lambda")["RequestedQuotas"]}
        assert request_id in ids, "%s: acknowledged quota request %s is lost" % (where, request_id)


def verify_pool(server, stored, where):
    state = pool_state(server, ACCOUNT)
    settings = client(server).get_account_settings()
    for key in ("limit", "allocated", "unreserved", "unreserved_busy", "claimed", "function_count"):
        assert state[key] >= 0, (where, state)
    assert state["limit"] == LIMIT, (where, state)
    # The recorder function's RC is 3; a function's contribution is its RC, else its PC.
    allocated = 3 + sum(rc if rc is not None else (pc or 0) for rc, pc in stored.values())
    assert state["allocated"] == allocated, "%s: allocated %s, expected %s" % (where, state, allocated)
    assert state["unreserved"] == LIMIT - allocated, (where, state)
    assert state["claimed"] == state["allocated"] + state["unreserved_busy"], (where, state)
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == state["unreserved"], (where, settings, state)
    assert settings["AccountLimit"]["ConcurrentExecutions"] == LIMIT, (where, settings)
    assert settings["AccountUsage"]["FunctionCount"] == state["function_count"] == len(stored) + 1, (
        where, settings, state, len(stored))


# The server's durability does not depend on the client's stack: Debian's boto3 only, to keep
# `make test` short.
@pytest.mark.skipif(sys.executable != "/usr/bin/python3", reason="runs on the Debian stack only")
def test_no_acknowledged_write_or_accepted_event_is_lost_across_sigkills():
    seed = int(os.environ.get("HEADROOM_CRASH_SEED", str(random.randrange(1 << 32))))
    print("test_crash_safety seed", seed, "rounds", ROUNDS)
    rng = random.Random(seed)
    data_dir = tempfile.mkdtemp(prefix="headroom-crash-")
    out = os.path.join(data_dir, "events.jsonl")
    accepted = {}  # request id -> n, over all rounds
    stored = {}    # function -> (RC, PC) as last read back
    server = Headroom(*ARGS, data_dir=data_dir)
    try:
        lam = client(server)
        recorder = create_python(lam)
        lam.put_function_concurrency(FunctionName=recorder, ReservedConcurrentExecutions=3)
        previous = None
        for number in range(ROUNDS):
            where = "seed %d, round %d" % (seed, number)
            if previous is not None:
                server = Headroom(*ARGS, data_dir=data_dir)
                verify_round(server, previous, stored, where + " (after the restart)")
                verify_pool(server, stored, where + " (after the restart)")
            round_ = Round(number)
            stop = threading.Event()
            threads = [threading.Thread(target=lambda_writer, args=(server, round_, i, random.Random(rng.random())))
                       for i in range(2)]
            threads += [threading.Thread(target=rpc_writer, args=(server, round_)),
                        threading.Thread(target=quota_writer, args=(server, round_)),
                        threading.Thread(target=clock_mover, args=(server, stop))]
            threads += [threading.Thread(target=event_writer, args=(server, round_, i, recorder, out, accepted))
                        for i in range(2)]
            for t in threads:
                t.start()
            pause = rng.uniform(0.05, 0.8)
            time.sleep(pause)
            server.kill()
            stop.set()
            for t in threads:
                t.join(60)
                assert not t.is_alive(), where + ": a writer hangs after the kill"
            print("round %d: killed %.2f s into the load, %d events accepted so far" % (
                number, pause, len(accepted)), flush=True)
            missing = set(accepted) - ran_request_ids(out) - queued_request_ids(data_dir)
            assert not missing, "%s: accepted events neither run nor queued: %s" % (where, sorted(
                accepted[m] for m in missing))
            previous = round_

        server = Headroom(*ARGS, data_dir=data_dir)
        where = "seed %d, after the last round" % seed
        verify_round(server, previous, stored, where)
        verify_pool(server, stored, where)
        # Everything stays where the rounds left it, and every accepted event runs.
        names = set()
        for page in client(server).get_paginator("list_functions").paginate():
            names |= {f["FunctionName"] for f in page["Functions"]}
        assert set(stored) <= names, where
        for name, (rc, pc) in stored.items():
            assert client(server).get_function_concurrency(FunctionName=name).get(
                "ReservedConcurrentExecutions") == rc, (where, name)
        # Drain the queue: each advance lets the throttled events' back-offs (up to 5 min) pass;
        # the next waits until the runs stop, and all stays well inside the 6 h event age.
        client(server).put_function_concurrency(FunctionName=recorder, ReservedConcurrentExecutions=10)
        for _ in range(60):  # 5 h at most
            pending = set(accepted) - ran_request_ids(out)
            if not pending:
                break
            server.advance(300)
            while True:
                time.sleep(1)
                still = set(accepted) - ran_request_ids(out)
                if still == pending:
                    break
                pending = still
        lost = set(accepted) - ran_request_ids(out)
        assert not lost, "%s: accepted events never ran: %s" % (where, sorted(accepted[m] for m in lost))
        assert server.stop() == 0
    finally:
        if server.proc.poll() is None:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
