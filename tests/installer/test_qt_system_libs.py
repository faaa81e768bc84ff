"""scripts/qt_system_libs.py: from ldd's report on Qt's xcb plugin to Debian packages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "qt_system_libs.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("qt_system_libs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["qt_system_libs"] = module
    spec.loader.exec_module(module)
    return module


qt = _load()

# What ldd printed on a fresh Debian 12 with libxcb-cursor0 but without libxcb-icccm4 and
# libxcb-keysyms1 (issue 14), cut short; the plugin's own Qt library names each twice.
LDD = """\
\tlinux-vdso.so.1 (0x00007f551752d000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f55173cf000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f5517375000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007f551736d000)
\tlibxcb-keysyms.so.1 => not found
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f5517000000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f551752f000)
"""


def test_the_missing_libraries_are_read_from_ldd_once_each() -> None:
    assert qt.missing_sonames(LDD) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert qt.missing_sonames(LDD.replace("not found", "/lib/x.so (0x1)")) == []


def test_sonames_map_to_debian_package_names() -> None:
    # Every package the old hand-kept list named, from the soname Qt needs.
    expected = {
        "libxcb-icccm.so.4": "libxcb-icccm4",
        "libxcb-keysyms.so.1": "libxcb-keysyms1",
        "libxcb-cursor.so.0": "libxcb-cursor0",
        "libxcb-image.so.0": "libxcb-image0",
        "libxcb-render-util.so.0": "libxcb-render-util0",
        "libxcb-randr.so.0": "libxcb-randr0",
        "libxcb-xkb.so.1": "libxcb-xkb1",
        "libxkbcommon.so.0": "libxkbcommon0",
        "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
        "libX11-xcb.so.1": "libx11-xcb1",
        "libX11.so.6": "libx11-6",
        "libEGL.so.1": "libegl1",
        "libGL.so.1": "libgl1",
        "libfontconfig.so.1": "libfontconfig1",
        "libfreetype.so.6": "libfreetype6",
        "libdbus-1.so.3": "libdbus-1-3",
        "libglib-2.0.so.0": "libglib2.0-0",
        "libgthread-2.0.so.0": "libglib2.0-0",
        "libgssapi_krb5.so.2": "libgssapi-krb5-2",
        "libpng16.so.16": "libpng16-16",
    }
    assert {s: qt.package_name(s) for s in expected} == expected
    assert qt.package_name("ld-linux-x86-64.so.2") is None


def test_packages_are_confirmed_in_the_archive_with_the_t64_rename() -> None:
    archive = {"libxcb-icccm4", "libglib2.0-0t64"}
    packages, unknown = qt.packages_for(
        ["libxcb-icccm.so.4", "libglib-2.0.so.0", "libgthread-2.0.so.0", "libnowhere.so.3"],
        archive.__contains__,
    )
    assert packages == ["libxcb-icccm4", "libglib2.0-0t64"]
    assert unknown == ["libnowhere.so.3"]
