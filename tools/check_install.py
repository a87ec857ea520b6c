#!/usr/bin/env python
"""Check that this machine is ready for the course (a thin wrapper around pmkit.install_check).

    python tools/check_install.py [-v]

Same as ``python -m pmkit.install_check``, but it also works before the course package is
installed: it then reads the check from ``src/`` and reports that pmkit is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

try:
    from pmkit import install_check
except ImportError:
    sys.path.insert(0, str(SRC))
    from pmkit import install_check

if __name__ == "__main__":
    sys.exit(install_check.main())
