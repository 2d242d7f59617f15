"""The one PDF mechanism: WeasyPrint with CJK fonts, a fetcher confined to the portal's own
static files, and a cache keyed by the rendered document's content hash."""
import hashlib
import logging
import os
import threading
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

# The GB 2312 cuts of the Debian CJK fonts (scripts/vendor-fonts.py, run by the setup): fontconfig reads
# this file when a font configuration is loaded, so the portal's processes see them and nothing else
# on the machine does. Without them the stylesheets fall back to the full Debian faces (slower).
FONTS_CONF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "static", "vendor", "fonts", "fonts.conf")
if os.path.exists(FONTS_CONF):
    os.environ.setdefault("FONTCONFIG_FILE", FONTS_CONF)

# Loading the font configuration (every installed font) costs each render that does not share one;
# one per thread, since WeasyPrint's objects are not meant to be shared across threads.
_fonts = threading.local()


def font_config():
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config

# Documents resolve relative URLs against this base; only its /static/ path is ever served.
BASE_URL = "https://portal.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves /static/... from the portal's static folder; refuses file://, network and all else."""

    def __init__(self, static_folder):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.static_folder = os.path.realpath(static_folder)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith("/static/"):
            raise ValueError(f"PDF resources are limited to the portal's static files: {url}")
        path = os.path.realpath(os.path.join(self.static_folder, unquote(parts.path[len("/static/"):])))
        if not path.startswith(self.static_folder + os.sep) or not os.path.isfile(path):
            raise ValueError(f"no such static file: {url}")
        with open(path, "rb") as fh:
            return URLFetcherResponse(url, fh.read(), {"Content-Type": _mime(path)})


def _mime(path):
    return {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}.get(
        os.path.splitext(path)[1], "application/octet-stream")


def html_to_pdf(html):
    """Render an HTML string to PDF bytes (no cache)."""
    return document(html).write_pdf()


def _static_digest():
    """Stylesheets and fonts feed the PDF too: a changed stylesheet must not serve a stale cached file."""
    digest = hashlib.sha256()
    css_dir = os.path.join(current_app.static_folder, "css")
    for name in sorted(os.listdir(css_dir)):
        if name.startswith("pdf"):
            with open(os.path.join(css_dir, name), "rb") as fh:
                digest.update(fh.read())
    fonts = os.path.dirname(FONTS_CONF)  # the same document in other fonts is another file
    digest.update(repr(sorted(os.listdir(fonts)) if os.path.isdir(fonts) else []).encode())
    return digest.hexdigest()


def render(template, **context):
    """Render a template to PDF bytes; an unchanged document is served from the instance cache."""
    html = render_template(template, **context)
    key = hashlib.sha256((html + _static_digest()).encode("utf-8")).hexdigest()
    folder = os.path.join(current_app.instance_path, "pdf-cache", key[:2])
    path = os.path.join(folder, key + ".pdf")
    if os.path.exists(path):
        with open(path, "rb") as fh:
            return fh.read()
    data = html_to_pdf(html)
    os.makedirs(folder, exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)  # atomic: concurrent workers never read a half-written file
    return data


def document(html):
    """A laid-out document, for combining several into one PDF."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher(current_app.static_folder)).render(
        font_config=font_config())


def combine(documents):
    """One PDF of several laid-out documents; each keeps its own page numbering."""
    pages = [page for doc in documents for page in doc.pages]
    return documents[0].copy(pages).write_pdf()


def response(data, filename):
    """A PDF download with an RFC 6266 filename."""
    from io import BytesIO

    from flask import send_file

    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=False, download_name=filename)
