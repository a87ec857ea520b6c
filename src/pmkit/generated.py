"""Write, or check, files that a script generates (the case-study data, the demo cohort folder).

Every generator in ``datasets/`` renders its files in memory, then calls :func:`write_or_check`:
without ``--check`` it writes them; with ``--check`` it compares them byte for byte with what is
on disk and returns 1, with one line per stale file, when they differ. The tests run every
generator with ``--check``, so committed data can never drift from the script that makes it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_or_check"]


def write_or_check(
    files: Mapping[str, str | bytes],
    outdir: Path,
    script: str,
    check: bool,
    *,
    only_these: bool = False,
) -> int:
    """Write ``files`` (name -> text or bytes) into ``outdir``, or check them when ``check``.

    ``script`` is the generator's path as a user types it (``datasets/make_backlog.py``); the
    messages name it. With ``only_these`` a check also fails on files in ``outdir`` that the
    script does not make (for a folder the script owns entirely). Returns the exit status."""
    data = {name: text.encode("utf-8") if isinstance(text, str) else text for name, text in files.items()}
    name = Path(script).name
    if check:
        stale = []
        for file, content in data.items():
            path = outdir / file
            if not path.is_file():
                stale.append(f"{path} is missing")
            elif path.read_bytes() != content:
                stale.append(f"{path} differs from what {name} produces")
        if only_these and outdir.is_dir():
            stale += [f"{outdir / extra} is not made by {name}"
                      for extra in sorted({p.name for p in outdir.iterdir()} - set(data))]
        if stale:
            print("\n".join(stale), file=sys.stderr)
            print(f"Run `python {script}` to regenerate.", file=sys.stderr)
            return 1
        print(f"{', '.join(data) if len(data) <= 4 else f'{outdir} ({len(data)} files)'} match {name}")
        return 0
    outdir.mkdir(parents=True, exist_ok=True)
    for file, content in data.items():
        (outdir / file).write_bytes(content)
    print(f"wrote {len(data)} file(s) to {outdir}")
    return 0
