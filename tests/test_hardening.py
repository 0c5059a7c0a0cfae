"""Hardening: sign-in throttling, security headers, cookie flags, CSRF on every form, size and
length limits, and validated slugs, ids and dates in URLs."""

import json
import re
import time
from html.parser import HTMLParser

import pytest
from flask import url_for

from tests.conftest import PASSWORD
from tests.test_role_matrix import MATRIX, Objects
from stores import make_app

WINDOW = 15 * 60


def assert_error(response, status):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"}, body
    assert isinstance(body["error"].get("code"), str) and body["error"]["code"]
    assert isinstance(body["error"].get("message"), str) and body["error"]["message"]
    return body["error"]


def csrf_token(client) -> str:
    page = client.get("/logga-in")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "no CSRF token on /logga-in"
    return match.group(1)


def signed_in(world, username):
    return world.browser(username)


# ---- sign-in throttling ----------------------------------------------------------------------------


def api_sign_in(world, username, password, address):
    return world.client.post("/api/v1/tokens", json={"username": username, "password": password},
                             environ_base={"REMOTE_ADDR": address})


class PageSignIn:
    def __init__(self, world):
        self.client = world.app.test_client()
        self.token = csrf_token(self.client)

    def __call__(self, username, password, address):
        return self.client.post("/logga-in", data={"username": username, "password": password,
                                                   "csrf_token": self.token},
                                environ_base={"REMOTE_ADDR": address})


def assert_throttled(response, api: bool):
    assert response.status_code == 429, (response.status_code, response.get_data(as_text=True)[:300])
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit() and 0 < int(retry_after) <= WINDOW, retry_after
    if api:
        assert_error(response, 429)


def test_ten_failures_for_an_account_throttle_its_eleventh_attempt_on_the_api(world):
    for n in range(9):   # each from another address, so only the account counts
        assert api_sign_in(world, "maja", "fel-losenord", f"10.1.0.{n}").status_code == 401
    assert api_sign_in(world, "maja", "fel-losenord", "10.1.0.9").status_code == 401, "the 10th attempt is answered"
    assert_throttled(api_sign_in(world, "maja", PASSWORD, "10.1.1.1"), api=True)
    assert_throttled(api_sign_in(world, "MAJA", PASSWORD, "10.1.1.2"), api=True)
    assert_throttled(PageSignIn(world)("maja", PASSWORD, "10.1.1.3"), api=False)
    # another account, from any address, is not affected
    assert api_sign_in(world, "olle", PASSWORD, "10.1.1.4").status_code == 201
    assert api_sign_in(world, "olle", PASSWORD, "10.1.0.1").status_code == 201


def test_throttled_sign_in_issues_no_token(world):
    for n in range(10):
        api_sign_in(world, "maja", "fel-losenord", f"10.7.0.{n}")
    before = world.wiki.position()
    response = api_sign_in(world, "maja", PASSWORD, "10.7.1.1")
    assert_throttled(response, api=True)
    assert "token" not in response.get_json()
    assert world.wiki.position() == before


def _old_failures(world, key, seconds_ago, count=10):
    """Failures recorded `seconds_ago`, as the throttle's own store keeps them."""
    at = time.time() - seconds_ago
    world.services.throttle.failures.add([key] * count, at, forget_before=0)


def test_failures_older_than_fifteen_minutes_do_not_count(world):
    account, address = world.services.throttle.keys("maja", "10.8.0.1")
    _old_failures(world, account, WINDOW + 60)
    _old_failures(world, address, WINDOW + 60)
    assert api_sign_in(world, "maja", PASSWORD, "10.8.0.1").status_code == 201


def test_retry_after_says_when_the_window_has_room_again(world):
    _old_failures(world, world.services.throttle.keys("maja", "10.8.0.2")[0], WINDOW - 60)
    response = api_sign_in(world, "maja", PASSWORD, "10.8.0.2")
    assert_throttled(response, api=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 61


def test_ten_failures_for_an_account_throttle_the_sign_in_page(world):
    sign_in = PageSignIn(world)
    for n in range(10):
        response = sign_in("olle", "fel-losenord", f"10.3.0.{n}")
        assert response.status_code == 401
        assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    assert_throttled(sign_in("olle", PASSWORD, "10.3.1.1"), api=False)
    assert "/konto" not in (sign_in("olle", PASSWORD, "10.3.1.2").location or "")
    assert_throttled(api_sign_in(world, "olle", PASSWORD, "10.3.1.3"), api=True)
    assert api_sign_in(world, "maja", PASSWORD, "10.3.1.4").status_code == 201


def test_failures_on_page_and_api_count_together(world):
    sign_in = PageSignIn(world)
    for n in range(5):
        assert sign_in("eva", "fel-losenord", f"10.4.0.{n}").status_code == 401
        assert api_sign_in(world, "eva", "fel-losenord", f"10.4.1.{n}").status_code == 401
    assert_throttled(api_sign_in(world, "eva", PASSWORD, "10.4.2.1"), api=True)


def test_nine_failures_do_not_lock_the_right_password_out(world):
    for n in range(9):
        assert api_sign_in(world, "maja", "fel-losenord", f"10.5.0.{n}").status_code == 401
    assert api_sign_in(world, "maja", PASSWORD, "10.5.1.1").status_code == 201


def test_ten_failures_from_one_address_throttle_every_account_from_it(world):
    for n, username in enumerate(["maja", "olle", "eva", "gun", "okand-1", "okand-2", "okand-3", "okand-4",
                                  "okand-5", "okand-6"]):
        assert api_sign_in(world, username, f"fel-losenord-{n}", "192.0.2.7").status_code == 401
    assert_throttled(api_sign_in(world, "adam", PASSWORD, "192.0.2.7"), api=True)
    assert_throttled(PageSignIn(world)("adam", PASSWORD, "192.0.2.7"), api=False)
    # another address is not affected, nor are the accounts that failed once each
    assert api_sign_in(world, "adam", PASSWORD, "192.0.2.8").status_code == 201
    assert api_sign_in(world, "maja", PASSWORD, "192.0.2.9").status_code == 201


def test_page_failures_from_one_address_throttle_it(world):
    sign_in = PageSignIn(world)
    for n in range(10):
        assert sign_in(f"okand-{n}", "fel-losenord", "198.51.100.1").status_code == 401
    assert_throttled(sign_in("adam", PASSWORD, "198.51.100.1"), api=False)
    assert_throttled(api_sign_in(world, "adam", PASSWORD, "198.51.100.1"), api=True)
    assert sign_in("adam", PASSWORD, "198.51.100.2").status_code == 302


def test_unknown_user_and_wrong_password_get_the_same_answer(world):
    wrong = api_sign_in(world, "maja", "fel-losenord", "10.6.0.1")
    unknown = api_sign_in(world, "finns-inte", "fel-losenord", "10.6.0.2")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.headers.get("WWW-Authenticate") == unknown.headers.get("WWW-Authenticate")
    sign_in = PageSignIn(world)
    wrong_page = sign_in("maja", "fel-losenord", "10.6.0.3")
    unknown_page = sign_in("finns-inte", "fel-losenord", "10.6.0.4")
    assert wrong_page.status_code == unknown_page.status_code == 401

    def message(response):
        return re.search(r'role="alert">([^<]*)<', response.get_data(as_text=True)).group(1)

    assert message(wrong_page) == message(unknown_page) == "Fel användarnamn eller lösenord."


# ---- security headers ------------------------------------------------------------------------------------


def csp_directives(value: str) -> dict:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def assert_security_headers(response, label):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{label}: no Content-Security-Policy"
    directives = csp_directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{label}: CSP restricts no scripts: {csp}"
    assert "'unsafe-inline'" not in scripts and "*" not in scripts, f"{label}: {csp}"
    assert "'unsafe-inline'" not in directives.get("script-src-elem", []), f"{label}: {csp}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{label}: {csp}"
    assert directives.get("img-src") == ["'self'", "data:"], f"{label}: images from the wiki itself only: {csp}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", label
    assert response.headers.get("Referrer-Policy") in (
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"), label


@pytest.fixture
def site(world):
    """The world with a published example, a draft and a person in the register."""
    world.objects = Objects(world)
    return world


def test_security_headers_on_every_kind_of_response(site):
    w = site
    slug = w.objects.published
    maja = signed_in(w, "maja")
    responses = {
        "start page": w.client.get("/"),
        "example page": w.client.get(f"/exempel/{slug}"),
        "search page": w.client.get("/sok?q=samverkan"),
        "sign-in page": w.client.get("/logga-in"),
        "API JSON": w.client.get("/api/v1/examples"),
        "API example": w.client.get(f"/api/v1/examples/{slug}"),
        "API health": w.client.get("/api/v1/health"),
        "Atom feed": w.client.get("/feeds/changes.atom"),
        "page 404": w.client.get("/finns-inte"),
        "API 404": w.client.get("/api/v1/finns-inte"),
        "page 405": w.client.get("/logga-ut"),
        "API 405": w.client.put("/api/v1/tokens"),
        "API 401": w.client.get("/api/v1/roster"),
        "API 400": w.client.get("/api/v1/search?page=x"),
        "API 413": w.client.post("/api/v1/tokens", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                                 content_type="application/json"),
        "page 403": maja.get("/granskning"),
        "page redirect": w.client.get("/konto"),
        "CSRF 400": w.client.post("/logga-in", data={"username": "maja", "password": PASSWORD}),
        "stylesheet": w.client.get("/static/style.css"),
    }
    assert responses["API 413"].status_code == 413
    assert responses["page 405"].status_code == 405 and responses["API 405"].status_code == 405
    for label, response in responses.items():
        assert_security_headers(response, f"{label} ({response.status_code})")


def test_security_headers_on_every_route_without_parameters(site):
    for rule in site.app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods:
            continue
        for client in (site.client, signed_in(site, "adam")):
            response = client.get(rule.rule)
            assert response.status_code < 500, rule.rule
            assert_security_headers(response, f"{rule.rule} ({response.status_code})")


class ScriptFinder(HTMLParser):
    """Collects inline scripts, event-handler attributes and javascript: URLs."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name.lower() in self.URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\s\x00-\x20]", "", value).lower()
                if squeezed.startswith(("javascript:", "vbscript:")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.problems.append("inline <script>")
            self._in_script = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script text {data.strip()[:40]!r}")


def script_problems(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def test_script_finder_finds_what_it_should():
    assert script_problems("<p>ok</p><script src='/static/x.js'></script>") == []
    assert script_problems("<script>alert(1)</script>")
    assert script_problems('<img src=x onerror="alert(1)">')
    assert script_problems('<a href=" java&#x09;script:alert(1)">x</a>')


PAGE_ARGUMENTS = {"pages.export": None}   # not HTML


def page_urls(world) -> list[str]:
    objects = world.objects
    values = {"slug": objects.published, "person_id": objects.person, "username": "maja", "request_id": objects.request,
              "code": "en", "meeting_id": objects.meeting, "year": 2024, "secret": "finns-inte", "number": 1,
              "attachment_id": objects.published_image}
    urls = []
    with world.app.test_request_context():
        for rule in world.app.url_map.iter_rules():
            if rule.endpoint == "static" or rule.rule.startswith("/api/") or "GET" not in rule.methods:
                continue
            if rule.endpoint in PAGE_ARGUMENTS:
                continue
            arguments = {name: values[name] for name in rule.arguments}
            if rule.endpoint == "pages.organisation":
                arguments["slug"] = "falu-kommun"
            if rule.endpoint == "pages.working_group":
                arguments["slug"] = objects.working_group
            urls.append(url_for(rule.endpoint, **arguments))
    urls += [f"/exempel/{objects.published}/jamfor?from=1&to=2", f"/exempel/{objects.draft}",
             f"/exempel/{objects.draft}/redigera", "/sok?q=samverkan", "/sok?q=%22",
             "/register?at=2023-02-30", "/finns-inte", "/blankett?organisation=falu-kommun"]
    return urls


@pytest.mark.parametrize("username", [None, "maja", "eva", "gun", "adam"])
def test_no_page_has_inline_script_or_event_handlers(site, username):
    client = signed_in(site, username)
    scanned = 0
    for url in page_urls(site):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert script_problems(html) == [], f"{url} as {username}"
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", html, re.IGNORECASE), f"{url} as {username}"
        assert_security_headers(response, url)
        scanned += 1
    assert scanned >= 15


# ---- session cookie --------------------------------------------------------------------------------------


def session_cookie(response, name="lansgrupp_session") -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "=")]
    assert cookies, f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(world):
    client = world.app.test_client()
    response = client.post("/logga-in", data={"username": "maja", "password": PASSWORD,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    parts = [p.strip().lower() for p in session_cookie(response).split(";")[1:]]
    assert "httponly" in parts
    assert "samesite=lax" in parts


def test_session_cookie_is_secure_when_configured(tmp_path):
    app = make_app({"DATA_DIR": str(tmp_path / "secure"), "TESTING": True, "SESSION_COOKIE_SECURE": True})
    try:
        app.extensions["lansgrupp"].wiki.create_account("maja", "admin", None, PASSWORD)
        client = app.test_client()
        page = client.get("/logga-in", base_url="https://localhost")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        response = client.post("/logga-in", base_url="https://localhost",
                               headers={"Referer": "https://localhost/logga-in"},
                               data={"username": "maja", "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        parts = [p.strip().lower() for p in session_cookie(response).split(";")[1:]]
        assert {"secure", "httponly", "samesite=lax"} <= set(parts)
    finally:
        app.extensions["lansgrupp"].close()


# ---- CSRF on every form ---------------------------------------------------------------------------------------


def page_post_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.rule.startswith("/api/") and rule.endpoint != "static"]


@pytest.mark.parametrize("token", [None, "forged"])
def test_every_post_form_refuses_a_request_without_a_valid_csrf_token(site, token):
    w = site
    rules = page_post_rules(w.app)
    assert len(rules) >= 12
    for rule in rules:
        cases = [c for c in MATRIX.get(rule.endpoint, []) if c.method == "POST"]
        assert cases, f"no form known for POST {rule.rule} ({rule.endpoint})"
        case = cases[0]
        username = None if rule.endpoint == "pages.sign_in" else "adam"
        client = signed_in(w, username)
        csrf_token(client)   # the session has a real token; the request does not send it
        values = {name: w.objects.value(source) for name, source in case.values.items()}
        with w.app.test_request_context():
            url = url_for(rule.endpoint, **values)
        form = case.form(w.objects, "admin") if callable(case.form) else dict(case.form or {})
        if rule.endpoint == "pages.sign_in":
            form = {"username": "maja", "password": PASSWORD}
        if token:
            form["csrf_token"] = "IjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwIg.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"
        before = w.wiki.position()
        response = client.post(url, data=form)
        assert response.status_code == 400, (rule.rule, response.status_code)
        assert w.wiki.position() == before, f"{rule.rule} recorded events without a CSRF token"
        if rule.endpoint == "pages.sign_in":
            assert "lansgrupp_session=" not in " ".join(response.headers.getlist("Set-Cookie")) or \
                client.get("/konto").status_code == 302
        if rule.endpoint == "pages.sign_out":
            assert client.get("/konto").status_code == 200, "a forged sign-out signed the person out"


# ---- limits ------------------------------------------------------------------------------------------------


def test_request_over_one_megabyte_gets_413_in_the_error_shape(world):
    big = json.dumps({"title": "Stor", "body": "a" * (1024 * 1024 + 1)})
    before = world.wiki.position()
    for method, path, username in (("POST", "/examples", "maja"), ("POST", "/tokens", None),
                                   ("POST", "/membership-requests", "maja"), ("POST", "/organisations", "eva")):
        response = world.api(method, path, username, data=big, content_type="application/json")
        error = assert_error(response, 413)
        assert error["code"] == "too_large"
    slug = world.example("maja")
    before = world.wiki.position()
    assert_error(world.api("PUT", f"/examples/{slug}", "maja", data=big, content_type="application/json"), 413)
    assert world.wiki.position() == before
    client = signed_in(world, "maja")
    assert client.post("/nytt-exempel", data={"title": "Stor", "body": "a" * (1024 * 1024 + 1)}).status_code == 413


def test_largest_allowed_example_is_accepted(world):
    response = world.api("POST", "/examples", "maja", json={
        "title": "T" * 200, "summary": "S" * 1000, "body": "b" * 200_000, "contact": "c" * 200,
        "tags": [f"tagg {n:02d} " + "x" * 52 for n in range(30)],
        "target_groups": [f"grupp {n:02d} " + "y" * 51 for n in range(30)]})
    assert response.status_code == 201, response.json


TOO_LONG = {
    "title 201": {"title": "T" * 201},
    "summary 1001": {"title": "Ok", "summary": "S" * 1001},
    "body 200001": {"title": "Ok", "body": "b" * 200_001},
    "contact 201": {"title": "Ok", "contact": "c" * 201},
    "comment 501": {"title": "Ok", "comment": "k" * 501},
    "31 tags": {"title": "Ok", "tags": [f"tagg {n}" for n in range(31)]},
    "tag of 61": {"title": "Ok", "tags": ["t" * 61]},
    "31 target groups": {"title": "Ok", "target_groups": [f"grupp {n}" for n in range(31)]},
    "target group of 61": {"title": "Ok", "target_groups": ["g" * 61]},
}


@pytest.mark.parametrize("fields", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_overlong_example_fields_get_400_and_record_nothing(world, fields):
    world.token("maja")
    before = world.wiki.position()
    assert_error(world.api("POST", "/examples", "maja", json=fields), 400)
    assert world.wiki.position() == before


@pytest.mark.parametrize("fields", [f for k, f in TOO_LONG.items() if k != "comment 501"],
                         ids=[k for k in TOO_LONG if k != "comment 501"])
def test_overlong_fields_in_an_edit_get_400(world, fields):
    slug = world.example("maja")
    before = world.wiki.position()
    assert_error(world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, **fields}), 400)
    assert world.wiki.position() == before


def test_organisation_list_is_bounded_at_30(world):
    extra = [world.organisation(f"Organisation nummer {n}", "ideell", None) for n in range(29)]
    thirty = ["falu-kommun", "mora-kommun"] + extra[:28]
    world.token("maja")
    before = world.wiki.position()
    too_many = world.api("POST", "/examples", "maja", json={"title": "Många", "organisations": thirty + [extra[28]]})
    assert_error(too_many, 400)
    assert world.wiki.position() == before
    ok = world.api("POST", "/examples", "maja", json={"title": "Trettio", "organisations": thirty})
    assert ok.status_code == 201, ok.json


def _appoint(n):
    return {"action": "appoint", "role": "substitute", "from": f"2020-01-{n + 1:02d}",
            "person": {"name": f"Person {n}", "email": f"p{n}@example.se", "phone": "070-1", "title": "Chef"}}


def test_membership_request_limits(world):
    world.token("maja")
    before = world.wiki.position()
    eleven = world.api("POST", "/membership-requests", "maja",
                       json={"organisation": "falu-kommun", "note": "x", "changes": [_appoint(n) for n in range(11)]})
    assert_error(eleven, 400)
    long_note = world.api("POST", "/membership-requests", "maja",
                          json={"organisation": "falu-kommun", "note": "n" * 1001, "changes": [_appoint(0)]})
    assert_error(long_note, 400)
    long_name = world.api("POST", "/membership-requests", "maja",
                          json={"organisation": "falu-kommun", "note": "x",
                                "changes": [{**_appoint(0), "person": {**_appoint(0)["person"], "name": "N" * 5000}}]})
    assert_error(long_name, 400)
    assert world.wiki.position() == before
    ten = world.api("POST", "/membership-requests", "maja",
                    json={"organisation": "falu-kommun", "note": "x", "changes": [_appoint(n) for n in range(10)]})
    assert ten.status_code == 201, ten.json
    ok = world.api("POST", "/membership-requests", "maja",
                   json={"organisation": "falu-kommun", "note": "n" * 1000, "changes": [_appoint(0)]})
    assert ok.status_code == 201, ok.json
    reject = world.api("POST", f"/membership-requests/{ok.json['id']}/reject", "eva", json={"reason": "r" * 1001})
    assert_error(reject, 400)


def test_overlong_credentials_are_refused_without_a_server_error(world):
    for body in ({"username": "u" * 10_000, "password": PASSWORD}, {"username": "maja", "password": "p" * 10_000},
                 {"username": ["maja"], "password": PASSWORD}, {"username": "maja", "password": None}):
        response = world.client.post("/api/v1/tokens", json=body, environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert response.status_code in (400, 401), body
        assert_error(response, response.status_code)


def test_deeply_nested_json_is_refused(world):
    nested = "[" * 5000 + "]" * 5000
    response = world.api("POST", "/examples", "maja", data='{"title": "x", "tags": ' + nested + "}",
                         content_type="application/json")
    assert_error(response, 400)


# ---- slugs, ids and dates in URLs ------------------------------------------------------------------------------


def bad_api_urls(slug):
    return [
        ("GET", "/examples/..%2F..%2Fetc", None, 404),
        ("GET", "/examples/..%2F..%2Fetc%2Fpasswd", "eva", 404),
        ("GET", "/examples/%2e%2e", "eva", 404),
        ("GET", "/examples/" + "a" * 500, "eva", 404),
        ("GET", "/examples/Stora%20Bokst%C3%A4ver", "eva", 404),
        ("GET", "/examples/%00", "eva", 404),
        ("GET", f"/examples/{slug}?version=abc", "eva", 400),
        ("GET", f"/examples/{slug}?version=-1", "eva", 400),
        ("GET", f"/examples/{slug}?version=99999999999999999999", "eva", 400),
        ("GET", f"/examples/{slug}?version=99", "eva", 404),
        ("GET", f"/examples/{slug}/diff?from=a&to=1", "eva", 400),
        ("GET", f"/examples/{slug}/diff?from=1", "eva", 400),
        ("GET", "/examples/finns-inte/history", "eva", 404),
        ("PUT", "/examples/..%2F..%2Fetc", "eva", 404),
        ("POST", "/examples/%2e%2e/publish", "eva", 404),
        ("GET", "/examples?status=hemlig", None, 400),
        ("GET", "/examples?page=0", None, 400),
        ("GET", "/examples?per_page=abc", None, 400),
        ("GET", "/people/not-a-uuid/history", "eva", 404),
        ("GET", "/people/not-a-uuid", "eva", 404),
        ("GET", "/people/00000000-0000-0000-0000-000000000000/history", "eva", 404),
        ("GET", "/people/" + "9" * 300 + "/history", "eva", 404),
        ("GET", "/membership-requests/not-a-uuid", "eva", 404),
        ("POST", "/membership-requests/not-a-uuid/approve", "eva", 404),
        ("POST", "/membership-requests/00000000-0000-0000-0000-000000000000/approve", "eva", 404),
        ("GET", "/membership-requests?status=alla", "eva", 400),
        ("GET", "/organisations/..%2F..%2Fetc", None, 404),
        ("GET", "/organisations/" + "x" * 300 + "/history", "eva", 404),
        ("POST", "/organisations/finns-inte/leave", "eva", 404),
        ("GET", "/roster?at=2023-02-30", "eva", 400),
        ("GET", "/roster?at=2023-13-01", "eva", 400),
        ("GET", "/roster?at=20230101", "eva", 400),
        ("GET", "/roster?at=2023-1-1", "eva", 400),
        ("GET", "/roster?at=99999-01-01", "eva", 400),
        ("GET", "/roster?at=%00", "eva", 400),
        ("GET", "/audit/events?aggregate=..%2F..%2Fetc", "gun", 400),
        ("GET", "/audit/events?after=-1", "gun", 400),
        ("GET", "/audit/events?limit=many", "gun", 400),
        ("GET", "/search?page=abc", None, 400),
        ("GET", "/search?year=abcd", None, 400),
        ("GET", "/search?per_page=-5", None, 400),
        ("GET", "/search?q=" + "a" * 600, None, 400),
        ("GET", "/search?min_position=abc", None, 400),
    ]


def test_bad_slugs_ids_and_dates_in_api_urls_get_4xx_in_the_error_shape(site):
    slug = site.objects.published
    for method, path, username, status in bad_api_urls(slug):
        body = {"base_version": 1, "title": "x"} if method == "PUT" else (
            {"on": "2024-01-01"} if path.endswith("/leave") else None)
        response = site.api(method, path, username, json=body)
        assert response.status_code == status, (method, path, response.status_code,
                                                response.get_data(as_text=True)[:200])
        assert_error(response, status)


def test_bad_slugs_ids_and_dates_in_page_urls_never_give_500(site):
    slug = site.objects.published
    client = signed_in(site, "adam")
    expected = {
        "/exempel/..%2F..%2Fetc": 404,
        "/exempel/" + "a" * 500: 404,
        f"/exempel/{slug}?version=abc": 400,
        f"/exempel/{slug}?version=99": 404,
        f"/exempel/{slug}/jamfor?from=x&to=1": 400,
        f"/exempel/{slug}/historik?x=%00": 200,
        "/personer/not-a-uuid": 404,
        "/personer/" + "9" * 300: 404,
        "/konton/" + "x" * 300: 404,
        "/konton/finns-inte": 404,
        "/organisationer/..%2F..%2Fetc": 404,
        "/granskning?after=-1": 400,
        "/granskning?aggregate=..%2F": 400,
        "/exempel?status=hemlig": 400,
        "/exempel?page=abc": 400,
        "/register/export.exe": 404,
    }
    for url, status in expected.items():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
    for url in ("/sok?page=abc", "/sok?year=1", "/blanketter?status=x"):
        response = client.get(url)
        assert 400 <= response.status_code < 500, (url, response.status_code)
    for url in ("/register?at=2023-02-30", "/register?at=%00", "/register?at=99999-01-01"):
        impossible = client.get(url)
        assert impossible.status_code in (200, 400), url
        assert "ÅÅÅÅ-MM-DD" in impossible.get_data(as_text=True), f"{url}: the page says the date is not valid"
    token = csrf_token(client)
    for url in ("/blanketter/not-a-uuid/godkann", "/blanketter/00000000-0000-0000-0000-000000000000/avslag",
                "/exempel/finns-inte/publicera", "/exempel/..%2F..%2Fetc/arkivera"):
        response = client.post(url, data={"csrf_token": token, "reason": "x"})
        assert response.status_code == 404, (url, response.status_code)
