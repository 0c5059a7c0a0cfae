"""Attendance per year: a table per organisation and an SVG picture (organisations × meetings).

The picture is built here with explicit XML escaping (it is not a Jinja template) and drawn with
shapes, not colour alone: a filled disc for attended, a ring for absent with notice, a cross for
absent, a question mark for not recorded, a dash where the organisation was not expected. The
page shows it as an image whose equivalent is the tables beside it."""

from datetime import date, datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from events.meetings import ATTENDANCE_LABELS, ATTENDED
from events.messages import N_

from ..i18n import Labels
from ..services import services
from . import bp

FIRST_YEAR, LAST_YEAR = 1900, 2100

# What the picture and the detailed table tell apart, in the order of the legend.
KINDS = ("attended", "absent_notified", "absent", "unrecorded", "not_expected")
KIND_LABELS = {"attended": N_("deltog"), "absent_notified": N_("anmält förhinder"), "absent": N_("frånvarande"),
               "unrecorded": N_("inte registrerat"), "not_expected": N_("inte medlem vid mötet")}
MEETING_KIND_LABELS = {"lansgruppsmote": N_("länsgrupp"), "arbetsgruppsmote": N_("arbetsgrupp")}
STATUS_LABELS = {**ATTENDANCE_LABELS, "unrecorded": N_("inte registrerat")}

CELL, ROW, LABEL_WIDTH, HEADER, MARGIN, NAME_MAX = 64, 26, 240, 56, 8, 34
INK, MUTED = "#1d1d1f", "#555555"


def kind_of(status: str | None) -> str:
    if status is None:
        return "not_expected"
    return "attended" if status in ATTENDED else status


def _year(raw: str | None) -> int | None:
    """The year asked for; None when it is not a year between 1900 and 2100."""
    if raw is None or raw == "":
        return datetime.now(timezone.utc).year
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4 or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return None
    return int(raw)


def _share(item: dict) -> str:
    return f"{round(100 * item['attended'] / item['held'])} %" if item["held"] else "–"


def _short_date(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.day}/{d.month}"


@bp.get("/motesnarvaro")
def attendance():
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))
    year = _year(request.args.get("ar"))
    if year is None:
        return render_template("error.html", status=400, message=_(
            "Ange året som fyra siffror mellan %(first)s och %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)), 400
    summary = services().pages.attendance_year(year)
    for item in summary["items"]:
        item["share"] = _share(item)
    statuses = Labels(STATUS_LABELS)
    rows = [{"item": item, "cells": [_cell(summary["grid"].get(f"{item['organisation']}|{m['id']}"), statuses)
                                     for m in summary["meetings"]]} for item in summary["items"]]
    return render_template("attendance.html", year=year, summary=summary, rows=rows,
                           previous=year - 1 if year > FIRST_YEAR else None,
                           following=year + 1 if year < LAST_YEAR else None,
                           kinds=[(kind, _(KIND_LABELS[kind])) for kind in KINDS],
                           meeting_kinds=Labels(MEETING_KIND_LABELS))


def _cell(status: str | None, statuses: Labels) -> dict:
    kind = kind_of(status)
    return {"kind": kind, "label": statuses.get(status, status) if status else _(KIND_LABELS["not_expected"])}


@bp.get("/motesnarvaro/<int:year>.svg")
def attendance_svg(year):
    if not g.actor.signed_in:
        return redirect(url_for("pages.sign_in", next=request.path))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    response = Response(attendance_picture(services().pages.attendance_year(year)),
                        mimetype="image/svg+xml")
    response.charset = "utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- the picture ------------------------------------------------------------------------------------

def _symbol(kind: str, cx: float, cy: float) -> str:
    """The shape for `kind` centred on (cx, cy)."""
    if kind == "attended":
        return f'<circle cx="{cx}" cy="{cy}" r="8" fill="#1e6b3a"/>'
    if kind == "absent_notified":
        return f'<circle cx="{cx}" cy="{cy}" r="7" fill="none" stroke="#8a5a00" stroke-width="2.5"/>'
    if kind == "absent":
        d = 6
        return (f'<path d="M{cx - d},{cy - d} L{cx + d},{cy + d} M{cx - d},{cy + d} L{cx + d},{cy - d}" '
                f'stroke="#a1182c" stroke-width="3" stroke-linecap="round"/>')
    if kind == "unrecorded":
        return (f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-size="15" font-weight="700" '
                f'fill="{MUTED}">?</text>')
    return f'<line x1="{cx - 5}" y1="{cy}" x2="{cx + 5}" y2="{cy}" stroke="{MUTED}" stroke-width="1.5"/>'


def _truncated(name: str) -> str:
    return name if len(name) <= NAME_MAX else name[:NAME_MAX - 1] + "…"


def attendance_picture(summary: dict) -> str:
    """The SVG document: a row per organisation, a column per held meeting, a legend below."""
    meetings, items, grid = summary["meetings"], summary["items"], summary["grid"]
    statuses = Labels(STATUS_LABELS)
    width = LABEL_WIDTH + CELL * max(len(meetings), 1) + 2 * MARGIN
    top = MARGIN + HEADER
    legend_top = top + ROW * len(items) + 24
    height = legend_top + ROW * len(KINDS) + MARGIN
    title = _("Närvaro vid länsgruppens möten %(year)s", year=summary["year"])
    description = _("%(organisations)s organisationer och %(meetings)s genomförda möten. Fylld cirkel: deltog; "
                    "ring: anmält förhinder; kryss: frånvarande; frågetecken: inte registrerat; streck: inte "
                    "medlem vid mötet.", organisations=len(items), meetings=len(meetings))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-labelledby="title desc" font-family="system-ui, sans-serif">',
           f'<title id="title">{escape(title)}</title>', f'<desc id="desc">{escape(description)}</desc>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    out.append('<g class="meetings">')
    for n, meeting in enumerate(meetings):
        x = MARGIN + LABEL_WIDTH + n * CELL + CELL / 2
        label = f"{meeting['number']} {meeting['date']}: {meeting['title']}"
        out.append(f'<g class="meeting"><title>{escape(label)}</title>'
                   f'<text x="{x}" y="{MARGIN + 16}" text-anchor="middle" font-size="11" fill="{INK}">'
                   f'{escape(meeting["number"])}</text>'
                   f'<text x="{x}" y="{MARGIN + 32}" text-anchor="middle" font-size="11" fill="{MUTED}">'
                   f'{escape(_short_date(meeting["date"]))}</text>'
                   f'<text x="{x}" y="{MARGIN + 47}" text-anchor="middle" font-size="10" fill="{MUTED}">'
                   f'{escape(_(MEETING_KIND_LABELS.get(meeting["kind"], meeting["kind"])))}</text></g>')
    out.append('</g>')
    for row, item in enumerate(items):
        y = top + row * ROW
        name = item["name"] or item["organisation"]
        out.append(f'<g class="organisation" data-organisation={quoteattr(item["organisation"])}>')
        out.append(f'<rect x="{MARGIN}" y="{y}" width="{width - 2 * MARGIN}" height="{ROW}" '
                   f'fill="{"#f6f4f8" if row % 2 else "#ffffff"}"/>')
        out.append(f'<text x="{MARGIN + 4}" y="{y + 17}" font-size="12" fill="{INK}"><title>{escape(name)}</title>'
                   f'{escape(_truncated(name))}</text>')
        for n, meeting in enumerate(meetings):
            status = grid.get(f"{item['organisation']}|{meeting['id']}")
            kind = kind_of(status)
            said = statuses.get(status, status) if status else _(KIND_LABELS["not_expected"])
            cell_title = f"{name}, {meeting['number']} ({meeting['date']}): {said}"
            cx, cy = MARGIN + LABEL_WIDTH + n * CELL + CELL / 2, y + ROW / 2
            out.append(f'<g class={quoteattr("cell " + kind)} data-meeting={quoteattr(meeting["id"])}>'
                       f'<title>{escape(cell_title)}</title>{_symbol(kind, cx, cy)}</g>')
        out.append('</g>')
    out.append(f'<g class="legend"><text x="{MARGIN}" y="{legend_top - 6}" font-size="12" font-weight="700" '
               f'fill="{INK}">{escape(_("Teckenförklaring"))}</text>')
    for n, kind in enumerate(KINDS):
        y = legend_top + n * ROW
        out.append(f'<g class={quoteattr("key " + kind)}>{_symbol(kind, MARGIN + 12, y + ROW / 2)}'
                   f'<text x="{MARGIN + 30}" y="{y + 17}" font-size="12" fill="{INK}">'
                   f'{escape(_(KIND_LABELS[kind]))}</text></g>')
    out.append('</g></svg>')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(out) + "\n"
