"""Machine drafts for translators, from a translation service the district runs.

LibreTranslate (self-hosted, open source) is the service spoken here; another one plugs in as a
`MachineTranslator` named by `MACHINE_TRANSLATION_SERVICE` ("module:class"). A machine's text is
only ever a draft: a translator publishes it, and readers are told when a published text was
never edited by a person. Without a service configured, nothing here runs.
"""

from __future__ import annotations

import importlib
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Protocol

from flask import current_app

from .services import Status, document_work, save_translations
from .sources import Document


class Unavailable(Exception):
    """The service did not answer, or answered something else than translations."""


class MachineTranslator(Protocol):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]: ...


class LibreTranslate:
    """A LibreTranslate server's /translate endpoint, many texts per request."""

    def __init__(self, url: str, api_key: str = "", timeout: float = 20) -> None:
        self.url, self.api_key, self.timeout = url.rstrip("/"), api_key, timeout

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        payload = {"q": list(texts), "source": source, "target": target, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        request = urllib.request.Request(f"{self.url}/translate", data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the district's URL)
                answer = json.load(response)
        except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
            raise Unavailable(str(error)) from error
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, list) or len(translated) != len(texts) \
                or not all(isinstance(text, str) for text in translated):
            raise Unavailable("unexpected answer")
        return translated


def service() -> MachineTranslator | None:
    """The configured service, or None."""
    url = current_app.config["MACHINE_TRANSLATION_URL"]
    if not url:
        return None
    reference = current_app.config.get("MACHINE_TRANSLATION_SERVICE") or ""
    if reference:
        module, _, name = reference.partition(":")
        return getattr(importlib.import_module(module), name)(url)
    return LibreTranslate(url, current_app.config["MACHINE_TRANSLATION_API_KEY"],
                          current_app.config["MACHINE_TRANSLATION_TIMEOUT"])


def available() -> bool:
    return bool(current_app.config["MACHINE_TRANSLATION_URL"])


# Requests stay small enough for a modest server.
BATCH = 40


def draft_missing(actor, document: Document, language: str) -> int:
    """Machine drafts for the passages with no translation of today's words; returns how many."""
    translator = service()
    if translator is None:
        raise Unavailable("no machine translation service is configured")
    wanted = [item.passage for item in document_work(actor, document, language)
              if item.status in (Status.MISSING, Status.OUT_OF_DATE)]
    drafts: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start:start + BATCH]
        for passage, text in zip(batch, translator.translate([p.text for p in batch], document.language, language),
                                 strict=True):
            drafts[passage.path] = text
    if drafts:
        save_translations(actor, document, language, drafts, machine=drafts, action="translation.machine_drafted")
    return len(drafts)
