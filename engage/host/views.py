from flask import render_template
from flask_login import current_user, login_required

from ..leadership import participation
from ..orgs import services as orgs
from . import bp


@bp.route("/")
@login_required
def organizations():
    return render_template("host/organizations.html", organizations=orgs.organizations_of(current_user),
                           outreach=participation.outreach_suggestions(current_user),
                           dimension_labels=participation.DIMENSION_LABELS)
