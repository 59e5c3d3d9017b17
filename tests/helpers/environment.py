import os


def required(name: str) -> bool:
    """Whether CI set ``name`` (REQUIRE_POSTGRES, REQUIRE_REDIS, ...) to demand a service.

    Locally a missing service skips its tests; in CI the same absence must fail, or a
    misconfigured runner would pass while testing nothing.
    """
    return os.environ.get(name, "").strip() in {"1", "true", "yes"}
