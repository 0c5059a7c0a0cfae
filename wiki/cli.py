"""`flask --app wiki …` commands: users, demo data, the store."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from events.errors import DomainError

from .services import services

users = AppGroup("users", help="Konton.")
demo = AppGroup("demo", help="Demodata.")
db = AppGroup("db", help="Händelselagret och läsmodellen.")


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["member", "coordinator", "auditor", "admin"]))
@click.option("--organisation", default=None, help="Organisationens slug (krävs för member).")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in.")
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
def load_demo():
    """Läser in organisationerna, påhittade personer och lärande exempel (kan köras flera gånger)."""
    from .demo import load
    summary = load(services(), echo=click.echo)
    click.echo(summary)


@db.command("init")
def init_store():
    """Skapar händelselagrets tabeller (behövs en gång för PostgreSQL)."""
    from events.application import Wiki, store_environment
    app = Wiki(env=store_environment(current_app.config["DATA_DIR"], current_app.config["EVENT_STORE"], True))
    app.close()
    click.echo("Tabellerna finns.")


@db.command("rebuild-pages")
def rebuild_pages():
    """Bygger om läsmodellen (sidorna) från händelseloggen."""
    position = services().pages.rebuild()
    click.echo(f"Läsmodellen byggd till position {position}.")


def register(app) -> None:
    for group in (users, demo, db):
        app.cli.add_command(group)
