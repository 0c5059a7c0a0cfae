"""A normal (non-editable) install ships the templates, static files and translations."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.store_independent

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_templates_static_files_and_translations(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (ROOT / "templates").glob("*.html")}
    assert templates and {f"templates/{name}" for name in templates} <= names
    assert "wiki/static/style.css" in names
    assert {"wiki/translations/en/LC_MESSAGES/messages.mo", "wiki/translations/en/LC_MESSAGES/messages.po"} <= names
    assert "events/application.py" in names and "wiki/api/examples.py" in names
