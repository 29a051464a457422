"""Text people typed, as HTML: addresses written as addresses become links, nothing else does."""

from __future__ import annotations

from engage.text import formatted_text_to_html, plain_text_to_html


def test_web_addresses_written_as_such_become_links():
    html = str(plain_text_to_html("See https://example.org/plan and www.riverbend.org"))
    assert '<a href="https://example.org/plan" rel="nofollow ugc noopener">' in html
    assert '<a href="http://www.riverbend.org" rel="nofollow ugc noopener">' in html


def test_spanish_ordinals_and_bare_names_are_not_taken_for_addresses():
    # "3.er" ends in Eritrea's country code: bleach alone links it.
    html = str(formatted_text_to_html("Lectura al final del 3.er grado; matemáticas de 8.º grado; riverbend.org"))
    assert "<a " not in html and "3.er grado" in html
