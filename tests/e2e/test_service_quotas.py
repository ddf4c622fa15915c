"""Service Quotas for Lambda end to end through boto3 (spec §5, issue 6 "The Service Quotas API"):
reading quotas and their AWS defaults, ListServices, increase requests and their history (boto3's
paginators, Status filters), AWS's errors, the request lifecycle under each approval policy
(--quota-approval manual | auto | ceiling | deny), what an approval changes (GetServiceQuota,
GetAccountSettings, admission, SERVICE_QUOTA() in GetMetricData), persistence across SIGKILL,
and `headroom quota list|approve|deny|close` against a running server.

Servers run on the manual clock: a request's delays (--quota-case-delay, --quota-approval-delay)
pass when the test advances it. boto3 1.26 (Debian) has no SupportCaseAllowed in its model yet;
there the member is added to the JSON body on the wire (see `request`), so both stacks send the
same request.

AWS's texts cited: "The request failed because the specified service does not exist." (aws-cli
issue #4569, ListAWSDefaultServiceQuotas), the aws-cli examples of request-service-quota-increase
and get-requested-service-quota-change (Requester's format, CaseId once CASE_OPENED), and the
API reference of SupportCaseAllowed: "If you set the flag to False, AWS does not open a support
case and updates the request status to Not approved."
"""
import datetime
import json
import shutil
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import BINARY, Headroom
from cloudwatch_helpers import USER_STORY_QUERIES, aws, create_simulated, error_of, results_by_id, server_now, settle, window
from invoke_helpers import new_account
from test_cloudwatch_alarms import client_fields

CONCURRENCY = "L-B99A9384"
STORAGE = "L-2ACBD22F"
ENIS = "L-9FEE3D26"
OPEN = ("PENDING", "CASE_OPENED")

# The Lambda quotas with AWS's defaults (Service Quotas console / Lambda quotas page).
LAMBDA_QUOTAS = {
    STORAGE: ("Function and layer storage", 75.0, "Gigabytes"),
    ENIS: ("Elastic network interfaces per VPC", 500.0, "None"),
    CONCURRENCY: ("Concurrent executions", 1000.0, "None"),
}


# ---- servers, one per approval policy ------------------------------------------------------------

def start(*args, data_dir=None):
    return Headroom("--account-limit", "10", "--unreserved-min", "0", *args, data_dir=data_dir)


def finish(server):
    assert server.stop() == 0
    shutil.rmtree(server.data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def manual():
    server = start("--quota-approval", "manual", "--quota-case-delay", "2s")
    yield server
    finish(server)


@pytest.fixture(scope="module")
def auto():
    server = start("--quota-approval", "auto", "--quota-case-delay", "2s", "--quota-approval-delay", "3s")
    yield server
    finish(server)


@pytest.fixture(scope="module")
def ceiling():
    server = start("--quota-approval", "ceiling", "--quota-approval-ceiling", "50",
                   "--quota-case-delay", "1s", "--quota-approval-delay", "2s")
    yield server
    finish(server)


@pytest.fixture(scope="module")
def deny():
    server = start("--quota-approval", "deny", "--quota-case-delay", "1s", "--quota-approval-delay", "2s")
    yield server
    finish(server)


@pytest.fixture
def sq(manual, account):
    return aws(manual, "service-quotas", account)


# ---- helpers ----------------------------------------------------------------------------------------

def request(sq, desired, code=CONCURRENCY, service="lambda", case_allowed=None):
    """RequestServiceQuotaIncrease. case_allowed: SupportCaseAllowed, sent as a request member
    when this boto3 knows it, else added to the JSON body before the call is sent."""
    kwargs = dict(ServiceCode=service, QuotaCode=code, DesiredValue=desired)
    if case_allowed is None:
        return sq.request_service_quota_increase(**kwargs)["RequestedQuota"]
    if "SupportCaseAllowed" in client_fields(sq, "RequestServiceQuotaIncreaseRequest"):
        return sq.request_service_quota_increase(SupportCaseAllowed=case_allowed, **kwargs)["RequestedQuota"]

    def add_member(params, **_):
        body = json.loads(params["body"])
        body["SupportCaseAllowed"] = case_allowed
        params["body"] = json.dumps(body).encode()

    event = "before-call.service-quotas.RequestServiceQuotaIncrease"
    sq.meta.events.register(event, add_member, unique_id="support-case-allowed")
    try:
        return sq.request_service_quota_increase(**kwargs)["RequestedQuota"]
    finally:
        sq.meta.events.unregister(event, unique_id="support-case-allowed")


def get(sq, request_id):
    return sq.get_requested_service_quota_change(RequestId=request_id)["RequestedQuota"]


def value(sq, code=CONCURRENCY):
    return sq.get_service_quota(ServiceCode="lambda", QuotaCode=code)["Quota"]["Value"]


def step(server, seconds):
    server.advance(seconds)
    settle()


def wait_status(sq, request_id, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        got = get(sq, request_id)
        if got["Status"] == want:
            return got
        assert time.monotonic() < deadline, "request %s is %s, expected %s" % (request_id, got["Status"], want)
        time.sleep(0.02)


def decide(server, request_id, verb):
    return server.admin("POST", "/_headroom/quota/requests/%s/%s" % (request_id, verb))


def epoch(t):
    return round(t.timestamp(), 3)


def seconds_between(earlier, later):
    return pytest.approx((later - earlier).total_seconds(), abs=1e-3)


def fails(call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    return error_of(e)


def history_ids(pages):
    return [[r["Id"] for r in p["RequestedQuotas"]] for p in pages]


# ---- reading quotas ---------------------------------------------------------------------------------

def test_get_service_quota_is_the_accounts_applied_concurrency(sq, account):
    q = sq.get_service_quota(ServiceCode="lambda", QuotaCode=CONCURRENCY)["Quota"]
    expected = {
        "ServiceCode": "lambda", "ServiceName": "AWS Lambda",
        "QuotaArn": "arn:aws:servicequotas:us-east-1:%s:lambda/%s" % (account, CONCURRENCY),
        "QuotaCode": CONCURRENCY, "QuotaName": "Concurrent executions",
        "Value": 10.0,  # the server's --account-limit, not AWS's default
        "Unit": "None", "Adjustable": True, "GlobalQuota": False,
        "UsageMetric": {"MetricNamespace": "AWS/Lambda", "MetricName": "ConcurrentExecutions",
                        "MetricDimensions": {}, "MetricStatisticRecommendation": "Maximum"},
        "QuotaAppliedAtLevel": "ACCOUNT"}
    known = client_fields(sq, "ServiceQuota")
    assert q == {k: v for k, v in expected.items() if k in known}, q
    default = sq.get_aws_default_service_quota(ServiceCode="lambda", QuotaCode=CONCURRENCY)["Quota"]
    assert default["Value"] == 1000.0
    assert {k: v for k, v in default.items() if k not in ("Value", "QuotaArn")} == {
        k: v for k, v in q.items() if k not in ("Value", "QuotaArn")}


def test_get_service_quota_of_every_listed_lambda_quota(sq):
    for code, (name, default, unit) in LAMBDA_QUOTAS.items():
        for call in (sq.get_service_quota, sq.get_aws_default_service_quota):
            q = call(ServiceCode="lambda", QuotaCode=code)["Quota"]
            assert (q["QuotaCode"], q["QuotaName"], q["Unit"], q["Adjustable"]) == (code, name, unit, True), q
            if call == sq.get_aws_default_service_quota or code != CONCURRENCY:
                assert q["Value"] == default, q


def test_list_service_quotas_and_defaults_page_with_boto3s_paginators(sq, account):
    for op, get_one in (("list_service_quotas", sq.get_service_quota),
                        ("list_aws_default_service_quotas", sq.get_aws_default_service_quota)):
        whole = getattr(sq, op)(ServiceCode="lambda")
        assert "NextToken" not in whole
        quotas = {q["QuotaCode"]: q for q in whole["Quotas"]}
        assert set(LAMBDA_QUOTAS) <= set(quotas), sorted(quotas)
        for code, (name, default, unit) in LAMBDA_QUOTAS.items():
            assert (quotas[code]["QuotaName"], quotas[code]["Unit"]) == (name, unit)
            want = 10.0 if (op == "list_service_quotas" and code == CONCURRENCY) else default
            assert quotas[code]["Value"] == want, (op, quotas[code])
            assert quotas[code] == get_one(ServiceCode="lambda", QuotaCode=code)["Quota"]
        pages = list(sq.get_paginator(op).paginate(ServiceCode="lambda", PaginationConfig={"PageSize": 1}))
        assert [len(p["Quotas"]) for p in pages] == [1] * len(whole["Quotas"]), pages
        assert all(p.get("NextToken") for p in pages[:-1]) and not pages[-1].get("NextToken")
        assert [q for p in pages for q in p["Quotas"]] == whole["Quotas"]
        two = sq.get_paginator(op).paginate(ServiceCode="lambda",
                                            PaginationConfig={"PageSize": 1, "MaxItems": 2}).build_full_result()
        assert two["Quotas"] == whole["Quotas"][:2] and two.get("NextToken")


def test_list_services(sq):
    services = sq.list_services()["Services"]
    assert {"ServiceCode": "lambda", "ServiceName": "AWS Lambda"} in services
    paged = sq.get_paginator("list_services").paginate(PaginationConfig={"PageSize": 1}).build_full_result()
    assert paged["Services"] == services


# ---- errors -----------------------------------------------------------------------------------------

NO_SERVICE = "The request failed because the specified service does not exist."


@pytest.mark.parametrize("op,kwargs", [
    ("get_service_quota", dict(ServiceCode="lambdaa", QuotaCode=CONCURRENCY)),
    ("get_aws_default_service_quota", dict(ServiceCode="Lambda", QuotaCode=CONCURRENCY)),
    ("list_service_quotas", dict(ServiceCode="nosuchservice")),
    ("list_aws_default_service_quotas", dict(ServiceCode="EC2")),
    ("request_service_quota_increase", dict(ServiceCode="nosuchservice", QuotaCode=CONCURRENCY, DesiredValue=20)),
    ("list_requested_service_quota_change_history_by_quota", dict(ServiceCode="nosuchservice", QuotaCode=CONCURRENCY)),
])
def test_unknown_service_is_no_such_resource(sq, op, kwargs):
    code, message, status = fails(getattr(sq, op), **kwargs)
    assert (code, status) == ("NoSuchResourceException", 400), (code, message)
    # AWS's text (aws-cli#4569); headroom appends " Service code: X" (reported, not asserted).
    assert message.startswith(NO_SERVICE), message


@pytest.mark.parametrize("op,kwargs", [
    ("get_service_quota", dict(ServiceCode="lambda", QuotaCode="L-00000000")),
    ("get_aws_default_service_quota", dict(ServiceCode="lambda", QuotaCode="L-b99a9384")),
    ("request_service_quota_increase", dict(ServiceCode="lambda", QuotaCode="L-00000000", DesiredValue=20)),
    ("list_requested_service_quota_change_history_by_quota", dict(ServiceCode="lambda", QuotaCode="L-00000000")),
])
def test_unknown_quota_is_no_such_resource(sq, op, kwargs):
    code, message, status = fails(getattr(sq, op), **kwargs)
    assert (code, status) == ("NoSuchResourceException", 400), (code, message)
    assert message


def test_error_texts_are_aws(sq):
    """The texts and names AWS gives, where a capture exists; every difference at once."""
    differences = []
    _, message, _ = fails(sq.get_service_quota, ServiceCode="nosuchservice", QuotaCode=CONCURRENCY)
    if message != NO_SERVICE:  # aws-cli#4569
        differences.append("unknown service: %r, AWS %r" % (message, NO_SERVICE))
    # cloud-custodian#8939 (2023): "An error occurred (IllegalArgumentException) when calling the
    # RequestServiceQuotaIncrease operation: You must provide a quota value greater than the
    # current quota value"
    want = "You must provide a quota value greater than the current quota value"
    _, message, _ = fails(sq.request_service_quota_increase, ServiceCode="lambda", QuotaCode=CONCURRENCY,
                          DesiredValue=10)
    if message.rstrip(".") != want:
        differences.append("DesiredValue not above the current value: %r, AWS %r" % (message, want))
    # A model constraint (DesiredValue <= 1e10; MaxResults <= 100, which botocore does not check
    # on the client): JSON-protocol services name it ValidationException ("api error
    # ValidationException: 1 validation error detected: Value '100' at 'maxResults' failed to
    # satisfy constraint", SSM, JSON 1.1: flanksource/config-db#35); ValidationError is the
    # query protocol's name (IAM, CloudWatch).
    for op, kwargs in (("request_service_quota_increase",
                        dict(ServiceCode="lambda", QuotaCode=CONCURRENCY, DesiredValue=2e10)),
                       ("list_requested_service_quota_change_history", dict(MaxResults=101))):
        code, message, status = fails(getattr(sq, op), **kwargs)
        assert status == 400 and message.startswith("1 validation error detected: "), (op, code, message)
        if code != "ValidationException":
            differences.append("%s(%s): %s %r, AWS ValidationException" % (op, kwargs, code, message))
    if differences:
        pytest.fail("differences from AWS:\n" + "\n".join(differences))


def test_desired_value_must_be_above_the_applied_value(manual, sq, account):
    for desired in (10, 9, 0):
        code, message, status = fails(sq.request_service_quota_increase, ServiceCode="lambda",
                                      QuotaCode=CONCURRENCY, DesiredValue=desired)
        assert (code, status) == ("IllegalArgumentException", 400), (desired, code, message)
    code, _, _ = fails(sq.request_service_quota_increase, ServiceCode="lambda", QuotaCode=STORAGE, DesiredValue=75)
    assert code == "IllegalArgumentException"
    assert sq.list_requested_service_quota_change_history()["RequestedQuotas"] == []
    # Above the applied value (10) but below AWS's default (1,000) is an increase.
    r = request(sq, 11)
    assert r["Status"] == "PENDING"
    decide(manual, r["Id"], "approve")
    code, _, _ = fails(sq.request_service_quota_increase, ServiceCode="lambda", QuotaCode=CONCURRENCY, DesiredValue=11)
    assert code == "IllegalArgumentException"  # now measured against 11


def test_an_open_request_refuses_another_for_that_quota(manual, sq):
    first = request(sq, 20)
    for status in OPEN:
        if status == "CASE_OPENED":
            step(manual, 2)
            wait_status(sq, first["Id"], "CASE_OPENED")
        code, message, http = fails(sq.request_service_quota_increase, ServiceCode="lambda",
                                    QuotaCode=CONCURRENCY, DesiredValue=30)
        assert (code, http) == ("ResourceAlreadyExistsException", 400), (status, code, message)
    # Another quota of the account, and the same quota in another account, are not affected.
    other = request(sq, 100, code=STORAGE)
    assert other["Status"] == "PENDING"
    assert request(aws(manual, "service-quotas", new_account()), 20)["Status"] == "PENDING"
    # Once the request is closed, a new one is accepted.
    assert decide(manual, first["Id"], "close")[0] == 200
    assert request(sq, 30)["Status"] == "PENDING"
    [open_one] = [r for r in sq.list_requested_service_quota_change_history_by_quota(
        ServiceCode="lambda", QuotaCode=CONCURRENCY)["RequestedQuotas"] if r["Status"] in OPEN]
    assert open_one["DesiredValue"] == 30.0


def test_unknown_request_id_and_another_accounts_request(manual, sq):
    code, _, status = fails(sq.get_requested_service_quota_change, RequestId="0" * 32)
    assert (code, status) == ("NoSuchResourceException", 400)
    mine = request(sq, 20)
    other = aws(manual, "service-quotas", new_account())
    code, _, _ = fails(other.get_requested_service_quota_change, RequestId=mine["Id"])
    assert code == "NoSuchResourceException"
    assert other.list_requested_service_quota_change_history()["RequestedQuotas"] == []


def test_bad_pagination_token(sq):
    request(sq, 20)
    # Matches the model's pattern (base64 alphabet) but is no token the server gave.
    for op, kwargs in (("list_requested_service_quota_change_history", {}),
                       ("list_requested_service_quota_change_history_by_quota",
                        dict(ServiceCode="lambda", QuotaCode=CONCURRENCY)),
                       ("list_service_quotas", dict(ServiceCode="lambda"))):
        code, _, status = fails(getattr(sq, op), NextToken="AAAA", **kwargs)
        assert (code, status) == ("InvalidPaginationTokenException", 400), (op, code)


# ---- requests and their history ------------------------------------------------------------------------

def test_request_and_get_requested_change(manual, sq, account):
    before = server_now(manual)
    r = request(sq, 25)
    expected = {
        "ServiceCode": "lambda", "ServiceName": "AWS Lambda", "QuotaCode": CONCURRENCY,
        "QuotaName": "Concurrent executions", "DesiredValue": 25.0, "Status": "PENDING",
        "Requester": json.dumps({"accountId": account, "callerArn": "arn:aws:iam::%s:root" % account},
                                separators=(",", ":")),
        "QuotaArn": "arn:aws:servicequotas:us-east-1:%s:lambda/%s" % (account, CONCURRENCY),
        "GlobalQuota": False, "Unit": "None", "QuotaRequestedAtLevel": "ACCOUNT"}
    known = client_fields(sq, "RequestedServiceQuotaChange")
    for key, want in expected.items():
        if key in known:
            assert r[key] == want, (key, r)
    assert "CaseId" not in r  # no case yet (aws-cli example: a PENDING request has none)
    assert len(r["Id"]) >= 32 and r["Id"].isalnum(), r["Id"]
    assert isinstance(r["Created"], datetime.datetime)
    assert epoch(before) <= epoch(r["Created"]) <= epoch(server_now(manual))
    assert get(sq, r["Id"]) == r
    # PENDING until --quota-case-delay (2 s) has passed, then CASE_OPENED with a case number.
    step(manual, 1.9)
    assert get(sq, r["Id"])["Status"] == "PENDING"
    step(manual, 0.1)
    opened = wait_status(sq, r["Id"], "CASE_OPENED")
    assert opened["CaseId"].isdigit(), opened
    assert seconds_between(r["Created"], opened["LastUpdated"]) == 2.0
    assert opened["Created"] == r["Created"]
    # The manual policy leaves it there: a day later it is still open.
    step(manual, 86400)
    assert get(sq, r["Id"]) == opened
    assert value(sq) == 10.0


def test_history_pages_with_boto3s_paginators_and_filters_by_status(manual, sq):
    # Three requests refused at once (no case allowed under the manual policy), one open
    # request for concurrency, one for storage.
    refused = [request(sq, 20 + i, case_allowed=False) for i in range(3)]
    assert [r["Status"] for r in refused] == ["NOT_APPROVED"] * 3
    open_one = request(sq, 40)
    storage = request(sq, 80, code=STORAGE)
    everything = sq.list_requested_service_quota_change_history()
    assert "NextToken" not in everything
    listed = everything["RequestedQuotas"]
    assert sorted(r["Id"] for r in listed) == sorted(r["Id"] for r in refused + [open_one, storage])
    assert sq.list_requested_service_quota_change_history(ServiceCode="lambda")["RequestedQuotas"] == listed
    for r in listed:
        assert r == get(sq, r["Id"])

    def paged(op, page_size=1, **kwargs):
        pages = list(sq.get_paginator(op).paginate(PaginationConfig={"PageSize": page_size}, **kwargs))
        assert all(p.get("NextToken") for p in pages[:-1]) and not pages[-1].get("NextToken"), pages
        return pages

    pages = paged("list_requested_service_quota_change_history")
    assert [len(p["RequestedQuotas"]) for p in pages] == [1] * 5
    assert [r for p in pages for r in p["RequestedQuotas"]] == listed  # the same order, paged
    by_quota = sq.list_requested_service_quota_change_history_by_quota(ServiceCode="lambda", QuotaCode=CONCURRENCY)
    concurrency = [r for r in listed if r["QuotaCode"] == CONCURRENCY]
    assert by_quota["RequestedQuotas"] == concurrency and len(concurrency) == 4
    pages = paged("list_requested_service_quota_change_history_by_quota", ServiceCode="lambda", QuotaCode=CONCURRENCY)
    assert history_ids(pages) == [[r["Id"]] for r in concurrency]
    pages = paged("list_requested_service_quota_change_history_by_quota", page_size=3,
                  ServiceCode="lambda", QuotaCode=CONCURRENCY)
    assert [len(p["RequestedQuotas"]) for p in pages] == [3, 1]
    # Status filters, paged.
    for status, want in (("NOT_APPROVED", refused), ("PENDING", [open_one]), ("APPROVED", [])):
        full = sq.get_paginator("list_requested_service_quota_change_history_by_quota").paginate(
            ServiceCode="lambda", QuotaCode=CONCURRENCY, Status=status,
            PaginationConfig={"PageSize": 1}).build_full_result()
        assert sorted(r["Id"] for r in full["RequestedQuotas"]) == sorted(r["Id"] for r in want), status
    full = sq.get_paginator("list_requested_service_quota_change_history").paginate(
        Status="PENDING", PaginationConfig={"PageSize": 1}).build_full_result()
    assert sorted(r["Id"] for r in full["RequestedQuotas"]) == sorted([open_one["Id"], storage["Id"]])
    step(manual, 2)
    wait_status(sq, open_one["Id"], "CASE_OPENED")
    wait_status(sq, storage["Id"], "CASE_OPENED")
    opened = sq.list_requested_service_quota_change_history(Status="CASE_OPENED")["RequestedQuotas"]
    assert sorted(r["Id"] for r in opened) == sorted([open_one["Id"], storage["Id"]])
    assert sq.list_requested_service_quota_change_history(Status="PENDING")["RequestedQuotas"] == []
    two = sq.get_paginator("list_requested_service_quota_change_history").paginate(
        PaginationConfig={"PageSize": 1, "MaxItems": 2}).build_full_result()
    assert [r["Id"] for r in two["RequestedQuotas"]] == [r["Id"] for r in listed[:2]] and two.get("NextToken")


# ---- the lifecycle under each policy ----------------------------------------------------------------

def test_manual_approval_raises_the_quota_everywhere(manual, account):
    sq, lam, cw = (aws(manual, s, account) for s in ("service-quotas", "lambda", "cloudwatch"))
    fn = create_simulated(lam)
    # Admission before: RC above the account's limit (10) is refused.
    code, _, _ = fails(lam.put_function_concurrency, FunctionName=fn, ReservedConcurrentExecutions=15)
    assert code == "InvalidParameterValueException"
    r = request(sq, 20)
    step(manual, 2)
    opened = wait_status(sq, r["Id"], "CASE_OPENED")
    assert value(sq) == 10.0
    status, body = decide(manual, r["Id"], "approve")
    assert status == 200, body
    assert [x["Status"] for x in body if x["Id"] == r["Id"]] == ["APPROVED"]
    approved = get(sq, r["Id"])
    assert approved["Status"] == "APPROVED" and approved["CaseId"] == opened["CaseId"]
    assert seconds_between(approved["LastUpdated"], server_now(manual)) == 0.0
    # At once: Service Quotas, Lambda's account settings, admission.
    assert value(sq) == 20.0
    assert sq.get_aws_default_service_quota(ServiceCode="lambda", QuotaCode=CONCURRENCY)["Quota"]["Value"] == 1000.0
    assert {q["QuotaCode"]: q["Value"] for q in sq.list_service_quotas(ServiceCode="lambda")["Quotas"]}[
        CONCURRENCY] == 20.0
    limit = lam.get_account_settings()["AccountLimit"]
    assert (limit["ConcurrentExecutions"], limit["UnreservedConcurrentExecutions"]) == (20, 20)
    lam.put_function_concurrency(FunctionName=fn, ReservedConcurrentExecutions=15)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 5
    # SERVICE_QUOTA() in GetMetricData: the user story's queries, once the pool has been sampled.
    step(manual, 2)
    deadline = time.monotonic() + 5
    while True:
        start_time, end_time = window(manual)
        got = results_by_id(cw.get_metric_data(MetricDataQueries=USER_STORY_QUERIES,
                                                StartTime=start_time, EndTime=end_time))
        if got["m2"]["Values"][:1] == [15.0]:
            break
        assert time.monotonic() < deadline, got
        time.sleep(0.05)
    assert got["e1"]["Values"] and set(got["e1"]["Values"]) == {20.0}, got["e1"]
    assert got["e2"]["Values"][0] == pytest.approx(75.0)
    assert got["e5"]["Values"][0] == 5.0
    # A decided request cannot be decided again.
    for verb in ("approve", "deny", "close"):
        status, body = decide(manual, r["Id"], verb)
        assert status == 400, (verb, body)
    assert decide(manual, "0" * 32, "approve")[0] == 404
    assert decide(manual, r["Id"], "bless")[0] in (400, 404)


@pytest.mark.parametrize("verb,final", [("deny", "DENIED"), ("close", "CASE_CLOSED")])
def test_manual_deny_and_close_leave_the_quota(manual, sq, verb, final):
    r = request(sq, 20)
    if verb == "close":
        step(manual, 2)
        wait_status(sq, r["Id"], "CASE_OPENED")
    # (deny straight from PENDING: the operator decides whenever they like)
    status, body = decide(manual, r["Id"], verb)
    assert status == 200, body
    assert get(sq, r["Id"])["Status"] == final
    step(manual, 3600)
    assert get(sq, r["Id"])["Status"] == final
    assert value(sq) == 10.0
    assert request(sq, 20)["Status"] == "PENDING"  # no longer open: a new request may follow


def test_manual_without_support_case_is_not_approved_at_once(manual, sq):
    r = request(sq, 20, case_allowed=False)
    assert r["Status"] == "NOT_APPROVED" and "CaseId" not in r
    assert get(sq, r["Id"]) == r
    step(manual, 3600)
    assert get(sq, r["Id"])["Status"] == "NOT_APPROVED"
    assert decide(manual, r["Id"], "approve")[0] == 400
    assert value(sq) == 10.0
    assert request(sq, 20, case_allowed=True)["Status"] == "PENDING"


def test_auto_approves_after_the_delays(auto, account):
    sq, lam = aws(auto, "service-quotas", account), aws(auto, "lambda", account)
    r = request(sq, 30)
    assert r["Status"] == "PENDING"
    step(auto, 1.9)
    assert get(sq, r["Id"])["Status"] == "PENDING"
    step(auto, 0.1)
    opened = wait_status(sq, r["Id"], "CASE_OPENED")
    step(auto, 2.9)
    assert get(sq, r["Id"])["Status"] == "CASE_OPENED" and value(sq) == 10.0
    step(auto, 0.1)
    approved = wait_status(sq, r["Id"], "APPROVED")
    assert seconds_between(opened["LastUpdated"], approved["LastUpdated"]) == 3.0
    assert value(sq) == 30.0
    assert lam.get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 30
    # Another quota is approved the same way and its applied value follows.
    s = request(sq, 100, code=STORAGE)
    step(auto, 2)
    wait_status(sq, s["Id"], "CASE_OPENED")
    step(auto, 3)
    wait_status(sq, s["Id"], "APPROVED")
    assert value(sq, STORAGE) == 100.0
    assert sq.get_aws_default_service_quota(ServiceCode="lambda", QuotaCode=STORAGE)["Quota"]["Value"] == 75.0


def test_auto_without_support_case_opens_no_case(auto, account):
    """The policy approves by itself, so no case is needed: the request is approved, and since
    SupportCaseAllowed is false "AWS does not open a support case" — it never is CASE_OPENED
    and has no CaseId."""
    sq = aws(auto, "service-quotas", account)
    r = request(sq, 20, case_allowed=False)
    assert r["Status"] == "PENDING"
    seen = []
    for _ in range(6):
        step(auto, 1)
        got = get(sq, r["Id"])
        seen.append((got["Status"], got.get("CaseId")))
    assert seen[-1][0] == "APPROVED" and value(sq) == 20.0, seen
    assert all(status != "CASE_OPENED" and case is None for status, case in seen), seen


def test_ceiling_approves_up_to_it_and_denies_above(ceiling, account):
    sq = aws(ceiling, "service-quotas", account)
    r = request(sq, 50)  # the ceiling itself
    step(ceiling, 1)
    wait_status(sq, r["Id"], "CASE_OPENED")
    step(ceiling, 2)
    wait_status(sq, r["Id"], "APPROVED")
    assert value(sq) == 50.0
    above = request(sq, 51)
    step(ceiling, 1)
    wait_status(sq, above["Id"], "CASE_OPENED")
    step(ceiling, 2)
    wait_status(sq, above["Id"], "DENIED")
    assert value(sq) == 50.0
    # Above the ceiling a case would be needed: without one, NOT_APPROVED at once.
    assert request(sq, 60, case_allowed=False)["Status"] == "NOT_APPROVED"
    # The ceiling applies to every account alike.
    other = aws(ceiling, "service-quotas", new_account())
    below = request(other, 40, case_allowed=False)
    step(ceiling, 1)
    step(ceiling, 2)
    wait_status(other, below["Id"], "APPROVED")
    assert value(other) == 40.0


def test_deny_denies_after_the_delays(deny, account):
    sq = aws(deny, "service-quotas", account)
    r = request(sq, 20)
    step(deny, 1)
    wait_status(sq, r["Id"], "CASE_OPENED")
    step(deny, 1.9)
    assert get(sq, r["Id"])["Status"] == "CASE_OPENED"
    step(deny, 0.1)
    wait_status(sq, r["Id"], "DENIED")
    assert value(sq) == 10.0
    assert aws(deny, "lambda", account).get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 10
    assert request(sq, 20, case_allowed=False)["Status"] == "NOT_APPROVED"


# ---- persistence ---------------------------------------------------------------------------------------

def test_requests_and_applied_values_survive_sigkill():
    args = ("--quota-approval", "manual", "--quota-case-delay", "2s")
    first = start(*args)
    account = new_account()
    servers = [first]
    try:
        sq = aws(first, "service-quotas", account)
        approved = request(sq, 20)
        step(first, 2)
        wait_status(sq, approved["Id"], "CASE_OPENED")
        assert decide(first, approved["Id"], "approve")[0] == 200
        storage = request(sq, 100, code=STORAGE)
        assert decide(first, storage["Id"], "approve")[0] == 200
        opened = request(sq, 30)
        step(first, 2)
        wait_status(sq, opened["Id"], "CASE_OPENED")
        refused = request(sq, 550, code=ENIS, case_allowed=False)
        pending = request(sq, 600, code=ENIS)
        before = sq.list_requested_service_quota_change_history()["RequestedQuotas"]
        assert [r["Status"] for r in before] == ["PENDING", "NOT_APPROVED", "CASE_OPENED", "APPROVED", "APPROVED"]
        first.kill()

        second = start(*args, data_dir=first.data_dir)
        servers.append(second)
        sq = aws(second, "service-quotas", account)
        assert sq.list_requested_service_quota_change_history()["RequestedQuotas"] == before
        assert value(sq) == 20.0  # the approved value, not --account-limit 10
        assert value(sq, STORAGE) == 100.0
        assert aws(second, "lambda", account).get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 20
        code, _, _ = fails(sq.request_service_quota_increase, ServiceCode="lambda", QuotaCode=CONCURRENCY,
                           DesiredValue=40)
        assert code == "ResourceAlreadyExistsException"  # the open request is still open
        # The pending request's timer is re-armed: it opens its case.
        step(second, 10)
        wait_status(sq, pending["Id"], "CASE_OPENED")
        assert get(sq, refused["Id"])["Status"] == "NOT_APPROVED"
        # Decisions after the restart are journaled too.
        assert decide(second, opened["Id"], "approve")[0] == 200
        assert value(sq) == 30.0
        after = sq.list_requested_service_quota_change_history()["RequestedQuotas"]
        second.kill()

        third = start(*args, data_dir=first.data_dir)
        servers.append(third)
        sq = aws(third, "service-quotas", account)
        assert sq.list_requested_service_quota_change_history()["RequestedQuotas"] == after
        assert value(sq) == 30.0
        assert aws(third, "lambda", account).get_account_settings()["AccountLimit"]["ConcurrentExecutions"] == 30
    finally:
        for s in servers:
            if s.proc.poll() is None:
                s.stop()
        shutil.rmtree(first.data_dir, ignore_errors=True)


# ---- the CLI ------------------------------------------------------------------------------------------------

def cli(*args):
    return subprocess.run([BINARY, "quota", *args], capture_output=True, text=True, timeout=30)


def test_headroom_quota_cli_lists_and_decides(manual, sq, account):
    r = request(sq, 20)
    other = request(sq, 100, code=STORAGE)
    listed = cli("list", "--endpoint", manual.url)
    assert listed.returncode == 0, listed.stderr
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["ID", "ACCOUNT", "REGION", "QUOTA", "DESIRED", "STATUS", "LAST", "UPDATED"]
    mine = {line.split()[0]: line.split() for line in rows if account in line}
    assert mine[r["Id"]][1:6] == [account, "us-east-1", CONCURRENCY, "20", "PENDING"]
    assert mine[other["Id"]][1:6] == [account, "us-east-1", STORAGE, "100", "PENDING"]

    approved = cli("approve", r["Id"], "--endpoint", manual.url)
    assert approved.returncode == 0, approved.stderr
    assert [l.split()[5] for l in approved.stdout.splitlines() if l.startswith(r["Id"])] == ["APPROVED"]
    assert get(sq, r["Id"])["Status"] == "APPROVED" and value(sq) == 20.0
    assert [l.split()[5] for l in cli("list", "--endpoint", manual.url).stdout.splitlines()
            if l.startswith(r["Id"])] == ["APPROVED"]
    denied = cli("deny", other["Id"], "--endpoint", manual.url)
    assert denied.returncode == 0 and get(sq, other["Id"])["Status"] == "DENIED", denied.stderr
    closing = request(sq, 30)
    assert cli("close", closing["Id"], "--endpoint", manual.url).returncode == 0
    assert get(sq, closing["Id"])["Status"] == "CASE_CLOSED"

    again = cli("approve", r["Id"], "--endpoint", manual.url)
    assert again.returncode == 1 and "APPROVED" in again.stderr, (again.returncode, again.stderr)
    unknown = cli("approve", "0" * 32, "--endpoint", manual.url)
    assert unknown.returncode == 1 and "404" in unknown.stderr, unknown.stderr
    assert cli("approve", "--endpoint", manual.url).returncode == 2  # no id
    assert cli("list", "--endpoint", "http://127.0.0.1:1").returncode == 2  # nothing listening
