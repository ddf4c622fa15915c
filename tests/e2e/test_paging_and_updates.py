"""Paging with boto3's paginators, and configuration/code updates."""
import io
import uuid
import zipfile

from test_concurrency import create


def zip_with(text):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("handler.py", text)
    return buf.getvalue()


def test_paginate_many_provisioned_configs(headroom):
    lam = headroom.client(account="333333333333")
    name, _ = create(lam)
    for i in range(60):
        v = lam.update_function_code(FunctionName=name, ZipFile=zip_with("# %d\n" % i), Publish=True)
        assert v["Version"] == str(i + 1)
        lam.put_provisioned_concurrency_config(
            FunctionName=name, Qualifier=v["Version"], ProvisionedConcurrentExecutions=1)
    pages = list(lam.get_paginator("list_provisioned_concurrency_configs").paginate(
        FunctionName=name, PaginationConfig={"PageSize": 7}))
    assert len(pages) == 9
    arns = [c["FunctionArn"] for p in pages for c in p["ProvisionedConcurrencyConfigs"]]
    assert len(arns) == 60 and len(set(arns)) == 60
    assert "NextMarker" not in pages[-1]
    versions = [v["Version"] for p in lam.get_paginator("list_versions_by_function").paginate(
        FunctionName=name, PaginationConfig={"PageSize": 25}) for v in p["Versions"]]
    assert versions == ["$LATEST"] + [str(i) for i in range(1, 61)]
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 940


def test_publish_only_when_something_changed(lam):
    name, _ = create(lam)
    first = lam.publish_version(FunctionName=name)
    again = lam.publish_version(FunctionName=name)
    assert first["Version"] == again["Version"] == "1"
    lam.update_function_configuration(FunctionName=name, Timeout=15, Environment={"Variables": {"ABC": "1"}})
    changed = lam.get_function_configuration(FunctionName=name)
    assert changed["Timeout"] == 15 and changed["Environment"]["Variables"] == {"ABC": "1"}
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    assert lam.get_function_configuration(FunctionName=name, Qualifier="1")["Timeout"] == 3


def test_list_functions_pages_and_all_versions(headroom):
    lam = headroom.client(account="444444444444")
    names = sorted(create(lam, publish=True)[0] for _ in range(5))
    listed = [f["FunctionName"] for p in lam.get_paginator("list_functions").paginate(
        PaginationConfig={"PageSize": 2}) for f in p["Functions"]]
    assert listed == names
    everything = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert len(everything) == 10
    assert {f["FunctionArn"].rsplit(":", 1)[1] for f in everything} == {"$LATEST", "1"}
