"""`kill -9` of the notifier at random moments, many times: in the end every message owed was
delivered exactly once (one `.eml` per message, none missing, none extra)."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from events.outbox import message_key
from events.permissions import Actor
from stores import make_app
from wiki.notify import notify_services

ROOT = Path(__file__).resolve().parent.parent
EVA = Actor("eva", "coordinator", None)


def _notifier(app) -> subprocess.Popen:
    env = {**os.environ, "WIKI_DATA_DIR": app.config["DATA_DIR"], "WIKI_EVENT_STORE": app.config["EVENT_STORE"],
           "WIKI_INDEX_FOLLOWER": "none"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wiki", "notify", "follow", "--poll", "0.01"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_kill_9_at_random_moments_delivers_each_message_once(tmp_path):
    app = make_app({"DATA_DIR": str(tmp_path / "data"), "TESTING": True})
    services = app.extensions["lansgrupp"]
    wiki = services.wiki
    client = app.test_client()
    try:
        wiki.register_organisation(EVA, {"name": "Falu kommun", "kind": "kommun", "joined_on": "2010-01-01"})
        readers = [f"lasare{n}" for n in range(50)]
        for username in readers:
            wiki.create_account(username, "member", "falu-kommun", "losenord-123")
            reader = Actor(username, "member", "falu-kommun")
            wiki.change_mail_settings(reader, {"email": f"{username}@falun.example"})
            wiki.subscribe(reader, {"kind": "search", "query": "samverkan"})
        rng = random.Random(7)
        kills = 0
        for round_ in range(10):
            for n in range(4):
                slug = wiki.create_example(EVA, {"title": f"Samverkan {round_}-{n}",
                                                 "organisations": ["falu-kommun"]}).slug
                wiki.publish_example(EVA, slug)
            assert client.get("/api/v1/search", query_string={"min_position": wiki.position()}).status_code == 200
            process = _notifier(app)
            time.sleep(rng.uniform(0.6, 2.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=30)
        assert kills >= 7
        notify = notify_services(app)
        while notify.step():
            pass
        published = [n.id for n in wiki.recorder.select_notifications(start=0, limit=10_000)
                     if n.topic.endswith("LearningExample.Published")]
        assert len(published) == 40
        expected = {message_key("example_published", username, [position])
                    for position in published for username in readers}
        outbox = Path(app.config["DATA_DIR"]) / "outbox"
        files = sorted(p.name for p in outbox.iterdir())
        assert files == sorted(f"{key}.eml" for key in expected), "each message once, none lost, no leftovers"
        rows = notify.outbox.messages()
        assert {row["key"] for row in rows} == expected
        assert {row["status"] for row in rows} == {"sent"}
    finally:
        services.close()
