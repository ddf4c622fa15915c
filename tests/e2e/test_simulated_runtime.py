"""The simulated runtime's settings (server/simulated_runtime.h) through boto3: a function whose
Handler is headroom.simulated is created like any other, and its HEADROOM_SIM_* variables are
checked when it is created or reconfigured."""
import io
import uuid
import zipfile

import pytest
from botocore.exceptions import ClientError


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("README", "simulated: no code runs\n")
    return buf.getvalue()


def create(lam, variables):
    name = "sim-" + uuid.uuid4().hex[:10]
    return name, lam.create_function(
        FunctionName=name, Runtime="provided.al2023", Handler="headroom.simulated",
        Role="arn:aws:iam::000000000000:role/r", Code={"ZipFile": zip_bytes()},
        Environment={"Variables": variables})


def test_simulated_function_is_created_with_its_settings(lam):
    name, r = create(lam, {"HEADROOM_SIM_DURATION_MS": "250", "HEADROOM_SIM_INIT_MS": "100",
                           "HEADROOM_SIM_ERROR_RATE": "0.1", "HEADROOM_SIM_INIT_ERROR": "false"})
    assert r["Handler"] == "headroom.simulated"
    assert r["Environment"]["Variables"]["HEADROOM_SIM_DURATION_MS"] == "250"
    conf = lam.get_function_configuration(FunctionName=name)
    assert conf["State"] == "Active"


@pytest.mark.parametrize("variable,value,accepted", [
    ("HEADROOM_SIM_DURATION_MS", "soon", "a whole number of milliseconds from 0 to 900000"),
    ("HEADROOM_SIM_INIT_MS", "-5", "a whole number of milliseconds from 0 to 900000"),
    ("HEADROOM_SIM_ERROR_RATE", "1.5", "a number from 0 to 1"),
    ("HEADROOM_SIM_INIT_ERROR", "maybe", "true or false"),
])
def test_bad_settings_are_refused_on_create_and_update(lam, variable, value, accepted):
    message = "%s must be %s, not '%s'." % (variable, accepted, value)
    with pytest.raises(ClientError) as e:
        create(lam, {variable: value})
    r = e.value.response
    assert (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"]) == (
        400, "InvalidParameterValueException")
    assert r["message"] == message and r["Type"] == "User"

    name, _ = create(lam, {})
    with pytest.raises(ClientError) as e:
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": {variable: value}})
    assert e.value.response["message"] == message
    # The refused update changed nothing.
    assert lam.get_function_configuration(FunctionName=name)["Environment"] == {"Variables": {}}
