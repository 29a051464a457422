"""Properties of the themes pipeline over arbitrary feedback: no input makes it raise.

Short, empty, repeated, emoji-only, numeric, accent-only and mixed English and
Spanish texts, alone or among feedback like the demo's; through TF-IDF/LSA and
through precomputed vectors (how cached sentence embeddings arrive), with rows
of zeros, NaN, infinities, duplicates and lengths other than one. Whatever
comes in, `find_themes` puts every item in exactly one theme or Other and
`assign_nearest` answers each text with a theme it was given (or None) and a
finite cosine.

The number of examples is kept small so the whole file runs in well under a
minute; run it with HYPOTHESIS_MAX_EXAMPLES=1000 to look harder.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engage.themes.embeddings import COMBINED
from engage.themes.pipeline import _OTHER_BELOW, OTHER_ID, TfidfLsa, assign_nearest, find_themes
from engage.themes.text import words
from tests.themes.factories import demo_comments

properties = settings(max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "25")), deadline=None,
                      database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Each of these once raised somewhere, or is the kind of text that might.
AWKWARD = ["ok", "Zyxwv qjxkp", "", "😀😀", "123 456", "áéíóú", "the the the", " ", "?!", "¿¡", "Ok.", "no", "sí",
           "de la de la", "x" * 300]
ENGLISH = "bus late morning route driver interpreter meeting parents counselor school lunch reading homework".split()
SPANISH = "autobús tarde mañana ruta chofer intérprete reunión padres consejero escuela almuerzo lectura tarea".split()
STOP_WORDS = "the and of to de la el que y".split()
EMOJI = "😀🙏👍😡❤️😞‼️🚌"

sentences = st.lists(st.sampled_from(ENGLISH + SPANISH + STOP_WORDS), min_size=1, max_size=8).map(" ".join)
emoji_only = st.text(alphabet=EMOJI, min_size=1, max_size=6)
numeric = st.lists(st.integers(0, 10**6), min_size=1, max_size=4).map(lambda numbers: " ".join(map(str, numbers)))
accent_only = st.text(alphabet="áéíóúñüÁÉÍÓÚ´¨~", min_size=1, max_size=8)
any_text = st.one_of(st.sampled_from(AWKWARD), sentences, emoji_only, numeric, accent_only, st.text(max_size=30))


def demo_themes(per_theme: int = 20, seed: int = 15) -> dict[str, list[str]]:
    """Three themes of comments like the demo's: 60 texts, enough for TF-IDF to drop
    the n-grams no two texts share (the case that raised on `ok`)."""
    comments = demo_comments(3 * per_theme, seed, concerns=3)
    return {f"demo{t + 1}": comments[t::3] for t in range(3)}


@st.composite
def feedback(draw, max_size: int = 25) -> list[str]:
    """Awkward texts, maybe repeated, maybe among up to 60 comments like the demo's."""
    texts = draw(st.lists(any_text, max_size=max_size))
    if texts and draw(st.booleans()):
        texts += draw(st.lists(st.sampled_from(texts), max_size=max_size))
    ordinary = draw(st.sampled_from([0, 0, 10, 30, 60]))
    texts += demo_comments(ordinary, draw(st.integers(0, 3)))
    return draw(st.permutations(texts))


@st.composite
def vector_rows(draw, n: int, d: int) -> np.ndarray:
    """n rows of width d: near a few directions (so there is something to find), the
    same row again, rows of zeros, NaN or infinity, and rows far from unit length."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    directions = rng.normal(size=(draw(st.integers(1, 4)), d))
    kinds = draw(st.lists(st.sampled_from(["near"] * 4 + ["same", "zero", "nan", "inf", "tiny", "huge", "long"]),
                          min_size=n, max_size=n))
    scale = {"near": 1.0, "same": 1.0, "zero": 0.0, "tiny": 1e-30, "huge": 1e30, "long": 7.0}
    rows = np.empty((n, d))
    for i, kind in enumerate(kinds):
        if kind in ("nan", "inf"):
            rows[i] = rng.normal(size=d)
            rows[i, rng.integers(d)] = np.nan if kind == "nan" else -np.inf
            continue
        direction = directions[0] if kind == "same" else directions[rng.integers(len(directions))]
        row = direction if kind == "same" else direction + 0.2 * rng.normal(size=d)
        rows[i] = scale[kind] * row / max(np.linalg.norm(row), 1e-12)
    return rows.astype(draw(st.sampled_from([np.float32, np.float64])))


class Named:
    """A representation that only names precomputed vectors, and clusters them with Ward."""

    name = "some-model"
    clustering = "ward"


class Preparing:
    """A representation with a step over the whole set that leaves rows off unit length."""

    name = "preparing"

    def prepare(self, texts, vectors):
        return np.asarray(vectors) * 3.0


# How precomputed vectors may be named: not at all, by an object, or by a name
# (`_prepared` then looks it up; COMBINED runs `embeddings.combine_languages`).
REPRESENTATIONS = [None, Named(), Preparing(), "use-multilingual-v3", COMBINED]
WIDTHS = [1, 2, 5, 16, 896]  # 896: COMBINED's width, so its step over the set runs


def unit_rows(n: int, width: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, width))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


# The strings of issue 15, together.
ISSUE_TEXTS = ["ok", "Zyxwv qjxkp", "", "😀😀", "123 456", "áéíóú", "the the the"]


def assert_a_partition(result, texts: list[str]) -> None:
    """Every item in exactly one theme or Other, with finite strengths in [0, 1]; JSON without NaN."""
    n = len(texts)
    assert result.n_items == n
    members = [i for theme in result.themes for i in theme.members] + list(result.other.members)
    assert sorted(members) == list(range(n))
    ids = [theme.id for theme in result.themes]
    assert len(set(ids)) == len(ids) and OTHER_ID not in ids and all(ids)
    assert len(result.assignments()) == n
    for theme in [*result.themes, result.other]:
        assert len(theme.strengths) == len(theme.members)
        assert all(np.isfinite(s) and 0.0 <= s <= 1.0 for s in theme.strengths)
        assert set(theme.representatives) <= set(theme.members)
        assert isinstance(theme.label, str)
    for theme in result.themes:
        assert theme.members and theme.label
        # Texts with no word at all are never in a theme.
        assert all(words(texts[i]) for i in theme.members)
    json.dumps(result.to_dict(), allow_nan=False)


def assert_placed(placed, texts: list[str], theme_ids) -> None:
    """One answer per text: a given theme id or None, a finite cosine in [-1, 1], and a
    theme only when the cosine reaches the Other threshold."""
    assert len(placed) == len(texts)
    for text, (theme_id, cosine) in zip(texts, placed):
        assert theme_id is None or theme_id in theme_ids
        assert isinstance(cosine, float) and np.isfinite(cosine) and -1.0 <= cosine <= 1.0
        if theme_id is not None:
            assert cosine >= _OTHER_BELOW and words(text)
        if not words(text):
            assert (theme_id, cosine) == (None, 0.0)


# --------------------------------------------------------------------------
# find_themes
# --------------------------------------------------------------------------

@properties
@given(texts=feedback(), n_themes=st.one_of(st.none(), st.integers(0, 8)), random_state=st.integers(0, 3))
@example(texts=ISSUE_TEXTS, n_themes=None, random_state=0)
@example(texts=[*demo_comments(60, 15, concerns=3), *ISSUE_TEXTS], n_themes=None, random_state=0)
@example(texts=["the the the"] * 30, n_themes=None, random_state=0)
@example(texts=["ok"], n_themes=3, random_state=0)
def test_find_themes_with_tfidf_puts_every_item_in_one_theme_or_other(texts, n_themes, random_state):
    result = find_themes(texts, n_themes=n_themes, random_state=random_state, representation=TfidfLsa())
    assert_a_partition(result, texts)


@st.composite
def feedback_with_vectors(draw) -> tuple[list[str], np.ndarray]:
    texts = draw(feedback())
    return texts, draw(vector_rows(len(texts), draw(st.sampled_from(WIDTHS))))


# The same vector for different texts (only made-up vectors do that) leaves k-means fewer
# distinct points than themes asked for: scikit-learn says so, and those themes are not there.
@pytest.mark.filterwarnings("ignore:Number of distinct clusters:sklearn.exceptions.ConvergenceWarning")
@properties
@given(case=feedback_with_vectors(), representation=st.sampled_from(REPRESENTATIONS),
       n_themes=st.one_of(st.none(), st.integers(1, 6)))
@example(case=(ISSUE_TEXTS, unit_rows(7, 2)), representation=None, n_themes=None)
@example(case=(ISSUE_TEXTS, np.zeros((7, 3))), representation="use-multilingual-v3", n_themes=None)
# 80 comments, 60 of them in English: enough for COMBINED's map from one model to the other.
@example(case=([*demo_comments(80, 15), *ISSUE_TEXTS], unit_rows(87, 896)), representation=COMBINED, n_themes=None)
def test_find_themes_with_precomputed_vectors_puts_every_item_in_one_theme_or_other(case, representation, n_themes):
    texts, vectors = case
    given_vectors = vectors.copy()
    result = find_themes(texts, vectors=vectors, representation=representation, n_themes=n_themes)
    assert_a_partition(result, texts)
    np.testing.assert_array_equal(vectors, given_vectors)  # the cache's vectors are not changed


@properties
@given(before=feedback(max_size=10), after=feedback(max_size=10))
@example(before=[*demo_comments(30, 1), "ok"], after=[*demo_comments(30, 1), "Zyxwv qjxkp", "", "😀😀"])
def test_a_rerun_that_follows_an_earlier_one_is_still_a_partition(before, after):
    previous = find_themes(before, representation=TfidfLsa()).to_dict()
    result = find_themes(after, previous=previous, representation=TfidfLsa())
    assert_a_partition(result, after)
    assert result.next_id >= previous["next_id"]


# --------------------------------------------------------------------------
# assign_nearest
# --------------------------------------------------------------------------

theme_texts = st.dictionaries(st.sampled_from(["t1", "t2", "t3", "t4"]), st.lists(any_text, max_size=8), max_size=4)


@properties
@given(texts=st.lists(any_text, max_size=6), themes=theme_texts, demo=st.booleans())
@example(texts=["ok"], themes={}, demo=True)
@example(texts=["Zyxwv qjxkp"], themes={}, demo=True)
@example(texts=ISSUE_TEXTS, themes={}, demo=True)
@example(texts=ISSUE_TEXTS, themes={"t1": ["", "😀😀"], "t2": ["123 456"]}, demo=False)
@example(texts=["the the the"], themes={"t1": ["the the the"] * 5, "t2": ["áéíóú"]}, demo=False)
def test_assign_nearest_with_tfidf_answers_every_text(texts, themes, demo):
    if demo:  # among themes of 20 ordinary comments each, as on a plan's pages
        themes = {**demo_themes(), **themes}
    placed = assign_nearest(texts, themes, representation=TfidfLsa())
    assert_placed(placed, texts, set(themes))


@st.composite
def placing_with_vectors(draw) -> tuple[list[str], np.ndarray, dict[str, np.ndarray]]:
    """New texts and their rows, and up to four themes' member rows (maybe none), all of one width."""
    texts = draw(st.lists(any_text, max_size=6))
    width = draw(st.sampled_from(WIDTHS))
    ids = draw(st.lists(st.sampled_from(["t1", "t2", "t3", "t4"]), unique=True, max_size=4))
    theme_vectors = {theme_id: draw(vector_rows(draw(st.integers(0, 6)), width)) for theme_id in ids}
    return texts, draw(vector_rows(len(texts), width)), theme_vectors


# Explicit cases: the new texts' rows all zeros (as TF-IDF gave `ok` among the demo's comments),
# and a theme whose every member row is zeros.
ZERO_NEW_ROWS = (ISSUE_TEXTS, np.zeros((7, 5)), {"t1": unit_rows(3, 5), "t2": unit_rows(2, 5, seed=1)})
ZERO_MEMBERS = (ISSUE_TEXTS, unit_rows(7, 896), {"t1": np.zeros((3, 896)), "t2": unit_rows(2, 896, seed=1)})


@properties
@given(case=placing_with_vectors(), representation=st.sampled_from(REPRESENTATIONS), with_member_texts=st.booleans())
@example(case=ZERO_NEW_ROWS, representation=None, with_member_texts=True)
@example(case=ZERO_NEW_ROWS, representation="use-multilingual-v3", with_member_texts=False)
@example(case=ZERO_MEMBERS, representation=COMBINED, with_member_texts=True)
def test_assign_nearest_with_precomputed_vectors_answers_every_text(case, representation, with_member_texts):
    texts, vectors, theme_vectors = case
    # The members' texts, when given, line up with their vectors (else `prepare` reads None).
    themes = {theme_id: (demo_comments(len(rows), 2) if with_member_texts else [])
              for theme_id, rows in theme_vectors.items()}
    given = [vectors.copy(), *(rows.copy() for rows in theme_vectors.values())]
    placed = assign_nearest(texts, themes, vectors=vectors, theme_vectors=theme_vectors,
                            representation=representation)
    assert_placed(placed, texts, set(theme_vectors))
    for rows, before in zip([vectors, *theme_vectors.values()], given):  # the cache's vectors are not changed
        np.testing.assert_array_equal(rows, before)


# --------------------------------------------------------------------------
# What is not an input, but a caller's mistake, is refused clearly
# --------------------------------------------------------------------------

@pytest.mark.parametrize("vectors", [np.zeros((2, 3)), np.zeros(6), np.zeros((3, 2, 1))])
def test_vectors_that_are_not_one_row_per_text_are_refused(vectors):
    texts = ["the bus is late", "el autobús llega tarde", "ok"]
    with pytest.raises(ValueError, match="one row per text"):
        find_themes(texts, vectors=vectors)
    with pytest.raises(ValueError, match="one row per text"):
        assign_nearest(texts, {"t1": ["bus"]}, vectors=vectors, theme_vectors={"t1": np.ones((1, 3))})


def test_members_of_another_width_are_refused():
    with pytest.raises(ValueError, match="same number of columns"):
        assign_nearest(["the bus is late"], {}, vectors=np.ones((1, 3)), theme_vectors={"t1": np.ones((2, 4))})
