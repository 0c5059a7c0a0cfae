"""`flask --app wiki …` commands: users, demo data, the store."""

import functools
import json
import os
import shutil
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from events.errors import DomainError

from .services import StoreNotReady, services

users = AppGroup("users", help="Konton.")
demo = AppGroup("demo", help="Demodata.")
db = AppGroup("db", help="Händelselagret och läsmodellen.")
index = AppGroup("index", help="Sökindexet.")
audit = AppGroup("audit", help="Granskning: hashkedjan över händelseloggen.")
examples = AppGroup("examples", help="Lärande exempel.")


def needs_store(command=None, *, create: bool = False):
    """Stops a command with a clear message when the store's tables are missing; one-off
    commands that write (`create=True`) create them instead, as `db init` would."""
    if command is None:
        return functools.partial(needs_store, create=create)

    @functools.wraps(command)
    def checked(*args, **kwargs):
        try:
            services().ensure_ready()
        except StoreNotReady:
            if not create:
                raise click.ClickException(
                    "Händelselagret saknar tabeller: kör först flask --app wiki db init.") from None
            _init_store()
            click.echo("Händelselagrets tabeller skapades (som med db init).", err=True)
        return command(*args, **kwargs)
    return checked


def _init_store() -> None:
    from events.application import init_store
    init_store(current_app.config["DATA_DIR"], current_app.config["EVENT_STORE"])
    services().throttle.failures.create_tables()
    services().ready = False
    services().ensure_ready()


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["member", "coordinator", "auditor", "admin"]))
@click.option("--organisation", default=None, help="Organisationens slug (krävs för member).")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in.")
@needs_store(create=True)
def create_user(username, role, organisation, password_stdin):
    """Skapar ett konto."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt=True)
    try:
        position = services().wiki.create_account(username, role, organisation, password, actor="cli")
    except DomainError as error:
        raise click.ClickException(error.message) from None
    services().pages.catch_up()
    click.echo(f"Kontot {username} ({role}) skapades (position {position}).")


@demo.command("load")
@needs_store(create=True)
def load_demo():
    """Läser in organisationerna, påhittade personer och lärande exempel (kan köras flera gånger)."""
    from .demo import load
    summary = load(services(), echo=click.echo)
    click.echo(summary)


@db.command("init")
def init_store():
    """Skapar händelselagrets tabeller (behövs en gång för PostgreSQL)."""
    _init_store()
    click.echo("Tabellerna finns.")


@db.command("rebuild-pages")
@needs_store
def rebuild_pages():
    """Bygger om läsmodellen (sidorna) från händelseloggen."""
    head = services().wiki.position()
    with click.progressbar(length=max(head, 1), label="Bygger om läsmodellen") as bar:
        position = services().pages.rebuild(progress=bar.update)
    click.echo(f"Läsmodellen byggd till position {position}.")


@index.command("status")
@needs_store
def index_status():
    """Visar händelseloggens och sökindexets position."""
    from search_index import IndexUnavailable

    log_position = services().wiki.position()
    click.echo(f"händelselogg: {log_position}")
    try:
        index_position = services().index.position()
        count = services().index.example_count()
    except IndexUnavailable:
        click.echo("sökindex:     byggs om från loggen (saknades eller var trasigt); följaren gör det, "
                   "eller kör flask --app wiki index rebuild")
        return
    click.echo(f"sökindex:     {index_position}" + ("" if index_position >= log_position else "  (efter)"))
    click.echo(f"exempel i indexet: {count}")


@index.command("rebuild")
@needs_store
def index_rebuild():
    """Bygger ett nytt sökindex från enbart händelseloggen (läser aldrig det gamla, som kan vara trasigt)
    och byter till det; sökningen svarar under tiden."""
    head = services().wiki.position()
    with click.progressbar(length=max(head, 1), label="Bygger om sökindexet") as bar:
        position = services().follower.rebuild(progress=bar.update)
    click.echo(f"Sökindexet är byggt till position {position} ({services().index.example_count()} exempel).")


@index.command("follow")
@click.option("--poll", default=0.1, show_default=True, help="Sekunder mellan kontrollerna av loggen.")
@click.option("--batch", default=500, show_default=True, help="Högst så många händelser per indexering.")
@needs_store
def index_follow(poll, batch):
    """Håller sökindexet uppdaterat tills processen stoppas."""
    import signal
    import threading

    from search_index.projection import follow_forever

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    parent = os.environ.get("WIKI_FOLLOWER_PARENT")
    if parent:  # run by gunicorn's master (wiki/gunicorn_config.py): ends with it, even when it is killed

        def watch_parent():
            while not stop.wait(1.0):
                if os.getppid() != int(parent):
                    stop.set()

        threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
    background = services().background
    follower = services().follower
    follower.batch = max(1, batch)
    click.echo("Följer händelseloggen (Ctrl+C avslutar)…")
    follow_forever(follower, background.lock, stop, poll=poll, log=lambda message: click.echo(message, err=True),
                   chores=background.chores)
    click.echo(f"Stoppad vid position {services().index.position()}.")


@audit.command("digest")
@needs_store
def audit_digest():
    """Skriver kedjans huvud som en rad JSON: {"position": N, "sha256": "…"}."""
    click.echo(json.dumps(services().audit.digest()))


@audit.command("verify")
@click.option("--digest", "digest_json", multiple=True,
              help='En tidigare digest: {"position": N, "sha256": "…"}; kan ges flera gånger.')
@click.option("--digests", "digests_file", type=click.File("r", encoding="utf-8"), default=None,
              help="En fil med tidigare digester, en rad JSON var (som audit digest skriver dem).")
@needs_store
def audit_verify(digest_json, digests_file):
    """Kontrollerar att den lagrade loggen är oförändrad; avslutar med 1 och första felaktiga position annars."""
    from events.audit import parse_digests

    texts = list(digest_json) + ([line for line in digests_file if line.strip()] if digests_file else [])
    try:
        digests = [json.loads(text) for text in texts]
        parse_digests(digests)
        if not all(isinstance(d, dict) and len(d["sha256"]) == 64 and int(d["position"]) >= 0 for d in digests):
            raise ValueError
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        raise click.UsageError('--digest: ange {"position": N, "sha256": "<64 hex>"}') from None
    result = services().audit.verify(digests or None)
    if result["ok"]:
        click.echo("ok")
        return
    click.echo(verify_failure(result))
    raise SystemExit(1)


def verify_failure(result: dict) -> str:
    """What a failed verification found, in words."""
    if result.get("reason") != "digest_mismatch":
        return f"FEL: första felaktiga position {result['first_bad_position']}"
    at = result["digest_position"]
    lines = [f"FEL: loggen stämmer inte längre med digesten tagen vid position {at}."]
    if result["first_bad_position"] != at:
        lines.append(f"Loggen saknar digestens position; första position som saknas: {result['first_bad_position']}.")
    if "unchanged_through" in result:
        lines.append(f"En tidigare digest stämmer till och med position {result['unchanged_through']}: "
                     f"ändringen ligger mellan position {result['unchanged_through'] + 1} och {at}.")
    else:
        lines.append("Var ändringen ligger kan en digest ensam inte visa när de sparade länkarna också är "
                     "omskrivna; äldre digester (--digest flera gånger) ringar in den.")
    return "\n".join(lines)


@audit.command("export")
@click.option("--what", type=click.Choice(["membership", "log"]), default="membership", show_default=True,
              help="membership: medlemshistoriken; log: varje lagrad händelse för wiki-audit-verify.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Fil att skriva till (standard ut om den utelämnas).")
@needs_store
def audit_export(what, fmt, output):
    """Skriver medlemshistoriken (vem som hade vilken roll, enligt vilken blankett), eller med
    --what=log hela händelseloggen som den är lagrad (JSON Lines), till standard ut eller en fil."""
    from .audit_export import EXPORT_BATCH, log_export_lines, membership_rows, to_csv, to_jsonl

    if what == "log":
        for line in log_export_lines(services()):
            output.write(line)
        return
    services().pages.catch_up()
    rows = membership_rows(services().pages.all_terms())
    with click.progressbar(length=max(len(rows), 1), label="Exporterar", file=sys.stderr) as bar:
        for start in range(0, max(len(rows), 1), EXPORT_BATCH):
            batch = rows[start:start + EXPORT_BATCH]
            if fmt == "csv":
                text = to_csv(batch, header=start == 0)
            else:
                text = to_jsonl(batch)
            output.write(text)
            bar.update(len(batch))


@examples.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@needs_store(create=True)
def examples_import(file):
    """Läser in exempel från en JSON Lines-fil, ett exempel per rad med fälten i POST /examples och
    `status` (draft, in_review, published, archived). Varje rad kontrolleras först; har någon rad fel
    skrivs ingenting och raderna med fel visas."""
    from events.example_import import ExampleImporter, check_lines

    wiki = services().wiki
    checked = check_lines(file, wiki.organisation_exists)
    if checked.errors:
        for number, message in checked.errors:
            click.echo(f"rad {number}: {message}", err=True)
        raise click.ClickException(f"Filen har fel på {len(checked.errors)} rader; inget är inläst.")
    with click.progressbar(length=max(len(checked.rows), 1), label="Läser in exempel", file=sys.stderr) as bar:
        written = ExampleImporter(wiki).write(checked.rows, progress=bar.update)
    head = wiki.position()
    with click.progressbar(length=max(head - services().pages.position(), 1), label="Sidor", file=sys.stderr) as bar:
        services().pages.catch_up(progress=bar.update)
    with click.progressbar(length=max(head, 1), label="Sökindex", file=sys.stderr) as bar:
        if written >= 1000:
            services().follower.rebuild(progress=bar.update)
        else:
            services().follower.catch_up()
            bar.update(head)
    click.echo(f"{written} exempel inlästa (position {head}).")


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(dest):
    """Gör en säkerhetskopia (medan wikin är igång) i den nya mappen DEST: händelseloggen, nycklarna,
    filerna, utkorgen, nycklarna för sessioner och signering och listan över förstörda nycklar.
    Sidor, sökindex och granskningskedjan byggs om vid återställning."""
    from .backup import BackupError, backup

    config = current_app.config
    try:
        manifest = backup(config["DATA_DIR"], dest, config["EVENT_STORE"], config.get("ERASURE_LEDGER"))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Säkerhetskopian i {dest} omfattar loggen till position {manifest['position']}.")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@click.option("--erasures", multiple=True, type=click.Path(dir_okay=False),
              help="En senare lista över förstörda nycklar (WIKI_ERASURE_LEDGER); kan ges flera gånger.")
@with_appcontext
def restore_command(src, erasures):
    """Återställer säkerhetskopian SRC till den tomma datamappen, förstör varje nyckel som
    listorna över förstörda nycklar nämner, bygger om sidor, sökindex och granskningskedjan och
    verifierar kedjan."""
    from . import create_app
    from .backup import BackupError, restore_files

    config = current_app.config
    if config["EVENT_STORE"] not in ("", "sqlite"):
        raise click.ClickException("Med PostgreSQL: återställ med pg_restore (se README, Drift).")
    if services().wiki.position() > 0:
        raise click.ClickException(f"{config['DATA_DIR']} har redan händelser: återställ till en tom datamapp.")
    services().close()
    data = Path(config["DATA_DIR"])
    for path in data.iterdir():  # only what opening the empty folder made
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    ledger = config.get("ERASURE_LEDGER")
    given = [*erasures, *([ledger] if ledger and os.path.exists(ledger) else [])]
    try:
        manifest, erased = restore_files(src, str(data), given)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    restored = create_app({"DATA_DIR": str(data), "INDEX_FOLLOWER": "none", "NOTIFIER": "off"})
    fresh = restored.extensions["lansgrupp"]
    try:
        position = fresh.pages.rebuild()
        fresh.follower.rebuild()
        fresh.audit.update()
        fresh.audit_tree.update()
        verified = fresh.audit.verify()
    finally:
        fresh.close()
    click.echo(f"Återställd till position {position} ({len(erased)} förstörda nycklar förstörda igen); "
               f"granskningskedjan: {'ok' if verified.get('ok') else verified}.")
    if not verified.get("ok"):
        raise SystemExit(1)


@click.command("apply-erasures")
@click.argument("ledgers", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
@needs_store
def apply_erasures_command(ledgers):
    """Förstör varje nyckel som listorna över förstörda nycklar nämner (och en förstörd fils innehåll):
    efter en återställning med pg_restore, så att det som raderats efter säkerhetskopian förblir raderat."""
    from events.erasure_ledger import read_ledger

    wiki = services().wiki
    key_ids = set().union(*(read_ledger(path) for path in ledgers))
    for key_id in sorted(key_ids):
        if key_id.startswith("file:"):
            wiki.erase_file(key_id[len("file:"):])
        else:
            wiki.person_keys.destroy(key_id)
    click.echo(f"{len(key_ids)} nycklar förstörda.")


notify = AppGroup("notify", help="E-post till prenumeranter.")


@notify.command("follow")
@click.option("--poll", default=0.2, show_default=True, help="Sekunder mellan kontrollerna av loggen.")
@needs_store
def notify_follow(poll):
    """Följer loggen, lägger de meddelanden som är skyldiga i utkorgen och skickar dem, tills processen
    stoppas. Ett enda sådant program per installation."""
    import signal
    import threading

    from flask import current_app

    from .notify import notify_services, run

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    services().ensure_follower()  # the notifier follows behind this data folder's search index
    notifier = notify_services(current_app)
    click.echo("Följer händelseloggen för e-post (Ctrl+C avslutar)…")
    run(notifier, stop, poll=poll, log=lambda message: click.echo(message, err=True))
    click.echo(f"Stoppad vid position {notifier.outbox.position()}.")


@notify.command("digest")
@needs_store
def notify_digest():
    """Gör veckans sammanställningar av det som väntar och skickar dem (från cron eller en systemd-timer)."""
    from flask import current_app

    from .notify import notify_services

    services().ensure_follower()
    notifier = notify_services(current_app)
    services().wait_for_index(services().wiki.position(), timeout=60.0)
    notifier.notifier.catch_up()
    made = notifier.outbox.make_digests()
    while notifier.mailer.send_due():
        pass
    click.echo(f"{made} sammanställningar gjorda.")


def register(app) -> None:
    for group in (users, demo, db, index, audit, notify, examples):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(apply_erasures_command)
