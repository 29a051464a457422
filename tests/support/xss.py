"""Payloads that try to run script, and a check that a page runs none of them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><script>alert(2)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "<iframe src=//evil.example></iframe>",
    '"><body onload=alert(1)>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "**<b onmouseover=alert(1)>bold</b>**",
    "- <a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
]


class _ActiveContent(HTMLParser):
    """Collects what a browser would act on: tags that run or embed, event handlers, script URLs."""

    RISKY_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "style", "math", "body", "base",
                  "link", "meta"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.RISKY_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "formaction"} and value and \
                    not re.match(r"^(https?:|mailto:|/|#)", value.strip(), re.I):
                self.found.append(f"{tag} {name}={value}")


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    return parser.found
