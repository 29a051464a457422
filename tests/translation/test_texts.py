"""Which text a reader is shown of a passage: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime

from engage.translation.texts import Candidate, ReadingSummary, Shown, resolve, source_hash

SOURCE = "Offer bus passes to every family that asks."


def _candidate(language, text, source=SOURCE, *, machine=False, day=1):
    return Candidate("p", language, source_hash(source), text, machine, datetime(2026, 12, day, tzinfo=UTC))


def test_the_reader_s_own_translation_of_these_very_words_is_shown():
    shown = resolve(SOURCE, "en", ["es"], [_candidate("es", "Ofrecer pases.")])
    assert (shown, shown.language, shown.shown) == ("Ofrecer pases.", "es", Shown.AS_WANTED)


def test_a_reader_of_the_source_language_reads_the_source_without_any_mark():
    shown = resolve(SOURCE, "en", ["en"], [_candidate("es", "Ofrecer pases.")])
    assert (shown, shown.language, shown.shown) == (SOURCE, "en", Shown.AS_WANTED)


def test_without_a_translation_the_original_is_shown_in_its_language():
    shown = resolve(SOURCE, "en", ["vi"], [_candidate("es", "Ofrecer pases.")])
    assert (shown, shown.language, shown.shown) == (SOURCE, "en", Shown.ORIGINAL)


def test_a_translation_of_earlier_words_is_shown_as_out_of_date_the_latest_first():
    older = _candidate("es", "Pases.", source="Offer passes.", day=1)
    newer = _candidate("es", "Pases de autobús.", source="Offer bus passes.", day=3)
    shown = resolve(SOURCE, "en", ["es"], [newer, older])
    assert (shown, shown.shown) == ("Pases de autobús.", Shown.OUT_OF_DATE)


def test_the_fallback_chain_gives_the_next_language_s_translation_marked_as_such():
    shown = resolve(SOURCE, "en", ["so", "es"], [_candidate("es", "Ofrecer pases.")])
    assert (shown, shown.language, shown.shown) == ("Ofrecer pases.", "es", Shown.FALLBACK)


def test_the_chain_stops_at_the_source_language():
    shown = resolve(SOURCE, "en", ["so", "en", "es"], [_candidate("es", "Ofrecer pases.")])
    assert (shown, shown.shown) == (SOURCE, Shown.ORIGINAL)


def test_a_machine_translation_says_so():
    assert resolve(SOURCE, "en", ["es"], [_candidate("es", "Ofrecer.", machine=True)]).shown == Shown.MACHINE


def test_a_whole_page_in_the_original_reads_as_untranslated_and_a_mix_as_partly():
    assert ReadingSummary({Shown.ORIGINAL: 3}).untranslated
    mixed = ReadingSummary({Shown.ORIGINAL: 1, Shown.AS_WANTED: 2})
    assert mixed.partly and not mixed.untranslated
    assert not ReadingSummary({Shown.AS_WANTED: 2}).partly
