"""Recording a batch of scans in a handful of queries, whatever its size.

Lock the batch's shipments (one query, in id order so concurrent batches never deadlock),
find the scan ids already stored (one query, after the locks, so a batch that waited sees
what the one before it committed), load the timelines (one query), place every scan by the
rules of app.shipments.lifecycle in memory, insert the events in one statement that skips
ids stored meanwhile (ON CONFLICT (scan_id) DO NOTHING), and update the recomputed statuses
in one statement.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, String, select
from sqlalchemy.orm import defaultload, load_only, raiseload
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.access import Actor, scope
from app.errors import ValidationFailed
from app.extensions import db
from app.notifications.services import enqueue_for_events
from app.orgs.models import Agency, Office
from app.scans.checks import coordinates_problem, future_problem
from app.scans.schemas import InvalidScan
from app.shipments import lifecycle, s10
from app.shipments.models import Shipment, TrackingEvent
from app.sql import insert_new, one_of, one_of_uuids, update_rows
from app.tracking import answers
from app.vocabulary import UPU_CODES, Event

# What a scan batch reads of its shipments (app.notifications reads the phones, dossier and due date).
LOADED = (Shipment.id, Shipment.tracking_number, Shipment.service, Shipment.status, Shipment.agency_id,
          Shipment.office_id, Shipment.courier_id, Shipment.dossier_code, Shipment.due_date,
          Shipment.recipient_name, Shipment.recipient_phone, Shipment.sender_phone, Shipment.updated_at)
# Events a scan may not carry, and where they come from instead.
NOT_SCANNED = {
    Event.created: ("not_a_scan_event", "A shipment is created through POST /api/v1/shipments."),
    Event.delivered: ("use_proof_of_delivery", "A delivery is recorded with its proof: "
                  "POST /api/v1/shipments/{tn}/delivery (or a handover record for intake)."),
    Event.cancelled: ("use_cancel", "Cancel through POST /api/v1/shipments/{tn}/cancel."),
}

Result = dict[str, Any]
# A batch scans each item several times (five, in a courier's day): its number is checked once.
_valid_number = lru_cache(maxsize=4096)(s10.is_valid)


def ingest(actor: Actor, items: list[dict[str, Any] | InvalidScan]) -> list[Result]:
    """One result per item, in order: recorded, duplicate or rejected with {code, detail}."""
    now = clock.now()
    results: list[Result | None] = [None] * len(items)
    pending, repeats = _sort_out(items, results, now)
    by_shipment, shipments = _match(actor, pending, results)
    timelines = lifecycle.timelines_of(by_shipment)  # as stored
    placed = _place(by_shipment, timelines, results)
    rows = [_row(actor, scan, shipments[sid], now) for _, scan, sid in placed]
    stored = dict(insert_new(TrackingEvent.__table__, rows, "scan_id", ["scan_id", "id"]))
    recorded: list[tuple[Shipment, Any]] = []
    for (i, scan, shipment_id), values in zip(placed, rows, strict=True):
        if scan["id"] not in stored:  # stored meanwhile for another item, one we hold no lock on
            results[i] = {"id": scan["raw_id"], "result": "duplicate"}
            continue
        row = SimpleNamespace(**values, id=stored[scan["id"]])  # the event as inserted
        recorded.append((shipments[shipment_id], row))
        timelines[shipment_id].append(lifecycle.Step(row.event, row.occurred_at, row.id, row.reason,
                                                     row.office_id))
        results[i] = {"id": scan["raw_id"], "result": "recorded"}
    _recompute(recorded, timelines, now)
    for i, first in repeats.items():
        raw_id = items[i]["raw_id"]  # type: ignore[index]
        if results[first]["result"] == "rejected":  # type: ignore[index]
            results[i] = _rejected(raw_id, "duplicate_id_in_batch",
                                   "This scan id appears earlier in the batch, which was rejected.")
        else:
            results[i] = {"id": raw_id, "result": "duplicate"}
    return results  # type: ignore[return-value]


def _sort_out(items: list[dict[str, Any] | InvalidScan], results: list[Result | None],
              now: datetime) -> tuple[list[tuple[int, dict[str, Any]]], dict[int, int]]:
    """Scans worth a look in the database, and repeated ids (index -> first index)."""
    skew = current_app.config["SCAN_CLOCK_SKEW_SECONDS"]
    first_of: dict[uuid.UUID, int] = {}
    repeats: dict[int, int] = {}
    pending: list[tuple[int, dict[str, Any]]] = []
    for i, item in enumerate(items):
        if isinstance(item, InvalidScan):
            results[i] = _rejected(item.id, "invalid_scan", item.detail)
        elif item["id"] in first_of:
            repeats[i] = first_of[item["id"]]
        else:
            first_of[item["id"]] = i
            problem = _precheck(item, now, skew)
            if problem:
                results[i] = _rejected(item["raw_id"], *problem)
            else:
                pending.append((i, item))
    return pending, repeats


def _match(actor: Actor, pending: list[tuple[int, dict[str, Any]]], results: list[Result | None]
           ) -> tuple[dict[int, list[tuple[int, dict[str, Any]]]], dict[int, Shipment]]:
    """Lock the batch's shipments, answer replays, and group the new scans by shipment."""
    offices = _offices({s["office_code"] for _, s in pending if s["office_code"]})
    shipments = _lock(actor, {s["tracking_number"] for _, s in pending})
    seen = _seen([s["id"] for _, s in pending])  # after the locks: see what a batch before us stored
    by_shipment: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for i, scan in pending:
        if scan["id"] in seen:
            results[i] = _replayed(scan, seen[scan["id"]])
        elif scan["tracking_number"] not in shipments:
            results[i] = _rejected(scan["raw_id"], "shipment_not_found",
                                   f"No shipment {scan['tracking_number']} you may scan.")
        elif scan["office_code"] and scan["office_code"] not in offices:
            results[i] = _rejected(scan["raw_id"], "unknown_office", f"No office {scan['office_code']!r}.")
        else:
            scan["office_id"] = offices.get(scan["office_code"])
            by_shipment[shipments[scan["tracking_number"]].id].append((i, scan))
    return by_shipment, {s.id: s for s in shipments.values()}


def _place(by_shipment: dict[int, list[tuple[int, dict[str, Any]]]],
           timelines: dict[int, list[lifecycle.Step]],
           results: list[Result | None]) -> list[tuple[int, dict[str, Any], int]]:
    """Each shipment's new scans placed on its timeline in time order (so a batch's scans may
    follow one another); those that do not fit are rejected."""
    placed = []
    for shipment_id, scans in by_shipment.items():
        timeline = timelines[shipment_id]
        for i, scan in sorted(scans, key=lambda pair: (pair[1]["occurred_at"], pair[0])):
            step = lifecycle.Step(scan["event"], scan["occurred_at"], lifecycle.UNSTORED + i, scan["reason"])
            try:
                timeline = lifecycle.place(timeline, step)
            except lifecycle.TransitionRefused as exc:
                results[i] = _rejected(scan["raw_id"], exc.code, exc.detail)
            else:
                placed.append((i, scan, shipment_id))
    return placed


def scan_scope(user: Actor) -> ColumnElement[bool]:
    """Couriers and clerks scan their office's items and those assigned to them; supervisors any."""
    return scope(user, Shipment)


def _precheck(scan: dict[str, Any], now: datetime, skew: int) -> tuple[str, str] | None:
    """What a scan can be refused for before the database is asked; normalises its number."""
    if scan["event"] in NOT_SCANNED:
        return NOT_SCANNED[scan["event"]]
    number = scan["tracking_number"].strip().upper()
    if not _valid_number(number):
        return "invalid_tracking_number", f"{scan['tracking_number']!r} is not a valid S10 tracking number."
    scan["tracking_number"] = number
    problem = future_problem(scan["occurred_at"], now, skew)
    if problem:
        return "occurred_in_future", problem
    problem = coordinates_problem(scan["lat"], scan["lon"])
    if problem:
        return "invalid_coordinates", problem
    try:
        lifecycle.check_details(scan["event"], has_office=scan["office_code"] is not None,
                                reason=scan["reason"])
    except ValidationFailed as exc:
        return exc.code, exc.detail
    return None


def _offices(codes: set[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = db.session.execute(select(Office.code, Office.id).where(Office.code.in_(codes)))
    return dict(rows.tuples().all())


def _office_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Office.id, Office.name).where(Office.id.in_(ids))).tuples().all())


def _lock(actor: Actor, numbers: set[str]) -> dict[str, Shipment]:
    if not numbers:
        return {}
    stmt = (select(Shipment)
            .where(one_of(Shipment.tracking_number, numbers, String()), scan_scope(actor))
            # Only the columns placing, statuses and notifications read (any other raises, so
            # a new need shows in the tests); agency and office stay joined for the messages (the
            # agency's own office is not read).
            .options(load_only(*LOADED, raiseload=True), raiseload(Shipment.courier),
                     raiseload(Shipment.sender_unit), raiseload(Shipment.recipient_unit),
                     raiseload(Shipment.items), defaultload(Shipment.agency).raiseload(Agency.office))
            .order_by(Shipment.id)
            .with_for_update(of=Shipment)
            .execution_options(populate_existing=True))
    return {s.tracking_number: s for s in db.session.scalars(stmt)}


def _seen(ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str, datetime]]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(TrackingEvent.scan_id, Shipment.tracking_number,
               TrackingEvent.event, TrackingEvent.occurred_at)
        .join(Shipment, Shipment.id == TrackingEvent.shipment_id)
        .where(one_of_uuids(TrackingEvent.scan_id, ids)))
    return {scan_id: (number, event, at) for scan_id, number, event, at in rows}


def _replayed(scan: dict[str, Any], stored: tuple[str, str, datetime]) -> Result:
    if stored == (scan["tracking_number"], scan["event"], scan["occurred_at"]):
        return {"id": scan["raw_id"], "result": "duplicate"}
    return _rejected(scan["raw_id"], "scan_id_reused",
                     "This scan id was recorded already for a different scan.")


def _row(actor: Actor, scan: dict[str, Any], shipment: Shipment, now: datetime) -> dict[str, Any]:
    return {"shipment_id": shipment.id, "event": scan["event"], "upu_code": UPU_CODES[scan["event"]],
            "occurred_at": scan["occurred_at"], "recorded_at": now,
            # Where it happened: as scanned, else the scanner's office, else the item's.
            "office_id": scan["office_id"] or actor.office_id or shipment.office_id,
            "actor_id": actor.id, "scan_id": scan["id"], "reason": scan["reason"], "note": scan["note"],
            "lat": scan["lat"], "lon": scan["lon"],
            "device_time": scan["device_time"], "clock_offset_ms": scan["clock_offset_ms"]}


def _recompute(recorded: list[tuple[Shipment, Any]], timelines: dict[int, list[lifecycle.Step]],
               now: datetime) -> None:
    """New statuses from the timelines, written in one statement (the loaded shipments told),
    the public answers, then the notifications of each recorded event (the
    event rows as the INSERT returned them)."""
    touched = {shipment.id: shipment for shipment, _ in recorded}
    statuses = {shipment_id: lifecycle.status_after(sorted(timelines[shipment_id], key=lambda s: s.key))
                for shipment_id in touched}
    update_rows(Shipment.__table__, [{"id": shipment_id, "status": status, "updated_at": now}
                                     for shipment_id, status in statuses.items()])
    for shipment_id, status in statuses.items():
        set_committed_value(touched[shipment_id], "status", status)
        set_committed_value(touched[shipment_id], "updated_at", now)
    # Each timeline is whole and its row locked: the public answers are rendered from them.
    names = _office_names({step.office_id for t in touched for step in timelines[t] if step.office_id})
    answers.store_loaded(((s, timelines[t]) for t, s in touched.items()), names)
    enqueue_for_events(recorded)


def _rejected(scan_id: str | None, code: str, detail: str) -> Result:
    return {"id": scan_id, "result": "rejected", "error": {"code": code, "detail": detail}}
