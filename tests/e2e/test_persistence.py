"""Every acknowledged control-plane write survives a restart, including SIGKILL."""
import threading
import time

from conftest import Headroom
from test_concurrency import create, wait_ready

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


def test_state_survives_sigkill_and_restart():
    first = Headroom()
    lam = first.client()
    name, _ = create(lam, publish=True)
    other, _ = create(lam)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=10)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="live",
                                           ProvisionedConcurrentExecutions=4)
    wait_ready(lam, name, "live", first)
    lam.update_function_configuration(FunctionName=other, Timeout=42)
    before = lam.get_function_configuration(FunctionName=name, Qualifier="1")
    first.kill()

    second = Headroom(data_dir=first.data_dir)
    try:
        lam = second.client()
        assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 10
        config = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="live")
        assert config["Status"] == "READY"  # a READY config stays READY
        assert config["AllocatedProvisionedConcurrentExecutions"] == 4
        after = lam.get_function_configuration(FunctionName=name, Qualifier="1")
        assert after["CodeSha256"] == before["CodeSha256"] and after["Version"] == "1"
        assert lam.get_function_configuration(FunctionName=other)["Timeout"] == 42
        assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 990
        assert lam.get_account_settings()["AccountUsage"]["FunctionCount"] == 2
    finally:
        second.stop()


def test_acknowledged_writes_survive_sigkill_mid_stream():
    server = Headroom()
    lam = server.client()
    names = [create(lam)[0] for _ in range(5)]
    acknowledged = {}
    in_flight = {}  # the write the kill interrupted may or may not have landed
    stop = threading.Event()

    def writer():
        value = 0
        while not stop.is_set():
            value += 1
            name = names[value % len(names)]
            in_flight[name] = value % 50
            try:
                lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=value % 50)
            except Exception:
                return  # the server died mid-request: not acknowledged
            acknowledged[name] = value % 50

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.5)
    server.kill()
    stop.set()
    thread.join(timeout=30)
    assert len(acknowledged) == len(names)

    restarted = Headroom(data_dir=server.data_dir)
    try:
        lam = restarted.client()
        for name, value in acknowledged.items():
            stored = lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"]
            assert stored in (value, in_flight[name]), (name, stored, value)
    finally:
        restarted.stop()
