"""Flask CLI commands: database, units, demo data, users, one-shot setup."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.extensions import db
from app.notifications.cli import outbox_group
from app.ops.cli import ops_group


def register_cli(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(units_group)
    app.cli.add_command(demo_group)
    app.cli.add_command(users_group)
    app.cli.add_command(setup)
    app.cli.add_command(outbox_group)
    app.cli.add_command(tracking_group)
    app.cli.add_command(ops_group)


@click.group("db", cls=AppGroup, help="Database schema (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    from app import migrate

    migrate.upgrade(revision=revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from app import migrate

    migrate.downgrade(revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Autogenerate a revision; read and edit it before committing."""
    from app import migrate

    migrate.revision(message)


@db_group.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    from app import migrate

    migrate.check()
    click.echo("Models and migrations agree.")


@click.group("units", cls=AppGroup, help="Administrative units.")
def units_group() -> None:
    pass


@units_group.command("load")
def units_load() -> None:
    """Load all provinces and communes from the vietnamadminunits package."""
    from app.geo.services import load_units

    provinces, communes = load_units()
    db.session.commit()
    click.echo(f"Loaded {provinces} provinces and {communes} communes.")


@click.group("demo", cls=AppGroup, help="Demo data.")
def demo_group() -> None:
    pass


@demo_group.command("load")
def demo_load() -> None:
    """Offices and agencies of Thanh Hóa and one demo user per role."""
    from app.demo.data import load_demo

    users = load_demo()
    db.session.commit()
    _print_demo_users(users)


def _print_demo_users(users: list[tuple[str, str, bool]]) -> None:
    click.echo("Demo users (username / password):")
    for username, password, created in users:
        click.echo(f"  {username:<11} {password}{'' if created else '  (existing)'}")


@click.group("users", cls=AppGroup, help="User accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True,
              type=click.Choice(["clerk", "courier", "agency", "supervisor", "admin"]))
@click.option("--full-name", required=True)
@click.option("--office", "office_code", default=None, help="Office code (clerk, courier, supervisor).")
@click.option("--agency", "agency_code", default=None, help="Agency code (agency officers).")
@click.password_option(help="Asked for when not given.")
def users_create(username: str, role: str, full_name: str, office_code: str | None,
                 agency_code: str | None, password: str) -> None:
    """Create a user; the password is asked for twice and never echoed."""
    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.errors import DomainError

    try:
        user = create_user(username=username, password=password, role=Role(role),
                           full_name=full_name, office_code=office_code, agency_code=agency_code)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.username}.")


@users_group.command("api-key")
@click.argument("username")
@click.option("--name", required=True, help="What the key is for, e.g. the agency's one-stop system.")
def users_api_key(username: str, name: str) -> None:
    """Issue a long-lived API key for an agency account; printed once."""
    from app.accounts.services import create_api_key, user_by_username
    from app.errors import DomainError

    try:
        user = user_by_username(username)
        issued = create_api_key(user, name, actor=user)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from None
    db.session.commit()
    click.echo(issued.token)


@click.command("setup")
@with_appcontext
@click.option("--demo/--no-demo", default=True, help="Load demo data on a new database.")
def setup(demo: bool) -> None:
    """Migrate; load units, and the default tariff and policies, when missing; demo data
    on a new database. Safe to re-run."""
    from app import migrate
    from app.demo.data import demo_loaded, load_demo
    from app.fees.services import load_defaults, tariffs_loaded
    from app.geo.services import load_units, units_loaded
    from app.tracking import answers

    migrate.upgrade()
    click.echo(f"Database migrated ({_safe_url()}).")
    if not units_loaded():
        provinces, communes = load_units()
        db.session.commit()
        click.echo(f"Loaded {provinces} provinces and {communes} communes.")
    if not tariffs_loaded():
        # A post office cannot price anything without a tariff (SPEC §5 defaults).
        load_defaults()
        db.session.commit()
        click.echo("Loaded the default tariff and discount policies.")
    stored = answers.rebuild(db.session, missing_only=True)
    if stored:
        click.echo(f"Stored {stored} public tracking answers.")
    if demo and not demo_loaded():
        users = load_demo()
        db.session.commit()
        _print_demo_users(users)


@click.group("tracking", cls=AppGroup, help="Public tracking answers.")
def tracking_group() -> None:
    pass


@tracking_group.command("rebuild")
@click.option("--missing", is_flag=True, help="Only shipments without an answer stored at this version.")
def tracking_rebuild(missing: bool) -> None:
    """Store the public answer of every shipment again (after the answer's wording changed, or
    an office was renamed); committed in batches, safe to run while the service runs."""
    from app.tracking import answers

    click.echo(f"Stored {answers.rebuild(db.session, missing_only=missing)} public tracking answers.")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)
