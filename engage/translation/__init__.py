"""Content in several languages: what leaders, offices and hosts write, translated.

One table holds every translation of every piece of text (a plan's section, a session's
description, a progress update), keyed by the thing it belongs to, the place of the text
in it, the language and a hash of the source it was made from. A translation made from
another source than today's is out of date; a published version of a plan keeps the
translations of its own words because its source never changes.
"""

from flask import Blueprint

bp = Blueprint("translation", __name__)

from . import views  # noqa: E402,F401
