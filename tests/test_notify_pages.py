"""Subscribing from where people read: the "Bevaka" button on an example page and the search page's
"Prenumerera på den här sökningen", through Flask's test client with CSRF on; neither is offered to
someone who is not signed in."""

from html.parser import HTMLParser

import pytest

SUBSCRIBE = "/konto/prenumerationer"


class Forms(HTMLParser):
    """The page's POST forms: action and the values they would send (a select sends its first option)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms, self._select = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append({"action": attrs.get("action"), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            self.forms[-1]["fields"].setdefault(self._select, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def posting_to(self, action: str) -> list[dict]:
        return [form for form in self.forms if form["action"] == action]


def forms_on(client, path: str) -> Forms:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return Forms(page.get_data(as_text=True))


def subscriptions(world, username):
    response = world.api("GET", "/subscriptions", username)
    assert response.status_code == 200, response.json
    return response.json["items"]


@pytest.fixture
def published(world):
    slug = world.example("maja", title="Hedersrelaterat våld i skolan", violence_forms=["hedersrelaterat"])
    response = world.api("POST", f"/examples/{slug}/publish", "eva")
    assert response.status_code == 200, response.json
    return response.json["slug"]


def test_the_watch_button_subscribes_to_the_example_and_stops_again(world, published):
    olle = world.browser("olle")
    page = f"/exempel/{published}"
    [watch] = forms_on(olle, page).posting_to(SUBSCRIBE)
    assert watch["fields"]["kind"] == "example" and watch["fields"]["example"] == published
    assert "Du bevakar exemplet" not in olle.get(page).get_data(as_text=True)

    answer = olle.post(SUBSCRIBE, data=watch["fields"])
    assert answer.status_code == 302 and answer.headers["Location"] == page, "back to the example"
    example_id = world.services.pages.example_row(published)["id"]
    [subscription] = subscriptions(world, "olle")
    assert (subscription["kind"], subscription["example_id"], subscription["frequency"]) == (
        "example", example_id, "immediate")

    shown = olle.get(page).get_data(as_text=True)
    assert "Du bevakar exemplet" in shown and "Du har ingen e-postadress än" in shown
    assert forms_on(olle, page).posting_to(SUBSCRIBE) == [], "no second watch button"
    assert "Bevakar exemplet Hedersrelaterat våld i skolan" in " ".join(
        olle.get(SUBSCRIBE).get_data(as_text=True).split()), "the subscriptions page lists it"

    [stop] = forms_on(olle, page).posting_to(f"{SUBSCRIBE}/{subscription['id']}/avsluta")
    answer = olle.post(stop["action"], data=stop["fields"])
    assert answer.status_code == 302 and answer.headers["Location"] == page
    assert subscriptions(world, "olle") == []
    assert len(forms_on(olle, page).posting_to(SUBSCRIBE)) == 1, "the watch button is back"


def test_a_member_watches_their_own_draft_but_the_next_field_cannot_leave_the_site(world):
    draft = world.example("maja", title="Utkast om skolan")
    maja = world.browser("maja")
    [watch] = forms_on(maja, f"/exempel/{draft}").posting_to(SUBSCRIBE)
    answer = maja.post(SUBSCRIBE, data={**watch["fields"], "next": "//evil.example/"})
    assert answer.status_code == 302 and answer.headers["Location"] == SUBSCRIBE
    assert [s["kind"] for s in subscriptions(world, "maja")] == ["example"]


def test_the_search_page_subscribes_to_its_query_and_filters(world, published):
    olle = world.browser("olle")
    page = "/sok?q=hedersrelaterat&violence_form=hedersrelaterat&municipality=Falun&sort=updated"
    [form] = forms_on(olle, page).posting_to(SUBSCRIBE)
    fields = form["fields"]
    assert (fields["kind"], fields["query"], fields["frequency"]) == ("search", "hedersrelaterat", "immediate")
    assert "sort" not in fields and "page" not in fields
    answer = olle.post(SUBSCRIBE, data={**fields, "frequency": "weekly"})
    assert answer.status_code == 302 and answer.headers["Location"] == SUBSCRIBE
    [subscription] = subscriptions(world, "olle")
    assert subscription["kind"] == "search" and subscription["query"] == "hedersrelaterat"
    assert subscription["filters"] == {"violence_form": "hedersrelaterat", "municipality": "Falun"}
    assert subscription["frequency"] == "weekly"


def test_a_search_by_filters_alone_is_offered_but_an_empty_search_is_not(world, published):
    olle = world.browser("olle")
    assert forms_on(olle, "/sok").posting_to(SUBSCRIBE) == []
    [form] = forms_on(olle, "/sok?goal=forebyggande").posting_to(SUBSCRIBE)
    assert olle.post(SUBSCRIBE, data=form["fields"]).status_code == 302
    [subscription] = subscriptions(world, "olle")
    assert (subscription["query"], subscription["filters"]) == ("", {"goal": "forebyggande"})


def test_anonymous_readers_get_no_subscription_forms(world, published):
    anonymous = world.client
    for path in (f"/exempel/{published}", "/sok?q=hedersrelaterat&violence_form=hedersrelaterat"):
        html = anonymous.get(path).get_data(as_text=True)
        assert Forms(html).posting_to(SUBSCRIBE) == [], path
        assert "Bevaka" not in html and "Prenumerera" not in html, path
