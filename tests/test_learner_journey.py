"""A learner's first session, end to end, in a real JupyterLab driven by headless Chromium.

The learner:

1. opens ``notebooks/00_start_here.ipynb`` and runs it (Run ▸ Run All Cells);
2. takes the self-assessment by clicking one answer for every question, and presses
   "Score my answers";
3. reads the recommended module from the result (the first module after the short Module 01,
   which is where the top gap is worked on) and opens that module's notebook;
4. uses its main widget (in Module 03, the RICE calculator: the reach of an item goes up tenfold),
   which saves the change to the work folder;
5. restarts the kernel and runs everything again (Kernel ▸ Restart Kernel and Run All Cells);
6. finds the work still there: the widget says it restored the change, shows the new reach and
   ranks the item with it, and the saved files in PMKIT_WORK_DIR hold it.

The answers are those of a learner whose weakest area is prioritization; the test does not assume
the route, it reads it from the page and checks it against ``pmkit.readiness.score`` for the same
answers. JupyterLab runs on a free 127.0.0.1 port over a temporary copy of ``notebooks/`` with its
own work folder, so nothing is saved into the repository. Screenshots are saved in tests/artifacts/
(after each step, and on failure).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import running_jupyterlab

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 240_000  # Run All on a cold kernel
UPDATE_TIMEOUT_MS = 30_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _answers(questions) -> dict[str, int]:
    """A learner who has done some discovery, stakeholder and writing work, and little
    prioritization: answers of 2 and 3 in every area but prioritization, which gets 1s and a 0."""
    answers = {}
    counts: dict[str, int] = {}
    for q in questions:
        n = counts[q.area] = counts.get(q.area, 0) + 1
        if q.area == "prioritization":
            answers[q.id] = 0 if n == 1 else 1
        else:
            answers[q.id] = 3 if n % 2 else 2
    return answers


@pytest.fixture
def lab(tmp_path_factory, free_port):
    """JupyterLab over a copy of notebooks/, with its own Jupyter folders and PMKIT_WORK_DIR.
    Yields (base URL, work folder, log file); stopped by its PID."""
    with running_jupyterlab(tmp_path_factory.mktemp("journey"), free_port, START_TIMEOUT_S) as found:
        yield found


def _wait_idle(page, timeout=RUN_TIMEOUT_MS):
    page.wait_for_selector(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=timeout,
    )


def _settle(page):
    """Wait until the kernel has answered the last change (idle twice, half a second apart)."""
    for _ in range(2):
        page.wait_for_timeout(500)
        _wait_idle(page, UPDATE_TIMEOUT_MS)


def _menu(page, menu: str, item: str):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(menu)}$")).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _open_notebook(page, base: str, notebook: str):
    """Open a notebook alone (?reset drops the tabs of the saved workspace) and wait for its kernel."""
    page.goto(f"{base}/lab/tree/{notebook}?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    dialog = page.locator(".jp-Dialog")
    try:  # "Select Kernel" appears only if the notebook's kernel is unknown
        dialog.wait_for(state="visible", timeout=3_000)
        dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    except Exception:  # noqa: BLE001 - no dialog is the normal case
        pass
    _wait_idle(page, 60_000)


def _run_all(page):
    _menu(page, "Run", "Run All Cells")


def _restart_and_run_all(page):
    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(state="visible", timeout=10_000)
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="hidden", timeout=10_000)


# --------------------------------------------------------------------------------------------
# The journey


def test_start_here_assessment_route_module_widget_restart_keeps_work(browser, lab, artifacts_dir):
    from pmkit import readiness

    base, work, log_path = lab
    questions = readiness.load_questions()
    answers = _answers(questions)
    expected = readiness.score(answers, questions)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    step = "start"

    def shot(name: str):
        page.screenshot(path=str(artifacts_dir / f"journey-{name}.png"), full_page=False)

    try:
        # 1. Start here: open and run.
        step = "open-00"
        _open_notebook(page, base, "notebooks/00_start_here.ipynb")
        _run_all(page)
        radios = page.locator(".pmkit-readiness .pmkit-readiness-answer")
        page.wait_for_function(
            "n => document.querySelectorAll('.pmkit-readiness .pmkit-readiness-answer').length >= n",
            arg=len(questions),
            timeout=RUN_TIMEOUT_MS,
        )
        _wait_idle(page)
        assert radios.count() == len(questions), f"{radios.count()} answer groups for {len(questions)} questions"
        shot("00-ready")

        # 2. Take the self-assessment: one click per question.
        step = "answer"
        for i, q in enumerate(questions):
            group = radios.nth(i)
            label = group.get_attribute("aria-label") or group.inner_text()
            option = group.locator("input[type='radio']").nth(answers[q.id])
            option.scroll_into_view_if_needed()
            option.check()
            assert option.is_checked(), f"could not answer {q.id} ({label[:40]!r})"
        progress = page.locator(".pmkit-readiness-progress").first
        page.wait_for_function(
            "() => /All \\d+ questions answered/.test("
            "document.querySelector('.pmkit-readiness-progress').textContent)",
            timeout=UPDATE_TIMEOUT_MS,
        )
        _settle(page)
        assert f"All {len(questions)} questions answered" in progress.inner_text()

        step = "score"
        score = page.locator(".pmkit-readiness-score button, button.pmkit-readiness-score").first
        score.scroll_into_view_if_needed()
        score.click()
        page.wait_for_function(
            "() => /Saved as attempt/.test(document.querySelector('.pmkit-readiness-status').textContent)",
            timeout=UPDATE_TIMEOUT_MS,
        )
        _settle(page)
        result = page.locator(".pmkit-readiness-result").first
        result.scroll_into_view_if_needed()
        shot("00-result")

        # 3. Read the route from the result, and the module it recommends after Module 01.
        step = "route"
        route = [
            re.match(r"Module (\d\d)", li).group(1)
            for li in result.locator("ol.pmkit-readiness-route li").all_inner_texts()
        ]
        assert route == [s.module for s in expected.route], f"the page shows the route {route}"
        summary = result.locator(".pmkit-readiness-summary").inner_text()
        recommended = re.search(r"go to Module (\d\d)", summary)
        assert recommended, f"the result recommends no module: {summary!r}"
        module = recommended.group(1)
        assert module == route[1] == readiness.AREA_MODULES[expected.top_gaps[0]], (module, route)
        total = re.search(r"Readiness score: (\d+)", result.inner_text())
        assert total and int(total.group(1)) == round(expected.total), result.inner_text()[:200]

        saved = json.loads((work / "00-start-here" / "readiness.json").read_text(encoding="utf-8"))
        assert len(saved["attempts"]) == 1 and saved["attempts"][0]["answers"] == answers
        assert saved["attempts"][0]["top_gaps"][0] == expected.top_gaps[0]

        # 4. Open the recommended module and use its main widget.
        step = f"open-{module}"
        notebooks = sorted((REPO_ROOT / "notebooks").glob(f"{module}_*.ipynb"))
        assert notebooks, f"the route recommends Module {module}, which has no notebook"
        if module not in MAIN_WIDGETS:
            pytest.fail(f"the route recommends Module {module}; this test knows the main widget of {sorted(MAIN_WIDGETS)}")
        driver = MAIN_WIDGETS[module]
        _open_notebook(page, base, f"notebooks/{notebooks[0].name}")
        _run_all(page)
        step = f"use-{module}"
        change = driver.use(page)
        shot(f"{module}-changed")
        driver.assert_saved(work, change)

        # 5. Restart the kernel and run everything again.
        step = "restart"
        _restart_and_run_all(page)
        step = "restored"
        driver.assert_restored(page, change)
        shot(f"{module}-restored")
        driver.assert_saved(work, change)  # still saved, unchanged
        assert not errors, f"errors in the page: {errors}"
    except Exception:
        try:
            shot(f"failed-{step}")
        finally:
            print(f"--- the journey failed at step {step!r}; JupyterLab log ({log_path}) ---")
            print(log_path.read_text(encoding="utf-8", errors="replace")[-4000:])
        raise
    finally:
        context.close()


class RiceCalculator:
    """Module 03's main widget: the RICE calculator."""

    @staticmethod
    def use(page) -> dict:
        table = page.locator(".pmkit-rice .pmkit-rice-table table").first
        table.wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
        _wait_idle(page)
        rice = page.locator(".pmkit-rice").first
        rice.scroll_into_view_if_needed()
        rows = rice.locator(".pmkit-rice-table tr[data-item]")
        assert rows.count() >= 3, "the RICE table has fewer than three items"
        item = rows.nth(1).get_attribute("data-item")  # the second-ranked item
        select = rice.locator(".pmkit-rice-item select").first
        # An option's label is the item's id and title ("B05 · Shift-change alerts").
        label = select.evaluate(
            """(s, id) => { const o = [...s.options].find(o => new RegExp('^\\s*' + id + '(?![0-9A-Za-z])').test(o.label));
                             return o ? o.label : null; }""",
            item,
        )
        assert label is not None, f"{item} is not among the calculator's items"
        select.select_option(label=label)
        _settle(page)
        reach = rice.locator(".pmkit-rice-reach input").first
        before = float(reach.input_value().replace(",", ""))
        after = before * 10
        reach.fill(f"{after:g}")
        reach.press("Enter")
        reach.press("Tab")
        page.wait_for_function(
            """id => { const row = document.querySelector('.pmkit-rice .pmkit-rice-table tr[data-item]');
                       return row && row.getAttribute('data-item') === id; }""",
            arg=item,
            timeout=UPDATE_TIMEOUT_MS,
        )
        _settle(page)
        status = rice.locator(".pmkit-rice-status").first.inner_text()
        assert "Saved" in status, f"the calculator did not say it saved: {status!r}"
        return {"item": item, "reach": after, "label": label}

    @staticmethod
    def assert_saved(work: Path, change: dict):
        data = json.loads((work / "03-prioritization" / "answers.json").read_text(encoding="utf-8"))
        saved = data.get("rice_calculator") or {}
        overrides = {(o["id"], o["field"]): o["value"] for o in saved.get("overrides", [])}
        assert overrides.get((change["item"], "reach")) == pytest.approx(change["reach"]), overrides

    @staticmethod
    def assert_restored(page, change: dict):
        page.wait_for_function(
            "() => { const s = document.querySelector('.pmkit-rice .pmkit-rice-status');"
            " return s && /Restored 1 change/.test(s.textContent); }",
            timeout=RUN_TIMEOUT_MS,
        )
        _wait_idle(page)
        rice = page.locator(".pmkit-rice").first
        rice.scroll_into_view_if_needed()
        first = rice.locator(".pmkit-rice-table tr[data-item]").first.get_attribute("data-item")
        assert first == change["item"], f"after the restart, {first} ranks first, not {change['item']}"
        rice.locator(".pmkit-rice-item select").first.select_option(label=change["label"])
        _settle(page)
        reach = float(rice.locator(".pmkit-rice-reach input").first.input_value().replace(",", ""))
        assert reach == pytest.approx(change["reach"]), f"after the restart the reach is {reach}"


# The module recommended by the route -> how to use its main widget.
MAIN_WIDGETS = {"03": RiceCalculator}
