"""How well `find_themes` recovers the labels of a labelled short-text set.

    .venv/bin/python bench/themes_quality.py                                  # banking77, automatic k
    .venv/bin/python bench/themes_quality.py --data clinc150 --n-themes 150   # true k given
    .venv/bin/python bench/themes_quality.py --data path/to.csv --representation embeddings --cache /tmp/vectors
    .venv/bin/python bench/themes_quality.py --representation embeddings --model use-multilingual-v3

--data is a CSV with columns text,label (a bare name is looked up in
../shared/data, see its README), or "bilingual-notes": 162 short parent notes
in 18 themes, a third in Spanish, written by hand for this benchmark as a
stand-in for the held-back in-domain set (English and Spanish mixed, many
words for one concern), kept below. The script runs the pipeline and, for
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
BILINGUAL = "bilingual-notes"

# Five English and four Spanish notes per theme, in the words parents use.
BILINGUAL_NOTES: dict[str, list[str]] = {
    "bus": ["bus never on time", "my kid waits 40 min at the stop every morning",
        "transportation is a mess this year", "driver skipped our street again",
        "need a later pickup for the route by the park", "el camión llega tarde siempre",
        "mi hija espera mucho en la parada", "el transporte escolar es un desastre",
        "no pasa el autobús por nuestra calle"],
    "lunch": ["cafeteria food is cold", "kids say the meals are gross", "not enough time to eat",
        "more fruit and veggies at lunch please", "portions too small my son comes home starving",
        "la comida de la escuela es mala", "mi hijo no alcanza a comer",
        "pongan más verduras en el almuerzo", "los niños tienen hambre al salir"],
    "safety": ["someone got into the building without checking in", "doors are left open",
        "worried about a shooting", "need a crossing guard on Main",
        "cars speed at drop off it's dangerous", "no me siento segura con mis hijos en la escuela",
        "las puertas quedan abiertas", "necesitamos un guardia en el cruce",
        "los carros van muy rápido en la entrada"],
    "bullying": ["my daughter is picked on every day", "kids harass him online and nobody acts",
        "bullies in the hallway", "teachers ignore name calling",
        "my son is afraid of other boys in his class", "a mi hijo lo molestan todos los días",
        "hay acoso en el salón y nadie hace nada", "le pegan en el recreo",
        "los maestros no paran el bullying"],
    "interpreters": ["no interpreter at conferences", "letters only come in English",
        "need translation for meetings", "I could not understand the IEP meeting",
        "please send notes in Spanish", "no hay intérprete en las juntas",
        "las cartas llegan solo en inglés", "necesito traducción para entender",
        "nadie habla español en la oficina"],
    "homework": ["too much homework at night", "three hours of worksheets", "homework is busy work",
        "no time for family because of assignments", "my kid cries over math homework", "demasiada tarea",
        "mi hijo hace tarea hasta las diez", "la tarea es muy difícil y no puedo ayudar",
        "menos tarea por favor"],
    "mental_health": ["need more counselors", "my teen is anxious and depressed",
        "wait for the therapist is months", "kids need someone to talk to",
        "stress is crushing these students", "necesitan más consejeros", "mi hija tiene ansiedad",
        "no hay psicólogo en la escuela", "los jóvenes están deprimidos"],
    "teachers": ["too many substitutes", "teachers keep quitting", "we lost our best teacher",
        "pay teachers more so they stay", "class has had no real teacher since october",
        "siempre hay maestros suplentes", "los maestros se van", "paguen mejor a los maestros",
        "mi hijo no tiene maestro fijo"],
    "class_size": ["35 kids in one room is too many", "classes are overcrowded", "smaller classes please",
        "teacher can't give attention with so many students", "my son's class has no desks for everyone",
        "hay demasiados alumnos por salón", "los grupos son muy grandes", "clases más pequeñas",
        "la maestra no puede atender a todos"],
    "special_ed": ["IEP services not delivered", "my son's aide was removed",
        "no speech therapy this semester", "special education is understaffed", "autism support is lacking",
        "no le dan los servicios de su plan IEP", "mi hijo necesita educación especial",
        "no hay terapia de lenguaje", "falta apoyo para niños con autismo"],
    "facilities": ["bathrooms are filthy", "no soap in the restrooms", "roof leaks in the gym",
        "broken heater classrooms freezing", "water fountains don't work", "los baños están sucios",
        "no hay jabón ni papel", "el techo gotea", "los salones están muy fríos"],
    "communication": ["never know what's happening at school", "emails come too late",
        "the app is confusing", "nobody returns my calls", "find out about events the day before",
        "no nos avisan de nada", "la escuela no contesta el teléfono", "nos enteramos tarde de los eventos",
        "mejor comunicación con los padres"],
    "after_school": ["need after school care", "no clubs for middle schoolers", "bring back sports",
        "programs end at 4 but I work till 6", "more activities after class",
        "necesitamos programas después de clases", "no hay deportes",
        "salgo de trabajar tarde y no hay cuidado", "más actividades para los niños en la tarde"],
    "attendance_discipline": ["suspensions are unfair", "same kids get punished",
        "detention for being one minute late", "use restorative practices instead of punishment",
        "discipline is inconsistent", "castigan siempre a los mismos", "suspenden por cualquier cosa",
        "la disciplina no es justa", "mandan a mi hijo a la dirección sin razón"],
    "technology": ["chromebook broke and no replacement", "wifi is down all the time",
        "kids need laptops at home", "too much screen time in class", "the online portal never works",
        "no tenemos internet en casa", "la computadora de la escuela no sirve", "mucho tiempo en pantallas",
        "no puedo entrar a la plataforma"],
    "reading": ["my 3rd grader can't read", "need reading tutors", "more phonics",
        "library is closed most days", "kids are behind in literacy", "mi hijo no sabe leer bien",
        "necesita ayuda con la lectura", "la biblioteca está cerrada", "más libros en español"],
    "arts_music": ["bring back music class", "no art this year", "band was cut", "kids need drama and art",
        "music teacher position eliminated", "quiten menos las clases de música", "no hay clase de arte",
        "queremos banda y coro", "los niños necesitan arte"],
    "family_engagement": ["meetings are at times working parents can't come", "more family nights",
        "parents feel unwelcome", "hold meetings online too", "childcare at PTA meetings would help",
        "las juntas son cuando trabajo", "no nos sentimos bienvenidos", "hagan reuniones en la noche",
        "queremos participar más como padres"],
}


def data_path(name: str) -> Path:
    """A path as given, or a bare data set name ("clinc150") in ../shared/data."""
    if name == BILINGUAL:
        return Path(BILINGUAL)
    path = Path(name)
    if path.exists():
        return path
    candidate = DATA_DIR / (name if name.endswith(".csv") else f"{name}.csv")
    if not candidate.exists():
        sys.exit(f"no such data file: {name} (looked in {DATA_DIR})")
    return candidate


def load(path: Path) -> tuple[list[str], list[str]]:
    if path.name == BILINGUAL:
        return ([t for notes in BILINGUAL_NOTES.values() for t in notes],
                [label for label, notes in BILINGUAL_NOTES.items() for _ in notes])
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["label"] for r in rows]


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


def scores(truth: list[str], predicted: list) -> tuple[float, float]:
    return normalized_mutual_info_score(truth, predicted), adjusted_rand_score(truth, predicted)


def baseline(texts: list[str], k: int, random_state: int = 0) -> list[int]:
    """Plain TF-IDF (English stop words) + k-means: the reference figure in the data README."""
    x = TfidfVectorizer(stop_words="english").fit_transform(texts)
    return KMeans(k, n_init=1, random_state=random_state).fit_predict(x).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="banking77", help="CSV with text,label, or a name in ../shared/data")
    parser.add_argument("--n-themes", type=int, default=None, help="number of themes (default: automatic)")
    parser.add_argument("--representation", choices=("tfidf", "embeddings", "auto"), default="auto")
    parser.add_argument("--model", default=None,
                        help="with embeddings: the model (default: the first of DEFAULT_MODELS that loads)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=None,
                        help="directory to keep vectors in between runs (useful with embeddings)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the TF-IDF + k-means baseline")
    args = parser.parse_args()

    path = data_path(args.data)
    texts, truth = load(path)
    representation = representation_for(args.representation, args.model)
    if args.cache:
        representation = Cached(representation, args.cache)
    print(f"data: {path.name}, {len(texts)} items, {len(set(truth))} labels; "
          f"representation: {representation.name}; n_themes: {args.n_themes or 'automatic'}", flush=True)

    started = time.perf_counter()
    result = find_themes(texts, n_themes=args.n_themes, random_state=args.random_state,
                         representation=representation)
    seconds = time.perf_counter() - started
    predicted = result.assignments()
    nmi, ari = scores(truth, predicted)
    unclustered = sum(1 for p in predicted if p == OTHER_ID)

    for theme in result.themes[:8]:
        print(f"  {theme.id:>5} {theme.size:6d}  {theme.label}")
    if len(result.themes) > 8:
        print(f"  ... {len(result.themes) - 8} more themes")
    print(f"  {OTHER_ID:>5} {unclustered:6d}  (unclustered)")

    if not args.no_baseline:
        k = args.n_themes or max(2, len(result.themes))
        started_baseline = time.perf_counter()
        b_nmi, b_ari = scores(truth, baseline(texts, k, args.random_state))
        print(f"baseline TF-IDF + k-means, k={k}: NMI={b_nmi:.3f} ARI={b_ari:.3f} "
              f"seconds={time.perf_counter() - started_baseline:.1f}")
    print(f"NMI={nmi:.3f} ARI={ari:.3f} themes={len(result.themes)} items={len(texts)} seconds={seconds:.1f}")


if __name__ == "__main__":
    main()
