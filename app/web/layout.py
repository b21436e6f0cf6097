"""What every page shares: the base template, navigation by role, the language switch."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from app.accounts.models import Role
from app.web.i18n import LOCALES, SESSION_KEY
from app.web.session import safe_next

# Paths for programs, not people: no CSRF check, and errors stay problem+json.
MACHINE_PATHS = ("/api/", "/healthz", "/readyz")

bp = Blueprint("web", __name__, template_folder="templates")


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: frozenset[Role]


# Pages appear in the navigation once their blueprint exists (issue 10 onwards).
NAVIGATION = (
    NavItem("counter.new_shipment", _l("Bưu gửi mới"), frozenset({Role.clerk, Role.supervisor})),
    NavItem("counter.desk", _l("Quầy giao dịch"), frozenset({Role.clerk, Role.supervisor})),
    NavItem("courier.home", _l("Bưu tá"), frozenset({Role.courier})),
    NavItem("agency.home", _l("Cơ quan"), frozenset({Role.agency})),
    NavItem("supervisor.home", _l("Giám sát"), frozenset({Role.supervisor})),
    NavItem("admin.home", _l("Quản trị"), frozenset({Role.admin})),
)


@dataclass(frozen=True)
class Tab:
    endpoint: str
    label: str
    also: tuple[str, ...] = ()  # the tab's other pages (its forms), marked current too

    @property
    def current(self) -> tuple[str, ...]:
        return (self.endpoint, *self.also)


@dataclass(frozen=True)
class Section:
    """A part of the site with tabs (templates/section.html): admin, agency, supervisor."""

    label: str
    tabs: tuple[Tab, ...]
    stylesheets: tuple[str, ...] = ()  # under static/, after app.css

    def present(self) -> list[Tab]:
        """The tabs whose pages exist (a section grows page by page)."""
        return [tab for tab in self.tabs if tab.endpoint in current_app.view_functions]


def is_api_request() -> bool:
    return request.path.startswith(MACHINE_PATHS)


def navigation_for(role: Role) -> list[NavItem]:
    views = current_app.view_functions
    return [item for item in NAVIGATION if role in item.roles and item.endpoint in views]


def home_for(role: Role) -> str:
    """Where a user lands after signing in: the first page of their navigation."""
    items = navigation_for(role)
    return url_for(items[0].endpoint) if items else url_for("public.index")


@bp.app_context_processor
def _layout_globals() -> dict:
    return {"navigation_for": navigation_for, "hotlines": current_app.config["HOTLINES"]}


@bp.post("/lang")
def switch_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in LOCALES:
        session[SESSION_KEY] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("public.index"), code=303)
