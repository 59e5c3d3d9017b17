from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Fingerprinted, compressed static files that never turn a page into a 500.

    With a stale manifest (a file added without re-running collectstatic) the page links the
    plain name instead of failing to render.
    """

    manifest_strict = False
