"""Test-session settings shared by the unit tests and the notebook runs (nbval).

Learners keep their saved work in ``my-work/``. A test run must never read or overwrite it,
so the whole session (and every kernel nbval starts, which inherits the environment) uses a
throw-away work folder instead.
"""

import os
import tempfile


def pytest_configure(config):
    if "PMKIT_WORK_DIR" not in os.environ:
        os.environ["PMKIT_WORK_DIR"] = tempfile.mkdtemp(prefix="pmkit-test-work-")
    os.environ.setdefault("MPLBACKEND", "Agg")
