"""The portal's wsgi:app plus a bare route, for the benchmarks' throughput baseline only.

    PORTAL_INSTANCE=/tmp/bench-... .venv/bin/gunicorn --workers 2 --pythonpath bench bare_wsgi:app

/bench-bare answers "ok" through the same middleware, hooks and session as every page (it is
public, so no permission check), so a page's requests/s over it is what the page itself costs.
"""
from portal.access import public
from wsgi import app


@app.get("/bench-bare")
@public
def bench_bare():
    """Nothing but the request cycle."""
    return "ok"
