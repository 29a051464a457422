"""Themes leaders start or teach (engage.themes.steering and find_themes' seeds)."""

from __future__ import annotations

import numpy as np
import pytest

from engage.themes import pipeline, steering
from engage.themes.pipeline import Seed


def _three_subjects(per: int = 30, seed: int = 0):
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(32, 32)))[0]
    rows, truth, texts = [], [], []
    for subject in range(3):
        for i in range(per):
            row = basis[subject] + 0.1 * rng.normal(size=32)
            rows.append(row / np.linalg.norm(row))
            truth.append(subject)
            texts.append(f"subject {subject} item {i} w{subject}")
    return np.asarray(rows, dtype=np.float32), truth, texts, basis


def test_a_seed_gathers_the_rows_like_its_anchors_and_the_others_are_still_found():
    rows, truth, _, _ = _three_subjects()
    anchors = {i: 0 for i in range(30, 33)}  # three rows of subject 1 seed a theme
    labels = steering.seeded_labels(rows, np.array(truth), anchors, n_seeds=1)
    by_subject = {s: set(labels[[i for i, t in enumerate(truth) if t == s]].tolist()) for s in range(3)}
    assert by_subject[1] == {0}
    assert len(by_subject[0]) == len(by_subject[2]) == 1 and len({0} | by_subject[0] | by_subject[2]) == 3


def test_anchors_stay_in_their_seed_whatever_their_fit():
    rows, truth, _, _ = _three_subjects()
    anchors = {0: 0}  # one row of subject 0 placed in a seed whose other anchors are subject 2
    anchors.update({i: 0 for i in range(60, 64)})
    labels = steering.seeded_labels(rows, np.array(truth), anchors, n_seeds=1)
    assert labels[0] == 0 and sum(labels[:30] == 0) <= 2


def test_find_themes_keeps_the_seed_s_id_and_places_items_like_its_examples_in_it():
    rows, truth, texts, basis = _three_subjects()
    example_vectors = np.asarray([basis[1] + 0.05 * basis[5], basis[1] - 0.05 * basis[6]], dtype=np.float32)
    result = pipeline.find_themes(texts, vectors=rows, representation="precomputed",
                                  seeds=[Seed(id="t9", examples=("one", "two"))], seed_vectors=example_vectors)
    seeded = result.theme("t9")
    assert {truth[m] for m in seeded.members} == {1} and seeded.size >= 25
    assert sorted(t.id for t in result.themes if t.id != "t9") and result.next_id >= 10
    assert len(result.themes) >= 3  # the subjects nobody seeded are still themes
    assert all(m < len(texts) for t in result.themes for m in t.members)  # the examples are not items


def test_seeds_with_examples_need_their_vectors_with_precomputed_vectors():
    rows, _, texts, _ = _three_subjects()
    with pytest.raises(ValueError):
        pipeline.find_themes(texts, vectors=rows, representation="precomputed", seeds=[Seed(id="t1", examples=("x",))])


def test_items_a_leader_placed_stay_placed_but_count_where_the_clustering_alone_put_them():
    rows, truth, texts, _ = _three_subjects()
    placed = (0, 1)  # two items of subject 0 placed in the theme of subject 2 ("t3")
    first = pipeline.find_themes(texts, vectors=rows, representation="precomputed")
    subject_2 = next(t.id for t in first.themes if truth[t.members[0]] == 2)
    result = pipeline.find_themes(texts, vectors=rows, representation="precomputed", previous=first.to_dict(),
                                  seeds=[Seed(id=subject_2, members=placed,
                                              holds=tuple(first.theme(subject_2).members))])
    assigned = result.assignments()
    assert assigned[0] == assigned[1] == subject_2
    subject_0 = assigned[2]
    assert result.counted[0] == result.counted[1] == subject_0 != subject_2
    assert result.counted[2:] == assigned[2:]


def test_tfidf_seeds_work_from_their_examples_alone():
    texts = [f"The school bus is late on route {i}" for i in range(15)] + \
            [f"We need interpreters at parent meetings number {i}" for i in range(15)] + \
            [f"The bus stop has no crosswalk on street {i}" for i in range(15)]
    seed = Seed(id="t7", examples=("bus stop crosswalk", "crosswalk at the bus stop"))
    result = pipeline.find_themes(texts, representation=pipeline.TfidfLsa(), seeds=[seed])
    crosswalk = {i for i, text in enumerate(texts) if "crosswalk" in text}
    assert crosswalk <= set(result.theme("t7").members)
