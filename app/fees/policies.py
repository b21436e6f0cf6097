"""Discount policies: who qualifies, the single most favourable one, and who funds it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.fees.catalog import PolicyRule
from app.fees.models import PolicyKind, Zone

LEGS = ("intake", "return")

BP = 10_000  # basis points in a whole


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves up (both ≥ 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True)
class LegContext:
    """What a policy's scope is tested against, for one leg."""

    leg: str
    zone: Zone
    sender_province: str
    recipient_province: str
    agency_code: str
    category: str | None  # only set when a certificate number was recorded too
    day: date


@dataclass(frozen=True, slots=True)
class Applied:
    policy: PolicyRule
    discount_vnd: int
    budget_vnd: int
    post_vnd: int


def applies(p: PolicyRule, ctx: LegContext) -> bool:
    if ctx.day < p.valid_from or (p.valid_to is not None and ctx.day > p.valid_to):
        return False
    if p.legs is not None and ctx.leg not in p.legs:
        return False
    if p.zones is not None and ctx.zone not in p.zones:
        return False
    # A province scope means the whole leg runs inside that province.
    if p.province_code is not None and not (
            ctx.sender_province == p.province_code == ctx.recipient_province):
        return False
    if p.agency_codes is not None and ctx.agency_code not in p.agency_codes:
        return False
    return p.categories is None or ctx.category in p.categories


def discount_for(p: PolicyRule, carriage_vnd: int) -> int:
    """A percentage of the leg's carriage (rounded half up, in the citizen's favour), or the
    difference down to a fixed price; never more than the carriage."""
    if p.kind is PolicyKind.percentage:
        return round_half_up(carriage_vnd * p.discount_bp, BP)  # type: ignore[operator]
    return max(0, carriage_vnd - p.fixed_price_vnd)  # type: ignore[operator]


def split(discount_vnd: int, budget_share_bp: int) -> tuple[int, int]:
    """(budget, post office): the budget's share rounded half up, the post office the rest,
    so the two always add up to the discount."""
    budget = round_half_up(discount_vnd * budget_share_bp, BP)
    return budget, discount_vnd - budget


def best_policy(policies: tuple[PolicyRule, ...], ctx: LegContext, carriage_vnd: int) -> Applied | None:
    """Policies do not stack (SPEC §5): the single largest discount wins. On a tie the policy
    the state budget funds more wins (the province pays what it promised), then the code."""
    best: Applied | None = None
    for p in policies:
        if not applies(p, ctx):
            continue
        amount = discount_for(p, carriage_vnd)
        if amount <= 0:
            continue
        if best is not None:
            ours = (amount, p.budget_share_bp)
            theirs = (best.discount_vnd, best.policy.budget_share_bp)
            if ours < theirs or (ours == theirs and p.code > best.policy.code):
                continue
        budget, post = split(amount, p.budget_share_bp)
        best = Applied(p, amount, budget, post)
    return best
