"""Small-group suppression for any count shown about people.

A group with fewer than SMALL_GROUP_THRESHOLD people is shown as "fewer than
10". When exactly one group in a breakdown would be hidden, the next smallest
is hidden too, so nobody can recover it by subtracting from the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SMALL_GROUP_THRESHOLD = 10


@dataclass(frozen=True)
class GroupCount:
    key: str
    count: int | None  # None: suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


def suppress_small_groups(counts: Mapping[str, int], threshold: int = SMALL_GROUP_THRESHOLD) -> list[GroupCount]:
    """Return the groups largest first, with small ones (and a complement) hidden."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    hidden = {key for key, count in ordered if 0 < count < threshold}
    if len(hidden) == 1 and len(ordered) > 1:
        visible = [(key, count) for key, count in ordered if key not in hidden and count > 0]
        if visible:
            hidden.add(visible[-1][0])
    return [GroupCount(key, None if key in hidden else count) for key, count in ordered]


def suppress_total(total: int, threshold: int = SMALL_GROUP_THRESHOLD) -> int | None:
    return total if total >= threshold or total == 0 else None
