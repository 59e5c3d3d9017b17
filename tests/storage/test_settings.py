"""Object storage is switched on by naming a bucket, and only then."""

from tests.test_settings import settings_of

NAMES = ["STORAGES", "SERVE_MEDIA", "AWS_S3_FILE_OVERWRITE", "AWS_S3_URL_PROTOCOL"]


def test_without_a_bucket_uploads_stay_on_local_disk(tmp_path):
    values = settings_of(tmp_path, NAMES, DEBUG="1")

    assert values["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert values["SERVE_MEDIA"] is True
    assert values["AWS_S3_FILE_OVERWRITE"] is None


def test_a_bucket_moves_uploads_to_object_storage_that_never_overwrites(tmp_path):
    values = settings_of(
        tmp_path,
        [*NAMES, "AWS_QUERYSTRING_AUTH", "AWS_S3_OBJECT_PARAMETERS", "AWS_S3_CUSTOM_DOMAIN"],
        DEBUG="1",
        AWS_STORAGE_BUCKET_NAME="news-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.kz",
        AWS_S3_URL_PROTOCOL="http",
    )

    assert values["STORAGES"]["default"]["BACKEND"] == "portal.s3.MediaStorage"
    assert values["AWS_S3_FILE_OVERWRITE"] is False
    assert values["AWS_QUERYSTRING_AUTH"] is False
    assert "max-age=31536000" in values["AWS_S3_OBJECT_PARAMETERS"]["CacheControl"]
    assert values["AWS_S3_CUSTOM_DOMAIN"] == "media.example.kz"
    # django-storages wants the colon; people write the scheme without it.
    assert values["AWS_S3_URL_PROTOCOL"] == "http:"
    assert values["SERVE_MEDIA"] is False
