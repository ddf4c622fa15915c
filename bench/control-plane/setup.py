#!/usr/bin/env python3
"""setup.py: create the benchmark's function on a server through boto3 (bench/control-plane/run).

    setup.py URL FUNCTION [--moto]

CreateFunction (a tiny zip, python3.12, Handler h.h, Role arn:aws:iam::000000000000:role/r),
then PutFunctionConcurrency 5, so GetFunctionConcurrency answers 200 with a body. moto checks
that the role exists, so --moto creates it in moto's IAM first. Then it sends the two reads of
control_plane.lua once, with the same headers, and prints each status and body. Exits 1 unless
GetFunctionConcurrency is 200 with ReservedConcurrentExecutions 5. The client, the headers and
the zip come from ../benchlib.py, shared with bench/invoke.
"""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchlib import HEADERS, ROLE, client, moto_role, zip_bytes  # noqa: E402


def get(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=HEADERS), timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def main():
    url, function = sys.argv[1], sys.argv[2]
    if "--moto" in sys.argv[3:]:
        moto_role(url)
    lam = client("lambda", url)
    lam.create_function(FunctionName=function, Role=ROLE, Runtime="python3.12", Handler="h.h",
                        Code={"ZipFile": zip_bytes({"h.py": "def h(event, context):\n    return 1\n"})})
    lam.put_function_concurrency(FunctionName=function, ReservedConcurrentExecutions=5)

    gfc = get("%s/2019-09-30/functions/%s/concurrency" % (url, function))
    gas = get("%s/2016-08-19/account-settings" % url)
    for name, (status, body) in (("GetFunctionConcurrency", gfc), ("GetAccountSettings", gas)):
        print("  %-22s %d %s" % (name, status, " ".join(body.split())[:100]))
    ok = gfc[0] == 200 and json.loads(gfc[1]).get("ReservedConcurrentExecutions") == 5
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
