"""benchlib.py: what the Python helpers under bench/ share (control-plane/setup.py, invoke/invoke.py).

They put bench/ on sys.path and import it:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import benchlib

ACCOUNT, ROLE   the account every request names (000000000000) and the execution role;
HEADERS         the SigV4-looking headers of the wrk scripts (signatures are not checked);
client(service, url)   a boto3 client for the server at url, one attempt per call;
moto_role(url)         creates ROLE in moto's IAM (moto checks that it exists);
zip_bytes(files)       a deployment package: {name: (bytes or str, unix mode)} or {name: text}.
"""
import io
import json
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
                        config=Config(retries={"total_max_attempts": 1}))


def moto_role(url):
    client("iam", url).create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": "lambda.amazonaws.com"}}]}))


def zip_bytes(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files.items():
            data, mode = content if isinstance(content, tuple) else (content, 0o644)
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()
