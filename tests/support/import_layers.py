"""The import-linter contract behind `lint-imports`: the layers of pyproject.toml, each also holding
the components whose component.py names it (`Component.layer`), so a new component is checked where
it says it belongs without an edit outside its package."""

from __future__ import annotations

from importlinter.contracts.layers import LayersContract

from config import Config
from engage import components


class ComponentLayersContract(LayersContract):
    """`layers` as in import-linter's layers contract, each written "name = modules that are not
    components" (or just "name"), highest first."""

    def __init__(self, name: str, session_options: dict, contract_options: dict) -> None:
        listed = components.load(Config.COMPONENTS)
        layers, names = [], set()
        for raw in contract_options["layers"]:
            layer, _, modules = (part.strip() for part in raw.partition("="))
            names.add(layer)
            members = [m.strip() for m in modules.split(":") if m.strip()]
            members += [c.package for c in listed if c.layer == layer]
            layers.append(" : ".join(members))
        strays = [c.package for c in listed if c.layer not in names]
        if strays:
            raise ValueError(f"components with no layer of the contract: {', '.join(strays)}")
        super().__init__(name, session_options, {**contract_options, "layers": layers})
