"""A plan's words as passages to translate, and a version read in the reader's language.

Sections and actions are found by their stable keys, so the draft's passages and a published
version's are the same passages wherever their words are the same: a version keeps the
translations of its own words however the draft changes afterwards.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator

from flask_babel import lazy_gettext as _l

from ..i18n import content_language
from ..translation.services import Localizer
from ..translation.sources import Passage
from ..translation.texts import LocalizedText, ReadingSummary, Shown


def plan_scope(plan_id: int) -> str:
    return f"plan:{plan_id}"


def _action_name(action: dict):
    return _l("Action %(number)s", number=action["number"]) if action.get("number") else _l("Action")


def _in_action(action: dict, what):
    return _l("%(action)s: %(what)s", action=_action_name(action), what=what)


def note_path(number: int) -> str:
    return f"version:{number}.change_note"


def _texts(content: dict) -> Iterator[tuple[dict, str, str, Callable[[], Passage]]]:
    """(the dict holding it, its key, its path, a function making its Passage) for every text of a plan
    snapshot, in reading order. Readers need only the first three: labels are made for translators."""
    plan_title = _l("The plan")

    def passage(holder, key, path, label, group, group_title, multiline=False):
        return holder, key, path, lambda: Passage(path, label(), holder.get(key) or "", group, group_title, multiline)

    yield passage(content, "title", "title", lambda: _l("Title"), "plan", plan_title)
    yield passage(content, "summary", "summary", lambda: _l("Summary"), "plan", plan_title, True)
    for section in content.get("sections", []):
        group = f"section:{section['key']}"
        yield passage(section, "title", f"{group}.title", lambda: _l("Section title"), group, section["title"])
        yield passage(section, "intro", f"{group}.intro", lambda: _l("Section introduction"), group,
                      section["title"], True)
        for action in section.get("actions", []):
            where = f"action:{action['key']}"
            for field, label, multiline in (("title", _l("title"), False), ("description", _l("description"), True),
                                            ("responsible_office", _l("responsible office"), False)):
                yield passage(action, field, f"{where}.{field}", lambda a=action, what=label: _in_action(a, what),
                              group, section["title"], multiline)
            for n, indicator in enumerate(action.get("indicators", []), start=1):
                for field, label in (("text", lambda n=n: _l("indicator %(number)d", number=n)),
                                     ("deadline_text", lambda n=n: _l("indicator %(number)d, deadline", number=n)),
                                     ("metric", lambda n=n: _l("indicator %(number)d, metric", number=n))):
                    yield passage(indicator, field, f"{where}.indicator:{n}.{field}",
                                  lambda a=action, what=label: _in_action(a, what()), group, section["title"], True)


def passages(content: dict, change_notes: dict[int, str] | None = None) -> list[Passage]:
    """The passages of a snapshot that have words, and the notes of what changed in each version."""
    found = [make() for _holder, _key, _path, make in _texts(content)]
    found[2:2] = [Passage(note_path(number), _l("What changed in version %(number)d", number=number), note,
                          "plan", _l("The plan"), multiline=True) for number, note in (change_notes or {}).items()]
    return [passage for passage in found if passage.text.strip()]


def localized(content: dict, scope: str, localizer: Localizer, *, change_notes: dict[int, str] | None = None,
              ) -> tuple[dict, dict[int, str], ReadingSummary]:
    """A copy of a snapshot with every text in the reader's language where it can be, each part
    ("translation" of the plan, of each section and of each action) marked with the worst way
    one of its texts is shown; the change notes likewise; and how the page's passages are shown."""
    if localizer.reads_originals:  # nothing to look up or mark: the snapshot as it is
        return content, dict(change_notes or {}), ReadingSummary()
    content, texts = _localized_texts(content, scope, localizer)
    summary = ReadingSummary(text.shown for _holder, _key, text, _source in texts.values())
    _mark_parts(content, texts)
    notes = {number: localizer.text(scope, note_path(number), note) if note.strip() else note
             for number, note in (change_notes or {}).items()}
    summary.update(note.shown for note in notes.values() if note)
    return content, notes, summary


def localized_pair(old: dict, new: dict, scope: str, localizer: Localizer) -> tuple[dict, dict]:
    """Two snapshots in the reader's language for comparing them word by word: a text is shown
    translated on both sides or on neither, so a change of language never reads as a change."""
    if localizer.reads_originals:
        return old, new
    old, old_texts = _localized_texts(old, scope, localizer)
    new, new_texts = _localized_texts(new, scope, localizer)
    for path in old_texts.keys() & new_texts.keys():
        (old_holder, key, old_text, old_source), (new_holder, _key, new_text, new_source) = old_texts[path], new_texts[path]
        if old_text.language != new_text.language:
            old_holder[key] = LocalizedText(old_source, content_language(), Shown.ORIGINAL)
            new_holder[key] = LocalizedText(new_source, content_language(), Shown.ORIGINAL)
    return old, new


def _localized_texts(content: dict, scope: str, localizer: Localizer) -> tuple[dict, dict[str, tuple]]:
    """A copy of the snapshot with its texts localized, and path -> (holder, key, text, source)."""
    content = copy.deepcopy(content)
    texts = {}
    for holder, key, path, _make in _texts(content):
        source = holder.get(key) or ""
        if source.strip():
            holder[key] = text = localizer.text(scope, path, source)
            texts[path] = (holder, key, text, source)
    return content, texts


def _mark_parts(content: dict, texts: dict[str, tuple]) -> None:
    shown_in: dict[int, list[str]] = {}
    for holder, _key, text, _source in texts.values():
        shown_in.setdefault(id(holder), []).append(text.shown)
    content["translation"] = Shown.worst(shown_in.get(id(content), []))
    for section in content.get("sections", []):
        section["translation"] = Shown.worst(shown_in.get(id(section), []))
        for action in section.get("actions", []):
            action["translation"] = Shown.worst(
                shown_in.get(id(action), []) + [s for i in action.get("indicators", []) for s in shown_in.get(id(i), [])])


def plan_titles(titles: dict[int, str], reader: str | None = None) -> dict[int, LocalizedText]:
    """Plans' titles (by plan id, as their latest versions read) in the reader's language: one query."""
    localizer = Localizer([plan_scope(plan_id) for plan_id in titles], reader)
    return {plan_id: localizer.text(plan_scope(plan_id), "title", title) for plan_id, title in titles.items()}


def listing_titles(listings) -> dict[int, LocalizedText]:
    """The titles of published plans (`services.PlanListing`s) as their latest versions read, in the
    reader's language: one query."""
    return plan_titles({listing.plan.id: listing.latest.snapshot.get("title") or listing.plan.title
                        for listing in listings})


def find_part(snapshot: dict | None, section_key: str | None, action_key: str | None) -> tuple[dict | None, dict | None]:
    """The (section, action) of a snapshot with these keys (an action is found by its key alone,
    wherever it moved); None where not found."""
    for section in (snapshot or {}).get("sections", []):
        if action_key is not None:
            action = next((a for a in section.get("actions", []) if a.get("key") == action_key), None)
            if action is not None:
                return section, action
        elif section.get("key") == section_key:
            return section, None
    return None, None


def read_latest(plan) -> dict:
    """The plan's latest published version in the reader's language (see `localized`)."""
    scope = plan_scope(plan.id)
    return localized(plan.versions[-1].snapshot, scope, Localizer([scope]))[0]
