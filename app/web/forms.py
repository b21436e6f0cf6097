"""HTML forms whose field names are the API body's JSON paths (`recipient.address.line`,
`items-0-name`), so the same marshmallow In schema validates both, and its messages, in the
reader's language, go beside the fields they name."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import gettext as _
from marshmallow import Schema, fields
from werkzeug.datastructures import MultiDict

from app.errors import flatten_messages

_LIST_ITEM = re.compile(r"^(?P<list>[a-z_]+)-(?P<index>\d{1,3})-(?P<field>[a-z_]+)$")
_INTEGER = re.compile(r"^-?\d{1,12}$")
CHECKED = "on"
PAGE_ONLY = "_"  # fields that help the page (a picker's search box), never part of the body


def body_from_form(form: MultiDict[str, str], *, integers: Iterable[str] = (),
                   booleans: Iterable[str] = ()) -> dict[str, Any]:
    """{"recipient.name": "An", "items-0-count": "1"} -> {"recipient": {"name": "An"},
    "items": [{"count": 1}]}. Empty fields are left out, so the schema's defaults and
    "required" messages apply; `integers` and `booleans` name paths ("items.count") whose text
    is read as JSON would carry it (an unreadable number stays text for the schema to refuse)."""
    integers, booleans = set(integers), set(booleans)
    body: dict[str, Any] = {}
    lists: dict[str, dict[int, dict[str, Any]]] = {}
    for name, raw in form.items():
        value: Any = raw.strip()
        if name == "csrf_token" or name.startswith(PAGE_ONLY):
            continue
        item = _LIST_ITEM.match(name)
        path = f"{item['list']}.{item['field']}" if item else name
        if path in booleans:
            value = value == CHECKED
        elif value == "":
            _put(body, name.split(".")[:-1], None)  # its object exists, so each field is named
            continue
        elif path in integers and _INTEGER.match(value):
            value = int(value)
        if item:
            lists.setdefault(item["list"], {}).setdefault(int(item["index"]), {})[item["field"]] = value
        else:
            _put(body, name.split("."), value)
    for name, rows in lists.items():
        unchecked = {path.split(".", 1)[1]: False for path in booleans if path.startswith(f"{name}.")}
        # A row with nothing but its checkboxes is one the clerk added and left blank.
        kept = [{**unchecked, **row} for _, row in sorted(rows.items())
                if any(f"{name}.{key}" not in booleans for key in row)]
        if kept:
            body[name] = kept
    return body


def _put(body: dict[str, Any], path: list[str], value: Any) -> None:
    """Set body[a][b][c] = value; with value None, only make the objects on the way."""
    keys = path if value is None else path[:-1]
    for key in keys:
        body = body.setdefault(key, {})
    if value is not None:
        body[path[-1]] = value


def without_empty_optional_objects(body: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """An optional object left blank (no beneficiary) is absent, not an empty one to refuse."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        field = schema.fields.get(key)
        if isinstance(value, dict) and isinstance(field, fields.Nested):
            value = without_empty_optional_objects(value, field.schema)
            if not value and not field.required:
                continue
        out[key] = value
    return out


def field_errors(messages: Any, form: Mapping[str, str]) -> dict[str, str]:
    """marshmallow's (or a ValidationFailed's) messages keyed by the form's field names; one
    about a whole object ("sender" missing) goes to its first field, one about no field to
    FORM_ERROR."""
    out: dict[str, str] = {}
    for path, texts in flatten_messages(messages).items():
        name = _field_for(re.sub(r"^([a-z_]+)\.(\d+)\.", r"\1-\2-", path), form)
        if name not in out:
            empty = name in form and not form[name].strip()
            whole = _FIELD_MESSAGES.get(name) if not empty else None
            out[name] = whole() if whole else in_reader_language(texts[0], empty=empty)
    return out


FORM_ERROR = "_form"


def _field_for(name: str, form: Mapping[str, str]) -> str:
    if name in form:
        return name
    # The form posts its fields in page order: the first one inside the object names it.
    return next((key for key in form if key.startswith((f"{name}.", f"{name}-"))), FORM_ERROR)


# Where the schema's several checks of one field read best as one sentence.
_FIELD_MESSAGES = {
    "recipient.id_number": lambda: _("Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số)."),
}
_RANGE = re.compile(r"Must be greater than or equal to (-?\d+) and less than or equal to (-?\d+)\.")
_LENGTH = re.compile(r"Length must be between (\d+) and (\d+)\.")
_KNOWN = {
    "Missing data for required field.": lambda: _("Vui lòng nhập trường này."),
    "Must be an integer number.": lambda: _("Phải là số nguyên."),
    "Not a valid integer.": lambda: _("Phải là số nguyên."),
    "A commune code is 5 digits.": lambda: _("Chọn xã/phường (mã gồm 5 chữ số)."),
    "A CCCD number is 12 digits.": lambda: _("Số CCCD gồm 12 chữ số."),
    "A CMND number is 9 digits.": lambda: _("Số CMND gồm 9 chữ số."),
}


def in_reader_language(message: str, *, empty: bool = False) -> str:
    """The schemas speak English to API clients; the pages say the same in the reader's words."""
    if empty:
        return _("Vui lòng nhập trường này.")
    if message in _KNOWN:
        return _KNOWN[message]()
    if message.startswith("Not a Vietnamese phone number"):
        return _("Số điện thoại không hợp lệ: di động 10 số hoặc cố định 11 số (02x).")
    if message.startswith("Unknown commune code"):
        return _("Không có xã/phường với mã này.")
    if message.startswith(("Unknown agency", "No agency")):
        return _("Không có cơ quan với mã này.")
    if message.startswith("Unknown office"):
        return _("Không có bưu cục với mã này.")
    if message.startswith("Unknown policy"):
        return _("Không có chính sách giảm cước với mã này.")
    if match := _RANGE.fullmatch(message):
        return _("Phải từ %(low)s đến %(high)s.", low=match[1], high=match[2])
    if match := _LENGTH.fullmatch(message):
        return _("Độ dài từ %(low)s đến %(high)s ký tự.", low=match[1], high=match[2])
    return _("Giá trị không hợp lệ.")
