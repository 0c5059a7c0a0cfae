"""Subscriptions and the notifier: who is owed which message, exactly once, in their language,
with a signed one-click unsubscribe link; nobody is told about what they may not read."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from data_scan import data_files
from wiki.notify import notify_services, stop_notifier, unsubscribe_signature


@pytest.fixture
def mail(world):
    """The world with addresses for maja (Falun), olle (Mora) and eva, and the notifier of the app."""
    for username, address in (("maja", "maja@falun.example"), ("olle", "olle@mora.example"),
                              ("eva", "eva@lansstyrelsen.example")):
        assert world.api("PUT", "/account", username, json={"email": address}).status_code == 200
    world.notify = notify_services(world.app)
    yield world
    stop_notifier(world.app)


def deliver(world) -> list:
    """Runs the notifier until the outbox has caught up with the log and sent what is due; returns
    every message in the outbox folder, parsed."""
    world.client.get("/api/v1/search", query_string={"min_position": world.wiki.position()})
    while world.notify.step():
        pass
    folder = Path(world.app.config["DATA_DIR"]) / "outbox"
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def to(messages, address) -> list:
    return [m for m in messages if m["To"] == address]


def subscribe(world, username, **body):
    response = world.api("POST", "/subscriptions", username, json={"frequency": "immediate", **body})
    assert response.status_code == 201, response.json
    return response.json["id"]


def publish(world, slug):
    response = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert response.status_code == 200, response.json
    return response.json["slug"]


def test_a_published_example_that_matches_makes_one_message_per_reader(mail):
    subscribe(mail, "maja", kind="search", query="hedersrelaterat")
    subscribe(mail, "olle", kind="search", filters={"violence_form": "hedersrelaterat"})
    subscribe(mail, "olle", kind="search", query="hedersrelaterat")  # two matching searches: one message
    subscribe(mail, "eva", kind="search", query="prostitution")
    slug = mail.example("maja", title="Hedersrelaterat våld i skolan", violence_forms=["hedersrelaterat"],
                        summary="Skolan och socialtjänsten samverkar.")
    assert deliver(mail) == [], "a draft makes no message"
    slug = publish(mail, slug)
    messages = deliver(mail)
    assert len(to(messages, "maja@falun.example")) == 1
    assert len(to(messages, "olle@mora.example")) == 1
    assert to(messages, "eva@lansstyrelsen.example") == []
    message = to(messages, "maja@falun.example")[0]
    assert "Hedersrelaterat våld i skolan" in message["Subject"]
    assert message["Message-ID"].startswith("<") and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"/exempel/{slug}" in text and "Skolan och socialtjänsten samverkar." in html
    assert [m["Message-ID"] for m in deliver(mail)] == [m["Message-ID"] for m in messages], "nothing is sent twice"


def test_a_draft_is_never_told_to_someone_who_may_not_read_it(mail):
    draft = mail.example("maja", title="Utkast om skolan")
    subscribe(mail, "maja", kind="example", example=draft)
    refused = mail.api("POST", "/subscriptions", "olle", json={"kind": "example", "example": draft})
    assert refused.status_code == 400, "olle may not know the draft exists"
    mail.api("PUT", f"/examples/{draft}", "maja", json={"base_version": 1, "summary": "Ny sammanfattning."})
    messages = deliver(mail)
    assert len(to(messages, "maja@falun.example")) == 1
    assert "Utkast om skolan" in to(messages, "maja@falun.example")[0]["Subject"]


def test_an_edit_to_a_watched_example_makes_one_message(mail):
    slug = publish(mail, mail.example("maja", title="Samverkan i Falun"))
    subscribe(mail, "olle", kind="example", example=slug)
    mail.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "summary": "Ändrad."})
    messages = deliver(mail)
    assert [m["Subject"] for m in to(messages, "olle@mora.example")] == ["Ändrat lärande exempel: Samverkan i Falun"]


def test_messages_are_in_the_readers_language(mail):
    mail.api("PUT", "/account", "olle", json={"language": "en"})
    subscribe(mail, "olle", kind="search", query="samverkan")
    publish(mail, mail.example("maja", title="Samverkan i Falun"))
    message = to(deliver(mail), "olle@mora.example")[0]
    assert message["Subject"] == "New learning example: Samverkan i Falun"
    assert message["Content-Language"] == "en"


def test_one_click_unsubscribe_works_and_a_forged_link_is_refused(mail):
    subscription = subscribe(mail, "olle", kind="search", query="samverkan")
    other = subscribe(mail, "maja", kind="search", query="samverkan")
    publish(mail, mail.example("maja", title="Samverkan i Falun"))
    message = to(deliver(mail), "olle@mora.example")[0]
    link = message["List-Unsubscribe"].strip("<>")
    path = link.split("//", 1)[1].split("/", 1)[1]
    forged = "/" + path.replace(subscription, other)
    assert mail.client.post(forged, data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert mail.client.post("/" + path.split("&s=")[0] + "&s=" + "0" * 32,
                            data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert [s["id"] for s in mail.api("GET", "/subscriptions", "maja").json["items"]] == [other]
    page = mail.client.get("/" + path)
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True), "GET asks, it does not unsubscribe"
    assert mail.api("GET", "/subscriptions", "olle").json["items"]
    assert mail.client.post("/" + path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert mail.api("GET", "/subscriptions", "olle").json["items"] == []
    assert unsubscribe_signature(mail.app.config["SECRET_KEY"], f"s:{subscription}") in path


def test_erasing_an_account_leaves_no_address_on_disk(mail):
    subscribe(mail, "olle", kind="search", query="samverkan")
    publish(mail, mail.example("maja", title="Samverkan i Falun"))
    assert to(deliver(mail), "olle@mora.example")
    assert mail.api("POST", "/accounts/olle/erase", "adam").status_code == 200
    deliver(mail)
    data_dir = Path(mail.app.config["DATA_DIR"])
    for path, data in data_files(data_dir):
        assert b"olle@mora.example" not in data, path
    assert mail.wiki.email_of("olle") is None
    assert mail.api("GET", "/account", "olle").status_code == 401, "the erased account is disabled"


@pytest.mark.parametrize("body, field", [
    ({"kind": "search"}, "query"), ({"kind": "search", "query": "x", "frequency": "daily"}, "frequency"),
    ({"kind": "search", "filters": {"violence_form": "okand"}}, "filters.violence_form"),
    ({"kind": "search", "filters": {"colour": "red"}}, "colour"), ({"kind": "page"}, "kind"),
    ({"kind": "example", "example": "finns-inte"}, "example"), ({"kind": "meetings", "query": "x"}, "query"),
])
def test_bad_subscriptions_are_refused_and_record_nothing(mail, body, field):
    before = mail.wiki.position()
    response = mail.api("POST", "/subscriptions", "maja", json=body)
    assert response.status_code == 400, response.json
    assert response.json["error"]["field"] == field
    assert mail.wiki.position() == before


def test_a_bad_address_or_language_is_refused(mail):
    for body, field in (({"email": "inte en adress"}, "email"), ({"language": "de"}, "language"),
                        ({"newsletter": "ja"}, "newsletter")):
        response = mail.api("PUT", "/account", "maja", json=body)
        assert response.status_code == 400 and response.json["error"]["field"] == field
    assert mail.api("GET", "/account", "maja").json["email"] == "maja@falun.example"
    assert mail.api("PUT", "/account", None, json={"email": "x@y.se"}).status_code == 401


def test_the_address_is_sealed_in_the_log(mail):
    rows = mail.wiki.recorder.select_notifications(start=0, limit=10_000)
    assert not any(b"maja@falun.example" in row.state for row in rows)


def test_meetings_reach_the_groups_members_and_weekly_subscribers_get_one_digest(mail):
    subscribe(mail, "maja", kind="meetings")
    subscribe(mail, "olle", kind="meetings", frequency="weekly")
    subscribe(mail, "olle", kind="search", query="samverkan", frequency="weekly")
    group = mail.api("POST", "/working-groups", "eva", json={
        "name": "Gruppen i Mora", "convenor": "mora-kommun", "start": "2024-01-01"}).json["slug"]
    for kind, extra in (("lansgruppsmote", {}), ("arbetsgruppsmote", {"working_group": group})):
        assert mail.api("POST", "/meetings", "eva", json={
            "title": f"Möte {kind}", "kind": kind, "date": "2030-02-01", "starts_at": "09:00", "ends_at": "12:00",
            "place": "Falun", **extra}).status_code == 201
    publish(mail, mail.example("maja", title="Samverkan i Falun"))
    messages = deliver(mail)
    assert [m["Subject"] for m in to(messages, "maja@falun.example")] == ["Nytt möte 2030-02-01: Möte lansgruppsmote"]
    assert to(messages, "olle@mora.example") == [], "weekly: nothing until the digest"
    assert len(mail.notify.outbox.digest_items("olle")) == 3
    assert mail.notify.outbox.make_digests() == 1
    digest = to(deliver(mail), "olle@mora.example")
    assert len(digest) == 1
    body = digest[0].get_body(("plain",)).get_content()
    assert "Möte arbetsgruppsmote" in body and "Möte lansgruppsmote" in body and "Samverkan i Falun" in body
    assert mail.notify.outbox.make_digests() == 0, "each item in one digest only"


def test_a_refusing_or_vanishing_smtp_server_delays_a_message_and_never_loses_it(world, tmp_path):
    import socket

    from aiosmtpd.controller import Controller

    from tests.test_mail_transport import Receiver
    from wiki.mail import SMTPTransport

    receiver = Receiver()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    world.api("PUT", "/account", "maja", json={"email": "maja@falun.example"})
    notify = notify_services(world.app)
    notify.mailer.transport = SMTPTransport(f"smtp://127.0.0.1:{port}")
    subscribe(world, "maja", kind="search", query="samverkan")
    publish(world, world.example("maja", title="Samverkan i Falun"))
    world.client.get("/api/v1/search", query_string={"min_position": world.wiki.position()})
    notify.notifier.catch_up()
    assert notify.mailer.send_due() == 1, "no server at all: tried once"
    (message,) = notify.outbox.messages("maja")
    assert (message["status"], message["attempts"]) == ("pending", 1)
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = "2999-01-01T00:00:00Z"
        for answer in ("451 try again later", "drop"):
            receiver.answer = answer
            assert notify.mailer.send_due(now=later) == 1
        assert notify.outbox.messages("maja")[0]["status"] == "pending" and receiver.received == []
        receiver.answer = "250 OK"
        assert notify.mailer.send_due() == 0, "not due again yet"
        assert notify.mailer.send_due(now=later) == 1
        assert notify.mailer.send_due(now=later) == 0
    finally:
        controller.stop()
        stop_notifier(world.app)
    assert len(receiver.received) == 1
    assert notify.outbox.messages("maja")[0]["status"] == "sent"
    assert message_from_bytes(receiver.received[0])["Message-ID"] == f"<{message['key']}@127.0.0.1>"


def test_a_newsletter_issue_reaches_those_who_opted_in_and_stays_in_the_archive(mail):
    import re
    mail.api("PUT", "/account", "maja", json={"newsletter": True})
    slug = publish(mail, mail.example("maja", title="Samverkan i Falun", summary="Kommun och jour."))
    meeting = mail.api("POST", "/meetings", "eva", json={
        "title": "Länsgruppsmöte", "kind": "lansgruppsmote", "date": "2024-02-29", "starts_at": "09:00",
        "ends_at": "12:00", "place": "Falun", "agenda": [{"title": "Spridning"}]}).json["id"]
    mail.api("PUT", f"/meetings/{meeting}/minutes", "eva", json={"base_version": 0, "items": [
        {"agenda_index": 0, "decisions": [{"text": "Exemplet sprids i alla kommuner."}]}]})
    mail.account("ulla", "coordinator")
    mail.api("POST", f"/meetings/{meeting}/minutes/approve", "ulla")
    deliver(mail)
    eva = mail.browser("eva")
    form = eva.get("/nyhetsbrev/ny").get_data(as_text=True)
    assert "Samverkan i Falun" in form and "2024:1 §1: Exemplet sprids i alla kommuner." in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    fields = {"csrf_token": token, "introduction": "Hej alla! Här är nytt från länsgruppen.", "examples": [slug],
              "decisions": [f"{meeting}|2024:1 §1"]}
    before = mail.wiki.position()
    preview = eva.post("/nyhetsbrev/ny", data={**fields, "action": "preview"})
    assert preview.status_code == 200 and "Förhandsgranskning" in preview.get_data(as_text=True)
    assert mail.wiki.position() == before, "a preview records nothing"
    assert eva.post("/nyhetsbrev/ny", data={**fields, "action": "send"}).status_code == 302
    assert mail.wiki.position() > before
    messages = [m for m in deliver(mail) if "nr 1" in m["Subject"]]
    assert [m["To"] for m in messages] == ["maja@falun.example"], "only those who opted in"
    text = messages[0].get_body(("plain",)).get_content()
    assert "Hej alla!" in text and "Samverkan i Falun" in text and "2024:1 §1" in text
    archive = mail.browser("olle").get("/nyhetsbrev/1").get_data(as_text=True)
    assert "Exemplet sprids i alla kommuner." in archive
    assert mail.client.get("/nyhetsbrev/1").status_code == 302, "signed-in readers only"
    assert mail.browser("maja").get("/nyhetsbrev/ny").status_code == 403
    again = eva.get("/nyhetsbrev/ny").get_data(as_text=True)
    assert "Inga nya exempel." in again, "the next issue starts after this one"


def test_the_same_subscription_twice_is_one_and_immediate_wins_over_weekly(mail):
    first = subscribe(mail, "maja", kind="search", query="samverkan")
    assert subscribe(mail, "maja", kind="search", query="samverkan") == first
    subscribe(mail, "maja", kind="search", query="falun", frequency="weekly")
    assert len(mail.api("GET", "/subscriptions", "maja").json["items"]) == 2
    publish(mail, mail.example("maja", title="Samverkan i Falun"))
    assert len(to(deliver(mail), "maja@falun.example")) == 1
    assert mail.notify.outbox.digest_items("maja") == [], "sent at once, not again in the digest"


def test_an_erasure_that_crashed_before_destroying_the_key_is_finished_by_the_read_model(mail):
    from events.subscriptions import mail_key_id
    account = mail.wiki.get_account("olle")
    key = mail.wiki.person_keys.get(mail_key_id(account))
    account.erase(actor="adam")
    mail.wiki.save(account)  # the event, and then the crash: the key was not destroyed
    assert mail.wiki.person_keys.get(mail_key_id(account)) == key
    mail.services.pages.catch_up()
    assert mail.wiki.person_keys.get(mail_key_id(account)) is None
    assert mail.wiki.email_of("olle") is None
