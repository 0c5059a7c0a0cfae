"""An auditor in a real browser (issue 16): downloads the log export, the latest checkpoint and the
public key from the audit page, and `wiki-audit-verify` accepts them; after someone alters a
stored row, a fresh export no longer verifies against the kept checkpoint."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from .helpers import sign_in

ROOT = Path(__file__).resolve().parents[2]


def download(page, name: str, folder: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def verify(export: Path, key: Path, checkpoint: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "events.audit_verify", "--export", str(export), "--public-key",
                           str(key), "--checkpoint", str(checkpoint)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_an_auditor_downloads_the_proofs_and_verifies_them_offline(site, page, tmp_path):
    for n in range(3):
        site.world.example("maja", title=f"Exempel nummer {n}")
    site.settle()
    sign_in(page, "gun")
    page.goto("/granskning")
    proofs = page.get_by_role("region", name="Bevis för granskare utanför")
    expect(proofs).to_be_visible()
    export = download(page, "Ladda ner hela händelseloggen (JSON Lines)", tmp_path)
    checkpoint = download(page, "Ladda ner den senaste kontrollpunkten", tmp_path)
    key = download(page, "Ladda ner den publika nyckeln", tmp_path)
    assert checkpoint.read_text().count("\n") >= 4 and "—" in checkpoint.read_text()

    result = verify(export, key, checkpoint)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")

    db = sqlite3.connect(Path(site.app.config["DATA_DIR"]) / "events.sqlite", isolation_level=None)
    state = db.execute("SELECT state FROM stored_events WHERE rowid=3").fetchone()[0]
    db.execute("UPDATE stored_events SET state=? WHERE rowid=3", (bytes(state)[:-1] + b"!",))
    page.goto("/granskning")
    altered = download(page, "Ladda ner hela händelseloggen (JSON Lines)", tmp_path / "later")
    result = verify(altered, key, checkpoint)
    assert result.returncode == 1 and "FAIL" in result.stdout, result.stdout
