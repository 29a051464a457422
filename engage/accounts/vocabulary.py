"""How a person is connected to the district, with labels in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import DistrictRelationship

RELATIONSHIP_CHOICES = [
    (DistrictRelationship.PARENT, _l("Parent or guardian of a student")),
    (DistrictRelationship.STUDENT, _l("Student")),
    (DistrictRelationship.STAFF, _l("District or school staff")),
    (DistrictRelationship.COMMUNITY, _l("Community member")),
]
