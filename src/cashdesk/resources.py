"""Where the shipped resources (city data, fonts) are."""

from __future__ import annotations

import os
from pathlib import Path

from cashdesk.errors import ConfigError


def resources_dir() -> Path:
    """``CASHDESK_RESOURCES``, else the copy inside an installed wheel or frozen bundle, else
    the source tree's ``resources/`` (an editable install)."""
    candidates = []
    if env := os.environ.get("CASHDESK_RESOURCES"):
        candidates.append(Path(env))
    here = Path(__file__).resolve().parent
    candidates += [here / "resources", here.parent.parent / "resources"]
    for candidate in candidates:
        if (candidate / "city" / "revenue_codes.csv").is_file():
            return candidate
    raise ConfigError(
        "cashdesk's resources folder is missing (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); reinstall cashdesk."
    )


def city_dir() -> Path:
    return resources_dir() / "city"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"
