"""What changed between two published versions of a plan.

Works on version snapshots (plain dicts), matching sections and actions by
their stable keys, and marks changed words within each changed field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Words:
    kind: str  # SAME, ADDED or REMOVED
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str  # "title", "description", "indicators", ...
    words: list[Words]
    # The language of its words where the snapshot's texts say (a translated reading), "" for words
    # in the page's language (month names), None where nothing says.
    language: str | None = None


@dataclass
class ActionDiff:
    key: str
    kind: str
    number: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    title_language: str | None = None


@dataclass
class SectionDiff:
    key: str
    kind: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    actions: list[ActionDiff] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return self.kind != SAME or any(action.kind != SAME for action in self.actions)


@dataclass
class PlanDiff:
    changes: list[FieldChange]
    sections: list[SectionDiff]

    def count(self, kind: str) -> int:
        """How many actions were added, removed or changed."""
        return sum(1 for section in self.sections for action in section.actions if action.kind == kind)

    @property
    def identical(self) -> bool:
        return not self.changes and not any(section.touched for section in self.sections)


def word_diff(old: str, new: str) -> list[Words]:
    """The new text with removed and added runs of words marked."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    out: list[Words] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(Words(SAME, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Words(REMOVED, "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Words(ADDED, "".join(b[j1:j2])))
    return out


def _indicators_text(action: dict) -> str:
    return "\n".join(
        " — ".join(part for part in (i["text"], i.get("deadline_text", ""), i.get("metric", "")) if part)
        for i in action.get("indicators", [])
    )


def action_label(action: dict, length: int = 90) -> str:
    """An action's title, or the start of its description when it has none (as in imported tables)."""
    text = action.get("title") or " ".join((action.get("description") or "").split())
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"


def _action_fields(month_name: Callable[[int], str]) -> dict[str, Callable[[dict], str]]:
    return {
        "number": lambda a: a.get("number", ""),
        "title": lambda a: a.get("title", ""),
        "description": lambda a: a.get("description", ""),
        "responsible_office": lambda a: a.get("responsible_office", ""),
        "months": lambda a: " ".join(month_name(m) for m in a.get("months", [])),
        "indicators": _indicators_text,
    }

_SECTION_FIELDS = {"title": lambda s: s.get("title", ""), "intro": lambda s: s.get("intro", "")}
_PLAN_FIELDS = {"title": lambda p: p.get("title", ""), "summary": lambda p: p.get("summary", "")}


def _language(name: str, item: dict) -> str | None:
    """The one language of a field's texts, when they say (see FieldChange.language)."""
    if name in ("months", "number"):
        return ""
    values = [i.get(part) for i in item.get("indicators", []) for part in ("text", "deadline_text", "metric")] \
        if name == "indicators" else [item.get(name)]
    languages = {getattr(value, "language", None) for value in values if value}
    return languages.pop() if len(languages) == 1 else None


def _field_changes(fields, old: dict, new: dict) -> list[FieldChange]:
    return [
        FieldChange(name, word_diff(read(old), read(new)), _language(name, new))
        for name, read in fields.items()
        if read(old) != read(new)
    ]


def _whole(fields, item: dict, kind: str) -> list[FieldChange]:
    return [FieldChange(name, [Words(kind, read(item))], _language(name, item))
            for name, read in fields.items() if read(item)]


def _pair_by_key(old_items: list[dict], new_items: list[dict]):
    """(old, new) pairs in the new order, then what was removed; either side may be None."""
    old_by_key = {item["key"]: item for item in old_items}
    new_keys = {item["key"] for item in new_items}
    for item in new_items:
        yield old_by_key.get(item["key"]), item
    for item in old_items:
        if item["key"] not in new_keys:
            yield item, None


def _compare(fields, old: dict | None, new: dict | None) -> tuple[str, list[FieldChange]]:
    """What happened to one section or action, and the changes to show for it."""
    if old is None:
        return ADDED, _whole(fields, new, ADDED)
    if new is None:
        return REMOVED, _whole(fields, old, REMOVED)
    changes = _field_changes(fields, old, new)
    return (CHANGED if changes else SAME), changes


def _diff_action(old: dict | None, new: dict | None, fields) -> ActionDiff:
    current = new or old
    kind, changes = _compare(fields, old, new)
    return ActionDiff(current["key"], kind, current.get("number", ""), action_label(current), changes,
                      getattr(current.get("title") or current.get("description"), "language", None))


def diff_snapshots(old: dict, new: dict, *, month_name: Callable[[int], str] = str) -> PlanDiff:
    """Compare two version snapshots (old first); month_name renders active months."""
    action_fields = _action_fields(month_name)
    sections = []
    for old_section, new_section in _pair_by_key(old.get("sections", []), new.get("sections", [])):
        current = new_section or old_section
        actions = [
            _diff_action(a, b, action_fields)
            for a, b in _pair_by_key((old_section or {}).get("actions", []), (new_section or {}).get("actions", []))
        ]
        kind, changes = _compare(_SECTION_FIELDS, old_section, new_section)
        sections.append(SectionDiff(current["key"], kind, current.get("title", ""), changes, actions))
    return PlanDiff(_field_changes(_PLAN_FIELDS, old, new), sections)
