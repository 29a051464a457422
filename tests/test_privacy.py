"""Small groups are hidden in every count about people."""

from engage.privacy import suppress_small_groups, suppress_total


def as_dict(groups):
    return {group.key: group.count for group in groups}


def test_groups_under_ten_are_hidden():
    assert as_dict(suppress_small_groups({"a": 40, "b": 12, "c": 3, "d": 9})) == {"a": 40, "b": 12, "c": None, "d": None}


def test_a_single_hidden_group_takes_the_next_smallest_with_it():
    # Otherwise total - visible groups would reveal it.
    assert as_dict(suppress_small_groups({"a": 40, "b": 12, "c": 3})) == {"a": 40, "b": None, "c": None}


def test_largest_groups_come_first_and_empty_groups_are_not_hidden():
    groups = suppress_small_groups({"x": 10, "y": 30, "z": 0})
    assert [g.key for g in groups] == ["y", "x", "z"]
    assert as_dict(groups) == {"y": 30, "x": 10, "z": 0}


def test_small_totals_are_hidden_too():
    assert suppress_total(9) is None and suppress_total(10) == 10 and suppress_total(0) == 0
