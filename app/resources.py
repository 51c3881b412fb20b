"""Where Liqaa's bundled data files live.

The data files are kept outside the Python package, at the top of the repository:

- ``resources/`` (fonts, icons, ...)
- ``translations/`` (``liqaa_<lang>.ts`` sources and compiled ``liqaa_<lang>.qm``)

:func:`resource_path` finds them in every supported way of running Liqaa:

- from a source checkout or an editable install (``pip install -e .``): the directories
  beside the ``app`` package;
- inside a PyInstaller bundle: ``sys._MEIPASS``, where the spec puts them as
  ``resources/`` and ``translations/``;
- anywhere else (for example a distribution package that installs the data to
  ``/usr/share/liqaa``): the directory named by the ``LIQAA_DATA_DIR`` environment
  variable, which takes precedence over both of the above when it is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_root", "resource_path"]

#: Environment variable naming a directory that holds ``resources/`` and ``translations/``.
DATA_DIR_ENV = "LIQAA_DATA_DIR"


def data_root() -> Path:
    """The directory that holds ``resources/`` and ``translations/``."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    # app/resources.py -> the repository (or editable install) root.
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a bundled file or directory, e.g. ``resource_path("translations", "liqaa_ar.qm")``.

    The path is returned whether or not it exists; callers check ``.exists()`` when a
    file is optional.
    """
    return data_root().joinpath(*parts)
