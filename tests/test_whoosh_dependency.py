"""Facts about the pinned Whoosh that the search index relies on."""

import os
import subprocess
import sys
from importlib.metadata import version

import pytest

import search_index  # noqa: F401  (imports Whoosh with its warnings silenced)
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Every, Term

pytestmark = pytest.mark.store_independent


def test_whoosh_is_the_pinned_2_7_4():
    assert version("Whoosh") == "2.7.4"


def test_refreshed_searcher_has_no_stale_duplicates_after_another_writer_merged(tmp_path):
    """The forks (whoosh-reloaded 2.7.5 and later) return old versions here; 2.7.4 does not."""
    ix = index.create_in(str(tmp_path), Schema(id=ID(unique=True, stored=True), body=TEXT(stored=True)))
    for n in range(3):
        with ix.writer() as writer:
            writer.add_document(id=f"doc{n}", body=f"version1 text{n}")
    searcher = ix.searcher()
    writer = ix.writer()
    writer.update_document(id="doc0", body="version2 text0")
    writer.commit(optimize=True)
    searcher = searcher.refresh()
    assert searcher.doc_count() == 3
    assert sorted(hit["id"] for hit in searcher.search(Every(), limit=None)) == ["doc0", "doc1", "doc2"]
    assert [hit["body"] for hit in searcher.search(Term("id", "doc0"))] == ["version2 text0"]
    searcher.close()


def test_importing_the_search_index_prints_no_syntax_warnings(tmp_path):
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run([sys.executable, "-W", "default", "-c", "import search_index"],
                            capture_output=True, text=True, env=env, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert result.returncode == 0, result.stderr
    assert "SyntaxWarning" not in result.stderr
