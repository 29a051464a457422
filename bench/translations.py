"""What reading a plan in another language costs: the plan page, its comparison of versions and
its progress page, for an English reader (no translation looked up), a Spanish reader of a plan
fully translated into Spanish, and a Vietnamese reader of a plan not translated into Vietnamese
(everything shown in English, marked); and the translators' pages.

    .venv/bin/python bench/translations.py            # 40 actions, 200 requests each
    .venv/bin/python bench/translations.py --quick    # 12 actions, 40 requests each (for CI)

Seeds one plan (5 sections of 8 actions, 3 indicators each: about 650 passages), published in
two versions, with a Spanish translation of every passage published through the translators'
service, so two versions' worth of rows. Prints requests per second, p50 and p95 latency and SQL
statements per request, as the other benchmarks do (bench/harness.py), through the WSGI app.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import HEADER, bench_app, count_statements, measure  # noqa: E402 - bench/ is on sys.path
from engage.accounts.models import User  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.models import utcnow  # noqa: E402
from engage.permissions import Role  # noqa: E402
from engage.plans import services as plans  # noqa: E402
from engage.plans.models import Plan, PlanAction, PlanIndicator, PlanSection, PlanStatus  # noqa: E402
from engage.translation import services as translation  # noqa: E402

PASSWORD = "bench password 123"


def seed(sections: int, actions: int) -> tuple[int, int]:
    leader = User(email="leader@example.org", display_name="Lee", role=Role.LEADER.value, email_verified_at=utcnow())
    translator = User(email="translator@example.org", display_name="Tran", role=Role.TRANSLATOR.value,
                      email_verified_at=utcnow())
    leader.set_password(PASSWORD)
    translator.set_password(PASSWORD)
    plan = Plan(title="Plan for putting Board Policy 5.30 into practice", summary="Why we wrote this plan. " * 8,
                status=PlanStatus.DRAFT, timeline_months=[10, 11, 12, 1, 2, 3, 4, 5, 6])
    for s in range(sections):
        section = PlanSection(position=s, title=f"Goal {s + 1}: every family heard", intro="What this goal means. " * 5)
        for a in range(actions):
            action = PlanAction(position=a, number=f"{s + 1}.{a + 1}", title=f"Action {s + 1}.{a + 1}: family nights",
                                description="Offer bus passes to every family that asks, and say so. " * 4,
                                responsible_office="Office of Equity and Family Engagement", months=[10, 11])
            action.indicators = [PlanIndicator(position=i, text=f"Indicator {i + 1} of the action, measured",
                                               deadline_text="June 2027", metric="Number of families reached")
                                 for i in range(3)]
            section.actions.append(action)
        plan.sections.append(section)
    db.session.add_all([leader, translator, plan])
    db.session.commit()
    plans.publish_version(leader, plan, status=PlanStatus.DRAFT)
    document = plans.plan_document(plan)
    translation.save_translations(translator, document, "es", {p.path: "ES " + p.text for p in document.passages},
                                  publish=True)
    first = plan.sections[0].actions[0]
    plans.save_action(leader, plan, first.section, first, number=first.number, title=first.title,
                      description="A changed description.", responsible_office=first.responsible_office,
                      months=[10], indicators=[])
    plans.publish_version(leader, plan, status=PlanStatus.REVISED_DRAFT, change_note="Changed one action.")
    document = plans.plan_document(plan)
    translation.save_translations(translator, document, "es", {p.path: "ES " + p.text for p in document.passages},
                                  publish=True)
    return plan.id, len(document.passages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sections, actions, requests = (3, 4, 40) if args.quick else (5, 8, 200)
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(tmp)
        with app.app_context():
            plan_id, passages = seed(sections, actions)
            queries = count_statements(db.engine)
        print(f"One plan of {sections * actions} actions, {passages} passages, two versions, all in Spanish.")
        print(HEADER)
        reader = app.test_client()
        for language in ("en", "es", "vi"):
            def get(path, language=language):
                return lambda _i: reader.get(path, headers={"Accept-Language": language})
            measure(f"plan page, {language}", requests, get(f"/plans/{plan_id}"), queries)
            measure(f"comparison, {language}", requests, get(f"/plans/{plan_id}/compare?from=1&to=2"), queries)
            measure(f"progress, {language}", requests, get(f"/progress/plans/{plan_id}"), queries)
        translator = app.test_client()
        translator.post("/login", data={"email": "translator@example.org", "password": PASSWORD})
        measure("translate: list", requests, lambda _i: translator.get("/translate/?language=es"), queries)
        measure("translate: the plan", requests, lambda _i: translator.get(f"/translate/es/plan:{plan_id}"), queries)


if __name__ == "__main__":
    main()
