"""deploy/systemd/*: systemd itself reads the units without a complaint.

The units name /srv/portal and /etc/portal/env; here they point at this checkout, so
`systemd-analyze verify` also proves that every command they run exists.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
UNITS = ROOT / "deploy" / "systemd"
ANALYZE = shutil.which("systemd-analyze")

pytestmark = pytest.mark.skipif(ANALYZE is None, reason="needs systemd-analyze (systemd)")


def rendered(tmp_path: Path, name: str, as_name: str | None = None) -> Path:
    text = (UNITS / name).read_text()
    assert "/srv/portal" in text and "/etc/portal/env" in text
    text = text.replace("/srv/portal/.venv/bin/", f"{Path(sys.executable).parent}/")
    text = text.replace("/srv/portal", str(ROOT)).replace("/etc/portal/env", str(tmp_path / "env"))
    (tmp_path / "env").write_text("DEBUG=0\n")
    target = tmp_path / (as_name or name)
    target.write_text(text)
    return target


@pytest.mark.parametrize(
    ("name", "as_name"),
    [
        ("portal@.service", "portal@8001.service"),
        ("portal-worker.service", None),
        ("portal-release.service", None),
    ],
)
def test_systemd_accepts_the_unit(tmp_path, name, as_name):
    unit = rendered(tmp_path, name, as_name)

    result = subprocess.run(
        [ANALYZE, "verify", "--man=no", str(unit)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_each_app_server_listens_on_its_own_port():
    text = (UNITS / "portal@.service").read_text()

    assert "--bind ${PORTAL_LISTEN}:%i" in text
    assert "EnvironmentFile=/etc/portal/env" in text
    assert "Restart=on-failure" in text
