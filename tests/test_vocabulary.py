"""One vocabulary (issue 9): every value said in every channel and language, one wording per
failure reason everywhere, and that wording written in one module only (acceptance 6)."""
from __future__ import annotations

import dataclasses
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.labels import samples
from app.labels.values import notice_values
from app.shipments.events import STATUS_AFTER
from app.shipments.models import Shipment
from app.shipments.services import record_event
from app.vocabulary import (
    LEGAL_BASIS,
    TEXTS,
    TT22_DISCOUNT_BP,
    UPU_CODES,
    VOCABULARIES,
    Beneficiary,
    Channel,
    Event,
    FailureReason,
    Status,
    text,
)

APP_DIR = Path(__file__).resolve().parents[1] / "app"
LANGS = ("vi", "en")


@pytest.mark.parametrize(("vocabulary", "channel"), list(TEXTS), ids=lambda v: getattr(v, "__name__", v))
def test_every_value_has_words_in_every_language(vocabulary, channel):
    table = TEXTS[vocabulary, channel]
    assert set(table) == set(vocabulary), f"{vocabulary.__name__} on {channel}: missing or stray values"
    for value in vocabulary:
        for lang in LANGS:
            said = text(value, lang, channel)
            assert said and said == said.strip() and unicodedata.is_normalized("NFC", said), (value, lang)


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.__name__)
def test_every_vocabulary_is_said_on_screens(vocabulary):
    assert (vocabulary, Channel.web) in TEXTS


def test_failure_reasons_have_one_wording_on_every_channel():
    for reason in FailureReason:
        for lang in LANGS:
            assert len({text(reason, lang, channel) for channel in Channel}) == 1, (reason, lang)


def test_every_value_carries_its_facts():
    assert set(UPU_CODES) == set(Event) == set(STATUS_AFTER)
    assert set(STATUS_AFTER.values()) == set(Status)
    assert set(LEGAL_BASIS) == set(FailureReason)
    assert set(TT22_DISCOUNT_BP) == set(Beneficiary)
    assert set(TT22_DISCOUNT_BP.values()) == {10_000, 5_000}  # TT22: 100 % or 50 %


def _files_saying(words: str) -> list[str]:
    needle = words.casefold()  # the SMS says it inside a sentence, lower-cased
    found = []
    for path in sorted(APP_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".html", ".txt", ".toml", ".json", ".md"}:
            content = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="ignore"))
            if needle in content.casefold():
                found.append(path.relative_to(APP_DIR.parent).as_posix())
    return found


@pytest.mark.parametrize("reason", list(FailureReason))
def test_a_failure_reasons_words_are_written_in_one_module(reason):
    """Acceptance 6: searching app/ for the Vietnamese text finds it in the vocabulary only."""
    assert _files_saying(text(reason)) == ["app/vocabulary.py"]


def test_the_printed_notice_and_the_public_page_say_the_same_words(app, client, as_user, shipment_body,
                                                                    clock):
    with app.app_context():
        resp = as_user("agency").post("/api/v1/shipments", json=shipment_body())
        assert resp.status_code == 201, resp.get_json()
        tn = resp.get_json()["tracking_number"]
        shipment = db.session.scalar(select(Shipment).where(Shipment.tracking_number == tn))
        steps = [(Event.accepted, None), (Event.out_for_delivery, None),
                 *((Event.delivery_failed, reason) for reason in FailureReason)]
        for minutes, (event, reason) in enumerate(steps, 1):
            record_event(shipment, event, actor=None, occurred_at=clock.now() + timedelta(minutes=minutes),
                         office=shipment.office, reason=reason)
        db.session.commit()

        tracked = client.get(f"/api/v1/track/{tn}")
        assert tracked.status_code == 200, tracked.get_data(as_text=True)
        on_the_page = [e["reason"] for e in tracked.get_json()["events"] if e["event"] == "delivery_failed"]

    notice = samples.notice()
    on_paper = [notice_values(dataclasses.replace(notice, reason=reason))["reason"]
                for reason in FailureReason]
    assert on_the_page == on_paper == [text(reason) for reason in FailureReason]
