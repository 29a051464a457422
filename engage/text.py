"""Turning text people typed into safe HTML.

Nobody writes HTML in Engage. Comments are plain text whose links become
clickable; plan text may also use a tiny markup: blank lines between
paragraphs, lines starting with "- " for bullets, and **bold**. Everything is
escaped first and the result is cleaned again by bleach, so the only markup
that can come out is the markup made here.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import bleach
from markupsafe import Markup, escape

_ALLOWED_TAGS = {"p", "ul", "li", "strong", "br", "a"}
_ALLOWED_ATTRIBUTES = {"a": ["href", "rel"]}
_ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


def _only_addresses_written_as_such(attrs, new=False):
    """Link "https://..." and "www...." only: bleach also takes any word.word whose end is a
    country code for an address, and Spanish ordinals ("3.er grado") and abbreviations are."""
    if new and not attrs.get("_text", "").lower().startswith(("http://", "https://", "www.")):
        return None
    return attrs


# bleach's cleaners and linkers keep their parser's state while they work: one per thread
# (gunicorn's threads render pages at the same time).
_per_thread = threading.local()


def _finish(html: str) -> Markup:
    if not hasattr(_per_thread, "cleaner"):
        _per_thread.cleaner = bleach.sanitizer.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                                                       protocols=_ALLOWED_PROTOCOLS, strip=True)
        _per_thread.linker = bleach.linkifier.Linker(callbacks=[_only_addresses_written_as_such, _nofollow],
                                                     parse_email=False)
    return Markup(_per_thread.linker.linkify(_per_thread.cleaner.clean(html)))


# Both are pure functions of the text, and pages show the same texts again and again.
@lru_cache(maxsize=8192)
def plain_text_to_html(text: str | None) -> Markup:
    """Paragraphs and line breaks kept, links clickable, nothing else."""
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").strip().replace("\r\n", "\n")) if p.strip()]
    html = "".join(f"<p>{'<br>'.join(str(escape(line)) for line in p.splitlines())}</p>" for p in paragraphs)
    return _finish(html)


@lru_cache(maxsize=8192)
def formatted_text_to_html(text: str | None) -> Markup:
    """Plan text: paragraphs, "- " bullets and **bold**, links clickable."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", (text or "").strip().replace("\r\n", "\n")):
        lines = [line.rstrip() for line in paragraph.splitlines() if line.strip()]
        if not lines:
            continue
        html_lines = [_BOLD.sub(r"<strong>\1</strong>", str(escape(line))) for line in lines]
        bullet = [line.lstrip().startswith(("- ", "* ", "• ", "● ")) for line in lines]
        out, in_list = [], False
        for is_bullet, line in zip(bullet, html_lines, strict=True):
            if is_bullet:
                if not in_list:
                    out.append("<ul>")
                    in_list = True
                out.append(f"<li>{line.lstrip()[2:].strip()}</li>")
            else:
                if in_list:
                    out.append("</ul>")
                    in_list = False
                out.append(f"<p>{line}</p>")
        if in_list:
            out.append("</ul>")
        blocks.append("".join(out))
    return _finish("".join(blocks))
