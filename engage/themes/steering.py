"""Themes leaders start or teach: seeded clustering. Pure NumPy; no Flask, no database.

A seed is a theme a leader named before a run, with a few example phrases,
or a theme a leader placed items in (the items placed are its examples, and
it starts from every item it holds).
`seeded_labels` takes the clustering's own partition and the rows anchored
to each seed (the examples, added to the rows as texts of their own, and the
items placed) and returns a partition where:

- each seed is a theme, centred at first on the mean of its anchors;
- a theme the clustering found whose centre is close to a seed's (cosine at
  least `SEED_JOIN`) joins it; the others stay, so themes nobody seeded are
  still found (when a number of themes was asked for, only as many as leave
  that number in all);
- a few rounds of spherical k-means then place every row, the anchors never
  leaving their seed, so items like the ones a leader placed follow them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

SEED_JOIN = 0.4
_ROUNDS = 20


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def seeded_labels(z: np.ndarray, labels: np.ndarray, anchors: Mapping[int, int], n_seeds: int,
                  n_themes: int | None = None, holds: Mapping[int, int] | None = None) -> np.ndarray:
    """Labels for the rows of `z` (unit vectors): 0..n_seeds-1 the seeds, then the themes kept.

    `labels`: the clustering's partition of the rows (0..k-1). `anchors`: row -> seed it
    must be in. `holds`: row -> seed whose theme holds it now (a theme leaders placed items
    in starts from all its items, not only those). `n_themes`: the number asked for, if any."""
    anchored = np.fromiter(anchors.keys(), dtype=int, count=len(anchors))
    anchor_seed = np.fromiter(anchors.values(), dtype=int, count=len(anchors))
    start = {**(holds or {}), **anchors}
    seed_centres = np.zeros((n_seeds, z.shape[1]), dtype=np.float64)
    np.add.at(seed_centres, np.fromiter(start.values(), dtype=int, count=len(start)),
              z[np.fromiter(start.keys(), dtype=int, count=len(start))])
    seed_centres = _unit(seed_centres)
    found = np.unique(labels)
    found_centres = _unit(np.vstack([z[labels == c].mean(axis=0) for c in found]).astype(np.float64))
    closeness = found_centres @ seed_centres.T
    kept = [i for i in range(len(found)) if closeness[i].max() < SEED_JOIN]
    if n_themes is not None:
        sizes = {i: int((labels == found[i]).sum()) for i in kept}
        kept = sorted(kept, key=lambda i: -sizes[i])[:max(0, n_themes - n_seeds)]
    centres = np.vstack([seed_centres, found_centres[kept]]) if kept else seed_centres
    assigned = np.zeros(len(z), dtype=int)
    for _ in range(_ROUNDS):
        before = assigned
        assigned = np.argmax(z @ centres.T, axis=1)
        assigned[anchored] = anchor_seed
        if _ > 0 and np.array_equal(assigned, before):
            break
        sums = np.zeros_like(centres)
        np.add.at(sums, assigned, z)
        empty = ~sums.any(axis=1)
        centres = np.where(empty[:, None], centres, _unit(sums))
    return assigned


def seed_anchor_rows(seed_members: Sequence[Sequence[int]], example_rows: Sequence[Sequence[int]]
                     ) -> dict[int, int]:
    """row -> seed, from each seed's items placed and the rows of its example texts."""
    anchors: dict[int, int] = {}
    for seed, (members, examples) in enumerate(zip(seed_members, example_rows)):
        for row in [*members, *examples]:
            anchors[int(row)] = seed
    return anchors
