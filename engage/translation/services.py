"""Reading content in the reader's language, and the translators' work on it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import services as audit
from ..components import Component
from ..extensions import db
from ..i18n import content_language, reading_language
from ..models import utcnow
from ..permissions import require
from .component import TRANSLATE
from .models import ContentTranslation
from .sources import Document, Passage, TranslatableKind, scope_key
from .texts import Candidate, LocalizedText, resolve, source_hash

# Reading ----------------------------------------------------------------------------------


def fallback_chains(setting: str) -> dict[str, list[str]]:
    """"so:en, pt:es en" -> {"so": ["en"], "pt": ["es", "en"]}."""
    chains: dict[str, list[str]] = {}
    for entry in setting.replace(";", ",").split(","):
        language, _, rest = entry.partition(":")
        if language.strip() and rest.strip():
            chains[language.strip()] = rest.split()
    return chains


def reader_languages(reader: str | None = None) -> list[str]:
    """The languages a reader is shown content in, in order: theirs, then the district's fallbacks."""
    reader = reader or reading_language()
    chain = fallback_chains(current_app.config["TRANSLATION_FALLBACKS"]).get(reader, [])
    return [reader, *(language for language in chain if language != reader)]


class Localizer:
    """Passages of some documents in a reader's language: one query for all of them."""

    def __init__(self, scopes: Iterable[str], reader: str | None = None, *,
                 written_in: Iterable[str] | None = None) -> None:
        """`written_in`: the languages the documents are written in (the content language unless said)."""
        self.languages = reader_languages(reader)
        self._candidates: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        scopes = sorted(set(scopes))
        # A reader of the language everything is written in reads the originals: nothing to look up.
        sources = set(written_in) if written_in is not None else {content_language()}
        # True: every text is shown as written, in the reader's own language (nothing to mark either).
        self.reads_originals = sources <= {self.languages[0]}
        if not scopes or self.reads_originals:
            return
        rows = db.session.execute(
            select(ContentTranslation.scope, ContentTranslation.path, ContentTranslation.language,
                   ContentTranslation.source_hash, ContentTranslation.text, ContentTranslation.machine,
                   ContentTranslation.published_at)
            .where(ContentTranslation.scope.in_(scopes), ContentTranslation.language.in_(self.languages),
                   ContentTranslation.published_at.is_not(None))
        )
        for scope, path, *rest in rows:
            self._candidates[scope, path].append(Candidate(path, *rest))

    def text(self, scope: str, path: str, source: str, source_language: str | None = None) -> LocalizedText:
        return resolve(source, source_language or content_language(), self.languages,
                       self._candidates.get((scope, path), ()))


class RecordTexts:
    """Fields of some records (updates, sessions, themes) in the reader's language, in one query.

    `scope_of(record)` names a record's scope; `written_in(record)` the language it is written in
    (the content language unless given); `field` the field read when none is named."""

    def __init__(self, records: Iterable, scope_of: Callable[[Any], str], reader: str | None = None, *,
                 written_in: Callable[[Any], str] | None = None, field: str | None = None) -> None:
        records = list(records)
        self._scope_of, self._written_in, self._field = scope_of, written_in, field
        self._texts = Localizer([scope_of(record) for record in records], reader,
                                written_in={written_in(r) for r in records} if written_in else None)

    def __call__(self, record, field: str | None = None) -> LocalizedText:
        field = field or self._field
        return self._texts.text(self._scope_of(record), field, (getattr(record, field) or "").strip(),
                                self._written_in(record) if self._written_in else None)


# The translators' work --------------------------------------------------------------------


class Status:
    """Where a passage stands for one language, for translators."""

    MISSING = "missing"
    OUT_OF_DATE = "out_of_date"  # translated from earlier words
    DRAFT = "draft"
    DONE = "done"  # published
    ORDER = (MISSING, OUT_OF_DATE, DRAFT, DONE)


@dataclass(frozen=True)
class PassageWork:
    passage: Passage
    status: str
    translation: ContentTranslation | None  # of today's source, or the latest of an earlier one

    @property
    def text(self) -> str:
        return self.translation.text if self.translation else ""

    @property
    def earlier_source(self) -> str | None:
        """The words an out-of-date translation was made from."""
        return self.translation.source_text if self.status == Status.OUT_OF_DATE else None


def translatable_kinds(components: Sequence[Component]) -> list[TranslatableKind]:
    """What the installed components offer for translation."""
    kinds = [component.attribute(reference) for component in components for reference in component.translatable]
    return sorted(kinds, key=lambda kind: kind.order)


_ID_LIMIT = 2**31  # the databases' integer ids: a longer number is no record (and would overflow a query)


def find_document(components: Sequence[Component], scope: str, language: str
                  ) -> tuple[Document, TranslatableKind] | None:
    """The document a scope names ("plan:12"), and its kind, when it can be translated into `language`."""
    kind_name, key = scope_key(scope)
    if not (key.isascii() and key.isdigit() and 0 < int(key) < _ID_LIMIT):
        return None  # every document's key is its record's id: anything else names nothing
    kind = next((kind for kind in translatable_kinds(components) if kind.kind == kind_name), None)
    document = kind.document(key) if kind else None
    if document is None or language not in target_languages(document.language):
        return None
    return document, kind


def target_languages(document_language: str | None = None) -> list[str]:
    """The site's languages a document is translated into: all but its own."""
    return [code for code in current_app.config["LANGUAGES"] if code != (document_language or content_language())]


def _rows(scopes: Iterable[str], languages: Iterable[str]) -> list[ContentTranslation]:
    return list(db.session.scalars(
        select(ContentTranslation)
        .where(ContentTranslation.scope.in_(list(scopes)), ContentTranslation.language.in_(list(languages)))
        .order_by(ContentTranslation.updated_at)
    ))


def _work(passages: Sequence[Passage], rows: Sequence[ContentTranslation]) -> list[PassageWork]:
    by_path: dict[str, list[ContentTranslation]] = defaultdict(list)
    for row in rows:
        by_path[row.path].append(row)
    work = []
    for passage in passages:
        wanted = source_hash(passage.text)
        of_path = by_path.get(passage.path, [])
        exact = next((row for row in of_path if row.source_hash == wanted), None)
        if exact is not None:
            work.append(PassageWork(passage, Status.DONE if exact.is_published else Status.DRAFT, exact))
        elif of_path:
            work.append(PassageWork(passage, Status.OUT_OF_DATE, of_path[-1]))
        else:
            work.append(PassageWork(passage, Status.MISSING, None))
    return work


def document_work(actor, document: Document, language: str, group: str | None = None) -> list[PassageWork]:
    """Each passage of a document (of one of its parts, with `group`) with its translation into
    `language` and where it stands."""
    require(actor, TRANSLATE)
    passages = [p for p in document.passages if group is None or p.group == group]
    return _work(passages, _rows([document.scope], [language])) if passages else []


@dataclass(frozen=True)
class Progress:
    total: int
    counts: Mapping[str, int]

    @property
    def done(self) -> int:
        return self.counts.get(Status.DONE, 0)

    @property
    def to_do(self) -> int:
        return self.total - self.done

    @property
    def complete(self) -> bool:
        return self.done == self.total


def progress(documents: Sequence[Document], languages: Sequence[str]) -> dict[tuple[str, str], Progress]:
    """(scope, language) -> how much of the document is translated: one query for all."""
    by_scope_language: dict[tuple[str, str], list[ContentTranslation]] = defaultdict(list)
    for row in _rows([d.scope for d in documents], languages):
        by_scope_language[row.scope, row.language].append(row)
    result = {}
    for document in documents:
        for language in languages:
            statuses = [w.status for w in _work(document.passages, by_scope_language.get((document.scope, language), []))]
            result[document.scope, language] = Progress(len(statuses), {s: statuses.count(s) for s in Status.ORDER})
    return result


def untranslated_languages(document: Document, languages: Sequence[str]) -> dict[str, int]:
    """Language -> passages of the document with no published translation of today's words."""
    found = progress([document], languages)
    return {language: found[document.scope, language].to_do for language in languages
            if not found[document.scope, language].complete}


def required_languages() -> list[str]:
    """Languages every published version of a plan must be translated into (or promise)."""
    setting = current_app.config["TRANSLATIONS_REQUIRED"]
    return [code for code in setting.replace(",", " ").split() if code in current_app.config["LANGUAGES"]]


def _audit(actor, action: str, document: Document, language: str, paths: Sequence[str]) -> None:
    kind, key = scope_key(document.scope)
    audit.record(actor, action, kind, int(key) if key.isdigit() else None, language=language,
                 passages=list(paths)[:50], count=len(paths))


def save_translations(actor, document: Document, language: str, texts: Mapping[str, str], *,
                      publish: bool = False, machine: Iterable[str] = (), action: str | None = None) -> int:
    """Store translations of a document's passages into `language` (path -> text), as drafts or
    published. An empty text removes that passage's translation of today's words; `machine`
    names paths whose text a machine drafted. Returns how many passages changed.

    The command line (the demo, imports run by whoever operates the server) passes no actor;
    anyone else needs permission to translate."""
    if actor is not None:
        require(actor, TRANSLATE)
    if language not in target_languages(document.language):
        raise ValueError(f"{language!r} is not a language this document is translated into")
    machine = set(machine)
    passages = {p.path: p for p in document.passages}
    work = {w.passage.path: w for w in _work(document.passages, _rows([document.scope], [language]))}
    changed, removed, now = [], [], utcnow()
    for path, text in texts.items():
        passage = passages.get(path)
        if passage is None:
            continue
        text = (text or "").strip()
        current = work[path].translation if work[path].status in (Status.DRAFT, Status.DONE) else None
        if not text:
            if current is not None:
                db.session.delete(current)
                removed.append(path)
            continue
        if current is not None and current.text == text and (current.is_published or not publish):
            continue  # unchanged (a draft save leaves published translations published)
        if current is None:
            current = ContentTranslation(scope=document.scope, path=path, language=language,
                                         source_hash=source_hash(passage.text), source_text=passage.text, text="")
            db.session.add(current)
        if current.text != text:
            current.text, current.machine = text, path in machine
        current.translated_by_id = getattr(actor, "id", None)
        current.updated_at = now
        current.published_at = now if publish else None
        changed.append(path)
    if changed:
        _audit(actor, action or ("translation.published" if publish else "translation.saved"), document, language,
               changed)
    if removed:
        _audit(actor, "translation.removed", document, language, removed)
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the first one stands
        db.session.rollback()
        return 0
    return len(changed) + len(removed)


def copy_translations(from_scope: str, to_scope: str, paths: Mapping[str, str]) -> None:
    """Give a copy of a document (a duplicated survey) the translations of the original:
    `paths` maps the original's passages to the copy's. The caller commits."""
    for row in _rows([from_scope], current_app.config["LANGUAGES"]):
        if row.path in paths:
            db.session.add(ContentTranslation(
                scope=to_scope, path=paths[row.path], language=row.language, source_hash=row.source_hash,
                source_text=row.source_text, text=row.text, machine=row.machine, published_at=row.published_at,
                translated_by_id=row.translated_by_id, updated_at=row.updated_at))


def publish_drafts(actor, document: Document, language: str) -> int:
    """Publish every draft translation of today's words of the document."""
    drafts = {w.passage.path: w.text for w in document_work(actor, document, language) if w.status == Status.DRAFT}
    return save_translations(actor, document, language, drafts, publish=True) if drafts else 0
