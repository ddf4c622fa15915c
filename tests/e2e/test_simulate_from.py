"""`headroom simulate --from`: a what-if on a live setup. The server's configuration (limit,
unreserved minimum, RC, PC per qualifier) is the starting point and the workload file adds
traffic; a saved GET /_headroom/state dump gives the same result as the live URL."""
import json
import os
import subprocess
import tempfile
import urllib.request

from conftest import BINARY
from invoke_helpers import client, new_account
from test_invoke_simulated import create, wait_ready


def simulate(workload, source, out):
    subprocess.run([BINARY, "simulate", workload, "--from", source, "--out", out], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)


def test_simulate_from_a_running_server_and_from_its_saved_state(headroom):
    account = new_account()
    lam = client(headroom, account)
    a = create(lam)
    lam.put_function_concurrency(FunctionName=a, ReservedConcurrentExecutions=400)
    c = create(lam, publish=True, timeout=120)  # its invocations outlast the spike (the live Timeout applies)
    lam.create_alias(FunctionName=c, Name="live", FunctionVersion="1")
    lam.put_provisioned_concurrency_config(FunctionName=c, Qualifier="live", ProvisionedConcurrentExecutions=100)
    wait_ready(lam, headroom, c, "live")
    with tempfile.TemporaryDirectory() as tmp:
        workload = os.path.join(tmp, "what-if.yaml")
        with open(workload, "w") as f:
            # A new function with a spike bigger than what the live setup leaves unreserved
            # (1,000 - 400 - 100 = 500), and traffic for the live provisioned function.
            f.write("account: {id: \"%s\"}\nlength: 30s\nfunctions:\n"
                    "  - name: spiky\n    duration: 1m\n    traffic: {spike: {at: 5s, count: 600}}\n"
                    "  - name: %s\n    duration: 1m\n    traffic: {spike: {at: 1s, count: 120}}\n" % (account, c))
        live = simulate(workload, headroom.url, os.path.join(tmp, "live"))
        assert live["account"]["limit_start"] == 1000
        assert live["account"]["allocated"] == 500
        by_name = {fn["name"]: fn for fn in live["functions"]}
        assert by_name[a]["reserved"] == 400 and by_name[a]["requests"] == 0
        assert by_name[c]["provisioned"] == 100 and by_name[c]["invoked"] == "live"
        assert by_name[c]["provisioned_starts"] == 100 and by_name[c]["spillover"] == 20
        # 20 spilled over into the unreserved pool, leaving 480 of its 500 for the spike.
        assert by_name["spiky"]["throttles_by_reason"] == {"ConcurrentInvocationLimitExceeded": 120}
        assert live["peak"]["claimed"] == 1000

        with urllib.request.urlopen(headroom.url + "/_headroom/state") as r:
            saved = os.path.join(tmp, "state.json")
            with open(saved, "wb") as f:
                f.write(r.read())
        from_file = simulate(workload, saved, os.path.join(tmp, "file"))
        assert from_file == live

        bad = subprocess.run([BINARY, "simulate", workload, "--from", os.path.join(tmp, "missing.json")],
                             capture_output=True, text=True)
        assert bad.returncode == 2
        assert "cannot read" in bad.stderr
