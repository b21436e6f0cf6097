"""The end of an indicator's serial range, and digits from other scripts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete

from app.extensions import db
from app.shipments import s10
from app.shipments.models import SerialCounter

SHIPMENTS = "/api/v1/shipments"
REPO = Path(__file__).resolve().parents[2]


def test_an_exhausted_indicator_is_refused_with_503_not_a_wrapped_number(
        app, committed_run, monkeypatch, as_user, shipment_body, problem):
    monkeypatch.setitem(app.config, "S10_INDICATOR_RETURN", "HY")
    committed_run.also_delete(delete(SerialCounter).where(SerialCounter.indicator == "HY"))
    with app.app_context():
        db.session.add(SerialCounter(indicator="HY", last_serial=s10.MAX_SERIAL))
        db.session.commit()
    resp = as_user("clerk").post(SHIPMENTS, json=shipment_body())
    problem(resp, 503, "serials_exhausted")


@pytest.mark.parametrize(("field", "value"), [
    ("phone", "٠٩١٢٣٤٥٦٧٨"),          # Arabic-Indic digits
    ("phone", "०९१२३४५६७८"),           # Devanagari digits
    ("id_number", "٠٣٨٠٩٠٠٠١٢٣٤"),
])
def test_digits_of_other_scripts_are_refused(as_user, shipment_body, field, value, problem):
    body = shipment_body()
    body["recipient"][field] = value
    resp = as_user("clerk").post(SHIPMENTS, json=body)
    problem(resp, 422, None, f"recipient.{field}")


def test_fullwidth_digits_normalise_to_a_valid_phone(as_user, shipment_body):
    body = shipment_body()
    body["recipient"]["phone"] = "０９１２３４５６７８"
    resp = as_user("clerk").post(SHIPMENTS, json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["recipient"]["phone"] == "0912345678"


def test_setup_without_demo_still_loads_the_default_tariff(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
           "HCC_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "s", "ID_HASH_KEY": "k"}
    out = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "setup", "--no-demo"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert "Loaded the default tariff and discount policies." in out.stdout
    assert "Demo users" not in out.stdout
    again = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "setup", "--no-demo"],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert again.returncode == 0 and "default tariff" not in again.stdout
