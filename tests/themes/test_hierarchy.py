"""Broader themes and sub-themes (engage.themes.hierarchy, and find_themes' use of it)."""

from __future__ import annotations

import numpy as np

from engage.themes import hierarchy, pipeline


def _nested(weight: float = 1.3, per_part: int = 30, seed: int = 0):
    """Three subjects of two parts each: unit vectors, each part's (subject, part), and texts."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(64, 64)))[0]
    rows, truth, texts = [], [], []
    for subject in range(3):
        for part in range(2):
            centre = basis[subject] + weight * basis[3 + subject * 2 + part]
            for i in range(per_part):
                row = centre + 0.15 * rng.normal(size=64)
                rows.append(row / np.linalg.norm(row))
                truth.append((subject, part))
                texts.append(f"subject {subject} part {part} w{subject}{part} item {i}")
    return np.asarray(rows, dtype=np.float32), truth, texts


def _pure(groups, truth) -> bool:
    return all(len({truth[m] for m in group}) == 1 for group in groups)


def test_alike_centres_are_gathered_and_others_left_alone():
    centres = np.array([[1.0, 0.0, 0.0], [0.9, 0.436, 0.0], [0.0, 0.0, 1.0]])
    assert hierarchy.broader_groups(centres, min_cosine=0.8) == [[0, 1], [2]]
    assert hierarchy.broader_groups(centres, min_cosine=0.95) == [[0], [1], [2]]
    assert hierarchy.broader_groups(centres[:1]) == [[0]]


def test_a_theme_of_two_clear_parts_is_cut_in_two_and_a_uniform_one_is_not():
    rows, truth, _ = _nested(weight=1.0)
    first_subject = np.array([i for i, (subject, _) in enumerate(truth) if subject == 0])
    parts = hierarchy.subclusters(rows[first_subject])
    assert len(parts) == 2 and sorted(map(len, parts)) == [30, 30]
    assert _pure([first_subject[part] for part in parts], truth)

    noise = np.random.default_rng(1).normal(size=(60, 64))
    assert hierarchy.subclusters(noise / np.linalg.norm(noise, axis=1, keepdims=True)) == []
    assert hierarchy.subclusters(rows[:hierarchy.SUBTHEME_MIN - 1]) == []


def test_find_themes_gives_each_theme_its_parts_and_every_part_is_inside_its_theme():
    rows, truth, texts = _nested(weight=1.0)
    result = pipeline.find_themes(texts, vectors=rows, representation="precomputed")
    assert len(result.themes) == 3
    for theme in result.themes:
        assert len(theme.subthemes) == 2 and not any(sub.gathered for sub in theme.subthemes)
        assert sorted(m for sub in theme.subthemes for m in sub.members) == sorted(theme.members)
        assert _pure([sub.members for sub in theme.subthemes], truth)
        assert all(sub.label and sub.top_terms for sub in theme.subthemes)


def test_alike_themes_are_gathered_under_a_broader_one_and_a_rerun_keeps_them(monkeypatch):
    monkeypatch.setattr(hierarchy, "BROAD_FROM", 0.1)
    rows, truth, texts = _nested(weight=1.3)
    first = pipeline.find_themes(texts, vectors=rows, representation="precomputed")
    assert len(first.themes) == 3
    for theme in first.themes:
        assert [sub.gathered for sub in theme.subthemes] == [True, True]
        assert len({subject for subject, _ in (truth[m] for m in theme.members)}) == 1
        assert _pure([sub.members for sub in theme.subthemes], truth)
    # A re-run starts from the six themes found, not the three broader ones, so it does not
    # gather them again into fewer and fewer.
    again = pipeline.find_themes(texts, vectors=rows, representation="precomputed", previous=first.to_dict())
    assert [t.id for t in again.themes] == [t.id for t in first.themes]
    assert [[sorted(s.members) for s in t.subthemes] for t in again.themes] == \
        [[sorted(s.members) for s in t.subthemes] for t in first.themes]


def test_a_number_of_themes_asked_for_is_kept(monkeypatch):
    monkeypatch.setattr(hierarchy, "BROAD_FROM", 0.1)
    rows, _, texts = _nested(weight=1.3)
    result = pipeline.find_themes(texts, vectors=rows, representation="precomputed", n_themes=6)
    assert len(result.themes) == 6
    assert not any(sub.gathered for theme in result.themes for sub in theme.subthemes)


def test_the_result_round_trips_with_its_subthemes():
    rows, _, texts = _nested(weight=1.0)
    result = pipeline.find_themes(texts, vectors=rows, representation="precomputed")
    assert pipeline.ThemeResult.from_dict(result.to_dict()).to_dict() == result.to_dict()
