"""Owns page-versus-fragment rendering for htmx: one decision, Vary header, redirects, events."""
from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request

from .workflow import RuleError


def is_htmx():
    """A real htmx request that wants a fragment (boosted navigations want whole pages)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(page_template, fragment_template=None, /, *, status=200, trigger=None, **context):
    """Render the full page, or only the fragment when htmx asked for it."""
    if fragment_template and is_htmx():
        return _fragment_response(fragment_template, status, trigger, context)
    response = make_response(render_template(page_template, **context), status)
    if trigger:
        response.headers["HX-Trigger"] = trigger
    return response


def fragment(template, /, *, status=200, trigger=None, **context):
    """Render a fragment only (for endpoints that exist only as htmx targets)."""
    return _fragment_response(template, status, trigger, context)


def _fragment_response(template, status, trigger, context):
    # Flash messages travel with the fragment, swapped out-of-band into the page's flash area.
    body = render_template(template, **context) + render_template("_flash.html", oob=True)
    response = make_response(body, status)
    if trigger:
        response.headers["HX-Trigger"] = trigger
    return response


def outcome(fragment_template, context, redirect_url, *, message=None, error=None, trigger=None):
    """Answer an action: flash its outcome, then the refreshed fragment for htmx (422 and no event on
    error) or a redirect for a plain form. `context` is called only when a fragment is rendered."""
    if error:
        flash(error, "error")
    elif message:
        flash(message, "success")
    if not is_htmx():
        return redirect(redirect_url)
    return fragment(fragment_template, status=422 if error else 200, trigger=None if error else trigger, **context())


def attempt(action, fragment_template, context, redirect_url, *, message, trigger=None):
    """Run a step (a callable) and answer it with outcome(): a RuleError — the one error type every
    module raises — becomes the error message, answered the same way everywhere."""
    try:
        result = action()
    except RuleError as exc:
        return outcome(fragment_template, context, redirect_url, error=str(exc))
    return outcome(fragment_template, context, redirect_url, message=message(result) if callable(message) else message,
                   trigger=trigger)


def safe_next(target):
    """A path on this site (the page a form or login came from), else None: never //host, an
    absolute URL, or what a browser would read as one (a backslash, or a tab or newline it drops
    before the second slash). The one check for every `next` parameter."""
    if not target or not target.startswith("/") or any(c == "\\" or c.isspace() or not c.isprintable() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def redirect_to(url):
    """Redirect that works for both htmx (HX-Redirect) and plain requests."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def init_app(app):
    @app.after_request
    def _vary(response):
        response.vary.add("HX-Request")
        return response
