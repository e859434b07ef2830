"""Cross-impact balance analysis: a published example, hand-built cases and bad matrices."""

import copy
import itertools
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import DataError
from analysis.methods import cib
from analysis.model import cross_impact
from analysis.report import consistency
from analysis.world import DATA_DIR

SOMEWHERELAND = Path(__file__).parent / "data" / "cib" / "somewhereland.yaml"

# Published answer for Somewhereland (W. Weimer-Jehle): 3*3*3*2*3*3 = 486 scenarios, of which
# exactly these ten are consistent. Source: www.cross-impact.de/english/CIB_e_Alg_4.htm ("The
# CIB algorithm (4/4): Consistent scenarios"), the same example as the ScenarioWizard manual.
PUBLISHED_CONSISTENT = [
    "A3 B1 C3 D2 E1 F1",
    "A3 B2 C3 D2 E1 F1",
    "A2 B1 C3 D2 E2 F1",
    "A2 B2 C3 D2 E2 F1",
    "A3 B1 C2 D1 E1 F2",
    "A1 B2 C2 D1 E1 F2",
    "A3 B2 C2 D1 E1 F2",
    "A1 B3 C2 D1 E1 F2",
    "A1 B3 C2 D1 E1 F3",
    "A1 B3 C1 D2 E3 F3",
]
# ScenarioWizard 4.1 manual, Fig. 2-3: the balances of the test scenario [A2 B1 C3 D1 E1 F1],
# columns A1..F3; descriptor D is inconsistent (D1 chosen at -7, D2 has +7).
PUBLISHED_TEST_SCENARIO = "A2 B1 C3 D1 E1 F1"
PUBLISHED_TEST_BALANCES = [0, 3, -3, 2, 1, -3, -9, -1, 10, -7, 7, 4, -1, -3, 2, -1, -1]


def scenario(text: str) -> dict[str, str]:
    """'A1 B2' -> {'A': 'A1', 'B': 'B2'} (Somewhereland's state names start with the descriptor)."""
    return {state[0]: state for state in text.split()}


def make_matrix(states: dict[str, list[str]], cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    """A matrix built in code; `cells` maps ('X:x1', 'Y:y2') -> score."""
    index = pd.MultiIndex.from_tuples(
        [(d, s) for d, names in states.items() for s in names], names=["descriptor", "state"]
    )
    matrix = pd.DataFrame(0, index=index, columns=index.copy())
    for (source, target), score in cells.items():
        matrix.loc[tuple(source.split(":")), tuple(target.split(":"))] = score
    return matrix


def states_of(matrix: pd.DataFrame) -> list[list[str]]:
    """Each descriptor's states, in order."""
    return [
        [s for d2, s in matrix.index if d2 == d]
        for d in dict.fromkeys(matrix.index.get_level_values(0))
    ]


@pytest.fixture(scope="module")
def somewhereland() -> pd.DataFrame:
    return cross_impact.load_matrix(SOMEWHERELAND)


# --------------------------------------------------------------------------- published example


def test_somewhereland_transcription_gives_published_balances(somewhereland):
    balances = cib.impact_balances(somewhereland, scenario(PUBLISHED_TEST_SCENARIO))
    assert balances.tolist() == PUBLISHED_TEST_BALANCES
    gaps = cib.descriptor_gaps(somewhereland, scenario(PUBLISHED_TEST_SCENARIO))
    assert gaps.to_dict() == {"A": 0, "B": 0, "C": 0, "D": 14, "E": 0, "F": 0}
    assert cib.inconsistency(somewhereland, scenario(PUBLISHED_TEST_SCENARIO)) == 14


def test_somewhereland_reproduces_the_ten_published_consistent_scenarios(somewhereland):
    assert cib.scenario_count(somewhereland) == 486
    found = cib.consistent_scenarios(somewhereland)
    as_text = {" ".join(row) for row in found[list("ABCDEF")].itertuples(index=False)}
    assert len(found) == 10
    assert as_text == set(PUBLISHED_CONSISTENT)
    assert (found["inconsistency"] == 0).all()
    for text in PUBLISHED_CONSISTENT:
        assert cib.is_consistent(somewhereland, scenario(text))


def test_enumeration_agrees_with_one_scenario_at_a_time(somewhereland):
    """The vectorised enumeration and the single-scenario functions are two code paths."""
    found = cib.consistent_scenarios(somewhereland, tolerance=4).set_index(list("ABCDEF"))
    expected = {}
    for combo in itertools.product(*states_of(somewhereland)):
        s = dict(zip("ABCDEF", combo, strict=True))
        gap = cib.inconsistency(somewhereland, s)
        if gap <= 4:
            expected[combo] = (gap, cib.total_impact_score(somewhereland, s))
    assert len(found) == len(expected) > 10
    for combo, (gap, score) in expected.items():
        assert tuple(found.loc[combo]) == (gap, score), combo


def test_results_are_sorted_by_inconsistency_then_score(somewhereland):
    found = cib.consistent_scenarios(somewhereland, tolerance=3)
    keys = list(zip(found["inconsistency"], -found["total_impact_score"], strict=True))
    assert keys == sorted(keys)
    assert found["inconsistency"].max() == 3


def test_small_chunks_give_the_same_answer(somewhereland):
    whole = cib.consistent_scenarios(somewhereland, tolerance=2)
    chunked = cib.consistent_scenarios(somewhereland, tolerance=2, chunk=7)
    pd.testing.assert_frame_equal(whole, chunked)


def test_every_global_succession_ends_in_a_published_scenario_or_a_cycle(somewhereland):
    ends = set()
    for combo in itertools.product(*states_of(somewhereland)):
        result = cib.succession(somewhereland, dict(zip("ABCDEF", combo, strict=True)))
        if result.ended_in == "attractor":
            ends.add(" ".join(result.attractor.values()))
        else:
            assert len(result.cycle) >= 2
    assert ends <= set(PUBLISHED_CONSISTENT)
    assert ends  # at least one start settles


# --------------------------------------------------------------------------- hand-built cases


def test_tied_maximum_counts_as_consistent():
    # X=x1 pushes Y's two states equally: either is consistent with x1.
    m = make_matrix(
        {"X": ["x1", "x2"], "Y": ["y1", "y2"]},
        {("X:x1", "Y:y1"): 2, ("X:x1", "Y:y2"): 2, ("Y:y1", "X:x1"): 1, ("Y:y2", "X:x1"): 1},
    )
    found = cib.consistent_scenarios(m)
    assert sorted(zip(found["X"], found["Y"], strict=True)) == [("x1", "y1"), ("x1", "y2")]
    assert cib.inconsistency(m, {"X": "x1", "Y": "y2"}) == 0
    assert cib.inconsistency(m, {"X": "x2", "Y": "y2"}) == 1


def test_tolerance_admits_near_consistent_scenarios():
    m = make_matrix(
        {"X": ["x1", "x2"], "Y": ["y1", "y2"]},
        {("X:x1", "Y:y1"): 3, ("X:x2", "Y:y2"): 1, ("Y:y1", "X:x1"): 2, ("Y:y2", "X:x1"): 1},
    )
    strict = cib.consistent_scenarios(m)
    assert list(zip(strict["X"], strict["Y"], strict=True)) == [("x1", "y1")]
    loose = cib.consistent_scenarios(m, tolerance=1)
    assert list(zip(loose["X"], loose["Y"], loose["inconsistency"], strict=True)) == [
        ("x1", "y1", 0),
        ("x2", "y2", 1),  # X=x2 scores 0 against x1's 1
    ]
    assert loose["total_impact_score"].tolist() == [5, 1]
    with pytest.raises(ValueError, match="tolerance"):
        cib.consistent_scenarios(m, tolerance=-1)


def test_total_impact_score_by_hand():
    m = make_matrix(
        {"X": ["x1", "x2"], "Y": ["y1", "y2"], "Z": ["z1", "z2"]},
        {("X:x1", "Y:y1"): 2, ("Z:z2", "Y:y1"): -1, ("Y:y1", "Z:z2"): 3, ("X:x1", "Z:z2"): -2},
    )
    # balances: X nothing acts on x1 -> 0; y1 = 2 - 1 = 1; z2 = 3 - 2 = 1.
    assert cib.total_impact_score(m, {"X": "x1", "Y": "y1", "Z": "z2"}) == 2


def switch_matrix() -> pd.DataFrame:
    """China-like descriptor C: c1 pushes R to r2, c2 pushes R to r1; R pushes C to c1."""
    return make_matrix(
        {"C": ["c1", "c2"], "R": ["r1", "r2"]},
        {
            ("C:c1", "R:r2"): 2,
            ("C:c2", "R:r1"): 2,
            ("R:r1", "C:c1"): 1,
            ("R:r2", "C:c1"): 1,
        },
    )


def test_intervention_exempts_the_fixed_descriptor_but_keeps_its_influence():
    m = switch_matrix()
    free = cib.consistent_scenarios(m)
    assert list(zip(free["C"], free["R"], strict=True)) == [("c1", "r2")]
    forced = cib.consistent_scenarios(m, fixed={"C": "c2"})
    # c2 is not C's best state, yet it is kept; its push on R still selects r1.
    assert list(zip(forced["C"], forced["R"], strict=True)) == [("c2", "r1")]
    assert forced["inconsistency"].tolist() == [0]
    assert cib.inconsistency(m, {"C": "c2", "R": "r1"}) == 1
    assert cib.inconsistency(m, {"C": "c2", "R": "r1"}, fixed={"C": "c2"}) == 0
    assert cib.scenario_count(m, fixed={"C": "c2"}) == 2


@pytest.mark.parametrize(
    "fixed, message",
    [({"China": "joins"}, "unknown descriptor 'China'"), ({"C": "c9"}, "unknown state 'c9'")],
)
def test_intervention_with_unknown_names_is_an_error(fixed, message):
    with pytest.raises(ValueError, match=message):
        cib.consistent_scenarios(switch_matrix(), fixed=fixed)
    with pytest.raises(ValueError, match=message):
        cib.succession(switch_matrix(), {"C": "c1", "R": "r1"}, fixed=fixed)


def test_scenario_with_a_missing_or_unknown_descriptor_is_an_error():
    m = switch_matrix()
    with pytest.raises(ValueError, match="no state given for R"):
        cib.impact_balances(m, {"C": "c1"})
    with pytest.raises(ValueError, match="unknown descriptor 'Q'"):
        cib.impact_balances(m, {"C": "c1", "R": "r1", "Q": "q"})


def test_global_succession_settles_in_an_attractor():
    result = cib.succession(switch_matrix(), {"C": "c2", "R": "r2"})
    # step 1: C -> c1 (r2 pushes c1); R -> r1 (c2 pushes r1). step 2: R -> r2 (c1 pushes r2).
    assert result.path == (
        {"C": "c2", "R": "r2"},
        {"C": "c1", "R": "r1"},
        {"C": "c1", "R": "r2"},
    )
    assert result.ended_in == "attractor"
    assert result.attractor == {"C": "c1", "R": "r2"}
    assert result.steps == 2 and result.cycle == ()
    assert not result.to_frame()["in_cycle"].any()


def test_succession_cycle_is_reported_with_its_scenarios():
    # Matching pennies: X wants to match Y, Y wants to differ from X. No consistent scenario.
    m = make_matrix(
        {"X": ["x1", "x2"], "Y": ["y1", "y2"]},
        {
            ("Y:y1", "X:x1"): 1,
            ("Y:y2", "X:x2"): 1,
            ("X:x1", "Y:y2"): 1,
            ("X:x2", "Y:y1"): 1,
        },
    )
    assert cib.consistent_scenarios(m).empty
    result = cib.succession(m, {"X": "x1", "Y": "y1"})
    assert result.ended_in == "cycle" and result.attractor is None
    assert result.cycle == (
        {"X": "x1", "Y": "y1"},
        {"X": "x1", "Y": "y2"},
        {"X": "x2", "Y": "y2"},
        {"X": "x2", "Y": "y1"},
    )
    assert result.to_frame()["in_cycle"].all()
    assert "cycle of 4" in consistency.describe_succession(result)


def test_simultaneous_moves_can_cycle_although_consistent_scenarios_exist():
    # Coordination: each wants to match the other. Starting mismatched, both switch together.
    m = make_matrix(
        {"X": ["x1", "x2"], "Y": ["y1", "y2"]},
        {("Y:y1", "X:x1"): 1, ("Y:y2", "X:x2"): 1, ("X:x1", "Y:y1"): 1, ("X:x2", "Y:y2"): 1},
    )
    assert len(cib.consistent_scenarios(m)) == 2
    result = cib.succession(m, {"X": "x1", "Y": "y2"})
    assert result.ended_in == "cycle"
    assert result.cycle == ({"X": "x1", "Y": "y2"}, {"X": "x2", "Y": "y1"})


def ladder_matrix(pushes: dict[str, int]) -> pd.DataFrame:
    """Descriptor L with four ordered states; driver D (one state) pushes them by `pushes`."""
    cells = {("D:d", f"L:{state}"): score for state, score in pushes.items()}
    return make_matrix({"L": ["l1", "l2", "l3", "l4"], "D": ["d", "e"]}, cells)


def test_global_tie_rule_keeps_current_state_else_takes_first_maximum():
    m = ladder_matrix({"l2": 2, "l4": 2})
    first = cib.succession(m, {"L": "l1", "D": "d"})
    assert first.path[1]["L"] == "l2"  # not among the maxima: the first maximum
    stay = cib.succession(m, {"L": "l4", "D": "d"})
    assert stay.steps == 0 and stay.attractor["L"] == "l4"  # tied with the maximum: stays


def test_adjacent_succession_moves_one_state_at_a_time():
    m = ladder_matrix({"l4": 3})
    adjacent = cib.succession(m, {"L": "l1", "D": "d"}, rule="adjacent")
    assert [s["L"] for s in adjacent.path] == ["l1", "l2", "l3", "l4"]
    assert adjacent.ended_in == "attractor"
    jump = cib.succession(m, {"L": "l1", "D": "d"}, rule="global")
    assert [s["L"] for s in jump.path] == ["l1", "l4"]
    # Maxima at l1 and l4: from l3 the nearer one (l4) wins; from l2... l1 is nearer.
    both = ladder_matrix({"l1": 1, "l4": 1})
    assert cib.succession(both, {"L": "l3", "D": "d"}, rule="adjacent").path[1]["L"] == "l4"
    assert cib.succession(both, {"L": "l2", "D": "d"}, rule="adjacent").path[1]["L"] == "l1"
    with pytest.raises(ValueError, match="rule"):
        cib.succession(m, {"L": "l1", "D": "d"}, rule="local")


def test_succession_keeps_fixed_descriptors_and_overrides_the_start():
    result = cib.succession(switch_matrix(), {"C": "c1", "R": "r2"}, fixed={"C": "c2"})
    assert [s["C"] for s in result.path] == ["c2", "c2"]
    assert result.attractor == {"C": "c2", "R": "r1"}


def test_matrix_in_code_with_a_self_impact_is_rejected():
    m = make_matrix({"X": ["x1", "x2"], "Y": ["y1", "y2"]}, {("X:x1", "X:x2"): 1})
    with pytest.raises(ValueError, match="descriptor 'X': non-zero self-impact"):
        cib.consistent_scenarios(m)


def test_enumeration_refuses_a_space_beyond_the_limit(somewhereland):
    with pytest.raises(ValueError, match="486 scenarios exceed max_scenarios=100"):
        cib.consistent_scenarios(somewhereland, max_scenarios=100)


# --------------------------------------------------------------------------- bad matrix files

GOOD = {
    "descriptors": [
        {"name": "X", "states": [{"name": "x1", "label": "one"}, {"name": "x2", "label": "two"}]},
        {"name": "Y", "states": [{"name": "y1", "label": "one"}, {"name": "y2", "label": "two"}]},
    ],
    "scale": [-3, 3],
    "impacts": [
        {"source": {"X": "x1"}, "target": "Y", "scores": {"y1": 2}, "rationale": "because"},
    ],
}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "bad.yaml"
    text = document if isinstance(document, str) else yaml.safe_dump(document)
    path.write_text(text)
    return path


def with_impact(**changes) -> dict:
    document = yaml.safe_load(yaml.safe_dump(GOOD))
    document["impacts"][0].update(changes)
    return document


def with_states(descriptor: int, states: list) -> dict:
    document = yaml.safe_load(yaml.safe_dump(GOOD))
    document["descriptors"][descriptor]["states"] = states
    return document


def test_good_file_loads(tmp_path):
    m = cross_impact.load_matrix(write(tmp_path, GOOD))
    assert m.loc[("X", "x1"), ("Y", "y1")] == 2
    assert int(np.abs(m.to_numpy()).sum()) == 2
    assert m.attrs["rationales"] == {(("X", "x1"), ("Y", "y1")): "because"}


BAD = {
    "non-integer score": (
        with_impact(scores={"y1": 1.5}),
        "impacts[0] (X=x1 -> Y) cell 'y1'",
        "score 1.5 is not an integer",
    ),
    "text score": (
        with_impact(scores={"y1": "strong"}),
        "impacts[0] (X=x1 -> Y) cell 'y1'",
        "score 'strong' is not an integer",
    ),
    "boolean score": (
        with_impact(scores={"y1": True}),
        "impacts[0] (X=x1 -> Y) cell 'y1'",
        "is not an integer",
    ),
    "score off the scale": (
        with_impact(scores={"y1": 5}),
        "impacts[0] (X=x1 -> Y) cell 'y1'",
        "outside the scale -3..3",
    ),
    "state named twice": (
        with_states(1, [{"name": "y1", "label": "a"}, {"name": "y1", "label": "b"}]),
        "descriptor 'Y' state 'y1'",
        "state named twice",
    ),
    "state missing": (
        with_states(1, [{"name": "y1", "label": "a"}]),
        "descriptor 'Y'",
        "at least two states",
    ),
    "state without a name": (
        with_states(1, [{"name": "y1", "label": "a"}, {"label": "b"}]),
        "descriptor 'Y' states[1]",
        "state 'name' must be a non-empty string",
    ),
    "state without a label": (
        with_states(1, [{"name": "y1", "label": "a"}, {"name": "y2"}]),
        "descriptor 'Y' state 'y2'",
        "missing 'label'",
    ),
    "self-impact": (
        with_impact(target="X", scores={"x2": 1}),
        "impacts[0] (X=x1 -> X) cell 'x2'",
        "self-impact",
    ),
    "unknown source descriptor": (
        with_impact(source={"Q": "x1"}),
        "impacts[0] source",
        "unknown descriptor 'Q'",
    ),
    "unknown source state": (
        with_impact(source={"X": "x9"}),
        "impacts[0] source",
        "unknown state 'x9' of 'X'",
    ),
    "unknown target descriptor": (
        with_impact(target="Q"),
        "impacts[0] target",
        "unknown descriptor 'Q'",
    ),
    "unknown target state": (
        with_impact(scores={"y9": 1}),
        "impacts[0] (X=x1 -> Y) cell 'y9'",
        "unknown state 'y9' of 'Y'",
    ),
    "missing rationale": (
        with_impact(rationale=None),
        "impacts[0] (X=x1 -> Y)",
        "missing 'rationale'",
    ),
    "blank rationale": (
        with_impact(rationale="  "),
        "impacts[0] (X=x1 -> Y)",
        "missing 'rationale'",
    ),
    "baseline with an unknown state": (
        dict(GOOD, baseline={"X": "x1", "Y": "y7"}),
        "baseline 'Y'",
        "unknown state 'y7' of 'Y'",
    ),
    "baseline missing a descriptor": (
        dict(GOOD, baseline={"X": "x1"}),
        "baseline",
        "no state given for Y",
    ),
    "misspelt key": (
        with_impact(rationle="x"),
        "impacts[0]",
        "unknown key(s) rationle",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_matrix_file_gives_one_clear_error(tmp_path, case):
    document, where, message = BAD[case]
    path = write(tmp_path, document)
    with pytest.raises(DataError) as caught:
        cross_impact.load_matrix(path)
    assert caught.value.path == str(path)
    assert caught.value.where == where
    assert message in caught.value.message


def test_cell_given_twice_is_an_error(tmp_path):
    document = yaml.safe_load(yaml.safe_dump(GOOD))
    document["impacts"].append(dict(copy.deepcopy(document["impacts"][0]), scores={"y2": -1}))
    with pytest.raises(DataError, match=r"impacts\[1\] \(X=x1 -> Y\): .*appear twice"):
        cross_impact.load_matrix(write(tmp_path, document))


def test_descriptor_named_twice_or_reserved_is_an_error(tmp_path):
    document = yaml.safe_load(yaml.safe_dump(GOOD))
    document["descriptors"][1]["name"] = "X"
    with pytest.raises(DataError, match="descriptor 'X': descriptor named twice"):
        cross_impact.load_matrix(write(tmp_path, document))
    document["descriptors"][1]["name"] = "inconsistency"
    with pytest.raises(DataError, match="reserved"):
        cross_impact.load_matrix(write(tmp_path, document))


def test_unreadable_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="not valid YAML"):
        cross_impact.load_matrix(write(tmp_path, "descriptors: [unclosed"))
    with pytest.raises(DataError, match="no such cross-impact matrix"):
        cross_impact.load_matrix(tmp_path / "missing.yaml")
    with pytest.raises(DataError, match="missing 'impacts'"):
        cross_impact.load_matrix(write(tmp_path, {"descriptors": GOOD["descriptors"]}))


# --------------------------------------------------------------------------- shipped matrix


@pytest.fixture(scope="module")
def asia() -> pd.DataFrame:
    return cross_impact.load_matrix("asia_security")


def test_shipped_matrix_is_labelled_judgement_with_cited_rationales(asia):
    assert asia.attrs["kind"] == "judgement"
    assert "JUDGEMENT" in cross_impact.matrix_path("asia_security").read_text().splitlines()[2]
    layout = pd.Series([len(s) for s in states_of(asia)])
    assert len(layout) >= 8 and layout.between(2, 4).all()
    assert asia.to_numpy().min() >= -3 and asia.to_numpy().max() <= 3
    claims = {c["id"] for c in yaml.safe_load((DATA_DIR / "claims.yaml").read_text())}
    table = consistency.judgements(asia)
    assert sum(len(s.split(", ")) for s in table["scores"]) == int((asia.to_numpy() != 0).sum())
    assert table["rationale"].str.len().gt(0).all()
    row = table[(table["if"] == "China: counters") & (table["then"] == "Japan")].iloc[0]
    assert row["scores"] == "restrained -3, normalising -1, rearms +3"
    cited = set()
    for text in table["rationale"]:
        for group in re.findall(r"\(([^)]*)\)", text):
            cited.update(re.findall(r"[a-z]+(?:-[a-z]+)+", group))
    assert cited and cited <= claims, cited - claims
    assert {"cn-containment", "dprk-isolation", "arms-race", "inclusive-fora"} <= cited


def test_shipped_matrix_expresses_the_essay_interventions(asia):
    china_joins = cib.consistent_scenarios(asia, fixed={"China": "joins"})
    isolates = cib.consistent_scenarios(asia, fixed={"North Korea": "isolates"})
    assert (china_joins["China"] == "joins").all() and len(china_joins) > 0
    assert (isolates["North Korea"] == "isolates").all() and len(isolates) > 0
    table = consistency.intervention_table(
        asia, {"China joins": {"China": "joins"}, "isolates": {"North Korea": "isolates"}}
    )
    assert table.loc["consistent scenarios"].tolist() == [
        str(len(cib.consistent_scenarios(asia))),
        str(len(china_joins)),
        str(len(isolates)),
    ]
    assert table.loc["China", "China joins"] == "joins (fixed)"


def test_baseline_is_a_consistent_today_and_starts_succession(asia, somewhereland):
    baseline = asia.attrs["baseline"]
    assert list(baseline) == list(dict.fromkeys(asia.index.get_level_values(0)))
    assert "**consistent**" in consistency.baseline_report(asia) and cib.is_consistent(
        asia, baseline
    )
    start = cib.start_from(asia, {"China": "counters"})
    assert start == {**baseline, "China": "counters"}
    with pytest.raises(ValueError, match="unknown state 'maybe'"):
        cib.start_from(asia, {"China": "maybe"})
    # Without a baseline the changes must be a whole scenario; a pulled baseline is explained.
    assert consistency.baseline_report(somewhereland) == "This matrix names no baseline scenario."
    somewhere = somewhereland.copy()
    somewhere.attrs = dict(somewhereland.attrs, baseline=scenario(PUBLISHED_TEST_SCENARIO))
    report = consistency.baseline_report(somewhere)
    assert "**not consistent** (inconsistency 14)" in report and "D towards *D2*" in report


def test_presentation_helpers(asia, somewhereland):
    found = cib.consistent_scenarios(asia)
    table = consistency.scenario_table(found, limit=2)
    assert list(table.columns) == ["Scenario 1", "Scenario 2"]
    assert table.index[-1] == "total impact score"
    assert table["Scenario 1"].tolist() == found.iloc[0].tolist()
    assert "59,049 possible combinations" in consistency.summary(asia, found)
    assert "none is consistent" in consistency.summary(asia, found.iloc[:0])
    assert consistency.descriptor_table(asia).shape[0] == len(asia)
    result = cib.succession(somewhereland, scenario(PUBLISHED_TEST_SCENARIO))
    steps = consistency.succession_table(result)
    assert steps.shape == (6, len(result.path))
    assert steps["start"]["D"] == "D1" and steps["step 1"]["D"] == "→ D2"
    assert steps["step 1"]["A"] == "A2"  # unchanged cells carry no arrow
    ax = consistency.plot_matrix(asia)
    assert len(ax.get_xticklabels()) == len(asia)
    plt.close("all")
