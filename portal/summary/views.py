"""Views of the year-end summary."""
from flask import render_template

from ..access import permission
from . import bp


@bp.get("/")
@permission("summary.view")
def index():
    """年度总结: the drafts of the years in the user's scope."""
    return render_template("summary/index.html")
