"""Text people typed, as HTML: addresses written as addresses become links, nothing else does."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from engage.text import formatted_text_to_html, plain_text_to_html


def test_web_addresses_written_as_such_become_links():
    html = str(plain_text_to_html("See https://example.org/plan and www.riverbend.org"))
    assert '<a href="https://example.org/plan" rel="nofollow ugc noopener">' in html
    assert '<a href="http://www.riverbend.org" rel="nofollow ugc noopener">' in html


def test_spanish_ordinals_and_bare_names_are_not_taken_for_addresses():
    # "3.er" ends in Eritrea's country code: bleach alone links it.
    html = str(formatted_text_to_html("Lectura al final del 3.er grado; matemáticas de 8.º grado; riverbend.org"))
    assert "<a " not in html and "3.er grado" in html


def test_many_threads_turn_text_into_html_at_once():
    # gunicorn's threads render pages together: bleach's parser state must not be shared.
    texts = [f"Line {i} about www.example.org/{i} and **the buses**\n\n- stop {i}\n- stop {i + 1}" for i in range(300)]
    alone = [formatted_text_to_html.__wrapped__(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(formatted_text_to_html.__wrapped__, texts))
    assert together == alone
