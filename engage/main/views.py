from flask import render_template
from flask_login import current_user

from .. import slots
from ..page_cache import public_page
from ..plans.services import list_published_plans
from ..plans.translation import listing_titles
from . import bp


@bp.route("/")
@public_page
def home():
    plans = list_published_plans()
    return render_template("main/home.html", plans=plans, plan_titles=listing_titles(plans),
                           page_slots=slots.fill("home", actor=current_user))


@bp.route("/privacy")
def privacy():
    return render_template("main/privacy.html")
