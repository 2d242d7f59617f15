"""Blueprint: the key-person register (一包一责任制): persons and their responsible cadres, contact
visits on the supervision core, requests and assistance, the link to letters and visits, figures,
the one-person archive and Excel exchange."""
from flask import Blueprint

from ..modules import Module, Nav

bp = Blueprint("keypersons", __name__, url_prefix="/keypersons")
module = Module(
    "keypersons", "重点人员", blueprint=bp,
    permissions={
        # Personal data: the person's unit subtree, their cadre, office and leaders (informants see nothing).
        "keypersons.view": {"leader", "office", "unit_head", "unit_clerk"},
        # Registering and editing persons, changing their status, raising requests: the unit or office.
        "keypersons.edit": {"office", "unit_head", "unit_clerk"},
        # Naming and handing over the responsible cadre: the unit's head or office.
        "keypersons.assign": {"office", "unit_head"},
        # Who may be a responsible cadre (包保责任人) and record visits as one.
        "keypersons.cadre": {"office", "leader", "unit_head", "unit_clerk"},
        # Office records visits and outcomes on anyone's behalf, keeps the category list and imports.
        "keypersons.manage": {"office"},
        "keypersons.reveal": {"office", "leader"},
        # A visit item is the cadre's own work, not the unit's: no role acts on it as the owner unit
        # (the register's own to-do puts it on the cadre's 待办).
        "keypersons.visit_unit": set(),
    },
    # Months between contact visits by level: 重点 monthly, 关注 quarterly, 稳定 every half year; a visit
    # reaches the cadre's 待办 this many days before it falls due; a request's default time to answer.
    settings={"KEYPERSON_VISIT_MONTHS": {"key": 1, "watch": 3, "stable": 6}, "KEYPERSON_TODO_DAYS": 30,
              "KEYPERSON_REQUEST_DAYS": 30},
    nav=[Nav("keypersons.index", "重点人员", "keypersons.view", order=17)],
    models="portal.models.keypersons", demo="portal.keypersons.demo")

from . import views, exchange_views  # noqa: E402,F401
from . import figures  # noqa: E402,F401
