from flask import render_template
from flask_login import current_user, login_required

from ..accounts.forms import LANGUAGE_CHOICES, RELATIONSHIP_CHOICES
from . import bp, services


@bp.route("/participation")
@login_required
def participation():
    summary = services.participation_summary(current_user)
    return render_template(
        "leadership/participation.html",
        summary=summary,
        relationship_labels=dict(RELATIONSHIP_CHOICES),
        language_labels=dict(LANGUAGE_CHOICES),
        not_shared=services.NOT_SHARED,
    )
