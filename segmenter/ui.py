"""The page at `/`: paste a page's text and see what became of every line.

The page is static HTML with one stylesheet and one small script, all in `segmenter/static/`;
it calls `POST /segment?explain=1` like any other client, so it shows exactly what the service
answers. Flask serves the assets itself at `/static/...` (the app's own static folder): no
build step, no CDN, nothing from the network, which the Content-Security-Policy below enforces.
"""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response

bp = Blueprint("ui", __name__)

# Only this origin, for everything: the page must work on a machine with no network, and a
# policy this strict also means an injected inline script (say, from a pasted page rendered
# by a bug) cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

# Read once at import: the page is small and never changes while the process runs.
_INDEX = resources.files("segmenter").joinpath("static/index.html").read_bytes()


@bp.get("/")
def index() -> Response:
    response = Response(_INDEX, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
