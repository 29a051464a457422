"""A component that names another package: `components.load` refuses it."""

from engage.components import Component

component = Component("engage.somewhere_else")
