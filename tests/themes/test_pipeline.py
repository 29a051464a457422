"""The themes pipeline on small synthetic feedback in English and Spanish (no ../shared data)."""

from __future__ import annotations

import json
import random
import re

import numpy as np
import pytest

from engage.themes.pipeline import OTHER_ID, TfidfLsa, ThemeResult, assign_nearest, find_themes
from engage.themes.text import SPANISH_STOP_WORDS, normalize

# Each text is a subject, a complaint and an ending drawn from its topic's
# phrases, so a topic is a family of varied texts, not a handful of templates.
TOPICS = {
    "bus": {
        "en": (["The bus", "Bus {n}", "The school bus", "Our bus driver", "The morning bus", "The bus to {place}"],
               ["is always late", "never comes on time", "is overcrowded", "skipped our stop again",
                "leaves before the kids get there", "is late every day"],
               ["and my kids miss first period", "so we have to drive", "please add another bus route", ""]),
        "es": (["El autobús", "El autobús {n}", "El chofer del autobús", "La parada del autobús"],
               ["siempre llega tarde", "no respeta el horario", "está muy lejos", "va muy lleno"],
               ["y mis hijos pierden clase", "por favor pongan otra ruta", ""]),
    },
    "interpreters": {
        "en": (["We need interpreters", "There was no interpreter", "Please provide interpreters",
                "Spanish interpreters are needed", "Families need an interpreter"],
               ["at parent teacher conferences", "at the meeting at {place}", "at every school event",
                "for IEP meetings", "for families who speak Vietnamese"],
               ["and translation of the notices", "because many parents cannot follow", ""]),
        "es": (["Necesitamos intérpretes", "No había intérprete", "Por favor traigan intérpretes"],
               ["en las juntas de padres", "en la reunión de {place}", "en los eventos de la escuela"],
               ["y traducción de los avisos", "porque no entendimos nada", ""]),
    },
    "discipline": {
        "en": (["Discipline", "The discipline policy", "Suspension", "Detention", "Classroom behavior"],
               ["is inconsistent between teachers", "is too harsh for small problems",
                "needs restorative practices", "is not enforced at {place}", "punishes the same students"],
               ["and teachers need support with discipline", "instead of suspensions", ""]),
        "es": (["La disciplina", "La suspensión", "El castigo"],
               ["no es justa", "es demasiado dura", "no es igual para todos"],
               ["y los maestros necesitan apoyo con la conducta", "en {place}", ""]),
    },
    "homework": {
        "en": (["Homework", "The homework load", "Weekend homework", "Math homework", "Homework in {grade} grade"],
               ["is too much every night", "takes three hours", "leaves my child exhausted",
                "is never returned with feedback", "should be limited"],
               ["so there is no time for family", "please reduce homework", ""]),
        "es": (["La tarea", "La tarea de matemáticas", "La tarea de {grade} grado"],
               ["es demasiada", "es muy larga y difícil", "toma horas cada noche"],
               ["y mi hijo está cansado", "por favor reduzcan la tarea", ""]),
    },
    "lunch": {
        "en": (["School lunch", "The cafeteria lunch", "Lunch at {place}", "The lunch line", "Lunch food"],
               ["is cold", "has portions that are too small", "needs healthier food and vegetables",
                "is so long kids have ten minutes to eat", "needs vegetarian options"],
               ["and kids come home hungry", "please improve the lunch menu", ""]),
        "es": (["La comida de la cafetería", "El almuerzo", "La comida del almuerzo"],
               ["está fría", "no es saludable", "tiene porciones pequeñas"],
               ["y los niños tienen hambre", "no hay tiempo para comer", ""]),
    },
}
PLACES = ["Lincoln Elementary", "Roosevelt", "the high school", "Jefferson Middle", "Oak Street", "Maple Park"]
GRADES = ["third", "fourth", "fifth", "sixth", "seventh", "tercer", "cuarto", "quinto"]
FILLERS = ["", "", ".", "!", " Thanks.", " Gracias.", " 🙏", " 😡"]
NOISE = ["My cat enjoys quantum physics documentaries", "Purple giraffes dance on Saturn",
         "Xylophone zebra marmalade", "The stock market crashed in 1929", "I like turtles",
         "Volcanic basalt forms columnar joints", "Chess openings: the Sicilian defence",
         "Wikipedia says octopuses have three hearts", "Jazz saxophone solos at midnight",
         "Knitting patterns for winter scarves", "The moon orbits the earth every month",
         "Origami cranes need square paper"]


def feedback(n_per_topic: int = 60, seed: int = 1) -> tuple[list[str], list[str]]:
    """Texts and their true topics: about a third in Spanish, with fillers and emoji."""
    rng = random.Random(seed)
    texts, topics = [], []
    for topic, languages in TOPICS.items():
        for i in range(n_per_topic):
            subjects, complaints, endings = languages["es"] if i % 3 == 2 else languages["en"]
            text = " ".join(p for p in (rng.choice(subjects), rng.choice(complaints), rng.choice(endings)) if p)
            text = text.format(n=rng.randint(1, 40), place=rng.choice(PLACES), grade=rng.choice(GRADES))
            texts.append(text + rng.choice(FILLERS))
            topics.append(topic)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [topics[i] for i in order]


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], list[str]]:
    return feedback()


@pytest.fixture(scope="module")
def themes(corpus) -> ThemeResult:
    return find_themes(corpus[0], representation=TfidfLsa())


def purity(result: ThemeResult, truth: list[str]) -> float:
    """Share of clustered items whose theme's majority topic is their own."""
    right = 0
    clustered = 0
    for theme in result.themes:
        topics = [truth[i] for i in theme.members]
        right += max(topics.count(t) for t in set(topics))
        clustered += len(topics)
    return right / max(clustered, 1)


def test_automatic_number_of_themes_is_sensible(themes):
    assert 4 <= len(themes.themes) <= 12
    assert themes.automatic


def test_themes_follow_the_topics(themes, corpus):
    assert purity(themes, corpus[1]) >= 0.9


def test_every_item_is_in_exactly_one_theme_or_other(themes, corpus):
    seen = [i for t in themes.themes for i in t.members] + themes.other.members
    assert sorted(seen) == list(range(len(corpus[0])))
    assert len(themes.assignments()) == len(corpus[0])


def test_labels_are_readable_words(themes, corpus):
    for theme in themes.themes:
        assert theme.label
        assert len(theme.label.split()) <= 8 and ", " not in theme.label  # a phrase, not a list of words
        words = re.findall(r"\w+", theme.label.lower())
        corpus_words = {w for text in corpus[0] for w in re.findall(r"\w+", text.lower())}
        # Every label word is a word people wrote (surface form, accents kept), not a stem.
        assert set(words) <= corpus_words, theme.label
        assert theme.top_terms


def test_labels_name_the_topics(themes):
    labels = " ".join(t.label for t in themes.themes[:5]).lower()
    for word in ("bus", "interpret", "homework", "lunch"):
        assert word in labels or word in " ".join(" ".join(t.top_terms) for t in themes.themes), word


def test_each_theme_is_named_in_english_and_in_spanish_from_its_own_items(themes, corpus):
    from engage.themes.text import spanish_share

    texts, _ = corpus
    for theme in themes.themes:
        assert set(theme.names) == {"en", "es"} and theme.label == theme.names["en"]
        member_texts = " ".join(texts[i] for i in theme.members).lower()
        for name in theme.names.values():
            assert name[0].isupper() and name.lower() in member_texts  # words people wrote, as they wrote them
        # Named in a language from items in it; a theme with none takes the other language's name.
        languages = {spanish_share(texts[i]) > 0.5 for i in theme.members}
        assert (spanish_share(theme.names["es"]) > 0.5) == (True in languages), theme.names
        assert (spanish_share(theme.names["en"]) <= 0.5) == (False in languages), theme.names


def test_strengths_are_between_zero_and_one(themes):
    for theme in themes.themes:
        assert len(theme.strengths) == theme.size
        assert all(0.0 <= s <= 1.0 for s in theme.strengths)


def test_representatives_are_members_and_not_near_duplicates(themes, corpus):
    texts = corpus[0]
    for theme in themes.themes:
        assert 1 <= len(theme.representatives) <= 5
        assert set(theme.representatives) <= set(theme.members)
        normalised = [normalize(texts[i]) for i in theme.representatives]
        assert len(set(normalised)) == len(normalised)


def test_same_random_state_gives_the_same_result(corpus):
    first = find_themes(corpus[0], random_state=3, representation=TfidfLsa())
    second = find_themes(corpus[0], random_state=3, representation=TfidfLsa())
    assert first.to_dict() == second.to_dict()


def test_given_number_of_themes_is_used(corpus):
    result = find_themes(corpus[0], n_themes=5, representation=TfidfLsa())
    assert len(result.themes) == 5
    assert not result.automatic


def test_noise_goes_to_other(corpus):
    texts = corpus[0] + NOISE
    result = find_themes(texts, n_themes=5, representation=TfidfLsa())
    noise = set(range(len(corpus[0]), len(texts)))
    assert result.other.size > 0
    assert result.other.id == OTHER_ID
    assert len(noise & set(result.other.members)) >= len(NOISE) // 2


def test_ids_survive_a_rerun_with_ten_percent_new_items(corpus):
    texts = corpus[0]
    first = find_themes(texts, representation=TfidfLsa())
    more, _ = feedback(n_per_topic=6, seed=99)
    second = find_themes(texts + more, representation=TfidfLsa(), previous=first, random_state=7)
    before, after = first.assignments(), second.assignments()
    kept = sum(1 for i in range(len(texts)) if before[i] == after[i])
    assert kept / len(texts) >= 0.9


def test_previous_may_be_the_serialised_form_and_the_order_may_change(corpus):
    texts = corpus[0]
    first = find_themes(texts, representation=TfidfLsa())
    stored = json.loads(json.dumps(first.to_dict()))
    reordered = list(reversed(texts))
    second = find_themes(reordered, representation=TfidfLsa(), previous=stored)
    before = first.assignments()
    after = second.assignments()
    kept = sum(1 for i in range(len(texts)) if before[i] == after[len(texts) - 1 - i])
    assert kept / len(texts) >= 0.9


def test_new_themes_get_fresh_ids(corpus):
    texts, topics = corpus
    without_lunch = [t for t, topic in zip(texts, topics) if topic != "lunch"]
    first = find_themes(without_lunch, n_themes=4, representation=TfidfLsa())
    second = find_themes(texts, n_themes=5, representation=TfidfLsa(), previous=first)
    old_ids = {t.id for t in first.themes}
    new_ids = [t.id for t in second.themes]
    assert len(set(new_ids)) == len(new_ids)
    assert len(set(new_ids) - old_ids) >= 1


def test_empty_input():
    result = find_themes([], representation=TfidfLsa())
    assert result.themes == []
    assert result.other.size == 0
    assert result.n_items == 0


def test_one_item():
    result = find_themes(["The bus is late"], representation=TfidfLsa())
    assert result.assignments() in (["t1"], [OTHER_ID])
    assert len(result.themes) <= 1


def test_all_identical_items_make_one_theme():
    result = find_themes(["Too much homework"] * 30, representation=TfidfLsa())
    assert len(result.themes) == 1
    assert result.themes[0].size == 30
    assert "homework" in result.themes[0].label.lower()
    assert len(result.themes[0].representatives) == 1


@pytest.mark.parametrize("texts", [
    ["", "", ""],
    ["😀", "🚌🚌", "👍"],
    ["!!!", "???", "..."],
    ["the and of", "y de la", "a"],
    [None, "bus", ""],
])
def test_texts_without_words_do_not_crash(texts):
    result = find_themes(texts, representation=TfidfLsa())
    assert len(result.assignments()) == len(texts)


def test_emoji_and_very_long_texts(corpus):
    long_text = " ".join(corpus[0][:200])
    texts = corpus[0][:100] + ["🚌🚌 bus late 😡", "😀" * 50, long_text, "x" * 5000]
    result = find_themes(texts, representation=TfidfLsa())
    assert len(result.assignments()) == len(texts)


def test_spanish_accents_are_one_word_and_labels_keep_them():
    texts = ["El autobús llega tarde", "el autobus llega tarde otra vez", "AUTOBÚS tarde todos los días",
             "La comida está fría", "la comida esta fria otra vez", "comida fría en la cafetería"] * 5
    result = find_themes(texts, n_themes=2, representation=TfidfLsa())
    bus = next(t for t in result.themes if "autob" in t.label)
    assert "autobús" in bus.label
    assert set(bus.members) == {i for i, t in enumerate(texts) if "autob" in t.lower()}
    for theme in result.themes:
        assert not set(theme.label.split(", ")) & SPANISH_STOP_WORDS


def test_small_duplicate_heavy_input():
    texts = ["bus late"] * 10 + ["homework too much"] * 10 + ["lunch cold"]
    result = find_themes(texts, representation=TfidfLsa())
    assert len(result.assignments()) == len(texts)
    assert 1 <= len(result.themes) <= 3


class KeywordVectors:
    """A stand-in representation: one dimension per topic keyword."""

    name = "keywords"
    keywords = ("bus", "homework", "lunch")

    def fit_transform(self, texts):
        import numpy as np
        rows = np.array([[1.0 if k in t.lower() else 0.0 for k in self.keywords] for t in texts])
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)


def test_representation_is_pluggable():
    texts = ["bus late", "the bus again", "bus stop far"] * 10 + ["homework tonight", "much homework"] * 15
    result = find_themes(texts, n_themes=2, representation=KeywordVectors())
    assert result.representation == "keywords"
    assert sorted(t.size for t in result.themes) == [30, 30]


def test_default_representation_falls_back_to_tfidf(monkeypatch):
    from engage.themes import pipeline

    monkeypatch.setattr(pipeline, "_embeddings_available", lambda: False)
    assert isinstance(pipeline.default_representation(), TfidfLsa)


# --------------------------------------------------------------------------
# progress, precomputed vectors, assign_nearest
# --------------------------------------------------------------------------

def test_progress_goes_up_through_the_stages_to_done(corpus):
    calls = []
    find_themes(corpus[0], representation=TfidfLsa(), progress=lambda stage, done: calls.append((stage, done)))
    fractions = [done for _, done in calls]
    assert fractions == sorted(fractions)
    assert all(0.0 <= f <= 1.0 for f in fractions)
    stages = [stage for stage, _ in calls]
    assert stages[0] == "vectorising"
    assert [s for s in dict.fromkeys(stages)] == ["vectorising", "choosing the number of themes", "clustering",
                                                  "labelling", "done"]
    assert calls[-1] == ("done", 1.0)


def test_progress_with_a_given_number_of_themes_and_empty_input():
    calls = []
    find_themes(["bus late", "lunch cold"] * 15, n_themes=2, representation=TfidfLsa(),
                progress=lambda stage, done: calls.append((stage, done)))
    assert "choosing the number of themes" not in {s for s, _ in calls}
    assert calls[-1] == ("done", 1.0)
    calls.clear()
    find_themes([], representation=TfidfLsa(), progress=lambda stage, done: calls.append((stage, done)))
    assert calls[-1] == ("done", 1.0)


def test_precomputed_vectors_give_the_same_themes_as_their_representation(corpus):
    texts = corpus[0]
    vectors = TfidfLsa().fit_transform(texts)
    direct = find_themes(texts, n_themes=5, representation=TfidfLsa())
    cached = find_themes(texts, n_themes=5, vectors=vectors, representation="tfidf-lsa")
    assert cached.assignments() == direct.assignments()
    assert cached.representation == "tfidf-lsa"


class NeverCalled:
    name = "cached-model"

    def fit_transform(self, texts):
        raise AssertionError("precomputed vectors must not be recomputed")


def test_precomputed_vectors_are_not_recomputed_and_name_the_result():
    texts = ["bus late", "the bus again"] * 10 + ["homework tonight", "much homework"] * 10
    vectors = KeywordVectors().fit_transform(texts)
    result = find_themes(texts, n_themes=2, vectors=vectors, representation=NeverCalled())
    assert result.representation == "cached-model"
    assert sorted(t.size for t in result.themes) == [20, 20]
    assert find_themes(texts, n_themes=2, vectors=vectors).representation == "precomputed"


def test_precomputed_vectors_must_have_one_row_per_text():
    with pytest.raises(ValueError):
        find_themes(["a text", "another"], vectors=[[1.0, 0.0]])


def test_texts_without_words_go_to_other_even_with_vectors():
    texts = ["bus late"] * 10 + ["homework tonight"] * 10 + ["😡😡", "!!!"]
    vectors = [[1.0, 0.0]] * 10 + [[0.0, 1.0]] * 10 + [[1.0, 0.0], [0.0, 1.0]]
    result = find_themes(texts, n_themes=2, vectors=vectors)
    assert {20, 21} <= set(result.other.members)


@pytest.fixture(scope="module")
def members_by_theme(corpus):
    texts, topics = corpus
    by_topic: dict[str, list[str]] = {}
    for text, topic in zip(texts[:250], topics[:250]):
        by_topic.setdefault(topic, []).append(text)
    return by_topic


def test_assign_nearest_finds_the_right_theme(corpus, members_by_theme):
    new, truth = feedback(n_per_topic=4, seed=42)
    got = assign_nearest(new, members_by_theme, representation=TfidfLsa())
    assert len(got) == len(new)
    right = sum(1 for (theme, _), topic in zip(got, truth) if theme == topic)
    assert right / len(new) >= 0.85
    assert all(-1.0 <= cosine <= 1.0 for _, cosine in got)


def test_assign_nearest_sets_aside_gibberish_and_texts_without_words(members_by_theme):
    new = ["The school bus is always late", "", "😀😀", "!!!", "zqxj vrrpt klmnz wqq"]
    got = assign_nearest(new, members_by_theme, representation=TfidfLsa())
    assert got[0][0] == "bus"
    assert [theme for theme, _ in got[1:]] == [None, None, None, None]


def test_assign_nearest_is_deterministic(members_by_theme):
    new, _ = feedback(n_per_topic=2, seed=5)
    first = assign_nearest(new, members_by_theme, representation=TfidfLsa())
    assert assign_nearest(new, members_by_theme, representation=TfidfLsa()) == first


def test_themes_fitted_once_place_each_new_text_as_assign_nearest_does(members_by_theme):
    from engage.themes.pipeline import NearestThemes

    new, _ = feedback(n_per_topic=2, seed=7)
    fitted = NearestThemes.fit(members_by_theme)
    one_by_one = [fitted.place([text])[0] for text in new]
    together = assign_nearest(new, members_by_theme)
    assert [theme for theme, _ in one_by_one] == [theme for theme, _ in together]
    assert [cosine for _, cosine in one_by_one] == pytest.approx([cosine for _, cosine in together], abs=1e-5)


def test_assign_nearest_with_no_themes_or_no_texts(members_by_theme):
    assert assign_nearest([], members_by_theme, representation=TfidfLsa()) == []
    assert assign_nearest(["bus late"], {}, representation=TfidfLsa()) == [(None, 0.0)]
    assert assign_nearest(["bus late"], {"t1": []}, representation=TfidfLsa()) == [(None, 0.0)]


def test_assign_nearest_with_precomputed_vectors():
    import numpy as np

    theme_vectors = {"t1": np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0]]), "t2": np.array([[0.0, 1.0, 0.0]]),
                     "t3": np.zeros((0, 3))}
    new = np.array([[0.8, 0.2, 0.0], [0.1, 0.9, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    new = new / np.linalg.norm(new, axis=1, keepdims=True)
    got = assign_nearest(["bus late", "homework", "something else entirely", "🚌"], {},
                         vectors=new, theme_vectors=theme_vectors)
    assert [theme for theme, _ in got] == ["t1", "t2", None, None]
    assert got[0][1] > 0.9
    assert got[2][1] < 0.1


def test_assign_nearest_needs_both_vector_arguments():
    import numpy as np

    with pytest.raises(ValueError):
        assign_nearest(["bus"], {}, vectors=np.ones((1, 2)))


def test_combined_embeddings_put_spanish_texts_with_their_theme_not_their_language():
    """MiniLM's half of a Spanish text is replaced by a map of its (multilingual) USE half,
    learnt on the English texts: synthetic vectors, no model needed."""
    import numpy as np

    from engage.themes.embeddings import COMBINED, combine_languages

    rng = np.random.default_rng(0)

    def unit(rows):
        return rows / np.linalg.norm(rows, axis=-1, keepdims=True)

    use_theme = unit(rng.normal(size=(2, 512)))
    minilm_theme = unit(rng.normal(size=(2, 384)))
    spanish_direction = unit(rng.normal(size=384))
    english = {0: "The school bus is late again", 1: "Too much homework every night"}
    spanish = {0: "El autobús siempre llega tarde", 1: "La tarea es demasiada para los niños"}
    texts, themes, rows = [], [], []
    for theme in (0, 1):
        for i in range(45):
            is_spanish = i % 3 == 2
            use = unit(use_theme[theme] + 0.6 * rng.normal(size=512) / np.sqrt(512))
            minilm = unit((spanish_direction if is_spanish else minilm_theme[theme])
                          + 0.6 * rng.normal(size=384) / np.sqrt(384))
            texts.append((spanish if is_spanish else english)[theme])
            themes.append(theme)
            rows.append(np.concatenate([use, minilm]) / np.sqrt(2))
    raw = np.array(rows, dtype=np.float32)
    combined = combine_languages(texts, raw)
    assert combined.shape == raw.shape
    assert np.allclose(np.linalg.norm(combined, axis=1), 1.0, atol=1e-5)
    is_spanish = np.array([t in spanish.values() for t in texts])
    theme = np.array(themes)

    def mean_cosine(x, a, b):
        return float((x[a] @ x[b].T).mean())

    spanish_a, english_a, spanish_b = is_spanish & (theme == 0), ~is_spanish & (theme == 0), is_spanish & (theme == 1)
    assert mean_cosine(combined, spanish_a, english_a) > mean_cosine(combined, spanish_a, spanish_b) + 0.2
    result = find_themes(texts, n_themes=2, vectors=raw, representation=COMBINED)
    groups = sorted(sorted(set(theme[t.members].tolist())) for t in result.themes)
    assert groups == [[0], [1]]
    # English texts only: nothing to stand in for, the vectors are kept as they are.
    english_rows = ~is_spanish
    kept = combine_languages([t for t, s in zip(texts, is_spanish) if not s], raw[english_rows])
    assert np.array_equal(kept, raw[english_rows])


class TopicVectors:
    """A stand-in for sentence embeddings: each topic a direction, each text a
    deterministic wobble around it (clustered with Ward, as embeddings are)."""

    name = "topic-vectors"

    def __init__(self, topic_of: dict[str, str]):
        self.topic_of = topic_of

    def fit_transform(self, texts):
        import hashlib

        import numpy as np
        topics = sorted(set(self.topic_of.values()))
        directions = np.random.default_rng(0).normal(size=(len(topics), 64))
        rows = []
        for text in texts:
            seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
            noise = np.random.default_rng(seed).normal(size=64) * 0.12
            rows.append(directions[topics.index(self.topic_of[text])] / 8 + noise)
        rows = np.array(rows)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_embeddings_like_vectors_are_clustered_with_ward_and_ids_survive_a_rerun(corpus):
    texts, topics = corpus
    more, more_topics = feedback(n_per_topic=6, seed=99)
    representation = TopicVectors(dict(zip(texts + more, topics + more_topics)))
    first = find_themes(texts, representation=representation)
    assert len(first.themes) == 5
    assert purity(first, topics) == 1.0
    assert find_themes(texts, representation=representation).to_dict() == first.to_dict()
    second = find_themes(texts + more, representation=representation, previous=first, random_state=7)
    before, after = first.assignments(), second.assignments()
    kept = sum(1 for i in range(len(texts)) if before[i] == after[i])
    assert kept / len(texts) >= 0.9


def test_each_placement_says_how_sure_it_is_and_each_theme_how_alike_its_items_are(corpus):
    texts, topics = corpus
    mixed = "The bus is always late and the homework is too much every night"
    result = find_themes([*texts, mixed], n_themes=len(set(topics)), representation=TfidfLsa())
    margins = {}
    for theme in result.themes:
        assert len(theme.confidences) == len(theme.members)
        assert 0.0 < theme.tightness <= 1.0
        assert abs(theme.tightness - sum(theme.strengths) / theme.size) < 1e-6
        for member, confidence in zip(theme.members, theme.confidences):
            assert -2.0 <= confidence <= 2.0  # a cosine less another
            margins[member] = confidence
    placed = [m for i, m in margins.items() if i < len(texts)]
    assert sorted(placed)[len(placed) // 2] > 0.1  # most items are clearly in their theme
    assert margins.get(len(texts), -1.0) < sorted(placed)[len(placed) // 10]  # two subjects in one: unsure


def test_themes_that_are_each_others_nearest_and_alike_are_offered_as_one():
    """Four groups of vectors: two of them near each other (one subject seen two ways)."""
    import numpy as np

    rng = np.random.default_rng(0)
    base = np.linalg.qr(rng.normal(size=(32, 4)))[0].T  # four orthogonal directions
    directions = [base[0], 0.8 * base[0] + 0.6 * base[1], base[2], base[3]]
    texts, rows, truth = [], [], []
    for group, direction in enumerate(directions):
        for i in range(30):
            texts.append(f"group {group} note {i} words")
            rows.append(direction + 0.03 * rng.normal(size=32))
            truth.append(group)
    vectors = np.array(rows, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    result = find_themes(texts, n_themes=4, vectors=vectors)
    group_of = {t.id: truth[t.members[0]] for t in result.themes}
    assert [sorted((group_of[a], group_of[b])) for a, b, _ in result.alike] == [[0, 1]]
    assert result.alike[0][2] >= 0.45
    again = ThemeResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again.alike == result.alike
    assert [t.confidences for t in again.themes] == [t.confidences for t in result.themes]
    assert [t.tightness for t in again.themes] == [round(t.tightness, 4) for t in result.themes]


def test_a_theme_of_one_word_answers_is_named_by_its_most_frequent_answers():
    from engage.themes import naming

    texts = ["Hopeful", "hopeful", "Skeptical", "Skeptical!", "Skeptical", "Heard", "Por fin", "Por fin", "Largo",
             "Long plan"]
    names = naming.theme_names(texts, [list(range(len(texts)))], [["hopeful"]])
    assert names == [{"en": "In a word: Skeptical, Hopeful, Heard", "es": "En una palabra: Por fin"}]


def test_a_clause_about_who_is_writing_does_not_name_a_theme():
    from engage.themes import naming

    texts = ["Dad of a student in 4th grade. Reading help.", "Dad of a student in 4th grade. Reading help now."]
    names = naming.theme_names(texts, [[0, 1]], [["student", "grade", "reading"]])
    assert names[0]["en"] == "Reading help"


@pytest.mark.parametrize("texts, terms, expected", [
    # Cut at "so", the clause would stop before what it says ("The bullying got").
    (["The bullying got so bad that she had to change schools last spring.", "Reports go nowhere at Eastside."],
     ["bullying", "reports"], "Reports go nowhere at Eastside"),
    # Starting mid-sentence.
    (["Got sent to the nurse twice for headaches.", "Screens all day hurt their eyes."],
     ["headaches", "screens"], "Screens all day hurt their eyes"),
    # "He's" is "he": one person's story.
    (["He's missing class for headaches.", "Screens all day hurt their eyes."],
     ["headaches", "screens"], "Screens all day hurt their eyes"),
    # Thanks are not a subject: what they thank for is.
    (["Thanks for the mental health assembly!", "Thank you for the mental health assembly"],
     ["mental health", "assembly"], "The mental health assembly"),
])
def test_a_name_says_what_the_theme_is_about_from_its_first_word_to_its_last(texts, terms, expected):
    from engage.themes import naming

    assert naming.theme_names(texts, [list(range(len(texts)))], [terms])[0]["en"] == expected


def test_the_english_and_the_spanish_name_are_chosen_to_say_the_same_thing():
    from engage.themes import naming

    scores = {"Broken Chromebooks": 1.0, "Free internet at home": 0.8,
              "Internet gratis en la casa": 0.9, "Las computadoras rotas": 0.85}
    subject = {"Broken Chromebooks": "laptops", "Las computadoras rotas": "laptops"}

    def closeness(a, b):
        return 0.8 if subject.get(a, "internet") == subject.get(b, "internet") else 0.1

    candidates = {"en": ["Broken Chromebooks", "Free internet at home"],
                  "es": ["Internet gratis en la casa", "Las computadoras rotas"]}
    # Each language's best alone would name the laptops in English and the internet in Spanish.
    assert naming._chosen(candidates, scores, None) == {"en": "Broken Chromebooks",
                                                        "es": "Internet gratis en la casa"}
    assert naming._chosen(candidates, scores, closeness) == {"en": "Broken Chromebooks",
                                                             "es": "Las computadoras rotas"}


def test_a_theme_of_questions_is_named_by_one_of_them_not_by_keywords():
    from engage.themes import naming

    texts = ["Does anyone know whether this came up at the last Board meeting?"] * 3 + \
        ["¿Alguien sabe si esto salió en la junta del consejo?"] * 2
    names = naming.theme_names(texts, [list(range(5))], [["board meeting", "junta", "came"]])
    assert names == [{"en": "Does anyone know whether this came up at the last Board meeting?",
                      "es": "¿Alguien sabe si esto salió en la junta del consejo?"}]
    # A question is the last resort: a clause that names the subject comes first.
    texts.append("The Board meets again next month.")
    names = naming.theme_names(texts, [list(range(6))], [["board meeting", "board", "junta"]])
    assert names[0]["en"] == "The Board meets again next month"


REPLIES = ["Same here, thank you for saying this", "Exactly, I thought it was only our family",
           "Thanks, I didn't know that", "Estoy de acuerdo, gracias por decirlo", "Yes, same at our house"]


def test_replies_that_say_nothing_of_their_subject_join_what_they_reply_to():
    texts, topics = feedback(n_per_topic=30, seed=3)
    parents = [i for i, topic in enumerate(topics) if topic in ("homework", "lunch")][::6]
    replying_to: list[int | None] = [None] * len(texts)
    for n, parent in enumerate(parents):
        texts.append(REPLIES[n % len(REPLIES)])
        topics.append(topics[parent])
        replying_to.append(parent)
    replies = set(range(len(texts) - len(parents), len(texts)))

    alone = find_themes(texts, n_themes=5, representation=TfidfLsa())
    in_threads = find_themes(texts, n_themes=5, representation=TfidfLsa(), replying_to=replying_to)

    def with_parent(result) -> int:
        theme_of = {member: theme.id for theme in result.themes for member in theme.members}
        return sum(1 for reply in replies if theme_of.get(reply) == theme_of.get(replying_to[reply]))

    assert with_parent(alone) < len(replies) // 2
    assert with_parent(in_threads) == len(replies)
    for theme in in_threads.themes:
        assert not replies & set(theme.representatives)
        assert normalize(theme.label) not in {normalize(reply) for reply in REPLIES}


def test_a_part_of_a_theme_made_mostly_of_replies_is_not_a_sub_theme(monkeypatch):
    from engage.themes import hierarchy

    from engage.themes.naming import language_of

    texts, topics = feedback(n_per_topic=45, seed=4)
    keep = [i for i, topic in enumerate(topics) if topic in ("homework", "lunch") and language_of(texts[i]) == "en"]
    texts, topics = [texts[i] for i in keep], [topics[i] for i in keep]
    homework = [i for i, topic in enumerate(topics) if topic == "homework"]
    replying_to: list[int | None] = [None] * len(texts)
    for n in range(20):
        texts.append(REPLIES[n % len(REPLIES)])
        replying_to.append(homework[n])
    # Two halves of each theme, in the order of its members: the later half of homework is mostly replies.
    monkeypatch.setattr(hierarchy, "subclusters", lambda rows, random_state=0: [np.arange(len(rows) // 2),
                                                                                 np.arange(len(rows) // 2, len(rows))])
    result = find_themes(texts, n_themes=2, representation=TfidfLsa(), replying_to=replying_to)
    by_topic = {topics[min(theme.members)]: theme for theme in result.themes}
    assert sorted(by_topic) == ["homework", "lunch"]
    assert len(by_topic["lunch"].subthemes) == 2
    assert by_topic["homework"].subthemes == []


def test_a_theme_of_replies_whose_other_items_miss_its_words_is_named_from_the_replies():
    from engage.themes.pipeline import _names

    texts = ["Thank you for saying this. I thought it was only our family."] * 3 + \
        ["Vamos juntos a la próxima reunión de la mesa directiva."]
    names = _names(texts, [[0, 1, 2, 3]], [["saying", "saying thought", "thought"]], frozenset({0, 1, 2}),
                   None, None)
    assert names == [{"en": "Thank you for saying this", "es": "Thank you for saying this"}]


def test_a_theme_of_one_word_answers_is_gathered_with_no_other():
    from engage.themes.pipeline import _broader

    rng = np.random.default_rng(0)
    direction = rng.normal(size=16)
    z = np.vstack([direction + 0.1 * rng.normal(size=16) for _ in range(12)]).astype(np.float32)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    found = [np.arange(0, 6), np.arange(6, 12)]  # two alike themes
    keys = [str(i) for i in range(12)]
    tops, parts, _ = _broader(found, z, keys, gather=True, seeded={})
    assert len(tops) == 1 and len(parts[0]) == 2
    tops, parts, _ = _broader(found, z, keys, gather=True, seeded={}, apart={1})
    assert len(tops) == 2 and parts == [None, None]


def test_the_pipeline_imports_without_flask_or_the_app():
    import subprocess
    import sys

    code = ("import sys; import engage.themes.pipeline, engage.themes.embeddings; "
            "print(sorted(m for m in sys.modules if m == 'flask' or m.startswith(('flask.', 'sqlalchemy', "
            "'engage.app', 'engage.extensions'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
