"""The draft "what we heard" (engage.themes.summary): counts and quotes, each from the items it cites."""

from __future__ import annotations

import pytest

from engage.themes import summary
from engage.themes.summary import CONCERN, DISAGREE, REQUEST, SUPPORT, DraftItem


@pytest.mark.parametrize("text, expected", [
    ("Please add a bus stop near the park", {REQUEST}),
    ("Please add a late bus, kids miss the first class", {REQUEST, CONCERN}),
    ("I'm worried the bus stop is dangerous", {CONCERN}),
    ("Thank you, the new schedule is much better", {SUPPORT}),
    ("I disagree with closing the library", {DISAGREE}),
    ("The food is not great", {CONCERN}),
    ("Por favor, pongan más autobuses", {REQUEST}),
    ("Me preocupa que no hay intérpretes", {CONCERN}),
    ("Gracias por el nuevo recreo", {SUPPORT}),
    ("No estoy de acuerdo con el cambio", {DISAGREE}),
    ("Buses", set()),
])
def test_an_item_s_views_come_from_its_words(text, expected):
    assert summary.stances(text) == expected


def _item(n: int, text: str, *, person: str | None = None, channel: str = "comment", part: str | None = None,
          language: str = "en", closeness: float = 0.5) -> DraftItem:
    return DraftItem(key=n, text=text, person=person or f"p{n}", channel=channel, language=language, part=part,
                     closeness=closeness)


def test_the_draft_counts_people_and_channels_and_cites_the_most_central_items_of_each_part():
    items = [_item(i, f"The bus is late again on route {i}, please fix it", part="late", closeness=0.5 + i / 100,
                   channel="comment" if i % 2 else "survey_answer") for i in range(8)]
    items += [_item(10 + i, f"The bus stop on road {i} is dangerous for kids", part="stop") for i in range(3)]
    items.append(_item(20, "Thanks, the new bus app works well", person="p1"))  # p1 wrote twice
    found = summary.draft(items, [("late", "Late buses"), ("stop", "Bus stop safety")], "Buses")
    assert (found.people, found.items) == (11, 12)
    assert found.channels == {"comment": 8, "survey_answer": 4}
    late, stop = found.points
    assert (late.label, late.people, late.items) == ("Late buses", 8, 8)
    assert [item.key for item in late.cited] == [7, 6, 5] and late.quote.key == 7
    assert (stop.label, stop.people) == ("Bus stop safety", 3)
    # Every citation is one of the point's own items.
    assert all(item.part == "stop" for item in stop.cited)


def test_the_range_of_views_and_the_minority_and_dissent_are_flagged():
    items = [_item(i, f"Please hire more bus drivers for route {i}") for i in range(9)]
    items += [_item(20, "Thank you, the buses are much better this year"),
              _item(21, "I disagree with adding routes, it is a waste of money"),
              _item(22, "Buses")]
    found = summary.draft(items, [], "Buses")
    views = {view.stance: view for view in found.views}
    assert views[REQUEST].items == 9 and not views[REQUEST].minority
    assert views[SUPPORT].items == 1 and views[SUPPORT].minority
    assert views[DISAGREE].minority and [item.key for item in views[DISAGREE].cited] == [21]
    assert found.no_view == 1
    assert {id(v) for v in found.flagged} == {id(views[SUPPORT]), id(views[DISAGREE])}
    # No parts: the theme itself is the one point, never flagged as a minority.
    assert [(p.label, p.minority) for p in found.points] == [("Buses", False)]


def test_a_part_few_people_hold_is_a_minority_point():
    items = [_item(i, f"Lunch is too short at school {i}", part="short") for i in range(20)]
    items += [_item(30, "Lunch should include halal options", part="halal")]
    found = summary.draft(items, [("short", "Short lunch"), ("halal", "Halal food")], "Lunch")
    assert [(p.label, p.minority) for p in found.points] == [("Short lunch", False), ("Halal food", True)]


def test_quotes_prefer_the_reader_s_language_and_items_with_something_to_say():
    items = [_item(1, "+1 buses", closeness=0.99), _item(2, "The buses are late every single day", closeness=0.9),
             _item(3, "Los autobuses llegan tarde todos los días", language="es", closeness=0.8)]
    assert summary.draft(items, [], "Buses", language="es").points[0].quote.key == 3
    assert summary.draft(items, [], "Buses", language="en").points[0].quote.key == 2


def test_a_long_item_is_quoted_as_written_up_to_a_sentence_end():
    text = "The bus is late. " * 30
    quoted = summary.quote_of(text)
    assert len(quoted) <= summary.QUOTE_MAX and quoted.endswith(".") and text.startswith(quoted)
    assert summary.quote_of("word " * 100).endswith("…")
    assert summary.quote_of("  Short   one ") == "Short one"


def test_no_items_no_draft():
    found = summary.draft([], [], "Empty")
    assert (found.people, found.points, found.views) == (0, [], [])
