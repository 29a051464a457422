"""Components: each feature package declares what it brings, and the app is made of the listed ones."""

from __future__ import annotations

import pkgutil

import pytest

import engage
from engage import components
from engage.components import Component


def test_every_feature_package_with_a_component_is_listed_and_installed(app):
    declared = {f"engage.{module.name}" for module in pkgutil.iter_modules(engage.__path__)
                if module.ispkg and _has_component(module.name)}
    assert declared == set(app.config["COMPONENTS"])
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
        components.load(["tests.support_component"])


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
    extra = Component("tests.support_component", slots={"home": "slots:home", "account": "slots:account",
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
        # The conversations' part; the test component's None is left out.
        assert [part.template for part in slots.fill("account", actor=None)["activity"]] == [
            "conversations/_account_slot.html"]
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
