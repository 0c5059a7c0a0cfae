"""Demo data: the county group's real organisations, invented people, learning examples.

Loading is idempotent: whatever already exists (by slug or username) is left alone.
"""

import click

from events.errors import Conflict
from events.permissions import Actor
from events.slugs import slugify

from .demo_examples import EXAMPLES, FLAGGED_EXAMPLES
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
    added = {"organisationer": 0, "konton": 0, "exempel": 0, "blanketter": 0}

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
            written = wiki.create_example(author, {**fields, "comment": "Första versionen"})
            if index % 3 == 0:
                wiki.edit_example(author, written.slug, {
                    "base_version": 1, "body": fields["body"] + FOLLOW_UP,
                    "comment": "La till hur arbetet följs upp"})
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
            written = wiki.create_example(author, {**fields, "comment": "Första versionen"})
            wiki.submit_for_review(author, written.slug)
            added["exempel"] += 1

    added["blanketter"] = _load_register(wiki, roles)
    position = services.pages.catch_up()
    parts = ", ".join(f"{count} {what}" for what, count in added.items())
    return f"Demodata inläst: {parts} nya (position {position}). Lösenord för demokontona: {DEMO_PASSWORD}"


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
