"""Posting a comment through its form, as a browser does."""

from __future__ import annotations

from tests.support.web import post_form


def comment_form(client, plan, body, **extra):
    page = f"/plans/{plan.id}/comments"
    html = client.get(page).get_data(as_text=True)
    token = html.split('name="submission_token" type="hidden" value="')[1].split('"')[0]
    return post_form(client, page, {"body": body, "submission_token": token, **extra}, form_page=page)
