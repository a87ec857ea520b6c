"""pmkit.stakeholders: the stakeholder data, the grid, decision rights, communication plans,
the scenario engine and the exercise checkers."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as hs

from pmkit import stakeholders as st
from pmkit.data import DataError
from pmkit.feedback import Feedback
from pmkit.paths import DATASETS_DIR
from pmkit.work import keep_answer, load_answer

ROOT = Path(__file__).resolve().parent.parent
TEAM = yaml.safe_load((DATASETS_DIR / "decision_rights.yaml").read_text(encoding="utf-8"))["people"]


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


@pytest.fixture(scope="module")
def scenarios():
    return st.load_scenarios()


def _csv(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# =============================================================================================
# The course's stakeholder data
# =============================================================================================
def test_course_stakeholders_load_with_both_initiatives(people):
    assert list(people.columns) == list(st.COLUMNS)
    assert st.initiatives(people) == ["templates-vs-freshbite", "engine-rewrite"]
    first = st.select_initiative(people, "templates-vs-freshbite")
    second = st.select_initiative(people, "engine-rewrite")
    assert 12 <= len(first) <= 15 and 10 <= len(second) <= 15
    assert people["id"].is_unique
    for col in ("power", "interest", "stance"):
        assert people[col].dtype == "int64"
    assert people["power"].between(1, 5).all() and people["interest"].between(1, 5).all()
    assert people["stance"].between(-2, 2).all()
    assert set(people["cadence"]) <= set(st.CADENCES)
    assert (people["cares_about"].str.len() > 10).all()


def test_course_stakeholders_are_rotawise_people_and_agree_with_the_case_study(people):
    assert set(people["name"]) <= set(TEAM)
    assert "Priya Nair" not in set(people["name"]), "Priya is the one who maps, not a row of her own map"
    rows = st.select_initiative(people, "templates-vs-freshbite").set_index("name")
    assert rows.at["Greg Hollis", "stance"] == -2  # Sales wants the FreshBite connector
    assert rows.at["Greg Hollis", "role"] == "Head of Sales"
    assert st.quadrant(rows.at["Daniel Reyes", "power"], rows.at["Daniel Reyes", "interest"]) == "Manage closely"
    roles = {"Maya Okafor": "CEO and co-founder", "Nadia Petrova": "CTO and co-founder", "Clara Jensen": "CFO"}
    for name, role in roles.items():
        assert rows.at[name, "role"] == role


def test_loading_never_changes_the_file(tmp_path):
    path = _csv(tmp_path, """
        id,name,power,interest,stance
        P1,Ana Silva,80%,4,+1
    """)
    before = path.read_bytes()
    with pytest.raises(DataError):
        st.load_stakeholders(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("row, line, column, words", [
    ("P1,Ana,80%,4,1", 2, "power", "is a percentage"),
    ("P1,Ana,6,4,1", 2, "power", "off the scale"),
    ("P1,Ana,0,4,1", 2, "power", "off the scale"),
    ("P1,Ana,2.5,4,1", 2, "power", "not a whole number"),
    ("P1,Ana,lots,4,1", 2, "power", "not a number"),
    ("P1,Ana,3,,1", 2, "interest", "blank"),
    ("P1,Ana,3,4,3", 2, "stance", "-2 (strongly against) to +2"),
    ("P1,Ana,3,4,-3", 2, "stance", "off the scale"),
    ("P1,Ana,3,4,0.5", 2, "stance", "not a whole number"),
    ("P1,,3,4,1", 2, "name", "the name is blank"),
    (",Ana,3,4,1", 2, "id", "the id is blank"),
])
def test_bad_cells_are_reported_with_line_column_and_what_is_expected(tmp_path, row, line, column, words):
    path = _csv(tmp_path, "id,name,power,interest,stance\n" + row + "\n")
    with pytest.raises(DataError) as err:
        st.load_stakeholders(path)
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.message
    assert "Expected" in problem.message
    assert "people.csv" in str(err.value)


def test_every_problem_is_listed_at_once(tmp_path):
    path = _csv(tmp_path, """
        id,name,power,interest,stance,cadence,initiative
        P1,Ana Silva,80%,4,+1,weekly,a
        P2,,3,6,0,hourly,a
        P1,Ben Ode,2,2,supporter,biweekly,
        P4,Ana Silva,2,2,0,,a
    """)
    with pytest.raises(DataError) as err:
        st.load_stakeholders(path)
    found = {(p.line, p.column) for p in err.value.problems}
    assert found == {(2, "id"), (2, "power"), (3, "name"), (3, "interest"), (3, "cadence"), (4, "cadence"),
                     (4, "initiative"), (2, "name")}
    text = str(err.value)
    assert "appears on lines 2 and 4" in text            # duplicate id
    assert "'Ana Silva' appears more than once" in text  # duplicate name in one initiative
    assert "Did you mean" in text or "twice a week" in text  # biweekly is ambiguous
    assert "'hourly' is not a cadence" in text


def test_missing_required_column_suggests_the_near_name(tmp_path):
    path = _csv(tmp_path, """
        id,name,powr,interest
        P1,Ana,3,4
    """)
    with pytest.raises(DataError) as err:
        st.load_stakeholders(path)
    messages = {p.column: p.message for p in err.value.problems}
    assert "Did you mean 'powr'" in messages["power"]
    assert "stance" in messages and "Add it" in messages["stance"]


def test_ragged_row_and_duplicate_columns(tmp_path):
    path = _csv(tmp_path, """
        id,name,power,interest,stance,attitude
        P1,Ana,3,4,1,1
        P2,Ben,3,4,1,0,extra
    """)
    with pytest.raises(DataError) as err:
        st.load_stakeholders(path)
    text = str(err.value)
    assert "line 3: this line has 7 cells but the header has 6 columns" in text
    # 'attitude' is an alias of stance, but stance is there too: it is kept as an unused column
    assert all(p.line == 3 for p in err.value.problems)


def test_spreadsheet_exports_load(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffID;Name;Power;Interest;Stance;Channel;Frequency\n"
                     "P1;Ana Silva;4;5;champion;email;every two weeks\n"
                     "P2;Ben Ode;2;1;−1;;\n".encode("utf-8"))
    frame = st.load_stakeholders(path)
    assert list(frame["stance"]) == [2, -1]
    assert list(frame["cadence"]) == ["fortnightly", ""]
    assert list(frame["preferred_channel"]) == ["email", ""]
    assert set(frame["initiative"]) == {st.DEFAULT_INITIATIVE}
    assert any("semicolon" in note for note in frame.attrs["notes"])


def test_validate_a_table_in_memory_names_rows():
    frame = pd.DataFrame({"id": ["a", "b"], "name": ["Ana", "Ben"], "power": [3, 9], "interest": [4, 4],
                          "stance": [0, 1]}, index=["first", "second"])
    with pytest.raises(DataError) as err:
        st.validate_stakeholders(frame)
    assert err.value.problems[0].row == "second"
    assert "row second, column 'power'" in str(err.value)
    ok = st.validate_stakeholders(frame.assign(power=[3, 4]))
    assert list(ok.index) == ["first", "second"] and ok["power"].tolist() == [3, 4]
    with pytest.raises(TypeError, match="load_stakeholders"):
        st.validate_stakeholders("people.csv")


def test_explain_prints_instead_of_raising(tmp_path, capsys):
    path = _csv(tmp_path, "id,name,power,interest,stance\nP1,Ana,9,4,1\n")
    assert st.explain_stakeholders(path) is None
    out = capsys.readouterr().out
    assert "line 2, column 'power'" in out and "not changed" in out
    assert st.explain_stakeholders(tmp_path / "missing.csv") is None
    assert "There is no file" in capsys.readouterr().out


# =============================================================================================
# The power-interest grid
# =============================================================================================
@pytest.mark.parametrize("power, interest, expected", [
    (4, 4, "Manage closely"), (5, 5, "Manage closely"),
    (4, 3, "Keep satisfied"), (5, 1, "Keep satisfied"),
    (3, 4, "Keep informed"), (1, 5, "Keep informed"),
    (3, 3, "Monitor"), (1, 1, "Monitor"),
])
def test_quadrant_boundaries(power, interest, expected):
    assert st.quadrant(power, interest) == expected
    assert st.strategy(power, interest) == st.STRATEGIES[expected]


def test_the_split_moves_the_lines():
    assert st.quadrant(3, 3, split=2) == "Manage closely"
    assert st.quadrant(4, 4, split=4) == "Monitor"
    assert st.is_borderline(3, 1) and st.is_borderline(1, 3) and not st.is_borderline(5, 1)


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3", None, float("nan")])
def test_quadrant_refuses_values_off_the_scale(bad):
    with pytest.raises(ValueError, match="whole number from 1 to 5"):
        st.quadrant(bad, 3)
    with pytest.raises(ValueError):
        st.quadrant(3, bad)


@given(power=hs.integers(1, 5), interest=hs.integers(1, 5), split=hs.sampled_from([1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]))
def test_quadrant_property(power, interest, split):
    q = st.quadrant(power, interest, split)
    assert q in st.QUADRANTS
    high_power, high_interest = power > split, interest > split
    assert q == {(True, True): "Manage closely", (True, False): "Keep satisfied",
                 (False, True): "Keep informed", (False, False): "Monitor"}[(high_power, high_interest)]
    if power < 5:  # more power never takes anyone out of the high-power half
        above = st.quadrant(power + 1, interest, split)
        if q in ("Manage closely", "Keep satisfied"):
            assert above == q


def test_grid_table_orders_by_attention(people):
    table = st.grid_table(people, "templates-vs-freshbite")
    order = [st.QUADRANTS.index(q) for q in table["quadrant"]]
    assert order == sorted(order)
    assert set(table.loc[table["quadrant"] == "Manage closely", "name"]) == {"Daniel Reyes", "Greg Hollis",
                                                                             "Tomás Berg"}
    assert table["strategy"].map(len).gt(50).all()
    with pytest.raises(ValueError, match="no initiative 'nope'"):
        st.grid_table(people, "nope")


def test_describe_position_gives_strategy_borderline_and_stance_advice():
    text = st.describe_position("Greg Hollis", 4, 5, -2)
    assert "Manage closely" in text and "strongly against" in text and "hear their concern" in text
    assert "Borderline" in st.describe_position("Aisha Rahman", 3, 5, 2)
    assert "help make the case" in st.describe_position("Lena Fischer", 2, 4, 2)
    with pytest.raises(ValueError):
        st.describe_position("X", 3, 3, 5)


# =============================================================================================
# Decision rights
# =============================================================================================
def test_course_matrices_are_sound_except_the_wiki_one(matrices):
    assert set(matrices) == {"q3-raci", "q3-daci", "q3-rapid", "q3-raci-wiki"}
    for key in ("q3-raci", "q3-daci", "q3-rapid"):
        assert matrices[key].problems() == [], key
        assert "No problems" in matrices[key].summary()
    assert {m.framework for m in matrices.values()} == {"RACI", "DACI", "RAPID"}
    for m in matrices.values():
        assert m.people == TEAM
        if m.id != "q3-raci-wiki":
            assert {p for row in m.cells.values() for p in row} <= set(TEAM)


def test_the_wiki_raci_has_the_planted_problems(matrices):
    wiki = matrices["q3-raci-wiki"]
    d1, d2, d3, d4 = wiki.decisions
    found = {(p.level, p.decision, p.person) for p in wiki.problems()}
    assert found == {
        ("error", d1, None),              # two Accountables
        ("smell", d1, "Nadia Petrova"),   # C and I
        ("smell", d1, None),              # too many Consulted
        ("error", d2, "Sales team"),      # not a person
        ("error", d2, None),              # nobody Responsible
        ("error", d3, "Lena"),            # first name only
        ("smell", d3, "Tomás Berg"),      # R and A
        ("error", d4, None),              # nobody Accountable / Responsible (two problems)
    }
    assert len(wiki.errors()) == 6 and len(wiki.smells()) == 3
    text = "\n".join(map(str, wiki.problems()))
    assert "2 people are Accountable (Daniel Reyes and Greg Hollis)" in text
    assert "Did you mean 'Lena Fischer'?" in text
    assert not wiki.is_valid


PEOPLE = ["Ana", "Ben", "Cy", "Dee", "Eve", "Fay", "Gus"]


@pytest.mark.parametrize("framework, row, words, level", [
    ("RACI", {"Ana": "R"}, "nobody is Accountable", "error"),
    ("RACI", {"Ana": "R", "Ben": "A", "Cy": "A"}, "2 people are Accountable (Ben and Cy)", "error"),
    ("RACI", {"Ben": "A", "Cy": "C"}, "nobody is Responsible", "error"),
    ("RACI", {"Ana": "R/A", "Cy": "C"}, "Ana is both Responsible and Accountable", "smell"),
    ("RACI", {"Ana": "R", "Ben": "A", "Cy": "C/I"}, "Cy is both Consulted and Informed", "smell"),
    ("RACI", {"Ana": "R", "Ben": "A", "Cy": "C", "Dee": "C", "Eve": "C", "Fay": "C", "Gus": "C", "Hal": "C"},
     "people are Consulted", "smell"),
    ("RACI", {"Ana": "R", "Ben": "A"}, "nobody is Consulted or Informed", "smell"),
    ("RACI", {"Ana": "R", "Ben": "A", "Cy": "X"}, "'X' is not a RACI role", "error"),
    ("RACI", {"Ana": "R", "Ben": "A", "Zed": "C"}, "'Zed' is not one of the people", "error"),
    ("RACI", {}, "nobody has a role in this decision yet", "error"),
    ("DACI", {"Ana": "D", "Ben": "A", "Cy": "A", "Dee": "C"}, "2 people are named Approver", "error"),
    ("DACI", {"Ben": "A", "Dee": "C"}, "nobody is the Driver", "error"),
    ("DACI", {"Ana": "D/A", "Dee": "C"}, "The driver approves their own", "smell"),
    ("DACI", {"Ana": "D", "Ben": "A"}, "nobody is a Contributor", "smell"),
    ("RAPID", {"Ana": "R", "Ben": "P", "Cy": "I"}, "nobody has the D (Decide)", "error"),
    ("RAPID", {"Ana": "R", "Ben": "D", "Cy": "I"}, "nobody has the P (Perform)", "error"),
    ("RAPID", {"Ana": "P", "Ben": "D", "Cy": "I"}, "nobody has the R (Recommend)", "error"),
    ("RAPID", {"Ana": "R/D", "Ben": "P", "Cy": "I"}, "The recommender decides on their own proposal", "smell"),
    ("RAPID", {"Ana": "R", "Ben": "D", "Cy": "P", "Dee": "A", "Eve": "A", "Fay": "A", "Gus": "I"},
     "3 people must Agree", "smell"),
    ("RAPID", {"Ana": "R", "Ben": "D", "Cy": "P"}, "nobody gives Input", "smell"),
])
def test_bad_matrices_are_reported_in_plain_words(framework, row, words, level):
    problems = st.validate_matrix(framework, {"The decision": row}, PEOPLE + ["Hal"])
    hits = [p for p in problems if words in p.message]
    assert hits, [str(p) for p in problems]
    assert hits[0].level == level
    assert hits[0].decision == "The decision"
    assert str(hits[0]).startswith("Error" if level == "error" else "Smell")


@pytest.mark.parametrize("cell, roles", [
    ("R", ("R",)), ("r", ("R",)), ("Responsible", ("R",)), ("accountable", ("A",)),
    ("R/A", ("R", "A")), ("A, R", ("R", "A")), ("RA", ("R", "A")), (["C", "I"], ("C", "I")),
    ("R and A", ("R", "A")), ("", ()), (None, ()), ("-", ()),
])
def test_role_cells_are_read_in_every_common_form(cell, roles):
    m = st.DecisionMatrix("RACI", {"D": {"Ana": cell}})
    assert m.cells["D"].get("Ana", ()) == roles
    assert not m.invalid


def test_matrix_editing_copy_and_plain_data():
    m = st.DecisionMatrix("raci", {"D1": {"Ana": "R", "Ben": "A"}}, ["Ana", "Ben", "Cy"])
    assert m.framework == "RACI"
    other = m.copy()
    other.set_role("D1", "Cy", "C")
    other.set_role("D1", "Ana", "")
    assert m.role("D1", "Cy") == "" and other.role("D1", "Cy") == "C" and other.role("D1", "Ana") == ""
    assert m.to_dict() == {"D1": {"Ana": "R", "Ben": "A"}}
    with pytest.raises(ValueError, match="not a RACI role"):
        m.set_role("D1", "Ana", "Q")
    with pytest.raises(ValueError, match="no decision"):
        m.set_role("D9", "Ana", "R")
    table = m.table()
    assert list(table.index) == ["Ana", "Ben", "Cy"] and table.loc["Ana", "D1"] == "R"
    with pytest.raises(ValueError, match="RACI, DACI or RAPID"):
        st.DecisionMatrix("MOSCOW")
    with pytest.raises(TypeError, match="decision matrix is a dict"):
        st.DecisionMatrix("RACI", [("D1", "Ana")])
    assert "no decisions" in str(st.DecisionMatrix("RACI", {}).problems()[0])


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.lists(hs.sampled_from(["", "R", "A", "C", "I", "R/A"]), min_size=4, max_size=4),
                min_size=1, max_size=4))
def test_accountable_errors_match_the_count_of_accountables(grid):
    names = ["Ana", "Ben", "Cy", "Dee"]
    decisions = {f"D{n}": {p: role for p, role in zip(names, row) if role} for n, row in enumerate(grid, 1)}
    matrix = st.DecisionMatrix("RACI", decisions, names)
    for d, row in decisions.items():
        accountables = sum("A" in role for role in row.values())
        errors = [p for p in matrix.problems() if p.decision == d and "Accountable" in p.message and p.level == "error"]
        if not row:
            assert any("nobody has a role" in p.message for p in matrix.problems() if p.decision == d)
        else:
            assert bool(errors) == (accountables != 1)
    assert matrix.is_valid == (not matrix.errors())


def _yaml_file(tmp_path: Path, text: str, name: str = "matrices.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_matrix_file_problems_name_their_lines(tmp_path):
    path = _yaml_file(tmp_path, """
        people: [Ana, Ben]
        matrices:
          - id: one
            framework: RACI
            decisions:
              D1:
                Ana: R
                Ana: A
          - id: two
            framework: MOSCOW
            decisions: {}
          - framework: RACI
            decisions: {D1: {Ana: R}}
    """)
    with pytest.raises(DataError) as err:
        st.load_matrices(path)
    text = str(err.value)
    assert "line 8: the key 'Ana' appears twice" in text
    assert "line 10: matrix 'two': framework 'MOSCOW' is not RACI, DACI or RAPID" in text
    assert "matrix 3 has no 'id'" in text


def test_matrix_file_with_broken_yaml(tmp_path):
    path = _yaml_file(tmp_path, "matrices:\n  - id: one\n\tframework: RACI\n")
    with pytest.raises(DataError) as err:
        st.load_matrices(path)
    assert err.value.problems[0].line == 3
    assert "not valid YAML" in str(err.value) and "tabs" in str(err.value)


# =============================================================================================
# Communication plans
# =============================================================================================
def test_plan_puts_decisions_first(people, matrices):
    plan = st.comms_plan(people, "templates-vs-freshbite", matrices["q3-raci"], owner="Priya Nair")
    assert len(plan) == 14
    assert list(plan.index[:2]) == ["Daniel Reyes", "Greg Hollis"]
    assert plan.loc["Daniel Reyes", "needed"].startswith("Decision: Which goes first")
    needs = (plan["needed"] != "").tolist()
    assert needs == sorted(needs, reverse=True), "everyone we need something from comes first"
    assert (plan["owner"] == "Priya Nair").all()
    rest = plan[plan["needed"] == ""]
    order = [st.QUADRANTS.index(q) for q in rest["quadrant"]]
    assert order == sorted(order)
    assert "Hear their concern first" in plan.loc["Greg Hollis", "message"]
    assert "(ARR, cash" in plan.loc["Clara Jensen", "message"]


def test_plan_without_a_matrix_and_with_overrides(people):
    plan = st.comms_plan(people, "engine-rewrite", overrides={
        "Greg Hollis": {"include": False}, "Maya Okafor": {"message": "Three lines.", "cadence": "weekly"}})
    assert "Greg Hollis" not in plan.index
    assert plan.loc["Maya Okafor", "message"] == "Three lines." and plan.loc["Maya Okafor", "cadence"] == "weekly"
    assert (plan["needed"] == "").all()
    assert plan.index[0] in ("Tomás Berg", "Nadia Petrova")


def test_plan_markdown_is_a_valid_table_and_escapes_pipes(people):
    rows = people.copy()
    rows.loc[0, "name"] = "Pat | Sales"
    rows.loc[0, "cares_about"] = "Line one\nline two | more"
    plan = st.comms_plan(st.validate_stakeholders(rows), "templates-vs-freshbite")
    text = st.plan_markdown(plan, owner="Priya Nair")
    assert text.startswith("# Communication plan: Q3 plan")
    assert "## Decisions and input needed first" in text and "No decision or input is needed" in text
    assert "Pat \\| Sales" in text and "\nline two" not in text
    table = [ln for ln in text.splitlines() if ln.startswith("| ") and ln[2].isdigit()]
    assert len(table) == len(plan)
    header = next(ln for ln in text.splitlines() if ln.startswith("| # |"))
    cols = header.count(" | ")
    for ln in table:
        assert ln.replace("\\|", "").count(" | ") == cols


def test_save_markdown_goes_to_the_work_folder(work_dir):
    path = st.save_markdown("# Plan\n", "comms_plan_test.md")
    assert path == work_dir / "04-stakeholders" / "comms_plan_test.md"
    assert path.read_text(encoding="utf-8") == "# Plan\n"
    for bad in ("../escape.md", "plan.txt", "", "a/b.md"):
        with pytest.raises(ValueError, match="cannot be used as a file name"):
            st.save_markdown("x", bad)


# =============================================================================================
# Scenarios
# =============================================================================================
def test_course_scenarios_are_sound(scenarios):
    assert set(scenarios) == {"greg-freshbite", "tomas-engine-rewrite"}
    for sc in scenarios.values():
        paths = sc.paths()
        assert paths and all(p.finished for p in paths)
        assert {p.ending.id for p in paths} == set(sc.endings), "every ending can be reached"
        visited = {s for p in paths for s in p.path}
        assert visited >= set(sc.steps), "every step is on some path"
        best = sc.best_path()
        assert best.ending.outcome == "good"
        worst = min(paths, key=lambda r: r.trust + r.alignment)
        assert worst.ending.outcome == "poor"
        for p in paths:
            assert p.trust == sum(m.trust for m in p.moves)
            assert p.alignment == sum(m.alignment for m in p.moves)
            assert p.explanations and all(len(w) > 40 for w in p.explanations)
        assert sc.message["prompt"] and sc.message["concern"] and sc.message["their_terms"]
    assert scenarios["greg-freshbite"].counterpart == "Greg Hollis"
    assert scenarios["tomas-engine-rewrite"].counterpart == "Tomás Berg"


def test_play_returns_path_scores_and_explanations(scenarios):
    greg = scenarios["greg-freshbite"]
    result = greg.play(["B", "a", "A", "A"])
    assert result.path == ("the-ask", "the-real-need", "options", "sized", "joint-recommendation")
    assert (result.trust, result.alignment) == (6, 5)
    assert result.choices == ("B", "A", "A", "A") and len(result.explanations) == 4
    assert result.ending.title == "One recommendation, two names" and result.current is None
    assert greg.play("B A").path == greg.play([1, 0]).path[:3]
    partial = greg.play(["A"])
    assert not partial.finished and partial.current.id == "numbers-fight"
    assert "Not finished" in str(partial)


@pytest.mark.parametrize("choices, words", [
    (["Z"], "Step 'the-ask' has choices A to C; 'Z' is not one of them"),
    ([7], "number 7 is not one of them"),
    ([True], "needs a letter"),
    ([None], "needs a letter"),
    (["B", "A", "A", "A", "A"], "comes after the scenario has ended"),
])
def test_bad_choices_name_the_step(scenarios, choices, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        scenarios["greg-freshbite"].play(choices)


def test_replay_never_raises(scenarios, capsys):
    greg = scenarios["greg-freshbite"]
    assert st.replay(greg, ...).path == ("the-ask",)
    assert "have not chosen yet" in capsys.readouterr().out
    result = st.replay(greg, ["B", "Q"])
    assert result.path == ("the-ask", "the-real-need")
    assert "Choice 2 could not be used" in capsys.readouterr().out
    assert st.replay(greg, 42).path == ("the-ask",)
    assert st.replay(greg, "B, A").path[-1] == "options"


VALID = """
id: demo
title: A demo
counterpart: Ana Silva
start: first
steps:
  - id: first
    situation: Ana asks for a feature.
    choices:
      - text: Ask why.
        next: second
        trust: 1
        alignment: 1
        why: Asking shows interest.
      - text: Say no.
        next: bad-end
        trust: -2
        alignment: -1
        why: A flat no shuts her out.
  - id: second
    situation: Ana explains the need.
    choices:
      - text: Play it back.
        next: good-end
        trust: 2
        alignment: 2
        why: She feels heard.
endings:
  - id: good-end
    title: Agreement
    outcome: good
    text: You agree on a plan.
  - id: bad-end
    title: No deal
    outcome: poor
    text: She goes around you.
"""


def _scenario_file(tmp_path: Path, text: str, name: str = "demo.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_minimal_scenario_is_valid(tmp_path):
    sc = st.load_scenario(_scenario_file(tmp_path, VALID))
    assert sc.play(["A", "A"]).ending.id == "good-end"
    assert sc.message["to"] == "Ana"


BAD_SCENARIOS = [
    # (what, edit, step, words)
    ("unknown next step", ("next: second", "next: secnd"), "first", "unknown step 'secnd'. Did you mean 'second'?"),
    ("dangling choice: no next", ("        next: good-end\n", ""), "second", "leads nowhere"),
    ("dangling choice: blank next", ("next: good-end", "next: ''"), "second", "dangling choice"),
    ("missing why", ("        why: She feels heard.\n", ""), "second", "this choice has no 'why'"),
    ("missing situation", ("    situation: Ana explains the need.\n", ""), "second", "this step has no 'situation'"),
    ("trust out of range", ("trust: 2", "trust: 3"), "second", "'trust' is 3; expected a whole number from -2 to +2"),
    ("alignment not whole", ("alignment: 2", "alignment: 1.5"), "second", "'alignment' is 1.5"),
    ("alignment is text", ("alignment: 2", "alignment: high"), "second", "'alignment' is 'high'"),
    ("trust is a boolean", ("trust: 2", "trust: yes"), "second", "'trust' is True"),
    ("trust missing", ("        trust: 2\n", ""), "second", "this choice has no 'trust'"),
    ("typo in a field", ("        why: She feels heard.", "        wy: She feels heard."), "second",
     "unknown field 'wy'. Did you mean 'why'?"),
    ("self loop", ("next: good-end", "next: second"), "second", "leads back to its own step"),
    ("no choices", ("    choices:\n      - text: Play it back.", "    options:\n      - text: Play it back."),
     "second", "has no choices"),
]


@pytest.mark.parametrize("what, edit, step, words", BAD_SCENARIOS, ids=[b[0] for b in BAD_SCENARIOS])
def test_bad_scenario_files_name_file_step_and_problem(tmp_path, what, edit, step, words):
    old, new = edit
    assert old in VALID, what
    path = _scenario_file(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenario(path)
    text = str(err.value)
    assert text.startswith("Could not load demo.yaml")
    hits = [p for p in err.value.problems if words in p.message]
    assert hits, text
    assert hits[0].step == step and hits[0].file == "demo.yaml"
    assert f"demo.yaml, step '{step}'" in text
    assert hits[0].line is not None and hits[0].line > 1


def test_unreachable_step_and_ending(tmp_path):
    text = VALID.replace("next: second", "next: good-end") + (
        "  - id: lost-end\n    title: Lost\n    text: Nobody gets here.\n")
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenario(_scenario_file(tmp_path, text))
    messages = {p.step: p.message for p in err.value.problems}
    assert "unreachable from 'first'" in messages["second"]
    lost = [p for p in err.value.problems if "ending 'lost-end'" in p.message]
    assert lost and lost[0].line == text.splitlines().index("  - id: lost-end") + 1


THIRD = """  - id: third
    situation: Round again.
    choices:
      - text: Back.
        next: second
        trust: 0
        alignment: 0
        why: Nothing moves.
"""


def test_loop_with_no_way_out(tmp_path):
    text = VALID.replace("next: good-end", "next: third").replace("endings:\n", THIRD + "endings:\n")
    assert [s["id"] for s in yaml.safe_load(text)["steps"]] == ["first", "second", "third"]
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenario(_scenario_file(tmp_path, text))
    loop = [p for p in err.value.problems if "stuck in a loop" in p.message]
    assert loop and "'second' and 'third'" in loop[0].message
    assert loop[0].step == "second"


def test_structure_errors(tmp_path):
    cases = {
        "list.yaml": ("- just\n- a list\n", "should hold one scenario"),
        "tabs.yaml": ("id: x\nsteps:\n\t- id: a\n", "not valid YAML"),
        "quote.yaml": ('id: "x\ntitle: y\n', "not valid YAML"),
        "dupes.yaml": (VALID.replace("  - id: second", "  - id: first"), "the id 'first' is used twice"),
        "clash.yaml": (VALID.replace("  - id: bad-end", "  - id: second").replace("next: bad-end", "next: second"),
                       "is used twice"),
        "start.yaml": (VALID.replace("start: first", "start: good-end"), "the scenario must start at a step"),
        "nostart.yaml": (VALID.replace("start: first\n", ""), "the scenario has no 'start'"),
        "outcome.yaml": (VALID.replace("outcome: poor", "outcome: awful"), "should be good, mixed or poor"),
        "dupkey.yaml": (VALID.replace("        trust: 1\n", "        trust: 1\n        trust: 2\n", 1),
                        "the key 'trust' appears twice"),
        "noendings.yaml": (VALID[: VALID.index("endings:")], "needs 'endings'"),
    }
    for name, (text, words) in cases.items():
        with pytest.raises(st.ScenarioError) as err:
            st.load_scenario(_scenario_file(tmp_path, text, name))
        assert words in str(err.value), (name, str(err.value))
        assert name in str(err.value)


def test_every_problem_in_a_scenario_is_listed_at_once(tmp_path):
    text = VALID.replace("trust: 2", "trust: 5").replace("next: bad-end", "next: nowhere").replace(
        "        why: Asking shows interest.\n", "")
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenario(_scenario_file(tmp_path, text))
    messages = " ".join(p.message for p in err.value.problems)
    assert "'trust' is 5" in messages and "unknown step 'nowhere'" in messages and "no 'why'" in messages
    assert "never reach it" in messages  # bad-end is now unreachable


def test_load_scenarios_collects_problems_from_every_file(tmp_path):
    _scenario_file(tmp_path, VALID.replace("trust: 2", "trust: 9"), "one.yaml")
    _scenario_file(tmp_path, VALID.replace("next: second", "next: sec"), "two.yaml")
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenarios(tmp_path)
    files = {p.file for p in err.value.problems}
    assert files == {"one.yaml", "two.yaml"}
    folder = tmp_path / "ok"
    folder.mkdir()
    _scenario_file(folder, VALID, "a.yaml")
    _scenario_file(folder, VALID, "b.yaml")
    with pytest.raises(st.ScenarioError, match="also used by a.yaml"):
        st.load_scenarios(folder)
    with pytest.raises(FileNotFoundError):
        st.load_scenarios(tmp_path / "none")


@settings(max_examples=40, deadline=None)
@given(hs.data())
def test_random_forward_scenarios_are_valid_and_every_path_ends(data):
    """Steps that only point forward (or to an ending) always form a valid scenario."""
    n = data.draw(hs.integers(1, 6))
    steps = []
    for k in range(n):
        targets = [f"s{j}" for j in range(k + 1, n)] + ["end-a", "end-b"]
        count = data.draw(hs.integers(1, 3))
        choices = []
        for _ in range(count):
            choices.append({"text": "t", "next": data.draw(hs.sampled_from(targets)),
                            "trust": data.draw(hs.integers(-2, 2)), "alignment": data.draw(hs.integers(-2, 2)),
                            "why": "because"})
        steps.append({"id": f"s{k}", "situation": "s", "choices": choices})
    # make every step and both endings reachable: a spine s0 -> s1 -> ... -> end-a, plus a choice to end-b
    for k in range(n):
        steps[k]["choices"][0]["next"] = f"s{k + 1}" if k + 1 < n else "end-a"
    steps[0]["choices"].append({"text": "quit", "next": "end-b", "trust": 0, "alignment": 0, "why": "w"})
    doc = {"id": "r", "title": "R", "start": "s0", "steps": steps,
           "endings": [{"id": "end-a", "title": "A", "text": "a"}, {"id": "end-b", "title": "B", "text": "b"}]}
    sc = st.parse_scenario(yaml.safe_dump(doc), "random.yaml")
    for result in sc.paths():
        assert result.finished
        assert result.trust == sum(m.trust for m in result.moves)
    # pointing any choice at a missing step is always an error that names that step
    k = data.draw(hs.integers(0, n - 1))
    doc["steps"][k]["choices"][0]["next"] = "missing-step"
    with pytest.raises(st.ScenarioError) as err:
        st.parse_scenario(yaml.safe_dump(doc), "random.yaml")
    assert any(p.step == f"s{k}" and "unknown step 'missing-step'" in p.message for p in err.value.problems)


# =============================================================================================
# Exercise checkers
# =============================================================================================
UNANSWERED = [..., None, "", "   ", [], {}]
ODD = [42, 3.5, object(), {"a": 1}, ["x"], pd.DataFrame()]


@pytest.mark.parametrize("checker", [st.check_stakeholder_map, st.check_raci_fix, st.check_message])
def test_checkers_never_raise(checker):
    for value in UNANSWERED:
        fb = checker(value)
        assert isinstance(fb, Feedback) and not fb.answered and "replace ..." in fb.summary
    for value in ODD:
        fb = checker(value)
        assert isinstance(fb, Feedback)
        str(fb), fb._repr_html_()


REFERENCE = {"Tomás Berg": (4, 5, 2), "Nadia Petrova": (5, 4, 0), "Daniel Reyes": (4, 3, 0),
             "Hannah Kowalski": (3, 4, 0), "Maya Okafor": (5, 2, 1), "Clara Jensen": (4, 2, -1),
             "Lena Fischer": (2, 3, 1), "Aisha Rahman": (3, 3, -1), "Greg Hollis": (4, 2, -1),
             "Rafael Costa": (3, 3, 1)}


def test_reference_map_agrees_with_the_data(people):
    rows = st.select_initiative(people, "engine-rewrite").set_index("name")
    for name, (p, i, s) in REFERENCE.items():
        assert (rows.at[name, "power"], rows.at[name, "interest"], rows.at[name, "stance"]) == (p, i, s)
    fb = st.check_stakeholder_map(REFERENCE, people)
    assert fb.ok and "10 of 10" in fb.summary


def test_map_differences_are_explained(people):
    answer = {**REFERENCE, "Hannah Kowalski": (2, 2, 0), "Greg Hollis": (4, 2, 2)}
    answer.pop("Rafael Costa")
    answer["Bob Stone"] = (1, 1, 0)
    answer["Lena"] = answer.pop("Lena Fischer")  # a unique first name is accepted
    answer["Aisha Rahman"] = (3, 7, 0)
    fb = st.check_stakeholder_map(answer, people)
    text = str(fb)
    assert not fb.ok
    assert "you left out Rafael Costa" in text
    assert "not in the list: Bob Stone" in text
    assert "Aisha Rahman's interest is 7" in text
    assert "Hannah Kowalski: you put them in Monitor" in text and "Keep informed" in text
    assert "Greg Hollis: Keep satisfied, as in Priya's map; but you have them strongly for" in text
    assert "✓ Lena Fischer" in text


def test_map_records_and_the_half_filled_template(work_dir):
    records = st.as_map_records(REFERENCE)
    assert records[0] == {"name": "Tomás Berg", "power": 4, "interest": 5, "stance": 2}
    template = {name: ... for name in REFERENCE}
    assert st.as_map_records(template) is Ellipsis
    assert keep_answer(st.MODULE, "stakeholder_map", st.as_map_records(template)) is Ellipsis
    half = {**template, "Tomás Berg": (4, 5, 2)}
    value = keep_answer(st.MODULE, "stakeholder_map", st.as_map_records(half))
    assert load_answer(st.MODULE, "stakeholder_map") is None, "a half-filled map is not saved"
    assert "still hold ..." in str(st.check_stakeholder_map(value))
    keep_answer(st.MODULE, "stakeholder_map", records)
    saved = json.loads((work_dir / st.MODULE / "answers.json").read_text(encoding="utf-8"))["stakeholder_map"]
    assert saved == records and set(saved[0]) == {"name", "power", "interest", "stance"}
    frame = pd.DataFrame(records)
    assert st.as_map_records(frame) == records


def _solution_fix(wiki):
    fixed = wiki.copy()
    d1, d2, d3, d4 = wiki.decisions
    for d, person, role in [(d1, "Greg Hollis", "C"), (d1, "Nadia Petrova", "I"), (d1, "Clara Jensen", "I"),
                            (d1, "Lena Fischer", "I"), (d2, "Sales team", ""), (d2, "Sam Whitfield", "R"),
                            (d2, "Rafael Costa", "C"), (d3, "Lena", ""), (d3, "Lena Fischer", "R"),
                            (d3, "Tomás Berg", "R"), (d3, "Priya Nair", "A"), (d4, "Olu Adeyemi", "R"),
                            (d4, "Priya Nair", "A"), (d4, "Aisha Rahman", "C")]:
        fixed.set_role(d, person, role)
    return fixed


def test_raci_fix_checks(matrices, work_dir):
    wiki = matrices["q3-raci-wiki"]
    assert st.answer_if_changed(wiki.copy(), wiki) is Ellipsis
    unchanged = st.check_raci_fix(wiki.to_dict(), wiki)
    assert not unchanged.answered and "nothing has changed" in unchanged.summary
    fixed = _solution_fix(wiki)
    answer = st.answer_if_changed(fixed, wiki)
    assert isinstance(answer, dict)
    fb = st.check_raci_fix(answer, wiki)
    assert fb.ok, str(fb)
    assert st.check_raci_fix(fixed, wiki).ok  # a DecisionMatrix is accepted too
    assert st.check_raci_fix(json.loads(json.dumps(answer))).ok  # as saved; the wiki RACI by default

    dropped = {d: row for d, row in answer.items() if not d.startswith("Date")}
    assert "you removed" in str(st.check_raci_fix(dropped, wiki))
    silenced = {d: {p: r for p, r in row.items() if p != "Greg Hollis"} for d, row in answer.items()}
    silenced["What Rotawise offers FreshBite this quarter"]["Daniel Reyes"] = "A"
    text = str(st.check_raci_fix(silenced, wiki))
    assert "Greg Hollis had a say before" in text
    two_a = {**answer, **{d: {**row, "Greg Hollis": "A"} for d, row in answer.items() if d.startswith("Which")}}
    fb = st.check_raci_fix(two_a, wiki)
    assert not fb.ok and "✗ Exactly one Accountable per decision" in str(fb)
    assert "This exercise is about a RACI" in st.check_raci_fix(matrices["q3-daci"], wiki).summary


GOOD_MESSAGE = """
Hi Greg, thanks for walking me through FreshBite's deadline. I know this deal matters for your
quarter, and I want us to win it.

I propose we send Daniel one note from both of us: the nightly SAP file for their November
go-live, and the full connector dated for Q4. That way FreshBite gets a written commitment
before their budget closes in September, and templates still ship for our multi-site customers.

Can we review the draft together on Thursday at 10am?
"""


def test_message_rubric(scenarios):
    greg = scenarios["greg-freshbite"]
    played = greg.play(["B", "A", "A", "A"])
    fb = st.check_message(GOOD_MESSAGE, played)
    assert fb.ok and "6 of 6" in fb.summary
    no_step = GOOD_MESSAGE.replace("Can we review the draft together on Thursday at 10am?", "Thoughts?")
    fb = st.check_message(no_step, played)
    assert [c.label for c in fb.failed] == ["Proposes a concrete next step"]
    lecture = GOOD_MESSAGE.replace("I know this deal", "As I said, obviously this deal")
    assert [c.label for c in st.check_message(lecture, played).failed] == ["Talks with them, not at them"]
    long = GOOD_MESSAGE + " More words here." * 40
    assert [c.label for c in st.check_message(long, played).failed] == ["Short, but complete"]
    wrong_terms = ("I understand your squad worries about the rule checks, Greg. I propose we wait, because the "
                   "engine is tangled and the incidents hurt on-call. Can we talk on Friday at 3pm about it all?")
    fb = st.check_message(wrong_terms, played)
    assert {"Acknowledges their concern", "Gives the reason in their terms"} <= {c.label for c in fb.failed}
    # the same message suits Tomás's scenario
    assert "Gives the reason in their terms" not in {c.label for c in
                                                     st.check_message(wrong_terms, scenarios["tomas-engine-rewrite"]).failed}


def test_message_accepts_every_kind_of_scenario_state(scenarios):
    greg = scenarios["greg-freshbite"]
    run = greg.run()
    for state in (None, greg, run, run.result(), greg.play(["B"])):
        fb = st.check_message(GOOD_MESSAGE, state)
        assert fb.answered and len(fb.checks) >= 6
    assert any(c.ok is None for c in st.check_message(GOOD_MESSAGE, run).checks)  # not at an ending yet
    assert st.check_message(["Hi Greg,", GOOD_MESSAGE], greg).answered
    assert "should be text" in st.check_message(12, greg).summary


# =============================================================================================
# Review fixes: realistic learner input the examples do not cover
# =============================================================================================

@pytest.mark.parametrize("row, column, words", [
    ("P1,Ana,High,4,1", "power", "'high' would be 4 or 5"),
    ("P1,Ana,3,medium,1", "interest", "'medium' would be 3"),
    ("P1,Ana,3,4,against", "stance", "does not say how strongly: write -1 or -2"),
    ("P1,Ana,3,4,Positive", "stance", "write +1 or +2"),
    ("P1,Ana,3,4,lukewarm", "stance", "champion, supporter, neutral, sceptic or blocker"),
])
def test_words_in_score_columns_say_which_number_they_mean(tmp_path, row, column, words):
    path = _csv(tmp_path, "id,name,power,interest,stance\n" + row + "\n")
    before = path.read_bytes()
    with pytest.raises(DataError) as err:
        st.load_stakeholders(path)
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (2, column)
    assert words in problem.message
    assert path.read_bytes() == before


@pytest.mark.parametrize("cell, roles", [
    ("R.", ("R",)), ("A (interim)", ("A",)), ("C [until May]", ("C",)), ("R | A", ("R", "A")),
])
def test_role_cells_with_notes_and_full_stops_are_read(cell, roles):
    m = st.DecisionMatrix("RACI", {"D": {"Ana": cell}})
    assert m.cells["D"].get("Ana", ()) == roles and not m.invalid


def test_an_unreadable_cell_is_not_also_blamed_as_a_missing_role():
    problems = st.validate_matrix("RACI", {"D": {"Ana": "yes", "Ben": "A", "Cy": "Approver"}},
                                  ["Ana", "Ben", "Cy"])
    messages = [p.message for p in problems]
    assert any("'Approver' is not a RACI role. Approver is a DACI role" in m for m in messages)
    missing = [m for m in messages if "nobody is Responsible" in m]
    assert missing and "The cells for Ana and Cy could not be read" in missing[0]
    assert not any("nobody is Consulted or Informed" in m for m in messages)  # could be the unread cells
    flag = st.validate_matrix("RACI", {"D": {"Ana": True, "Ben": "A"}}, ["Ana", "Ben"])
    assert "YAML reads yes, no, on and off as True/False" in flag[0].message
    assert "Use R (Responsible)" in st.validate_matrix("RACI", {"D": {"Ana": 1, "Ben": "A"}})[0].message


def test_matrix_rows_written_as_dash_lists_are_read(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("matrices:\n  - id: m\n    framework: raci\n    decisions:\n      - Pick a vendor:\n"
                    "          - Ana: R\n          - Ben: A\n          - Cy: c\n", encoding="utf-8")
    m = st.load_matrices(path)["m"]
    assert m.to_dict() == {"Pick a vendor": {"Ana": "R", "Ben": "A", "Cy": "C"}}
    assert m.is_valid


def test_decisions_can_be_named_by_code_or_in_other_capitals(matrices):
    wiki = matrices["q3-raci-wiki"]
    fixed = wiki.copy()
    fixed.set_role("D1", "Greg Hollis", "C")
    fixed.set_role("scope of the templates pilot", "Lena", "")
    assert fixed.role(wiki.decisions[0], "Greg Hollis") == "C"
    assert fixed.role("D3", "Lena") == ""
    with pytest.raises(ValueError, match="D1 = Which goes first"):
        fixed.set_role("D9", "Greg Hollis", "C")
    answer = _solution_fix(wiki).to_dict()
    by_code = {f"D{n}": row for n, row in enumerate(answer.values(), start=1)}
    assert st.check_raci_fix(by_code, wiki).ok
    assert st.check_raci_fix({d.upper(): row for d, row in answer.items()}, wiki).ok


def test_an_emptied_decision_does_not_pass_the_responsible_check(matrices):
    wiki = matrices["q3-raci-wiki"]
    answer = _solution_fix(wiki).to_dict()
    answer["Date of the templates launch email"] = {}
    fb = st.check_raci_fix(answer, wiki)
    assert "Someone Responsible for every decision" in {c.label for c in fb.failed}


def _bad(tmp_path, text, name="demo.yaml"):
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenario(_scenario_file(tmp_path, text, name))
    return err.value


def test_a_typo_in_next_is_not_also_reported_as_a_loop(tmp_path):
    err = _bad(tmp_path, VALID.replace("next: good-end", "next: good-ending"))
    text = str(err)
    assert "unknown step 'good-ending'. Did you mean 'good-end'?" in text
    assert "loop" not in text and "stuck" not in text
    follow_on = [p for p in err.problems if "never reach it" in p.message]
    assert follow_on and "could not be followed; fix that first" in follow_on[0].message


def test_a_dead_end_step_is_named_without_calling_it_a_loop(tmp_path):
    text = VALID.replace("next: good-end", "next: second")  # second only leads back to itself
    err = _bad(tmp_path, text)
    stuck = [p for p in err.problems if "stuck" in p.message]
    assert stuck and stuck[0].step == "second"
    assert "stuck here" in stuck[0].message and "only lead to each other" not in stuck[0].message


def test_a_long_loop_lists_a_few_steps_not_all(tmp_path):
    steps = "".join(f"  - id: s{i}\n    situation: Step {i}.\n    choices:\n      - text: On.\n"
                    f"        next: s{(i + 1) % 40}\n        trust: 0\n        alignment: 0\n        why: x\n"
                    for i in range(40))
    text = (f"id: big\ntitle: Big\nstart: s0\nsteps:\n{steps}"
            "endings:\n  - id: e\n    title: E\n    text: The end.\n")
    loop = [p for p in _bad(tmp_path, text).problems if "stuck in a loop" in p.message]
    assert loop and "and 34 more" in loop[0].message and "'s39'" not in loop[0].message


@pytest.mark.parametrize("value, expected", [('"+1"', 1), ("+1", 1), ("1.0", 1), ("'-2'", -2), ('"0"', 0)])
def test_deltas_written_as_text_or_whole_floats_are_read(tmp_path, value, expected):
    sc = st.load_scenario(_scenario_file(tmp_path, VALID.replace("trust: 2", f"trust: {value}")))
    assert sc.steps["second"].choices[0].trust == expected


@pytest.mark.parametrize("edit, words", [
    (("next: good-end", "next: yes"), "YAML reads yes, no, on, off, true and false as True/False"),
    (("trust: 2", "trust: no"), "YAML reads yes, no"),
    (("trust: 2", 'trust: "+3"'), "'trust' is '+3'; expected a whole number from -2 to +2"),
    (("    choices:\n      - text: Play it back.\n        next: good-end\n        trust: 2\n        alignment: 2\n"
      "        why: She feels heard.\n",
      "    choices:\n      text: Play it back.\n      next: good-end\n      trust: 2\n      alignment: 2\n"
      "      why: She feels heard.\n"), "'choices' is a block of fields, but it should be a list"),
    (("    situation: Ana explains the need.", "    situation: Ana says: no way."),
     "must be in quotes, or written on the next lines after '>-'"),
    (("        why: She feels heard.", "      why: She feels heard."), "The indentation does not line up"),
])
def test_yaml_slips_get_a_plain_explanation(tmp_path, edit, words):
    old, new = edit
    assert old in VALID
    err = _bad(tmp_path, VALID.replace(old, new, 1))
    assert words in str(err), str(err)
    assert all(p.line for p in err.problems)


def test_steps_written_as_a_block_are_explained(tmp_path):
    text = ("id: x\ntitle: X\nstart: a\nsteps:\n  a:\n    situation: s\nendings:\n"
            "  - id: e\n    title: E\n    text: t\n")
    assert "'steps' is a block of fields, but it should be a list" in str(_bad(tmp_path, text))


def test_huge_and_non_utf8_scenario_files_are_refused_with_the_file_name(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("# filler\n" * 70_000, encoding="utf-8")
    with pytest.raises(st.ScenarioError, match="big.yaml: The file is 0.6 MB"):
        st.load_scenario(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("id: café\n".encode("latin-1"))
    with pytest.raises(st.ScenarioError) as err:
        st.load_scenario(latin)
    assert err.value.problems[0].file == "latin.yaml" and "not UTF-8" in str(err.value)
    folder = tmp_path / "mixed"
    folder.mkdir()
    latin.rename(folder / "latin.yaml")
    _scenario_file(folder, VALID, "ok.yaml")
    with pytest.raises(st.ScenarioError, match="latin.yaml: The file is not UTF-8"):
        st.load_scenarios(folder)


def test_explain_scenario_and_matrices_print_instead_of_raising(tmp_path, capsys):
    bad = _scenario_file(tmp_path, VALID.replace("next: second", "next: secnd"))
    before = bad.read_bytes()
    assert st.explain_scenario(bad) is None
    out = capsys.readouterr().out
    assert "demo.yaml, step 'first', choice A" in out and "not changed" in out
    assert bad.read_bytes() == before
    assert st.explain_scenario(tmp_path / "none.yaml") is None
    assert "There is no file" in capsys.readouterr().out
    good = st.explain_scenario(_scenario_file(tmp_path, VALID, "good.yaml"))
    assert isinstance(good, st.Scenario) and "is sound" in capsys.readouterr().out
    assert repr(good) == "Scenario('demo': A demo; 2 steps, 2 endings, starts at 'first')"
    broken = tmp_path / "rights.yaml"
    broken.write_text("matrices:\n  - id: m\n    framework: RASCI\n    decisions: {D: {Ana: A}}\n",
                      encoding="utf-8")
    assert st.explain_matrices(broken) is None
    assert "line 3" in capsys.readouterr().out
    assert set(st.explain_matrices()) >= {"q3-raci", "q3-raci-wiki"}
    assert "q3-raci-wiki (RACI): 6 errors and 3 smells" in capsys.readouterr().out


def test_the_map_check_reads_numbers_typed_as_text_names_without_accents_and_pairs(people):
    as_text = {name.replace("á", "a"): tuple(f"+{x}" if x > 0 else str(x) for x in v)
               for name, v in REFERENCE.items()}
    fb = st.check_stakeholder_map(as_text, people)
    assert fb.ok and "10 of 10" in fb.summary
    saved = st.as_map_records(as_text)  # what keep_answer stores for the portfolio: numbers, not text
    assert saved[0] == {"name": "Tomas Berg", "power": 4, "interest": 5, "stance": 2}
    assert st.as_map_records({"Ana": (4.0, 5.0, -1.0)})[0] == {"name": "Ana", "power": 4, "interest": 5,
                                                               "stance": -1}
    pairs = st.check_stakeholder_map({**REFERENCE, "Nadia Petrova": (5, 4)}, people)
    assert "Nadia Petrova needs three numbers each, (power, interest, stance)" in str(pairs)
    assert "9 could not be compared" not in pairs.summary and "1 could not be compared yet" in pairs.summary
    twice = st.check_stakeholder_map({**REFERENCE, "Tomas": (1, 1, 0)}, people)
    assert "✗ Each person once: Tomás Berg (as 'Tomás Berg' and 'Tomas') more than once" in str(twice)
    assert "Tomás Berg: Manage closely, as in Priya's map" in str(twice)  # the first entry counts


def test_one_step_across_a_line_is_a_judgement_call_not_a_mistake(people):
    fb = st.check_stakeholder_map({**REFERENCE, "Aisha Rahman": (4, 3, -1)}, people)
    aisha = [c for c in fb.checks if c.label == "Aisha Rahman"][0]
    assert aisha.ok is None and "judgement call" in aisha.message
    assert fb.ok and "1 is one step away, across a line" in fb.summary
    far = st.check_stakeholder_map({**REFERENCE, "Aisha Rahman": (5, 5, -1)}, people)
    assert [c.label for c in far.failed] == ["Aisha Rahman"]
    stance = st.check_stakeholder_map({**REFERENCE, "Aisha Rahman": (4, 3, 2)}, people)
    assert "Look again at their stance" in [c for c in stance.checks if c.label == "Aisha Rahman"][0].message
    unknown = st.check_stakeholder_map({**REFERENCE, "Bob Stone": (1, 1, 0)}, people)
    assert "Well judged" not in unknown.summary


PUSHY = ("Greg, you need to understand that RICE ranks B08 last. I understand your deal matters, but the "
         "decision is made. Your team should stop promising things we haven't agreed. Let's meet on Monday so I "
         "can walk you through why you're mistaken about this deal.")
HEDGED = ("Greg, I see your point about FreshBite. Perhaps at some point we could potentially maybe consider it, "
          "because the deal is worth a lot. Can we talk on Friday, if that's ok? No rush at all, sorry to bother.")


def test_message_rubric_catches_lectures_shouting_and_hedging(scenarios):
    played = scenarios["greg-freshbite"].play(["B", "A", "A", "A"])
    pushy = st.check_message(PUSHY, played)
    assert "Talks with them, not at them" in {c.label for c in pushy.failed}
    assert "'you need to understand' is a lecture" in str(pushy) and "closes the conversation" in str(pushy)
    shouting = st.check_message(GOOD_MESSAGE.upper(), played)
    assert "reads as shouting" in str(shouting) and not shouting.ok
    hedged = st.check_message(HEDGED, played)
    ask = [c for c in hedged.checks if c.label == "States the decision or the ask"][0]
    assert ask.ok is False and "buried under hedges" in ask.message
    designer = st.check_message("Tomás, trust me: I'll write the design for you tonight, so you can start "
                                "tomorrow. I know the rule checks hurt the squad, because I wrote them. "
                                "Can we look at it on Tuesday?", scenarios["tomas-engine-rewrite"])
    assert "takes the how away from the team" in str(designer) and "asks for trust" in str(designer)


def test_message_rubric_reads_curly_quotes_contractions_and_dates(scenarios):
    played = scenarios["greg-freshbite"].play(["B", "A", "A", "A"])
    curly = (GOOD_MESSAGE.replace("I propose we send", "I’d like us to send")
             .replace("Can we review the draft together on Thursday at 10am?",
                      "Let’s review the draft together before 14 August."))
    fb = st.check_message(curly, played)
    assert fb.ok, str(fb)
    ask = [c for c in fb.checks if c.label == "States the decision or the ask"][0]
    assert "I'd like" in ask.message
    assert "14 August" in [c for c in fb.checks if c.label == "Proposes a concrete next step"][0].message
    # short acronyms are not shouting, and 'the decision is made on Friday' is not a closed door
    calm = GOOD_MESSAGE.replace("Can we review", "The decision is made on Friday by Daniel, so SAP, ARR and RICE "
                                                 "can wait. Can we review")
    assert st.check_message(calm, played).ok


def test_replay_reads_compact_and_button_style_letters_and_refuses_numbers(scenarios, capsys):
    greg = scenarios["greg-freshbite"]
    assert st.replay(greg, "BAAA").ending.id == "joint-recommendation"
    assert st.replay(greg, ["Choose B", "choice a"]).path[-1] == "options"
    capsys.readouterr()
    result = st.replay(greg, [1, 1])
    assert result.path == ("the-ask",)
    assert "Choice 1 is the number 1. Write the letters" in capsys.readouterr().out
