"""Owns what modules register for the shared pages: menu entries, dashboard cards, unit page panels."""
from flask import current_app, has_request_context, url_for

from .access import can

# (order, endpoint, label, permission); shown sorted by order.
ITEMS = []
# functions user -> dict(title, value, note, url) or None, in display order.
CARDS = []
# functions (unit, user) -> (template, context) or None: sections of a unit's page.
UNIT_PANELS = []


def register(endpoint, label, permission, order):
    ITEMS.append((order, endpoint, label, permission))
    ITEMS.sort()


def card(fn):
    """Register a dashboard card; the function returns None to hide it for a user."""
    CARDS.append(fn)
    return fn


def unit_panel(fn):
    """Register a section of the unit page (e.g. the unit's vetoes and sanctions)."""
    UNIT_PANELS.append(fn)
    return fn


def panels_for(unit, user):
    return [p for p in (fn(unit, user) for fn in UNIT_PANELS) if p]


def visible_items():
    return [(url_for(e), label, e) for _, e, label, perm in ITEMS if can(perm)]


def cards_for(user):
    return [c for c in (fn(user) for fn in CARDS) if c]


def init_app(app):
    @app.context_processor
    def _nav():
        return {"nav_items": visible_items}


def path_for(endpoint, **values):
    """The URL path of an endpoint, also outside a request (CLI commands, the daily digest)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
