"""What content translation brings to the app (see `engage.components`)."""

from flask_babel import lazy_gettext as _l

from ..components import Component, MenuEntry
from ..permissions import Role

# Translate what leaders, offices and hosts write, and publish the translations.
TRANSLATE = "translate"

component = Component(
    __package__,
    layer="people",
    blueprint=":bp",
    url_prefix="/translate",
    models=("models",),
    migrations="migrations",
    permissions={TRANSLATE: (Role.TRANSLATOR, Role.LEADER)},
    audit_labels="audit_labels",
    menu=(MenuEntry(_l("Translate"), "translation.index", 95, current=("translation.",), permission=TRANSLATE),),
    settings={
        # Where a reader's language has no translation, the next languages to try before the
        # original: "so:en, pt:es" (Somali readers get English, Portuguese readers Spanish).
        "TRANSLATION_FALLBACKS": "",
        # Languages a plan version may be published without only by saying "translation coming".
        "TRANSLATIONS_REQUIRED": "",
        # A LibreTranslate server (self-hosted) drafting translations for translators to edit.
        "MACHINE_TRANSLATION_URL": "",
        "MACHINE_TRANSLATION_API_KEY": "",
        # Another service than LibreTranslate: "module:Class", made with the URL (see machine.py).
        "MACHINE_TRANSLATION_SERVICE": "",
        "MACHINE_TRANSLATION_TIMEOUT": 20,
        # Saving translations, per person.
        "RATELIMIT_TRANSLATE": "60 per minute",
    },
)
