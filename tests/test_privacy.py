"""Small groups are hidden in every count about people."""

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.privacy import (
    SMALL_GROUP_THRESHOLD,
    differs_safely,
    facts_to_show,
    is_small,
    suppress_total,
    suppressed_counts,
)


def test_groups_under_ten_are_hidden():
    assert suppressed_counts({"a": 40, "b": 12, "c": 3, "d": 9}) == {"a": 40, "b": 12, "c": None, "d": None}


def test_a_single_hidden_group_takes_the_next_smallest_with_it():
    # Otherwise total - visible groups would reveal it.
    assert suppressed_counts({"a": 40, "b": 12, "c": 3}) == {"a": 40, "b": None, "c": None}


def test_empty_groups_are_not_hidden():
    assert suppressed_counts({"x": 10, "y": 30, "z": 0}) == {"x": 10, "y": 30, "z": 0}


def test_small_totals_are_hidden_too():
    assert suppress_total(9) is None and suppress_total(10) == 10 and suppress_total(0) == 0


def test_complementary_suppression_goes_on_until_the_hidden_groups_hold_10():
    # 4 and 3 together are only 7 people, so 12 is hidden too.
    assert suppressed_counts({"a": 40, "b": 12, "c": 4, "d": 3}) == {"a": 40, "b": None, "c": None, "d": None}


def test_a_group_hidden_for_another_reason_takes_a_complement_however_large():
    assert suppressed_counts({"a": 40, "b": 30, "c": 20}, hide=["b"]) == {"a": 40, "b": None, "c": None}


def test_without_complement_only_small_groups_are_hidden():
    # For breakdowns that don't add up to a total (people may choose several).
    assert suppressed_counts({"a": 40, "b": 3, "c": 12}, complement=False) == {"a": 40, "b": None, "c": 12}


def test_suppressed_counts_keep_the_order_given_and_zeros():
    assert list(suppressed_counts({"z": 0, "a": 50, "m": 20})) == ["z", "a", "m"]
    assert suppressed_counts({"z": 0, "a": 50, "m": 20}) == {"z": 0, "a": 50, "m": 20}


def test_an_empty_group_is_hidden_only_when_nothing_else_can_be():
    assert suppressed_counts({"a": 5, "b": 0}) == {"a": None, "b": None}
    assert suppressed_counts({"a": 5, "b": 0, "c": 30}) == {"a": None, "b": 0, "c": None}


def test_two_counts_may_both_be_shown_only_if_they_differ_by_0_or_at_least_10():
    assert differs_safely(30, [30, 40, 100])
    assert not differs_safely(30, [100, 31])
    assert not differs_safely(30, [21])
    assert is_small(1) and is_small(9) and not is_small(0) and not is_small(10)


# Which facts each row may show (k-anonymity by local suppression) ---------------------------------

LEVELS = ((0, 1, 2), (1, 2), (0, 1), (0, 2), (1,), (2,), (0,))
mixes = st.dictionaries(
    st.tuples(st.sampled_from(["parent", "staff", "student", None]), st.frozensets(st.integers(1, 4), max_size=2),
              st.sampled_from(["en", "es", "so"])),
    st.integers(0, 40), max_size=40)


@settings(max_examples=300, deadline=None)
@given(mixes)
def test_every_group_of_rows_showing_the_same_facts_holds_at_least_10(rows_by_mix):
    shown = facts_to_show(rows_by_mix, LEVELS)
    assert set(shown) == set(rows_by_mix)
    groups: dict[tuple, int] = {}
    for mix, keep in shown.items():
        seen = (keep, tuple(mix[i] for i in keep))
        groups[seen] = groups.get(seen, 0) + rows_by_mix[mix]
    everyone = sum(rows_by_mix.values())
    for (keep, _values), rows in groups.items():
        # Fewer than 10 rows in all: all are set aside, and results hide a group that small anyway.
        assert rows == 0 or rows >= SMALL_GROUP_THRESHOLD or (keep == () and rows == everyone), (keep, rows)


def test_a_row_shows_the_most_facts_enough_rows_share():
    shown = facts_to_show({("parent", "en", "A"): 30, ("staff", "en", "A"): 8, ("student", "en", "A"): 3,
                           ("student", "vi", "B"): 12}, LEVELS)
    assert shown[("parent", "en", "A")] == (0, 1, 2)
    assert shown[("staff", "en", "A")] == shown[("student", "en", "A")] == (1, 2)  # 11 share language and school
    assert shown[("student", "vi", "B")] == (0, 1, 2)


def test_rows_that_share_nothing_are_set_aside_with_the_smallest_group():
    shown = facts_to_show({("parent", "en", "A"): 30, ("staff", "es", "B"): 12, ("student", "vi", "C"): 1}, LEVELS)
    assert shown == {("parent", "en", "A"): (0, 1, 2), ("staff", "es", "B"): (), ("student", "vi", "C"): ()}
