"""How well `find_themes` recovers the labels of a labelled short-text set.

    .venv/bin/python bench/themes_quality.py                                  # banking77, automatic k
    .venv/bin/python bench/themes_quality.py --data clinc150 --n-themes 150   # true k given
    .venv/bin/python bench/themes_quality.py --data path/to.csv --representation embeddings --cache /tmp/vectors
    .venv/bin/python bench/themes_quality.py --representation embeddings --model use-multilingual-v3

    .venv/bin/python bench/themes_quality.py --data all                       # every set, true and automatic k

--data is a CSV with columns text,label and optionally language (a bare name
is looked up in ../shared/data, see its README), "school_feedback"
(bench/data/school_feedback.csv: 720 pieces of parent feedback on a school
plan in 24 subjects, 40% of them in Spanish, written for this project and
labelled by subject and language; see bench/data/README.md), or "all": the four sets of
../shared/data with their targets, then the school feedback, each with the
true k and with automatic k, and a table at the end (automatic k: NMI of the
themes the clustering found, and of the broader themes leaders read), and
for the school feedback the gain from three seeded examples per theme
(`--seeds N` for one set). With a language column
the script also prints how often a theme joins the languages its subject is
written in. For one set the script runs the pipeline and, for
comparison, the plain baseline (TF-IDF + k-means with the same number of
clusters the pipeline ended with), and prints NMI and ARI against the labels
for both. The pipeline's "Other / unclustered" bucket counts as one more
cluster. The last line is the pipeline's:

    NMI=0.xxx ARI=0.xxx themes=N items=M seconds=S
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.cluster import KMeans  # noqa: E402 - after the sys.path line
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from engage.themes.pipeline import OTHER_ID, TfidfLsa, default_representation, find_themes  # noqa: E402

DATA_DIR = ROOT.parent / "shared" / "data"
SCHOOL = ROOT / "bench" / "data" / "school_feedback.csv"
# The sets of one --all run: the four of ../shared/data with their targets (NMI with
# the true k), then the school feedback set written for this project.
ALL_SETS: tuple[tuple[str, float | None], ...] = (
    ("banking77", 0.82), ("clinc150", 0.93), ("stackoverflow", 0.80), ("polis_civic", 0.45),
    ("school_feedback", None))
# Examples per theme in the seeded run of the school feedback set (issue: "three seeded examples").
SEEDED_PER_LABEL = 3


def data_path(name: str) -> Path:
    """A path as given, or a bare data set name ("clinc150") in ../shared/data."""
    if name == "school_feedback":
        return SCHOOL
    path = Path(name)
    if path.exists():
        return path
    candidate = DATA_DIR / (name if name.endswith(".csv") else f"{name}.csv")
    if not candidate.exists():
        sys.exit(f"no such data file: {name} (looked in {DATA_DIR})")
    return candidate


def load(path: Path) -> tuple[list[str], list[str], list[str] | None]:
    """Texts, labels, and each text's language when the file has a language column."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    languages = [r["language"] for r in rows] if rows and "language" in rows[0] else None
    return [r["text"] for r in rows], [r["label"] for r in rows], languages


# For the school feedback set: words (stems, accents stripped) a name of each subject would hold.
SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "late_unreliable_buses": ("bus", "route", "ruta", "transport", "driver", "chofer", "camion", "autobus"),
    "bus_stop_safety_and_routes": ("bus", "stop", "parada", "route", "ruta", "camion", "autobus"),
    "school_lunch_quality": ("lunch", "food", "comida", "menu", "cafeteria", "lonche", "meal", "almuerzo"),
    "lunch_time_too_short": ("lunch", "eat", "comer", "minute", "minuto", "lonche", "almuerzo", "time", "tiempo"),
    "bullying_and_harassment": ("bull", "acoso", "harass", "molest", "pick", "fight", "pelea"),
    "suspensions_and_discipline_fairness": ("suspen", "disciplin", "expul", "detention", "castig", "referral"),
    "interpreters_and_translated_communication": ("interpret", "translat", "tradu", "spanish", "espanol",
                                                   "english", "ingles", "idioma", "language"),
    "homework_load": ("homework", "tarea"),
    "counselors_and_mental_health": ("counsel", "consejer", "mental", "therap", "psicolog", "anxi", "ansiedad"),
    "teacher_turnover_and_substitutes": ("teacher", "maestr", "substitut", "sub", "suplent", "staff"),
    "class_size": ("class", "clase", "salon", "size", "crowd", "student", "alumno", "nino", "kid"),
    "special_education_services_iep": ("iep", "special", "especial", "504", "therap", "terapia"),
    "gifted_and_advanced_classes_access": ("gifted", "ap", "honor", "advanced", "avanzad", "gate", "talent"),
    "building_repairs_heat_ac_bathrooms": ("bathroom", "bano", "heat", "calor", "repair", "broken", "roto",
                                           "door", "puerta", "building", "edificio", "ac", "aire"),
    "campus_security_and_visitors": ("secur", "segur", "visitor", "visita", "door", "puerta", "guard", "lock"),
    "traffic_and_dropoff_pickup": ("traffic", "trafico", "car", "carro", "drop", "pick", "cross", "cruz",
                                   "park", "parque"),
    "after_school_programs_and_childcare": ("after", "childcare", "cuidado", "program", "club", "despues"),
    "parent_communication_and_app_notifications": ("app", "message", "mensaje", "email", "correo", "text",
                                                   "notif", "communicat", "comunica", "call", "llamad"),
    "standardized_testing_pressure": ("test", "exam", "examen", "prueba", "score"),
    "recess_and_physical_activity": ("recess", "recreo", "play", "jugar", "pe", "physical", "fisica"),
    "diversity_of_staff_and_curriculum": ("divers", "histor", "cultur", "black", "latin", "curricul", "ethnic",
                                          "etnic"),
    "technology_devices_and_internet": ("internet", "device", "laptop", "chromebook", "wifi", "tablet",
                                        "computad", "tech"),
    "chronic_absence_and_attendance_outreach": ("absen", "attend", "falta", "asistencia", "miss", "excus",
                                                "tard"),
    "school_start_times_and_schedule": ("start", "time", "early", "late", "temprano", "hora", "schedule",
                                        "horario", "release", "calendar", "calendario"),
}


def names_subject(name: str, subject: str) -> bool:
    """Whether a theme's name holds a word of its subject (see SUBJECT_WORDS)."""
    from engage.themes.text import normalize

    found = normalize(name).split()
    return any(w.startswith(stem) for stem in SUBJECT_WORDS.get(subject, ()) for w in found)


def names_agree(texts: list[str], truth: list[str], result) -> tuple[int, int]:
    """Of the themes and sub-themes named in English and in Spanish from items of each language,
    how many take both names from items of one subject: (agreeing, named in both)."""
    from engage.themes.text import normalize

    agree = both = 0
    for theme in result.themes:
        for part in [theme, *theme.subthemes]:
            en, es = part.names.get("en"), part.names.get("es")
            if not en or not es or en == es:
                continue
            subjects = []
            for name in (en, es):
                wanted = normalize(name)
                subjects.append(next((truth[i] for i in part.members if wanted in normalize(texts[i])), None))
            both += 1
            agree += subjects[0] is not None and subjects[0] == subjects[1]
    return agree, both


def language_mixing(truth: list[str], predicted: list, languages: list[str]) -> tuple[float, float]:
    """How well themes join languages where the labels do.

    Returns the share of themes (Other left out) whose most common label has
    items in several languages in which each of that label's languages makes
    up at least a fifth of the items, and
    the share of non-English items placed in the theme that holds most of
    their label's English items.
    """
    from collections import Counter

    by_theme: dict = {}
    for label, theme, language in zip(truth, predicted, languages):
        if theme != OTHER_ID:
            by_theme.setdefault(theme, []).append((label, language))
    languages_of = {label: {lang for t, lang in zip(truth, languages) if t == label} for label in set(truth)}
    should = mixed = 0
    for members in by_theme.values():
        label = Counter(m[0] for m in members).most_common(1)[0][0]
        if len(languages_of[label]) > 1:
            should += 1
            counts = Counter(m[1] for m in members)
            mixed += all(counts[lang] >= len(members) / 5 for lang in languages_of[label])
    english_home = {label: Counter(p for t, p, lang in zip(truth, predicted, languages)
                                   if t == label and lang == "en").most_common(1)[0][0]
                    for label in set(truth) if "en" in languages_of[label]}
    others = [(t, p) for t, p, lang in zip(truth, predicted, languages) if lang != "en" and t in english_home]
    with_english = sum(1 for t, p in others if p == english_home[t] and p != OTHER_ID)
    return mixed / max(should, 1), with_english / max(len(others), 1)


def representation_for(choice: str, model: str | None = None):
    if choice == "tfidf":
        return TfidfLsa()
    if choice == "embeddings" or model:
        from engage.themes.embeddings import SentenceEmbeddings
        return SentenceEmbeddings(model)
    return default_representation()


def cache_path(directory: Path, name: str, texts: list[str]) -> Path:
    import hashlib

    digest = hashlib.sha256("\n".join([name, *texts]).encode("utf-8")).hexdigest()[:20]
    return directory / f"{digest}.npy"


class Cached:
    """Keeps a representation's vectors in a .npy file under --cache, so that
    runs on the same texts (true k, then automatic) compute slow embeddings once.

    Sentence embeddings are kept as `embed` gives them, one row per text, and
    their step over the whole set (`prepare`) is taken on every run, as the
    app's embeddings cache does.
    """

    def __init__(self, inner, directory: Path):
        self.inner = inner
        self.name = inner.name
        self.directory = directory
        self.clustering = getattr(inner, "clustering", None)

    def fit_transform(self, texts: list[str]):
        import numpy as np

        per_item = hasattr(self.inner, "embed") and hasattr(self.inner, "prepare")
        path = cache_path(self.directory, self.name, texts)
        if path.exists():
            vectors = np.load(path)
        else:
            vectors = self.inner.embed(texts) if per_item else self.inner.fit_transform(texts)
            self.directory.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return self.inner.prepare(texts, vectors) if per_item else vectors


def leaves(result) -> list[str]:
    """Each item's theme as the clustering found it: a theme gathered under a broader one
    (a gathered sub-theme) counts as its own."""
    out = result.assignments()
    for theme in result.themes:
        for index, sub in enumerate(theme.subthemes):
            if sub.gathered:
                for member in sub.members:
                    out[member] = f"{theme.id}.{index}"
    return out


def scores(truth: list[str], predicted: list) -> tuple[float, float]:
    return normalized_mutual_info_score(truth, predicted), adjusted_rand_score(truth, predicted)


def baseline(texts: list[str], k: int, random_state: int = 0) -> list[int]:
    """Plain TF-IDF (English stop words) + k-means: the reference figure in the data README."""
    x = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return KMeans(k, n_init=1, random_state=random_state).fit_predict(x).tolist()


def run(texts: list[str], truth: list[str], languages: list[str] | None, n_themes: int | None,
        representation, random_state: int = 0, show: int = 8, with_baseline: bool = True) -> dict:
    """One `find_themes` run scored against the labels; prints its themes and figures."""
    started = time.perf_counter()
    result = find_themes(texts, n_themes=n_themes, random_state=random_state, representation=representation)
    seconds = time.perf_counter() - started
    predicted = result.assignments()
    nmi, ari = scores(truth, predicted)
    found = leaves(result)
    leaf_nmi, _ = scores(truth, found)
    for theme in result.themes[:show]:
        print(f"  {theme.id:>5} {theme.size:6d}  {theme.label}")
    if len(result.themes) > show:
        print(f"  ... {len(result.themes) - show} more themes")
    print(f"  {OTHER_ID:>5} {sum(1 for p in predicted if p == OTHER_ID):6d}  (unclustered)")
    figures = {"nmi": nmi, "ari": ari, "themes": len(result.themes), "seconds": seconds,
               "representation": result.representation, "leaf_nmi": leaf_nmi,
               "leaves": len(set(found) - {OTHER_ID}), "parts": sum(len(t.subthemes) for t in result.themes)}
    print(f"structure: {len(result.themes)} themes, {figures['parts']} sub-themes in "
          f"{sum(1 for t in result.themes if t.subthemes)} of them; the clustering found {figures['leaves']} "
          f"(NMI {leaf_nmi:.3f}) before gathering alike ones")
    if set(truth) <= set(SUBJECT_WORDS):
        from collections import Counter

        named = []
        for theme in result.themes:
            subject = Counter(truth[i] for i in theme.members).most_common(1)[0][0]
            named.append((names_subject(" ".join(theme.names.values()) or theme.label, subject), subject, theme))
        figures["named"] = sum(ok for ok, _, _ in named) / max(len(named), 1)
        in_each = {language: [names_subject(theme.names.get(language, theme.label), subject)
                              for _, subject, theme in named] for language in ("en", "es")}
        figures["named_both"] = sum(map(all, zip(*in_each.values()))) / max(len(named), 1)
        print(f"names: {figures['named']:.0%} of themes are named with a word of their main subject "
              f"(English {sum(in_each['en']) / max(len(named), 1):.0%}, Spanish "
              f"{sum(in_each['es']) / max(len(named), 1):.0%}, both {figures['named_both']:.0%}); ten of them:")
        agree, both = names_agree(texts, truth, result)
        figures["names_agree"] = agree / max(both, 1)
        print(f"names: the English and the Spanish name come from items of one subject in {agree} of {both} "
              f"themes and sub-themes named in both languages ({figures['names_agree']:.0%})")
        for ok, subject, theme in named[:10]:
            print(f"  {'yes' if ok else 'no ':3} {subject:42} en: {theme.names.get('en', theme.label)} | "
                  f"es: {theme.names.get('es', theme.label)}")
    if languages:
        figures["mixing"], figures["with_english"] = language_mixing(truth, predicted, languages)
        print(f"languages: {figures['mixing']:.0%} of themes whose subject is written in several languages "
              f"hold each for a fifth of their items or more; {figures['with_english']:.0%} of non-English items "
              "sit with their subject's English items")
    if with_baseline:
        k = n_themes or max(2, len(result.themes))
        started_baseline = time.perf_counter()
        b_nmi, b_ari = scores(truth, baseline(texts, k, random_state))
        print(f"baseline TF-IDF + k-means, k={k}: NMI={b_nmi:.3f} ARI={b_ari:.3f} "
              f"seconds={time.perf_counter() - started_baseline:.1f}")
    print(f"NMI={nmi:.3f} ARI={ari:.3f} themes={len(result.themes)} items={len(texts)} seconds={seconds:.1f}",
          flush=True)
    return figures


def seeded(texts: list[str], truth: list[str], n_themes: int | None, representation, per_label: int,
           random_state: int = 0) -> tuple[float, float]:
    """NMI without and with seeds: the first `per_label` items of each label taken out of the
    set and given as a seed's examples (as a leader would seed themes), on the items left."""
    from collections import defaultdict

    from engage.themes.pipeline import Seed

    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(truth):
        by_label[label].append(index)
    examples = {index for indices in by_label.values() for index in indices[:per_label]}
    seeds = [Seed(id=f"s{number}", examples=tuple(texts[i] for i in indices[:per_label]))
             for number, (_label, indices) in enumerate(sorted(by_label.items()))]
    rest = [i for i in range(len(texts)) if i not in examples]
    left, left_truth = [texts[i] for i in rest], [truth[i] for i in rest]
    without = find_themes(left, n_themes=n_themes, random_state=random_state, representation=representation)
    with_seeds = find_themes(left, n_themes=n_themes, random_state=random_state, representation=representation,
                             seeds=seeds)
    return scores(left_truth, without.assignments())[0], scores(left_truth, with_seeds.assignments())[0]


class Remembered:
    """A representation whose vectors are computed once per set of texts in this process
    (the --all run clusters each set twice: true k, then automatic). Sentence embeddings
    keep `embed` and `prepare`, so `find_themes` names the themes with them, as in the app."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.clustering = getattr(inner, "clustering", None)
        self._vectors: dict[int, object] = {}
        if hasattr(inner, "embed") and hasattr(inner, "prepare"):
            self.embed, self.prepare = self._embed, inner.prepare

    def _remembered(self, texts, compute):
        key = hash(tuple(texts))
        if key not in self._vectors:
            self._vectors[key] = compute(texts)
        return self._vectors[key]

    def _embed(self, texts):
        return self._remembered(texts, self.inner.embed)

    def fit_transform(self, texts: list[str]):
        return self._remembered(texts, self.inner.fit_transform)


def run_all(representation, random_state: int) -> None:
    """Every set of ALL_SETS with the true k and with automatic k, then a table."""
    representation = Remembered(representation)
    rows = []
    for name, target in ALL_SETS:
        path = SCHOOL if name == "school_feedback" else DATA_DIR / f"{name}.csv"
        if not path.exists():
            print(f"\n== {name}: skipped, {path} is not here")
            continue
        texts, truth, languages = load(path)
        k = len(set(truth))
        figures = {}
        for n_themes in (k, None):
            print(f"\n== {name}: {len(texts)} items, {k} labels; n_themes: {n_themes or 'automatic'}", flush=True)
            started = time.perf_counter()
            figures[n_themes] = run(texts, truth, languages, n_themes, representation, random_state,
                                    show=5, with_baseline=False)
            figures[n_themes]["wall"] = time.perf_counter() - started
        if name == "school_feedback":
            for n_themes in (k, None):
                before, after = seeded(texts, truth, n_themes, representation, SEEDED_PER_LABEL, random_state)
                figures[n_themes]["seeded"] = (before, after)
        rows.append((name, k, target, figures[k], figures[None]))
    print(f"\nrepresentation: {rows[0][3]['representation']}")
    print("auto: automatic k, as the clustering found the themes (k of them), then as leaders read them: "
          "alike themes gathered under broader ones (top of them)")
    print(f"{'set':16} {'k':>4} {'NMI true k':>10} {'target':>7} {'NMI auto':>9} {'auto k':>7} {'NMI top':>8} "
          f"{'top':>5} {'seconds':>8}")
    for name, k, target, true_k, auto in rows:
        verdict = "" if target is None else (" met" if true_k["nmi"] >= target else " NOT met")
        print(f"{name:16} {k:4d} {true_k['nmi']:10.3f} {target or 0:7.2f} {auto['leaf_nmi']:9.3f} "
              f"{auto['leaves']:7d} {auto['nmi']:8.3f} {auto['themes']:5d} "
              f"{true_k['wall'] + auto['wall']:8.1f}{verdict}".replace("   0.00", "      -"))
    for name, _, _, true_k, auto in rows:
        if "seeded" in true_k:
            print(f"{name}: {SEEDED_PER_LABEL} seeded examples per theme: NMI {true_k['seeded'][0]:.3f} -> "
                  f"{true_k['seeded'][1]:.3f} (true k), {auto['seeded'][0]:.3f} -> {auto['seeded'][1]:.3f} "
                  "(automatic k, themes as leaders read them)")
        if "named" in true_k:
            print(f"{name}: themes named with a word of their main subject: {true_k['named']:.0%} (true k), "
                  f"{auto['named']:.0%} (automatic k); in both languages {true_k['named_both']:.0%}, "
                  f"{auto['named_both']:.0%}; English and Spanish names from one subject "
                  f"{true_k['names_agree']:.0%}, {auto['names_agree']:.0%}")
        if "mixing" in true_k:
            print(f"{name}: themes joining languages where the labels do: {true_k['mixing']:.0%} (true k), "
                  f"{auto['mixing']:.0%} (automatic k); non-English items with their subject's English "
                  f"items: {true_k['with_english']:.0%}, {auto['with_english']:.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="banking77",
                        help='CSV with text,label[,language], a name in ../shared/data, "school_feedback", '
                             'or "all"')
    parser.add_argument("--n-themes", type=int, default=None, help="number of themes (default: automatic)")
    parser.add_argument("--representation", choices=("tfidf", "embeddings", "auto"), default="auto")
    parser.add_argument("--model", default=None,
                        help="with embeddings: the model (default: the first of DEFAULT_MODELS that loads)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=None,
                        help="directory to keep vectors in between runs (useful with embeddings)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF + k-means baseline")
    parser.add_argument("--seeds", type=int, default=0, metavar="N",
                        help="also print NMI with N items of each label given as seeded examples")
    args = parser.parse_args()

    representation = representation_for(args.representation, args.model)
    if args.cache:
        representation = Cached(representation, args.cache)
    if args.data == "all":
        run_all(representation, args.random_state)
        return
    path = data_path(args.data)
    texts, truth, languages = load(path)
    print(f"data: {path.name}, {len(texts)} items, {len(set(truth))} labels; "
          f"representation: {representation.name}; n_themes: {args.n_themes or 'automatic'}", flush=True)
    run(texts, truth, languages, args.n_themes, representation, args.random_state,
        with_baseline=not args.no_baseline)
    if args.seeds:
        before, after = seeded(texts, truth, args.n_themes, representation, args.seeds, args.random_state)
        print(f"seeded: {args.seeds} examples per label taken out and given as seeds: NMI {before:.3f} -> {after:.3f}")


if __name__ == "__main__":
    main()
