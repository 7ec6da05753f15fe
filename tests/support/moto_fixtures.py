"""Creates the AWS resources the `aws` feature tests sign with, on the local moto_server
named by AWS_ENDPOINT_URL (dummy credentials from the environment), and prints them as
one JSON object.

usage: moto_fixtures.py OUT_DIR RSA_PEM EC_PEM
  creates: KMS keys RSA_2048 and ECC_NIST_P256 (SIGN_VERIFY) with aliases
  alias/cf-rsa and alias/cf-ec, an RSA_4096 key and an ENCRYPT_DECRYPT key (for the
  refusals), Secrets Manager secrets cf/pem (RSA_PEM) and cf/pem-b64 (its base64), and
  SecureString parameters /cf/pem (EC_PEM) and /cf/pem-b64 (its base64); writes each KMS
  key's public key (GetPublicKey, as PEM) to OUT_DIR/<alias>.pub.pem.
"""
import base64
import json
import os
import sys

import boto3

out_dir, rsa_pem_path, ec_pem_path = sys.argv[1:4]
endpoint = os.environ["AWS_ENDPOINT_URL"]
assert endpoint.startswith("http://127.0.0.1:"), endpoint
kms = boto3.client("kms", endpoint_url=endpoint)
sm = boto3.client("secretsmanager", endpoint_url=endpoint)
ssm = boto3.client("ssm", endpoint_url=endpoint)


def pem(der):
    b64 = base64.b64encode(der).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN PUBLIC KEY-----\n" + "\n".join(lines) + "\n-----END PUBLIC KEY-----\n"


result = {}
for name, spec, usage in [
    ("cf-rsa", "RSA_2048", "SIGN_VERIFY"),
    ("cf-ec", "ECC_NIST_P256", "SIGN_VERIFY"),
    ("cf-rsa4096", "RSA_4096", "SIGN_VERIFY"),
    ("cf-encrypt", "RSA_2048", "ENCRYPT_DECRYPT"),
]:
    key_id = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/" + name, TargetKeyId=key_id)
    result[name] = key_id
    public = kms.get_public_key(KeyId=key_id)["PublicKey"]
    with open(os.path.join(out_dir, name + ".pub.pem"), "w") as f:
        f.write(pem(public))

rsa_pem = open(rsa_pem_path).read()
ec_pem = open(ec_pem_path).read()
sm.create_secret(Name="cf/pem", SecretString=rsa_pem)
sm.create_secret(Name="cf/pem-b64", SecretString=base64.b64encode(rsa_pem.encode()).decode())
ssm.put_parameter(Name="/cf/pem", Value=ec_pem, Type="SecureString")
ssm.put_parameter(Name="/cf/pem-b64", Value=base64.b64encode(ec_pem.encode()).decode(), Type="SecureString")
print(json.dumps(result))
