"""Static files (CSS, JavaScript, images) served by WhiteNoise, before Flask sees the request.

Pages link each file by a name that holds a hash of its content
(`css/engage.3f9c2a1b7d40.css`): a browser or proxy may keep it for a year,
since a changed file gets a new name. At startup the app copies each file
under that name into the instance folder with its compressed forms (gzip,
and Brotli when installed), which WhiteNoise serves to browsers that accept
them. The plain names keep working (an old page, a bookmark) with a short
lifetime. In development nothing is renamed and every request sees the file
as it is on disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    static = Path(app.static_folder)
    if app.debug:
        app.wsgi_app = WhiteNoise(app.wsgi_app, root=static, prefix="static/", autorefresh=True, max_age=0,
                                  add_headers_function=_no_sniffing)
        return
    hashed = _hashed_copies(static, Path(app.instance_path) / "static")
    hashed_urls = {f"/static/{name}" for name in hashed.values()}
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=Path(app.instance_path) / "static", prefix="static/", max_age=60,
                              immutable_file_test=lambda _path, url: url in hashed_urls,
                              add_headers_function=_no_sniffing)
    app.wsgi_app.add_files(static, prefix="static/")

    @app.url_defaults
    def _link_hashed_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in hashed:
            values["filename"] = hashed[values["filename"]]


def _no_sniffing(headers, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def hashed_name(relative: str, content: bytes) -> str:
    """`css/engage.css` -> `css/engage.<12 hex digits of its content's hash>.css`."""
    stem, dot, suffix = relative.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{stem}.{digest}.{suffix}" if dot else f"{relative}.{digest}"


def _hashed_copies(source: Path, target: Path) -> dict[str, str]:
    """Copy every file of `source` into `target` under its hashed name, compressed beside it
    (once: a name already there holds the same content); return plain name -> hashed name."""
    compressor = Compressor(quiet=True)
    names = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        relative = path.relative_to(source).as_posix()
        names[relative] = hashed_name(relative, path.read_bytes())
        copy = target / names[relative]
        if not copy.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            # Several app servers may start at once: each writes its own temporary file, then renames.
            with path.open("rb") as original, tempfile.NamedTemporaryFile(dir=copy.parent, delete=False) as temporary:
                shutil.copyfileobj(original, temporary)
            if compressor.should_compress(str(copy)):
                for compressed in compressor.compress(temporary.name):
                    os.replace(compressed, str(copy) + compressed[len(temporary.name):])
            os.replace(temporary.name, copy)
    return names
