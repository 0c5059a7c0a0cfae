"""Learning example pages: read, list, write with preview, history, diff, revert, status."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from events import validation
from events.errors import (
    Conflict, EditConflict, IdentifyingDetails, NotAllowed, NotFound, NotSignedIn, RevisionSuppressed, ValidationError,
)
from events.examples import CONTENT_FIELDS
from events.identification import check_example
from events.messages import Message, msg
from events.permissions import (
    can_archive_example, can_edit_example, can_publish_example, can_review_example, can_submit_for_review,
    can_suppress_revisions,
)
from events.rendering import EXTERNAL_IMAGE_REMOVED, MISSING_LINK_TITLE, mark_missing_links, render_markdown
from events.vocabulary import EVALUATIONS, GOALS, MEASURE_TYPES, STATUSES, VIOLENCE_FORMS

from ..auth import page_actor
from ..diffs import example_diff, side_by_side
from ..review import marked_fields, review_checklist
from ..i18n import translate
from ..kept_forms import COOKIE as KEPT_COOKIE, LIFETIME_SECONDS as KEPT_SECONDS, kept_forms
from ..page_cache import anonymous_page
from ..services import services
from . import FIELD_LABELS, bp, remember_write as _remember_write, sign_in_first as _sign_in_first
from .attachments import attachment_findings, attachment_listing

PER_PAGE = 20
MAX_PAGE = 1000
FORM_ENDPOINTS = ("pages.new_example", "pages.edit_example")
# Set after a save: the browser's draft copy of that form (static/drafts.js) is then removed.
DRAFT_SAVED_COOKIE = "lansgrupp_draft_saved"
# The form's inputs for content fields that the form shows in another shape than the API.
FORM_INPUTS = {"organisations": ("owner", "partners"), "period": ("start_year", "end_year")}
CONTENT_CHANGES = ("created", "edited", "reverted")


def _readable(slug: str, version: int | None = None) -> dict:
    example = services().pages.example(g.actor, slug, version)
    if example is None:
        canonical = services().pages.canonical_slug(g.actor, slug)
        if canonical is None:
            abort(404)
        if request.method == "GET":
            abort(redirect(request.full_path.rstrip("?").replace(f"/exempel/{slug}", f"/exempel/{canonical}", 1),
                           code=301))
        example = services().pages.example(g.actor, canonical, version)
        if example is None:
            abort(404)
    if example.get("missing_version"):
        abort(404)
    return example


def _int_param(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        abort(400)
    return int(raw)


@bp.get("/exempel")
@anonymous_page
def examples():
    pages = services().pages
    filters = {}
    for facet, allowed in (("violence_form", VIOLENCE_FORMS), ("goal", GOALS)):
        value = request.args.get(facet) or None
        if value is not None and value not in allowed:
            abort(400)
        if value:
            filters[facet] = value
    organisation = request.args.get("organisation") or None
    if organisation:
        if pages.organisation(organisation) is None:
            abort(400)
        filters["organisation"] = organisation
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        abort(400)
    page = _int_param("page") or 1
    if page > MAX_PAGE:
        abort(400)
    total, items = pages.list_examples(g.actor, status=status, filters=filters, page=page, per_page=PER_PAGE)
    pages_count = max(1, (total + PER_PAGE - 1) // PER_PAGE)

    def page_url(number: int) -> str:
        return url_for("pages.examples", **{**request.args.to_dict(), "page": number})

    return render_template("examples.html", items=items, total=total, page=page, pages_count=pages_count,
                           page_url=page_url,
                           selected={"status": status, "organisation": organisation, **filters},
                           organisations=pages.organisations())


@bp.get("/exempel/<slug>")
@anonymous_page
def example(slug):
    version = _int_param("version")
    shown = _readable(slug, version)
    shown["html"] = _translate_missing_links(shown.get("html") or "")
    pages = services().pages
    organisations = shown["organisations"] or []
    may_edit = can_edit_example(g.actor, organisations)
    current = shown["version"] == shown["current_version"]
    checked = may_edit and current and shown["status"] != "published"
    findings = check_example(shown) if checked else []
    row = pages.example_row(shown["slug"])
    attachments = attachment_listing(row["id"], shown["version"], may_edit, current)
    file_findings = attachment_findings(attachments) if checked else []
    return render_template(
        "example.html", example=shown, backlinks=pages.backlinks(g.actor, slug),
        organisation_names={o["slug"]: o["name"] for o in pages.organisations()},
        may_edit=may_edit, may_archive=can_archive_example(g.actor),
        may_submit=can_submit_for_review(g.actor, organisations) and not g.actor.curates,
        may_publish=can_publish_example(g.actor), may_review=can_review_example(g.actor),
        findings=findings + file_findings, marked=marked_fields(shown, findings),
        blocked=any(f.severity == "block" for f in findings + file_findings),
        checklist=review_checklist(shown) if g.actor.curates else None,
        returned=pages.return_comment(g.actor, shown) if may_edit else None, **_watching(shown["slug"]),
        attachments=attachments, current=current, may_destroy=can_suppress_revisions(g.actor),
        max_attachment_mb=round(services().wiki.attachment_max_bytes / (1024 * 1024), 1))


def _watching(slug: str) -> dict:
    """For the "Bevaka" button: the reader's subscription to this example, if any, and whether
    they have an address to be told at."""
    if not g.actor.signed_in:
        return {"watching": None, "has_email": False}
    pages = services().pages
    row = pages.example_row(slug)
    watching = None if row is None else next(
        (s for s in pages.subscriptions_of(g.actor.username) if s["kind"] == "example" and s["example_id"] == row["id"]),
        None)
    return {"watching": watching, "has_email": pages.mail_settings(g.actor.username)["has_email"]}


# ---- writing ---------------------------------------------------------------------------


def _split_labels(raw: str) -> list[str]:
    return [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]


def _year(raw: str, label) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) != 4:
        raise ValidationError(msg("%(label)s: ange ett årtal med fyra siffror.", label=label), "period")
    return int(raw)


def form_to_fields(form) -> dict:
    """The form's content fields in the API's shape."""
    owner = form.get("owner", "").strip()
    partners = [p for p in form.getlist("partners") if p and p != owner]
    start = _year(form.get("start_year", ""), msg("Startår"))
    end = _year(form.get("end_year", ""), msg("Slutår"))
    if start is None and end is not None:
        raise ValidationError(msg("Ange startår om du anger slutår."), "period")
    return {
        "title": form.get("title", ""),
        "summary": form.get("summary", ""),
        "body": form.get("body", ""),
        "organisations": ([owner] if owner else []) + partners,
        "municipalities": form.getlist("municipalities"),
        "violence_forms": form.getlist("violence_forms"),
        "goals": form.getlist("goals"),
        "target_groups": _split_labels(form.get("target_groups", "")),
        "measure_types": form.getlist("measure_types"),
        "evaluation": form.get("evaluation") or None,
        "period": {"start_year": start, "end_year": end} if start is not None else None,
        "contact": form.get("contact", ""),
        "tags": _split_labels(form.get("tags", "")),
    }


def _form_values(form) -> dict:
    """What the person typed, to show again unchanged."""
    return {
        "title": form.get("title", ""), "summary": form.get("summary", ""), "body": form.get("body", ""),
        "owner": form.get("owner", ""), "partners": form.getlist("partners"),
        "municipalities": form.getlist("municipalities"), "violence_forms": form.getlist("violence_forms"),
        "goals": form.getlist("goals"), "measure_types": form.getlist("measure_types"),
        "target_groups": form.get("target_groups", ""), "tags": form.get("tags", ""),
        "evaluation": form.get("evaluation", ""), "start_year": form.get("start_year", ""),
        "end_year": form.get("end_year", ""), "contact": form.get("contact", ""),
        "comment": form.get("comment", ""), "base_version": form.get("base_version", ""),
    }


def _values_from_content(content: dict, version: int | None = None) -> dict:
    organisations = content.get("organisations") or []
    period = content.get("period") or {}
    return {
        "title": content.get("title") or "", "summary": content.get("summary") or "",
        "body": content.get("body") or "", "owner": organisations[0] if organisations else "",
        "partners": organisations[1:], "municipalities": content.get("municipalities") or [],
        "violence_forms": content.get("violence_forms") or [], "goals": content.get("goals") or [],
        "measure_types": content.get("measure_types") or [],
        "target_groups": ", ".join(content.get("target_groups") or []), "tags": ", ".join(content.get("tags") or []),
        "evaluation": content.get("evaluation") or "", "start_year": str(period.get("start_year") or ""),
        "end_year": str(period.get("end_year") or ""), "contact": content.get("contact") or "",
        "comment": "", "base_version": str(version or ""),
    }


def _render_form(values: dict, *, slug=None, error=None, error_field=None, preview=None, conflict=None, kept=False,
                 status=200):
    text = _checked_text(values)
    findings = check_example(text, text["comment"]) if preview is not None else []
    return render_template(
        "edit.html", values=values, slug=slug, error=error, error_field=error_field, preview=preview,
        findings=findings, marked=marked_fields(text, findings),
        blocked=any(f.severity == "block" for f in findings),
        conflict=conflict, kept=kept, draft_key=_draft_key(slug), unsaved=request.method == "POST" or kept,
        organisations=[o for o in services().pages.organisations() if not o["left_on"]]), status


def _checked_text(values: dict) -> dict:
    """The form's free-text fields as the identification check reads them, the edit comment included:
    the preview checks what the form holds now, not what was saved."""
    return {"title": values["title"], "summary": values["summary"], "body": values["body"],
            "contact": values["contact"], "target_groups": _split_labels(values["target_groups"]),
            "tags": _split_labels(values["tags"]), "comment": values["comment"]}


def _flash_findings(slug: str) -> None:
    """After a save: tell the person when the saved text holds details that may identify someone
    (the example page marks them, as long as it is not published)."""
    saved = services().pages.example(g.actor, slug)
    if saved is None or not check_example(saved):
        return
    if saved["status"] == "published":
        flash(gettext("Den publicerade texten innehåller uppgifter som kan identifiera en person. Redigera "
                      "exemplet och förhandsvisa det för att se var."), "warn")
    else:
        flash(gettext("Kontrollen hittade uppgifter som kan identifiera en person. De är markerade nedan: ta bort "
                      "dem innan exemplet skickas till granskning eller publiceras."), "warn")


def _draft_key(slug: str | None) -> str:
    """The name of the browser's draft copy of the form: the account's, per example."""
    return f"edit:{g.actor.username}:{slug}" if slug else f"new:{g.actor.username}"


def _saved(response, slug: str | None):
    """The answer to a successful save, telling the browser to drop its draft copy of the form."""
    response.set_cookie(DRAFT_SAVED_COOKIE, _draft_key(slug), max_age=300, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _fresh_form(values: dict, slug: str | None = None):
    """The form page for a GET: filled with what the person posted when their session had ended,
    if this browser has such a kept form for this page, else with `values`."""
    form_id = request.cookies.get(KEPT_COOKIE)
    if form_id is None:
        return _render_form(values, slug=slug)
    pairs = kept_forms().take(form_id, request.path)
    if pairs is None:
        page = _render_form(values, slug=slug)
    else:
        page = _render_form(_form_values(MultiDict(pairs)), slug=slug, kept=True)
    response = make_response(page)
    response.delete_cookie(KEPT_COOKIE, path=request.path, httponly=True, samesite="Lax",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def keep_expired_form():
    """The example form posted without a live session, or with the CSRF token of an ended one: what
    was posted is not lost. Without a session it is kept for a while and the person signs in again
    and finds it in the form; signed in (a token from before they signed in anew), the form comes
    back at once with their text and a fresh token. None for every other request."""
    if request.method != "POST" or request.endpoint not in FORM_ENDPOINTS or not _from_this_site():
        return None
    if "actor" not in g:
        g.actor = page_actor()
    if g.actor.signed_in:
        slug = (request.view_args or {}).get("slug")
        if slug is not None:
            example = services().pages.example(g.actor, slug)
            if example is None or not can_edit_example(g.actor, example["organisations"] or []):
                return None
        elif not g.actor.writes:
            return None
        return _render_form(_form_values(request.form), slug=slug, status=400, error=gettext(
            "Formuläret hade gått ut, till exempel för att du har loggat in på nytt sedan sidan öppnades."))
    form_id = kept_forms().keep(request.path, list(request.form.items(multi=True)))
    flash(gettext("Du hade blivit utloggad, så inget är sparat än. Logga in igen, så finns det du skrev "
                  "kvar i formuläret."), "error")
    response = redirect(url_for("pages.sign_in", next=request.path))
    response.set_cookie(KEPT_COOKIE, form_id, max_age=KEPT_SECONDS, path=request.path, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _from_this_site() -> bool:
    """Whether the browser says the form was posted from one of this site's pages: another site's
    forged post must not fill anyone's form."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _shown(field: str, value, organisation_names: dict) -> str:
    """A field's value as the conflict section shows it: names and labels, not ids."""
    if field == "period":
        return f"{value['start_year']}–{value.get('end_year') or ''}" if value else ""
    if field == "evaluation":
        return gettext(EVALUATIONS[value]) if value in EVALUATIONS else (value or "")
    if field == "organisations":
        return ", ".join(organisation_names.get(slug, slug) for slug in value or [])
    if isinstance(value, list):
        labels = {"violence_forms": VIOLENCE_FORMS, "goals": GOALS, "measure_types": MEASURE_TYPES}.get(field, {})
        return ", ".join(gettext(labels[v]) if v in labels else v for v in value)
    return value or ""


def _conflict(values: dict, fields: dict, base_version: int, theirs: dict, error: EditConflict) -> tuple[dict, dict]:
    """The form after an edit conflict and what its conflict section shows. Fields the person left as
    they were in their base version take the saved version's content (so saving again keeps others'
    changes); fields they changed keep their text. Every field that then differs from the saved
    version is listed, those that both changed marked."""
    pages = services().pages
    yours = validation.content_fields(fields, services().wiki.organisation_exists)
    row = pages.example_row(theirs["slug"])
    base = pages.version_content(row["id"], base_version, g.actor) if row else None
    saved = _values_from_content(theirs, theirs["version"])
    merged = {**values, "base_version": saved["base_version"]}
    differing = []
    for field in CONTENT_FIELDS:
        if base is not None and yours.get(field) == base.get(field):
            merged.update({name: saved[name] for name in FORM_INPUTS.get(field, (field,))})
        elif yours.get(field) != theirs.get(field):
            differing.append(field)
    names = {o["slug"]: o["name"] for o in pages.organisations()}
    conflict = {
        "message": translate(error.message), "theirs": theirs,
        "both": [gettext(FIELD_LABELS[f]) for f in CONTENT_FIELDS if f in error.fields],
        "fields": [{"field": f, "theirs": _shown(f, theirs.get(f), names), "yours": _shown(f, yours.get(f), names),
                    "both": f in error.fields} for f in differing if f != "body"],
        "rows": side_by_side(theirs.get("body") or "", values["body"]) if "body" in differing else None,
    }
    return merged, conflict


def _form_error(error) -> str:
    """The error as the form shows it: a field by the label the person sees ("Titel"), not by its
    name in the API ("title")."""
    message = error.message
    field = getattr(error, "field", None)
    if isinstance(message, Message) and field in FIELD_LABELS and message.params.get("field") == field:
        message = Message(message.template, **{**message.params, "field": msg(FIELD_LABELS[field])})
    return translate(message)


def _preview_html(body: str) -> str:
    html = render_markdown(body).html
    pages = services().pages
    return _translate_missing_links(mark_missing_links(html, pages.readable_titles(g.actor, pages._link_targets(html))))


def _translate_missing_links(html: str) -> str:
    """The tooltip of links to examples the reader cannot open, and the marker of removed outside
    images, in the reader's language."""
    marked = f'<a class="wikilink missing" title="{MISSING_LINK_TITLE}" '
    html = html.replace(marked, f'<a class="wikilink missing" title="{escape(gettext(MISSING_LINK_TITLE))}" ')
    removed = f'<span class="external-image-removed">[{EXTERNAL_IMAGE_REMOVED}'
    return html.replace(removed, f'<span class="external-image-removed">[{escape(gettext(EXTERNAL_IMAGE_REMOVED))}')


@bp.route("/nytt-exempel", methods=["GET", "POST"])
def new_example():
    if not g.actor.signed_in:
        return keep_expired_form() or _sign_in_first()
    if not g.actor.writes:
        abort(403)
    if request.method == "GET":
        values = _values_from_content({"organisations": [g.actor.organisation] if g.actor.organisation else []})
        return _fresh_form(values)
    values = _form_values(request.form)
    if request.form.get("action") == "preview":
        return _render_form(values, preview=_preview_html(values["body"]))
    try:
        data = {**form_to_fields(request.form), "comment": values["comment"]}
        written = services().wiki.create_example(g.actor, data, source="page")
    except (ValidationError, NotAllowed) as error:
        return _render_form(values, error=_form_error(error), error_field=getattr(error, "field", None),
                            status=400 if isinstance(error, ValidationError) else 403)
    _remember_write(written.position)
    flash(gettext("Exemplet sparades som utkast."), "ok")
    _flash_findings(written.slug)
    return _saved(redirect(url_for("pages.example", slug=written.slug)), None)


@bp.route("/exempel/<slug>/redigera", methods=["GET", "POST"])
def edit_example(slug):
    if not g.actor.signed_in:
        return keep_expired_form() or _sign_in_first()
    current = _readable(slug)
    if not can_edit_example(g.actor, current["organisations"] or []):
        abort(403)
    if request.method == "GET":
        return _fresh_form(_values_from_content(current, current["version"]), slug=slug)
    values = _form_values(request.form)
    if request.form.get("action") == "preview":
        return _render_form(values, slug=slug, preview=_preview_html(values["body"]))
    try:
        fields = form_to_fields(request.form)
        base = values["base_version"]
        data = {**fields, "comment": values["comment"],
                "base_version": int(base) if base.isdigit() and len(base) < 9 else 0}
        written = services().wiki.edit_example(g.actor, slug, data)
    except EditConflict as error:
        services().pages.catch_up()
        merged, conflict = _conflict(values, fields, data["base_version"], _readable(slug), error)
        return _render_form(merged, slug=slug, conflict=conflict, status=409)
    except (ValidationError, NotAllowed) as error:
        return _render_form(values, slug=slug, error=_form_error(error), error_field=getattr(error, "field", None),
                            status=400 if isinstance(error, ValidationError) else 403)
    except IdentifyingDetails as error:
        return _render_form(values, slug=slug, error=translate(error.message), preview=_preview_html(values["body"]),
                            status=422)
    _remember_write(written.position)
    flash(gettext("Ändringen sparades.") if written.changed else gettext("Inget ändrades."), "ok")
    _flash_findings(written.slug)
    return _saved(redirect(url_for("pages.example", slug=slug)), slug)


@bp.post("/exempel/<slug>/publicera")
def publish_example(slug):
    reason = request.form.get("override_reason", "").strip()[:500]
    data = {"override_reason": reason} if reason else {}
    try:
        return _status_command(slug, lambda actor, s: services().wiki.publish_example(actor, s, data),
                               gettext("Exemplet är publicerat."))
    except IdentifyingDetails as error:
        flash(translate(error.message), "error")
        return redirect(url_for("pages.example", slug=slug) + "#kontroll")


@bp.post("/exempel/<slug>/skicka-till-granskning")
def submit_for_review(slug):
    return _status_command(slug, services().wiki.submit_for_review,
                           gettext("Exemplet är skickat till granskning. Samordnaren publicerar det eller skickar "
                                   "tillbaka det med en kommentar."))


@bp.post("/exempel/<slug>/skicka-tillbaka")
def return_example(slug):
    comment = request.form.get("comment", "")
    try:
        return _status_command(slug, lambda actor, s: services().wiki.return_example(actor, s, {"comment": comment}),
                               gettext("Exemplet är tillbaka hos organisationen som utkast."))
    except ValidationError as error:
        flash(translate(error.message), "error")
        return redirect(url_for("pages.example", slug=slug))


@bp.get("/granskningsko")
def review_queue():
    if not g.actor.signed_in:
        return _sign_in_first()
    if not can_review_example(g.actor):
        abort(403)
    total, items = services().pages.list_examples(g.actor, status="in_review", per_page=100)
    return render_template("review_queue.html", items=items, total=total)


@bp.post("/exempel/<slug>/arkivera")
def archive_example(slug):
    return _status_command(slug, services().wiki.archive_example, gettext("Exemplet är arkiverat."))


def _status_command(slug, command, message):
    if not g.actor.signed_in:
        return _sign_in_first()
    try:
        written = command(g.actor, slug)
    except NotFound:
        abort(404)
    except (NotAllowed, NotSignedIn):
        abort(403)
    except Conflict as error:
        flash(translate(error.message), "error")
        return redirect(url_for("pages.example", slug=slug))
    _remember_write(written.position)
    flash(message, "ok")
    return redirect(url_for("pages.example", slug=written.slug))


# ---- history -------------------------------------------------------------------------


@bp.get("/exempel/<slug>/historik")
def history(slug):
    current = _readable(slug)
    row = services().pages.example_row(slug)
    items = services().pages.history(row["id"], g.actor)
    newest = sorted({i["version"] for i in items if i["change"] in CONTENT_CHANGES}, reverse=True)
    return render_template("history.html", example=current, items=items,
                           compare_to=newest[0] if newest else None, compare_from=newest[1] if len(newest) > 1 else None,
                           may_edit=can_edit_example(g.actor, current["organisations"] or []),
                           may_suppress=can_suppress_revisions(g.actor))


@bp.get("/exempel/<slug>/jamfor")
def diff(slug):
    current = _readable(slug)
    first, second = _int_param("from"), _int_param("to")
    row = services().pages.example_row(slug)
    versions = services().pages.versions(row["id"], g.actor)
    if len(versions) < 2:
        return render_template("diff.html", example=current, nothing_to_compare=True)
    if any(v is not None and v not in versions for v in (first, second)):
        abort(404)
    first, second = _versions_to_compare(versions, first, second)
    old = services().pages.version_content(row["id"], first, g.actor)
    new = services().pages.version_content(row["id"], second, g.actor)
    if old is None or new is None:
        abort(404)
    return render_template("diff.html", example=current, first=first, second=second,
                           diff=example_diff(old, new),
                           rows=side_by_side(old.get("body") or "", new.get("body") or ""))


def _versions_to_compare(versions: list[int], first: int | None, second: int | None) -> tuple[int, int]:
    """The two versions to compare (of `versions`, oldest first, at least two): `to` defaults to the
    newest and `from` to the version before it; the same version twice compares it with the one
    before (the first version with the one after); reversed ones are swapped."""
    if second is None:
        second = versions[-1]
    if first is None or first == second:
        earlier = [v for v in versions if v < second]
        first = earlier[-1] if earlier else next(v for v in versions if v > second)
    return min(first, second), max(first, second)


@bp.post("/exempel/<slug>/aterstall")
def revert(slug):
    if not g.actor.signed_in:
        return _sign_in_first()
    raw = request.form.get("to_version", "")
    if raw == "":
        flash(gettext("Välj vilken version som ska återställas med dess knapp."), "error")
        return redirect(url_for("pages.history", slug=slug))
    if not raw.isdigit() or len(raw) > 9:
        abort(400)
    try:
        written = services().wiki.revert_example(
            g.actor, slug, {"to_version": int(raw), "comment": request.form.get("comment", "")[:500]})
    except NotFound:
        abort(404)
    except (NotAllowed, NotSignedIn):
        abort(403)
    except (ValidationError, RevisionSuppressed, IdentifyingDetails) as error:
        flash(translate(error.message), "error")
        return redirect(url_for("pages.history", slug=slug))
    _remember_write(written.position)
    flash(gettext("Version %(old)s återställdes som version %(new)s.", old=raw, new=written.version), "ok")
    return redirect(url_for("pages.example", slug=slug))

