"""Speed and clustering quality of the sentence-embeddings backend.

    python bench/embeddings_speed.py                 # every model that loads here
    python bench/embeddings_speed.py --model all-MiniLM-L6-v2 --sets banking77
    python bench/embeddings_speed.py --no-quality    # speed only

For each model (each in its own process, so peak RSS is the model's own):
load time, texts per second to embed 1,000 and 10,000 texts sampled from the
labeled sets in ../shared/data, and peak RSS. Then, for each labeled set,
NMI/ARI against the labels of plain k-means (true k, n_init=10,
random_state=0) on the embeddings and on TF-IDF (sublinear tf, English stop
words, min_df=2) for comparison, and of agglomerative clustering (Ward) on
both (TF-IDF through a 100-dimension LSA, since Ward needs dense rows; sets
over --ward-max items are skipped: Ward is quadratic in memory). The combined
model's vectors first go through its step over the whole set (`prepare`). These
are the bare clustering methods; bench/themes_quality.py measures the pipeline.

Needs the data sets beside the project (../shared/data); the tests do not.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SETS = ("banking77", "clinc150", "stackoverflow", "polis_civic")
sys.path.insert(0, str(ROOT))


def read_set(name: str) -> tuple[list[str], list[str]]:
    with open(DATA / f"{name}.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def sample_texts(n: int, seed: int = 0) -> list[str]:
    """n texts drawn (with replacement past the pool size) from all labeled sets."""
    pool: list[str] = []
    for name in SETS:
        if (DATA / f"{name}.csv").exists():
            pool.extend(read_set(name)[0])
    rng = random.Random(seed)
    return [rng.choice(pool) for _ in range(n)]


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def scores(labels, predicted) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return normalized_mutual_info_score(labels, predicted), adjusted_rand_score(labels, predicted)


def kmeans(x, k: int):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(x)


def ward(x, k: int):
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(x)


def tfidf(texts):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(texts)


def lsa(x, dims: int = 100):
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    return normalize(TruncatedSVD(n_components=dims, random_state=0).fit_transform(x))


def embed_cached(emb, texts: list[str], cache: Path | None):
    import numpy as np

    if cache is None:
        return emb.embed(texts), None
    key = hashlib.sha256(("\x00".join(texts) + emb.name).encode()).hexdigest()[:16]
    path = cache / f"{emb.name}-{key}.npy"
    if path.exists():
        return np.load(path), None
    t0 = time.perf_counter()
    x = emb.embed(texts)
    seconds = time.perf_counter() - t0
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, x)
    return x, seconds


def run_one(model: str, args) -> dict:
    """Everything for one model, in this process."""
    from engage.themes import embeddings

    result: dict = {"model": model}
    t0 = time.perf_counter()
    emb = embeddings.SentenceEmbeddings(model, batch_size=args.batch_size)
    result["load_s"] = time.perf_counter() - t0
    result["dim"] = emb.dim
    result["threads"] = emb.threads
    print(f"[{model}] loaded in {result['load_s']:.2f} s, dim {emb.dim}, {emb.threads} threads",
          file=sys.stderr)
    if args.speed:
        for n in args.speed_n:
            texts = sample_texts(n, seed=n)
            t0, c0 = time.perf_counter(), cpu_seconds()
            emb.embed(texts)
            seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
            result[f"texts_per_s_{n}"] = n / seconds
            result[f"texts_per_cpu_s_{n}"] = n / cpu
            print(f"[{model}] {n} texts in {seconds:.1f} s ({cpu:.1f} CPU s)", file=sys.stderr)
    result["peak_rss_mb_after_speed"] = peak_rss_mb()
    if args.quality:
        cache = Path(args.cache) if args.cache else None
        result["sets"] = {}
        for name in args.sets:
            if not (DATA / f"{name}.csv").exists():
                continue
            texts, labels = read_set(name)
            k = len(set(labels))
            x, seconds = embed_cached(emb, texts, cache)
            x = emb.prepare(texts, x)  # the step over the whole set (the combined model's)
            row: dict = {"items": len(texts), "k": k}
            if seconds is not None:
                row["embed_s"] = seconds
            t0 = time.perf_counter()
            row["emb_kmeans"] = scores(labels, kmeans(x, k))
            row["emb_kmeans_s"] = time.perf_counter() - t0
            if len(texts) <= args.ward_max:
                t0 = time.perf_counter()
                row["emb_ward"] = scores(labels, ward(x, k))
                row["emb_ward_s"] = time.perf_counter() - t0
            if args.baseline:
                t = tfidf(texts)
                t0 = time.perf_counter()
                row["tfidf_kmeans"] = scores(labels, kmeans(t, k))
                row["tfidf_kmeans_s"] = time.perf_counter() - t0
                if len(texts) <= args.ward_max:
                    row["tfidf_lsa_ward"] = scores(labels, ward(lsa(t), k))
            result["sets"][name] = row
            print(f"[{model}] {name}: {json.dumps(row)}", file=sys.stderr)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def fmt(pair) -> str:
    return f"{pair[0]:.3f}/{pair[1]:.3f}" if pair else "      -    "


def report(results: list[dict], args) -> None:
    print("\n# speed (embedding only; load includes a warm-up call;"
          " texts per CPU-second in brackets: less sensitive to a busy machine)")
    cols = "".join(f"{'texts/s @' + str(n):>20}" for n in args.speed_n)
    width = max([24] + [len(r["model"]) + 2 for r in results])
    print(f"{'model':<{width}}{'dim':>5}{'threads':>8}{'load s':>8}{cols}{'peak RSS MB':>13}")
    for r in results:
        speeds = "".join(f"{r.get(f'texts_per_s_{n}', float('nan')):>13.0f}"
                         f" ({r.get(f'texts_per_cpu_s_{n}', float('nan')):>4.0f})" for n in args.speed_n)
        print(f"{r['model']:<{width}}{r['dim']:>5}{r['threads']:>8}{r['load_s']:>8.2f}{speeds}"
              f"{r['peak_rss_mb_after_speed']:>13.0f}")
    if not args.quality:
        return
    print("\n# clustering quality, true k (NMI/ARI)")
    print(f"{'set':<15}{'model':<{width}}{'emb k-means':>14}{'emb ward':>14}"
          f"{'tfidf k-means':>15}{'tfidf-lsa ward':>16}{'k-means s':>10}")
    for name in args.sets:
        for r in results:
            row = r.get("sets", {}).get(name)
            if not row:
                continue
            print(f"{name:<15}{r['model']:<{width}}{fmt(row.get('emb_kmeans')):>14}"
                  f"{fmt(row.get('emb_ward')):>14}{fmt(row.get('tfidf_kmeans')):>15}"
                  f"{fmt(row.get('tfidf_lsa_ward')):>16}{row['emb_kmeans_s']:>10.1f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append",
                        help="a model name (repeatable); default: every model that loads here")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--speed-n", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--ward-max", type=int, default=10000)
    parser.add_argument("--no-speed", dest="speed", action="store_false")
    parser.add_argument("--no-quality", dest="quality", action="store_false")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the TF-IDF comparison")
    parser.add_argument("--cache", default=None,
                        help="folder to keep each set's embeddings in between runs")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quality and not DATA.exists():
        sys.exit(f"no labeled data at {DATA}")

    if args.one:  # the child: one model, JSON on stdout
        print(json.dumps(run_one(args.model[0], args)))
        return

    from engage.themes import embeddings

    models = args.model or embeddings.available_models()
    if not models:
        sys.exit("no embeddings model loads here (is ENGAGE_EMBEDDINGS_MODEL none?)")
    passed = [a for a in (argv if argv is not None else sys.argv[1:])]
    results = []
    baseline_done = False
    for model in models:
        child = [a for i, a in enumerate(passed)
                 if a != "--model" and (i == 0 or passed[i - 1] != "--model")]
        if baseline_done and "--no-baseline" not in child:
            child.append("--no-baseline")  # TF-IDF figures are the same for every model
        out = subprocess.run([sys.executable, __file__, "--one", "--model", model, *child],
                             stdout=subprocess.PIPE, text=True, check=True, env=os.environ)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        baseline_done = baseline_done or args.baseline
    if baseline_done:  # copy the baseline into every model's rows
        base = results[0].get("sets", {})
        for r in results[1:]:
            for name, row in r.get("sets", {}).items():
                for key in ("tfidf_kmeans", "tfidf_lsa_ward"):
                    if key in base.get(name, {}):
                        row[key] = base[name][key]
    report(results, args)


if __name__ == "__main__":
    main()
