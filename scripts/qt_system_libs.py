"""What Qt's X11 platform plugin needs from the system, and the Debian packages that hold it.

``scripts/bootstrap`` runs this with the project's Python. Checking that Qt imports is not
enough: the ``offscreen`` platform loads without the xcb libraries, and the window then
aborts on a real desktop ("could not load the Qt platform plugin xcb"), while Qt's own hint
names only libxcb-cursor0. So this asks the dynamic linker: ``ldd`` on the ``libqxcb.so``
plugin that PySide6 ships lists every shared library the plugin needs, transitively, with
"not found" for the missing ones; each missing soname maps to its Debian package by
Debian's library-package naming rule, with the few exceptions in EXCEPTIONS, and the
package name actually in the archive (e.g. Debian 13 / Ubuntu 24.04's ``…t64`` names)
is confirmed with ``apt-cache``.

    python scripts/qt_system_libs.py            # prints the packages to install, one a line
Exit status: 0 nothing is missing (or not Linux), 1 packages are missing (printed),
2 libraries are missing and no package could be named (the sonames are printed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

# Sonames whose package does not follow the naming rule.
EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libGLX.so.0": "libglx0",
    "libGLdispatch.so.0": "libglvnd0",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found\s*$")
_SONAME = re.compile(r"^(?P<name>lib[\w+.-]*?)\.so\.(?P<version>[\d.]+)$")


def missing_sonames(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find, each once, in the order it named them."""
    found = (m[1] for line in ldd_output.splitlines() if (m := _NOT_FOUND.match(line)))
    return list(dict.fromkeys(found))


def package_name(soname: str) -> str | None:
    """Debian's package for a shared library: the soname's name, lower case, ``_`` as
    ``-``, then its major version, with a ``-`` between when the name ends in a digit
    (libxcb-icccm.so.4 → libxcb-icccm4, libxkbcommon-x11.so.0 → libxkbcommon-x11-0,
    libX11.so.6 → libx11-6). None for a file name that is not a soname."""
    if soname in EXCEPTIONS:
        return EXCEPTIONS[soname]
    match = _SONAME.match(soname)
    if match is None:
        return None
    name = match["name"].lower().replace("_", "-")
    major = match["version"].split(".")[0]
    return f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}"


def packages_for(
    sonames: Iterable[str], available: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """(packages to install, sonames no package was found for). ``available`` says whether
    the archive has a package of that name; the 64-bit time_t rename (``…t64``) is tried
    when the plain name is not there."""
    packages: list[str] = []
    unknown: list[str] = []
    for soname in sonames:
        name = package_name(soname)
        candidates = [name, f"{name}t64"] if name else []
        chosen = next((c for c in candidates if available(c)), None)
        if chosen is None:
            unknown.append(soname)
        elif chosen not in packages:
            packages.append(chosen)
    return packages, unknown


def apt_has(package: str) -> bool:
    """Whether apt knows a package of this name (with a candidate version to install)."""
    result = subprocess.run(
        ["apt-cache", "policy", package], capture_output=True, text=True, check=False
    )
    return "Candidate:" in result.stdout and "Candidate: (none)" not in result.stdout


def xcb_plugin() -> Path | None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def main() -> int:
    if not sys.platform.startswith("linux"):
        return 0  # the Windows and macOS wheels carry what Qt needs
    plugin = xcb_plugin()
    if plugin is None or shutil.which("ldd") is None:
        return 0
    ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=False)
    sonames = missing_sonames(ldd.stdout)
    if not sonames:
        return 0
    if shutil.which("apt-cache") is None:
        print("\n".join(sonames))
        return 2
    packages, unknown = packages_for(sonames, apt_has)
    if unknown:
        print("\n".join(unknown))
        return 2
    print("\n".join(packages))
    return 1


if __name__ == "__main__":
    sys.exit(main())
