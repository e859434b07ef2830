"""The reading boundary: every broken input file is ONE InputError line, never a traceback.

Each case below is a defect of the naive readers (`open().read()`, `yaml.safe_load`,
`csv.DictReader`): a traceback, a silently accepted value, or a many-line message. The
property-based suites mutate scenario-shaped YAML and CSV at random and check that the readers
either return plain values or raise one `InputError`, within a time limit.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import DataError, InputError, ScenarioError
from analysis.world import reading
from analysis.world.reading import (
    MAX_CSV_ROWS,
    MAX_FILE_BYTES,
    MAX_YAML_BYTES,
    MAX_YAML_DEPTH,
    CsvRow,
    finite_number,
    load_yaml,
    read_csv_rows,
    read_text,
)
from tests.limits import time_limit

DATA = Path(__file__).resolve().parents[1] / "data"


def write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def check(
    caught: pytest.ExceptionInfo[InputError],
    kind: type[InputError],
    path: Path,
    where: str,
    *fragments: str,
) -> None:
    """The error is exactly `kind`, on one line, naming the file, the place and the fragments."""
    exc = caught.value
    assert type(exc) is kind
    text = str(exc)
    assert "\n" not in text and "\r" not in text, text
    assert exc.path == str(path)
    assert text.startswith(f"{path}: ")
    assert exc.where == where, text
    for fragment in fragments:
        assert fragment in exc.message, text


# --------------------------------------------------------------------------- files and bytes


def test_missing_file_uses_the_callers_words(tmp_path):
    path = tmp_path / "gone.yaml"
    with pytest.raises(ScenarioError) as caught:
        read_text(path, error=ScenarioError, missing="no such scenario file")
    check(caught, ScenarioError, path, "", "no such scenario file")


def test_directory_is_refused(tmp_path):
    with pytest.raises(DataError) as caught:
        load_yaml(tmp_path, error=DataError)
    check(caught, DataError, tmp_path, "", "is a directory")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_refused_instead_of_blocking(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    with pytest.raises(DataError) as caught:
        read_csv_rows(path, error=DataError)
    check(caught, DataError, path, "", "not a regular file")


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "locked.yaml", "a: 1\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(reading, "open", refuse, raising=False)  # root ignores chmod
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path, error=ScenarioError)
    check(caught, ScenarioError, path, "", "permission denied")


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "big.csv", "a\n" + "1\n" * 600)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("read a file over the limit")

    monkeypatch.setattr(reading, "open", never, raising=False)
    with pytest.raises(DataError) as caught:
        read_csv_rows(path, error=DataError, max_bytes=1000)
    check(caught, DataError, path, "", "1,202 bytes", "limit is 1,000")


def test_not_utf8_names_line_column_and_offset(tmp_path):
    path = write(tmp_path, "latin.yaml", "title: ok\nsummary: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path, error=ScenarioError)
    check(caught, ScenarioError, path, "line 2, column 13", "not UTF-8", "0xe9", "offset 22")


def test_binary_content_is_refused(tmp_path):
    path = write(tmp_path, "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DataError) as caught:
        read_csv_rows(path, error=DataError)
    check(caught, DataError, path, "line 3, column 1", "binary content", "NUL byte")


def test_control_character_is_refused(tmp_path):
    path = write(tmp_path, "bell.yaml", "a: 1\nb: x\x07y\n")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    check(caught, InputError, path, "line 2, column 5", "U+0007")


def test_utf16_is_named(tmp_path):
    path = write(tmp_path, "notepad.yaml", "title: x\n".encode("utf-16"))
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path, error=ScenarioError)
    check(caught, ScenarioError, path, "", "UTF-16", "save it as UTF-8")


def test_bom_is_dropped(tmp_path):
    assert load_yaml(write(tmp_path, "bom.yaml", b"\xef\xbb\xbfa: 1\n")) == {"a": 1}
    header, _ = read_csv_rows(write(tmp_path, "bom.csv", b"\xef\xbb\xbfiso3,name\nUSA,x\n"))
    assert header == ["iso3", "name"]


# --------------------------------------------------------------------------- YAML


YAML_CASES = {
    # name: (text, where, fragments)
    "empty": ("", "", ["the file is empty"]),
    "only a comment": ("# nothing yet\n", "", ["the file is empty"]),
    "mapping value in a value": ("title: a: b\n", "line 1, column 9", ["unexpected ':'"]),
    "missing colon": ("a: 1\nb\nc: 2\n", "line 2, column 1", ["expected ':' after a key"]),
    "unterminated quote": ('title: "abc\nx: 1\n', "line 1, column 8", ["unterminated quoted"]),
    "tab indent": ("alliance:\n\tadd: [USA]\n", "line 2, column 1", ["tab"]),
    "bad indentation": ("- a\nb: 1\n", "line 2, column 1", ["indentation"]),
    "unclosed list": ("add: [USA, JPN\n", "line 2, column 1", ["expected ',' or ']'"]),
    "two documents": ("a: 1\n---\nb: 2\n", "line 2, column 1", ["only one YAML document"]),
    "python tag": (
        "a: !!python/object:os.system echo\n",
        "line 1, column 4",
        ["'!!python/object:os.system' is not allowed"],
    ),
    "python name tag": ("a: !!python/name:os.system ''\n", "line 1, column 4", ["not allowed"]),
    "local tag": ("a: !thing 1\n", "line 1, column 4", ["'!thing' is not allowed"]),
    "binary tag": ("a: !!binary aGk=\n", "line 1, column 4", ["'!!binary' is not allowed"]),
    "set tag": ("a: !!set {x, y}\n", "line 1, column 4", ["'!!set' is not allowed"]),
    "bad explicit int": ("a: !!int twelve\n", "line 1, column 4", ["'twelve' is not an integer"]),
    "bad explicit bool": ("a: !!bool maybe\n", "line 1, column 4", ["true or false"]),
    "duplicate key": (
        "id: x\ntitle: A\nsummary: s\ntitle: B\n",
        "line 4, column 1",
        ["duplicate key 'title' (lines 2 and 4)"],
    ),
    "nested duplicate key": (
        "judgements:\n  CHN: {position: 5, position: 6}\n",
        "line 2, column 22",
        ["duplicate key 'position' (lines 2 and 2)"],
    ),
    "duplicate number key": ("1: a\n0x1: b\n", "line 2, column 1", ["duplicate key 1"]),
    "list as key": ("? [a, b]\n: 1\n", "line 1, column 3", ["a key must be a string"]),
    "nan": ("architecture: .nan\n", "line 1, column 15", ["'.nan' is not a finite number"]),
    "inf in a list": ("triangular: [0, .inf, 1]\n", "line 1, column 17", ["not a finite"]),
    "minus inf": ("value: -.Inf\n", "line 1, column 8", ["not a finite number"]),
    "overflow": ("value: 1.0e+999\n", "line 1, column 8", ["not a finite number"]),
    "explicit nan": ("value: !!float nan\n", "line 1, column 8", ["not a finite number"]),
    "alias to a mapping": ("a: &x {b: 1}\nc: *x\n", "line 2, column 4", ["'*x' repeats"]),
    "recursive alias": ("a: &x [1, *x]\n", "line 1, column 11", ["'*x' repeats"]),
    "undefined alias": ("a: *nowhere\n", "line 1, column 4", ["unknown alias '*nowhere'"]),
    "merge key": ("a:\n  <<: {x: 1}\n  y: 2\n", "line 2, column 3", ["merge keys"]),
    "billion laughs": (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
            for i in range(8)
        ),
        "line 2, column 8",
        ["'*a' repeats a list or mapping"],
    ),
    "deep flow nesting": ("[" * 100_000 + "]" * 100_000, "line 1, column 33", ["nested more"]),
    "deep block nesting": (
        "".join(" " * i + "k:\n" for i in range(40)),
        "line 33, column 33",
        [f"more than {MAX_YAML_DEPTH} levels"],
    ),
    "C1 control": ("a: \u0085\u0086\n", "line 1, column 5", ["U+0086"]),
}


@pytest.mark.parametrize("case", YAML_CASES, ids=list(YAML_CASES))
def test_bad_yaml_is_one_error_line(tmp_path, case):
    text, where, fragments = YAML_CASES[case]
    path = write(tmp_path, "scenario.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path, error=ScenarioError)
    check(caught, ScenarioError, path, where, *fragments)


def test_long_parser_messages_stay_on_one_short_line(tmp_path):
    path = write(tmp_path, "long.yaml", "a: 1\n" + "b: [" + "x, " * 2000 + "\n  : : :\n")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


def test_depth_limit_is_exact(tmp_path):
    deep = write(tmp_path, "deep.yaml", "[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH)
    value = load_yaml(deep)
    for _ in range(MAX_YAML_DEPTH - 1):
        (value,) = value
    assert value == []
    deeper = write(tmp_path, "deeper.yaml", "[" * 4 + "]" * 4)
    with pytest.raises(InputError, match="more than 3 levels"):
        load_yaml(deeper, max_depth=3)


def test_plain_values_and_scalar_aliases_load(tmp_path):
    text = (
        "id: x\nyear: 2024-01-01\nshare: 0.5\ncount: 3\nflag: true\nnone: null\n"
        "why: &why Published judgement\nimpacts: [{rationale: *why}, {rationale: *why}]\n"
        "eq: =\n"
    )
    assert load_yaml(write(tmp_path, "ok.yaml", text)) == {
        "id": "x",
        "year": datetime.date(2024, 1, 1),
        "share": 0.5,
        "count": 3,
        "flag": True,
        "none": None,
        "why": "Published judgement",
        "impacts": [{"rationale": "Published judgement"}] * 2,
        "eq": "=",
    }


def test_shipped_yaml_loads_as_safe_load_does():
    files = sorted(DATA.glob("*.yaml")) + sorted((DATA / "scenarios").glob("*.yaml"))
    files += sorted((DATA / "cib").glob("*.yaml"))
    files += sorted((Path(__file__).parent / "data").rglob("*.yaml"))
    assert files
    for path in files:
        assert path.stat().st_size < MAX_YAML_BYTES / 10
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path


# --------------------------------------------------------------------------- CSV


CSV_CASES = {
    # name: (text, where, fragments)
    "empty": ("", "", ["the file is empty (expected a header line)"]),
    "blank lines only": ("\n\r\n\n", "", ["the file is empty"]),
    "duplicate column": ("iso3,name,iso3\n", "line 1 (header)", ["duplicate column name 'iso3'"]),
    "empty column name": ("iso3,,name\n", "line 1 (header)", ["column 2 has no name"]),
    "too many fields": ("a,b\n1,2\n1,2,3\n", "line 3", ["expected 2 fields", "got 3"]),
    "too few fields": ("a,b\n1,2\n\n1\n", "line 4", ["expected 2 fields", "got 1"]),
    "unterminated quote": ('a,b\n1,2\n"3,4\n5,6\n', "line 3", ["unterminated quoted field"]),
    "text after a quote": ('a,b\n"x"y,1\n', "line 2", ["text after a closing quote"]),
    "after a multi-line field": ('a,b\n"1\n2",3\n4\n', "line 4", ["expected 2 fields"]),
    "huge field": ("a\n" + "x" * (csv.field_size_limit() + 1), "line 2", ["field longer"]),
}


@pytest.mark.parametrize("case", CSV_CASES, ids=list(CSV_CASES))
def test_bad_csv_is_one_error_line(tmp_path, case):
    text, where, fragments = CSV_CASES[case]
    path = write(tmp_path, "facts.csv", text)
    with pytest.raises(DataError) as caught:
        read_csv_rows(path, error=DataError)
    check(caught, DataError, path, where, *fragments)


def test_too_many_rows_states_the_limit(tmp_path):
    path = write(tmp_path, "rows.csv", "a\n" + "1\n" * 11)
    with pytest.raises(DataError) as caught:
        read_csv_rows(path, error=DataError, max_rows=10)
    check(caught, DataError, path, "line 12", "more than 10 data rows")
    assert len(read_csv_rows(path, max_rows=11)[1]) == 11


def test_rows_carry_their_starting_line(tmp_path):
    text = 'iso3,note\r\nUSA,"two\r\nlines"\r\n\r\nJPN,"a ""quoted"" word"\r\nKOR,\r\n'
    header, rows = read_csv_rows(write(tmp_path, "notes.csv", text))
    assert header == ["iso3", "note"]
    assert [row.line for row in rows] == [2, 5, 6]
    assert rows == [
        {"iso3": "USA", "note": "two\r\nlines"},
        {"iso3": "JPN", "note": 'a "quoted" word'},
        {"iso3": "KOR", "note": ""},
    ]
    assert all(isinstance(row, CsvRow) and isinstance(row, dict) for row in rows)


def test_shipped_csv_reads_as_dictreader_does():
    files = sorted(DATA.glob("*.csv"))
    assert files
    for path in files:
        header, rows = read_csv_rows(path)
        with path.open(newline="", encoding="utf-8") as handle:
            reference = csv.DictReader(handle)
            assert header == reference.fieldnames
            assert rows == list(reference), path


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "value",
    [
        "nan",
        "NaN",
        "inf",
        "-Infinity",
        "1e999",
        "",
        "  ",
        "abc",
        "1_000",
        "0x10",
        True,
        None,
        math.nan,
        -math.inf,
        10**400,
        [1],
    ],  # fmt: skip
)
def test_finite_number_refuses(value):
    with pytest.raises(DataError) as caught:
        finite_number(value, path="facts.csv", where="line 7, column 'value'", error=DataError)
    check(caught, DataError, Path("facts.csv"), "line 7, column 'value'", "expected a finite")


@pytest.mark.parametrize(
    ("value", "number"), [("1.5", 1.5), (" -2e3 ", -2000.0), (".5", 0.5), ("7", 7.0), (3, 3.0)]
)
def test_finite_number_accepts(value, number):
    assert finite_number(value, path="p.csv", where="line 2") == number


def test_limits_are_sensible():
    assert MAX_YAML_BYTES <= MAX_FILE_BYTES
    assert 4 < MAX_YAML_DEPTH < 100
    assert MAX_CSV_ROWS >= 10_000


# --------------------------------------------------------------------------- properties

#: Seconds any single read of a small generated file may take before it counts as a hang.
TIME_LIMIT = 5.0


def outcome(read: Callable[[], object], path: Path) -> object | InputError:
    """The value `read` returns, or the InputError it raises; anything else fails the test."""
    try:
        with time_limit(TIME_LIMIT):
            return read()
    except InputError as exc:
        text = str(exc)
        assert "\n" not in text and "\r" not in text, text
        assert exc.path == str(path) and text.startswith(f"{path}: ")
        assert len(text) < 400, text
        return exc


PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=2000,
    database=None,  # write nothing outside tmp_path
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

KEYS = ["id", "title", "summary", "extends", "architecture", "alliance", "add", "remove",
        "judgements", "CHN", "position", "salience", "rationale", "parameters", "claims",
        "uncertainty", "triangular", "trade_shocks", "between", "factor"]  # fmt: skip

TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12) | st.sampled_from(
    ["USA", "JPN", "status-quo", "Judgement: (¶2)", "yes", "null", "1.5", "a: b", "#x", "'q'"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | TEXT
)
SCENARIO_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=25,
)
SCENARIOS = st.dictionaries(st.sampled_from(KEYS), SCENARIO_VALUES, min_size=1, max_size=8)

YAML_TOKENS = [b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\t", b'"', b"'", b":", b": ", b"-",
               b"- ", b"\n", b"\n  ", b"{", b"}", b"[", b"]", b",", b"#", b"&a ", b"*a", b"&a [*a]",
               b"!!python/object:os.system ", b"!!python/name:os.system", b"!!binary ", b"!!set ",
               b"!!int ", b"!!float ", b"!local ", b"!e!x ", b"<<: ", b"? ", b"---\n", b"...\n",
               b"%YAML 1.1\n", b"%TAG ! tag:x,2000:\n", b".nan", b".inf", b"-.inf", b"1.0e+999",
               b"\x85", b"\xc2\x80", b"\\", b"|\n", b">-\n", b"=", b"%", b"@", b"`",
               b"[" * 60, b"{a: " * 40, b"- " * 40, b"\n" + b" " * 40]  # fmt: skip

CSV_TOKENS = [b"\x00", b"\xff", b"\xef\xbb\xbf", b'"', b'""', b",", b",,", b"\n", b"\r", b"\r\n",
              b"\t", b"nan", b";", b'"\n', b'\n"', b"\x07"]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, base: bytes, tokens: list[bytes]) -> bytes:
    """`base` after 1-5 random edits: delete, duplicate, insert a token, or overwrite a byte."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "insert", "byte"]))
        if kind == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "duplicate":
            data[at:at] = data[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(tokens)) * draw(st.integers(1, 3))
        else:
            data[at:at] = bytes([draw(st.integers(0, 255))])
    return bytes(data)


def plain(value: object) -> bool:
    """Only the plain values load_yaml promises: no NaN, no bytes, sets or tuples."""
    if isinstance(value, dict):
        return all(plain(k) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, bool | int | str | datetime.date)


def dump(document: object, flow: bool) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow).encode()


@PROPERTY_SETTINGS
@given(document=SCENARIOS, flow=st.booleans())
def test_generated_scenarios_round_trip(tmp_path, document, flow):
    path = write(tmp_path, "scenario.yaml", dump(document, flow))
    assert outcome(lambda: load_yaml(path, error=ScenarioError), path) == document


@PROPERTY_SETTINGS
@given(data=st.data(), document=SCENARIOS, flow=st.booleans())
def test_mutated_scenarios_load_or_raise_one_input_error(tmp_path, data, document, flow):
    content = data.draw(mutated(dump(document, flow), YAML_TOKENS))
    path = write(tmp_path, "scenario.yaml", content)
    result = outcome(lambda: load_yaml(path, error=ScenarioError), path)
    if isinstance(result, InputError):
        assert type(result) is ScenarioError
    else:
        assert plain(result)


CSV_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters=",\"\n\r '"), max_size=10
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], str]:
    header = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=6, unique=True))
    rows = draw(st.lists(st.lists(CSV_TEXT, min_size=len(header), max_size=len(header))))
    # csv.writer leaves a lone '\r' unquoted unless it is in the line terminator, so with
    # "\n" endings quote every field.
    return header, rows, draw(st.sampled_from(["\n", "\r\n"]))


def to_csv(header: list[str], rows: list[list[str]], end: str) -> list[str]:
    """One CSV chunk per record, as csv.writer writes it."""
    chunks = []
    for record in [header, *rows]:
        buffer = io.StringIO()
        quoting = csv.QUOTE_ALL if end == "\n" else csv.QUOTE_MINIMAL
        csv.writer(buffer, lineterminator=end, quoting=quoting).writerow(record)
        chunks.append(buffer.getvalue())
    return chunks


@PROPERTY_SETTINGS
@given(table=tables())
def test_generated_csv_round_trips_with_lines(tmp_path, table):
    header, rows, end = table
    chunks = to_csv(header, rows, end)
    path = write(tmp_path, "table.csv", "".join(chunks))
    result = outcome(lambda: read_csv_rows(path, error=DataError), path)
    starts = [1]
    for chunk in chunks:  # csv counts \n, \r and \r\n as line ends
        starts.append(starts[-1] + len(re.findall(r"\r\n|\r|\n", chunk)))
    assert result == (header, [dict(zip(header, row, strict=True)) for row in rows])
    assert [row.line for row in result[1]] == starts[1:-1]


@PROPERTY_SETTINGS
@given(data=st.data(), table=tables())
def test_mutated_csv_reads_or_raises_one_input_error(tmp_path, data, table):
    content = data.draw(mutated("".join(to_csv(*table)).encode(), CSV_TOKENS))
    path = write(tmp_path, "table.csv", content)
    result = outcome(lambda: read_csv_rows(path, error=DataError), path)
    if isinstance(result, InputError):
        assert type(result) is DataError
        return
    header, rows = result
    assert header and len(set(header)) == len(header)
    lines = [row.line for row in rows]
    last = len(re.findall(rb"\r\n|\r|\n", content)) + 1
    assert lines == sorted(set(lines)) and all(1 < line <= last for line in lines)
    assert all(
        list(row) == header and all(isinstance(v, str) for v in row.values()) for row in rows
    )


def test_a_file_read_again_gives_an_equal_independent_copy(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("a: [1, 2]\nb: {c: x}\n")
    first = load_yaml(path)
    first["a"].append(3)
    second = load_yaml(path)
    assert second == {"a": [1, 2], "b": {"c": "x"}}
    path.write_text("a: 1\na: 2\n")  # a changed file is parsed again, and its error reported
    with pytest.raises(InputError, match="duplicate key"):
        load_yaml(path)
