"""bench/cluster.py --quick: two app servers, the worker and nginx behave as one site.

It needs PostgreSQL on 127.0.0.1:5432 (it creates and drops a portal_cluster_* database),
redis-server, nginx, openssl and SeaweedFS (the dev extra), and takes about a minute and a
half, so it runs only with REQUIRE_CLUSTER=1; the lead decides whether CI sets it.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.environment import required

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.skipif(
    not required("REQUIRE_CLUSTER"), reason="the cluster run needs REQUIRE_CLUSTER=1"
)


def test_the_cluster_passes_every_check():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cluster.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=360,
    )

    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert result.stdout.count("PASS ") == 7
    assert "FAIL" not in result.stdout
