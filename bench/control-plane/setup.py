#!/usr/bin/env python3
"""setup.py: create the benchmark's function on a server through boto3 (bench/control-plane/run).

    setup.py URL FUNCTION [--moto]

CreateFunction (a tiny zip, python3.12, Handler h.h, Role arn:aws:iam::000000000000:role/r),
then PutFunctionConcurrency 5, so GetFunctionConcurrency answers 200 with a body. moto checks
that the role exists, so --moto creates it in moto's IAM first. Then it sends the two reads of
control_plane.lua once, with the same headers, and prints each status and body. Exits 1 unless
GetFunctionConcurrency is 200 with ReservedConcurrentExecutions 5.
"""
import io
import json
import sys
import urllib.error
import urllib.request
import zipfile

import boto3
from botocore.config import Config

ACCOUNT = "000000000000"
ROLE = "arn:aws:iam::%s:role/r" % ACCOUNT
HEADERS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20260101/us-east-1/lambda/aws4_request, "
                     "SignedHeaders=host;x-amz-date, Signature=00" % ACCOUNT,
    "X-Amz-Date": "20260101T000000Z",
}


def client(service, url):
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=ACCOUNT, aws_secret_access_key="anything",
                        config=Config(retries={"max_attempts": 1}))


def get(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=HEADERS), timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    url, function = sys.argv[1], sys.argv[2]
    if "--moto" in sys.argv[3:]:
        client("iam", url).create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as z:
        z.writestr("h.py", "def h(event, context):\n    return 1\n")
    lam = client("lambda", url)
    lam.create_function(FunctionName=function, Role=ROLE, Runtime="python3.12", Handler="h.h",
                        Code={"ZipFile": code.getvalue()})
    lam.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=5)

    gfc = get("%s/2019-09-30/functions/%s/concurrency" % (url, function))
    gas = get("%s/2016-08-19/account-settings" % url)
    for name, (status, body) in (("GetFunctionConcurrency", gfc), ("GetAccountSettings", gas)):
        print("  %-22s %d %s" % (name, status, " ".join(body.split())[:100]))
    ok = gfc[0] == 200 and json.loads(gfc[1]).get("ReservedConcurrentExecutions") == 5
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
