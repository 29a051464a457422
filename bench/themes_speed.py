"""Time the whole themes pipeline on N texts and report its peak memory.

    .venv/bin/python bench/themes_speed.py --n 100000
    .venv/bin/python bench/themes_speed.py --n 20000 --representation embeddings --cache /tmp/vectors
    .venv/bin/python bench/themes_speed.py --n 100000 --representation embeddings --cache /tmp/vectors

With --cache, sentence embeddings are kept as `embed` gives them (as the app
keeps them per feedback item), and the pipeline is run as the app re-runs an
analysis (`find_themes(vectors=...)`, which also names the themes with the
model), so a second run times what a re-run in the app costs.

Texts are sampled from the labelled sets in ../shared/data (banking77_train,
clinc150, stackoverflow, polis_civic) and lightly perturbed so that few are
exact copies: a word dropped, two neighbouring words swapped, the case
changed. Prints the seconds for building the vectors and for the rest, the
total, and the peak resident memory of the process (ru_maxrss, which
includes the Python interpreter, the loaded models and data, measured after
the texts are built so the baseline is printed too). Target on a 2-core
machine: 100,000 texts in under 60 s and under 2 GB, with TF-IDF and with
cached sentence embeddings.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engage.themes.pipeline import TfidfLsa, default_representation, find_themes  # noqa: E402 - after sys.path

DATA_DIR = ROOT.parent / "shared" / "data"
SOURCES = ("banking77_train.csv", "clinc150.csv", "stackoverflow.csv", "polis_civic.csv")


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def source_texts() -> list[str]:
    texts: list[str] = []
    for name in SOURCES:
        path = DATA_DIR / name
        if path.exists():
            with path.open(newline="", encoding="utf-8") as f:
                texts.extend(row["text"] for row in csv.DictReader(f))
    if not texts:
        sys.exit(f"no data sets found in {DATA_DIR}")
    return texts


def perturb(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 3 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    if len(words) > 3 and rng.random() < 0.5:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    out = " ".join(words)
    roll = rng.random()
    if roll < 0.1:
        out = out.upper()
    elif roll < 0.4:
        out = out.lower()
    return out


def build(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    pool = source_texts()
    return [perturb(rng.choice(pool), rng) for _ in range(n)]


class Timed:
    """Wraps a representation to time its fit_transform."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.clustering = getattr(inner, "clustering", None)
        self.seconds = 0.0

    def fit_transform(self, texts):
        started = time.perf_counter()
        try:
            return self.inner.fit_transform(texts)
        finally:
            self.seconds = time.perf_counter() - started


def cached_vectors(model, texts: list[str], cache: Path):
    """Each text's vector from `model.embed`, read from a .npy file under `cache` when
    an earlier run kept it there (as the app keeps them per feedback item)."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256("\n".join([model.name, *texts]).encode("utf-8")).hexdigest()[:20]
    path = cache / f"speed-{digest}.npy"
    if path.exists():
        return np.load(path), True
    vectors = model.embed(texts)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="number of texts (default 100,000)")
    parser.add_argument("--n-themes", type=int, default=None, help="number of themes (default: automatic)")
    parser.add_argument("--representation", choices=("tfidf", "embeddings", "auto"), default="tfidf")
    parser.add_argument("--model", default=None, help="with embeddings: the model (default: the default one)")
    parser.add_argument("--cache", type=Path, default=None, help="directory to keep sentence embeddings in")
    args = parser.parse_args()

    texts = build(args.n)
    baseline_mb = peak_rss_mb()
    if args.representation == "tfidf":
        inner = TfidfLsa()
    elif args.representation == "embeddings" or args.model:
        from engage.themes.embeddings import SentenceEmbeddings
        inner = SentenceEmbeddings(args.model)
    else:
        inner = default_representation()
    print(f"{len(texts)} texts built; representation {inner.name}; "
          f"peak RSS before the pipeline {baseline_mb:.0f} MB", flush=True)

    if args.cache is not None and hasattr(inner, "embed"):
        # As the app re-runs an analysis: per-item vectors from the cache, the rest timed.
        started = time.perf_counter()
        vectors, from_cache = cached_vectors(inner, texts, args.cache)
        vector_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = find_themes(texts, n_themes=args.n_themes, representation=inner, vectors=vectors)
        seconds = vector_seconds + time.perf_counter() - started
    else:
        representation = Timed(inner)
        started = time.perf_counter()
        result = find_themes(texts, n_themes=args.n_themes, representation=representation)
        seconds = time.perf_counter() - started
        vector_seconds, from_cache = representation.seconds, False
    rate = len(texts) / vector_seconds if vector_seconds else float("inf")
    source = " (embeddings read from the cache)" if from_cache else ""
    print(f"vectors: {vector_seconds:.1f} s ({rate:,.0f} texts/s){source}; "
          f"clustering, naming and the rest: {seconds - vector_seconds:.1f} s")
    print(f"themes={len(result.themes)} unclustered={result.other.size}")
    print(f"n={len(texts)} seconds={seconds:.1f} peak_rss_mb={peak_rss_mb():.0f}")


if __name__ == "__main__":
    main()
