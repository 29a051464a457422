"""Slot functions of the test component (see tests/test_components.py)."""

from engage.slots import Part


def highlights(actor):
    return Part("outcomes/_comment_slot.html", {"led_to": [], "plan_id": 1}, ("css/test-extra.css",))


def nothing(actor):
    return None


def marks(actor, plan_id):
    return {7: Part("a.html"), 8: Part("b.html")}
