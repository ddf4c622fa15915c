"""Replays AWS-recorded responses of ../shared/localstack-snapshots/test_lambda_api.snapshot.json
for aliases, event-invoke configs and resource policies.

Replayed here: the recorded tests of the classes TestLambdaAlias, TestLambdaEventInvokeConfig and
TestLambdaPermissions, TestLambdaRevisions::test_function_revisions_version_and_alias and
::test_function_revisions_permissions, and the [get_function_event_invoke_config]
parametrizations of TestLambdaFunction::test_ops_on_nonexisting_fn, ::test_ops_on_nonexisting_version
and ::test_get_function_wrong_region (SELECTED below). The comparison is snapshot_replay's: status,
keys at every level, deterministic values with the placeholders mapped, and each numbered
placeholder held to one value, so that RevisionIds change exactly where AWS's changed.

The snapshot stores responses only. The calls below are inferred from the labels (in recording
order) and from what the responses show: the AddPermission statement gives Principal, SourceArn,
SourceAccount and Action; the alias gives its version, description and routing; the event-invoke
config its retries and age; error messages name the qualifier asked for. Calls that are needed
between two labels but were not recorded (a second AddPermission, a RemovePermission, a publish)
are made without a label, and must succeed. The recorded tests used LocalStack's fixtures: a
function created by `create_lambda_function` (python3.12, handler.handler, timeout 30, empty
environment, waited for until active; its result recorded as
{"CreateEventSourceMappingResponse": null, "CreateFunctionResponse": ...}), or directly by
CreateFunction (index.handler, no timeout or memory given, environment testenv=staging) in the
alias tests. Where a label's request cannot be inferred with confidence it is listed in
NOT_REPLAYED with the reason. The sequences were cross-checked against the public source of the
recorded tests (LocalStack's tests/aws/services/lambda_/test_lambda_api.py, read, not copied); the
values that no response shows (GetPolicy's Qualifier "77", the principal "invalid.nonaws.com")
come from there. test_non_existent_alias_deletion and _update are not in the version read, and
rest on their labels alone.

Lists are compared in the order the recording sorted them: Aliases by Name, and (in
test_lambda_eventinvokeconfig_exceptions) FunctionEventInvokeConfigs by FunctionArn.
"""
import json
import os
import uuid

import pytest

from snapshot_replay import (
    ACCOUNT, REGION, SNAPSHOT_DIR, Members, check_every_label, client, create_function,
    load_snapshot, new_name, output_shape, replay_fixture, replays, wait)

API = "tests/aws/services/lambda_/test_lambda_api.py::"
ALIAS = API + "TestLambdaAlias::"
EIC = API + "TestLambdaEventInvokeConfig::"
PERM = API + "TestLambdaPermissions::"
REV = API + "TestLambdaRevisions::"
FN = API + "TestLambdaFunction::"

SELECTED_CLASSES = (ALIAS, EIC, PERM)
SELECTED_TESTS = (
    REV + "test_function_revisions_version_and_alias",
    REV + "test_function_revisions_permissions",
    FN + "test_ops_on_nonexisting_fn[get_function_event_invoke_config]",
    FN + "test_ops_on_nonexisting_version[get_function_event_invoke_config]",
    FN + "test_get_function_wrong_region[get_function_event_invoke_config]",
)


def selected(key):
    return key.startswith(SELECTED_CLASSES) or key in SELECTED_TESTS


SNAPSHOT_FILE = os.environ.get("HEADROOM_API_SNAPSHOTS", os.path.join(
    SNAPSHOT_DIR, "test_lambda_api.snapshot.json"))
SNAPSHOT = load_snapshot(SNAPSHOT_FILE, selected)

# --------------------------------------------------------------------------------------------
# The recorded labels that are not replayed, each with its reason.

_STALE = ("stale recording of %s: the test is not in test_lambda_api.validation.json (no longer "
          "run against AWS upstream), and the requests behind the labels are unknown")
NOT_REPLAYED = {
    PERM + "test_lambda_permission_versioning": {
        label: _STALE % "21-12-2022" + "; it also contradicts the 2025 recording of "
        "test_lambda_permission_fn_versioning (there GetPolicy keeps its RevisionId across "
        "PublishVersion, here it changes)"
        for label in ("add_permission", "get_policy", "get_policy_after_publishing_latest",
                      "get_policy_after_publishing_new_version",
                      "get_policy_after_adding_to_new_version", "get_policy_after_adding_2")},
    PERM + "test_lambda_permission_revisions": {
        label: _STALE % "23-12-2022" + " (two functions, fn8 and fn9, with python3.9 and "
        "python3.8 versions; recorded before LoggingConfig existed)"
        for label in ("add_permission_revision_id_doesnotmatch",
                      "remove_permission_fn_revision_id_doesnotmatch",
                      "get_policy_after_publish_version", "get_policy_v1_after_publish_version",
                      "get_function_fn8", "get_function_fn8_v1", "get_function_fn9",
                      "get_function_fn9_v1", "get_policy_v1_after_add_permission9")},
}

replay = replay_fixture(SNAPSHOT, NOT_REPLAYED)


@pytest.fixture
def lam(headroom):
    return client(headroom)


# --------------------------------------------------------------------------------------------
# Helpers

S3_BUCKET_ARN = "arn:aws:s3:::test-bucket"  # recorded as arn:<partition>:s3:::<resource:N>
STAGING = {"testenv": "staging"}


def fixture_create(lam, r, label, name, **kwargs):
    """Creates a function as the create_lambda_function fixture does and replays its result."""
    return r.check(label, lambda: {
        "CreateEventSourceMappingResponse": None,
        "CreateFunctionResponse": create_function(lam, name, **kwargs)},
        shape=Members(CreateEventSourceMappingResponse=None,
                      CreateFunctionResponse=output_shape(lam, "CreateFunction")))


def direct_create(lam, name, **kwargs):
    """CreateFunction as the alias tests call it (create_lambda_function_aws): index.handler,
    server-default timeout and memory, environment testenv=staging."""
    return create_function(lam, name, handler="index.handler", timeout=None, memory=None,
                           environment=STAGING, **kwargs)


def sort_by(response, key, field):
    """The response with its list `key` sorted by `field`, as the recording's SortingTransformer."""
    response = dict(response)
    response[key] = sorted(response[key], key=lambda item: item[field])
    return response


def arn(name, qualifier=None, region=REGION):
    text = "arn:aws:lambda:%s:%s:function:%s" % (region, ACCOUNT, name)
    return text if qualifier is None else "%s:%s" % (text, qualifier)


# --------------------------------------------------------------------------------------------
# A. GetFunctionEventInvokeConfig on a missing function or version, or from the wrong region

@replays(FN + "test_ops_on_nonexisting_fn[get_function_event_invoke_config]")
def test_ops_on_nonexisting_fn(lam, replay):
    with replay as r:
        missing = "i-dont-exist-" + uuid.uuid4().hex[:8]
        r.bind("<nonexisting-fn-name>", missing)
        r.check("not_found_exception", lambda: lam.get_function_event_invoke_config(FunctionName=missing))


@replays(FN + "test_ops_on_nonexisting_version[get_function_event_invoke_config]")
def test_ops_on_nonexisting_version(lam, replay):
    with replay as r:
        fn = new_name("i-exist")
        r.bind("<fn-name>", fn)
        create_function(lam, fn)
        r.check("version_not_found_exception", lambda: lam.get_function_event_invoke_config(
            FunctionName=fn, Qualifier="1221"))


@replays(FN + "test_get_function_wrong_region[get_function_event_invoke_config]")
def test_get_function_wrong_region(lam, replay):
    with replay as r:
        fn, other = new_name("i-exist"), "eu-central-1"
        r.bind("<fn-name>", fn)
        r.bind("<wrong-region>", other)
        create_function(lam, fn)
        r.check("wrong_region_exception", lambda: lam.get_function_event_invoke_config(
            FunctionName=arn(fn, region=other)))


# --------------------------------------------------------------------------------------------
# B. Aliases

def two_versions(lam, r, fn, publish_on_create=False):
    """create_response, publish_v1, an environment change to testenv=prod, publish_v2."""
    r.check("create_response", lambda: direct_create(lam, fn, publish=publish_on_create))
    r.check("publish_v1", lambda: lam.publish_version(FunctionName=fn))
    lam.update_function_configuration(FunctionName=fn, Environment={"Variables": {"testenv": "prod"}})
    wait(lam, "function_updated_v2", fn)
    r.check("publish_v2", lambda: lam.publish_version(FunctionName=fn))


@replays(ALIAS + "test_alias_lifecycle")
def test_alias_lifecycle(lam, replay):
    with replay as r:
        fn = r.new_function_name("alias-fn")
        two_versions(lam, r, fn)

        def aliases(**kwargs):
            return sort_by(lam.list_aliases(FunctionName=fn, **kwargs), "Aliases", "Name")

        def get(name):
            return lambda: lam.get_alias(FunctionName=fn, Name=name)

        created = r.check("create_alias_1_1", lambda: lam.create_alias(
            FunctionName=fn, Name="aliasname1_1", FunctionVersion="1", Description="custom-alias",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.2}}))
        r.check("get_alias_1_1", get("aliasname1_1"))
        r.check("get_function_alias_1_1", lambda: lam.get_function(FunctionName=fn, Qualifier="aliasname1_1"))
        alias_arn = created.get("AliasArn") or arn(fn, "aliasname1_1")
        r.check("get_function_byarn_alias_1_1", lambda: lam.get_function(FunctionName=alias_arn))
        r.check("get_function_alias_notfound_exc", lambda: lam.get_function(
            FunctionName=fn, Qualifier="aliasdoesnotexist"))
        r.check("get_function_alias_byarn_notfound_exc", lambda: lam.get_function(
            FunctionName=alias_arn.replace("aliasname1_1", "aliasdoesnotexist")))
        r.check("create_alias_1_2", lambda: lam.create_alias(
            FunctionName=fn, Name="aliasname1_2", FunctionVersion="1", Description="custom-alias"))
        r.check("get_alias_1_2", get("aliasname1_2"))
        r.check("create_alias_1_3", lambda: lam.create_alias(
            FunctionName=fn, Name="aliasname1_3", FunctionVersion="1"))
        r.check("get_alias_1_3", get("aliasname1_3"))
        r.check("create_alias_2", lambda: lam.create_alias(
            FunctionName=fn, Name="aliasname2", FunctionVersion="2", Description="custom-alias"))
        r.check("get_alias_2", get("aliasname2"))
        # Recorded through the paginator, one alias a page (so without ResponseMetadata).
        listed = r.check("list_aliases_for_fnname", lambda: sort_by(
            lam.get_paginator("list_aliases").paginate(
                FunctionName=fn, PaginationConfig={"PageSize": 1}).build_full_result(),
            "Aliases", "Name"))
        assert len(listed.get("Aliases", [])) == 4, listed
        # RoutingConfig with no weights removes the routing.
        r.check("update_alias_1_1", lambda: lam.update_alias(
            FunctionName=fn, Name="aliasname1_1", RoutingConfig={"AdditionalVersionWeights": {}}))
        r.check("get_alias_1_1_after_update", get("aliasname1_1"))
        r.check("list_aliases_for_fnname_after_update", aliases)
        # An update that changes nothing still gives a new RevisionId.
        r.check("update_alias_1_2", lambda: lam.update_alias(FunctionName=fn, Name="aliasname1_2"))
        r.check("get_alias_1_2_after_update", get("aliasname1_2"))
        r.check("list_aliases_for_fnname_after_update_2", aliases)
        r.check("list_aliases_for_version", lambda: aliases(FunctionVersion="1"))
        r.check("delete_alias_response", lambda: lam.delete_alias(FunctionName=fn, Name="aliasname1_1"))
        r.check("list_aliases_for_fnname_afterdelete", aliases)


@replays(ALIAS + "test_notfound_and_invalid_routingconfigs")
def test_notfound_and_invalid_routingconfigs(headroom, replay):
    lam = client(headroom, parameter_validation=False)  # weights > 1 and < 0 reach the server
    with replay as r:
        fn = r.new_function_name("alias-fn")
        # Created with Publish=True: the recorded CreateFunction answer has Version "1".
        two_versions(lam, r, fn, publish_on_create=True)

        def create(label, name="custom", version="1", weights=None):
            args = dict(FunctionName=fn, Name=name, FunctionVersion=version)
            if weights is not None:
                args["RoutingConfig"] = {"AdditionalVersionWeights": weights}
            return r.check(label, lambda: lam.create_alias(**args))

        create("routing_config_exc_toomany", weights={"1": 0.8, "2": 0.2})
        create("routing_config_exc_toohigh", weights={"2": 2})
        create("routing_config_exc_subzero", weights={"2": -1})
        create("routing_config_exc_sameversion", weights={"1": 0.5})
        create("target_version_doesnotexist", version="10", weights={"2": 0.5})
        create("routing_config_exc_version_doesnotexist", weights={"10": 0.5})
        create("target_version_exc_version_latest", version="$LATEST", weights={"1": 0.5})
        create("routing_config_exc_version_latest", weights={"$LATEST": 0.5})
        create("create-alias-latest", name="custom-latest", version="$LATEST")
        r.check("routing_config_exc_fn_doesnotexist", lambda: lam.create_alias(
            FunctionName=fn + "-unknown", Name="custom", FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}}))
        create("create_alias_empty_routingconfig", name="custom-empty-routingconfig", weights={})
        create("create_alias_response", weights={"2": 0.5})
        create("routing_config_exc_already_exist", weights={"2": 0.5})
        r.check("alias_does_not_exist_esc", lambda: lam.get_alias(FunctionName=fn, Name="non-existent"))


@replays(ALIAS + "test_alias_naming")
def test_alias_naming(lam, replay):
    with replay as r:
        fn = r.new_function_name("alias-fn")
        r.check("create_response", lambda: direct_create(lam, fn))
        r.check("publish_v1", lambda: lam.publish_version(FunctionName=fn))
        # A date-like name is an alias name; a name of digits only is not. (The recorded test also
        # invokes the alias between the two; that is no label, and headroom has no Invoke.)
        r.check("create_alias_date", lambda: lam.create_alias(
            FunctionName=fn, Name="2024-01-02", FunctionVersion="1", Description="custom-alias"))
        r.check("get_alias_date", lambda: lam.get_alias(FunctionName=fn, Name="2024-01-02"))
        r.check("create_alias_number_exception", lambda: lam.create_alias(
            FunctionName=fn, Name="2024", FunctionVersion="1", Description="custom-alias"))


@replays(ALIAS + "test_non_existent_alias_deletion")
def test_non_existent_alias_deletion(lam, replay):
    with replay as r:
        fn = r.new_function_name("alias-fn")
        r.check("create_response", lambda: direct_create(lam, fn))
        # DeleteAlias of an alias that does not exist: 204, as for one that does.
        r.check("delete_alias_response", lambda: lam.delete_alias(FunctionName=fn, Name="non-existent"))


@replays(ALIAS + "test_non_existent_alias_update")
def test_non_existent_alias_update(lam, replay):
    with replay as r:
        fn = r.new_function_name("alias-fn")
        r.check("create_response", lambda: direct_create(lam, fn))
        # The message names only the alias (":non-existent"); no version was published, so the
        # update names no FunctionVersion.
        r.check("update_alias_response", lambda: lam.update_alias(
            FunctionName=fn, Name="non-existent", Description="does not matter"))


# --------------------------------------------------------------------------------------------
# C. Revisions of versions, aliases and policies

WRONG = "wrong"


@replays(REV + "test_function_revisions_version_and_alias")
def test_function_revisions_version_and_alias(lam, replay):
    with replay as r:
        fn = r.new_function_name("fn")
        fixture_create(lam, r, "create_function_response_rev1", fn)
        got = r.check("get_function_active_rev2", lambda: lam.get_function(FunctionName=fn))
        rev2 = got["Configuration"]["RevisionId"]
        r.check("publish_version_revision_exception", lambda: lam.publish_version(
            FunctionName=fn, RevisionId=WRONG))
        version = r.check("publish_version_response_rev_v1", lambda: lam.publish_version(
            FunctionName=fn, RevisionId=rev2)).get("Version", "1")
        wait(lam, "function_active_v2", fn, version)
        r.check("get_function_published_version_rev_v2", lambda: lam.get_function(
            FunctionName=fn, Qualifier=version))
        r.check("get_function_latest_rev3", lambda: lam.get_function(FunctionName=fn))
        created = r.check("create_alias_response_rev_a1", lambda: lam.create_alias(
            FunctionName=fn, Name="revision_alias", FunctionVersion=version))
        r.check("get_function_latest_rev4", lambda: lam.get_function(FunctionName=fn))
        r.check("get_function_published_version_rev_v3", lambda: lam.get_function(
            FunctionName=fn, Qualifier=version))
        r.check("update_alias_revision_exception", lambda: lam.update_alias(
            FunctionName=fn, Name="revision_alias", RevisionId=WRONG))
        r.check("update_alias_response_rev_a2", lambda: lam.update_alias(
            FunctionName=fn, Name="revision_alias", Description="something changed",
            RevisionId=created.get("RevisionId")))


@replays(REV + "test_function_revisions_permissions")
def test_function_revisions_permissions(lam, replay):
    with replay as r:
        fn = r.new_function_name("fn")
        create_function(lam, fn)
        r.check("add_permission_revision_exception", lambda: lam.add_permission(
            FunctionName=fn, StatementId="s3", Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com", RevisionId=WRONG))


# --------------------------------------------------------------------------------------------
# D. Resource policies

def s3_permission(lam, fn, sid="s3", **kwargs):
    return lam.add_permission(FunctionName=fn, Action="lambda:InvokeFunction", StatementId=sid,
                              Principal="s3.amazonaws.com", SourceArn=S3_BUCKET_ARN, **kwargs)


@replays(PERM + "test_permission_exceptions")
def test_permission_exceptions(lam, replay):
    with replay as r:
        fn = new_name("lambda_func")
        r.bind("<function-name>", fn)
        create_function(lam, fn)
        r.check("add_permission_invalid_statement_id", lambda: lam.add_permission(
            FunctionName=fn, Action="lambda:InvokeFunction", StatementId="example.com",
            Principal="s3.amazonaws.com"))
        r.check("add_permission_fn_qualifier_mismatch", lambda: s3_permission(
            lam, fn + ":alias-not-42", Qualifier="42"))
        r.check("add_permission_fn_qualifier_latest", lambda: s3_permission(
            lam, fn + ":$LATEST", Qualifier="$LATEST"))
        r.check("add_permission_principal_invalid", lambda: lam.add_permission(
            FunctionName=fn, Action="lambda:InvokeFunction", StatementId="lambda",
            Principal="invalid.nonaws.com", SourceAccount=ACCOUNT))
        r.check("get_policy_fn_doesnotexist", lambda: lam.get_policy(FunctionName="doesnotexist"))
        r.check("get_policy_fn_version_doesnotexist", lambda: lam.get_policy(FunctionName=fn, Qualifier="77"))
        r.check("add_permission_fn_doesnotexist", lambda: s3_permission(lam, "doesnotexist"))
        r.check("remove_permission_policy_doesnotexist", lambda: lam.remove_permission(
            FunctionName=fn, StatementId="s3"))
        r.check("add_permission_fn_alias_doesnotexist", lambda: s3_permission(
            lam, fn + ":alias-doesnotexist"))
        r.check("add_permission_fn_version_doesnotexist", lambda: s3_permission(lam, fn, Qualifier="42"))
        r.check("add_permission_fn_qualifier_invalid", lambda: s3_permission(
            lam, fn, Qualifier="invalid-qualifier-with-?-char"))
        r.check("add_permission_fn_qualifier_valid_doesnotexist", lambda: s3_permission(
            lam, fn, Qualifier="valid-with-$-but-doesnotexist"))
        s3_permission(lam, fn)
        r.check("add_permission_conflicting_statement_id", lambda: s3_permission(lam, fn))
        r.check("remove_permission_fn_doesnotexist", lambda: lam.remove_permission(
            FunctionName="doesnotexist", StatementId="s3"))
        r.check("remove_permission_fn_alias_doesnotexist", lambda: lam.remove_permission(
            FunctionName=fn, StatementId="s3", Qualifier="alias-doesnotexist"))


@replays(PERM + "test_add_lambda_permission_aws")
def test_add_lambda_permission_aws(lam, replay):
    with replay as r:
        fn = r.new_function_name("lambda_func")
        fixture_create(lam, r, "create_lambda", fn)
        r.check("add_permission", lambda: s3_permission(lam, fn))
        r.check("get_policy", lambda: lam.get_policy(FunctionName=fn))


@replays(PERM + "test_lambda_permission_fn_versioning")
def test_lambda_permission_fn_versioning(lam, replay):
    with replay as r:
        fn = r.new_function_name("lambda_func")
        create_function(lam, fn)
        r.check("add_permission", lambda: s3_permission(lam, fn))
        r.check("get_policy", lambda: lam.get_policy(FunctionName=fn))
        version = r.check("publish_version_result", lambda: lam.publish_version(
            FunctionName=fn)).get("Version", "1")
        wait(lam, "function_active_v2", fn, version)
        r.check("get_function_result_after_publishing", lambda: lam.get_function(FunctionName=fn))
        # A policy belongs to $LATEST, a version or an alias; publishing copies nothing.
        r.check("get_policy_after_publishing_latest", lambda: lam.get_policy(FunctionName=fn))
        r.check("get_policy_after_publishing_new_version", lambda: lam.get_policy(
            FunctionName=fn, Qualifier=version))
        s3_permission(lam, "%s:%s" % (fn, version), Qualifier=version)
        r.check("get_policy_version", lambda: lam.get_policy(FunctionName=fn, Qualifier=version))
        alias = "permission-alias"
        created = r.check("create_alias_response", lambda: lam.create_alias(
            FunctionName=fn, Name=alias, FunctionVersion=version))
        got = r.check("get_alias", lambda: lam.get_alias(FunctionName=fn, Name=alias))
        assert got.get("RevisionId") == created.get("RevisionId"), (got, created)
        r.check("add_permission_alias_revision_exception", lambda: s3_permission(
            lam, fn, Qualifier=alias, RevisionId=WRONG))
        # The alias has no policy yet: the alias's own RevisionId is the one to give.
        s3_permission(lam, "%s:%s" % (fn, alias), Qualifier=alias, RevisionId=created.get("RevisionId"))
        r.check("get_policy_alias", lambda: lam.get_policy(FunctionName=fn, Qualifier=alias))
        policy = r.check("get_policy_after_adding_to_new_version", lambda: lam.get_policy(FunctionName=fn))
        s3_permission(lam, fn, sid="s3_2", RevisionId=policy.get("RevisionId"))
        r.check("get_policy_after_adding_2", lambda: lam.get_policy(FunctionName=fn))


@replays(PERM + "test_add_lambda_permission_fields")
def test_add_lambda_permission_fields(lam, replay):
    with replay as r:
        fn = new_name("lambda_func")  # recorded as function:<resource:1>
        create_function(lam, fn)

        def add(label, **kwargs):
            kwargs.setdefault("Action", "lambda:InvokeFunction")
            return r.check(label, lambda: lam.add_permission(FunctionName=fn, **kwargs))

        add("add_permission_principal_wildcard", StatementId="wilcard", Principal="*",
            SourceAccount=ACCOUNT)
        add("add_permission_principal_service", StatementId="lambda",
            Principal="lambda.amazonaws.com", SourceAccount=ACCOUNT)
        # An account id as principal becomes the account's root ARN (recorded :<resource:2>).
        add("add_permission_principal_account", StatementId="account-id", Principal=ACCOUNT)
        # The recording took the caller's ARN from STS; any IAM user ARN stands in for it.
        user_arn = "arn:aws:iam::%s:user/headroom-snapshot-user" % ACCOUNT
        answer = add("add_permission_principal_arn", StatementId="user-arn", Principal=user_arn,
                     SourceAccount=ACCOUNT)
        if "Statement" in answer:
            assert json.loads(answer["Statement"])["Principal"] == {"AWS": user_arn}, answer
        add("add_permission_optional_fields", StatementId="urlPermission",
            Action="lambda:InvokeFunctionUrl", Principal="*", SourceArn=S3_BUCKET_ARN,
            SourceAccount=ACCOUNT, PrincipalOrgID="o-1234567890", FunctionUrlAuthType="NONE")
        add("add_permission_alexa_skill", StatementId="alexaSkill", Principal="*",
            EventSourceToken="amzn1.ask.skill.xxxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")


@replays(PERM + "test_remove_multi_permissions")
def test_remove_multi_permissions(lam, replay):
    with replay as r:
        fn = new_name("lambda_func")
        create_function(lam, fn)
        r.check("add_permission_1", lambda: lam.add_permission(
            FunctionName=fn, Action="lambda:InvokeFunction", StatementId="s3",
            Principal="s3.amazonaws.com"))
        r.check("add_permission_2", lambda: lam.add_permission(
            FunctionName=fn, Action="lambda:InvokeFunction", StatementId="sqs",
            Principal="sqs.amazonaws.com", SourceArn=S3_BUCKET_ARN))
        r.check("policy_after_2_add", lambda: lam.get_policy(FunctionName=fn))
        r.check("remove_permission_exception_nonexisting_sid", lambda: lam.remove_permission(
            FunctionName=fn, StatementId="non-existent"))
        lam.remove_permission(FunctionName=fn, StatementId="sqs")
        r.check("policy_after_removal", lambda: lam.get_policy(FunctionName=fn))
        policy = r.check("policy_after_removal_attempt", lambda: lam.get_policy(FunctionName=fn))
        lam.remove_permission(FunctionName=fn, StatementId="s3", RevisionId=policy.get("RevisionId"))
        r.check("get_policy_exception_removed_all", lambda: lam.get_policy(FunctionName=fn))


@replays(PERM + "test_create_multiple_lambda_permissions")
def test_create_multiple_lambda_permissions(lam, replay):
    with replay as r:
        fn = new_name("test-function")
        create_function(lam, fn)
        r.check("add_permission_response_1", lambda: lam.add_permission(
            FunctionName=fn, Action="lambda:InvokeFunction", StatementId="logs",
            Principal="logs.amazonaws.com"))
        r.check("add_permission_response_2", lambda: lam.add_permission(
            FunctionName=fn, Action="lambda:InvokeFunction", StatementId="kinesis",
            Principal="kinesis.amazonaws.com"))
        r.check("policy_after_2_add", lambda: lam.get_policy(FunctionName=fn))


# --------------------------------------------------------------------------------------------
# E. Event-invoke configs

@replays(EIC + "test_lambda_eventinvokeconfig_lifecycle")
def test_lambda_eventinvokeconfig_lifecycle(lam, replay):
    with replay as r:
        fn = r.new_function_name("fn-eventinvoke")
        create_function(lam, fn)
        put, update = lam.put_function_event_invoke_config, lam.update_function_event_invoke_config
        get, listing = lam.get_function_event_invoke_config, lam.list_function_event_invoke_configs
        # Put replaces the whole config, Update merges into it.
        r.check("put_invokeconfig_retries_0", lambda: put(FunctionName=fn, MaximumRetryAttempts=0))
        r.check("put_invokeconfig_eventage_60", lambda: put(FunctionName=fn, MaximumEventAgeInSeconds=60))
        r.check("update_invokeconfig_eventage_nochange", lambda: update(
            FunctionName=fn, MaximumEventAgeInSeconds=60))
        r.check("update_invokeconfig_retries", lambda: update(FunctionName=fn, MaximumRetryAttempts=1))
        r.check("get_invokeconfig", lambda: get(FunctionName=fn))
        r.check("get_invokeconfig_latest", lambda: get(FunctionName=fn, Qualifier="$LATEST"))
        r.check("list_single_invokeconfig", lambda: listing(FunctionName=fn))
        version = r.check("publish_version_result", lambda: lam.publish_version(
            FunctionName=fn)).get("Version", "1")
        r.check("get_invokeconfig_postpublish", lambda: get(FunctionName=fn, Qualifier=version))
        r.check("put_published_invokeconfig", lambda: put(
            FunctionName=fn, Qualifier=version, MaximumEventAgeInSeconds=120))
        r.check("get_published_invokeconfig", lambda: get(FunctionName=fn, Qualifier=version))
        # Paging, asserted by the recorded test rather than recorded.
        single = listing(FunctionName=fn, MaxItems=1)
        everything = listing(FunctionName=fn)
        assert len(single["FunctionEventInvokeConfigs"]) == 1, single
        assert len(everything["FunctionEventInvokeConfigs"]) == 2, everything
        remaining = listing(FunctionName=fn, Marker=single["NextMarker"], MaxItems=1)
        assert len(remaining["FunctionEventInvokeConfigs"]) == 1, remaining
        assert {c["FunctionArn"] for c in everything["FunctionEventInvokeConfigs"]} == {
            single["FunctionEventInvokeConfigs"][0]["FunctionArn"],
            remaining["FunctionEventInvokeConfigs"][0]["FunctionArn"]}
        lam.delete_function_event_invoke_config(FunctionName=fn)
        r.check("list_paging_nolimit_postdelete", lambda: listing(FunctionName=fn))


@replays(EIC + "test_lambda_eventinvokeconfig_exceptions")
def test_lambda_eventinvokeconfig_exceptions(headroom, replay):
    lam = client(headroom, parameter_validation=False)  # DestinationConfig patterns reach the server
    with replay as r:
        fn = r.new_function_name("fn-eventinvoke")
        fn2 = new_name("fn-eventinvoke-2")  # recorded as function:<resource:N>
        create_function(lam, fn)
        fn_arn = lam.get_function(FunctionName=fn)["Configuration"]["FunctionArn"]
        create_function(lam, fn2)
        fn_arn_2 = lam.get_function(FunctionName=fn2)["Configuration"]["FunctionArn"]
        version = r.check("fn_version_result", lambda: lam.publish_version(
            FunctionName=fn)).get("Version", "1")
        alias_result = r.check("fn_alias_result", lambda: lam.create_alias(
            FunctionName=fn, Name="eventinvokealias", FunctionVersion=version))
        alias = "eventinvokealias"
        alias_arn = alias_result.get("AliasArn") or arn(fn, alias)
        fake_arn = arn("doesnotexist")
        put = lam.put_function_event_invoke_config
        update = lam.update_function_event_invoke_config
        get = lam.get_function_event_invoke_config
        delete = lam.delete_function_event_invoke_config

        def listing(**kwargs):
            return sort_by(lam.list_function_event_invoke_configs(**kwargs),
                           "FunctionEventInvokeConfigs", "FunctionArn")

        def on_success(destination):
            return {"OnSuccess": {"Destination": destination}}

        # FunctionName, and no setting at all
        r.check("put_functionname_name_notfound", lambda: put(FunctionName="doesnotexist", MaximumRetryAttempts=1))
        r.check("put_functionname_arn_notfound", lambda: put(FunctionName=fake_arn, MaximumRetryAttempts=1))
        r.check("put_functionname_nootherargs", lambda: put(FunctionName="doesnotexist"))
        # Destinations
        r.check("put_destination_lambda_doesntexist", lambda: put(
            FunctionName=fn, DestinationConfig=on_success(fake_arn)))
        r.check("put_destination_recursive", lambda: put(FunctionName=fn, DestinationConfig=on_success(fn_arn)))
        r.check("put_destination_other_lambda", lambda: put(
            FunctionName=fn, DestinationConfig=on_success(fn_arn_2)))
        r.check("put_destination_invalid_service_arn", lambda: put(
            FunctionName=fn, DestinationConfig=on_success(fn_arn.replace(":lambda:", ":iam:"))))
        r.check("put_destination_success_no_destination_arn", lambda: put(
            FunctionName=fn, DestinationConfig={"OnSuccess": {}}))
        r.check("put_destination_failure_no_destination_arn", lambda: put(
            FunctionName=fn, DestinationConfig={"OnFailure": {}}))
        r.check("put_destination_invalid_arn_pattern", lambda: put(
            FunctionName=fn,
            DestinationConfig={"OnFailure": {"Destination": fn_arn.replace(":lambda:", ":_-/!lambda:")}}))
        # FunctionName and Qualifier
        r.check("put_destination_latest", lambda: put(FunctionName=fn, MaximumRetryAttempts=1))
        r.check("put_destination_latest_explicit_qualifier", lambda: put(
            FunctionName=fn, Qualifier="$LATEST", MaximumRetryAttempts=1))
        r.check("put_destination_version", lambda: put(FunctionName=fn, Qualifier=version, MaximumRetryAttempts=1))
        r.check("put_alias_functionname_qualifier", lambda: put(
            FunctionName=fn, Qualifier=alias, MaximumRetryAttempts=1))
        r.check("put_alias_doesnotexist", lambda: put(
            FunctionName=fn, Qualifier=alias + "doesnotexist", MaximumRetryAttempts=1))
        r.check("put_alias_qualifiedarn", lambda: put(FunctionName=alias_arn, MaximumRetryAttempts=1))
        r.check("put_alias_qualifiedarn_qualifier", lambda: put(
            FunctionName=alias_arn, Qualifier=alias, MaximumRetryAttempts=1))
        r.check("put_alias_qualifiedarn_qualifierconflict", lambda: put(
            FunctionName=alias_arn, Qualifier=alias + "doesnotexist", MaximumRetryAttempts=1))
        shorthand = "%s:%s" % (fn, alias)
        r.check("put_alias_shorthand", lambda: put(FunctionName=shorthand, MaximumRetryAttempts=1))
        r.check("put_alias_shorthand_qualifier", lambda: put(
            FunctionName=shorthand, Qualifier=alias, MaximumRetryAttempts=1))
        r.check("put_alias_shorthand_qualifierconflict", lambda: put(
            FunctionName=shorthand, Qualifier=alias + "doesnotexist", MaximumRetryAttempts=1))
        r.check("put_version_shorthand", lambda: put(
            FunctionName="%s:%s" % (fn, version), MaximumRetryAttempts=1))
        r.check("put_shorthand_qualifier_match", lambda: put(
            FunctionName=fn + ":$LATEST", Qualifier="$LATEST", MaximumRetryAttempts=1))
        r.check("put_shorthand_qualifier_mismatch_1", lambda: put(
            FunctionName="%s:%s" % (fn, version), Qualifier="$LATEST", MaximumRetryAttempts=1))
        r.check("put_shorthand_qualifier_mismatch_2", lambda: put(
            FunctionName=fn + ":$LATEST", Qualifier=version, MaximumRetryAttempts=1))
        r.check("put_shorthand_qualifier_mismatch_3", lambda: put(
            FunctionName="%s:%s" % (fn, version), Qualifier=alias, MaximumRetryAttempts=1))
        r.check("put_maxevent_maxvalue_result", lambda: put(
            FunctionName=fn, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=21600))
        # Put overwrites the whole config; Update only what it names.
        r.check("put_pre_overwrite", lambda: put(FunctionName=fn, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60))
        r.check("put_post_overwrite", lambda: put(FunctionName=fn, MaximumRetryAttempts=0))
        r.check("second_overwrite_existing_response", lambda: put(FunctionName=fn, MaximumRetryAttempts=0))
        got = r.check("get_post_overwrite", lambda: get(FunctionName=fn))
        assert got.get("MaximumRetryAttempts") == 0 and "MaximumEventAgeInSeconds" not in got, got
        r.check("pre_update_response", lambda: put(FunctionName=fn, MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60))
        r.check("update_response", lambda: update(FunctionName=fn, MaximumRetryAttempts=0))
        r.check("update_response_existing", lambda: update(FunctionName=fn, MaximumRetryAttempts=0))
        got = get(FunctionName=fn)
        assert got["MaximumRetryAttempts"] == 0 and got["MaximumEventAgeInSeconds"] == 60, got
        # Listing and deleting
        r.check("list_configs", lambda: listing(FunctionName=fn))
        paged = lam.list_function_event_invoke_configs(FunctionName=fn, MaxItems=2)
        assert len(paged["FunctionEventInvokeConfigs"]) == 2 and paged.get("NextMarker"), paged
        r.check("delete_latest", lambda: delete(FunctionName=fn, Qualifier="$LATEST"))
        r.check("delete_version", lambda: delete(FunctionName=fn, Qualifier=version))
        r.check("delete_alias", lambda: delete(FunctionName=fn, Qualifier=alias))
        r.check("list_configs_postdelete", lambda: listing(FunctionName=fn))
        r.check("delete_function_not_found", lambda: delete(FunctionName=fn))
        r.check("delete_function_doesnotexist", lambda: delete(FunctionName="doesnotexist"))
        r.check("list_function_doesnotexist", lambda: lam.list_function_event_invoke_configs(
            FunctionName="doesnotexist"))
        r.check("get_function_doesnotexist", lambda: get(FunctionName="doesnotexist"))
        r.check("get_qualifier_doesnotexist", lambda: get(FunctionName=fn, Qualifier="doesnotexist"))
        r.check("update_eventinvokeconfig_function_doesnotexist", lambda: update(
            FunctionName="doesnotexist", MaximumRetryAttempts=0))
        r.check("get_eventinvokeconfig_doesnotexist", lambda: get(FunctionName=alias_arn))
        r.check("update_eventinvokeconfig_config_doesnotexist_with_qualifier", lambda: update(
            FunctionName=alias_arn, MaximumRetryAttempts=0))
        r.check("update_eventinvokeconfig_config_doesnotexist_without_qualifier", lambda: update(
            FunctionName=fn_arn, MaximumRetryAttempts=0))


# --------------------------------------------------------------------------------------------
# Nothing silently forgotten

def test_every_recorded_label_is_replayed_or_listed():
    assert SNAPSHOT, "no recorded test of %s was selected" % SNAPSHOT_FILE
    check_every_label(SNAPSHOT, NOT_REPLAYED, globals())
