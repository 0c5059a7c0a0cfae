"""Browser tests: the real app served over HTTP on a loopback port, driven by Debian's Chromium
through Playwright. One browser per session, a new context per test; a failed test leaves a
screenshot and the HTML of every page it had open in test-artifacts/."""

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from events.permissions import Actor
from tests.conftest import World
from tests.stores import make_app
from wiki import demo

from .helpers import ROOT, sign_in

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test (scripts/test runs them on SQLite only)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class Site:
    """A wiki on a fresh store in `data_dir`, served by werkzeug in a thread on a free port."""

    def __init__(self, data_dir: Path):
        self.app = make_app({"DATA_DIR": str(data_dir), "TESTING": True})
        self.world = World(self.app)
        self.services = self.app.extensions["lansgrupp"]
        self.wiki = self.services.wiki
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="browser-test-server", daemon=True)
        self.thread.start()

    def settle(self) -> None:
        """Read model and search index have applied everything written so far (setup outside the pages)."""
        position = self.wiki.position()
        self.services.pages.wait_for(position)
        self.services.ensure_follower()
        self.services.wait_for_index(position, timeout=20)

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(10)
        self.server.server_close()
        self.services.close()


@pytest.fixture
def site(tmp_path):
    """Falu and Mora kommun; maja (Falun) and olle (Mora) are members, eva coordinates, gun audits,
    adam administers. Every account's password is `PASSWORD`."""
    site = Site(tmp_path / "data")
    w = site.world
    w.falun = w.organisation("Falu kommun", "kommun", "Falun")
    w.mora = w.organisation("Mora kommun", "kommun", "Mora")
    for username, role, organisation in (("maja", "member", w.falun), ("olle", "member", w.mora),
                                         ("eva", "coordinator", None), ("gun", "auditor", None),
                                         ("adam", "admin", None)):
        w.account(username, role, organisation)
    yield site
    site.close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _save_artifacts(item, contexts) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])[:120]
    number = 0
    for context in contexts:
        for page in context.pages:
            number += 1
            stem = ARTIFACTS / f"{name}-{number}"
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
            except Exception as error:  # noqa: BLE001 - a page that cannot be saved must not hide the failure
                Path(f"{stem}.txt").write_text(f"{page.url}: {error}\n", encoding="utf-8")


@pytest.fixture
def new_context(request, browser):
    """Makes browser contexts (each its own cookies: one person); all are closed after the test,
    and their pages saved to test-artifacts/ when the test failed."""
    contexts = []

    def make(base_url: str, **options):
        options.setdefault("locale", "sv-SE")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        _save_artifacts(request.node, contexts)
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(site, new_context):
    """A new page in a new context (a new person) on the test's site."""
    def make(**options):
        return new_context(site.url, **options).new_page()
    return make


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """One wiki with the demo data (organisations, accounts, examples with versions, years of forms)
    and a form waiting for the coordinator, for the checks that only read: accessibility and layout."""
    site = Site(tmp_path_factory.mktemp("demo") / "data")
    demo.load(site.services, echo=lambda *args, **kwargs: None)
    site.wiki.submit_membership_request(Actor("maja.lind", "member", "falu-kommun"), {
        "organisation": "falu-kommun", "note": "Vår ersättare har bytt tjänst.", "changes": [
            {"action": "appoint", "role": "substitute", "from": "2026-01-01",
             "person": {"name": "Ida Norrby", "email": "ida.norrby@falun.example", "phone": "023-10 20 30",
                        "title": "Kurator"}}]})
    site.password = demo.DEMO_PASSWORD
    site.settle()
    yield site
    site.close()


@pytest.fixture(scope="session")
def _signed_in_states():
    return {}


@pytest.fixture
def demo_context(browser, demo_site, new_context, _signed_in_states):
    """A context on the demo site, signed in as `username` (None: anonymous). The session cookie of
    each account is made once, by signing in through the page, and reused."""
    def make(username=None, **options):
        state = None
        if username is not None:
            if username not in _signed_in_states:
                context = browser.new_context(base_url=demo_site.url)
                try:
                    sign_in(context.new_page(), username, demo_site.password)
                    _signed_in_states[username] = context.storage_state()
                finally:
                    context.close()
            state = _signed_in_states[username]
        return new_context(demo_site.url, storage_state=state, **options)
    return make
