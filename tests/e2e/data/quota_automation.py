"""The automation of ../shared/spec/user-stories.md ("The automation they wire to it"): the
Lambda action of the 70 % ClaimedAccountConcurrency alarm. boto3 only; nothing in it knows
about headroom (the runtime gives boto3 its endpoint and credentials, as Lambda does).

1. Pages through ListRequestedServiceQuotaChangeHistoryByQuota(lambda, L-B99A9384); when a
   request is PENDING or CASE_OPENED it does not request another.
2. Otherwise reads GetServiceQuota(lambda, L-B99A9384) and requests ceil(current x (1 + P/100)),
   P from the environment variable INCREASE_PERCENT (default 10). Decimal arithmetic: in floats
   110 * 1.10 is 121.00000000000001, whose ceiling would be 122.
3. Sets its own reserved concurrency to 0 (context.function_name): later alarm invocations are
   throttled until a person runs DeleteFunctionConcurrency on it.

PAGE_SIZE (optional) is the page size of step 1's paginator.
"""
import os
from decimal import ROUND_CEILING, Decimal

import boto3

SERVICE_CODE = "lambda"
QUOTA_CODE = "L-B99A9384"
OPEN = ("PENDING", "CASE_OPENED")


def open_requests(quotas):
    paginator = quotas.get_paginator("list_requested_service_quota_change_history_by_quota")
    config = {"PageSize": int(os.environ["PAGE_SIZE"])} if os.environ.get("PAGE_SIZE") else {}
    found, pages = [], 0
    for page in paginator.paginate(ServiceCode=SERVICE_CODE, QuotaCode=QUOTA_CODE, PaginationConfig=config):
        pages += 1
        found += [r["Id"] for r in page["RequestedQuotas"] if r["Status"] in OPEN]
    return found, pages


def handler(event, context):
    quotas = boto3.client("service-quotas")
    lam = boto3.client("lambda")
    result = {"alarm": (event.get("alarmData") or {}).get("alarmName")}
    already_open, result["pages"] = open_requests(quotas)
    if already_open:
        print("quota increase already requested: %s" % ", ".join(already_open))
        result["skipped"] = already_open
    else:
        current = quotas.get_service_quota(ServiceCode=SERVICE_CODE, QuotaCode=QUOTA_CODE)["Quota"]["Value"]
        percent = Decimal(os.environ.get("INCREASE_PERCENT", "10"))
        desired = (Decimal(repr(current)) * (100 + percent) / 100).to_integral_value(rounding=ROUND_CEILING)
        requested = quotas.request_service_quota_increase(
            ServiceCode=SERVICE_CODE, QuotaCode=QUOTA_CODE, DesiredValue=float(desired))["RequestedQuota"]
        print("requested %s -> %s: %s %s" % (current, desired, requested["Id"], requested["Status"]))
        result["requested"] = {"Id": requested["Id"], "DesiredValue": requested["DesiredValue"],
                               "from": current}
    # The one-shot guard: no further runs until a person removes it.
    lam.put_function_concurrency(FunctionName=context.function_name, ReservedConcurrentExecutions=0)
    return result
