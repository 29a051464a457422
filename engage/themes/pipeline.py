"""Themes: texts in, themes out. Pure Python + scikit-learn; no Flask, no database.

    result = find_themes(texts)                      # automatic number of themes
    result = find_themes(texts, previous=old_dict)   # ids follow the earlier run
    result.themes[0].label, .members, .strengths, .representatives; result.other

Steps, and why
--------------
1. Representation (pluggable): any object with ``name`` and
   ``fit_transform(texts) -> (n, d) array, rows L2-normalised`` (all-zero rows,
   and rows with NaN or infinity, mean "nothing to go on" and go to Other;
   every row is renormalised here, see `_unit_rows`), or precomputed vectors
   (`find_themes(vectors=...)`, from the app's embeddings cache), to which a
   representation's ``prepare(texts, vectors)`` step over the whole set is
   applied. `default_representation()` takes the sentence embeddings of
   `engage.themes.embeddings` (multilingual, so English and Spanish on one
   subject meet); when no model loads, `TfidfLsa`: word 1-2-gram and
   character 2-5-gram TF-IDF over accent-stripped, lower-cased text, reduced
   by LSA. Character n-grams carry plurals, typos and Spanish-English
   cognates. Texts whose LSA projection keeps little of their length use
   words no one else uses (gibberish, off-topic) and go to Other, as do
   texts with no word at all.
   A reply in a comment thread (`replying_to`) takes in the vector of what it
   replies to (`_in_context`): "Same here" is about its thread's subject, and
   alone such replies made themes of agreement and thanks. Replies are named
   and quoted only when their theme has nothing else.
2. Centring: vectors minus their mean, renormalised (see `_centred`), so
   k-means does not gather generic texts into one oversized theme.
3. Clustering, by representation (`_clustering_for`):
   - sentence embeddings ("ward"): in 128 dimensions (a truncated SVD of the
     centred vectors), each item averaged with its nearest neighbours (see
     `_smoothed`), Ward's agglomerative clustering on up to 6,000 items (a
     sample above that: Ward keeps n^2/2 distances), then k-means started
     from Ward's centres over every item: better and faster than k-means
     with restarts.
   - TF-IDF/LSA ("kmeans"): k-means (k-means++, 10 restarts; mini-batch
     above 30,000 items) on the unit vectors, i.e. close to spherical k-means.
4. Number of themes, when `n_themes` is None: the cosine silhouette over a
   log-spaced range of k (the cuts of one Ward tree for embeddings, k-means
   runs for TF-IDF); see `choose_n_themes`.
5. "Other / unclustered": texts without usable words, texts step 1 sets
   aside, items whose cosine to their theme's centre is below `_OTHER_BELOW`,
   and themes smaller than `_min_theme_size(n)`.
6. Names: `top_terms` lists a theme's ten most distinctive terms by
   class-based TF-IDF (word 1-2-grams without stop words, each word in the
   spelling people used most: "autobús", not "autobus"). Its names, one per
   language (`Theme.names`, see `engage.themes.naming`), are short clauses
   of its central items that hold those terms, ranked by sentence
   embeddings: "20 minutes for lunch is not enough", "Los niños cruzan como
   pueden"; `label` is the English one. Only when no item has such a clause
   is the label two or three of the terms ("bus, route, late").
   Confidence: each member's `confidences` is its cosine to the theme's
   centre less its cosine to the nearest other theme's (under
   `UNSURE_BELOW`: worth a leader's look); `tightness` is the members' mean
   cosine to the centre; `ThemeResult.alike` lists themes that are each
   other's nearest with centres at least `ALIKE_FROM` alike (related
   subjects a leader may merge into one broader theme).
   Structure (`engage.themes.hierarchy`): with automatic k, themes whose
   centres are alike are gathered under broader ones, the themes gathered
   becoming its sub-themes (`Theme.subthemes`, `SubTheme.gathered`); a theme
   that gathered none is cut into clear parts when it has them. A re-run
   starts from the themes the clustering found (`Theme.leaves`), not the
   broader ones, so it does not gather them into fewer each time.
   Seeds (`engage.themes.steering`): themes leaders started, with example
   phrases, or placed items in, steer the partition; their examples are
   clustered as texts of their own and left out of the result, and
   `ThemeResult.counted` keeps where the clustering alone put each item.
7. Representative items: members ranked by closeness to the centre, taken
   greedily while unlike those already taken (maximal marginal relevance),
   never two with the same normalised text or a cosine above 0.92.
8. Stable ids: with `previous`, k-means starts from the previous themes'
   centres (recomputed from their members that are still here, matched by a
   fingerprint of the normalised text, so order and positions may change),
   the previous count of themes is kept unless clearly worse, and new themes
   are matched one-to-one to old ones by the Hungarian algorithm on the
   Jaccard overlap of their members; matched themes keep the old id, others
   get fresh ones ("t<next number>").
9. Between runs, `assign_nearest` (or `NearestThemes`, fitted once and kept)
   puts new feedback in the theme whose centre (the mean of some of its
   members' vectors) is nearest by cosine, or nowhere when the best cosine is
   below the same `_OTHER_BELOW`; a reply goes with what it replies to.

Determinism: the same texts and random_state give the same result, in any
order (texts are vectorised and clustered in a canonical, sorted order).

What each choice was measured against, the figures on the labelled sets and
what was tried and not kept: bench/THEMES.md (printed again by
`bench/themes_quality.py` and `bench/themes_speed.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.cluster.hierarchy import fcluster
from scipy.cluster.hierarchy import ward as ward_tree
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix, hstack
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils.extmath import row_norms
from threadpoolctl import threadpool_limits

from engage.themes import hierarchy, naming, steering
from engage.themes.text import STOP_WORDS, TOKEN_PATTERN, normalize, singular, strip_accents, words

#: `find_themes(progress=...)`: called with a stage name and the share of the whole work done.
Progress = Callable[[str, float], None]

OTHER_ID = "other"
OTHER_LABEL = "Other / unclustered"

# Items whose cosine to their theme's centre is below this fit no theme well.
_OTHER_BELOW = 0.1
# TF-IDF/LSA: texts whose LSA projection keeps less than this share of the
# median text's length have nothing in common with the rest.
_UNEXPLAINED_BELOW = 0.45
# Above this many items, mini-batch k-means (full k-means is quadratic-ish in time).
_FULL_KMEANS_MAX = 30_000
# LSA is fitted on at most this many texts, then applied to all.
_SVD_FIT_MAX = 20_000
# Below this many items, one thread: OpenMP/BLAS start-up and contention cost
# more than they save (measured 8x faster on 300 texts on a busy 2-core machine).
_SINGLE_THREAD_BELOW = 20_000
# Automatic k is chosen on a sample of at most this many items.
_CHOOSE_SAMPLE = 3_000
_SILHOUETTE_TOLERANCE = 0.05
# Ward is run on at most this many items (it keeps n^2/2 distances: 144 MB here),
# then k-means, started from Ward's centres, takes in every item.
_WARD_MAX = 6_000
# Sentence embeddings are clustered in this many dimensions (SVD of the centred
# vectors): no loss of NMI, and Ward and k-means run several times faster.
_CLUSTER_DIMS = 128
# Sentence embeddings are averaged with their nearest neighbours before clustering
# (see `_smoothed`): this many neighbours, found among at most this many items,
# for sets of at least this many items.
_SMOOTH_NEIGHBOURS = 3
_SMOOTH_REFERENCE_MAX = 10_000
_SMOOTH_MIN = 50
# Rows worked on at a time where a whole copy of 100,000 embeddings (360 MB) would be too many.
_CHUNK = 10_000
# LSA dimensions when placing new feedback (bench/THEMES.md, "Placing new feedback", says why).
_PLACING_DIMS = 250
# Automatic k never gives fewer than this many items per theme on average.
_ITEMS_PER_THEME = 20
_SMALL_ITEMS_PER_THEME = 8
_N_TOP_TERMS = 10
_N_REPRESENTATIVES = 5
_NEAR_DUPLICATE = 0.92
# How much of what a reply replies to goes into its vector (see `_in_context`).
_CONTEXT_WEIGHT = 1.0
_STOP_LIST = sorted(STOP_WORDS)
# Placement margins under this are "unsure": the item is nearly as close to another theme.
UNSURE_BELOW = 0.1
# Candidate names per sub-theme and language ranked by meaning (fewer than a theme's: there are more of them).
_SUBTHEME_EMBEDDED = 6
# Themes each other's nearest with at least this cosine between centres are offered as a merge.
ALIKE_FROM = 0.45
_SURFACE_TOKEN = re.compile(TOKEN_PATTERN)


class Representation(Protocol):
    """Turns texts into vectors: one row per text, each row of unit length (or all zeros)."""

    name: str

    def fit_transform(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Seed:
    """A theme a leader started or taught (see `engage.themes.steering`): its id (the theme
    comes out with it), example phrases, and the indices of texts a leader placed in it."""

    id: str
    examples: tuple[str, ...] = ()
    members: tuple[int, ...] = ()
    # Indices of the texts its theme holds now: where it starts from, with the above.
    holds: tuple[int, ...] = ()


@dataclass
class SubTheme:
    """A part of a theme (see `engage.themes.hierarchy`): members are indices into the texts,
    every one of them a member of the theme."""

    label: str
    members: list[int]
    top_terms: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    member_keys: list[str] = field(default_factory=list, repr=False)
    # A theme of its own gathered under a broader one, not a cut of one theme: re-runs start from it.
    gathered: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "members": list(self.members), "top_terms": list(self.top_terms),
                "names": dict(self.names), "member_keys": list(self.member_keys), "gathered": self.gathered}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SubTheme:
        return cls(label=str(data.get("label", "")), members=list(data.get("members", [])),
                   top_terms=list(data.get("top_terms", [])), names=dict(data.get("names", {})),
                   member_keys=list(data.get("member_keys", [])), gathered=bool(data.get("gathered", False)))


@dataclass
class Theme:
    """One theme: members are indices into the texts given to `find_themes`."""

    id: str
    label: str
    top_terms: list[str]
    members: list[int]
    strengths: list[float]
    representatives: list[int]
    member_keys: list[str] = field(default_factory=list, repr=False)
    # How sure each member's placement is: its cosine to this theme's centre less its
    # cosine to the nearest other theme's centre (below `UNSURE_BELOW`: worth a look).
    confidences: list[float] = field(default_factory=list, repr=False)
    # How alike the members are: their mean cosine to the centre.
    tightness: float = 0.0
    # The theme's name in plain words per language ("en", "es"; see `engage.themes.naming`);
    # `label` is the English one, or its distinctive terms when no member's words will do.
    names: dict[str, str] = field(default_factory=dict)
    # Its parts, largest first (none when it has no clear ones).
    subthemes: list[SubTheme] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    def leaves(self) -> list[list[str]]:
        """The member keys of the themes clustering found, which a re-run starts from: the
        themes gathered under this one, or this one."""
        return [sub.member_keys for sub in self.subthemes if sub.gathered] or [self.member_keys]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "top_terms": list(self.top_terms),
                "members": list(self.members), "strengths": [round(s, 4) for s in self.strengths],
                "representatives": list(self.representatives), "member_keys": list(self.member_keys),
                "confidences": [round(c, 4) for c in self.confidences], "tightness": round(self.tightness, 4),
                "names": dict(self.names), "subthemes": [sub.to_dict() for sub in self.subthemes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Theme:
        return cls(id=str(data["id"]), label=str(data.get("label", "")),
                   top_terms=list(data.get("top_terms", [])), members=list(data.get("members", [])),
                   strengths=list(data.get("strengths", [])),
                   representatives=list(data.get("representatives", [])),
                   member_keys=list(data.get("member_keys", [])),
                   confidences=list(data.get("confidences", [])), tightness=float(data.get("tightness", 0.0)),
                   names=dict(data.get("names", {})),
                   subthemes=[SubTheme.from_dict(sub) for sub in data.get("subthemes", [])])


@dataclass
class ThemeResult:
    """The themes of one run, largest first, and the Other / unclustered bucket."""

    themes: list[Theme]
    other: Theme
    n_items: int
    representation: str
    automatic: bool
    next_id: int = 1
    # Pairs of themes whose centres are so alike that a leader may want to merge them:
    # (id, id, cosine), most alike first.
    alike: list[tuple[str, str, float]] = field(default_factory=list)
    # With seeds: each item's theme as the clustering placed it before seeds steered it
    # (`_unsteered`), for counts that no leader's choice of items may move; else None.
    counted: list[str] | None = None

    def assignments(self) -> list[str]:
        """The theme id of every item, in input order (OTHER_ID for the unclustered)."""
        out = [OTHER_ID] * self.n_items
        for theme in self.themes:
            for i in theme.members:
                out[i] = theme.id
        return out

    def theme(self, theme_id: str) -> Theme:
        if theme_id == OTHER_ID:
            return self.other
        return next(t for t in self.themes if t.id == theme_id)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form; `find_themes(previous=...)` and `from_dict` accept it."""
        return {"themes": [t.to_dict() for t in self.themes], "other": self.other.to_dict(),
                "n_items": self.n_items, "representation": self.representation,
                "automatic": self.automatic, "next_id": self.next_id,
                "alike": [[a, b, round(c, 4)] for a, b, c in self.alike], "counted": self.counted}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThemeResult:
        return cls(themes=[Theme.from_dict(t) for t in data.get("themes", [])],
                   other=Theme.from_dict(data.get("other") or _empty_other().to_dict()),
                   n_items=int(data.get("n_items", 0)), representation=str(data.get("representation", "")),
                   automatic=bool(data.get("automatic", False)), next_id=int(data.get("next_id", 1)),
                   alike=[(str(a), str(b), float(c)) for a, b, c in data.get("alike", [])],
                   counted=data.get("counted"))


# --------------------------------------------------------------------------
# Representations
# --------------------------------------------------------------------------

def _unit_rows(x: np.ndarray, *, copy: bool = True) -> np.ndarray:
    """`x` with every row scaled to unit length. A row whose length is not a finite
    number (a NaN, an infinity, or too long for its float type) becomes zeros, and
    a row of zeros (or so near it that its direction is noise) stays as it is:
    nothing to go on. `copy=False` works in place when `x` is a float array
    already (100,000 embeddings take 360 MB).

    Every normalisation in the pipeline goes through here, because the rows
    it is given (the usable items, one theme's members, the new texts, the
    centres) may be none at all, and scikit-learn's `normalize` raises on an
    array without rows or columns: one short or gibberish comment then took
    down every theme page of its plan.
    """
    x = np.asarray(x)
    dtype = np.result_type(x.dtype, np.float32)
    out = np.array(x, dtype=dtype) if copy else x.astype(dtype, copy=False)
    if out.size:
        out[~np.isfinite(row_norms(out, squared=True))] = 0.0
        out = l2_normalize(out, copy=False)
    return out


def _vectors_for(vectors: Any, n: int) -> np.ndarray:
    """Precomputed vectors as an (n, d) float32 array (the caller's own when it is
    one: not normalised here), or a ValueError when they are not one row per text:
    rows silently reshaped would put one text's numbers on another. One text may
    come with a flat vector."""
    rows = np.asarray(vectors, dtype=np.float32)
    if n == 0 and rows.size == 0:
        rows = rows.reshape(0, rows.shape[-1] if rows.ndim == 2 else 0)
    elif n == 1 and rows.ndim == 1:
        rows = rows.reshape(1, -1)
    if rows.ndim != 2 or rows.shape[0] != n:
        raise ValueError(f"vectors must have one row per text: got shape {rows.shape} for {n} texts")
    return rows


class TfidfLsa:
    """Word 1-2-gram and character 2-5-gram TF-IDF, reduced by LSA, rows L2-normalised.

    Light enough for 100,000 short texts in well under a minute on two cores.
    """

    name = "tfidf-lsa"
    # How `find_themes` clusters these vectors (see `_cluster`).
    clustering = "kmeans"

    def __init__(self, n_components: int = 150, char_weight: float = 1.5, random_state: int = 0):
        self.n_components = n_components
        self.char_weight = char_weight
        self.random_state = random_state

    def fit_transform(self, texts: list[str]) -> np.ndarray:
        n = len(texts)
        if n == 0:
            return np.zeros((0, 1))
        # Fit in a canonical (sorted) order: the randomized SVD is only approximate,
        # and the same texts in another order should give the same vectors.
        normalized = [normalize(t) for t in texts]
        order = sorted(range(n), key=normalized.__getitem__)
        with _threads_for(n):
            vectors = self._fit_transform([normalized[i] for i in order])
        out = np.empty_like(vectors)
        out[order] = vectors
        return out

    def fit(self, texts: list[str]) -> TfidfLsa:
        """Fit on `texts` and keep what was fitted, so that `transform` can place other texts in the
        same space."""
        self.fit_transform(texts)
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Texts in the space `fit` made, with the same rules (zero rows for what it does not explain)."""
        fitted = getattr(self, "fitted_", None)
        if fitted is None:
            raise ValueError("fit the representation first")
        vectorizers, svd, median_kept = fitted
        docs = [normalize("" if t is None else str(t)) for t in texts]
        if not docs or not vectorizers:
            return np.zeros((len(docs), 1), dtype=np.float32)
        x = hstack([vectorizer.transform(docs) * weight for vectorizer, weight in vectorizers]).tocsr()
        return self._reduce(x, svd, median_kept)

    def _fit_transform(self, docs: list[str]) -> np.ndarray:
        n = len(docs)
        min_df = 2 if n >= 50 else 1
        blocks, vectorizers = [], []
        word = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=min_df, max_df=0.5 if n >= 50 else 1.0,
                               stop_words=_STOP_LIST, token_pattern=TOKEN_PATTERN, dtype=np.float32)
        char = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5), min_df=min_df,
                               max_features=300_000, dtype=np.float32)
        for vectorizer, weight in ((word, 1.0), (char, self.char_weight)):
            try:
                blocks.append(vectorizer.fit_transform(docs) * weight)
            except ValueError:  # no terms at all (empty, emoji-only or stop-word-only texts)
                continue
            vectorizers.append((vectorizer, weight))
        self.fitted_ = (vectorizers, None, None)
        if not blocks:
            return np.zeros((n, 1))
        x = hstack(blocks).tocsr()
        # Fewer dimensions for fewer texts: on a few hundred texts 200 dimensions
        # keep every phrasing apart and the themes splinter.
        d = min(self.n_components, max(20, n // 15), x.shape[1] - 1, n - 1)
        if not (d >= 2 and len(set(docs)) >= 3 and n >= 20):
            return self._reduce(x, None, None)
        svd = TruncatedSVD(d, algorithm="randomized", n_iter=4, random_state=self.random_state)
        if n > _SVD_FIT_MAX:
            # The components from a sample are as good, and the fit is the slow part.
            rows = np.sort(np.random.default_rng(self.random_state).choice(n, _SVD_FIT_MAX, replace=False))
            dense = svd.fit(x[rows]).transform(x)
        else:
            dense = svd.fit_transform(x)
        kept = self._kept(dense, x)
        median_kept = float(np.median(kept))
        self.fitted_ = (vectorizers, svd, median_kept)
        dense[kept < _UNEXPLAINED_BELOW * median_kept] = 0.0
        return _unit_rows(dense.astype(np.float32, copy=False), copy=False)

    @staticmethod
    def _kept(dense: np.ndarray, x) -> np.ndarray:
        """How much of each text the shared space explains: a text whose words the others do not
        use (off-topic, gibberish) keeps little of its length."""
        return np.linalg.norm(dense, axis=1) / np.maximum(row_norms(x), 1e-12)

    @classmethod
    def _reduce(cls, x, svd: TruncatedSVD | None, median_kept: float | None) -> np.ndarray:
        """`x` in the fitted LSA space; rows the space explains badly, and
        texts without any n-gram, become all-zero rows: Other."""
        if svd is None:
            return _unit_rows(x.toarray().astype(np.float32, copy=False), copy=False)
        dense = svd.transform(x)
        dense[cls._kept(dense, x) < _UNEXPLAINED_BELOW * median_kept] = 0.0
        return _unit_rows(dense.astype(np.float32, copy=False), copy=False)


def _threads_for(n: int):
    return threadpool_limits(1) if n < _SINGLE_THREAD_BELOW else contextlib.nullcontext()


def _embeddings_available() -> bool:
    try:
        from engage.themes import embeddings
        return bool(embeddings.available())
    except Exception:  # noqa: BLE001 - any failure of the embeddings backend means "not available"
        return False


def default_representation() -> Representation:
    """Sentence embeddings when a model loads (the default install has them), else TF-IDF/LSA."""
    if _embeddings_available():
        try:
            from engage.themes import embeddings
            return embeddings.SentenceEmbeddings()
        except Exception:  # noqa: BLE001 - a model that fails to load: fall back
            pass
    return TfidfLsa()


# --------------------------------------------------------------------------
# Clustering and the choice of k
# --------------------------------------------------------------------------

def _kmeans(z: np.ndarray, k: int, random_state: int, n_init: int = 10, init: np.ndarray | None = None):
    """k-means on unit vectors; `init` gives starting centres (then one run)."""
    start: Any = "k-means++" if init is None else init
    runs = n_init if init is None else 1
    if len(z) > _FULL_KMEANS_MAX:
        model = MiniBatchKMeans(k, init=start, n_init=runs, batch_size=4096, max_no_improvement=20,
                                random_state=random_state)
    else:
        model = KMeans(k, init=start, n_init=runs, random_state=random_state)
    labels = model.fit_predict(z)
    return labels, model.cluster_centers_


def _previous_centers(z: np.ndarray, keys: Sequence[str], previous: ThemeResult) -> np.ndarray | None:
    """The centres of the themes the previous run's clustering found (`Theme.leaves`),
    recomputed from their members that are still here, largest first."""
    rows_of: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        rows_of.setdefault(key, []).append(row)
    centers = []
    for member_keys in sorted((leaf for t in previous.themes for leaf in t.leaves()), key=lambda ks: -len(ks)):
        rows = [r for key in set(member_keys) for r in rows_of.get(key, ())]
        if rows:
            centers.append(z[rows].mean(axis=0))
    return np.vstack(centers).astype(z.dtype) if centers else None


def _seed_centers(z: np.ndarray, previous_centers: np.ndarray, k: int) -> np.ndarray:
    """Starting centres for a re-run: the previous themes' centres (the k largest), then,
    for any further themes, the items farthest from every centre so far."""
    centers = list(previous_centers[:k])
    best = np.max(z @ _unit_rows(np.vstack(centers), copy=False).T, axis=1)
    while len(centers) < k:
        far = int(np.argmin(best))
        centers.append(z[far])
        best = np.maximum(best, z @ z[far])
    return np.vstack(centers).astype(z.dtype)


def _k_range(n: int, max_k: int, num: int = 12, small_themes: bool = False) -> list[int]:
    """Candidate numbers of themes: about `num` steps on a log scale from 2 to min(200, n / 20),
    never more than `max_k`. Small sets may have smaller themes: up to n / 8 themes, 30 at
    most (a few hundred parent notes can hold 18 concerns), when `small_themes` (Ward's
    cuts of sentence embeddings; k-means on TF-IDF splits templated phrasings into
    themes of their own), and at least 5 with 20 items."""
    small = min(n // _SMALL_ITEMS_PER_THEME, 30) if small_themes else 0
    high = int(min(200, max(n // _ITEMS_PER_THEME, small, min(n // 4, 5)), max_k))
    if high < 2:
        return [1]
    return sorted({int(round(v)) for v in np.geomspace(2, high, num=num)})


def choose_n_themes(z: np.ndarray, random_state: int = 0, max_k: int = 200,
                    previous_centers: np.ndarray | None = None,
                    on_step: Callable[[float], None] | None = None, method: str = "kmeans") -> int:
    """The number of themes, chosen from the data by the cosine silhouette.

    k-means is run for about 12 values of k spaced on a log scale from 2 to
    min(200, n / 20) (a theme should have about 20 items on average to be
    worth reading), on a sample of at most `_CHOOSE_SAMPLE` items, and each
    partition is scored by its mean silhouette (cosine). The answer is the
    smallest k whose silhouette is within `_SILHOUETTE_TOLERANCE` (5%) of
    the best: on short texts the silhouette keeps creeping up as themes are
    split into near-paraphrases, and fewer themes are easier for a person to
    read. With `previous_centers` (the last run's themes, recomputed from
    their members that are still here) k-means is also started from them,
    and their count wins if its silhouette is within twice that tolerance:
    a re-run with a little more feedback keeps its themes. `on_step`, if
    given, is called with the share of the candidates tried so far.

    With `method="ward"` (sentence embeddings) the partitions are the cuts
    of one Ward tree built on the sample, about 30 values of k instead of 12
    k-means runs: cheaper, and Ward's cuts are nested, so the silhouette
    curve is smooth. How many themes it chooses on the labelled sets: bench/THEMES.md.
    """
    n = len(z)
    rng = np.random.default_rng(random_state)
    sample = z if n <= _CHOOSE_SAMPLE else z[np.sort(rng.choice(n, _CHOOSE_SAMPLE, replace=False))]
    ward = method == "ward" and len(sample) >= 3
    ks = _k_range(n, min(max_k, len(sample) - 1) if ward else max_k, num=30 if ward else 12, small_themes=ward)
    if ks == [1]:
        return 1
    tree = ward_tree(sample.astype(np.float64)) if ward else None
    scores = {}
    for step, k in enumerate(ks, start=1):
        if tree is not None:
            labels = fcluster(tree, k, criterion="maxclust")
        else:
            labels, _ = _kmeans(sample, k, random_state, n_init=1)
        scores[k] = _silhouette(sample, labels)
        if on_step is not None:
            on_step(step / len(ks))
    best = max(scores.values())
    if previous_centers is not None and 2 <= len(previous_centers) <= min(max_k, len(sample) - 1):
        labels, _ = _kmeans(sample, len(previous_centers), random_state, init=previous_centers)
        if _silhouette(sample, labels) >= best * (1 - 2 * _SILHOUETTE_TOLERANCE):
            return len(previous_centers)
    if best <= 0:
        return 1
    return min(k for k, score in scores.items() if score >= best * (1 - _SILHOUETTE_TOLERANCE))


def _silhouette(z: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2:
        return 0.0
    return float(silhouette_score(z, labels, metric="cosine"))


# --------------------------------------------------------------------------
# Labels and representatives
# --------------------------------------------------------------------------

def _class_tfidf(docs: list[str], groups: list[np.ndarray]):
    """Distinctive terms per group: (vocabulary, scores (groups x terms)), or (None, None) when no terms."""
    n = len(docs)
    vectorizer = CountVectorizer(ngram_range=(1, 2), min_df=2 if n >= 50 else 1, stop_words=_STOP_LIST,
                                 token_pattern=TOKEN_PATTERN, max_features=200_000, dtype=np.float32)
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:
        return None, None
    per_group = np.vstack([np.asarray(counts[g].sum(axis=0)).ravel() for g in groups]) if groups else \
        np.zeros((0, counts.shape[1]))
    totals = np.asarray(counts.sum(axis=0)).ravel()
    avg_words = max(totals.sum() / max(len(groups), 1), 1.0)
    tf = per_group / np.maximum(per_group.sum(axis=1, keepdims=True), 1.0)
    idf = np.log1p(avg_words / np.maximum(totals, 1.0))
    # A term found in only one item is not a theme's word.
    doc_freq = np.asarray((counts[np.concatenate(groups)] > 0).sum(axis=0)).ravel() if groups else totals
    scores = tf * idf * (doc_freq >= min(2, n))
    return vectorizer.get_feature_names_out(), scores


def _surface_forms(texts: Sequence[str], members: Sequence[int], wanted: set[str]) -> dict[str, str]:
    """For normalised words, the spelling people used most in these texts (lower case, accents kept)."""
    seen: dict[str, Counter] = {}
    for i in members[:2000]:
        for token in _SURFACE_TOKEN.findall(str(texts[i]).lower()):
            plain = strip_accents(token)
            if plain in wanted:
                seen.setdefault(plain, Counter())[token] += 1
    return {w: c.most_common(1)[0][0] for w, c in seen.items()}


def _label_terms(terms: list[str]) -> list[str]:
    """Two or three distinctive terms, four words at most: a bigram replaces the words
    inside it, and no word appears twice (singular and plural count as one)."""
    chosen: list[str] = []
    for term in terms:
        words = {singular(w) for w in term.split()}
        if any(words & {singular(w) for w in c.split()} for c in chosen if len(term.split()) == 1):
            continue
        if len(term.split()) == 2:
            if any(words <= {singular(w) for w in c.split()} for c in chosen):
                continue
            inside = [i for i, c in enumerate(chosen) if singular(c) in words]
            if inside:  # the bigram takes the place of the first word it contains
                chosen = [term if i == inside[0] else c for i, c in enumerate(chosen) if i not in inside[1:]]
                continue
        if sum(len(c.split()) for c in chosen) + len(term.split()) > 4:
            continue
        chosen.append(term)
        if len(chosen) == 3:
            break
    return chosen


def _surface(term: str, forms: Mapping[str, str]) -> str:
    return " ".join(forms.get(w, w) for w in term.split())


def _representatives(z: np.ndarray, members: np.ndarray, strengths: np.ndarray, keys: Sequence[str],
                     replies: frozenset[int] = frozenset(), count: int = _N_REPRESENTATIVES) -> list[int]:
    """Central and diverse: by strength, skipping near-duplicates, with maximal marginal relevance.
    Replies placed with the help of what they reply to (`replies`) come last: "Same here" is
    central only through its thread."""
    order = [int(i) for i in members[np.argsort(-strengths, kind="stable")]]
    candidates = [i for i in order if i not in replies][:50]
    if len(candidates) < count:
        candidates += [i for i in order if i in replies][:count - len(candidates)]
    chosen: list[int] = []
    chosen_keys: set[str] = set()
    strength_of = dict(zip(members.tolist(), strengths.tolist()))
    while candidates and len(chosen) < count:
        best, best_score = None, -np.inf
        for i in candidates:
            if keys[i] in chosen_keys:
                continue
            similarity = max((float(z[i] @ z[j]) for j in chosen), default=0.0)
            if chosen and similarity >= _NEAR_DUPLICATE:
                continue
            score = 0.7 * strength_of[i] - 0.3 * similarity
            if score > best_score:
                best, best_score = i, score
        if best is None:
            break
        chosen.append(best)
        chosen_keys.add(keys[best])
        candidates.remove(best)
    return chosen


# --------------------------------------------------------------------------
# Stable ids
# --------------------------------------------------------------------------

def fingerprint(text: str) -> str:
    """A short key for a text, equal for texts equal after normalisation."""
    return hashlib.blake2b(normalize(text).encode("utf-8"), digest_size=6).hexdigest()


def _match_previous(new: list[Theme], previous: ThemeResult | None) -> int:
    """Give matched new themes their old id (in place); return the next free numeric id."""
    if previous is None:
        for number, theme in enumerate(new, start=1):
            theme.id = f"t{number}"
        return len(new) + 1
    old = previous.themes
    next_id = max([previous.next_id] + [_id_number(t.id) + 1 for t in old])
    if old and new:
        old_keys = [Counter(t.member_keys) for t in old]
        new_keys = [Counter(t.member_keys) for t in new]
        known = set().union(*old_keys)
        jaccard = np.zeros((len(new), len(old)))
        for a, nk in enumerate(new_keys):
            nk_known = Counter({k: c for k, c in nk.items() if k in known})
            for b, ok in enumerate(old_keys):
                inter = sum((nk_known & ok).values())
                if inter:
                    jaccard[a, b] = inter / sum((nk_known | ok).values())
        rows, cols = linear_sum_assignment(-jaccard)
        matched = {r: c for r, c in zip(rows, cols) if jaccard[r, c] >= 0.1}
    else:
        matched = {}
    for a, theme in enumerate(new):
        if a in matched:
            theme.id = old[matched[a]].id
        else:
            theme.id = f"t{next_id}"
            next_id += 1
    return next_id


def _id_number(theme_id: str) -> int:
    digits = re.sub(r"\D", "", theme_id)
    return int(digits) if digits else 0


# --------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------

def _centred(z: np.ndarray, usable: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """The usable rows minus their mean, renormalised (in place: `z` is find_themes' own).

    Every representation puts what all texts share (the language, the domain,
    "how do I") in a common direction; left in, it dominates the cosine between
    short texts and k-means gathers generic ones into one oversized theme
    (bench/THEMES.md has the figures). Skipped for fewer than 20 texts or 3
    distinct ones, where the mean is one of the texts.
    """
    if len(usable) < 20 or len({keys[i] for i in usable}) < 3:
        return z
    mean = np.zeros(z.shape[1], dtype=np.float64)
    for start in range(0, len(usable), _CHUNK):  # in chunks: z[usable] whole would be a copy of z
        mean += z[usable[start:start + _CHUNK]].sum(axis=0, dtype=np.float64)
    mean = (mean / len(usable)).astype(z.dtype)
    for start in range(0, len(usable), _CHUNK):
        rows = usable[start:start + _CHUNK]
        z[rows] = _unit_rows(z[rows] - mean, copy=False)
    return z


def _cluster(z, usable, keys, labels, strengths, n_themes, random_state, previous,
             stages: _Stages | None = None, method: str = "kmeans", anchors: Mapping[int, int] | None = None,
             n_seeds: int = 0, holds: Mapping[int, int] | None = None, unsteered: np.ndarray | None = None) -> None:
    """Fill `labels` (-1 for Other) and `strengths` for the usable rows of `z`, in place.

    `method` "kmeans": k-means++ with restarts (TF-IDF/LSA). "ward": in
    `_CLUSTER_DIMS` dimensions, Ward's agglomerative clustering on a sample,
    then k-means started from its centres over every item (sentence embeddings).
    With `previous`, both start k-means from the previous themes' centres. With seeds
    (`anchors`: row -> seed; `holds`: row -> seed whose theme holds it now), the
    partition is then steered (`steering.seeded_labels`): seeds are labels
    0..n_seeds-1, and their anchors stay in them whatever their fit; `unsteered`, if
    given, gets the partition before that (-1 for rows not clustered).
    """
    if not len(usable):
        return
    # The usable rows, in their (canonical) order: for sentence embeddings straight in fewer
    # dimensions, so no full copy of 100,000 wide rows is made.
    zc = _reduced(z, usable, random_state) if method == "ward" else z[usable]
    # Averaging with neighbours tightens small groups of near-paraphrases, which the
    # silhouette then rewards: k is chosen on the vectors before it.
    z_chosen_on = zc
    if method == "ward":
        zc = _smoothed(zc, random_state)
    distinct = len({keys[i] for i in usable})
    usable_keys = [keys[i] for i in usable]
    kept = _previous_centers(zc, usable_keys, previous) if previous is not None else None
    if n_themes is None:
        on_step = stages.within("choosing the number of themes") if stages else None
        kept_before = kept if z_chosen_on is zc or kept is None else \
            _previous_centers(z_chosen_on, usable_keys, previous)
        k = choose_n_themes(z_chosen_on, random_state, max_k=distinct, previous_centers=kept_before,
                            on_step=on_step, method=method)
    else:
        k = int(n_themes)
    k = max(1, min(k, distinct))
    if stages:
        stages.stage("clustering")
    if k == 1:
        labels[usable] = 0
    elif kept is not None:
        labels[usable], _ = _kmeans(zc, k, random_state, init=_seed_centers(zc, kept, k))
    elif method == "ward":
        labels[usable] = _ward_kmeans(zc, k, random_state)
    else:
        labels[usable], _ = _kmeans(zc, k, random_state)
    position = {int(row): i for i, row in enumerate(usable)}
    anchored = {position[row]: seed for row, seed in (anchors or {}).items() if row in position}
    if unsteered is not None:
        unsteered[usable] = labels[usable]
    if n_seeds and anchored:
        held = {position[row]: seed for row, seed in (holds or {}).items() if row in position}
        labels[usable] = steering.seeded_labels(zc, labels[usable], anchored, n_seeds,
                                                n_themes=None if n_themes is None else max(k, n_seeds), holds=held)
    # Centres in the full space, as the mean of each theme's members.
    found = labels[usable]
    members_of = csr_matrix((np.ones(len(found), dtype=z.dtype), (found, usable)),
                            shape=(int(found.max()) + 1, len(z)))
    centers = _unit_rows(np.asarray(members_of @ z, dtype=np.float64), copy=False).astype(z.dtype, copy=False)
    for start in range(0, len(usable), _CHUNK):  # centers[found] whole would be 100,000 rows more
        rows, part = usable[start:start + _CHUNK], found[start:start + _CHUNK]
        strengths[rows] = np.clip(np.einsum("ij,ij->i", z[rows], centers[part]), 0.0, 1.0)
    # Items that fit their theme badly, and themes too small to be one, go to Other; not the
    # rows anchored to a seed, nor a seed's theme (a leader asked for it).
    kept = np.zeros(len(labels), dtype=bool)
    kept[usable[list(anchored)]] = True
    labels[usable[(strengths[usable] < _OTHER_BELOW) & ~kept[usable]]] = -1
    min_size = _min_theme_size(len(labels))
    for c, size in Counter(labels[labels >= 0].tolist()).items():
        if size < min_size and c >= n_seeds:
            labels[labels == c] = -1


def _reduced(z: np.ndarray, usable: np.ndarray, random_state: int) -> np.ndarray:
    """The rows `usable` of `z` in `_CLUSTER_DIMS` dimensions (truncated SVD, fitted on a
    sample, applied in chunks), renormalised."""
    n, d = len(usable), z.shape[1]
    if d <= _CLUSTER_DIMS or n <= 2 * _CLUSTER_DIMS:
        return z[usable]
    svd = TruncatedSVD(_CLUSTER_DIMS, algorithm="randomized", n_iter=5, random_state=random_state)
    fit_on = usable[np.sort(np.random.default_rng(random_state).choice(n, _SVD_FIT_MAX, replace=False))] \
        if n > _SVD_FIT_MAX else usable
    svd.fit(z[fit_on])
    out = np.empty((n, _CLUSTER_DIMS), dtype=z.dtype)
    for start in range(0, n, _CHUNK):
        out[start:start + _CHUNK] = svd.transform(z[usable[start:start + _CHUNK]])
    return _unit_rows(out, copy=False)


def _smoothed(z: np.ndarray, random_state: int) -> np.ndarray:
    """Each row half itself, half the mean of itself and its nearest neighbours, renormalised.

    A short text's embedding is noisy; its nearest neighbours mostly say the
    same thing, so averaging pulls a theme's items together before Ward and
    k-means see them. Neighbours are looked for among at most
    `_SMOOTH_REFERENCE_MAX` items (a sample above that), found by a few argmax
    passes (argpartition was 5x slower), which keeps 100,000 texts to a few
    seconds. What it gains, and what was tried instead: bench/THEMES.md.
    """
    n = len(z)
    if n < _SMOOTH_MIN:
        return z
    reference = np.arange(n) if n <= _SMOOTH_REFERENCE_MAX else \
        np.sort(np.random.default_rng(random_state).choice(n, _SMOOTH_REFERENCE_MAX, replace=False))
    among = z[reference]
    take = min(_SMOOTH_NEIGHBOURS + 1, len(reference))  # a row in the reference finds itself first
    neighbours = np.zeros_like(z)
    for start in range(0, n, 2048):
        similarity = z[start:start + 2048] @ among.T
        rows = np.arange(len(similarity))
        for _ in range(take):  # a few argmax passes: several times faster than argpartition here
            nearest = similarity.argmax(axis=1)
            neighbours[start:start + 2048] += among[nearest]
            similarity[rows, nearest] = -np.inf
    neighbours /= take
    return _unit_rows(0.5 * z + 0.5 * neighbours, copy=False).astype(z.dtype, copy=False)


def _ward_kmeans(z: np.ndarray, k: int, random_state: int) -> np.ndarray:
    """Ward on (a sample of) `z` cut into k groups, then k-means from their centres."""
    n = len(z)
    rows = np.arange(n) if n <= _WARD_MAX else \
        np.sort(np.random.default_rng(random_state).choice(n, _WARD_MAX, replace=False))
    if k >= len(rows):
        return _kmeans(z, k, random_state)[0]
    groups = fcluster(ward_tree(z[rows].astype(np.float64)), k, criterion="maxclust") - 1
    centers = np.vstack([z[rows][groups == g].mean(axis=0) for g in np.unique(groups)])
    return _kmeans(z, len(centers), random_state, init=centers.astype(z.dtype))[0]


class _Stages:
    """Reports `find_themes`' progress: each stage has a share of the whole work,
    and the fraction reported never goes down."""

    def __init__(self, progress: Progress | None, weights: Mapping[str, float]):
        self.progress = progress
        total = sum(weights.values()) or 1.0
        self.starts: dict[str, float] = {}
        self.shares: dict[str, float] = {}
        done = 0.0
        for name, weight in weights.items():
            self.starts[name], self.shares[name] = done / total, weight / total
            done += weight
        self.last = 0.0

    def report(self, name: str, fraction: float) -> None:
        self.last = min(1.0, max(self.last, fraction))
        if self.progress is not None:
            self.progress(name, self.last)

    def stage(self, name: str) -> None:
        self.report(name, self.starts.get(name, self.last))

    def within(self, name: str) -> Callable[[float], None]:
        """A callback for progress inside a stage (0..1 of that stage)."""
        self.stage(name)
        return lambda part: self.report(name, self.starts[name] + self.shares[name] * min(max(part, 0.0), 1.0))


def _stage_weights(vectors_given: bool, automatic: bool, representation_name: str) -> dict[str, float]:
    """Rough shares of the work per stage (measured on 3,000-20,000 texts): sentence
    embeddings dominate when they are computed; with TF-IDF the choice of k does."""
    slow = "tfidf" not in representation_name
    return {"vectorising": 0.02 if vectors_given else (20.0 if slow else 2.0),
            "choosing the number of themes": 3.0 if automatic else 0.0,
            "clustering": 1.0,
            "labelling": 0.5}


def _clustering_for(representation: Any, name: str) -> str:
    """"kmeans" for TF-IDF/LSA, "ward" for sentence embeddings and anything else
    (a representation may say with a `clustering` attribute)."""
    method = getattr(representation, "clustering", None)
    if method in ("kmeans", "ward"):
        return method
    return "kmeans" if name.startswith("tfidf") else "ward"


def _min_theme_size(n: int) -> int:
    return 1 if n < 20 else 2 if n < 200 else 3


def _empty_other(members=(), strengths=(), keys=()) -> Theme:
    return Theme(id=OTHER_ID, label=OTHER_LABEL, top_terms=[], members=list(members),
                 strengths=list(strengths), representatives=list(members)[:_N_REPRESENTATIVES],
                 member_keys=list(keys))


def find_themes(texts: Sequence[str], *, n_themes: int | None = None, random_state: int = 0,
                previous: ThemeResult | Mapping[str, Any] | None = None,
                representation: Representation | str | None = None,
                vectors: np.ndarray | None = None,
                progress: Progress | None = None,
                seeds: Sequence[Seed] = (), seed_vectors: np.ndarray | None = None,
                replying_to: Sequence[int | None] | None = None) -> ThemeResult:
    """Group texts into themes; see the module docstring for how.

    `texts`: the feedback, any language mix of English and Spanish, any length.
    `n_themes`: how many themes to find; None chooses (see `choose_n_themes`).
    `random_state`: the same texts and random_state give the same result.
    `previous`: an earlier `ThemeResult` or its `to_dict()`; matching themes keep their ids.
    `representation`: how texts become vectors; None uses `default_representation()`.
    `vectors`: precomputed (n, d) vectors for `texts`, rows L2-normalised (the
        embeddings cache: what `SentenceEmbeddings.embed` gave); then
        `representation` does not compute vectors: it names them in the result
        (an object with `name`, or the name itself; default "precomputed") and
        its `prepare(texts, vectors)` step over the whole set, if it has one
        (the combined embeddings do), is applied.
    `progress`: called as progress(stage, fraction) with the stages "vectorising",
        "choosing the number of themes" (automatic k only), "clustering" and
        "labelling", a fraction of the whole work that never goes down, and
        last ("done", 1.0).
    `seeds`: themes leaders started or placed items in (`Seed`); each comes out with
        its id when any item fits it, and items like its examples follow it (see
        `engage.themes.steering`). With `vectors`, `seed_vectors` are its examples'
        vectors (every seed's examples, in order), computed the same way.
    `replying_to`: for each text, the index of the text it replies to (a reply in
        a comment thread), or None; see `_in_context`.
    """
    texts = ["" if t is None else str(t) for t in texts]
    n_items = len(texts)
    # The seeds' examples are clustered as texts of their own, then left out of the result.
    examples = [example for seed in seeds for example in seed.examples]
    texts += examples
    n = len(texts)
    if vectors is not None:
        if examples:
            if seed_vectors is None or len(seed_vectors) != len(examples):
                raise ValueError("seeds with examples need `seed_vectors`, one per example, with `vectors`")
            vectors = np.vstack([_vectors_for(vectors, n_items), np.asarray(seed_vectors)])
        vectors = _vectors_for(vectors, n)
        name = representation if isinstance(representation, str) else \
            getattr(representation, "name", None) or "precomputed"
    else:
        if isinstance(representation, str):
            raise ValueError("a representation given by name needs `vectors`")
        representation = representation or default_representation()
        name = representation.name
    if previous is not None and not isinstance(previous, ThemeResult):
        previous = ThemeResult.from_dict(previous)
    stages = _Stages(progress, _stage_weights(vectors is not None, n_themes is None, name))
    stages.stage("vectorising")
    if n == 0:
        next_id = _match_previous([], previous)
        stages.report("done", 1.0)
        return ThemeResult([], _empty_other(), 0, name, n_themes is None, next_id)
    keys = [fingerprint(t) for t in texts]
    # Per-item vectors as the model gives them (sentence embeddings), for naming the themes.
    raw = None
    if vectors is None and hasattr(representation, "embed") and hasattr(representation, "prepare"):
        raw = _unit_rows(np.asarray(representation.embed(list(texts)), dtype=np.float32), copy=False)
        z = np.asarray(representation.prepare(list(texts), raw), dtype=np.float32)
        if z is raw:  # the steps below change z in place; raw is kept for naming
            z = z.copy()
    elif vectors is None:  # a copy: the steps below change z in place, and a representation may keep its rows
        z = np.array(representation.fit_transform(list(texts)), dtype=np.float32)
    else:
        raw = vectors
        # Per-item vectors may need a step over the whole set (see `_prepared`),
        # taken in the canonical order so the input order does not matter.
        order = sorted(range(n), key=lambda i: keys[i])
        prepared = _prepared(representation, [texts[i] for i in order], _unit_rows(vectors[order], copy=False))
        z = np.empty_like(prepared)
        z[order] = prepared
        del prepared  # 100,000 combined embeddings are 360 MB
    # Rows of unit length or zeros, whatever the representation gave: the rest
    # reads a row's length as "usable or not" and a dot product as a cosine.
    z = _unit_rows(z, copy=False)
    # A text with no word at all (empty, emoji or punctuation only) says nothing
    # a theme could be about, whatever vector a model gives it.
    z[[i for i, t in enumerate(texts) if not words(t)]] = 0.0
    replies = _in_context(z, replying_to, n_items)
    # Cluster in a canonical order (by fingerprint), so the same texts in another
    # order give the same themes.
    usable = np.array([i for i in sorted(range(n), key=lambda i: keys[i]) if np.linalg.norm(z[i]) > 0.5],
                      dtype=int)
    z = _centred(z, usable, keys)
    labels = np.full(n, -1)
    strengths = np.zeros(n, dtype=np.float32)
    example_rows, start = [], n_items
    for seed in seeds:
        example_rows.append(range(start, start + len(seed.examples)))
        start += len(seed.examples)
    anchors = steering.seed_anchor_rows([seed.members for seed in seeds], example_rows)
    holds = {row: index for index, seed in enumerate(seeds) for row in seed.holds}
    unsteered = np.full(n, -1) if seeds else None
    with _threads_for(n):
        _cluster(z, usable, keys, labels, strengths, n_themes, random_state, previous, stages,
                 method=_clustering_for(representation, name), anchors=anchors, n_seeds=len(seeds), holds=holds,
                 unsteered=unsteered)
    if examples:
        n, texts, keys, z, labels, strengths = (n_items, texts[:n_items], keys[:n_items], z[:n_items],
                                                labels[:n_items], strengths[:n_items])
        raw = raw[:n_items] if raw is not None else None
        unsteered = unsteered[:n_items]
    stages.stage("labelling")
    found = [np.flatnonzero(labels == c) for c in sorted(set(labels.tolist()) - {-1})]
    seed_of_found = {index: int(labels[group[0]]) for index, group in enumerate(found)
                     if labels[group[0]] < len(seeds)}
    # Largest first; ties broken by the members' texts, not their order.
    groups, parts, seed_of = _broader(found, z, keys, gather=n_themes is None, seeded=seed_of_found,
                                      apart={i for i, group in enumerate(found)
                                             if naming.one_word_answers(texts, group)})
    centres = _centres(z, groups)
    for members, centre in zip(groups, centres):
        strengths[members] = np.clip(z[members] @ centre, 0.0, 1.0)
    docs = [normalize(t) for t in texts]
    vocab, scores = _class_tfidf(docs, groups) if groups else (None, None)
    themes: list[Theme] = []
    for g_index, members in enumerate(groups):
        member_strengths = strengths[members]
        top_terms: list[str] = []
        if vocab is not None:
            order = np.argsort(-scores[g_index], kind="stable")[:40]
            top_terms = [str(vocab[j]) for j in order if scores[g_index, j] > 0][:_N_TOP_TERMS * 2]
        label_terms = _label_terms(top_terms)
        forms = _surface_forms(texts, members.tolist(), {w for t in top_terms for w in t.split()})
        label = ", ".join(_surface(t, forms) for t in label_terms) or _fallback_label(texts[members[0]])
        themes.append(Theme(id="", label=label, top_terms=[_surface(t, forms) for t in top_terms[:_N_TOP_TERMS]],
                            members=members.tolist(), strengths=[float(s) for s in member_strengths],
                            representatives=_representatives(z, members, member_strengths, keys, replies),
                            member_keys=[keys[i] for i in members],
                            confidences=_placement_margins(z[members], centres, g_index).tolist(),
                            tightness=float(member_strengths.mean())))
    _name(themes, texts, raw, getattr(representation, "embed", None), replies)
    _add_subthemes(themes, parts, z, texts, docs, keys, raw, getattr(representation, "embed", None),
                   random_state, replies)
    next_id = _give_ids(themes, seed_of, seeds, previous)
    alike = _alike_pairs(themes, centres)
    other_members = np.flatnonzero(labels == -1)
    other = _empty_other(other_members.tolist(), [float(strengths[i]) for i in other_members],
                         [keys[i] for i in other_members])
    stages.report("done", 1.0)
    result = ThemeResult(themes, other, n, name, n_themes is None, next_id, alike)
    if unsteered is not None:
        result.counted = _unsteered(result.assignments(), unsteered, set(anchors))
    return result


def _in_context(z: np.ndarray, replying_to: Sequence[int | None] | None, n_items: int) -> frozenset[int]:
    """Each reply's row, in place, plus `_CONTEXT_WEIGHT` times the row of what it replies to,
    renormalised; the replies so changed.

    A reply often says nothing of its subject ("Same here", "Thanks, I didn't know
    that", "Estoy de acuerdo"); alone, such replies gather into themes of their own
    (agreement, thanks) instead of the subjects they agree about. A reply that
    says more keeps most of its own direction. Rows with nothing to go on (zeros)
    stay zeros, and a reply to a text not in the set keeps its row.
    """
    if replying_to is None:
        return frozenset()
    pairs = [(i, parent) for i, parent in enumerate(replying_to[:n_items])
             if parent is not None and 0 <= parent < n_items and parent != i]
    pairs = [(i, parent) for i, parent in pairs if z[i].any() and z[parent].any()]
    if not pairs:
        return frozenset()
    rows, parents = (np.array(side) for side in zip(*pairs))
    z[rows] = _unit_rows(z[rows] + _CONTEXT_WEIGHT * z[parents], copy=False)
    return frozenset(rows.tolist())


def _centres(z: np.ndarray, groups: Sequence[np.ndarray]) -> np.ndarray:
    if not groups:
        return np.zeros((0, z.shape[1]), dtype=z.dtype)
    return _unit_rows(np.vstack([z[g].mean(axis=0) for g in groups]), copy=False)


def _broader(found: list[np.ndarray], z: np.ndarray, keys: Sequence[str], *, gather: bool,
             seeded: Mapping[int, int], apart: Collection[int] = ()
             ) -> tuple[list[np.ndarray], list[list[np.ndarray] | None], dict[int, int]]:
    """The themes as leaders read them, largest first (ties broken by the members' texts,
    not their order), for each the themes gathered under it (None: it gathered none), and
    which of them are seeds (position -> seed). With `gather` (automatic k), alike themes
    nobody seeded (`seeded`: position in `found` -> seed) are gathered under broader ones
    (`hierarchy.broader_groups`); a number of themes asked for is kept. Themes `apart`
    (positions: themes of one-word answers, whose subject is the kind of answer, not a
    topic) are gathered with none."""
    free = [i for i in range(len(found)) if i not in seeded and i not in apart]
    groups = hierarchy.broader_groups(_centres(z, [found[i] for i in free])) if gather else \
        [[j] for j in range(len(free))]
    gathered = [[free[j] for j in group] for group in groups]
    gathered += [[i] for i in seeded] + [[i] for i in apart if i not in seeded]
    tops = []
    for indices in gathered:
        members = np.sort(np.concatenate([found[i] for i in indices]))
        inside = sorted((found[i] for i in indices), key=lambda g: (-len(g), min(keys[i] for i in g)))
        tops.append((members, inside if len(inside) > 1 else None, seeded.get(indices[0])))
    tops.sort(key=lambda top: (-len(top[0]), min(keys[i] for i in top[0])))
    seed_of = {position: top[2] for position, top in enumerate(tops) if top[2] is not None}
    return [top[0] for top in tops], [top[1] for top in tops], seed_of


def _unsteered(placed: list[str], unsteered: np.ndarray, anchored: set[int]) -> list[str]:
    """Each item's theme by the clustering alone: the theme most items of its cluster (as
    found before seeds steered it) ended in, not counting the items leaders placed, so no
    choice of theirs moves an item's count; Other for items in Other. Ties go to the
    first theme id in order."""
    votes: dict[int, Counter] = {}
    for row, cluster in enumerate(unsteered.tolist()):
        if cluster >= 0 and row not in anchored:
            votes.setdefault(cluster, Counter())[placed[row]] += 1
    destination = {cluster: min(counter.items(), key=lambda pair: (-pair[1], pair[0]))[0]
                   for cluster, counter in votes.items()}
    return [destination.get(cluster, OTHER_ID) if cluster >= 0 and placed[row] != OTHER_ID else OTHER_ID
            for row, cluster in enumerate(unsteered.tolist())]


def _give_ids(themes: list[Theme], seed_of: Mapping[int, int], seeds: Sequence[Seed],
              previous: ThemeResult | None) -> int:
    """Ids for the themes, in place: a seed's theme takes the seed's id, the others follow
    the previous run (`_match_previous`). Returns the next free numeric id."""
    seed_ids = {seed.id for seed in seeds}
    for position, seed in seed_of.items():
        themes[position].id = seeds[seed].id
    if previous is not None and seed_ids:
        previous = ThemeResult([t for t in previous.themes if t.id not in seed_ids], previous.other,
                               previous.n_items, previous.representation, previous.automatic,
                               max([previous.next_id] + [_id_number(i) + 1 for i in seed_ids]), previous.alike)
    next_id = _match_previous([t for i, t in enumerate(themes) if i not in seed_of], previous)
    return max([next_id] + [_id_number(i) + 1 for i in seed_ids])


def _add_subthemes(themes: list[Theme], parts: list[list[np.ndarray] | None], z: np.ndarray,
                   texts: Sequence[str], docs: list[str], keys: Sequence[str], raw: np.ndarray | None, embed,
                   random_state: int, replies: frozenset[int] = frozenset()) -> None:
    """Each theme's sub-themes, in place: the themes gathered under it, or else its clear
    parts (`hierarchy.subclusters`), each with terms distinctive within the theme and names."""
    made: list[SubTheme] = []
    central_first: list[list[int]] = []
    for theme, gathered in zip(themes, parts):
        members = np.asarray(theme.members)
        if gathered is None:
            # A part mostly of replies is agreement with the rest, not a sub-subject.
            inside = [members[part] for part in hierarchy.subclusters(z[members], random_state)
                      if 2 * sum(int(m) in replies for m in members[part]) < len(part)]
            inside = inside if len(inside) >= 2 else []
        else:
            inside = gathered
        if not inside:
            continue
        local = {int(m): i for i, m in enumerate(members)}
        vocab, scores = _class_tfidf([docs[m] for m in members], [np.array([local[int(m)] for m in part])
                                                                   for part in inside])
        for index, part in enumerate(inside):
            terms = []
            if vocab is not None:
                order = np.argsort(-scores[index], kind="stable")[:20]
                terms = [str(vocab[j]) for j in order if scores[index, j] > 0][:_N_TOP_TERMS]
            closeness = z[part] @ _centres(z, [part])[0]
            sub = SubTheme(label=", ".join(_label_terms(terms)) or _fallback_label(texts[part[0]]),
                           members=part.tolist(), top_terms=terms, member_keys=[keys[i] for i in part],
                           gathered=gathered is not None)
            theme.subthemes.append(sub)
            made.append(sub)
            central_first.append(part[np.argsort(-closeness, kind="stable")].tolist())
    if not made:
        return
    names = _names(texts, central_first, [sub.top_terms for sub in made], replies, raw, embed,
                   embedded=_SUBTHEME_EMBEDDED)
    for sub, sub_names in zip(made, names):
        sub.names = sub_names
        sub.label = sub_names.get("en", sub.label)


def _names(texts: Sequence[str], central_first: list[list[int]], terms: list[list[str]], replies: frozenset[int],
           raw: np.ndarray | None, embed, **options) -> list[dict[str, str]]:
    """`naming.theme_names` of groups of members (most central first), from their members that
    are not replies placed through their thread: a theme is named from what people raised, not
    from "That's a fair point". A group whose other members give no name (their words are not
    its distinctive ones) is named from all its members."""
    embed = embed if raw is not None else None
    names = naming.theme_names(texts, [[m for m in group if m not in replies] or group for group in central_first],
                               terms, embed=embed, vectors=raw, **options)
    again = [i for i, found in enumerate(names) if not found and any(m in replies for m in central_first[i])]
    if again:
        for i, found in zip(again, naming.theme_names(texts, [central_first[i] for i in again],
                                                      [terms[i] for i in again], embed=embed, vectors=raw,
                                                      **options)):
            names[i] = found
    return names


def _name(themes: list[Theme], texts: Sequence[str], raw: np.ndarray | None, embed,
          replies: frozenset[int] = frozenset()) -> None:
    """Give each theme its names in plain words (see `engage.themes.naming`), in place;
    the English one, when there is one, becomes its label."""
    if not themes:
        return
    central_first = [[m for _, m in sorted(zip(t.strengths, t.members), key=lambda pair: (-pair[0], pair[1]))]
                     for t in themes]
    names = _names(texts, central_first, [t.top_terms for t in themes], replies, raw, embed)
    for theme, theme_names in zip(themes, names):
        theme.names = theme_names
        theme.label = theme_names.get("en", theme.label)


def _placement_margins(rows: np.ndarray, centres: np.ndarray, own: int) -> np.ndarray:
    """For rows placed in theme `own`: cosine to its centre less the best cosine to another."""
    similarity = (rows @ centres.T).astype(np.float64)
    margins = similarity[:, own].copy()
    if len(centres) > 1:
        similarity[:, own] = -np.inf
        margins -= similarity.max(axis=1)
    return np.round(margins, 4)


def _alike_pairs(themes: list[Theme], centres: np.ndarray) -> list[tuple[str, str, float]]:
    """Pairs of themes that are each other's nearest (cosine of their centres) and at
    least `ALIKE_FROM` alike, most alike first: a leader may see them as one subject.

    On the school feedback set (automatic k, 33 themes for 24 subjects) these were
    lunch food / time to eat, late buses / traffic at drop-off, bullying /
    suspensions: related subjects a leader may well merge into one broader theme."""
    if len(themes) < 2:
        return []
    similarity = centres @ centres.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    pairs = [(themes[a].id, themes[b].id, round(float(similarity[a, b]), 4))
             for a, b in enumerate(nearest) if a < b and nearest[b] == a and similarity[a, b] >= ALIKE_FROM]
    return sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))


def _prepared(representation: Any, texts: Sequence[str | None], vectors: np.ndarray) -> np.ndarray:
    """Precomputed per-item vectors made ready to cluster: a representation with
    a `prepare(texts, vectors)` step over the whole set (the combined sentence
    embeddings) takes it; a name is looked up in `engage.themes.embeddings`."""
    prepare = getattr(representation, "prepare", None)
    if prepare is None and isinstance(representation, str):
        try:
            from engage.themes import embeddings
        except Exception:  # noqa: BLE001 - without the backend a name is only a name
            return vectors
        return np.asarray(embeddings.prepare(representation, texts, vectors), dtype=np.float32)
    return vectors if prepare is None else np.asarray(prepare(texts, vectors), dtype=np.float32)


class NearestThemes:
    """Themes' centres, to put new texts in the nearest one (see `assign_nearest`).

    `blocks` maps a theme id to its members' rows (unit length, or zeros for
    unusable ones). As `_centred` does in `find_themes`, cosines are taken
    after centring on the members' mean (two themes or more, 20 usable rows or
    more), so the Other threshold means what it means there. `fit` builds one
    from member texts with TF-IDF/LSA and keeps the fitted space, so placing
    more texts later costs a transform, not a fit (about 1 s at 150 themes).
    """

    def __init__(self, blocks: Mapping[str, np.ndarray], representation: Any = None):
        self.representation = representation
        self.ids = [tid for tid, rows in blocks.items() if len(rows)]
        members = [blocks[tid] for tid in self.ids]
        stacked = np.vstack(members) if members else np.zeros((0, 1), dtype=np.float32)
        usable = np.linalg.norm(stacked, axis=1) > 0.5
        self.mean = stacked[usable].mean(axis=0) if len(self.ids) >= 2 and usable.sum() >= 20 else \
            np.zeros(stacked.shape[1], dtype=np.float32)
        centres = np.vstack([self._centred(rows).mean(axis=0) for rows in members]) if members else stacked
        self.has_centre = np.linalg.norm(centres, axis=1) > 1e-6
        self.centres = _unit_rows(centres, copy=False)

    @classmethod
    def fit(cls, themes: Mapping[str, Sequence[str]], representation: TfidfLsa | None = None) -> NearestThemes:
        """From some member texts per theme (say up to 50 each)."""
        members = {tid: ["" if t is None else str(t) for t in rows] for tid, rows in themes.items()}
        members = {tid: rows for tid, rows in members.items() if rows}
        representation = representation or TfidfLsa(n_components=_PLACING_DIMS)
        pool = [t for rows in members.values() for t in rows]
        if not pool:
            return cls({}, representation)
        z = _unit_rows(np.asarray(representation.fit_transform(pool), dtype=np.float32))
        blocks, at = {}, 0
        for tid, rows in members.items():
            blocks[tid] = z[at:at + len(rows)]
            at += len(rows)
        return cls(blocks, representation)

    def _centred(self, rows: np.ndarray) -> np.ndarray:
        # Unusable rows (a text the shared space does not explain, say) stay zeros.
        out = np.zeros_like(rows)
        keep = np.linalg.norm(rows, axis=1) > 0.5
        out[keep] = rows[keep] - self.mean
        return _unit_rows(out, copy=False)

    def place(self, texts: Sequence[str], rows: np.ndarray | None = None,
              replying_to: Sequence[str | None] | None = None) -> list[tuple[str | None, float]]:
        """[(theme id or None, cosine)] for each text. `rows` are the texts' vectors, else the
        fitted representation computes them; then `replying_to` may give, for each text, the
        text it replies to (or None), taken in as `find_themes` does (see `_in_context`)."""
        texts = ["" if t is None else str(t) for t in texts]
        n = len(texts)
        if not texts or not self.has_centre.any():
            return [(None, 0.0)] * n
        if rows is None:
            parents = [p for p in (replying_to or ()) if p]
            rows = _unit_rows(np.asarray(self.representation.transform(texts + parents), dtype=np.float32))
            at = n
            for i, parent in enumerate(replying_to or ()):
                # Unlike `_in_context`, a reply TF-IDF/LSA does not explain ("Same here") still
                # has words: it goes where what it replies to goes.
                if parent:
                    if words(texts[i]):
                        rows[i] = _unit_rows(rows[i:i + 1] + _CONTEXT_WEIGHT * rows[at], copy=False)[0]
                    at += 1
            rows = rows[:n]
        rows = _unit_rows(rows)
        cosines = self._centred(rows) @ self.centres.T
        cosines[:, ~self.has_centre] = -np.inf
        out: list[tuple[str | None, float]] = []
        for i, text in enumerate(texts):
            if not words(text) or np.linalg.norm(rows[i]) <= 0.5:
                out.append((None, 0.0))
                continue
            best = int(np.argmax(cosines[i]))
            cosine = float(np.clip(cosines[i, best], -1.0, 1.0))
            out.append((self.ids[best] if cosine >= _OTHER_BELOW else None, cosine))
        return out


def assign_nearest(texts: Sequence[str], themes: Mapping[str, Sequence[str]], *,
                   representation: Representation | None = None,
                   vectors: np.ndarray | None = None,
                   theme_vectors: Mapping[str, np.ndarray] | None = None) -> list[tuple[str | None, float]]:
    """The nearest existing theme for each of some new texts: [(theme id or None, cosine)].

    For feedback that arrives between runs. `themes` maps a theme id to some of
    its member texts (say up to 50 each); a theme's centre is the mean of its
    members' vectors, and each new text goes to the theme whose centre is
    nearest by cosine (see `NearestThemes`). A text gets (None, cosine) when it
    has no usable words, or when even the best cosine is below the threshold
    `find_themes` uses for Other (`_OTHER_BELOW`).

    Vectors come from `representation` (default TF-IDF/LSA, fitted on the
    member texts), or, to reuse cached sentence embeddings without embedding
    anything, from `vectors` ((n, d) rows for `texts`) and `theme_vectors`
    (theme id -> (m, d) rows for its members), both L2-normalised, as `embed`
    gave them (a ValueError when they are not one row per text or their widths
    differ). Then `representation` (an object or a model name), when given,
    only adds its step over the whole set (`prepare`, as in `find_themes`),
    reading the members' texts from `themes` where they line up with
    `theme_vectors`.
    """
    texts = ["" if t is None else str(t) for t in texts]
    n = len(texts)
    if (vectors is None) != (theme_vectors is None):
        raise ValueError("give both `vectors` and `theme_vectors`, or neither")
    if vectors is None:
        return NearestThemes.fit(themes, representation).place(texts) if n else []
    new = _unit_rows(_vectors_for(vectors, n))
    if not n:
        return []
    blocks = {tid: np.atleast_2d(np.asarray(rows, dtype=np.float32))
              for tid, rows in theme_vectors.items() if np.size(rows)}
    if any(rows.ndim != 2 or rows.shape[1] != new.shape[1] for rows in blocks.values()):
        raise ValueError("`vectors` and `theme_vectors` must have the same number of columns")
    blocks = {tid: _unit_rows(rows) for tid, rows in blocks.items()}
    if blocks and representation is not None:
        # The representation's step over the whole set, on members and new texts
        # together; members' texts come from `themes` when it has them.
        member_texts = [list(themes.get(tid, ())) for tid in blocks]
        member_texts = [rows if len(rows) == len(blocks[tid]) else [None] * len(blocks[tid])
                        for rows, tid in zip(member_texts, blocks)]
        stacked = _unit_rows(_prepared(representation, [t for rows in member_texts for t in rows] + texts,
                                       np.vstack([*blocks.values(), new])))
        at = 0
        for tid in list(blocks):
            blocks[tid] = stacked[at:at + len(blocks[tid])]
            at += len(blocks[tid])
        new = stacked[at:]
    return NearestThemes(blocks).place(texts, new)


def _fallback_label(text: str) -> str:
    """For a theme without distinctive words (identical texts, say): its first few words."""
    words = text.split()
    short = " ".join(words[:6])
    return short if len(words) <= 6 else short + "…"
