#!/usr/bin/env python
"""Build the course book (Jupyter Book 1) so that it works with no network.

    python tools/build_book.py [--skip-npm] [--strict] [--output DIR] [--all] [--toc FILE]
                               [--pdf] [--repository-url URL] [--jupyterhub-url URL]

Steps:

1. Install the widget JavaScript from the npm registry (``npm ci`` in ``book/widgets``, or
   ``npm install`` when there is no lock file). ``--skip-npm`` reuses what is already installed.
2. Copy the files the static pages need into ``book/_widgets_js/`` (git-ignored):
   ``ipywidgets/`` gets RequireJS, the ipywidgets HTML manager (``embed-amd.js``) and its icon
   fonts; ``mathjax/`` gets MathJax 3. ``book/_config.yml`` serves them from ``_static/``.
3. Build from the repository root, executing every notebook:
   ``jupyter-book build . --config book/_config.yml --toc book/_toc.yml -W -n --keep-going``.
   Any warning or broken reference fails the build.

``--strict`` also fails when the log holds a warning that Sphinx does not count (for example
Jupyter Book's own configuration check) or when a built page loads a script, stylesheet or font
from another host.

``--pdf`` makes the print version instead of the website: it builds the whole book as one HTML
page (Sphinx's ``singlehtml`` builder, into ``_build/singlehtml/``), opens that page in Debian's
Chromium through Playwright (``/usr/bin/chromium``, or ``$PMKIT_CHROMIUM``; nothing is
downloaded), waits until every widget is drawn from its saved state, opens every drop-down
solution, and prints it to ``_build/pdf/engineer-to-pm.pdf`` (A4, tagged, with bookmarks). No
request may leave 127.0.0.1 while it prints. It reuses the notebooks' saved outputs when the
website was built just before into the same ``--output``.

The launch buttons (Binder and JupyterHub) are built from ``repository.url`` and
``launch_buttons`` in ``book/_config.yml``. ``--repository-url`` and ``--jupyterhub-url`` (or the
environment variables ``PMKIT_REPOSITORY_URL`` and ``PMKIT_JUPYTERHUB_URL``) replace those values
for one build, without editing the file; the deploy workflow passes the repository it runs in.

The exit status is non-zero when the build fails. The whole log is kept in
``_build/html/reports/build.log``; for each notebook that failed to run, myst-nb writes the
traceback to ``_build/html/reports/<page>.err.log``. After a failed build the next one starts from
scratch, so that a page that failed is executed again rather than taken as up to date.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
BOOK_DIR = REPO_ROOT / "book"
NPM_DIR = BOOK_DIR / "widgets"
ASSETS_DIR = BOOK_DIR / "_widgets_js"

FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}

# Sphinx and Jupyter Book warnings, in the forms they take in the log.
WARNING_LINE = re.compile(r"(WARNING|ERROR|CRITICAL):|^Warning:|\[Warning\]")
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """The log without terminal colour codes."""
    return ANSI_CODE.sub("", text)


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and why."""


def run(cmd: list[str], cwd: Path) -> None:
    print("$ " + " ".join(cmd), flush=True)
    try:
        subprocess.run(cmd, cwd=cwd, check=True)
    except FileNotFoundError as err:
        raise BuildError(f"cannot run {cmd[0]!r}: {err}") from err
    except subprocess.CalledProcessError as err:
        raise BuildError(f"{' '.join(cmd)} failed with exit status {err.returncode}") from err


def install_npm_packages() -> None:
    """Install the pinned widget JavaScript from the npm registry into book/widgets/node_modules."""
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is not installed; install Node.js (it brings npm) or use --skip-npm")
    flags = ["--ignore-scripts", "--no-audit", "--no-fund"]
    verb = "ci" if (NPM_DIR / "package-lock.json").is_file() else "install"
    run([npm, verb, *flags], cwd=NPM_DIR)


def copy_assets() -> None:
    """Copy the JavaScript the static pages load into book/_widgets_js/ (replacing what was there)."""
    modules = NPM_DIR / "node_modules"
    manager = modules / "@jupyter-widgets" / "html-manager" / "dist"
    require = modules / "requirejs" / "require.js"
    mathjax = modules / "mathjax" / "es5"
    needed = [manager / "embed-amd.js", require, mathjax / "tex-mml-chtml.js"]
    missing = [str(p.relative_to(REPO_ROOT)) for p in needed if not p.is_file()]
    if missing:
        raise BuildError(
            "the widget JavaScript is not installed (missing: "
            + ", ".join(missing)
            + "); run without --skip-npm"
        )

    if ASSETS_DIR.exists():
        shutil.rmtree(ASSETS_DIR)
    widgets = ASSETS_DIR / "ipywidgets"
    widgets.mkdir(parents=True)
    shutil.copy2(require, widgets / "require.js")
    shutil.copy2(manager / "embed-amd.js", widgets / "embed-amd.js")
    for licence in (manager / "embed.js.LICENSE.txt", manager.parent / "LICENSE"):
        if licence.is_file():
            shutil.copy2(licence, widgets / f"html-manager-{licence.name}")
    if (require.parent / "LICENSE").is_file():
        shutil.copy2(require.parent / "LICENSE", widgets / "requirejs-LICENSE")
    fonts = [p for p in manager.iterdir() if p.suffix in FONT_SUFFIXES]
    if not fonts:
        raise BuildError(f"no font files found in {manager.relative_to(REPO_ROOT)}")
    for font in fonts:
        shutil.copy2(font, widgets / font.name)
    # MathJax: the one combined file the pages load, plus the fonts, extensions and menu parts it
    # loads on demand (not the other combined builds, nor the SVG output: about 9 MB, not 24 MB).
    def skip(folder: str, names: list[str]) -> list[str]:
        if Path(folder) == mathjax:
            return [n for n in names if n.endswith(".js") and n != "tex-mml-chtml.js"]
        if Path(folder) == mathjax / "output":
            return [n for n in names if n.startswith("svg")]
        return []

    shutil.copytree(mathjax, ASSETS_DIR / "mathjax", ignore=skip)
    if (mathjax.parent / "LICENSE").is_file():
        shutil.copy2(mathjax.parent / "LICENSE", ASSETS_DIR / "mathjax" / "LICENSE")


def jupyter_book_command() -> str:
    beside_python = Path(sys.executable).with_name("jupyter-book")
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("jupyter-book")
    if found is None:
        raise BuildError("jupyter-book is not installed; run: pip install -r requirements.txt")
    return found


# What the notebooks read besides themselves. Sphinx rebuilds only the pages whose source changed,
# so when one of these changes every page is rebuilt (and every notebook executed) again.
NOTEBOOK_INPUTS = ["src/pmkit", "datasets", "book/_static", "book/widgets/package-lock.json"]


def inputs_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in NOTEBOOK_INPUTS:
        top = REPO_ROOT / name
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def keep_reports(log: str, html_dir: Path) -> Path:
    """Keep the build log next to myst-nb's execution reports (reports/<page>.err.log)."""
    reports = html_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "build.log").write_text(log, encoding="utf-8")
    for report in sorted(reports.rglob("*.err.log")):
        print(f"Execution report: {report}")
    return reports


def build(
    output: Path,
    rebuild_all: bool,
    toc: str = "book/_toc.yml",
    config: str = "book/_config.yml",
    builder: str = "html",
) -> tuple[int, str]:
    """Run jupyter-book from the repository root; echo its output and return (status, log)."""
    cmd = [
        jupyter_book_command(),
        "build",
        ".",
        "--config",
        config,
        "--toc",
        toc,
        "--path-output",
        str(output),
        "--builder",
        builder,
        "-W",
        "-n",
        "--keep-going",
    ]
    if rebuild_all:
        cmd.append("--all")
    print("$ " + " ".join(cmd), flush=True)
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet a debugger notice in notebooks
    # The book shows every widget and exercise at its defaults: never the saved work of whoever
    # builds it (their my-work/ folder), and the build never writes into that folder either.
    env["PMKIT_WORK_DIR"] = tempfile.mkdtemp(prefix="pmkit-book-work-")
    proc = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None
    chunks = []
    for line in proc.stdout:
        sys.stdout.write(line)
        chunks.append(line)
    status = proc.wait()
    return status, strip_ansi("".join(chunks))


def warnings_in(log: str) -> list[str]:
    return [line for line in log.splitlines() if WARNING_LINE.search(line)]


def remote_assets(html_dir: Path) -> list[str]:
    """Scripts, stylesheets, fonts and images that a built page would fetch from another host."""
    pattern = re.compile(
        r"<(?:script|img|iframe|source)\b[^>]*\bsrc\s*=\s*[\"'](?P<a>(?:https?:)?//[^\"']+)"
        r"|<link\b[^>]*\bhref\s*=\s*[\"'](?P<b>(?:https?:)?//[^\"']+)"
        r"|url\(\s*[\"']?(?P<c>(?:https?:)?//[^)\"']+)",
        re.IGNORECASE,
    )
    local = re.compile(r"^(?:https?:)?//(?:127\.0\.0\.1|localhost)(?::\d+)?/", re.IGNORECASE)
    found = []
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in pattern.finditer(text):
            url = m.group("a") or m.group("b") or m.group("c")
            if local.match(url):
                continue
            # <link rel="canonical"> etc. are not fetched; stylesheets, icons and preloads are.
            tag_start = text.rfind("<", 0, m.start() + 1)
            tag = text[tag_start : text.find(">", m.start()) + 1]
            if tag.lower().startswith("<link") and not re.search(
                r"rel\s*=\s*[\"'][^\"']*(stylesheet|icon|preload|modulepreload|prefetch)",
                tag,
                re.IGNORECASE,
            ):
                continue
            found.append(f"{page.relative_to(html_dir)}: {url}")
    return found


# --------------------------------------------------------------------------------------------
# Launch buttons: the repository and the JupyterHub they point at


def _check_url(url: str, what: str) -> str:
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BuildError(f"{what} must be a full web address such as https://github.com/OWNER/NAME, not {url!r}")
    return url.rstrip("/")


def book_config(repository_url: str | None, jupyterhub_url: str | None, folder: Path) -> str:
    """The configuration file to build with: book/_config.yml itself, or a copy of it (written into
    ``folder``) with the repository or JupyterHub address replaced for this build only."""
    if not repository_url and not jupyterhub_url:
        return "book/_config.yml"
    config = yaml.safe_load((BOOK_DIR / "_config.yml").read_text(encoding="utf-8"))
    if repository_url:
        config.setdefault("repository", {})["url"] = _check_url(repository_url, "--repository-url")
    if jupyterhub_url:
        config.setdefault("launch_buttons", {})["jupyterhub_url"] = _check_url(jupyterhub_url, "--jupyterhub-url")
    # Jupyter Book finds local extensions relative to the configuration file: point the copy's
    # at book/ itself.
    extensions = (config.get("sphinx") or {}).get("local_extensions") or {}
    for name, where in extensions.items():
        extensions[name] = str((BOOK_DIR / where).resolve())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "_config.yml"
    # Every other path in the configuration is relative to the book's source (the repository
    # root), not to the configuration file, so the copy works from anywhere.
    path.write_text(
        "# Written by tools/build_book.py from book/_config.yml; do not edit.\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    print(f"Launch buttons: repository {config['repository']['url']}, "
          f"JupyterHub {config['launch_buttons'].get('jupyterhub_url')}")
    return str(path)


# --------------------------------------------------------------------------------------------
# The print version: the single-page book printed to PDF by Chromium

CHROMIUM = Path(os.environ.get("PMKIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PDF_NAME = "engineer-to-pm.pdf"
# The theme asks every page for the search index; the single-page book has none (and paper has
# no search box), so that one missing file is expected.
NOT_NEEDED_FOR_PRINT = ("/searchindex.js",)
WIDGETS_DRAWN = """() => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
    const all = [...document.querySelectorAll('.jupyter-widgets-disconnected')];
    const drawn = all.filter(e => !e.parentElement.closest('.jupyter-widgets-disconnected')).length;
    return {views, drawn};
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):  # keep the build log readable
        pass


def single_page(site: Path, toc: str) -> str:
    """The single-page book, at the top of ``site``, and its name.

    Sphinx's singlehtml builder writes the whole book into the root document's file
    (book/intro.html) but writes every link in it (_static/..., _images/...) as if that file sat
    at the top of the site, as index.html does in most books. A copy at the top makes the links
    work.
    """
    root = yaml.safe_load((REPO_ROOT / toc).read_text(encoding="utf-8"))["root"]
    page = site / f"{root}.html"
    if not page.is_file():
        raise BuildError(f"the single-page book {page} was not written")
    name = "engineer-to-pm.html"
    shutil.copy2(page, site / name)
    return name


def print_pdf(site: Path, pdf: Path, page_path: str = "index.html", timeout_s: float = 180) -> int:
    """Print site/page_path (by default the single-page book) to pdf with Chromium; returns the
    number of pages in the PDF.

    The page is served on 127.0.0.1 (RequireJS and the widget fonts need http), and every request
    to another host is refused and reported: the print version must not depend on the network.
    """
    if not (site / page_path).is_file():
        raise BuildError(f"nothing to print: {site / page_path} is missing")
    if not CHROMIUM.exists():
        raise BuildError(f"{CHROMIUM} is missing: install Debian's chromium package (or set PMKIT_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise BuildError("Playwright is not installed; run: pip install -r requirements.txt") from err

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    refused: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1200, "height": 1600})

                def route(r):
                    host = urlparse(r.request.url).hostname
                    if r.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
                        r.continue_()
                    else:
                        refused.append(r.request.url)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on(
                    "response",
                    lambda r: failed.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not urlparse(r.url).path.endswith(NOT_NEEDED_FOR_PRINT)
                    else None,
                )
                url = f"http://127.0.0.1:{server.server_address[1]}/{page_path}"
                print(f"Printing {url} to {pdf}", flush=True)
                page.goto(url, wait_until="load", timeout=timeout_s * 1000)
                try:
                    page.wait_for_function(
                        f"() => {{ const c = ({WIDGETS_DRAWN})(); return c.drawn >= c.views; }}",
                        timeout=timeout_s * 1000,
                    )
                except Exception as err:  # noqa: BLE001 - say what is missing
                    counts = page.evaluate(WIDGETS_DRAWN)
                    raise BuildError(
                        f"the widgets were not all drawn within {timeout_s:.0f} s ({counts}); "
                        f"refused requests: {refused}; page errors: {errors}"
                    ) from err
                page.wait_for_load_state("networkidle")
                page.evaluate("() => window.pmkitOpenForPrint && window.pmkitOpenForPrint()")
                page.emulate_media(media="print")
                pdf.parent.mkdir(parents=True, exist_ok=True)
                page.pdf(
                    path=str(pdf),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=(
                        '<div style="font-size:8px;width:100%;text-align:center;color:#444;">'
                        'Engineer → PM · page <span class="pageNumber"></span> of '
                        '<span class="totalPages"></span></div>'
                    ),
                    tagged=True,
                    outline=True,
                )
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    if refused:
        raise BuildError("the print version asked for files from other hosts: " + ", ".join(sorted(set(refused))))
    if failed:
        raise BuildError("the print version is missing files: " + ", ".join(sorted(set(failed))))
    data = pdf.read_bytes()
    if not data.startswith(b"%PDF"):
        raise BuildError(f"{pdf} is not a PDF file")
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-npm", action="store_true", help="reuse the installed widget JavaScript (no npm)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail on any warning in the log and on pages that load files from another host",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT,
        help="folder that receives _build/ (default: the repository root)",
    )
    parser.add_argument("--all", action="store_true", help="rebuild every page, not only changed ones")
    parser.add_argument(
        "--toc",
        default="book/_toc.yml",
        help="table of contents to build (default: book/_toc.yml); a smaller one builds one chapter",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help=f"build the print version: the whole book on one page, printed to _build/pdf/{PDF_NAME}",
    )
    parser.add_argument(
        "--repository-url",
        default=os.environ.get("PMKIT_REPOSITORY_URL") or None,
        help="repository the launch buttons point at (default: repository.url in book/_config.yml)",
    )
    parser.add_argument(
        "--jupyterhub-url",
        default=os.environ.get("PMKIT_JUPYTERHUB_URL") or None,
        help="JupyterHub the launch buttons point at (default: launch_buttons.jupyterhub_url)",
    )
    args = parser.parse_args(argv)
    output = args.output.resolve()
    builder = "singlehtml" if args.pdf else "html"
    html_dir = output / "_build" / builder

    started = time.perf_counter()
    try:
        if not args.skip_npm:
            install_npm_packages()
        copy_assets()
        shutil.rmtree(html_dir / "reports", ignore_errors=True)  # no stale reports
        stamp = output / "_build" / ".notebook-inputs.sha256"
        fingerprint = inputs_fingerprint()
        previous = stamp.read_text().strip() if stamp.is_file() else None
        rebuild_all = args.all or (previous is not None and previous != fingerprint)
        if rebuild_all and not args.all:
            print("The course package, data or book assets changed: rebuilding every page.")
        stamp.unlink(missing_ok=True)
        config = book_config(args.repository_url, args.jupyterhub_url, output / "_build" / ".config")
        status, log = build(output, rebuild_all, args.toc, config, builder)
        pages = None
        if args.pdf and status == 0:
            pages = print_pdf(html_dir, output / "_build" / "pdf" / PDF_NAME, single_page(html_dir, args.toc))
    except BuildError as err:
        print(f"build_book: {err}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started

    reports = keep_reports(log, html_dir)
    problems = []
    if status != 0:
        problems.append(f"jupyter-book exited with status {status}")
    if args.strict:
        problems += [f"warning in the log: {line}" for line in warnings_in(log)]
        problems += [f"page loads a file from another host: {item}" for item in remote_assets(html_dir)]

    if not problems:
        stamp.write_text(fingerprint + "\n")
    if problems:
        # Sphinx saved its environment even though the build failed; without this, the next
        # incremental build would skip the failing pages and pass.
        shutil.rmtree(output / "_build" / ".doctrees", ignore_errors=True)
        print("\nThe book build FAILED:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(f"The build log is kept in {reports / 'build.log'}", file=sys.stderr)
        return 1
    if args.pdf:
        pdf = output / "_build" / "pdf" / PDF_NAME
        print(f"\nThe print version was built in {seconds:.1f} s: {pdf} ({pages} pages)")
        return 0
    print(f"\nThe book was built in {seconds:.1f} s. Open {html_dir / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
