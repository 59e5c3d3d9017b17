"""Copy the media bucket to a folder and back, for deploy/backup.sh and deploy/restore.sh.

    python deploy/s3sync.py download DIR      every object of the bucket into DIR/<key>
    python deploy/s3sync.py upload DIR        every file under DIR into the bucket as <key>
    python deploy/s3sync.py create-bucket     create the bucket if missing, readable by all

The bucket and its server come from the site's own settings (AWS_STORAGE_BUCKET_NAME,
AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ... in the environment), so an upload writes objects
exactly as the site does: public, with a year of caching. Existing files and objects of the
same size are skipped, so an interrupted copy can simply be run again.
"""

import argparse
import json
import mimetypes
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
THREADS = 8


def s3_settings():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.conf import settings

    if not getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""):
        raise SystemExit("AWS_STORAGE_BUCKET_NAME is not set: media are on local disk.")
    return settings


def client(settings):
    return boto3.client(
        "s3",
        endpoint_url=settings.AWS_S3_ENDPOINT_URL,
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        region_name=settings.AWS_S3_REGION_NAME,
    )


def objects(s3, bucket):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            yield item["Key"], item["Size"]


def download(settings, folder: Path) -> int:
    s3, bucket = client(settings), settings.AWS_STORAGE_BUCKET_NAME

    def fetch(key_size):
        key, size = key_size
        target = folder / key
        if target.exists() and target.stat().st_size == size:
            return 0
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        s3.download_file(bucket, key, str(partial))
        partial.replace(target)  # never leave a half file under the real name
        return 1

    with ThreadPoolExecutor(THREADS) as pool:
        return sum(pool.map(fetch, objects(s3, bucket)))


def upload(settings, folder: Path) -> int:
    s3, bucket = client(settings), settings.AWS_STORAGE_BUCKET_NAME
    present = dict(objects(s3, bucket))
    extra = dict(settings.AWS_S3_OBJECT_PARAMETERS)
    if settings.AWS_DEFAULT_ACL:
        extra["ACL"] = settings.AWS_DEFAULT_ACL

    def send(path: Path):
        key = path.relative_to(folder).as_posix()
        if present.get(key) == path.stat().st_size:
            return 0
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        s3.upload_file(str(path), bucket, key, ExtraArgs={**extra, "ContentType": content_type})
        return 1

    files = [path for path in sorted(folder.rglob("*")) if path.is_file()]
    with ThreadPoolExecutor(THREADS) as pool:
        return sum(pool.map(send, files))


def public_read_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


def create_bucket(settings) -> None:
    s3, bucket = client(settings), settings.AWS_STORAGE_BUCKET_NAME
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError:
        options = {}
        region = settings.AWS_S3_REGION_NAME
        if region and region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(Bucket=bucket, **options)
    # Readers' browsers fetch media anonymously; object ACLs alone are ignored by servers
    # with ACLs disabled (AWS's default for new buckets, SeaweedFS), a bucket policy is not.
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["download", "upload", "create-bucket"])
    parser.add_argument("folder", nargs="?", type=Path)
    args = parser.parse_args(argv)
    settings = s3_settings()
    if args.command == "create-bucket":
        create_bucket(settings)
        print(f"bucket {settings.AWS_STORAGE_BUCKET_NAME} ready")
        return
    if args.folder is None:
        parser.error(f"{args.command} needs a folder")
    if args.command == "download":
        args.folder.mkdir(parents=True, exist_ok=True)
        copied = download(settings, args.folder)
    else:
        if not args.folder.is_dir():
            parser.error(f"{args.folder} is not a folder")
        copied = upload(settings, args.folder)
    print(f"{args.command}: {copied} files copied")


if __name__ == "__main__":
    main()
