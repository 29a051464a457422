"""Optional profile answers: saved, shown back, and deleted by the person."""

from __future__ import annotations

from engage.accounts.models import ParticipantProfile
from engage.extensions import db
from engage.orgs.models import School
from tests.support.people import make_user
from tests.support.web import log_in, post_form


def test_saving_and_deleting_profile_answers(client):
    user = make_user(email="pat@example.org")
    school = School(name="Oak Elementary")
    db.session.add(school)
    db.session.commit()
    log_in(client, "pat@example.org")
    response = post_form(client, "/account/profile", {
        "relationship_to_district": "parent", "schools": [str(school.id)], "preferred_language": "es",
        "race_ethnicity": ["hispanic", "white"], "gender_self_described": "woman",
    }, form_page="/account/profile")
    assert response.status_code == 302
    profile = db.session.get(ParticipantProfile, user.id)
    assert (profile.relationship_to_district, profile.preferred_language) == ("parent", "es")
    assert [s.name for s in profile.schools] == ["Oak Elementary"]
    assert profile.race_ethnicity == ["hispanic", "white"]
    html = client.get("/account/profile").get_data(as_text=True)
    assert 'value="parent" checked' in html or 'checked value="parent"' in html or "checked" in html
    post_form(client, "/account/profile/delete", form_page="/account/profile")
    db.session.expire_all()
    assert db.session.get(ParticipantProfile, user.id) is None


def test_profile_rejects_unknown_choices_and_keeps_the_rest(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    response = post_form(client, "/account/profile", {
        "relationship_to_district": "wizard", "preferred_language": "en", "preferred_language_other": "Klingon",
        "gender_self_described": "nonbinary",
    }, form_page="/account/profile")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="relationship_to_district-error"' in html or "Not a valid choice" in html
    assert 'Choose "Another language" above, or leave this empty.' in html or "Another language" in html
    assert 'value="nonbinary"' in html
    assert db.session.get(ParticipantProfile, 1) is None


def test_every_profile_question_is_optional(client):
    make_user(email="pat@example.org")
    log_in(client, "pat@example.org")
    assert post_form(client, "/account/profile", {}, form_page="/account/profile").status_code == 302
