"""Components: each feature package says in one place what it brings to the app.

A package's `component.py` holds `component = Component(...)`: its blueprint
and URL prefix, the modules that define its models and its queue jobs, its
migrations, its `flask` commands, its permissions, the labels of its audit
events, its demo seed, its menu entries, its settings, the functions that
fill named slots of shared pages (`engage.slots`) and the kinds of content it
offers for translation, all named relative to the
package ("models", "cli:themes_cli"), so a package can be read, moved or left
out on its own.
`create_app` installs the components the `COMPONENTS` setting lists, in that
order (lowest layer first). Decidim's component manifests and CTFd's plugins
are the models; this one stays small on purpose.

Importing this module loads no Flask: a package's component can be read
without building an app.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask


@dataclass(frozen=True)
class MenuEntry:
    """A link in the site's main menu. Entries of all components are shown by `order`."""

    label: Any  # a lazy_gettext string
    endpoint: str
    order: int
    # Where the entry is the current page: endpoints, or "blueprint." for all of a blueprint's.
    current: tuple[str, ...] = ()
    # Who sees it: holders of `permission`, or those for whom `shown_if` ("module:function" of the
    # user) is true; everyone when neither is given.
    permission: str | None = None
    shown_if: str | None = None

    def is_current(self, endpoint: str | None) -> bool:
        return bool(endpoint) and any(
            endpoint.startswith(place) if place.endswith(".") else endpoint == place for place in self.current)


@dataclass
class DemoDistrict:
    """What the demo's own seed made, handed to each component's demo seed in layer order."""

    district_plan: Any  # open for feedback
    school_plan: Any  # a school's plan that carries out part of the district's
    leader: Any
    added: dict[str, int]  # rows added, by kind ("progress updates"); a seed counts its own


@dataclass(frozen=True)
class Component:
    """What a feature package brings. Names are modules of the package ("models") or
    "module:attribute" ("blueprint:bp"), relative to `package`."""

    package: str
    # Its layer ("sources", "outputs"...): the import-linter contract in pyproject.toml places it
    # there, so it may import only from its own layer and those below.
    layer: str | None = None
    blueprint: str | None = None
    url_prefix: str | None = None
    models: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    # A folder of Alembic revisions, read beside migrations/versions.
    migrations: str | None = None
    # Permission -> the roles granted it (administrators hold every permission).
    permissions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A module with ACTION_LABELS, FIELD_LABELS and DETAIL_LABELS for the audit log.
    audit_labels: str | None = None
    # "module:function" called with a DemoDistrict by `flask demo`.
    demo: str | None = None
    menu: tuple[MenuEntry, ...] = ()
    # Setting -> default; an environment variable of the same name overrides it, as in config.py.
    settings: Mapping[str, Any] = field(default_factory=dict)
    # Page name -> the function that fills its slots (see `engage.slots`).
    slots: Mapping[str, str] = field(default_factory=dict)
    # (permission, endpoint): where holders of the permission start after signing in, when they
    # came from the home page or from nowhere in particular (a leader's home).
    landing: tuple[str, str] | None = None
    # "module:attribute" of each `TranslatableKind` of content it writes for the public
    # (see `engage.translation.sources`).
    translatable: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.package.rsplit(".", 1)[-1]

    def module(self, name: str):
        """A module of the package by its relative name ("" for the package itself)."""
        return importlib.import_module(f"{self.package}.{name}" if name else self.package)

    def attribute(self, reference: str) -> Any:
        module, _, attribute = reference.partition(":")
        return getattr(self.module(module), attribute)


def load(packages: Sequence[str]) -> list[Component]:
    """The components of these packages ("engage.themes"), in this order."""
    components = []
    for package in packages:
        component = importlib.import_module(f"{package}.component").component
        if component.package != package:
            raise ValueError(f"{package}.component declares the package {component.package!r}")
        components.append(component)
    return components


def install(app: Flask, components: Sequence[Component]) -> None:
    """Every component's settings (where the config sets none), permissions, models (so Alembic
    and create_all see the whole schema), jobs (so the queue's workers know them), blueprint and
    commands."""
    from .permissions import grant

    for component in components:
        for name, default in component.settings.items():
            app.config.setdefault(name, _from_environment(name, default))
        for permission, roles in component.permissions.items():
            grant(permission, roles)
        for name in (*component.models, *component.jobs):
            component.module(name)
    for component in components:
        if component.blueprint:
            app.register_blueprint(component.attribute(component.blueprint), url_prefix=component.url_prefix)
        for command in component.commands:
            app.cli.add_command(component.attribute(command))
    app.extensions["engage.components"] = tuple(components)
    # Each entry with its `shown_if` function.
    app.extensions["engage.menu"] = tuple(sorted(
        ((entry, c.attribute(entry.shown_if) if entry.shown_if else None) for c in components for entry in c.menu),
        key=lambda pair: pair[0].order))


def every_component(root: str = "engage") -> list[Component]:
    """The components of every package under `root`, listed in the config or not (by name)."""
    package = importlib.import_module(root)
    return load([f"{root}.{module.name}" for module in pkgutil.iter_modules(package.__path__)
                 if module.ispkg and importlib.util.find_spec(f"{root}.{module.name}.component") is not None])


def migration_folders(components: Sequence[Component]) -> list[str]:
    return [str(os.path.join(os.path.dirname(c.module("").__file__), c.migrations))
            for c in components if c.migrations]


def _from_environment(name: str, default: Any) -> Any:
    value = os.environ.get(name)
    if value is None:
        return default
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return type(default)(value)


def landing_endpoint(components: Sequence[Component], user) -> str | None:
    """The page this person starts on after signing in: the first component's landing whose
    permission they hold (None: the home page)."""
    from .permissions import can

    return next((component.landing[1] for component in components
                 if component.landing and can(user, component.landing[0])), None)
