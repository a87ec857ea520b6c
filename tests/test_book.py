"""The book: it builds with no warnings, its links work, and it works with no network.

The session fixture ``book`` (tests/conftest.py) builds the book once (``tools/build_book.py``,
which runs ``jupyter-book build . -W -n --keep-going`` and executes every notebook) into a
temporary folder; every test here, and tests/test_site.py, reads that build. The pages are those
listed in ``book/_toc.yml``. The browser tests serve the HTML on 127.0.0.1 and open pages in
headless Chromium: every request must stay on 127.0.0.1, every widget saved in a module's page
(the RICE calculator and the rest) must be drawn from the saved widget state, and each widget
must carry the "Preview" note. tests/test_site.py walks every page of the site.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "tools" / "build_book.py"


def _toc_files(node) -> list[str]:
    """Every file named in book/_toc.yml, in reading order."""
    found = []
    if isinstance(node, dict):
        for key in ("root", "file"):
            if isinstance(node.get(key), str):
                found.append(node[key])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key) or []:
                found.extend(_toc_files(child))
    return found


def _html_name(doc: str) -> str:
    return re.sub(r"\.(md|ipynb)$", "", doc) + ".html"


# The pages of book/_toc.yml, as built.
TOC_PAGES = [
    _html_name(doc) for doc in _toc_files(yaml.safe_load((REPO_ROOT / "book" / "_toc.yml").read_text("utf-8")))
]
LANDING = "book/intro.html"
OUTLINE = "book/outline.html"
CHAPTER = "notebooks/03_prioritization.html"
EXERCISES = "exercises/solutions/03_prioritization_exercises.html"
MODULE_PAGES = [p for p in TOC_PAGES if re.match(r"notebooks/\d\d_", p)]
EXERCISE_PAGES = [p for p in TOC_PAGES if p.startswith("exercises/solutions/")]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Hosts that serve JavaScript, styles or fonts to other sites. A page must never FETCH anything
# from them (nor from any other host). The one kind of plain link to such a host that is allowed
# is a launch button (mybinder.org), which the reader follows on purpose to run a notebook live.
CDN_HOSTS = re.compile(
    r"cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|fonts\.googleapis\.com"
    r"|fonts\.gstatic\.com|ajax\.googleapis\.com|code\.jquery\.com|cdn\.plot\.ly"
    r"|mybinder\.org|api\.mystmd\.org",
    re.IGNORECASE,
)

pytestmark = [pytest.mark.book, pytest.mark.slow]


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_book", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_book = _load_build_script()


def _tail(text: str, lines: int = 80) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _require_pages(book) -> None:
    missing = [page for page in TOC_PAGES if not (book.html / page).is_file()]
    if missing:
        pytest.fail(f"pages not built: {missing}\n--- end of build log ---\n{_tail(book.log)}")


# --------------------------------------------------------------------------------------------
# The launch buttons' addresses, replaced for one build (no build needed)


def test_launch_addresses_can_be_set_for_one_build_without_editing_the_config(tmp_path):
    config_yml = REPO_ROOT / "book" / "_config.yml"
    before = config_yml.read_text("utf-8")
    assert build_book.book_config(None, None, tmp_path) == "book/_config.yml"
    path = build_book.book_config("https://github.com/acme/pm-course/", "https://hub.acme.test", tmp_path)
    copy = yaml.safe_load(Path(path).read_text("utf-8"))
    original = yaml.safe_load(before)
    assert copy["repository"]["url"] == "https://github.com/acme/pm-course"
    assert copy["launch_buttons"]["jupyterhub_url"] == "https://hub.acme.test"
    assert copy["launch_buttons"]["binderhub_url"] == original["launch_buttons"]["binderhub_url"]
    for name, folder in copy["sphinx"]["local_extensions"].items():
        assert Path(folder).is_absolute() and (Path(folder) / f"{name}.py").is_file()
    assert {k: v for k, v in copy.items() if k not in ("repository", "launch_buttons", "sphinx")} == {
        k: v for k, v in original.items() if k not in ("repository", "launch_buttons", "sphinx")
    }
    assert config_yml.read_text("utf-8") == before, "book/_config.yml itself must not change"
    with pytest.raises(build_book.BuildError, match="full web address"):
        build_book.book_config("github.com/acme/pm-course", None, tmp_path)


# --------------------------------------------------------------------------------------------
# The build


def test_book_builds_with_no_warnings(book):
    warnings = build_book.warnings_in(build_book.strip_ansi(book.log))
    assert book.returncode == 0 and not warnings, (
        f"the book build failed (exit status {book.returncode}) or warned:\n"
        + "\n".join(warnings)
        + f"\n--- end of build log ---\n{_tail(book.log)}"
    )


def test_every_toc_page_is_built_and_notebooks_were_executed(book):
    _require_pages(book)
    chapter = (book.html / CHAPTER).read_text(encoding="utf-8")
    # Notebooks are committed without outputs, so outputs in the page prove the build ran them.
    assert chapter.count('class="cell_output') >= 3, "the chapter shows no cell outputs"
    assert 'application/vnd.jupyter.widget-state+json' in chapter, "no widget state was saved"
    assert "pmkit-rice" in chapter, "the RICE calculator is not in the chapter"
    landing = html.unescape(re.sub(r"<[^>]+>", "", (book.html / LANDING).read_text("utf-8")))
    for text in ("pip install -r requirements.txt", "jupyter lab notebooks/", "CC BY 4.0", "MIT"):
        assert text in landing, f"the landing page does not say {text!r}"


def test_every_module_in_the_book_shows_its_outputs_and_widgets(book):
    _require_pages(book)
    assert CHAPTER in MODULE_PAGES and EXERCISES in EXERCISE_PAGES, "book/_toc.yml lost Module 03"
    for rel in MODULE_PAGES:
        chapter = (book.html / rel).read_text(encoding="utf-8")
        assert chapter.count('class="cell_output') >= 3, f"{rel} shows no cell outputs"
        assert "application/vnd.jupyter.widget-state+json" in chapter, f"{rel}: no widget state saved"


@pytest.mark.parametrize("rel", EXERCISE_PAGES)
def test_solutions_are_hidden_in_dropdowns(book, rel):
    _require_pages(book)
    page = _parse(book.html / rel)
    solutions = [classes for tag, classes in page.classes if "solution" in classes]
    exercises = [classes for tag, classes in page.classes if "exercise" in classes]
    assert exercises, "the exercises page has no sphinx-exercise exercises"
    assert solutions, "the exercises page has no sphinx-exercise solutions"
    shown = [c for c in solutions if "dropdown" not in c]
    assert not shown, f"solutions not in a dropdown: {shown}"
    assert page.solution_code_cells > 0, "no code cell sits inside a gated solution"


# --------------------------------------------------------------------------------------------
# Links and remote files


class _PageParser(HTMLParser):
    """Collect a page's links, ids, classes and inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.launch_links: list[str] = []  # <a href> inside the theme's launch-buttons menu
        self.ids: set[str] = set()
        self.classes: list[tuple[str, set[str]]] = []
        self.scripts: list[tuple[dict, str]] = []  # (attributes, body) of inline scripts
        self.solution_code_cells = 0
        self._script: dict | None = None
        self._body: list[str] = []
        self._stack: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        for name in ("id", "name"):
            if attrs.get(name):
                self.ids.add(attrs[name])
        classes = set(attrs.get("class", "").split())
        if classes:
            self.classes.append((tag, classes))
        if tag not in {"br", "img", "input", "link", "meta", "hr", "source", "wbr", "area", "col"}:
            self._stack.append((tag, classes))
        if "cell" in classes and any("solution" in c for _, c in self._stack[:-1]):
            self.solution_code_cells += 1
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append((tag, name, attrs[name]))
        if tag == "a" and attrs.get("href") and any(
            "dropdown-launch-buttons" in c for _, c in self._stack[:-1]
        ):
            self.launch_links.append(attrs["href"])
        if tag == "script" and not attrs.get("src"):
            self._script, self._body = attrs, []

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._body)))
            self._script = None
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if self._script is not None:
            self._body.append(data)


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def _pages(html: Path) -> list[Path]:
    """The built pages (not the theme's template fragments that sit in _static/)."""
    return [p for p in sorted(html.rglob("*.html")) if "_static" not in p.relative_to(html).parts]


def test_internal_links_and_anchors_resolve(book):
    _require_pages(book)
    broken = []
    for page in _pages(book.html):
        rel = page.relative_to(book.html).as_posix()
        for tag, attr, url in _parse(page).links:
            parts = urlparse(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            if not parts.path:  # "#anchor" in the same page
                target = page
            else:
                target = (page.parent / unquote(parts.path)).resolve()
                if parts.path.endswith("/") or target.is_dir():
                    target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: <{tag} {attr}={url!r}> -> missing {target}")
                continue
            if parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _parse(target).ids:
                    broken.append(f"{rel}: <{tag} {attr}={url!r}> -> no id {parts.fragment!r}")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_no_page_loads_anything_from_another_host(book):
    _require_pages(book)
    problems = [f"fetched from another host: {item}" for item in build_book.remote_assets(book.html)]
    for page in _pages(book.html):
        rel = page.relative_to(book.html).as_posix()
        for attrs, body in _parse(page).scripts:
            kind = attrs.get("type", "")
            if kind.startswith("application/vnd.jupyter.widget"):
                # Widget state is data: links in it are text; only embedded images would load.
                for url in re.findall(r"src=\\?[\"'](?:https?:)?//([^\"'\\]+)", body):
                    problems.append(f"{rel}: widget state embeds a remote file: {url}")
                continue
            for url in re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'`)]*", body):
                if urlparse(url if "://" in url else "http:" + url).hostname not in LOCAL_HOSTS:
                    problems.append(f"{rel}: inline script names a remote address: {url}")
        parsed = _parse(page)
        for tag, attr, url in parsed.links:
            if not CDN_HOSTS.search(url):
                continue
            if tag == "a" and attr == "href" and url in parsed.launch_links:
                continue  # a launch button: a link the reader follows, not a file the page loads
            problems.append(f"{rel}: <{tag} {attr}={url!r}> points at a CDN")
    for css in sorted(book.html.rglob("*.css")):
        for url in re.findall(r"url\(\s*[\"']?((?:https?:)?//[^)\"']+)", css.read_text("utf-8", "replace")):
            problems.append(f"{css.relative_to(book.html)}: stylesheet loads {url}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------------------------
# The static book in a real browser


def _open(browser, url: str):
    """Open url in a new page that records every request, refusing those to other hosts."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    record = {"remote": [], "failed": [], "errors": []}

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            r.continue_()
        else:
            record["remote"].append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("requestfailed", lambda r: record["failed"].append(f"{r.url} ({r.failure})"))
    page.on(
        "response",
        lambda r: record["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on(
        "console",
        lambda m: record["errors"].append(f"console: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: record["errors"].append(f"page error: {e}"))
    page.goto(url, wait_until="load")
    return context, page, record


def _assert_clean(record, missing, where):
    assert not record["remote"], f"{where}: requests left 127.0.0.1: {record['remote']}"
    assert not record["failed"] and not missing, (
        f"{where}: failed requests: {record['failed'] + missing}"
    )
    assert not record["errors"], f"{where}: errors in the browser console: {record['errors']}"


@pytest.mark.browser
def test_static_pages_stay_local_and_error_free(browser, book_server, artifacts_dir):
    base, missing = book_server
    for rel in ["index.html", *[p for p in TOC_PAGES if p not in MODULE_PAGES]]:
        context, page, record = _open(browser, urljoin(base, rel))
        try:
            page.wait_for_load_state("networkidle")
            if rel in EXERCISE_PAGES:
                name = Path(rel).stem
                page.screenshot(path=str(artifacts_dir / f"book-{name}.png"), full_page=True)
            _assert_clean(record, missing, rel)
        finally:
            context.close()


_WIDGET_COUNTS = """() => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
    const all = [...document.querySelectorAll('.jupyter-widgets-disconnected')];
    const outer = all.filter(e => !e.parentElement.closest('.jupyter-widgets-disconnected'));
    const notes = document.querySelectorAll('.pmkit-preview-note').length;
    return {views, drawn: outer.length, notes};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("rel", [p for p in MODULE_PAGES if p != CHAPTER])
def test_static_module_widgets_render_offline(browser, book_server, artifacts_dir, rel):
    """Every widget saved in a module's page is drawn, with no network, under a 'Preview' note."""
    base, missing = book_server
    context, page, record = _open(browser, urljoin(base, rel))
    try:
        try:
            page.wait_for_function(
                f"() => {{ const c = ({_WIDGET_COUNTS})(); return c.views > 0 && c.drawn >= c.views; }}",
                timeout=60_000,
            )
        except Exception:  # noqa: BLE001 - say what is missing
            page.screenshot(path=str(artifacts_dir / f"book-{Path(rel).stem}.png"), full_page=True)
            pytest.fail(
                f"{rel}: the widgets were not all drawn within 60 s: {page.evaluate(_WIDGET_COUNTS)}; "
                f"requests refused: {record['remote']}; failed: {record['failed'] + missing}; "
                f"errors: {record['errors']}"
            )
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts_dir / f"book-{Path(rel).stem}.png"), full_page=True)
        counts = page.evaluate(_WIDGET_COUNTS)
        assert counts["notes"] == counts["drawn"], f"{rel}: widgets vs 'Preview' notes: {counts}"
        empty = page.evaluate(
            """() => [...document.querySelectorAll('.jupyter-widgets-disconnected')]
                  .filter(e => !e.parentElement.closest('.jupyter-widgets-disconnected'))
                  .filter(e => e.getBoundingClientRect().height < 20).length"""
        )
        assert empty == 0, f"{rel}: {empty} widget(s) drawn with no visible content"
        broken_images = page.evaluate(
            """() => [...document.querySelectorAll('main img')]
                  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""
        )
        assert not broken_images, f"{rel}: images that did not load: {broken_images}"
        _assert_clean(record, missing, rel)
    finally:
        context.close()


@pytest.mark.browser
def test_static_chapter_shows_the_rice_calculator_offline(browser, book_server, artifacts_dir):
    base, missing = book_server
    context, page, record = _open(browser, urljoin(base, CHAPTER))
    try:
        try:
            page.wait_for_selector(".pmkit-rice .pmkit-rice-table table", timeout=60_000)
        except Exception:  # noqa: BLE001 - say why the widgets are missing
            page.screenshot(path=str(artifacts_dir / "book-prioritization.png"), full_page=True)
            pytest.fail(
                "the RICE calculator's table was not drawn within 60 s; "
                f"requests refused: {record['remote']}; failed: {record['failed'] + missing}; "
                f"errors: {record['errors']}"
            )
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts_dir / "book-prioritization.png"), full_page=True)

        rice = page.locator(".pmkit-rice").first
        assert "jupyter-widgets" in (rice.get_attribute("class") or ""), "pmkit-rice is no widget"
        for selector in (
            ".pmkit-rice-item select",
            ".pmkit-rice-reach input",
            ".pmkit-rice-effort input",
            ".pmkit-rice-impact select",
            ".pmkit-rice-confidence select",
        ):
            control = rice.locator(selector)
            assert control.count() >= 1, f"the RICE calculator has no {selector}"
            assert control.first.is_visible(), f"{selector} is not visible"
        rows = rice.locator(".pmkit-rice-table table tr[data-item]")
        assert rows.count() >= 10, f"the ranked table shows {rows.count()} rows, expected >= 10"

        # The note that tells the reader this is a preview sits above the calculator.
        note_ok = rice.evaluate(
            """el => {
                const w = el.closest('.pmkit-preview-widget');
                const n = w && w.previousElementSibling;
                return !!(n && n.classList.contains('pmkit-preview-note')
                          && n.offsetParent !== null && n.textContent.includes('Preview'));
            }"""
        )
        assert note_ok, "no visible 'Preview' note above the RICE calculator"
        # ...and above every other widget drawn from saved state.
        counts = page.evaluate(
            """() => {
                const all = [...document.querySelectorAll('.jupyter-widgets-disconnected')];
                const outer = all.filter(e => !e.parentElement.closest('.jupyter-widgets-disconnected'));
                return [outer.length, document.querySelectorAll('.pmkit-preview-note').length];
            }"""
        )
        assert counts[0] >= 1 and counts[0] == counts[1], f"widgets vs preview notes: {counts}"

        broken_images = page.evaluate(
            """() => [...document.querySelectorAll('main img')]
                  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""
        )
        assert not broken_images, f"images that did not load: {broken_images}"
        _assert_clean(record, missing, CHAPTER)
    finally:
        context.close()
