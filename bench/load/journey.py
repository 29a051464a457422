"""The parents' journey through Engage, for Locust (bench/load/run.py runs it).

Most people who open the plan's email only read: the plan, a few pages of comments, a thread,
the progress page, the conversations (Readers; some read in Spanish). Some sign in and take
part (Participants): they read too, and agree with a comment, comment, answer a survey and sign
up for a conversation. The weights follow the usual shape of public participation, most reading
and few writing. Every request is named by its page, so figures come per page.

What to load is in the JSON file ENGAGE_LOAD_TARGETS names: {"plans": [ids], "comments": {plan id:
[comment ids]}, "surveys": [ids], "sessions": [ids], "families": n, "password": "..."}.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin

from locust import FastHttpUser, between, task

TARGETS = json.loads(open(os.environ["ENGAGE_LOAD_TARGETS"]).read()) if os.environ.get("ENGAGE_LOAD_TARGETS") else {}
_people = itertools.count(1)
_guests = itertools.count(1)


class Form:
    def __init__(self, action: str, method: str) -> None:
        self.action, self.method = action, method
        self.inputs: list[dict[str, str]] = []
        self.selects: dict[str, list[str]] = {}
        self.textareas: list[str] = []


class Forms(HTMLParser):
    """The forms of a page (at `path`): their fields, enough to fill them in as a person would."""

    def __init__(self, html: str, path: str) -> None:
        super().__init__()
        self.path = path
        self.forms: list[Form] = []
        self._in_form = False
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(urljoin(self.path, attrs.get("action") or self.path),
                                   attrs.get("method", "get").lower()))
            self._in_form = True
        elif not self._in_form:
            return
        elif tag == "input" and attrs.get("name"):
            self.forms[-1].inputs.append(attrs)
        elif tag == "textarea" and attrs.get("name"):
            self.forms[-1].textareas.append(attrs["name"])
        elif tag == "select":
            self._select = attrs.get("name")
            self.forms[-1].selects.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self.forms[-1].selects[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def posting_to(self, ending: str) -> list[Form]:
        return [form for form in self.forms if form.method == "post" and form.action.split("?")[0].endswith(ending)]


def filled(form: Form) -> dict[str, str]:
    """The form as a hurried parent fills it: hidden fields kept, the first choice of each question,
    every box ticked, short text in the text fields."""
    data: dict[str, str] = {}
    for field in form.inputs:
        name, kind = field["name"], field.get("type", "text")
        if kind in ("radio", "checkbox"):
            data.setdefault(name, field.get("value", "y"))
        elif kind == "hidden":
            data[name] = field.get("value", "")
        elif kind == "email":
            data[name] = f"guest{next(_guests)}@example.org"
        elif kind == "tel":
            data[name] = "555-0100"
        elif kind == "number":
            data[name] = field.get("value") or field.get("min") or "1"
        elif kind in ("text", "search") and name != "q":
            data[name] = field.get("value") or "Buses at 7 a.m."
    for name, options in form.selects.items():
        data[name] = next((value for value in options if value), "")
    for name in form.textareas:
        data[name] = "More buses at 7 a.m., and interpreters at every meeting."
    return data


class OverPlainHttp(DefaultCookiePolicy):
    """Engage's cookies are Secure (sent over HTTPS only); the load test talks plain HTTP to the app
    servers, as the TLS-terminating proxy in front of them does."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Visitor(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.cookiejar.set_policy(OverPlainHttp())
        self.language = "es" if random.random() < 0.3 else "en"  # a third of the district reads Spanish
        self.plan = random.choice(TARGETS["plans"])

    def page(self, path: str, name: str, **kwargs):
        return self.client.get(path, name=name, headers={"Accept-Language": self.language}, **kwargs)

    @task(20)
    def read_the_plan(self) -> None:
        self.page(f"/plans/{self.plan}", "plan")

    @task(12)
    def page_through_comments(self) -> None:
        self.page(f"/plans/{self.plan}/comments", "comments")
        self.page(f"/plans/{self.plan}/comments?page={random.randint(2, 5)}", "comments, later page")

    @task(5)
    def read_a_thread(self) -> None:
        comment = random.choice(TARGETS["comments"][str(self.plan)])
        self.page(f"/plans/{self.plan}/comments/{comment}", "thread")

    @task(5)
    def see_progress(self) -> None:
        self.page(f"/progress/plans/{self.plan}", "progress")

    @task(4)
    def look_for_a_conversation(self) -> None:
        self.page("/conversations/", "conversations")

    @task(4)
    def start_at_home(self) -> None:
        self.page("/", "home")


class Reader(Visitor):
    weight = 85


class Participant(Visitor):
    weight = 15

    def on_start(self) -> None:
        super().on_start()
        person = random.randint(1, TARGETS["families"])
        self.post_form("/login", "/login", "sign in", {"email": f"person{person}@example.org",
                                                       "password": TARGETS["password"]})

    def post_form(self, form_page: str, ending: str, name: str, values: dict[str, str] | None = None) -> bool:
        """Open the page, fill the form that posts to `ending` and send it; a redirect is success, a
        page shown again (a field refused) is counted as a failure."""
        page = self.page(form_page, name + " (form)")
        forms = Forms(page.text or "", form_page).posting_to(ending)
        if not forms:
            return False
        form = forms[0]
        with self.client.post(form.action, data={**filled(form), **(values or {})}, name=name,
                              headers={"Accept-Language": self.language}, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code in (302, 303):
                response.success()
                return True
            response.failure(f"{name}: answered {response.status_code}, not a redirect")
            return False

    @task(3)
    def agree_with_a_comment(self) -> None:
        comment = random.choice(TARGETS["comments"][str(self.plan)])
        self.post_form(f"/plans/{self.plan}/comments/{comment}", f"/comments/{comment}/support", "agree")

    @task(2)
    def comment(self) -> None:
        self.post_form(f"/plans/{self.plan}/comments", f"/plans/{self.plan}/comments", "comment")

    @task(2)
    def answer_a_survey(self) -> None:
        survey = random.choice(TARGETS["surveys"])
        path = f"/surveys/{survey}"
        for _page in range(6):  # a survey may have a few pages; the last sends to the thanks page
            if not self.post_form(path, path, "survey"):
                return  # answered already (one response a person)

    @task(1)
    def sign_up_for_a_conversation(self) -> None:
        if not TARGETS["sessions"]:
            return
        session = random.choice(TARGETS["sessions"])
        self.post_form(f"/conversations/{session}", f"/conversations/{session}/sign-up", "sign up")
