"""Atom feeds of progress updates: valid Atom 1.0, escaped, absolute links on BASE_URL,
newest first, only what the public pages show."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest

from engage.extensions import db
from engage.plans import services as plans
from engage.plans.models import PlanAction, PlanStatus
from engage.tracker.models import EvidenceKind, ProgressStatus
from tests.support.progress import actions_of, add_update, published_plan

NS = {"atom": "http://www.w3.org/2005/Atom"}
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def fetch(client, path: str, **kwargs) -> ET.Element:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.data)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall("atom:entry", NS)


def text(element: ET.Element, path: str) -> str:
    return element.find(path, NS).text


def test_plan_feed_is_an_atom_document_with_the_required_elements(client, users):
    plan = published_plan(users["leader"], title="Bus Plan")
    add_update(actions_of(plan)[0])

    feed = fetch(client, f"/progress/plans/{plan.id}/feed.atom")

    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert text(feed, "atom:title") == "Progress on Bus Plan"
    assert text(feed, "atom:id").startswith("tag:localhost,") and text(feed, "atom:id").endswith(f"/plan/{plan.id}")
    assert RFC3339_UTC.match(text(feed, "atom:updated"))
    assert text(feed, "atom:author/atom:name")
    links = {link.get("rel"): link.get("href") for link in feed.findall("atom:link", NS)}
    assert links == {"alternate": f"http://localhost/progress/plans/{plan.id}",
                     "self": f"http://localhost/progress/plans/{plan.id}/feed.atom"}
    (entry,) = entries(feed)
    for required in ("atom:id", "atom:title", "atom:updated", "atom:author/atom:name", "atom:content"):
        assert entry.find(required, NS) is not None, required
    assert RFC3339_UTC.match(text(entry, "atom:updated"))


def test_entries_are_newest_first_with_their_own_ids_and_links(client, users):
    plan = published_plan(users["leader"])
    first, second, *_ = actions_of(plan)
    older = add_update(first, status=ProgressStatus.ON_TRACK, percent=20)
    older.created_at = datetime(2025, 10, 1, 12, tzinfo=UTC)
    newer = add_update(second, status=ProgressStatus.AT_RISK, percent=45)
    newer.created_at = datetime(2025, 11, 1, 12, tzinfo=UTC)
    db.session.commit()

    feed = fetch(client, f"/progress/plans/{plan.id}/feed.atom")

    got = entries(feed)
    assert [e.find("atom:link", NS).get("href") for e in got] == [
        f"http://localhost/progress/actions/{second.id}#update-{newer.id}",
        f"http://localhost/progress/actions/{first.id}#update-{older.id}",
    ]
    assert text(got[0], "atom:title") == "Action 2: Action 1.2: At risk, 45%"
    assert text(got[0], "atom:updated") == "2025-11-01T12:00:00Z"
    assert text(feed, "atom:updated") == "2025-11-01T12:00:00Z"
    ids = [text(e, "atom:id") for e in got]
    assert len(set(ids)) == 2 and all(i.startswith("tag:localhost,2025-") for i in ids)
    assert ids[0].endswith(f"/update/{newer.id}")


def test_feed_without_updates_is_still_valid(client, users):
    plan = published_plan(users["leader"])

    feed = fetch(client, f"/progress/plans/{plan.id}/feed.atom")

    assert entries(feed) == []
    assert RFC3339_UTC.match(text(feed, "atom:updated"))


def test_entry_content_has_status_date_summary_and_metric_values(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    add_update(action, as_of=date(2025, 11, 3), status=ProgressStatus.DELAYED, percent=30,
               summary="Drivers short.\nHiring now.", values={action.indicators[0]: (1250.5, "passes", "")})

    (entry,) = entries(fetch(client, f"/progress/actions/{action.id}/feed.atom"))

    content = entry.find("atom:content", NS)
    assert content.get("type") == "text"
    assert content.text.splitlines() == ["Status: Delayed, 30% complete", "As of November 3, 2025", "",
                                         "Drivers short.", "Hiring now.", "", "Passes handed out: 1,250.5 passes"]
    assert text(entry, "atom:author/atom:name") == "Transportation"


def test_user_text_is_escaped_and_control_characters_dropped(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    nasty = "<script>alert('x')</script> & ]]> \x01\x0b\x1f\ufffe done"
    add_update(action, summary=nasty, office="<Office & Co>")

    response = client.get(f"/progress/plans/{plan.id}/feed.atom")

    assert b"<script>" not in response.data and b"<Office" not in response.data
    (entry,) = entries(ET.fromstring(response.data))
    assert "<script>alert('x')</script> & ]]>  done" in text(entry, "atom:content")
    assert text(entry, "atom:author/atom:name") == "<Office & Co>"


def test_links_use_base_url_not_the_host_header(client, users):
    plan = published_plan(users["leader"])
    add_update(actions_of(plan)[0])

    response = client.get(f"/progress/plans/{plan.id}/feed.atom", headers={"Host": "evil.example"})

    assert response.status_code == 200
    assert b"evil.example" not in response.data


def test_spanish_readers_get_spanish_summaries(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    add_update(action, summary="In English.", summary_es="En español.")

    feed = fetch(client, f"/progress/plans/{plan.id}/feed.atom", headers={"Accept-Language": "es"})

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    assert "En español." in text(entries(feed)[0], "atom:content")


def test_action_feed_has_only_that_actions_updates(client, users):
    plan = published_plan(users["leader"])
    first, second, *_ = actions_of(plan)
    mine = add_update(first)
    add_update(second)

    feed = fetch(client, f"/progress/actions/{first.id}/feed.atom")

    assert [text(e, "atom:id").rsplit("/", 1)[1] for e in entries(feed)] == [str(mine.id)]
    assert text(feed, "atom:title") == "Progress on Action 1: Action 1.1"


def test_plan_feed_leaves_out_actions_not_yet_published(client, users):
    plan = published_plan(users["leader"])
    draft = PlanAction(position=9, number="9", title="Unannounced", responsible_office="Budget")
    plan.sections[0].actions.append(draft)
    db.session.commit()
    add_update(draft, summary="Secret progress")
    add_update(actions_of(plan)[0], summary="Public progress")

    response = client.get(f"/progress/plans/{plan.id}/feed.atom")

    assert b"Public progress" in response.data and b"Secret progress" not in response.data
    assert client.get(f"/progress/actions/{draft.id}/feed.atom").status_code == 404


def test_feed_keeps_the_latest_fifty(client, users):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    made = []
    for n in range(55):
        update = add_update(action, summary=f"Update {n}")
        update.created_at = start + timedelta(days=n)
        made.append(update)
    db.session.commit()

    got = entries(fetch(client, f"/progress/plans/{plan.id}/feed.atom"))

    assert len(got) == 50
    assert text(got[0], "atom:id").endswith(f"/update/{made[-1].id}")


def test_evidence_is_a_related_link_when_a_file_or_a_web_address(client, users):
    plan = published_plan(users["leader"])
    first, second, *_ = actions_of(plan)
    add_update(first, evidence_kind=EvidenceKind.LINK, evidence_url="https://example.org/minutes.pdf")
    add_update(second, evidence_kind=EvidenceKind.LINK, evidence_url="javascript:alert(1)")
    filed = add_update(first, evidence_kind=EvidenceKind.FILE, evidence_stored_name="a1b2.pdf",
                       evidence_filename="minutes.pdf", evidence_content_type="application/pdf")

    feed = fetch(client, f"/progress/plans/{plan.id}/feed.atom")

    related = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link") if link.get("rel") == "related"]
    assert sorted(related) == [f"http://localhost/progress/evidence/{filed.id}", "https://example.org/minutes.pdf"]


def test_feed_id_stays_the_same_when_the_plan_is_published_again(client, users):
    plan = published_plan(users["leader"])
    before = text(fetch(client, f"/progress/plans/{plan.id}/feed.atom"), "atom:id")
    plans.publish_version(users["leader"], plan, status=PlanStatus.FINAL)
    assert text(fetch(client, f"/progress/plans/{plan.id}/feed.atom"), "atom:id") == before


@pytest.mark.parametrize("path", ["/progress/plans/{plan}/feed.atom", "/progress/actions/{action}/feed.atom"])
def test_pages_link_their_feed_in_the_head(client, users, path):
    plan = published_plan(users["leader"])
    action = actions_of(plan)[0]
    feed_path = path.format(plan=plan.id, action=action.id)
    page_path = feed_path.removesuffix("/feed.atom")
    html = client.get(page_path).get_data(as_text=True)
    head = html[:html.index("</head>")]
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed_path}"' in head
