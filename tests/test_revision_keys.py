"""Each revision is sealed under a key of its own that is stored before the revision is saved;
keys are stored a few at a time, and a forked process never seals with its parent's."""

import os

from events.personal_data import SQLitePersonKeys
from events.revisions import FRESH_KEYS, RevisionTexts


def test_every_revision_has_its_own_key_stored_before_it_is_used(tmp_path):
    keys = SQLitePersonKeys(str(tmp_path / "keys.sqlite"))
    revisions = RevisionTexts(keys)
    texts = [revisions.seal({"title": f"Nr {n}"}, "") for n in range(FRESH_KEYS + 3)]
    assert len({text["key"] for text in texts}) == len(texts)
    other = SQLitePersonKeys(str(tmp_path / "keys.sqlite"))  # another connection sees every key
    assert all(other.get(text["key"]) is not None for text in texts)
    assert [RevisionTexts(other).open(text)["content"]["title"] for text in texts[:2]] == ["Nr 0", "Nr 1"]
    revisions.destroy(texts[0])
    assert revisions.open(texts[0]) is None and revisions.open(texts[1])["content"] == {"title": "Nr 1"}


def test_a_forked_process_never_seals_with_its_parents_keys(tmp_path):
    keys = SQLitePersonKeys(str(tmp_path / "keys.sqlite"))
    revisions = RevisionTexts(keys)
    revisions.seal({"title": "Före"}, "")  # the parent now holds unused keys
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            keys.close()  # a connection is not shared across a fork
            os.write(write, revisions.seal({"title": "Barnet"}, "")["key"].encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child_key = os.read(read, 200).decode()
    os.close(read)
    parent_keys = {revisions.seal({"title": f"Föräldern {n}"}, "")["key"] for n in range(FRESH_KEYS)}
    assert child_key.startswith("revision:") and child_key not in parent_keys
    assert keys.get(child_key) is not None
