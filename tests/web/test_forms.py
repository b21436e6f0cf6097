"""Form fields named by JSON paths become the API's body; the schema's messages come back
keyed by those names, in the reader's language."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from app.shipments.schemas import ShipmentIn
from app.web.forms import body_from_form, field_errors, without_empty_optional_objects


def test_dotted_and_row_names_nest_and_typed_paths_are_read_as_json_would_carry_them():
    posted = MultiDict([("csrf_token", "t"), ("recipient.address.line", " Thôn Đông "),
                        ("weight_g", "120"), ("collect_fee_vnd", "12a"), ("items-0-name", "Trích lục"),
                        ("items-0-original", "on"), ("items-0-count", "2"), ("items-1-name", "Bản sao"),
                        ("items-1-count", "1"), ("items-2-name", ""), ("items-2-count", "")])
    body = body_from_form(posted, integers=("weight_g", "collect_fee_vnd", "items.count"),
                          booleans=("items.original",))
    assert body == {
        "recipient": {"address": {"line": "Thôn Đông"}},
        "weight_g": 120, "collect_fee_vnd": "12a",  # left for the schema to refuse, beside its field
        "items": [{"name": "Trích lục", "original": True, "count": 2},
                  {"name": "Bản sao", "original": False, "count": 1}],
    }


def test_blank_fields_leave_their_objects_so_each_missing_field_is_named():
    posted = MultiDict([("sender.name", ""), ("sender.address.line", ""), ("beneficiary.category", ""),
                        ("beneficiary.certificate", "")])
    body = without_empty_optional_objects(body_from_form(posted), ShipmentIn())
    assert body == {"sender": {"address": {}}}  # no beneficiary: an optional object left blank


def test_messages_go_beside_their_fields_in_vietnamese():
    posted = MultiDict([("dossier.code", ""), ("recipient.phone", "12345"), ("weight_g", "0"),
                        ("items-0-name", ""), ("sender.name", "")])
    messages = {"dossier": {"code": ["Missing data for required field."]},
                "recipient": {"phone": ["Not a Vietnamese phone number: a 10-digit mobile ..."]},
                "weight_g": ["Must be greater than or equal to 1 and less than or equal to 30000."],
                "items": {0: {"name": ["Length must be between 1 and 300."]}},
                "sender": ["Missing data for required field."],
                "accepted_on": ["Something no field shows."]}
    assert field_errors(messages, posted) == {
        "dossier.code": "Vui lòng nhập trường này.",
        "recipient.phone": "Số điện thoại không hợp lệ: di động 10 số hoặc cố định 11 số (02x).",
        "weight_g": "Phải từ 1 đến 30000.",
        "items-0-name": "Vui lòng nhập trường này.",
        "sender.name": "Vui lòng nhập trường này.",
        "_form": "Giá trị không hợp lệ.",
    }
