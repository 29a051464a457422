from flask import render_template
from flask_login import current_user

from .. import slots
from ..plans.services import list_published_plans
from . import bp


@bp.route("/")
def home():
    return render_template("main/home.html", plans=list_published_plans(),
                           page_slots=slots.fill("home", actor=current_user))


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")
