"""Third-party CSS and JavaScript, served from the installed packages as our own static files.

No page loads anything from another host (many users sit behind networks that cannot reach
foreign CDNs, or install on premises), and no third-party file is copied into the repository: the
files come from the packages that ship them, by name and version (pyproject.toml), and this finder
offers each under ``vendor/`` so that ``collectstatic`` and whitenoise serve them like ours."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


def _package_dir(module: str) -> Path | None:
    try:
        imported = __import__(module, fromlist=["__file__"])
    except ImportError:
        return None
    base = getattr(imported, "BASE_DIR", None)  # xstatic packages say where their files are
    if base:
        return Path(base)
    return Path(imported.__file__).parent if imported.__file__ else None


def vendor_files() -> dict[str, Path | None]:
    """Static path under ``vendor/`` → the file in its package (None when the package is missing)."""
    bootstrap = _package_dir("xstatic.pkg.bootstrap")
    plotly = _package_dir("plotly")
    files: dict[str, Path | None] = {
        # the source maps too: the minified files name them, and the manifest storage checks that
        # every file a static file names exists
        f"vendor/bootstrap/{name}": bootstrap and bootstrap / folder / name
        for folder, name in (
            ("css", "bootstrap.min.css"),
            ("css", "bootstrap.min.css.map"),
            ("js", "bootstrap.bundle.min.js"),
            ("js", "bootstrap.bundle.min.js.map"),
        )
    }
    files["vendor/plotly/plotly.min.js"] = plotly and plotly / "package_data" / "plotly.min.js"
    return files


class VendorFinder(BaseFinder):
    """STATICFILES_FINDERS entry for ``vendor_files``."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [
            Error(f"The static file {name} is missing: reinstall Huikuan's dependencies.", id="huikuan.web.E001")
            for name, path in vendor_files().items()
            if path is None or not path.is_file()
        ]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = vendor_files().get(path)
        if found is None or not found.is_file():
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for name, path in vendor_files().items():
            if path is not None and path.is_file():
                # a storage rooted where the file lies, answering to its vendor/ name
                storage = FileSystemStorage(location=str(path.parent))
                storage.prefix = os.path.dirname(name)  # type: ignore[attr-defined]
                yield path.name, storage
