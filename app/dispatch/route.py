"""A courier's round: nearest neighbour from the office, improved by 2-opt.

The round is a closed tour (the courier brings money and undelivered items back to the office);
distances are geodesic (geopy) between commune centroids, the finest place an address has.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from geopy.distance import geodesic

Point = tuple[float, float]


def distance_matrix(points: Sequence[Point]) -> list[list[float]]:
    n = len(points)
    d = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if points[i] != points[j]:
                d[i][j] = d[j][i] = geodesic(points[i], points[j]).km
    return d


def tour_length(order: Sequence[int], d: list[list[float]]) -> float:
    """Length of office (index 0) -> order... -> office."""
    path = [0, *order, 0]
    return sum(d[a][b] for a, b in pairwise(path))


def nearest_neighbour(d: list[list[float]]) -> list[int]:
    left = set(range(1, len(d)))
    order, here = [], 0
    while left:
        here = min(left, key=lambda j: (d[here][j], j))  # ties by index: deterministic
        order.append(here)
        left.remove(here)
    return order


def two_opt(order: list[int], d: list[list[float]]) -> list[int]:
    """Reverse segments while that shortens the tour (first improvement, until none does)."""
    path = [0, *order, 0]
    improved = True
    while improved:
        improved = False
        for i in range(1, len(path) - 2):
            for j in range(i + 1, len(path) - 1):
                a, b, c, e = path[i - 1], path[i], path[j], path[j + 1]
                if d[a][c] + d[b][e] < d[a][b] + d[c][e] - 1e-9:
                    path[i:j + 1] = reversed(path[i:j + 1])
                    improved = True
    return path[1:-1]


def plan(office: Point, stops: Sequence[Point]) -> tuple[list[int], float, float]:
    """(order of the stops, tour km, nearest-neighbour tour km); order indexes into `stops`."""
    unique = list(dict.fromkeys([office, *stops]))
    index = {p: i for i, p in enumerate(unique)}
    d_unique = distance_matrix(unique)
    nodes = [index[office], *(index[p] for p in stops)]
    d = [[d_unique[a][b] for b in nodes] for a in nodes]
    nn = nearest_neighbour(d)
    best = two_opt(list(nn), d)
    return [i - 1 for i in best], tour_length(best, d), tour_length(nn, d)


def legs(office: Point, stops: Sequence[Point]) -> list[float]:
    """Km to each stop from the one before it (the first from the office)."""
    return [geodesic(a, b).km if a != b else 0.0 for a, b in pairwise([office, *stops])]
