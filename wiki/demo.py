"""Demo data: the county group's real organisations, invented people, learning examples.

Loading is idempotent: whatever already exists (by slug or username) is left alone.
"""

import io
import os
import tempfile

import click
from PIL import Image, ImageDraw

from events.errors import Conflict
from events.permissions import Actor
from events.slugs import slugify

from .demo_examples import EXAMPLES, FLAGGED_EXAMPLES
from .demo_files import text_pdf
from .services import Services

DEMO_PASSWORD = "demo-losen-2026"
JOINED = "2010-03-01"

MUNICIPALITY_ORGANISATIONS = [
    ("Avesta kommun", "Avesta"), ("Borlänge kommun", "Borlänge"), ("Falu kommun", "Falun"),
    ("Gagnefs kommun", "Gagnef"), ("Hedemora kommun", "Hedemora"), ("Leksands kommun", "Leksand"),
    ("Ludvika kommun", "Ludvika"), ("Malung-Sälens kommun", "Malung-Sälen"), ("Mora kommun", "Mora"),
    ("Orsa kommun", "Orsa"), ("Rättviks kommun", "Rättvik"), ("Smedjebackens kommun", "Smedjebacken"),
    ("Säters kommun", "Säter"), ("Vansbro kommun", "Vansbro"), ("Älvdalens kommun", "Älvdalen"),
]

ORGANISATIONS = [
    ("Länsstyrelsen Dalarna", "lansstyrelse", "Falun"),
    ("Region Dalarna", "region", "Falun"),
    ("Högskolan Dalarna", "hogskola", "Falun"),
    ("Arbetsförmedlingen", "myndighet", None),
    ("Migrationsverket", "myndighet", None),
    ("Åklagarkammaren Falun", "myndighet", "Falun"),
    ("Kriminalvården", "myndighet", None),
    ("Polismyndigheten", "myndighet", None),
    *[(name, "kommun", municipality) for name, municipality in MUNICIPALITY_ORGANISATIONS],
    ("Kvinnojourerna i Dalarna", "kvinnojour", None),
    ("Brottsofferjouren Dalarna", "brottsofferjour", None),
    ("Rädda Barnen Dalarna", "ideell", None),
    ("Barnahus Dalarna", "barnahus", "Falun"),
]

# Invented people only.
ACCOUNTS = [
    ("eva.strand", "coordinator", None),
    ("karin.wall", "coordinator", None),
    ("admin", "admin", None),
    ("ingrid.alm", "auditor", None),
    ("maja.lind", "member", "falu-kommun"),
    ("ali.hassan", "member", "borlange-kommun"),
    ("sara.berg", "member", "region-dalarna"),
    ("erik.holm", "member", "polismyndigheten"),
    ("lena.nyberg", "member", "kvinnojourerna-i-dalarna"),
    ("johan.ek", "member", "hogskolan-dalarna"),
    ("nora.dahl", "member", "barnahus-dalarna"),
    ("peter.sjoberg", "member", "kriminalvarden"),
    ("amina.yusuf", "member", "ludvika-kommun"),
]

FOLLOW_UP = (
    "\n\n## Uppföljning\n\nArbetsgruppen följer upp arbetet en gång per år och redovisar i länsgruppen."
)


def load(services: Services, echo=click.echo) -> str:
    wiki = services.wiki
    system = Actor("demo", "admin", None)
    added = {"organisationer": 0, "konton": 0, "exempel": 0, "blanketter": 0, "möten": 0}

    with click.progressbar(ORGANISATIONS, label="Organisationer", file=None) as bar:
        for name, kind, municipality in bar:
            if not wiki.organisation_exists(slugify(name)):
                wiki.register_organisation(system, {"name": name, "kind": kind, "municipality": municipality,
                                                    "joined_on": JOINED})
                added["organisationer"] += 1

    with click.progressbar(ACCOUNTS, label="Konton        ", file=None) as bar:
        for username, role, organisation in bar:
            if not wiki.account_exists(username):
                try:
                    wiki.create_account(username, role, organisation, DEMO_PASSWORD, actor="demo")
                    added["konton"] += 1
                except Conflict:
                    pass

    roles = {username: (role, organisation) for username, role, organisation in ACCOUNTS}
    coordinator = Actor("eva.strand", "coordinator", None)
    services.pages.catch_up()
    loaded = services.pages.example_titles()
    with click.progressbar(EXAMPLES, label="Exempel       ", file=None) as bar:
        for index, example in enumerate(bar):
            if example["title"] in loaded:
                continue
            role, organisation = roles[example["author"]]
            author = Actor(example["author"], role, organisation)
            fields = {k: v for k, v in example.items() if k not in ("publish", "author")}
            written = wiki.create_example(author, {**fields, "comment": "Första versionen"}, source="demo")
            if index % 3 == 0:
                wiki.edit_example(author, written.slug, {
                    "base_version": 1, "body": fields["body"] + FOLLOW_UP,
                    "comment": "La till hur arbetet följs upp"})
            if index < 2:
                _attach_report(wiki, coordinator, written.slug, example["title"])
            if example["publish"]:
                if not author.curates:
                    wiki.submit_for_review(author, written.slug)
                wiki.publish_example(coordinator, written.slug)
            added["exempel"] += 1
        for example in FLAGGED_EXAMPLES:
            if example["title"] in loaded:
                continue
            role, organisation = roles[example["author"]]
            author = Actor(example["author"], role, organisation)
            fields = {k: v for k, v in example.items() if k != "author"}
            written = wiki.create_example(author, {**fields, "comment": "Första versionen"}, source="demo")
            wiki.submit_for_review(author, written.slug)
            added["exempel"] += 1

    added["blanketter"] = _load_register(wiki, roles)
    added["möten"] = _load_meetings(wiki)
    position = services.pages.catch_up()
    parts = ", ".join(f"{count} {what}" for what, count in added.items())
    return f"Demodata inläst: {parts} nya (position {position}). Lösenord för demokontona: {DEMO_PASSWORD}"


def _attach_report(wiki, actor: Actor, slug: str, title: str) -> None:
    """An invented evaluation report (a PDF of three pages) and a poster (PNG) for the example."""
    pages = [[f"Utvärdering: {title}", "", "Sammanfattning", "Arbetet följdes upp med enkäter till personalen",
              "och med statistik över ärenden före och efter."],
             ["Resultat", "", "Fler ärenden upptäcktes tidigt, och samverkan mellan verksamheterna",
              "beskrivs som tydligare. Uppföljningsmodellen kan användas av andra kommuner."],
             ["Slutsatser", "", "Arbetssättet rekommenderas för spridning i länet."]]
    poster = Image.new("RGB", (600, 400), (91, 42, 134))
    ImageDraw.Draw(poster).text((40, 180), title[:60], fill=(255, 255, 255))
    with tempfile.TemporaryDirectory() as folder:
        for name, data in (("utvardering.pdf", text_pdf(pages, author="Länsstyrelsen Dalarna")),
                           ("affisch.png", _png(poster))):
            path = os.path.join(folder, name)
            with open(path, "wb") as handle:
                handle.write(data)
            wiki.add_attachment(actor, slug, path, name)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# Invented names only; combined deterministically, so no list of real people is used.
FIRST_NAMES = ["Annika", "Björn", "Cecilia", "Dragan", "Elin", "Fredrik", "Gunilla", "Hassan", "Ida", "Jonas",
               "Karin", "Leila", "Magnus", "Nina", "Oskar", "Petra", "Rasmus", "Sofia", "Tomas", "Ulrika",
               "Viktor", "Yasmin", "Åsa", "Örjan"]
LAST_NAMES = ["Almgren", "Bergkvist", "Dahlström", "Eklund", "Forsberg", "Granlund", "Hedlund", "Isaksson",
              "Jernberg", "Kronqvist", "Lindahl", "Mossberg", "Norrby", "Olausson", "Pålsson", "Rydén",
              "Sandell", "Tallberg", "Wiklund", "Åkerlund"]
TITLES = ["Utvecklingsledare", "Enhetschef", "Samordnare våld i nära relation", "Socialsekreterare",
          "Verksamhetsutvecklare", "Kurator", "Handläggare", "Strateg"]


def _invented_person(seed: int, organisation: str) -> dict:
    first = FIRST_NAMES[seed % len(FIRST_NAMES)]
    last = LAST_NAMES[(seed * 7 + 3) % len(LAST_NAMES)]
    local = slugify(f"{first}.{last}", fallback="person").replace("-", ".")
    domain = organisation.split("-")[0]
    return {"name": f"{first} {last}", "email": f"{local}@{domain}.example",
            "phone": f"0{20 + seed % 70}-{100000 + seed * 7919 % 900000}",
            "title": TITLES[seed % len(TITLES)]}


def _load_register(wiki, roles: dict) -> int:
    """Several years of forms for every organisation: appointments, changes, some rejections."""
    from events.membership import Roster

    coordinator = Actor("eva.strand", "coordinator", None)
    members = {organisation: Actor(username, role, organisation)
               for username, (role, organisation) in roles.items() if role == "member"}
    forms = 0
    for index, (name, _, _) in enumerate(ORGANISATIONS):
        slug = slugify(name)
        if Roster.create_id(slug) in wiki.repository:
            continue
        submitter = members.get(slug, coordinator)
        seed = index * 5

        def submit(changes, note):
            nonlocal forms
            request_id, _ = wiki.submit_membership_request(submitter, {
                "organisation": slug, "note": note, "changes": changes})
            forms += 1
            return request_id

        first = submit([
            {"action": "appoint", "role": "representative", "person": _invented_person(seed, slug), "from": "2018-01-15"},
            {"action": "appoint", "role": "substitute", "person": _invented_person(seed + 1, slug), "from": "2018-01-15"},
        ], "Första blanketten efter länsgruppens nystart.")
        wiki.approve_membership_request(coordinator, first)
        if index % 2 == 0:
            changed = submit([{"action": "appoint", "role": "representative",
                               "person": _invented_person(seed + 2, slug), "from": f"{2020 + index % 4}-09-01"}],
                             "Ny ordinarie representant efter omorganisation.")
            wiki.approve_membership_request(coordinator, changed)
        if index % 3 == 0:
            rejected = submit([{"action": "appoint", "role": "substitute",
                                "person": _invented_person(seed + 3, slug), "from": "2023-03-01"}],
                              "Förslag på ny ersättare.")
            wiki.reject_membership_request(coordinator, rejected, {
                "reason": "Ersättaren ska utses av förvaltningsledningen; skicka en ny blankett när beslutet finns."})
        if index % 3 == 1:
            substitute = wiki.repository.get(Roster.create_id(slug)).latest_term("substitute")
            ended = submit([{"action": "end", "role": "substitute", "person_id": substitute["person_id"],
                             "on": "2024-06-30"}], "Ersättaren har slutat sin anställning.")
            wiki.approve_membership_request(coordinator, ended)
        if index % 4 == 1:
            later = submit([{"action": "appoint", "role": "substitute", "person": _invented_person(seed + 4, slug),
                             "from": "2025-02-01"}], "Ny ersättare.")
            wiki.approve_membership_request(coordinator, later)
    return forms


COUNTY_DAYS = ("02-12", "05-14", "09-17", "11-26")
AGENDA = [
    {"title": "Mötet öppnas och dagordningen fastställs", "text": ""},
    {"title": "Nytt från medlemsorganisationerna", "text": "Varje organisation berättar kort vad som hänt sedan sist."},
    {"title": "Lärande exempel att sprida", "text": "Genomgång av exempel som publicerats sedan förra mötet."},
    {"title": "Uppdrag och uppföljning", "text": "Uppdrag från tidigare möten följs upp."},
]
GROUPS = [
    {"name": "Arbetsgruppen för hedersrelaterat våld och förtryck", "convenor": "lansstyrelsen-dalarna",
     "members": ["region-dalarna", "polismyndigheten", "borlange-kommun", "ludvika-kommun", "kvinnojourerna-i-dalarna"],
     "start": "2024-01-15",
     "mandate": "## Uppdrag\n\nTa fram en gemensam rutin för att upptäcka och hantera hedersrelaterat våld och "
                "förtryck, och sprida den till alla kommuner i länet.\n\n## Redovisning\n\nGruppen redovisar "
                "till länsgruppen vid varje länsgruppsmöte."},
    {"name": "Arbetsgruppen för våldsförebyggande arbete i skolan", "convenor": "hogskolan-dalarna",
     "members": ["falu-kommun", "mora-kommun", "radda-barnen-dalarna", "barnahus-dalarna"],
     "start": "2025-02-01",
     "mandate": "## Uppdrag\n\nSammanställa metoder för våldsförebyggande arbete i skolan och pröva dem i två "
                "kommuner."},
]


def _attendance(wiki, meeting_id: str, organisations: list[str], day: str, seed: int) -> list[dict]:
    """Invented attendance that varies: mostly representatives, sometimes substitutes or absences."""
    items = []
    for n, slug in enumerate(organisations):
        roll = (seed * 31 + n * 17) % 10
        status = ("representative" if roll < 6 else "substitute" if roll < 8 else
                  "absent_notified" if roll == 8 else "absent")
        if status in ("representative", "substitute") and wiki.role_holder(slug, status, day) is None:
            status = "absent_notified"
        items.append({"organisation": slug, "status": status})
    return items


def _minutes(organisations: list[str], due: str, seed: int) -> dict:
    first, second = organisations[seed % len(organisations)], organisations[(seed + 5) % len(organisations)]
    return {"base_version": 0, "items": [
        {"agenda_index": 0, "text": "Ordföranden hälsade välkommen.", "decisions": [{"text": "Dagordningen fastställdes."}]},
        {"agenda_index": 1, "text": "Organisationerna berättade om arbetet sedan förra mötet."},
        {"agenda_index": 2, "text": "Två publicerade exempel presenterades och diskuterades.",
         "decisions": [{"text": "Exemplen sprids i varje medlemsorganisation före nästa möte."}],
         "tasks": [{"title": "Sprida exemplen till ledningsgruppen", "organisation": first, "due": due},
                   {"title": "Bjuda in till en lokal workshop", "organisation": second, "due": due}]},
        {"agenda_index": 3, "text": "Uppdragen från förra mötet gicks igenom."},
    ]}


def _load_meetings(wiki) -> int:
    """Three years of county meetings (four a year, and the next year's first two planned) and two working groups, with attendance,
    approved minutes and tasks; meetings still to come are only planned."""
    from events.meetings import WorkingGroup
    from events.meeting_commands import today

    if WorkingGroup.create_id(slugify(GROUPS[0]["name"])) in wiki.repository:
        return 0
    writer = Actor("eva.strand", "coordinator", None)
    approver = Actor("karin.wall", "coordinator", None)
    county = [slugify(name) for name, _, _ in ORGANISATIONS]
    now = today()
    planned = 0
    groups = [wiki.create_working_group(writer, group)[0] for group in GROUPS]
    meetings = [(f"{year}-{day}", "lansgruppsmote", None) for year in (2024, 2025, 2026) for day in COUNTY_DAYS]
    meetings += [(f"2027-{day}", "lansgruppsmote", None) for day in COUNTY_DAYS[:2]]
    meetings += [(day, "arbetsgruppsmote", groups[0]) for day in ("2025-03-20", "2025-10-09", "2026-04-16",
                                                                   "2027-03-11")]
    meetings += [(day, "arbetsgruppsmote", groups[1]) for day in ("2025-04-03", "2026-01-29", "2027-02-04")]
    for seed, (day, kind, group) in enumerate(sorted(meetings)):
        title = "Länsgruppsmöte" if kind == "lansgruppsmote" else "Arbetsgruppsmöte"
        meeting_id, _ = wiki.plan_meeting(writer, {
            "title": title, "kind": kind, "working_group": group, "date": day, "starts_at": "09:30",
            "ends_at": "15:30" if kind == "lansgruppsmote" else "12:00",
            "place": "Länsstyrelsen Dalarna, Falun" if kind == "lansgruppsmote" else "Digitalt möte (Teams)",
            "agenda": AGENDA})
        planned += 1
        if day > now:
            continue
        members = county if group is None else wiki.get_working_group(group).members_on(day)
        wiki.record_attendance(writer, meeting_id, {"items": _attendance(wiki, meeting_id, members, day, seed)})
        due = f"{int(day[:4]) + (day[5:7] > '08')}-{'03' if day[5:7] > '08' else '10'}-31"
        wiki.write_minutes(writer, meeting_id, _minutes(members, due, seed))
        wiki.approve_minutes(approver, meeting_id)
        if due < now and seed % 3:
            for task in wiki.get_meeting(meeting_id).tasks:
                wiki.follow_up_task(writer, meeting_id, task, {"status": "done", "note": "Redovisat på mötet."})
    return planned
