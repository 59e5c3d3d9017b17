"""docs/deploy.md names only files that exist, and the README leads to it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE = ROOT / "docs" / "deploy.md"


def test_every_repository_file_the_guide_names_exists():
    text = GUIDE.read_text()
    named = set(re.findall(r"`((?:deploy|tests|pageviews|portal|docs)/[\w./@-]+)`", text))

    assert "deploy/nginx/portal.conf" in named
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []


def test_the_readme_production_section_points_to_the_guide():
    readme = (ROOT / "README.md").read_text()
    production = readme.split("## Production deployment", 1)[1].split("\n## ", 1)[0]

    assert "(docs/deploy.md)" in production
