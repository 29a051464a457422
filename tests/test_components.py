"""Components: each feature package declares what it brings, and the app is made of the listed ones."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

import engage
from config import Config, TestingConfig
from engage import components, create_app, queue
from engage.components import Component
from engage.extensions import db
from engage.permissions import Role
from tests.outcomes.factories import add_comment, add_theme
from tests.plans.factories import make_plan, publish
from tests.support.people import make_user
from tests.support.web import log_in


def test_every_feature_package_with_a_component_is_listed_and_installed(app):
    declared = {f"engage.{module.name}" for module in pkgutil.iter_modules(engage.__path__)
                if module.ispkg and _has_component(module.name)}
    assert declared == set(app.config["COMPONENTS"]) == {c.package for c in components.every_component()}
    installed = app.extensions["engage.components"]
    assert [c.package for c in installed] == list(app.config["COMPONENTS"])
    # Every blueprint the app serves came from a component.
    assert set(app.blueprints) == {c.attribute(c.blueprint).name for c in installed if c.blueprint}


def test_a_component_brings_its_models_jobs_and_commands(app):
    from engage.extensions import db

    themes = next(c for c in app.extensions["engage.components"] if c.name == "themes")
    assert "theme_analyses" in db.metadata.tables
    assert "themes" in app.cli.commands and "plans" in app.cli.commands
    assert themes.url_prefix == "/themes" and app.url_map.bind("x").match("/themes/analyses/1")[0].startswith("themes.")


def test_a_package_must_declare_its_own_component():
    with pytest.raises(ValueError, match="declares the package"):
        components.load(["tests.support.component_for_tests"])


def _has_component(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"engage.{name}.component") is not None


def test_names_are_read_relative_to_the_package():
    component = Component("engage.themes", blueprint="blueprint:bp")
    assert component.attribute("blueprint:bp").name == "themes"
    assert component.module("").__name__ == "engage.themes"
    assert component.name == "themes"


@pytest.fixture
def with_test_component(app):
    """The test package's slot functions, as one more installed component."""
    installed = app.extensions["engage.components"]
    extra = Component("tests.support.component_for_tests", slots={"home": "slots:home", "account": "slots:account",
                                                        "comments": "slots:comments"})
    app.extensions["engage.components"] = (*installed, extra)
    yield extra
    app.extensions["engage.components"] = installed


def test_a_component_fills_a_slot_of_a_shared_page_with_its_part_and_stylesheet(client, with_test_component):
    page = client.get("/").get_data(as_text=True)
    assert "This comment helped shape:" in page
    assert page.count('href="/static/css/test-extra.css"') == 1


def test_a_page_gathers_every_component_s_parts_and_leaves_out_none(app, with_test_component):
    from types import SimpleNamespace

    from engage import slots

    with app.test_request_context():
        # The comments', surveys' and conversations' parts; the test component's None is left out.
        assert [part.template for part in slots.fill("account", actor=None)["activity"]] == [
            "comments/_account_slot.html", "surveys/_account_slot.html", "conversations/_account_slot.html"]
        filled = slots.fill("comments", actor=None, plan=SimpleNamespace(id=1))
    assert [part.template for part in filled.each("comment", 7)] == ["a.html"]
    assert [part.template for part in filled.each("comment", 8)] == ["b.html"]
    assert filled.each("comment", 9) == [] and filled["nothing here"] == []


def test_no_template_global_or_context_processor_runs_a_feature_s_query(app):
    with app.test_request_context("/"):
        context = {}
        app.update_template_context(context)
    names = set(context) | set(app.jinja_env.globals)
    assert not names & {"recent_outcomes", "theme_outcomes", "comment_outcomes", "my_conversations"}


# The proof that a feature is a component: the tracker is named nowhere outside its own folders
# but the component list, and the app runs without it.
TRACKER_FOLDERS = ("engage/tracker/", "templates/tracker/", "static/css/tracker.css",
                   "engage/translations/")  # the catalog lists every file's strings
CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".toml", ".cfg", ".ini", ".mako"}


def test_the_tracker_is_named_only_in_its_own_folders_and_the_component_list():
    root = Path(__file__).resolve().parent.parent
    naming = []
    for path in (path for folder in ("engage", "templates", "static", "migrations") for path in (root / folder).rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.suffix in CODE_SUFFIXES and not relative.startswith(TRACKER_FOLDERS):
            text = path.read_text(encoding="utf-8").lower()
            if "tracker" in text or "update_progress" in text:
                naming.append(relative)
    assert naming == []
    assert "tracker" not in (root / "pyproject.toml").read_text(encoding="utf-8")
    config = (root / "config.py").read_text(encoding="utf-8")
    assert config.count("tracker") == 1 and '"engage.tracker"' in config


@pytest.fixture
def app_without(app, tmp_path):
    """app_without("engage.tracker") -> the app made of every other component, on a database of its own."""
    made = []

    def make(package: str):
        lean = create_app(TestingConfig, {
            "COMPONENTS": tuple(name for name in Config.COMPONENTS if name != package),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lean.sqlite3'}"})
        context = lean.app_context()
        context.push()
        made.append(context)
        upgrade()  # the left-out component's revisions are still read: the history is one line
        return lean

    yield make
    for context in made:
        db.session.remove()
        db.engine.dispose()
        context.pop()
    queue.init_app(app)  # threads without an app context use the suite's app again


def test_the_app_runs_without_the_tracker(app_without):
    app_without_tracker = app_without("engage.tracker")
    assert not any(rule.endpoint.startswith("tracker.") for rule in app_without_tracker.url_map.iter_rules())
    admin = make_user(email="admin@example.org", role=Role.ADMIN)
    plan = make_plan()
    publish(plan)
    client = app_without_tracker.test_client()
    assert log_in(client, admin.email).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert ">Plans</a>" in home and ">Administration</a>" in home
    assert "/progress" not in home and ">Office updates</a>" not in home
    page = client.get(f"/plans/{plan.id}")
    assert page.status_code == 200 and "/progress" not in page.get_data(as_text=True)
    assert client.get("/admin/audit").status_code == 200
    assert client.get("/progress/").status_code == 404


def test_the_tracker_brings_its_menu_entries_permission_and_settings(app, client_as):
    assert app.config["TRACKER_MAX_UPLOAD_BYTES"] == 10 * 1024 * 1024
    leader_home = client_as("leader").get("/").get_data(as_text=True)
    assert ">Progress</a>" in leader_home and ">Office updates</a>" in leader_home
    participant_home = client_as("participant").get("/").get_data(as_text=True)
    assert ">Progress</a>" in participant_home and ">Office updates</a>" not in participant_home


def test_leaders_theme_pages_and_comments_run_without_you_said_we_did(app_without):
    lean = app_without("engage.outcomes")
    leader = make_user(email="leader@example.org", role=Role.LEADER)
    plan = make_plan()
    publish(plan)
    theme = add_theme(plan, "Late buses", published=True)
    add_comment(plan)
    client = lean.test_client()
    assert log_in(client, leader.email).status_code == 302
    pages = [f"/plans/{plan.id}", f"/plans/{plan.id}/comments", "/themes/",
             f"/themes/analyses/{theme.analysis_id}", f"/themes/analyses/{theme.analysis_id}/themes/{theme.id}",
             f"/themes/analyses/{theme.analysis_id}/other"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Link to what we did" not in response.get_data(as_text=True)
    assert "Late buses</h3>" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
