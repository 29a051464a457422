"""Hostile text typed anywhere renders as text, never as markup or script."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from engage.extensions import db
from engage.plans import services as plans
from engage.text import formatted_text_to_html, plain_text_to_html
from tests.plans.factories import make_plan

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


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_renderers_leave_nothing_executable(payload):
    for render in (plain_text_to_html, formatted_text_to_html):
        assert active_content(str(render(payload))) == [], (render.__name__, payload)


def test_hostile_plan_text_section_titles_and_indicators_render_inert(client, users):
    payload = " ".join(PAYLOADS)
    plan = make_plan(title=PAYLOADS[0])
    plan.summary = payload
    section = plan.sections[0]
    section.title = PAYLOADS[1]
    section.intro = payload
    action = section.actions[0]
    action.title, action.description, action.responsible_office = PAYLOADS[2], payload, PAYLOADS[3]
    action.indicators[0].text = PAYLOADS[9]
    action.indicators[0].metric = PAYLOADS[10]
    db.session.commit()
    plans.publish_version(users["leader"], plan, status="draft")
    action.description = payload + " changed"
    db.session.commit()
    plans.publish_version(users["leader"], plan, status="draft")
    for path in (f"/plans/{plan.id}", f"/plans/{plan.id}?version=1", "/plans/", "/",
                 f"/plans/{plan.id}/compare?from=1&to=2"):
        html = client.get(path).get_data(as_text=True)
        main = html[html.index("<main"):html.index("</main>")]
        assert active_content(main) == [], path
