"""Module 04's widget models, driven with no browser, and their views built headless."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pmkit import stakeholders as st
from pmkit.widgets import stakeholders as ws


@pytest.fixture(autouse=True)
def work_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PMKIT_WORK_DIR", str(tmp_path / "my-work"))
    return tmp_path / "my-work"


@pytest.fixture(scope="module")
def people():
    return st.load_stakeholders()


@pytest.fixture(scope="module")
def matrices():
    return st.load_matrices()


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _find(app, css):
    return [w for w in _walk(app) if css in getattr(w, "_dom_classes", ())]


# =============================================================================================
# Stakeholder grid
# =============================================================================================
def test_grid_model_starts_on_the_first_initiative_with_the_key_player_selected(people):
    m = ws.StakeholderGridModel(people)
    assert m.initiative == "templates-vs-freshbite" and m.initiatives == st.initiatives(people)
    assert m.quadrant_of() == "Manage closely"
    assert m.counts() == {"Manage closely": 3, "Keep satisfied": 4, "Keep informed": 3, "Monitor": 4}
    assert m.selected in m.ids and "Manage closely" in m.position_text()


def test_moving_a_person_moves_quadrant_and_strategy(people):
    m = ws.StakeholderGridModel(people)
    m.select("Hannah Kowalski")
    assert m.quadrant_of() == "Monitor"
    m.set(interest=4)
    assert m.quadrant_of() == "Keep informed"
    assert st.STRATEGIES["Keep informed"] in m.position_text()
    assert m.changed() == ["S06"]
    m.set("Greg", stance=0, power=3)  # a unique first name works
    assert m.value("Greg Hollis", "stance") == 0 and m.quadrant_of("Greg Hollis") == "Keep informed"
    m.set("Greg Hollis", power=4)  # back to the data: no longer an override
    assert ("templates-vs-freshbite", "S09", "power") not in m.overrides
    m.reset("Hannah Kowalski")
    assert m.quadrant_of("Hannah Kowalski") == "Monitor"
    m.reset()
    assert m.changed() == []


@pytest.mark.parametrize("field, value", [("power", 6), ("interest", 0), ("stance", 3), ("power", "4"),
                                          ("stance", 1.5), ("interest", True)])
def test_bad_values_change_nothing(people, field, value):
    m = ws.StakeholderGridModel(people)
    before = m.table().copy()
    with pytest.raises(ValueError, match="whole number"):
        m.set("Greg Hollis", **{field: value})
    pd.testing.assert_frame_equal(m.table(), before)
    with pytest.raises(ValueError, match="nobody called 'Zoe'"):
        m.select("Zoe")


def test_initiatives_keep_their_own_changes(people):
    m = ws.StakeholderGridModel(people)
    m.set("Tomás Berg", power=1)
    m.set_initiative("engine-rewrite")
    assert m.value("Tomás Berg", "power") == 4 and m.changed() == []
    assert {r["name"] for r in m.to_records()} == set(st.select_initiative(people, "engine-rewrite")["name"])
    m.set_initiative("templates-vs-freshbite")
    assert m.value("Tomás Berg", "power") == 1


def test_grid_figure_and_alt_text(people):
    m = ws.StakeholderGridModel(people)
    fig = m.figure()
    ax = fig.axes[0]
    assert "Interest" in ax.get_xlabel() and "Power" in ax.get_ylabel()
    texts = {t.get_text() for t in ax.texts}
    assert {"MANAGE CLOSELY", "KEEP SATISFIED", "KEEP INFORMED", "MONITOR"} <= texts
    assert "Greg −2" in texts and "Lena +2" in texts  # the stance is in every label, not only in colour
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["−2 strongly against", "−1 leans against", "0 neutral", "+1 leans for", "+2 strongly for"]
    alt = m.alt_text()
    for name in st.select_initiative(people, m.initiative)["name"]:
        assert name in alt
    html = m.figure_html()
    assert html.startswith('<img class="pmkit-stakeholder-grid-figure" src="data:image/png;base64,')
    assert 'alt="Power-interest grid' in html
    # people who share a cell do not sit on top of each other
    xy = [(round(x, 3), round(y, 3)) for x, y, _ in m._positions().values()]
    assert len(xy) == len(set(xy))


def test_grid_table_html_marks_changes_without_colour(people):
    m = ws.StakeholderGridModel(people)
    m.set("Ben Carter", interest=5)
    html = m.table_html()
    assert "Ben Carter" in html and "✎" in html and 'title="changed by you"' in html


def test_grid_model_rejects_bad_tables():
    bad = pd.DataFrame({"id": ["a"], "name": ["Ana"], "power": [9], "interest": [3], "stance": [0]})
    with pytest.raises(ValueError, match="power"):
        ws.StakeholderGridModel(bad)
    with pytest.raises(TypeError, match="DataFrame"):
        ws.StakeholderGridModel([("Ana", 3, 3, 0)])
    with pytest.raises(FileNotFoundError):  # text is the path of a file of your own
        ws.StakeholderGridModel("no-such-people.csv")


# =============================================================================================
# Decision-rights editor
# =============================================================================================
def test_matrix_model_edits_and_validates_live(matrices):
    m = ws.DecisionMatrixModel(matrices, start="q3-raci-wiki")
    d1 = m.decisions()[0]
    assert len(m.problems()) == 9
    m.set_role(d1, "Greg Hollis", "C")
    assert not any("2 people are Accountable" in p.message for p in m.problems())
    assert len(m.problems()) == 8
    assert m.role(d1, "Greg Hollis") == "C"
    m.reset()
    assert m.role(d1, "Greg Hollis") == "A" and len(m.problems()) == 9
    assert matrices["q3-raci-wiki"].role(d1, "Greg Hollis") == "A", "the model edits a copy"
    with pytest.raises(ValueError, match="not a RACI role"):
        m.set_role(d1, "Greg Hollis", "Z")


def test_matrix_model_switches_framework_and_offers_its_roles(matrices):
    m = ws.DecisionMatrixModel(matrices)
    assert m.key == "q3-raci"
    assert [v for _, v in m.role_options()][:5] == ["", "R", "A", "C", "I"]
    m.select("q3-rapid")
    values = [v for _, v in m.role_options()]
    assert values[:6] == ["", "R", "A", "P", "I", "D"] and "P/D" in values
    assert m.code(m.decisions()[1]) == "D2"
    assert "Rogers and Blenko" in m.legend_html() and "D2" in m.legend_html()
    with pytest.raises(ValueError, match="no matrix"):
        m.select("nope")
    single = ws.DecisionMatrixModel(matrices["q3-daci"])
    assert single.keys == ["q3-daci"]


def test_matrix_html_says_error_or_smell_in_words(matrices):
    m = ws.DecisionMatrixModel(matrices, start="q3-raci-wiki")
    html = m.problems_html()
    assert "6 errors and 3 smells" in html
    assert html.count("✗ Error") == 6 and html.count("⚠ Smell") == 3
    table = m.table_html()
    assert all(name in table for name in m.people())
    assert "Sales team" in table and "Lena" in table
    assert "No problems" in ws.DecisionMatrixModel(matrices, start="q3-raci").problems_html()


# =============================================================================================
# Communication-plan builder
# =============================================================================================
def test_plan_model_edits_and_exports(people, matrices, work_dir):
    m = ws.CommsPlanModel(people, "templates-vs-freshbite", matrices["q3-raci"])
    assert m.people()[0] == "Daniel Reyes" and m.selected == "Daniel Reyes"
    m.set_channel("Maya Okafor", "leadership meeting")
    m.set_cadence("Maya Okafor", "every month")
    m.set_message("Maya Okafor", "Three lines: the decision, the reason, the funding story.")
    m.set_include("Olu Adeyemi", False)
    plan = m.plan()
    assert plan.loc["Maya Okafor", "channel"] == "leadership meeting"
    assert plan.loc["Maya Okafor", "cadence"] == "monthly"
    assert "Olu Adeyemi" not in plan.index and "Olu Adeyemi" in m.people()
    assert "Left out of the plan: Olu Adeyemi" in m.preview_html()
    m.set_message("Maya Okafor", "  ")  # blank: back to the suggestion
    assert m.plan().loc["Maya Okafor", "message"].startswith("Hear their concern first")
    path = m.export()
    assert path == work_dir / "04-stakeholders" / "comms_plan_templates-vs-freshbite.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Communication plan") and "leadership meeting" in text and "Olu" not in text
    for bad in (lambda: m.set_cadence("Maya Okafor", "hourly"), lambda: m.set_channel("Maya Okafor", ""),
                lambda: m.set_channel("Zoe", "email")):
        with pytest.raises(ValueError):
            bad()


def test_plan_changes_are_saved_and_restored(people, work_dir):
    m = ws.CommsPlanModel(people, "engine-rewrite")
    m.set_cadence("Greg Hollis", "weekly")
    m.save()
    again = ws.CommsPlanModel(people, "engine-rewrite")
    assert again.load() == []
    assert again.plan().loc["Greg Hollis", "cadence"] == "weekly"
    # a damaged or outdated saved entry is skipped with a message, never a crash
    from pmkit import work

    work.save_answer(st.MODULE, again.save_key, {"Nobody": {"cadence": "weekly"}, "Greg Hollis": {"cadence": "x"}})
    messages = ws.CommsPlanModel(people, "engine-rewrite").load()
    assert len(messages) == 2 and all("skipped" in msg for msg in messages)
    work.save_answer(st.MODULE, again.save_key, ["not", "a", "dict"])
    assert "not in the expected form" in ws.CommsPlanModel(people, "engine-rewrite").load()[0]


# =============================================================================================
# Scenario player
# =============================================================================================
def test_player_model_plays_and_explains():
    m = ws.ScenarioPlayerModel(start="greg-freshbite")
    assert "Greg messages you on Monday morning" in m.step_html() and m.letters() == ["A", "B", "C"]
    assert 'aria-valuenow="0"' in m.meters_html()
    move = m.choose("B")
    assert move.trust == 1 and m.trust == 1 and "A call beats a thread" in m.explanation_html()
    for letter in ("A", "A", "A"):
        m.choose(letter)
    assert m.finished and m.ending.outcome == "good"
    assert "A good ending" in m.step_html() and m.letters() == []
    assert 'aria-valuenow="6"' in m.meters_html() and "Trust: +6" in m.meters_html()
    assert m.history_html().count("<li>") == 4
    with pytest.raises(ValueError, match="has ended"):
        m.choose("A")
    m.restart()
    assert m.run.path == ["the-ask"] and m.last is None


def test_player_meter_shows_negative_values_with_a_pattern_and_words():
    m = ws.ScenarioPlayerModel(start="greg-freshbite")
    m.choose("A")
    html = m.meters_html()
    assert "Trust: −2" in html and "below the start" in html and "repeating-linear-gradient" in html


def test_player_switches_scenarios_and_refuses_bad_choices():
    m = ws.ScenarioPlayerModel()
    assert set(m.keys) == {"greg-freshbite", "tomas-engine-rewrite"}
    m.select("tomas-engine-rewrite")
    assert "twelve-page design doc" in m.step_html()
    with pytest.raises(ValueError, match="'Q' is not one of them"):
        m.choose("Q")
    with pytest.raises(ValueError, match="no scenario"):
        m.select("nope")


def test_message_check_reads_the_player_state():
    m = ws.ScenarioPlayerModel(start="greg-freshbite")
    fb = st.check_message("Hi Greg, I know the FreshBite deal matters. Can we talk today?", m)
    assert fb.answered and any(c.ok is None for c in fb.checks)  # not at an ending yet


# =============================================================================================
# Views, built without a browser
# =============================================================================================
def test_views_build_with_their_first_state_drawn(people, matrices):
    grid = ws.stakeholder_grid(people)
    assert "pmkit-stakeholder-grid" in grid._dom_classes
    chart = _find(grid, "pmkit-stakeholder-grid-chart")[0]
    assert chart.value.startswith("<img") and "alt=" in chart.value
    position = _find(grid, "pmkit-stakeholder-grid-position")[0]
    assert "Manage closely" in position.value

    editor = ws.decision_matrix_editor(matrices, start="q3-raci-wiki")
    assert "pmkit-decision-matrix" in editor._dom_classes
    assert "6 errors and 3 smells" in _find(editor, "pmkit-decision-matrix-problems")[0].value
    cells = _find(editor, "pmkit-decision-matrix-cell")
    people_in_matrix = len(matrices["q3-raci-wiki"].names())
    assert len(cells) == people_in_matrix * 4
    assert all(c.description in ("D1", "D2", "D3", "D4") for c in cells)

    plan = ws.comms_plan_builder(people, matrix=matrices["q3-raci"], restore=False)
    assert "pmkit-comms-plan" in plan._dom_classes
    assert "Daniel Reyes" in _find(plan, "pmkit-comms-plan-preview")[0].value
    assert "# Communication plan" in _find(plan, "pmkit-comms-plan-markdown")[0].value

    player = ws.scenario_player()
    assert "pmkit-scenario-player" in player._dom_classes
    assert "What do you do?" in _find(player, "pmkit-scenario-player-step")[0].value
    assert [b.description for b in _find(player, "pmkit-scenario-player-choice")] == ["Choose A", "Choose B",
                                                                                      "Choose C"]


def test_every_control_has_a_label(people, matrices):
    import ipywidgets as W

    apps = [ws.stakeholder_grid(people), ws.decision_matrix_editor(matrices),
            ws.comms_plan_builder(people, restore=False), ws.scenario_player()]
    for app in apps:
        for w in _walk(app):
            if isinstance(w, (W.Dropdown, W.IntSlider, W.Combobox, W.Textarea, W.Checkbox)):
                assert w.description, f"{type(w).__name__} in {app._dom_classes} has no label"
            if isinstance(w, W.Button):
                assert w.description
        classes = [c for w in _walk(app) for c in getattr(w, "_dom_classes", ())]
        root = app._dom_classes[0]
        assert all(c.startswith(root) or c.startswith("pmkit-") for c in classes)


def test_views_react_to_the_controls(people, matrices, work_dir):
    grid = ws.stakeholder_grid(people)
    person = _find(grid, "pmkit-stakeholder-grid-person")[0]
    person.value = "S06"  # Hannah
    interest = _find(grid, "pmkit-stakeholder-grid-interest")[0]
    interest.value = 4
    assert "Keep informed" in _find(grid, "pmkit-stakeholder-grid-position")[0].value
    assert grid.model_.value("S06", "interest") == 4

    editor = ws.decision_matrix_editor(matrices, start="q3-raci-wiki")
    model = editor.model_
    d1 = model.decisions()[0]
    greg = next(c for c in _find(editor, "pmkit-decision-matrix-cell")
                if c.tooltip == f"Greg Hollis: role in '{d1}'")
    greg.value = "C"
    assert "5 errors and 3 smells" in _find(editor, "pmkit-decision-matrix-problems")[0].value
    picker = _find(editor, "pmkit-decision-matrix-matrix")[0]
    picker.value = "q3-daci"
    assert len(_find(editor, "pmkit-decision-matrix-cell")) == len(model.people()) * 2

    player = ws.scenario_player()
    _find(player, "pmkit-scenario-player-choice")[1].click()
    assert "A call beats a thread" in _find(player, "pmkit-scenario-player-explanation")[0].value
    assert "On the call, Greg opens up" in _find(player, "pmkit-scenario-player-step")[0].value
    _find(player, "pmkit-scenario-player-restart")[0].click()
    assert player.model_.run.path == ["the-ask"]

    plan = ws.comms_plan_builder(people, matrix=matrices["q3-raci"])
    _find(plan, "pmkit-comms-plan-person")[0].value = "Maya Okafor"
    _find(plan, "pmkit-comms-plan-cadence")[0].value = "weekly"
    assert "Saved your changes" in _find(plan, "pmkit-comms-plan-status")[0].value
    _find(plan, "pmkit-comms-plan-export")[0].click()
    status = _find(plan, "pmkit-comms-plan-status")[0].value
    assert "Exported the plan to" in status
    assert (work_dir / "04-stakeholders" / "comms_plan_templates-vs-freshbite.md").exists()
    again = ws.comms_plan_builder(people, matrix=matrices["q3-raci"])
    assert "Restored the changes" in _find(again, "pmkit-comms-plan-status")[0].value


def test_views_show_an_error_box_for_bad_input(tmp_path):
    bad = pd.DataFrame({"id": ["a"], "name": [""], "power": [3], "interest": [3], "stance": [0]})
    for view in (ws.stakeholder_grid, ws.comms_plan_builder):
        box = view(bad)
        assert "pmkit-error-box" in box._dom_classes
        assert re.search(r"name is blank", box.value)
    assert "pmkit-error-box" in ws.decision_matrix_editor({})._dom_classes
    assert "pmkit-error-box" in ws.scenario_player({})._dom_classes


def test_views_take_the_path_of_a_learners_own_file(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text("id,name,power,interest,stance\nP1,Ana Silva,4,5,1\nP2,Ben Ode,2,2,-1\n", encoding="utf-8")
    grid = ws.stakeholder_grid(str(mine))
    assert grid.model_.initiative == st.DEFAULT_INITIATIVE
    assert "your stakeholder map" in grid.model_.alt_text()
    plan = ws.comms_plan_builder(mine, autosave=False, restore=False)
    markdown = plan.model_.markdown()
    assert markdown.startswith("# Communication plan: your stakeholder map")
    assert "Priya Nair" not in markdown  # your own plan is not Priya's
    assert "Owner: Priya Nair." in ws.CommsPlanModel(initiative="templates-vs-freshbite").markdown()
    broken = tmp_path / "broken.csv"
    broken.write_text("id,name,power,interest,stance\nP1,Ana,High,5,1\n", encoding="utf-8")
    for view in (ws.stakeholder_grid, ws.comms_plan_builder):
        box = view(broken)
        assert "pmkit-error-box" in box._dom_classes and "would be 4 or 5" in box.value
        assert "There is no file" in view(tmp_path / "missing.csv").value


def test_player_and_editor_take_a_path(tmp_path):
    scenario = tmp_path / "mine.yaml"
    scenario.write_text((st.DATASETS_DIR / "scenarios" / "greg_freshbite.yaml").read_text(encoding="utf-8"),
                        encoding="utf-8")
    assert ws.scenario_player(scenario).model_.keys == ["greg-freshbite"]
    assert ws.scenario_player(str(st.DATASETS_DIR / "scenarios")).model_.keys == ["greg-freshbite",
                                                                                 "tomas-engine-rewrite"]
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("next: options", "next: optoins"),
                        encoding="utf-8")
    box = ws.scenario_player(scenario)
    assert "pmkit-error-box" in box._dom_classes and "Did you mean &#x27;options&#x27;" in box.value
    rights = tmp_path / "rights.yaml"
    rights.write_text("matrices:\n  - id: m\n    framework: DACI\n    decisions: {Pick: {Ana: D, Ben: A, Cy: C}}\n",
                      encoding="utf-8")
    assert ws.decision_matrix_editor(rights).model_.keys == ["m"]
    assert "pmkit-error-box" in ws.decision_matrix_editor(tmp_path / "none.yaml")._dom_classes
