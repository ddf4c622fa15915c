"""Aliases (with routing), event-invoke configs and resource policies survive SIGKILL and restart
on the same --data-dir, RevisionIds included, and a RevisionId read before the restart is still
the current one after it."""
import json

from conftest import Headroom
from test_concurrency import create

SQS = "arn:aws:sqs:us-east-1:000000000000:headroom-dlq"
S3 = "arn:aws:s3:::headroom-bucket"


def body(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def snapshot(lam, name, aliases, qualifiers):
    """Everything these settings show through the API, keyed by call."""
    state = {}
    for alias in aliases:
        state["alias", alias] = body(lam.get_alias(FunctionName=name, Name=alias))
    state["aliases"] = body(lam.list_aliases(FunctionName=name))
    for q in qualifiers:
        args = {"FunctionName": name} if q is None else {"FunctionName": name, "Qualifier": q}
        state["config", q] = body(lam.get_function_configuration(**args))
        state["function revision", q] = lam.get_function(**args)["Configuration"]["RevisionId"]
        state["event invoke", q] = body(lam.get_function_event_invoke_config(**args))
        state["policy", q] = body(lam.get_policy(**args))
    state["event invokes"] = body(lam.list_function_event_invoke_configs(FunctionName=name))
    return state


def restart(server):
    server.kill()
    return Headroom(data_dir=server.data_dir)


def test_aliases_event_invoke_configs_and_policies_survive_sigkill():
    first = Headroom()
    try:
        before, names = write_settings(first.client())
    except BaseException:
        first.stop()
        raise
    name, aliases, qualifiers = names
    second = restart(first)
    try:
        lam = second.client()
        after = snapshot(lam, name, aliases, qualifiers)
        for key in before:
            assert after[key] == before[key], (key, before[key], after[key])

        # The RevisionIds read before the restart are the current ones after it.
        updated = lam.update_alias(FunctionName=name, Name="live", Description="promoted",
                                   RevisionId=before["alias", "live"]["RevisionId"])
        assert updated["RevisionId"] != before["alias", "live"]["RevisionId"]
        assert updated["Description"] == "promoted"
        assert updated["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.5}}
        lam.remove_permission(FunctionName=name, StatementId="account",
                              RevisionId=before["policy", None]["RevisionId"])
        policy = lam.get_policy(FunctionName=name)
        assert policy["RevisionId"] != before["policy", None]["RevisionId"]
        moved = snapshot(lam, name, aliases, qualifiers)
    except BaseException:
        second.stop()
        raise

    # Writes made after a replay are journaled and replayed as well.
    third = restart(second)
    try:
        lam = third.client()
        again = snapshot(lam, name, aliases, qualifiers)
        for key in moved:
            assert again[key] == moved[key], (key, moved[key], again[key])
        assert again["alias", "live"]["RevisionId"] == updated["RevisionId"]
        assert again["policy", None]["RevisionId"] == policy["RevisionId"]
    finally:
        third.stop()


def write_settings(lam):
    """Two versions, two aliases, three event-invoke configs and three policies; returns the
    snapshot of them and (function name, aliases, qualifiers)."""
    name, _ = create(lam)
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.update_function_configuration(FunctionName=name, Timeout=9)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1})
    assert lam.publish_version(FunctionName=name)["Version"] == "2"

    # Aliases: one with routing, later updated; one plain.
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1", Description="canary",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
    lam.create_alias(FunctionName=name, Name="plain", FunctionVersion="2")
    live = lam.update_alias(FunctionName=name, Name="live",
                            RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    assert live["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.5}}

    # Event-invoke configs on $LATEST, a version and an alias; Update merges into the Put.
    lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1, MaximumEventAgeInSeconds=120,
        DestinationConfig={"OnFailure": {"Destination": SQS}})
    lam.put_function_event_invoke_config(FunctionName=name, Qualifier="1", MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName=name, Qualifier="live", MaximumRetryAttempts=2)
    lam.update_function_event_invoke_config(FunctionName=name, Qualifier="live",
                                            MaximumEventAgeInSeconds=600)

    # Policies on the function, a version and an alias, one statement added then removed.
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=S3)
    lam.add_permission(FunctionName=name, StatementId="gone", Action="lambda:InvokeFunction",
                       Principal="sns.amazonaws.com")
    lam.add_permission(FunctionName=name, StatementId="account", Action="lambda:GetFunction",
                       Principal="*", SourceAccount="000000000000")
    lam.remove_permission(FunctionName=name, StatementId="gone")
    lam.add_permission(FunctionName=name, Qualifier="1", StatementId="v1", Principal="*",
                       Action="lambda:InvokeFunction", SourceAccount="000000000000")
    lam.add_permission(FunctionName=name, Qualifier="live", StatementId="alias",
                       Action="lambda:InvokeFunction", Principal="events.amazonaws.com",
                       RevisionId=lam.get_alias(FunctionName=name, Name="live")["RevisionId"])

    aliases, qualifiers = ("live", "plain"), (None, "1", "live")
    before = snapshot(lam, name, aliases, qualifiers)
    statements = json.loads(before["policy", None]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["s3", "account"], statements
    assert before["event invoke", None]["DestinationConfig"]["OnFailure"] == {"Destination": SQS}
    assert before["event invoke", "live"]["MaximumEventAgeInSeconds"] == 600
    assert before["event invoke", "live"]["MaximumRetryAttempts"] == 2
    assert len(before["event invokes"]["FunctionEventInvokeConfigs"]) == 3

    return before, (name, aliases, qualifiers)
