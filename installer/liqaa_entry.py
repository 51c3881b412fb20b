"""Entry script of the PyInstaller bundle (installer/liqaa.spec).

Runs the same `main` as the `liqaa` GUI script in pyproject.toml.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # First thing in a frozen app that may start child processes with
    # multiprocessing (the embedded server): a child stops here and runs its
    # target instead of starting the whole app again.
    multiprocessing.freeze_support()

    from app.__main__ import main

    sys.exit(main())
