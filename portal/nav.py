"""Owns the shared pages' extension points read from the module manifests: menu entries, dashboard
cards, unit page panels; and building a URL path outside a request."""
from flask import current_app, has_request_context, url_for

from . import modules
from .access import can


def panels_for(unit, user):
    return [p for p in (fn(unit, user) for fn in modules.collect("unit_panels")) if p]


def visible_items():
    entries = sorted(modules.collect("nav"), key=lambda n: n.order)
    return [(url_for(n.endpoint), n.label, n.endpoint) for n in entries if can(n.permission)]


def cards_for(user, year):
    """The dashboard's cards for one year (the year being worked, switchable on the page)."""
    return [c for c in (fn(user, year) for fn in modules.collect("cards")) if c]


def init_app(app):
    @app.context_processor
    def _nav():
        return {"nav_items": visible_items}


def path_for(endpoint, **values):
    """The URL path of an endpoint, also outside a request (CLI commands, the daily digest)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)
