"""Components: each feature package says in one place what it brings to the app.

A package's `component.py` holds `component = Component(...)`: its blueprint
and URL prefix, the modules that define its models and its queue jobs,
its `flask` commands, and the functions that fill named slots of shared
pages (`engage.slots`), all named relative to the package ("models",
"cli:themes_cli"), so a package can be read, moved or left out on its own.
`create_app` installs the components the `COMPONENTS` setting lists, in that
order (lowest layer first). Decidim's component manifests and CTFd's plugins
are the models; this one stays small on purpose.

Importing this module loads no Flask: a package's component can be read
without building an app.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from flask import Flask


@dataclass(frozen=True)
class Component:
    """What a feature package brings. Names are modules of the package ("models") or
    "module:attribute" ("blueprint:bp"), relative to `package`."""

    package: str
    blueprint: str | None = None
    url_prefix: str | None = None
    models: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()
    # Page name -> the function that fills its slots (see `engage.slots`).
    slots: Mapping[str, str] = field(default_factory=dict)

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
    """Every component's models (so Alembic and create_all see the whole schema), jobs (so the
    queue's workers know them), blueprint and commands."""
    for component in components:
        for name in (*component.models, *component.jobs):
            component.module(name)
    for component in components:
        if component.blueprint:
            app.register_blueprint(component.attribute(component.blueprint), url_prefix=component.url_prefix)
        for command in component.commands:
            app.cli.add_command(component.attribute(command))
    app.extensions["engage.components"] = tuple(components)
