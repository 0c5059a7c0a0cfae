"""Safe publishing (issue 12): members send examples for review, coordinators publish or return
them, and the identification check stops details that may identify a person."""

import pytest

from test_pages import form, sign_in

PERSONNUMMER = "870412-2384"   # invented, with a valid check digit
PHONE = "070-123 45 67"


def status_of(world, slug, username="eva"):
    return world.api("GET", f"/examples/{slug}", username).json["status"]


def test_a_member_sends_for_review_and_cannot_publish(world):
    slug = world.example("maja", title="Till granskning")
    world.token("maja")
    before = world.wiki.position()
    response = world.api("POST", f"/examples/{slug}/publish", "maja")
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    assert world.wiki.position() == before
    response = world.api("POST", f"/examples/{slug}/submit-for-review", "maja")
    assert response.status_code == 200 and response.json["status"] == "in_review"
    assert status_of(world, slug) == "in_review"
    assert world.api("GET", f"/examples/{slug}").status_code == 404, "not public while in review"
    queue = world.api("GET", "/examples?status=in_review", "eva").json["items"]
    assert [item["slug"] for item in queue] == [slug]
    assert world.api("POST", f"/examples/{slug}/publish", "maja").status_code == 403
    published = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert published.status_code == 200 and published.json["status"] == "published"


def test_only_the_owners_members_send_for_review(world):
    slug = world.example("maja", title="Partnerns utkast", organisations=["falu-kommun", "mora-kommun"])
    assert world.api("POST", f"/examples/{slug}/submit-for-review", "olle").status_code == 403
    assert world.api("POST", f"/examples/{slug}/submit-for-review", "gun").status_code == 403
    assert world.api("POST", f"/examples/{slug}/submit-for-review").status_code == 401
    assert status_of(world, slug) == "draft"


def test_return_needs_a_coordinator_and_a_comment(world):
    slug = world.example("maja", title="Skickas tillbaka")
    assert world.api("POST", f"/examples/{slug}/return", "eva", json={"comment": "Inte än"}).status_code == 409, \
        "only an example in review is returned"
    world.api("POST", f"/examples/{slug}/submit-for-review", "maja")
    for username, status in (("maja", 403), ("olle", 404), ("gun", 403)):
        response = world.api("POST", f"/examples/{slug}/return", username, json={"comment": "Nej"})
        assert response.status_code == status, username
    assert world.api("POST", f"/examples/{slug}/return", "eva", json={}).status_code == 400
    assert world.api("POST", f"/examples/{slug}/return", "eva", json={"comment": "   "}).status_code == 400
    assert status_of(world, slug) == "in_review"
    response = world.api("POST", f"/examples/{slug}/return", "eva", json={"comment": "Lägg till utvärderingen."})
    assert response.status_code == 200 and response.json["status"] == "draft"
    history = world.api("GET", f"/examples/{slug}/history", "maja").json["items"]
    assert (history[0]["change"], history[0]["comment"]) == ("returned", "Lägg till utvärderingen.")
    page = world.client.get(f"/exempel/{slug}")
    assert page.status_code == 404
    sign_in(world.client, "maja")
    assert "Lägg till utvärderingen." in world.client.get(f"/exempel/{slug}").get_data(as_text=True), \
        "the comment is shown to the example's organisation"


def test_a_coordinators_own_example_is_published_directly(world):
    slug = world.example("eva", title="Samordnarens eget", organisations=["falu-kommun"])
    assert world.api("POST", f"/examples/{slug}/publish", "eva").status_code == 200
    slug = world.example("adam", title="Administratörens eget", organisations=["mora-kommun"])
    assert world.api("POST", f"/examples/{slug}/publish", "adam").status_code == 200


def test_a_personnummer_blocks_publishing_even_with_a_reason(world):
    slug = world.example("maja", title="Med personnummer", body=f"Kvinnan, {PERSONNUMMER}, fick stöd.")
    world.api("POST", f"/examples/{slug}/submit-for-review", "maja")
    world.token("eva")
    before = world.wiki.position()
    for payload in (None, {"override_reason": "Jag har kontrollerat."}):
        response = world.api("POST", f"/examples/{slug}/publish", "eva", json=payload)
        assert response.status_code == 422, response.json
        error = response.json["error"]
        assert error["code"] == "identifying_details"
        assert [(f["field"], f["kind"], f["severity"]) for f in error["findings"]] == [
            ("body", "personnummer", "block")]
        finding = error["findings"][0]
        assert f"Kvinnan, {PERSONNUMMER}, fick stöd."[finding["start"]:finding["end"]] == PERSONNUMMER
        assert PERSONNUMMER not in finding["excerpt"], "the excerpt masks the finding"
    assert world.wiki.position() == before and status_of(world, slug) == "in_review"


def test_warnings_stop_publishing_until_a_coordinator_gives_a_reason(world):
    slug = world.example("maja", title="Med telefonnummer", summary=f"Ring {PHONE} för stöd.")
    world.api("POST", f"/examples/{slug}/submit-for-review", "maja")
    response = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert response.status_code == 422
    assert [(f["field"], f["kind"], f["severity"]) for f in response.json["error"]["findings"]] == [
        ("summary", "phone", "warn")]
    reason = "Numret är mottagningens växel, publicerat på kommunens webbplats."
    published = world.api("POST", f"/examples/{slug}/publish", "eva", json={"override_reason": reason})
    assert published.status_code == 200, published.json
    events = world.api("GET", "/audit/events?type=LearningExample.Published&limit=100", "gun").json["items"]
    assert events[-1]["data"]["override_reason"] == reason, "the event records the override"
    history = world.api("GET", f"/examples/{published.json['slug']}/history").json["items"]
    assert (history[0]["change"], history[0]["comment"]) == ("published", reason)


def test_the_check_answers_those_who_may_edit(world):
    slug = world.example("maja", title="Kontrolleras", body=f"Ring {PHONE} eller mejla anna.berg@example.se.",
                         contact="kontakt@falun.example")
    response = world.api("GET", f"/examples/{slug}/check", "maja")
    assert response.status_code == 200
    findings = response.json["findings"]
    assert [(f["field"], f["kind"], f["severity"]) for f in findings] == [
        ("body", "phone", "warn"), ("body", "email", "warn")]
    assert all(PHONE not in f["excerpt"] and "anna.berg@" not in f["excerpt"] for f in findings)
    assert world.api("GET", f"/examples/{slug}/check", "eva").status_code == 200
    assert world.api("GET", f"/examples/{slug}/check", "gun").status_code == 403
    assert world.api("GET", f"/examples/{slug}/check", "olle").status_code == 404
    assert world.api("GET", f"/examples/{slug}/check").status_code == 401


@pytest.mark.parametrize("username", ["maja", "eva"])
def test_the_example_page_shows_the_findings_marked(world, username):
    slug = world.example("maja", title="Markeras", body=f"Ring {PHONE} efter klockan nio.")
    sign_in(world.client, username)
    page = world.client.get(f"/exempel/{slug}").get_data(as_text=True)
    assert f'<mark class="severity-warn">{PHONE}</mark>' in page
    assert "Identifieringskontroll" in page


def test_the_review_queue_page_is_for_coordinators(world):
    slug = world.example("maja", title="I kön")
    world.api("POST", f"/examples/{slug}/submit-for-review", "maja")
    sign_in(world.client, "maja")
    assert world.client.get("/granskningsko").status_code == 403
    coordinator = world.app.test_client()
    sign_in(coordinator, "eva")
    page = coordinator.get("/granskningsko").get_data(as_text=True)
    assert "I kön" in page
    example = coordinator.get(f"/exempel/{slug}").get_data(as_text=True)
    assert "Granskarens checklista" in example and "Skicka tillbaka" in example


# ---- the editor: findings in the preview and after a save ---------------------------------------

def test_a_preview_shows_the_findings_marked_in_every_text_field(world):
    token = sign_in(world.client, "maja")
    before = world.wiki.position()
    preview = world.client.post("/nytt-exempel", data=form(
        token, action="preview", body=f"Kvinnan, {PERSONNUMMER}, fick stöd.", tags="stöd, Anna Lindqvist",
        comment=f"Ring mig på {PHONE}"))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Förhandsvisning" in page and "Identifieringskontroll" in page
    assert f'<mark class="severity-block">{PERSONNUMMER}</mark>' in page
    assert '<mark class="severity-warn">Anna Lindqvist</mark>' in page
    assert f'<mark class="severity-warn">{PHONE}</mark>' in page
    assert "Blockerar: personnummer i Beskrivning" in page
    assert "Varning: namn i Taggar" in page and "Varning: telefonnummer i Kommentar till ändringen" in page
    assert "kan inte publiceras förrän de är borttagna" in page
    assert world.wiki.position() == before, "a preview records nothing"


def test_a_preview_without_findings_marks_nothing(world):
    token = sign_in(world.client, "maja")
    preview = world.client.post("/nytt-exempel", data=form(token, action="preview", body="Kuratorn ringer upp."))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Förhandsvisning" in page
    assert "<mark" not in page and "findings-list" not in page
    assert "Kontrollen hittade inga personnummer" in page


def test_the_edit_preview_checks_the_forms_text_not_the_saved_one(world):
    slug = world.example("maja", title="Redigeras", body=f"Ring {PHONE}.")
    token = sign_in(world.client, "maja")
    preview = world.client.post(f"/exempel/{slug}/redigera", data=form(
        token, action="preview", body="Ring mottagningen.", summary="Fru Berg fick hjälp."))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'Fru <mark class="severity-warn">Berg</mark>' in page
    assert PHONE not in page


def test_saving_text_with_findings_says_so_and_the_page_marks_them(world):
    token = sign_in(world.client, "maja")
    saved = world.client.post("/nytt-exempel", data=form(token, body=f"Ring {PHONE} efter nio."))
    assert saved.status_code == 302
    page = world.client.get(saved.location).get_data(as_text=True)
    assert "Exemplet sparades som utkast." in page
    assert 'class="flash warn"' in page and "ta bort dem innan exemplet skickas till granskning" in page
    assert f'<mark class="severity-warn">{PHONE}</mark>' in page
    clean = world.client.post("/nytt-exempel", data=form(token, title="Utan fynd", body="Ring mottagningen."))
    page = world.client.get(clean.location).get_data(as_text=True)
    assert "Exemplet sparades som utkast." in page and 'class="flash warn"' not in page


def test_editing_a_published_example_into_findings_says_so(world):
    slug = world.example("eva", title="Publicerat", organisations=["falu-kommun"])
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    token = sign_in(world.client, "eva")  # a member's change like this is refused (see below); a coordinator's is told
    saved = world.client.post(f"/exempel/{slug}/redigera", data=form(
        token, title="Publicerat", body=f"Ring {PHONE}.", base_version="1"))
    assert saved.status_code == 302
    page = world.client.get(saved.location).get_data(as_text=True)
    assert "Ändringen sparades." in page and "Den publicerade texten innehåller uppgifter" in page


def test_a_change_to_a_published_example_brings_no_new_identifying_details(world):
    """An edit of a published example is public at once, without review."""
    slug = world.example("maja", title="Publicerat stöd", body="Ring växeln på 023-123 45 vid frågor.")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva",
                     json={"override_reason": "Växelnumret är offentligt."}).json["slug"]
    before = world.wiki.position()
    phone = world.api("PUT", f"/examples/{slug}", "maja", json={"base_version": 1, "body": "Ring 070-918 27 36."})
    assert (phone.status_code, phone.json["error"]["code"]) == (422, "identifying_details")
    assert [f["kind"] for f in phone.json["error"]["findings"]] == ["phone"]
    comment = world.api("PUT", f"/examples/{slug}", "maja",
                        json={"base_version": 1, "summary": "Ny.", "comment": "Efter samtal med Anna Berglund"})
    assert comment.status_code == 422 and comment.json["error"]["findings"][0]["field"] == "comment"
    block = world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "body": "Gäller 870412-2384."})
    assert (block.status_code, block.json["error"]["findings"][0]["severity"]) == (422, "block")
    assert world.wiki.position() == before
    # the warning the coordinator published over stays allowed; a coordinator's own warning too
    same = world.api("PUT", f"/examples/{slug}", "maja",
                     json={"base_version": 1, "body": "Ring växeln på 023-123 45, vardagar."})
    assert same.status_code == 200, same.json
    assert world.api("PUT", f"/examples/{slug}", "eva",
                     json={"base_version": 2, "body": "Ring 070-918 27 36."}).status_code == 200
    # a draft is checked at review, not at each save
    draft = world.example("maja", title="Utkast med nummer", body="Ring 070-918 27 36.")
    assert world.api("PUT", f"/examples/{draft}", "maja", json={"base_version": 1, "summary": "Ring 070-555 12 34"}
                     ).status_code == 200


def test_the_edit_page_shows_why_a_change_to_a_published_example_was_refused(world):
    from tests.test_pages import form, sign_in
    slug = world.example("maja", title="Publicerat på sidan", body="Text.")
    slug = world.api("POST", f"/examples/{slug}/publish", "eva").json["slug"]
    token = sign_in(world.client, "maja")
    before = world.wiki.position()
    response = world.client.post(f"/exempel/{slug}/redigera", data=form(
        token, title="Publicerat på sidan", body="Ring 070-918 27 36.", base_version="1", action="save"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "genast visa uppgifter" in page and '<mark class="severity-warn' in page
    assert world.wiki.position() == before


def test_a_reason_the_history_shows_may_not_repeat_the_details(world):
    slug = world.example("maja", title="Med telefon", body="Ring 070-918 27 36.")
    world.headers("eva")
    world.headers("adam")
    before = world.wiki.position()
    published = world.api("POST", f"/examples/{slug}/publish", "eva",
                          json={"override_reason": "Numret 070-918 27 36 är Anna Berglunds tjänstetelefon."})
    assert (published.status_code, published.json["error"]["code"]) == (422, "identifying_details")
    assert {f["field"] for f in published.json["error"]["findings"]} == {"override_reason"}
    assert world.wiki.position() == before
    slug = world.api("POST", f"/examples/{slug}/publish", "eva",
                     json={"override_reason": "Tjänstetelefon, offentlig."}).json["slug"]
    assert world.api("PUT", f"/examples/{slug}", "eva", json={"base_version": 1, "body": "Ring växeln."}).status_code == 200
    before = world.wiki.position()
    hidden = world.api("POST", f"/examples/{slug}/versions/1/suppress", "adam",
                       json={"reason": "Innehöll 070-918 27 36"})
    assert (hidden.status_code, hidden.json["error"]["code"]) == (422, "identifying_details")
    assert world.wiki.position() == before
