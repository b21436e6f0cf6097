"""Alembic, driven from the app's configuration."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import current_app

from app.config import REPO_ROOT


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", (url or current_app.config["DATABASE_URL"]).replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(revision: str, url: str | None = None) -> None:
    command.downgrade(alembic_config(url), revision)


def revision(message: str) -> None:
    command.revision(alembic_config(), message=message, autogenerate=True)


def check(url: str | None = None) -> None:
    """Raise if the models and the migrated schema differ."""
    command.check(alembic_config(url))
