"""Actions that cannot be undone ask first: the page's button only opens a confirmation (a native
<details>, so it works without JavaScript) that says what will happen and holds the real button."""

from __future__ import annotations

import re

from engage.accounts.models import ParticipantProfile
from engage.conversations import toolkit
from engage.extensions import db
from engage.surveys.models import SurveyStatus
from tests.surveys.factories import make_survey


def _forms_posting_to(html: str, path_part: str) -> list[str]:
    """Each form posting to a URL containing `path_part`, with the 600 characters before it."""
    return [html[max(0, match.start() - 600):match.end()]
            for match in re.finditer(rf'<form method="post" action="[^"]*{re.escape(path_part)}[^"]*"', html)]


def _asks_first(html: str, path_part: str) -> None:
    forms = _forms_posting_to(html, path_part)
    assert forms, f"no form posts to {path_part}"
    for before in forms:
        opened = before.rfind('<details class="confirm-action">')
        assert opened != -1 and "</details>" not in before[opened:], f"{path_part} is not behind a confirmation"
        assert "cannot be undone" in html or "freed" in html


def test_removing_a_toolkit_resource_asks_first(client_as, users):
    resource = toolkit.add_link_resource(users["leader"], title="Tips", url="https://example.org/tips")
    _asks_first(client_as("leader").get("/conversations/toolkit").get_data(as_text=True),
                f"/toolkit/{resource.id}/delete")


def test_deleting_a_draft_survey_and_its_questions_asks_first(client_as):
    survey = make_survey(status=SurveyStatus.DRAFT)
    html = client_as("leader").get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    _asks_first(html, f"/surveys/{survey.id}/delete")
    _asks_first(html, f"/questions/{survey.questions[0].id}/delete")


def test_deleting_my_profile_answers_asks_first(client_as, users):
    db.session.add(ParticipantProfile(user_id=users["participant"].id, relationship_to_district="parent"))
    db.session.commit()
    _asks_first(client_as("participant").get("/account/profile").get_data(as_text=True), "/account/profile/delete")
