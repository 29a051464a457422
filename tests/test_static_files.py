"""Static files: linked by content-hashed names, served compressed and kept for a year; the plain
names still work with a short lifetime (engage/static_files.py)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from engage.static_files import hashed_name

STATIC = Path(__file__).resolve().parent.parent / "static"


def linked_stylesheet(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/css/engage\.[0-9a-f]{12}\.css)"', html).group(1)


def test_pages_link_the_hashed_name_kept_for_a_year(app, client):
    url = linked_stylesheet(client)
    response = client.get(url)
    assert response.status_code == 200
    assert response.data == (STATIC / "css/engage.css").read_bytes()
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"].startswith("text/css")


def test_browsers_that_accept_gzip_get_it_compressed(app, client):
    url = linked_stylesheet(client)
    response = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] in ("gzip", "br")
    if response.headers["Content-Encoding"] == "gzip":
        assert gzip.decompress(response.data) == (STATIC / "css/engage.css").read_bytes()
    assert int(response.headers["Content-Length"]) < (STATIC / "css/engage.css").stat().st_size / 2


def test_the_plain_name_still_works_for_a_short_time(app, client):
    response = client.get("/static/css/engage.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=60, public"
    assert client.get("/static/css/missing.css").status_code == 404


def test_a_changed_file_gets_a_new_name():
    assert hashed_name("css/engage.css", b"a { color: red }") != hashed_name("css/engage.css", b"a { color: blue }")
    assert re.fullmatch(r"js/engage\.[0-9a-f]{12}\.js", hashed_name("js/engage.js", b"x"))
