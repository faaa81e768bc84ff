"""The frozen program's entry point: the same ``cashdesk`` command as the installed script."""

import sys

from cashdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
