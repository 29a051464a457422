"""Small-group suppression for any count shown about people.

A group with fewer than SMALL_GROUP_THRESHOLD people is shown as "fewer than
10". Zero is shown: an empty group tells nothing about anyone.

When groups in a breakdown add up to a total that is shown (or that another
view shows), hiding only the small groups is not enough: the total minus the
groups still shown would reveal them. So more groups are hidden, smallest
first ("complementary suppression"), until the hidden groups together hold
no one or at least SMALL_GROUP_THRESHOLD people, and never a single group on
its own.

Counts shown in two views that differ by a filter can be subtracted too
("differencing"): two groups may both be shown only if their sizes differ by
0 or by at least SMALL_GROUP_THRESHOLD (see differs_safely).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

SMALL_GROUP_THRESHOLD = 10


def is_small(count: int, threshold: int = SMALL_GROUP_THRESHOLD) -> bool:
    """1 to threshold - 1 people: a group that may not be shown or recovered."""
    return 0 < count < threshold


def differs_safely(count: int, others: Iterable[int], threshold: int = SMALL_GROUP_THRESHOLD) -> bool:
    """True when subtracting count from (or adding it to) any other count reveals no small group."""
    return not any(is_small(abs(other - count), threshold) for other in others)


def suppressed_counts(counts: Mapping, *, threshold: int = SMALL_GROUP_THRESHOLD, hide: Iterable = (),
                      complement: bool = True) -> dict:
    """Each key's count, or None where it is hidden, in the order given.

    Groups of 1 to threshold - 1 are hidden, and so is every key in `hide`
    (hidden for a reason found elsewhere, such as differencing). With
    complement (for groups that partition a total someone can see), the
    smallest groups still shown are hidden too until the hidden groups hold
    0 or at least threshold people and are not a single group on its own.
    """
    hidden = {key for key, count in counts.items() if is_small(count, threshold)}
    hidden.update(key for key in hide if key in counts)
    if complement:
        candidates = sorted((count, str(key), key) for key, count in counts.items() if key not in hidden)
        while hidden and candidates:
            hidden_total = sum(counts[key] for key in hidden)
            if len(hidden) > 1 and not is_small(hidden_total, threshold):
                break
            # Hiding an empty group adds no doubt when the hidden total is all
            # that is left to guess; hide a group with people in it first.
            pick = next((c for c in candidates if c[0] > 0), candidates[0])
            candidates.remove(pick)
            hidden.add(pick[2])
    return {key: None if key in hidden else count for key, count in counts.items()}


def suppress_total(total: int, threshold: int = SMALL_GROUP_THRESHOLD) -> int | None:
    return total if total >= threshold or total == 0 else None


def facts_to_show(rows_by_mix: Mapping[tuple, int], levels: Sequence[tuple[int, ...]],
                  threshold: int = SMALL_GROUP_THRESHOLD) -> dict[tuple, tuple[int, ...]]:
    """Which of each mix's facts may be shown (their positions in the mix), so
    that every group of rows that shows the same facts holds at least threshold
    rows.

    A mix is a tuple of facts about a row (relationship, language, a set of
    schools...). Each row shows the first of `levels` (sets of positions, most
    facts first) at which at least threshold of the rows still unplaced show
    the same facts; rows placed nowhere show none (they are "set aside"), and
    when they are 1 to threshold - 1 rows, the smallest groups placed last are
    set aside with them. This is k-anonymity by local suppression: any view
    that picks rows by the facts they show is a union of these groups, so no
    intersection or difference of views can single out fewer than threshold
    rows, and showing some facts of a row keeps more of it than setting the
    whole row aside.
    """
    placed: dict[tuple, tuple[int, ...]] = {}
    groups: list[tuple[int, list[tuple]]] = []  # (rows, mixes) of each group, in the order placed
    remaining = {mix: rows for mix, rows in rows_by_mix.items() if rows}
    for keep in levels:
        if not keep or not remaining:
            continue
        by_shown: dict[tuple, list[tuple]] = {}
        for mix in remaining:
            by_shown.setdefault(tuple(mix[i] for i in keep), []).append(mix)
        for mixes in by_shown.values():
            rows = sum(remaining[mix] for mix in mixes)
            if rows >= threshold:
                groups.append((rows, mixes))
                for mix in mixes:
                    placed[mix] = keep
        remaining = {mix: rows for mix, rows in remaining.items() if mix not in placed}
    set_aside = sum(remaining.values())
    while 0 < set_aside < threshold and groups:
        rows, mixes = min(reversed(groups), key=lambda group: group[0])
        groups.remove((rows, mixes))
        for mix in mixes:
            del placed[mix]
        set_aside += rows
    return {mix: placed.get(mix, ()) for mix in rows_by_mix}
