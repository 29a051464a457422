"""Theme names in plain words, in English and in Spanish, taken from what people wrote.

A theme's name is a short phrase from one of its items, not a list of
keywords: "Buses late again", "20 minutes for lunch is not enough", "Más
consejeros". For each theme and each language, the clauses of its members
written in that language (the most central members first) are the
candidates (split at punctuation and at "and", "but", "please", "y",
"pero"...), cleaned of openers and closers ("also", "thanks", "gracias"),
kept when they are two to eight words long, say something about the theme
(they hold one of its most distinctive words), are not about one person
("I", "my", "he's", "mi hijo") or a question, and neither start nor stop
mid-sentence ("Got sent to the nurse", "The bullying got"). Thanks that open
a clause are left out ("Thanks for the mental health assembly" gives "The
mental health assembly"). Each candidate scores

    closeness to the theme's centre - half its closeness to the nearest other theme
      + 0.3 x how many of the theme's distinctive words it holds (weighted by rank)

with sentence embeddings (`embed`), or the last term alone (then shorter
wins) without them. With embeddings the English and the Spanish name are
chosen as a pair, adding how close they are to each other: a broad theme
of broken laptops and home internet was named for the laptops in English
and for the internet in Spanish, so two leaders reading the same theme
read of different things (figures in bench/THEMES.md). A theme with no
candidate in a language takes its name
in that language from the other; a theme with none at all under these
rules takes the best clause that is one person's story, a question
("Did this come up at the Board meeting?"), starts mid-sentence or is one
word (up to twelve words), and only when even that fails does the caller
keep its keyword label. A theme of one- or two-word
answers ("Hopeful", "Por fin") is named by its most frequent answers: "In a
word: Skeptical, Hopeful, Heard". Pure Python; no Flask, no database.

Tried first and dropped: phrases that several members share (n-grams around
the theme's main word, ranked by support and specificity): real feedback
varies its wording so much that few phrases recur, and the names were single
words ("Bus", "Homework") or fragments ("Class and got").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from .text import STOP_WORDS, normalize, singular, spanish_share

LANGUAGES = ("en", "es")
_CLAUSE = re.compile(r"[.!?;:()\[\]\n\"“”]+|,\s|\s[-–—]\s")
# A clause too long to be a name is cut at its conjunctions ("...late and my kids miss first period"),
# but not at an "and" that joins names ("Black and Latino students").
_CONJUNCTION = re.compile(r"\s(?:(?i:and|y)\s(?![A-ZÁÉÍÓÚÑ])|(?i:but|so|because|please|pero|porque|por favor)\s)")
_TOKEN = re.compile(r"(?u)[^\W_]+(?:['’][^\W_]+)?")
_MIN_WORDS, _MAX_WORDS, _MAX_WORDS_RELAXED = 2, 8, 12
_MEMBERS_READ = 25
# At most this many candidates per theme and language are ranked by meaning.
_EMBEDDED = 15
_TERMS_USED = 5
_TERM_WEIGHTS = (1.0, 0.8, 0.6, 0.5, 0.4)
_OPENERS = {"and", "but", "so", "also", "then", "because", "please", "plus", "y", "pero", "también", "tambien",
            "porque", "pues", "entonces", "además", "ademas", "o", "or", "that", "que"}
_CLOSERS = {"please", "thanks", "thank", "you", "gracias", "favor", "por", "too", "again", "now", "ok"}
# Stop words a name may start with.
_STARTERS = {"the", "a", "an", "more", "less", "fewer", "no", "not", "too", "all", "every", "el", "la", "los", "las",
             "un", "una", "más", "mas", "menos", "muy", "mucho", "mucha", "muchos", "muchas", "poco", "poca",
             "pocos", "pocas", "sin", "todos", "todas", "cada"}
# Words that make a clause one person's story or a question to someone, not a subject's name.
_PERSONAL = {"i", "i'm", "im", "i've", "ive", "me", "my", "mine", "we", "we're", "our", "us", "you", "your",
             "yo", "mi", "mis", "nosotros", "nuestro", "nuestra", "nuestros", "nuestras", "usted",
             "ustedes", "su", "sus", "hijo", "hija", "hijos", "hijas", "son", "daughter", "kid's", "he", "she",
             "his", "her", "él", "ella", "this", "that", "it", "esto", "eso", "este", "esta", "ese", "esa",
             # who is writing ("Dad of a student in 4th grade"), not what about
             "dad", "mom", "mother", "father", "grandma", "grandmother", "grandfather", "mamá", "mama", "papá",
             "papa", "abuela", "abuelo"}
# Words a name does not start with: it would start mid-sentence ("Got sent to the nurse", "Just walk away").
_NOT_FIRST = {"got", "just", "now", "even", "still", "only", "actually", "really", "maybe", "ya", "solo", "sólo",
              "nomás", "nomas"}
# Words a name does not end with: cut at a conjunction, the clause stops before what it says
# ("The bullying got [so bad...]", "The plan says [nothing about...]").
_NOT_LAST = {"says", "said", "say", "got", "gets", "get", "is", "are", "was", "were", "be", "been", "has", "have",
             "had", "do", "does", "did", "makes", "made", "goes", "went", "dice", "dicen", "es", "son", "fue",
             "está", "están", "hay", "tiene", "tienen"}
# Thanks that open a clause are left out of the name: "Thanks for the mental health assembly" names
# "The mental health assembly".
_THANKS = re.compile(r"^\s*(?:(?i:thanks|thank\s+you)\s+(?i:for|so\s+much\s+for)|(?i:gracias|mil\s+gracias)\s+"
                     r"(?i:por))\s+")
# The English name and the Spanish one are chosen together: this much of the closeness between them is
# added to their scores, so both name the same part of a theme.
_AGREEMENT = 1.0


def language_of(text: str) -> str:
    """"es" for a text that looks Spanish, else "en"."""
    return "es" if spanish_share(text) > 0.5 else "en"


def _pieces(text: str) -> list[tuple[str, str]]:
    """(clause, what ended it): split at punctuation, and long clauses at conjunctions too."""
    text = str(text or "")
    parts = _CLAUSE.split(text)
    ends = [m.group(0) for m in _CLAUSE.finditer(text)] + [""]
    out = []
    for clause, end in zip(parts, ends):
        if len(_TOKEN.findall(clause)) > _MAX_WORDS:
            pieces = _CONJUNCTION.split(clause)
            out.extend((piece, end if i == len(pieces) - 1 else "") for i, piece in enumerate(pieces))
        else:
            out.append((clause, end))
    return out


def _clauses(text: str, strict: bool = True) -> list[str]:
    """The clauses of a text that could name a theme, as written (first letter capitalised).
    Not `strict`: one person's story, a question, mid-sentence starts and single words will do,
    up to 12 words."""
    out = []
    for clause, end in _pieces(text):
        if strict:  # under the relaxed rules, thanks may be what a theme is ("Thanks for saying this")
            clause = _THANKS.sub("", clause)
        tokens = _TOKEN.findall(clause)
        while tokens and tokens[0].lower() in _OPENERS:
            tokens = tokens[1:]
        while tokens and tokens[-1].lower() in _CLOSERS:
            tokens = tokens[:-1]
        shortest, longest = (_MIN_WORDS, _MAX_WORDS) if strict else (1, _MAX_WORDS_RELAXED)
        question = "?" in end or "¿" in clause
        if not shortest <= len(tokens) <= longest or (strict and question):
            continue
        lowered = [t.lower().replace("’", "'") for t in tokens]
        # A name starts with what it is about ("Buses late", "More recess", "Las faltas..."),
        # not mid-sentence ("Is not a plan", "For asking..."), ends with what it says, and is
        # not one person's story ("he's", "it's" count as "he", "it").
        if strict and (any(t.split("'")[0] in _PERSONAL for t in lowered) or lowered[0] in _NOT_FIRST
                       or lowered[-1] in _NOT_LAST
                       or (normalize(lowered[0]) in STOP_WORDS and lowered[0] not in _STARTERS)):
            continue
        # The clause as typed, from its first kept word to its last.
        start = clause.find(tokens[0])
        end_at = clause.rfind(tokens[-1]) + len(tokens[-1])
        written = " ".join(clause[start:end_at].split())
        written = written[:1].upper() + written[1:]
        if question:
            written = ("¿" if "¿" in clause else "") + written + "?"
        out.append(written)
    return out


def _term_coverage(clause: str, terms: Sequence[str]) -> float:
    found = {singular(w) for w in normalize(clause).split()}
    score = 0.0
    for weight, term in zip(_TERM_WEIGHTS, terms[:_TERMS_USED]):
        if all(singular(w) in found for w in normalize(term).split()):
            score += weight
    return score


def theme_names(texts: Sequence[str], groups: Sequence[Sequence[int]], terms: Sequence[Sequence[str]], *,
                embed: Callable[[list[str]], np.ndarray] | None = None,
                vectors: np.ndarray | None = None, embedded: int = _EMBEDDED) -> list[dict[str, str]]:
    """For each group of indices into `texts` (members, most central first) and its
    distinctive terms (most distinctive first), its name in each of `LANGUAGES`:
    {"en": ..., "es": ...}; {} when no clause of its members will do.

    `embed` (texts -> rows) and `vectors` (the texts' rows from it) rank the
    candidates by meaning (at most `embedded` per group and language); without them,
    by the terms they hold.
    """
    candidates: list[dict[str, list[tuple[str, float]]]] = []
    short = [_in_a_word(texts, members) for members in groups]
    for members, theme_terms in zip(groups, terms):
        by_language: dict[str, list[tuple[str, float]]] = {language: [] for language in LANGUAGES}
        seen: set[str] = set()
        for language in LANGUAGES:
            written = [i for i in members if language_of(texts[i]) == language][:_MEMBERS_READ]
            for strict in (True, False):  # the relaxed rules only when the strict ones found nothing
                if by_language[language]:
                    break
                for i in written:
                    for clause in _clauses(texts[i], strict):
                        key = normalize(clause)
                        coverage = _term_coverage(clause, theme_terms)
                        if key not in seen and coverage > 0:
                            seen.add(key)
                            by_language[language].append((clause, coverage))
        candidates.append(by_language)
    # Only the likeliest candidates are embedded: a run over 100,000 items names ~100 themes.
    for by_language in candidates:
        for language, items in by_language.items():
            by_language[language] = sorted(items, key=lambda item: (-item[1], len(item[0]), item[0]))[:embedded]
    scores, closeness = _scores(candidates, groups, embed, vectors)
    names: list[dict[str, str]] = []
    for index, by_language in enumerate(candidates):
        if short[index]:
            names.append(short[index])
            continue
        chosen = _chosen({language: [clause for clause, _coverage in items]
                          for language, items in by_language.items() if items}, scores[index], closeness)
        for language in LANGUAGES:
            if language not in chosen and chosen:
                chosen[language] = next(iter(chosen.values()))
        names.append(chosen)
    return names


def _chosen(by_language: dict[str, list[str]], scores: dict[str, float],
            closeness: Callable[[str, str], float] | None) -> dict[str, str]:
    """The best-scoring candidate in each language; with two languages and `closeness`, the best pair,
    counting how close the two are, so that a broad theme is not named "Broken Chromebooks" in
    English and "Free internet" in Spanish."""
    def best(clauses: list[str]) -> str:
        return max(clauses, key=lambda clause: (scores[clause], clause))

    if closeness is None or len(by_language) < 2:
        return {language: best(clauses) for language, clauses in by_language.items()}
    english, spanish = by_language["en"], by_language["es"]
    pairs = [(scores[a] + scores[b] + _AGREEMENT * closeness(a, b), a, b) for a in english for b in spanish]
    _score, en, es = max(pairs)
    return {"en": en, "es": es}


_IN_A_WORD = {"en": "In a word: %s", "es": "En una palabra: %s"}


def one_word_answers(texts: Sequence[str], members: Sequence[int]) -> bool:
    """Whether most of these texts are answers of one or two words ("Hopeful", "Por fin")."""
    lengths = sorted(len(_TOKEN.findall(str(texts[i]))) for i in members)
    return bool(lengths) and lengths[len(lengths) // 2] <= 2


def _in_a_word(texts: Sequence[str], members: Sequence[int]) -> dict[str, str]:
    """For a theme of one- or two-word answers ("Hopeful", "Por fin"): its three most frequent
    answers, per language ("In a word: Skeptical, Hopeful, Heard"); {} for other themes.
    Such answers hold no clause to name them by, and what people said is the words."""
    if not one_word_answers(texts, members):
        return {}
    answers = [" ".join(_TOKEN.findall(str(texts[i]))) for i in members]
    names = {}
    for language in LANGUAGES:
        counts: dict[str, list] = {}
        for answer, i in zip(answers, members):
            key = normalize(answer)
            if key and len(answer.split()) <= 2 and language_of(texts[i]) == language:
                entry = counts.setdefault(key, [0, answer[:1].upper() + answer[1:]])
                entry[0] += 1
        top = sorted(counts.values(), key=lambda entry: (-entry[0], entry[1]))[:3]
        if top:
            names[language] = _IN_A_WORD[language] % ", ".join(answer for _count, answer in top)
    for language in LANGUAGES:
        if language not in names and names:
            names[language] = next(iter(names.values()))
    return names


def _scores(candidates, groups, embed, vectors):
    """Each candidate's score in its theme (see the module docstring), and how close two
    candidates are in meaning (None without embeddings)."""
    plain = [{clause: 0.3 * coverage - 0.01 * len(clause.split())
              for items in by_language.values() for clause, coverage in items} for by_language in candidates]
    clauses = sorted({clause for scores in plain for clause in scores})
    if embed is None or vectors is None or not clauses or not len(groups):
        return plain, None
    vectors = np.asarray(vectors, dtype=np.float32)
    centres = np.vstack([vectors[list(members)].mean(axis=0) for members in groups])
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    rows = np.asarray(embed(clauses), dtype=np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    similarity = rows @ centres.T
    row_of = {clause: i for i, clause in enumerate(clauses)}
    out = []
    for index, scores in enumerate(plain):
        theme_scores = {}
        for clause, base in scores.items():
            row = similarity[row_of[clause]]
            others = np.delete(row, index)
            nearest_other = float(others.max()) if len(others) else 0.0
            theme_scores[clause] = float(row[index]) - 0.5 * max(nearest_other, 0.0) + base
        out.append(theme_scores)

    def closeness(a: str, b: str) -> float:
        return float(rows[row_of[a]] @ rows[row_of[b]])
    return out, closeness
