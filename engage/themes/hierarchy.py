"""Broader themes and the sub-themes inside them. Pure NumPy and SciPy; no Flask, no database.

A leader reads a dashboard of a couple of dozen broad themes better than one
of forty narrow ones, and expands a theme to see what it holds. Two steps
over the themes `pipeline.find_themes` found:

- `broader_groups`: themes whose centres are alike (average linkage on the
  cosine of their centres, at least `BROAD_FROM`) are gathered under one
  broader theme; the themes gathered become its sub-themes.
- `subclusters`: a theme that gathered nothing, with at least `SUBTHEME_MIN`
  items, is cut into two to four sub-themes by Ward's method on its items
  (centred on the theme, so what they share does not hide how they differ),
  when the best cut shows real structure (a silhouette of at least
  `SUBTHEME_SILHOUETTE`) and parts as distinct as themes are (`_distinct`);
  otherwise it has none.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.cluster.hierarchy import ward as ward_tree
from sklearn.metrics import silhouette_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.utils.extmath import randomized_svd

# Two themes whose centres are at least this alike are gathered under one broader theme.
BROAD_FROM = 0.35
SUBTHEME_MIN = 12
SUBTHEME_MAX = 4
SUBTHEME_SILHOUETTE = 0.1
# Parts whose centres are more alike than this are one subject worded several ways, not parts.
SUBTHEME_DISTINCT = 0.65
# Ward's tree for sub-themes is built on at most this many of a theme's items, in this many dimensions.
_SAMPLE = 1_000
_DIMS = 32


def broader_groups(centres: np.ndarray, min_cosine: float | None = None) -> list[list[int]]:
    """Indices of `centres` (unit rows, one per theme) gathered into broader themes: every
    theme in exactly one group, each group in index order, groups by their first index."""
    n = len(centres)
    if n < 2:
        return [[i] for i in range(n)]
    min_cosine = BROAD_FROM if min_cosine is None else min_cosine
    tree = linkage(np.asarray(centres, dtype=np.float64), method="average", metric="cosine")
    labels = fcluster(tree, t=1.0 - min_cosine, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    return sorted(groups.values(), key=lambda group: group[0])


def subclusters(rows: np.ndarray, random_state: int = 0) -> list[np.ndarray]:
    """Positions in `rows` (one theme's items, unit vectors) of its sub-themes, largest first;
    [] when the theme is small or shows no clear structure. Every row is in one sub-theme."""
    n = len(rows)
    if n < SUBTHEME_MIN:
        return []
    original = np.asarray(rows, dtype=np.float64)
    z = original - original.mean(axis=0)
    sample = np.arange(n) if n <= _SAMPLE else \
        np.sort(np.random.default_rng(random_state).choice(n, _SAMPLE, replace=False))
    # A theme's items differ along few directions; Ward in fewer of them is much faster.
    if z.shape[1] > _DIMS and len(sample) > _DIMS:
        _u, _s, axes = randomized_svd(z[sample], _DIMS, random_state=random_state)
        z = z @ axes.T
    z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
    tree = ward_tree(z[sample])
    distances = np.clip(cosine_distances(z[sample]), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    min_size = max(3, int(0.05 * n))
    best_labels, best_score = None, SUBTHEME_SILHOUETTE
    for k in range(2, min(SUBTHEME_MAX, n // min_size) + 1):
        labels = fcluster(tree, k, criterion="maxclust")
        sizes = np.bincount(labels)[1:]
        if len(sizes) < 2 or sizes.min() * n / len(sample) < min_size:
            continue
        score = float(silhouette_score(distances, labels, metric="precomputed"))
        if score > best_score and _distinct(original[sample], labels):
            best_labels, best_score = labels, score
    if best_labels is None:
        return []
    if len(sample) < n:  # every item to the nearest centre of the sample's parts
        centres = np.vstack([z[sample][best_labels == g].mean(axis=0) for g in np.unique(best_labels)])
        best_labels = np.unique(best_labels)[np.argmax(z @ centres.T, axis=1)]
    parts = [np.flatnonzero(best_labels == g) for g in np.unique(best_labels)]
    return sorted(parts, key=lambda part: (-len(part), int(part[0])))


def _distinct(rows: np.ndarray, labels: np.ndarray) -> bool:
    """Whether every two parts' centres (in the vectors as given) are less alike than
    `SUBTHEME_DISTINCT`: on the school feedback set, parts that split a theme's subjects
    were 0.36-0.62 alike; parts of one banking77 intent mostly 0.6-0.9."""
    centres = np.vstack([rows[labels == g].mean(axis=0) for g in np.unique(labels)])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    similarity = centres @ centres.T
    np.fill_diagonal(similarity, -1.0)
    return float(similarity.max()) < SUBTHEME_DISTINCT
