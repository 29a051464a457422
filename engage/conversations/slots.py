"""What community conversations show on other features' pages (see `engage.slots`)."""

from __future__ import annotations

from ..slots import Part
from . import listing
from .translatable import session_texts

STYLES = ("css/conversations.css",)
# The next few on the home page; the listing has the rest.
HOME_SESSIONS = 3


def home(actor) -> dict:
    """On the home page's "Have your say": the next conversations to sign up for, and how many there are."""
    upcoming = listing.list_upcoming_sessions(listing.SessionFilters(), per_page=HOME_SESSIONS)
    if not upcoming.total:
        return {"have_your_say": None}
    return {"have_your_say": Part("conversations/_home_slot.html",
                                  {"sessions": upcoming.items, "total": upcoming.total,
                                   "session_text": session_texts(upcoming.items)}, STYLES)}


def account(actor) -> dict:
    """On my account: the upcoming conversations I signed up for."""
    return {"activity": Part("conversations/_account_slot.html", {"conversations": listing.my_conversations(actor)},
                             STYLES)}
