"""The module works for a learner in a real JupyterLab.

Starts JupyterLab on a free 127.0.0.1 port (no token, temporary Jupyter and pmkit folders) over a
temporary copy of notebooks/, so that nothing the test does is saved into the repository. Headless
Chromium opens notebooks/03_prioritization.ipynb, runs all cells from the Run menu, picks the
item ranked second in the RICE calculator, multiplies its reach by ten, and checks that the
ranking and the "top item" text follow.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import running_jupyterlab

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "notebooks/03_prioritization.ipynb"
START_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 240_000  # Run All on a cold kernel, up to the RICE table being drawn
UPDATE_TIMEOUT_MS = 30_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def jupyterlab(tmp_path_factory, free_port):
    """A JupyterLab server over a copy of notebooks/; yields (base URL, log file)."""
    if not (REPO_ROOT / NOTEBOOK).is_file():
        pytest.fail(f"{NOTEBOOK} does not exist")
    with running_jupyterlab(tmp_path_factory.mktemp("lab"), free_port, START_TIMEOUT_S) as (base, _work, log):
        yield base, log


def _wait_kernel_idle(page, timeout=RUN_TIMEOUT_MS):
    page.wait_for_selector(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=timeout,
    )


def _settle(page):
    """Wait until the kernel has answered the last change (idle twice, half a second apart)."""
    for _ in range(2):
        page.wait_for_timeout(500)
        _wait_kernel_idle(page, UPDATE_TIMEOUT_MS)


def test_rice_calculator_reranks_live_in_jupyterlab(browser, jupyterlab, artifacts_dir):
    base, log_path = jupyterlab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK}", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)

        # A "Select Kernel" dialog appears only if the notebook's kernel is unknown: accept it.
        dialog = page.locator(".jp-Dialog")
        try:
            dialog.wait_for(state="visible", timeout=3_000)
            dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
        except Exception:  # noqa: BLE001 - no dialog is the normal case
            pass
        _wait_kernel_idle(page, 60_000)

        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

        table = page.locator(".pmkit-rice .pmkit-rice-table table").first
        table.wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
        _wait_kernel_idle(page)
        rice = page.locator(".pmkit-rice").first
        rice.scroll_into_view_if_needed()

        rows = rice.locator(".pmkit-rice-table tr[data-item]")
        assert rows.count() >= 2, "the RICE table has fewer than two items"
        first_id = rows.nth(0).get_attribute("data-item")
        second_id = rows.nth(1).get_attribute("data-item")
        assert first_id != second_id

        # Choose the second-ranked item in the calculator.
        select = rice.locator(".pmkit-rice-item select").first
        labels = select.evaluate(
            "s => [...s.options].map(o => ({label: o.label, value: o.value}))"
        )
        # An option is the id alone or the id followed by a title ("B05 · Shift-change alerts").
        names_id = re.compile(rf"^\s*{re.escape(second_id)}(?![0-9A-Za-z])")
        matches = [o["label"] for o in labels if o["value"] == second_id or names_id.match(o["label"])]
        assert matches, f"{second_id} is not among the item choices: {[o['label'] for o in labels]}"
        select.select_option(label=matches[0])
        _settle(page)

        # Multiply its reach by ten.
        reach = rice.locator(".pmkit-rice-reach input").first
        before = float(reach.input_value().replace(",", ""))
        assert before > 0, f"{second_id} has reach {before}"
        reach.fill(f"{before * 10:g}")
        reach.press("Enter")
        reach.press("Tab")

        page.wait_for_function(
            """id => {
                const row = document.querySelector('.pmkit-rice .pmkit-rice-table tr[data-item]');
                return row && row.getAttribute('data-item') === id;
            }""",
            arg=second_id,
            timeout=UPDATE_TIMEOUT_MS,
        )
        _settle(page)
        top = rice.locator(".pmkit-rice-top").first.inner_text()
        assert second_id in top, f"'.pmkit-rice-top' does not name {second_id}: {top!r}"
        assert not errors, f"errors in the page: {errors}"
    except Exception:
        print(f"--- JupyterLab log ({log_path}) ---\n{log_path.read_text()[-4000:]}")
        raise
    finally:
        try:
            page.screenshot(path=str(artifacts_dir / "jupyterlab-rice.png"), full_page=False)
        finally:
            context.close()
