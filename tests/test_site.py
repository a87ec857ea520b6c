"""The published site, walked page by page in headless Chromium, as a reader would use it.

Reads the one build of the session (the ``book`` fixture in tests/conftest.py) and serves it on
127.0.0.1. Every page of the site is opened in Chromium, and for each page:

* no error in the browser console, no failed request, and no request that leaves 127.0.0.1;
* every widget saved in the page is drawn from its saved state, under a "Preview" note;
* every image has alt text, and every image loads;
* headings are in order in the article (h1, then h2, then h3: no level skipped);
* every form control and button has an accessible name (as Chromium's accessibility tree
  computes it), and the Tab key reaches every widget control;
* a full-page screenshot is saved in tests/artifacts/ (git-ignored) for a human to look at.

Further tests check what makes the site one course: the launch buttons of every notebook page,
the parts every chapter has, the course map's times (against the notebooks' metadata), the
glossary, the bibliography, the "about the data" page, the execution-times page, the visible
keyboard focus, and the print view.
"""

from __future__ import annotations

import html as html_lib
import importlib.util
import json
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlparse

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((REPO_ROOT / "book" / "_config.yml").read_text("utf-8"))
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

pytestmark = [pytest.mark.book, pytest.mark.slow]


def _toc_files(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key in ("root", "file"):
            if isinstance(node.get(key), str):
                found.append(node[key])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key) or []:
                found.extend(_toc_files(child))
    return found


TOC_DOCS = _toc_files(yaml.safe_load((REPO_ROOT / "book" / "_toc.yml").read_text("utf-8")))
TOC_PAGES = [f"{doc}.html" for doc in TOC_DOCS]
# Every page of the site: the chapters, plus the pages Sphinx adds (the landing redirect, the
# index of terms and the search page).
SITE_PAGES = ["index.html", *TOC_PAGES, "genindex.html", "search.html"]
NOTEBOOK_DOCS = [doc for doc in TOC_DOCS if (REPO_ROOT / f"{doc}.ipynb").is_file()]
MODULE_DOCS = [doc for doc in TOC_DOCS if re.fullmatch(r"notebooks/\d\d_\w+", doc)]
MODULE_IDS = [re.match(r"notebooks/(\d\d)", doc).group(1) for doc in MODULE_DOCS]


def _page_id(rel: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "__", rel.removesuffix(".html"))


def _metadata(doc: str) -> dict:
    nb = json.loads((REPO_ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"))
    return nb["metadata"]["pmkit"]


def _text(fragment: str) -> str:
    """Visible text of an HTML fragment, with whitespace collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _read(book, rel: str) -> str:
    path = book.html / rel
    if not path.is_file():
        pytest.fail(f"{rel} was not built (build exit status {book.returncode}); end of log:\n{book.log[-3000:]}")
    return path.read_text(encoding="utf-8")


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_book", REPO_ROOT / "tools" / "build_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------------------------
# The site as a whole


def test_the_walk_covers_every_page_of_the_site(book):
    """Every HTML page the build made is one of SITE_PAGES, so the browser walk misses none."""
    built = {
        p.relative_to(book.html).as_posix()
        for p in book.html.rglob("*.html")
        if not {"_static", "_sources", "reports"} & set(p.relative_to(book.html).parts)
    }
    missing = sorted(set(SITE_PAGES) - built)
    extra = sorted(built - set(SITE_PAGES))
    assert not missing, f"pages in book/_toc.yml that were not built: {missing}"
    assert not extra, f"pages the build made that the walk would skip: {extra}"


# --------------------------------------------------------------------------------------------
# Every page in a real browser


_PAGE_STATE = """() => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
    const all = [...document.querySelectorAll('.jupyter-widgets-disconnected')];
    const outer = all.filter(e => !e.parentElement.closest('.jupyter-widgets-disconnected'));
    return {views, drawn: outer.length, notes: document.querySelectorAll('.pmkit-preview-note').length};
}"""

_CHECKS = """() => {
    const visible = el => {
        if (el.closest('[hidden], [aria-hidden="true"], details:not([open]) > :not(summary)')) return false;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') return false;
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
    };
    const describe = el => {
        const owner = el.closest('[class*="pmkit-"]');
        const cls = owner ? [...owner.classList].filter(c => c.startsWith('pmkit-')).join('.') : '';
        const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().slice(0, 50);
        return `<${el.tagName.toLowerCase()}${el.type ? ' type=' + el.type : ''}> ${cls} ${JSON.stringify(text)}`;
    };

    // Images: alt text, and loaded.
    const images = [...document.querySelectorAll('img')];
    const noAlt = images.filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src.slice(0, 100));
    const broken = images.filter(i => visible(i) && !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 100));

    // Headings of the article, in document order (widget and cell outputs included).
    const article = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
    const headings = [...article.querySelectorAll('h1, h2, h3, h4, h5, h6')]
        .filter(h => !h.closest('[hidden], [aria-hidden="true"]'))
        .map(h => ({level: Number(h.tagName[1]), text: h.textContent.replace('#', '').trim().slice(0, 60)}));

    // Widgets that failed.
    const widgetErrors = [...document.querySelectorAll('.jupyter-widgets')]
        .filter(e => /Error (creating|displaying) widget/.test(e.textContent)).length;

    // The widget controls a keyboard user must be able to reach.
    const selector = 'input:not([type="hidden"]), select, textarea, button, [role="slider"], [role="button"], [tabindex]:not([tabindex="-1"])';
    const controls = [...document.querySelectorAll('.jupyter-widgets')]
        .flatMap(w => [...w.querySelectorAll(selector)])
        .filter((el, i, all) => all.indexOf(el) === i)
        .filter(el => !el.disabled && visible(el));
    controls.forEach((el, i) => el.setAttribute('data-pmkit-control', String(i)));
    return {noAlt, broken, headings, widgetErrors,
            controls: controls.map(el => ({id: String(controls.indexOf(el)), group: el.type === 'radio' && el.name ? 'radio:' + el.name : null, what: describe(el)}))};
}"""

_INTERACTIVE_ROLES = {
    "button", "checkbox", "combobox", "listbox", "menuitem", "radio", "slider", "spinbutton",
    "switch", "textbox", "searchbox", "tab", "link", "menuitemcheckbox", "menuitemradio", "option",
}


def _unnamed_controls(page) -> list[str]:
    """Interactive elements whose accessible name (as Chromium computes it) is empty."""
    client = page.context.new_cdp_session(page)
    try:
        nodes = client.send("Accessibility.getFullAXTree")["nodes"]
        unnamed = []
        for node in nodes:
            if node.get("ignored"):
                continue
            role = (node.get("role") or {}).get("value", "")
            name = ((node.get("name") or {}).get("value") or "").strip()
            if role not in _INTERACTIVE_ROLES or name:
                continue
            what = role
            if node.get("backendDOMNodeId"):
                try:
                    described = client.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
                    attrs = described.get("attributes", [])
                    attrs = dict(zip(attrs[::2], attrs[1::2]))
                    what = f"{role} <{described.get('localName')} class={attrs.get('class', '')!r}>"
                except Exception:  # noqa: BLE001 - the description is only for the message
                    pass
            unnamed.append(what)
        return unnamed
    finally:
        client.detach()


def _tab_walk(page, limit: int = 2000, batch: int = 50) -> set[str]:
    """Press Tab from the top of the page until the focus comes round again (or ``limit``);
    return the data-pmkit-control ids of the widget controls that got the focus."""
    page.evaluate(
        """() => {
            window.__pmkitFocus = [];
            document.addEventListener('focusin', e => window.__pmkitFocus.push(e.target), true);
            if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
            window.scrollTo(0, 0);
        }"""
    )
    pressed = 0
    while pressed < limit:
        for _ in range(batch):
            page.keyboard.press("Tab")
        pressed += batch
        wrapped = page.evaluate(
            """() => { const f = window.__pmkitFocus; const seen = new Set();
                       for (const el of f) { if (seen.has(el)) return true; seen.add(el); } return false; }"""
        )
        if wrapped:
            break
    return set(
        page.evaluate(
            """() => [...new Set(window.__pmkitFocus)]
                  .map(el => el.getAttribute && el.getAttribute('data-pmkit-control'))
                  .filter(x => x !== null)"""
        )
    )


def _heading_problems(headings: list[dict]) -> list[str]:
    problems = []
    if headings and headings[0]["level"] != 1:
        problems.append(f"the first heading is h{headings[0]['level']} ({headings[0]['text']!r}), not h1")
    for before, after in zip(headings, headings[1:]):
        if after["level"] > before["level"] + 1:
            problems.append(
                f"h{before['level']} {before['text']!r} is followed by h{after['level']} {after['text']!r}"
                f" (skips h{before['level'] + 1})"
            )
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("rel", SITE_PAGES, ids=_page_id)
def test_page_works_in_a_browser(browser, book_server, artifacts_dir, rel):
    base, _ = book_server
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    record = {"remote": [], "failed": [], "errors": []}

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            record["remote"].append(url)
            r.abort()

    context.route("**/*", route)
    page.on("requestfailed", lambda r: record["failed"].append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: record["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: record["errors"].append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: record["errors"].append(f"page error: {e}"))
    problems: list[str] = []
    try:
        page.goto(urljoin(base, rel), wait_until="load", timeout=60_000)
        if rel == "index.html":  # the site's front door sends the reader on to the landing page
            page.wait_for_url(re.compile(r"/book/intro\.html$"), timeout=30_000)
            page.wait_for_load_state("load")
        state = page.evaluate(_PAGE_STATE)
        if state["views"]:
            try:
                page.wait_for_function(
                    f"() => {{ const c = ({_PAGE_STATE})(); return c.drawn >= c.views && c.notes >= c.drawn; }}",
                    timeout=90_000,
                )
            except Exception:  # noqa: BLE001 - reported below with the counts
                pass
        page.wait_for_load_state("networkidle")
        state = page.evaluate(_PAGE_STATE)
        if rel in TOC_PAGES:
            page.screenshot(path=str(artifacts_dir / f"site-{_page_id(rel)}.png"), full_page=True)

        if state["drawn"] < state["views"]:
            problems.append(f"only {state['drawn']} of {state['views']} saved widgets were drawn")
        if state["notes"] != state["drawn"]:
            problems.append(f"{state['drawn']} widgets drawn but {state['notes']} 'Preview' notes")

        checks = page.evaluate(_CHECKS)
        if checks["widgetErrors"]:
            problems.append(f"{checks['widgetErrors']} widget(s) show an error instead of their content")
        if checks["noAlt"]:
            problems.append(f"images with no alt text: {checks['noAlt']}")
        if checks["broken"]:
            problems.append(f"images that did not load: {checks['broken']}")
        problems += [f"headings out of order: {p}" for p in _heading_problems(checks["headings"])]

        unnamed = _unnamed_controls(page)
        if unnamed:
            problems.append(f"{len(unnamed)} control(s) with no accessible name: {unnamed[:10]}")

        if checks["controls"]:
            reached = _tab_walk(page)
            missed = []
            groups_reached = {c["group"] for c in checks["controls"] if c["id"] in reached and c["group"]}
            for control in checks["controls"]:
                if control["id"] in reached or (control["group"] and control["group"] in groups_reached):
                    continue
                missed.append(control["what"])
            if missed:
                problems.append(
                    f"{len(missed)} of {len(checks['controls'])} widget controls cannot be reached with "
                    f"the Tab key: {missed[:10]}"
                )
    finally:
        context.close()

    if record["remote"]:
        problems.append(f"requests that left 127.0.0.1: {sorted(set(record['remote']))}")
    if record["failed"]:
        problems.append(f"failed requests: {record['failed']}")
    if record["errors"]:
        problems.append(f"errors in the browser console: {record['errors']}")
    assert not problems, f"{rel}:\n  - " + "\n  - ".join(problems)


@pytest.mark.browser
def test_keyboard_focus_is_clearly_visible(browser, book_server):
    """Tabbing onto a link or a widget control draws a thick outline (book/_static/pmkit-book.css)."""
    base, _ = book_server
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        page.goto(urljoin(base, "notebooks/03_prioritization.html"), wait_until="load")
        page.wait_for_selector(".pmkit-rice .pmkit-rice-reach input", timeout=90_000)
        page.keyboard.press("Tab")  # the first stop: the "skip to main content" link
        first = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return {tag: document.activeElement.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
        )
        assert first["tag"] == "A" and first["style"] == "solid" and first["width"] >= 3, first
        # A widget control, focused from the keyboard.
        reach = page.locator(".pmkit-rice .pmkit-rice-reach input").first
        reach.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        style = reach.evaluate(
            "el => { const s = getComputedStyle(el);"
            " return {focused: document.activeElement === el, style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
        )
        assert style["focused"] and style["style"] == "solid" and style["width"] >= 3, style
    finally:
        page.close()


@pytest.mark.browser
def test_print_view_hides_navigation_and_opens_solutions(browser, book_server, artifacts_dir):
    """Printed, a page keeps the text and drops the screen furniture; solutions print open."""
    base, _ = book_server
    rel = next(p for p in TOC_PAGES if p.startswith("exercises/solutions/"))
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    try:
        page.goto(urljoin(base, rel), wait_until="load")
        page.wait_for_load_state("networkidle")
        hidden_on_screen = page.evaluate(
            """() => [...document.querySelectorAll('.solution.dropdown')]
                  .filter(s => s.classList.contains('toggle-hidden')).length"""
        )
        assert hidden_on_screen > 0, "on screen, the solutions should start closed"
        page.evaluate("() => window.pmkitOpenForPrint()")
        page.emulate_media(media="print")
        state = page.evaluate(
            """() => {
                const shown = el => el && getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden';
                const sols = [...document.querySelectorAll('.solution.dropdown')];
                return {
                    sidebar: shown(document.querySelector('.bd-sidebar-primary')),
                    header: shown(document.querySelector('.bd-header-article')),
                    footer: shown(document.querySelector('.prev-next-area')),
                    solutions: sols.length,
                    open: sols.filter(s => !s.classList.contains('toggle-hidden')
                        && [...s.children].slice(1).every(c => getComputedStyle(c).visibility !== 'hidden')).length,
                    title: shown(document.querySelector('article h1')),
                };
            }"""
        )
        pdf = artifacts_dir / f"print-{_page_id(rel)}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
    finally:
        page.close()
    assert not state["sidebar"] and not state["header"] and not state["footer"], state
    assert state["title"], state
    assert state["solutions"] > 0 and state["open"] == state["solutions"], state
    assert pdf.read_bytes().startswith(b"%PDF"), "Chromium did not print a PDF"


@pytest.mark.browser
def test_print_version_tool_prints_a_chapter_to_pdf(book, tmp_path):
    """tools/build_book.py --pdf's printing step, on one chapter of this build: the widgets are
    drawn, nothing leaves 127.0.0.1, and the PDF has pages. (The full --pdf build would execute
    every notebook again, so the suite does not run it.)"""
    build_book = _load_build_script()
    if not build_book.CHROMIUM.exists():
        pytest.skip(f"{build_book.CHROMIUM} is missing")
    rel = next(p for p in TOC_PAGES if p.startswith("exercises/solutions/"))
    _read(book, rel)
    pdf = tmp_path / "chapter.pdf"
    # Playwright's sync API cannot start inside another running one (this module's browser), so
    # the tool prints from a thread of its own, as it would in its own process.
    result: dict = {}

    def run():
        try:
            result["pages"] = build_book.print_pdf(book.html, pdf, rel)
        except BaseException as err:  # noqa: BLE001 - re-raised below, in the test's thread
            result["error"] = err

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=300)
    assert not worker.is_alive(), "printing took more than 5 minutes"
    if "error" in result:
        raise result["error"]
    pages = result["pages"]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pages >= 2, f"the printed chapter has {pages} page(s)"


# --------------------------------------------------------------------------------------------
# What makes the site one course


def test_every_notebook_page_has_binder_and_jupyterhub_launch_buttons(book):
    """Each page built from a notebook links to that notebook on Binder and on the JupyterHub
    set in book/_config.yml, built from the repository address (no placeholder)."""
    repo = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"].get("branch", "main")
    binder = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    hub = CONFIG["launch_buttons"]["jupyterhub_url"].rstrip("/")
    parts = urlparse(repo)
    assert parts.scheme == "https" and parts.netloc and "<" not in repo and "example" not in repo, repo
    org, name = parts.path.strip("/").split("/")[:2]
    assert NOTEBOOK_DOCS, "no notebook pages in book/_toc.yml"
    problems = []
    for doc in NOTEBOOK_DOCS:
        text = _read(book, f"{doc}.html")
        menu = re.search(r'<div class="dropdown dropdown-launch-buttons">(.*?)</ul>', text, re.S)
        if not menu:
            problems.append(f"{doc}: no launch menu")
            continue
        links = [html_lib.unescape(u) for u in re.findall(r'href="([^"]+)"', menu.group(1))]
        want_binder = f"{binder}/v2/gh/{org}/{name}/{branch}?urlpath=lab/tree/{doc}.ipynb"
        if want_binder not in links:
            problems.append(f"{doc}: no Binder link {want_binder} in {links}")
        hub_links = [u for u in links if u.startswith(f"{hub}/hub/user-redirect/git-pull?")]
        if not hub_links:
            problems.append(f"{doc}: no JupyterHub link to {hub} in {links}")
            continue
        query = parse_qs(urlparse(hub_links[0]).query)
        expected = {"repo": [repo], "branch": [branch], "urlpath": [f"lab/tree/{name}/{doc}.ipynb"]}
        if {k: query.get(k) for k in expected} != expected:
            problems.append(f"{doc}: the JupyterHub link asks for {query}, expected {expected}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("doc", MODULE_DOCS)
def test_every_chapter_has_objectives_time_exercises_takeaways_and_reading(book, doc):
    text = _read(book, f"{doc}.html")
    ids = set(re.findall(r'<section id="([^"]+)"', text))
    for section in ("learning-objectives", "time", "exercises", "key-takeaways", "further-reading"):
        assert section in ids, f"{doc}: no '{section}' section in the page"
    meta = _metadata(doc)
    time_section = re.search(r'<section id="time">(.*?)</section>', text, re.S).group(1)
    for key in ("teaching_minutes", "exercise_minutes"):
        assert str(meta[key]) in _text(time_section), f"{doc}: the Time section does not show {key}={meta[key]}"
    module = re.match(r"notebooks/(\d\d)", doc).group(1)
    if module != "00":  # Module 00's exercise is the self-assessment itself
        exercises = f"exercises/solutions/{Path(doc).name}_exercises"
        assert exercises in TOC_DOCS, f"{doc}: its exercises page {exercises} is not in book/_toc.yml"


@pytest.mark.parametrize("doc", MODULE_DOCS)
def test_every_chapter_cites_its_further_reading(book, doc):
    """The Further reading of every module cites the bibliography: its numbers link to entries
    of the references page."""
    text = _read(book, f"{doc}.html")
    section = re.search(r'<section id="further-reading">(.*?)</section>', text, re.S)
    assert section, f"{doc}: no Further reading section"
    targets = re.findall(r'<span class="bibtex-citation"[^>]*>\[<a class="reference internal" href="([^"]+)"', section.group(1))
    assert targets, (
        f"{doc}: its Further reading cites nothing; put {{cite}}`key` (keys from book/references.bib) "
        "at the start of each item"
    )
    refs = _read(book, "book/references.html")
    for target in targets:
        path, _, anchor = target.partition("#")
        assert path.endswith("book/references.html") and f'id="{anchor}"' in refs, f"{doc}: {target}"


def test_references_page_lists_the_whole_bibliography(book):
    from pybtex.database import parse_file

    entries = parse_file(str(REPO_ROOT / "book" / "references.bib"), "bibtex").entries
    text = _read(book, "book/references.html")
    listed = re.findall(r'<div class="citation" id="[^"]+" role="doc-biblioentry">', text)
    assert len(listed) == len(entries), f"{len(listed)} entries on the page, {len(entries)} in references.bib"
    cited = set()
    for rel in TOC_PAGES:
        cited |= set(re.findall(r'href="[^"]*references\.html#([^"]+)"', _read(book, rel)))
    page_ids = set(re.findall(r'<div class="citation" id="([^"]+)"', text))
    uncited = len(page_ids - cited)
    assert uncited == 0, f"{uncited} bibliography entries are cited by no page of the book"


def test_glossary_defines_terms_and_names_where_each_is_taught(book):
    text = _read(book, "book/glossary.html")
    entries = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd>(.*?)</dd>", text, re.S)
    assert len(entries) >= 60, f"the glossary has {len(entries)} entries"
    modules = set(MODULE_IDS)
    problems = []
    for term, definition in entries:
        taught = set(re.findall(r'href="\.\./notebooks/(\d\d)_[^"]*\.html"', definition))
        if not taught:
            problems.append(f"{_text(term)!r} links to no module chapter")
        elif not taught <= modules:
            problems.append(f"{_text(term)!r} links to a module not in the book: {taught - modules}")
        if len(_text(definition).split()) < 8:
            problems.append(f"{_text(term)!r} has almost no definition")
    assert not problems, "\n".join(problems)
    names = [_text(t).casefold() for t, _ in entries]
    assert names == sorted(names), "the glossary is not in alphabetical order"
    # Other pages link to the glossary's terms.
    outline = _read(book, "book/outline.html")
    assert outline.count('href="glossary.html#term-') >= 20, "the course map links few glossary terms"


def test_course_map_lists_every_module_with_the_times_from_its_notebook():
    """book/outline.md's table uses each notebook's metadata["pmkit"] minutes (and its totals add
    up), so the course map never drifts from the notebooks."""
    text = (REPO_ROOT / "book" / "outline.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): (int(m.group(2)), int(m.group(3)), m.group(4).strip())
        for m in re.finditer(
            r"^\| \{doc\}`(\d\d) · [^`]*</notebooks/\d\d_\w+>` \|[^|]*\| (\d+) min \| (\d+) min \| ([^|]+) \|$",
            text,
            re.M,
        )
    }

    def duration(minutes: int) -> str:
        hours, rest = divmod(minutes, 60)
        return f"{minutes} min" if not hours else (f"{hours} h {rest} min" if rest else f"{hours} h")

    notebooks = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(rows) == [p.name[:2] for p in notebooks], f"the course map lists modules {sorted(rows)}"
    teaching = exercises = 0
    for path in notebooks:
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["pmkit"]
        want = (meta["teaching_minutes"], meta["exercise_minutes"])
        got = rows[path.name[:2]]
        assert got[:2] == want, f"course map: module {path.name[:2]} shows {got[:2]}, the notebook says {want}"
        assert got[2] == duration(sum(want)), f"course map: module {path.name[:2]} total {got[2]!r}"
        teaching, exercises = teaching + want[0], exercises + want[1]
    total = re.search(r"^\| \*\*All eight modules\*\* \| \| \*\*(\d+) min\*\* \| \*\*(\d+) min\*\* \| \*\*([^*]+)\*\* \|$", text, re.M)
    assert total, "the course map has no total row"
    assert (int(total.group(1)), int(total.group(2))) == (teaching, exercises), "course map totals"
    assert total.group(3) == duration(teaching + exercises), f"course map grand total {total.group(3)!r}"


def test_course_map_figure_and_landing_page(book):
    outline = _read(book, "book/outline.html")
    figure = re.search(r'<img alt="([^"]+)" src="([^"]+course_map[^"]*)"', outline)
    assert figure and len(figure.group(1).split()) >= 30, "the course map figure has no real alt text"
    assert (book.html / "book" / unquote(figure.group(2))).resolve().is_file()
    for doc in MODULE_DOCS:
        assert f'href="../{doc}.html"' in outline, f"the course map does not link {doc}"

    landing = _read(book, "book/intro.html")
    first = _text(re.search(r"<h1>.*?</h1>\s*<p>(.*?)</p>", landing, re.S).group(1))
    assert "software engineers" in first and "product management" in first, first
    for target in (
        "facilitator/index.html",  # a workshop
        "#run-live",  # on your own
        "../notebooks/00_start_here.html",  # reading online
        "outline.html",
        "glossary.html",
        "references.html",
        "faq.html",
        "about_data.html",
        "execution_times.html",
    ):
        assert f'href="{target}' in landing, f"the landing page does not link {target}"


def test_about_the_data_page_offers_every_data_file_and_the_dictionary(book):
    text = _read(book, "book/about_data.html")
    offered = {unquote(Path(h).name) for h in re.findall(r'href="(\.\./_downloads/[^"]+)"', text)}
    for href in re.findall(r'href="(\.\./_downloads/[^"]+)"', text):
        assert (book.html / "book" / unquote(href)).resolve().is_file(), f"broken download {href}"
    data = REPO_ROOT / "datasets"
    wanted = {
        p.name
        for p in [*data.iterdir(), *(data / "scenarios").glob("*")]
        if p.is_file() and p.suffix in {".csv", ".json", ".yaml", ".yml", ".md"} and p.name != "README.md"
    }
    wanted.add("README.md")  # the data dictionary
    missing = sorted(wanted - offered)
    assert not missing, f"the 'about the data' page does not offer: {missing}"


def test_execution_times_page_lists_every_notebook(book):
    text = _read(book, "book/execution_times.html")
    table = re.search(r"<table.*?</table>", text, re.S)
    assert table, "the execution-times page has no table"
    rows = [_text(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.S)]
    for doc in NOTEBOOK_DOCS:
        row = next((r for r in rows if r.startswith(doc + " ") or f" {doc} " in f" {r} "), None)
        assert row, f"the execution-times table has no row for {doc}: {rows[:3]}"
        seconds = re.search(r"\b(\d+\.\d+)\b", row)
        assert seconds and "✅" in row, f"{doc}: no run time or not a success: {row!r}"


def test_deploy_workflow_builds_the_book_and_publishes_it_on_pages():
    """.github/workflows/deploy-book.yml: the static site is built exactly as locally and
    published with GitHub's own Pages actions."""
    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "deploy-book.yml").read_text("utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = workflow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in build]
    runs = " ".join(s.get("run", "") for s in build)
    python = next(s for s in build if s.get("uses", "").startswith("actions/setup-python"))
    assert str(python["with"]["python-version"]) == "3.11"
    for action in ("actions/checkout", "actions/setup-python", "actions/upload-pages-artifact"):
        assert action in uses, f"the build job does not use {action}"
    assert "pip install -r requirements.txt" in runs
    npm = next(s for s in build if "npm ci" in s.get("run", ""))
    assert npm.get("working-directory") == "book/widgets"
    build_step = next(s for s in build if "tools/build_book.py" in s.get("run", ""))
    assert "--strict" in build_step["run"]
    assert "github.repository" in build_step["env"]["PMKIT_REPOSITORY_URL"], "launch buttons must follow the repo"
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages") for s in deploy["steps"])
