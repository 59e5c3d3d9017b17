"""The production settings with the benchmark's URLs (the fixed page) added."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
