"""Object storage for uploads whose writes can never replace an object.

django-storages with AWS_S3_FILE_OVERWRITE=False picks a free name by asking whether it
exists, which leaves a gap: two uploads of `photo.jpg` in the same moment both find the name
free and the second silently replaces the first (another story's cover). Here every new
object is written with a conditional PUT (If-None-Match: *): the server refuses the second
one, which then takes another free name. AWS S3, SeaweedFS, MinIO and Ceph honour the
condition; a server that ignores it behaves like plain django-storages.
"""

import os

from botocore.exceptions import ClientError
from django.core.exceptions import SuspiciousFileOperation
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# Bigger files go through django-storages' multipart upload, which has no condition; uploads
# here are covers and photos (at most 12 MB per request).
CONDITIONAL_PUT_MAX_BYTES = 64 * 1024 * 1024
ATTEMPTS = 5


class MediaStorage(S3Storage):
    def _save(self, name, content):
        size = getattr(content, "size", None)
        if self.file_overwrite or self.gzip or size is None or size > CONDITIONAL_PUT_MAX_BYTES:
            return super()._save(name, content)
        for _ in range(ATTEMPTS):
            try:
                return self._put_if_absent(name, content)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
                    raise
                # Taken between get_available_name() and now: the same way to a new name.
                name = self.get_available_name(name)
        raise SuspiciousFileOperation(f"no free name for {name!r} after {ATTEMPTS} attempts")

    def _put_if_absent(self, name, content) -> str:
        cleaned_name = clean_name(name)
        key = self._normalize_name(cleaned_name)
        params = self._get_write_parameters(key, content)
        content.seek(0, os.SEEK_SET)
        body = content.read()
        if isinstance(body, str):
            body = body.encode(self.file_name_charset)
        self.bucket.Object(key).put(Body=body, IfNoneMatch="*", **params)
        return cleaned_name
