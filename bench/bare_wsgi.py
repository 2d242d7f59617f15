"""The portal's wsgi:app plus a bare route, for the benchmarks' throughput baseline only.

    PORTAL_INSTANCE=/tmp/bench-... .venv/bin/gunicorn --workers 2 --pythonpath bench bare_wsgi:app

/bench-bare answers "ok" through the same middleware, hooks and session as every page (it is
public, so no permission check), so a page's requests/s over it is what the page itself costs.
`pure` is a Flask app with nothing but that route (`bare_wsgi:pure`): what the request cycle of the
portal (session, user, connection, headers) costs shows against it.
"""
from flask import Flask

from portal.access import public
from wsgi import app

pure = Flask("pure")


@pure.get("/bench-bare")
def pure_bare():
    """Flask alone."""
    return "ok"


@app.get("/bench-bare")
@public
def bench_bare():
    """Nothing but the request cycle."""
    return "ok"
