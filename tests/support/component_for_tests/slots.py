"""Slot functions of the test component (see tests/test_components.py)."""

from engage.slots import Part


def home(actor):
    return {"highlights": Part("outcomes/_comment_slot.html", {"led_to": [], "plan_id": 1}, ("css/test-extra.css",))}


def account(actor):
    return {"activity": None}


def comments(actor, plan):
    return {"comment": {7: Part("a.html"), 8: Part("b.html")}}
