"""One boundary for reading input files: every OS, size, decode and parse problem is one error.

The toolkit reads user-written YAML (scenarios, claims, implications, cross-impact matrices)
and CSV (facts, trade, groupings, judgements, parameters). Whatever is wrong with such a
file, the user should see ONE line naming the file, the place (1-based line and column where
known) and what was expected, never a traceback. The functions here turn every failure into
the `InputError` subclass the caller chooses (`DataError` for data/, `ScenarioError` for
scenarios), so callers only validate meaning, not bytes.

Decisions:

* Text is UTF-8 (a leading BOM is dropped); binary content (NUL or other C0 control bytes) is
  refused. Line endings are kept as in the file.
* YAML is loaded with a restricted `yaml.SafeLoader`: only plain values (strings, numbers,
  true/false, null, dates, lists, mappings), no duplicate keys, no NaN or infinity, nesting
  depth checked while composing (no RecursionError), and aliases (`*name`) only to single
  values: an alias to a scalar (e.g. one rationale text repeated down a matrix, as the
  Somewhereland test matrix does) costs nothing, since the same node is built once, whereas an
  alias to a list or mapping is what "billion laughs" needs for exponential expansion, shares
  one mutable object between two places, and can even be recursive (`a: &x [*x]`). So aliases
  to lists and mappings are refused outright rather than bounded by an expansion budget; the
  toolkit has `extends` for reusing structure. Merge keys (`<<: ...`) are refused too.
* CSV is read with `csv` in strict mode; every row must have as many fields as the header.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import numbers
import os
import re
import stat
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode

from analysis.errors import InputError

# --------------------------------------------------------------------------- limits
# The limits are far above anything the toolkit ships (the largest file in data/ is the
# 32 KiB cross-impact matrix; scenario files are 1-5 KiB) and low enough that a wrong file
# (a log, a dump, an image renamed .yaml) is refused quickly instead of parsed for minutes.

#: Largest text or CSV input read, in bytes. 5 MiB is ~400x the largest shipped CSV (facts.csv,
#: 13 KiB) and parses with `csv` in well under a second.
MAX_FILE_BYTES = 5 * 1024 * 1024

#: Largest YAML input, in bytes. The checks below need pure-Python PyYAML (libyaml composes in
#: C, out of reach of the depth and alias checks), which parses about 0.5 MiB/s of ordinary YAML
#: and 0.12 MiB/s of the densest (one long flow list), so 1 MiB bounds a load to 2-8 seconds.
#: It still leaves room for a cross-impact matrix 30 times the shipped one (20 descriptors of
#: 5 states, ~300 KiB).
MAX_YAML_BYTES = 1024 * 1024

#: Deepest nesting of lists and mappings in a YAML file. Scenario files nest 4 levels
#: (uncertainty -> parameter -> triangular -> list), cross-impact matrices 4 (impacts -> entry
#: -> scores -> mapping); 32 leaves ample room for hand-written structure while staying far
#: below the Python recursion limit that PyYAML's recursive composer would otherwise hit.
MAX_YAML_DEPTH = 32

#: Most data rows in a CSV file. The largest shipped CSV has about 100 rows; 100,000 allows
#: e.g. every dyad of 300 actors over a year, yet a table that size still loads in seconds.
MAX_CSV_ROWS = 100_000

#: Longest excerpt of a parser message or a value quoted in an error message.
_MAX_QUOTE = 60

_TAG = "tag:yaml.org,2002:"


def _fail(error: type[InputError], path: str | Path, where: str, message: str) -> NoReturn:
    """Raise `error` with a message on one line (whitespace runs, newlines included, collapse)."""
    raise error(path, " ".join(where.split()), " ".join(message.split())) from None


def quote(value: object, limit: int = _MAX_QUOTE) -> str:
    """repr(value), shortened to `limit` characters, for quoting input in a one-line message
    (repr escapes newlines, so a quoted value never breaks the line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_quote = quote


def _place(line: int, column: int | None = None) -> str:
    return f"line {line}" if column is None else f"line {line}, column {column}"


# --------------------------------------------------------------------------- text


def read_text(
    path: str | Path,
    *,
    error: type[InputError] = InputError,
    max_bytes: int = MAX_FILE_BYTES,
    missing: str = "no such file",
) -> str:
    """The file's text, decoded as UTF-8 without a BOM; any problem raises one `error`.

    Refused, each with one line: a missing path (`missing` is the message, so callers can keep
    their wording), a directory or other non-regular file (a FIFO would block forever), a file
    that cannot be read, one larger than `max_bytes` (checked before reading), binary content
    (NUL or other control bytes) and bytes that are not UTF-8 (named by offset and line).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        _fail(error, path, "", missing)
    except (OSError, ValueError) as exc:
        _fail(error, path, "", f"cannot read the file ({_os_reason(exc)})")
    if stat.S_ISDIR(info.st_mode):
        _fail(error, path, "", "is a directory; expected a file")
    if not stat.S_ISREG(info.st_mode):
        _fail(error, path, "", "is not a regular file; expected a text file")
    if info.st_size > max_bytes:
        _fail(error, path, "", f"the file is {info.st_size:,} bytes; the limit is {max_bytes:,}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        _fail(error, path, "", missing)
    except OSError as exc:
        _fail(error, path, "", f"cannot read the file ({_os_reason(exc)})")
    if len(data) > max_bytes:  # grew since stat
        _fail(error, path, "", f"the file is larger than the limit of {max_bytes:,} bytes")
    return _decode(data, path, error)


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _decode(data: bytes, path: str | Path, error: type[InputError]) -> str:
    """UTF-8 text from bytes, refusing UTF-16/32, binary content and undecodable bytes."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        _fail(error, path, "", "the file is UTF-16 (or UTF-32) text; save it as UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _byte_place(data, nul)
        _fail(
            error,
            path,
            _place(line, column),
            f"binary content (a NUL byte at byte offset {nul}); expected UTF-8 text",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_place(data, exc.start)
        _fail(
            error,
            path,
            _place(line, column),
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte offset {exc.start} "
            "cannot be decoded; save the file as UTF-8",
        )
    text = text.removeprefix("\ufeff")
    bad = _CONTROL.search(text)
    if bad:
        line, column = _char_place(text, bad.start())
        _fail(
            error,
            path,
            _place(line, column),
            f"control character U+{ord(bad.group()):04X} is not allowed in a text file "
            "(binary content?)",
        )
    return text


def _byte_place(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, character column) of a byte offset."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _char_place(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character index."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# --------------------------------------------------------------------------- YAML


class _Rejected(Exception):
    """A YAML problem found by our loader: raised inside PyYAML, turned into `error` outside."""

    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


#: What an explicitly tagged scalar that fails to convert should have been.
_KINDS = {"int": "an integer", "float": "a number", "bool": "true or false", "timestamp": "a date"}


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader refusing collection aliases, deep nesting, duplicate keys, NaN/inf, odd tags."""

    def __init__(self, stream: str, max_depth: int = MAX_YAML_DEPTH) -> None:
        super().__init__(stream)
        self.max_depth = max_depth
        self._depth = 0

    # --- composing: aliases and depth, checked before PyYAML builds or recurses into a node

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            target = self.anchors.get(event.anchor)
            if target is None:
                raise _Rejected(
                    event.start_mark,
                    f"unknown alias '*{event.anchor}' (no '&{event.anchor}' before it)",
                )
            if not isinstance(target, ScalarNode):
                raise _Rejected(
                    event.start_mark,
                    f"'*{event.anchor}' repeats a list or mapping; only a single value (text or "
                    "a number) may be repeated with an alias, so write the structure out in full",
                )
        if isinstance(event, yaml.CollectionStartEvent):
            if self._depth >= self.max_depth:
                raise _Rejected(
                    event.start_mark,
                    f"nested more than {self.max_depth} levels deep (the limit); "
                    "flatten the structure",
                )
            self._depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)

    # --- constructing

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """Construct a node; a scalar that fails to convert is reported with its place."""
        try:
            return super().construct_object(node, deep=deep)
        except (_Rejected, yaml.YAMLError):
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError):
            kind = _KINDS.get(node.tag.removeprefix(_TAG), f"a {_short_tag(node.tag)} value")
            raise _Rejected(node.start_mark, f"{_quote(node.value)} is not {kind}") from None

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        """A dict from a mapping node, refusing merge keys, unhashable and duplicate keys."""
        if not isinstance(node, MappingNode):
            raise _Rejected(node.start_mark, f"the tag {_short_tag(node.tag)!r} needs a mapping")
        mapping: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                raise _Rejected(
                    key_node.start_mark,
                    "merge keys ('<<') are not supported; write the keys out in full",
                )
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise _Rejected(
                    key_node.start_mark, "a key must be a string or a number, not a list or mapping"
                ) from None
            line = key_node.start_mark.line + 1
            if key in lines:
                raise _Rejected(
                    key_node.start_mark,
                    f"duplicate key {_quote(key)} (lines {lines[key]} and {line})",
                )
            lines[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_finite_float(self, node: Node) -> float:
        value = SafeConstructor.construct_yaml_float(self, node)
        if not math.isfinite(value):
            raise _Rejected(
                node.start_mark,
                f"{_quote(node.value)} is not a finite number (NaN and infinity are not allowed)",
            )
        return value

    def construct_forbidden(self, node: Node) -> NoReturn:
        raise _Rejected(
            node.start_mark,
            f"not valid YAML: the tag {_short_tag(node.tag)!r} is not allowed; use plain "
            "strings, numbers, true/false, null, lists and mappings",
        )


# Only plain values: no !!binary (bytes), !!set, !!omap, !!pairs (tuples) or local/python tags.
_StrictLoader.yaml_constructors = {
    **{
        _TAG + name: SafeConstructor.yaml_constructors[_TAG + name]
        for name in ("null", "bool", "int", "str", "seq", "map", "timestamp")
    },
    _TAG + "float": _StrictLoader.construct_finite_float,
    # A lone '=' or '<<' as a value is text (PyYAML's SafeLoader fails on both).
    _TAG + "value": SafeConstructor.construct_yaml_str,
    _TAG + "merge": SafeConstructor.construct_yaml_str,
    None: _StrictLoader.construct_forbidden,
}
_StrictLoader.yaml_multi_constructors = {}


def load_yaml(
    path: str | Path,
    *,
    error: type[InputError] = InputError,
    max_bytes: int = MAX_YAML_BYTES,
    max_depth: int = MAX_YAML_DEPTH,
    missing: str = "no such file",
) -> object:
    """The single YAML document in `path` as plain Python objects; any problem is one `error`.

    Beyond `read_text`'s checks: an empty file, a syntax error, a second document, an alias to
    a list or mapping, a merge key, a tag other than the plain ones, a duplicate key, NaN or
    infinity, and nesting deeper than `max_depth` each raise one `error` naming the line and
    column.
    """
    text = read_text(path, error=error, max_bytes=max_bytes, missing=missing)
    key = (text, max_depth)
    if key in _PARSED:  # the same text read before (a warm kernel's next brief): a fresh copy
        return copy.deepcopy(_PARSED[key])
    value = _parse_yaml(path, text, error, max_depth)
    if len(_PARSED) >= _PARSED_LIMIT:
        _PARSED.pop(next(iter(_PARSED)))
    _PARSED[key] = value
    return copy.deepcopy(value)


#: Documents parsed before, by (text, depth limit): parsing in pure Python is what costs, and a
#: process that renders brief after brief reads the same data files each time. Only valid
#: documents are kept (errors name the path, so they are raised afresh every time).
_PARSED: dict[tuple[str, int], object] = {}
_PARSED_LIMIT = 64


def _parse_yaml(path: str | Path, text: str, error: type[InputError], max_depth: int) -> object:
    """`load_yaml`'s parsing of `text` (read from `path`), with its errors."""
    try:
        loader = _StrictLoader(text, max_depth)
    except yaml.reader.ReaderError as exc:
        _fail(error, path, _place(*_char_place(text, exc.position)), _reader_problem(exc))
    try:
        node = loader.get_single_node()
        if node is None:
            _fail(error, path, "", "the file is empty (expected a YAML document)")
        return loader.construct_document(node)
    except _Rejected as exc:
        _fail(error, path, _mark_place(exc.mark), exc.message)
    except yaml.reader.ReaderError as exc:
        _fail(error, path, _place(*_char_place(text, exc.position)), _reader_problem(exc))
    except yaml.MarkedYAMLError as exc:
        _fail(error, path, _mark_place(_yaml_mark(exc)), f"not valid YAML: {_yaml_problem(exc)}")
    except yaml.YAMLError as exc:
        _fail(error, path, "", f"not valid YAML: {_clip(str(exc))}")
    except RecursionError:
        _fail(error, path, "", f"not valid YAML: nested too deeply (max_depth={max_depth})")
    finally:
        loader.dispose()


def _mark_place(mark: Any) -> str:
    return "" if mark is None else _place(mark.line + 1, mark.column + 1)


def _yaml_mark(exc: yaml.MarkedYAMLError) -> Any:
    """Where to point: the problem, except for an unclosed quote or a key without ':', where
    PyYAML's problem mark is wherever it gave up and the context mark is where they began."""
    context = exc.context or ""
    if exc.context_mark and ("quoted scalar" in context or "simple key" in context):
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


def _reader_problem(exc: yaml.reader.ReaderError) -> str:
    char = exc.character
    code = f"U+{char:04X}" if isinstance(char, int) else _quote(char)
    return f"character {code} is not allowed in YAML"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 2 * _MAX_QUOTE else text[: 2 * _MAX_QUOTE - 3] + "..."


#: PyYAML token names -> words a scenario author knows.
_TOKENS = {
    "'<block end>'": "the end of an indented block",
    "<block end>": "the end of an indented block",
    "'<block mapping start>'": "an indented key",
    "'<block sequence start>'": "an indented list",
    "'<scalar>'": "a value",
    "'<stream end>'": "the end of the file",
    "'<document start>'": "'---'",
    "'<document end>'": "'...'",
    "'<anchor>'": "an anchor",
    "'<alias>'": "an alias",
    "'<tag>'": "a tag",
    "<document start>": "the start of a document",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's multi-line problem, paraphrased on one short line."""
    problem = " ".join((exc.problem or exc.context or "").split())
    context = " ".join((exc.context or "").split())
    if "quoted scalar" in context and (
        "end of stream" in problem or "document separator" in problem
    ):
        return "unterminated quoted string (this quote is never closed)"
    if "cannot start any token" in problem or "tab character" in problem:
        if "'\\t'" in problem or "tab character" in problem:
            return "a tab cannot indent YAML; use spaces"
        found = re.search(r"found character (.+?) that", problem)
        char = found.group(1) if found else "this character"
        return f"{char} cannot start a value; put the value in quotes"
    if problem == "mapping values are not allowed here":
        return "unexpected ':' (check the indentation, or quote a value containing ': ')"
    if problem == "could not find expected ':'":
        return "expected ':' after a key"
    if problem.startswith("found unknown escape character"):
        return f"{problem.removeprefix('found ')} in a double-quoted string (use \\\\ or '...')"
    if problem == "but found another document" or "single document" in context:
        return "only one YAML document is allowed (found a second '---')"
    if "undefined tag handle" in problem:
        return f"unknown tag prefix: {problem.removeprefix('found undefined tag handle ')}"
    if problem.startswith("expected <block end>"):
        return "inconsistent indentation (expected " + _TOKENS["<block end>"] + ")"
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        return "inconsistent indentation (expected a key or '- ' entry at this level)"
    for token, words in _TOKENS.items():
        problem = problem.replace(token, words)
    problem = problem.replace(", but got ", ", found ").replace(", but found ", ", found ")
    return _clip(problem)


# --------------------------------------------------------------------------- CSV


class CsvRow(dict[str, str]):
    """One CSV record as {column: text}, with `line`: the 1-based line where it starts.

    A plain dict in every other respect (so pydantic, pandas and ** accept it); `dict(row)`
    drops `line`.
    """

    __slots__ = ("line",)

    def __init__(self, line: int, values: dict[str, str]) -> None:
        super().__init__(values)
        self.line = line


def read_csv_rows(
    path: str | Path,
    *,
    error: type[InputError] = InputError,
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_CSV_ROWS,
    missing: str = "no such file",
) -> tuple[list[str], list[CsvRow]]:
    """(header, rows) of a CSV file, each row a `CsvRow` of text cells with its start line.

    Blank lines are skipped. Beyond `read_text`'s checks, one `error` is raised for an empty
    file, a header with an empty or repeated column name, a row with more or fewer fields than
    the header, a broken or unterminated quote, an over-long field, or more than `max_rows`
    data rows. Values are returned exactly as written (no stripping, no type conversion).
    """
    text = read_text(path, error=error, max_bytes=max_bytes, missing=missing)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[CsvRow] = []
    end = 0  # last physical line consumed so far
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            _fail(error, path, _place(start), _csv_problem(str(exc)))
        end = reader.line_num
        if not record:
            continue
        if header is None:
            header, header_line = record, start
            _check_header(header, path, start, error)
            continue
        if len(record) != len(header):
            _fail(
                error,
                path,
                _place(start),
                f"expected {len(header)} fields as in the header (line {header_line}), "
                f"got {len(record)}; quote a value that contains a comma",
            )
        if len(rows) >= max_rows:
            _fail(error, path, _place(start), f"more than {max_rows:,} data rows (the limit)")
        rows.append(CsvRow(start, dict(zip(header, record, strict=True))))
    if header is None:
        _fail(error, path, "", "the file is empty (expected a header line)")
    return header, rows


def _check_header(header: list[str], path: str | Path, line: int, error: type[InputError]) -> None:
    """Refuse empty and repeated column names: they would silently merge or hide columns."""
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if not name.strip():
            _fail(error, path, f"line {line} (header)", f"column {number} has no name")
        if name in seen:
            _fail(
                error,
                path,
                f"line {line} (header)",
                f"duplicate column name {_quote(name)} (columns {seen[name]} and {number})",
            )
        seen[name] = number


def _csv_problem(message: str) -> str:
    """The csv module's error, in the words of someone editing the file."""
    if "unexpected end of data" in message:
        return "unterminated quoted field (a '\"' opened in this record is never closed)"
    if "expected after" in message:
        return (
            'text after a closing quote; inside quotes write a quote as "", '
            "or quote the whole field"
        )
    if "field larger than field limit" in message:
        return f"a field longer than {csv.field_size_limit():,} characters"
    return f"not valid CSV: {_clip(message)}"


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def finite_number(
    value: object, *, path: str | Path, where: str, error: type[InputError] = InputError
) -> float:
    """`value` (a number or decimal text such as '1.5e3') as a finite float, else one `error`.

    NaN, infinity, overflow, booleans, empty cells and text like 'nan', '1_000' or '0x10' are
    refused: a NaN slips through every comparison and an infinity through most arithmetic.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | str):
        _fail(error, path, where, f"expected a finite number, got {_quote(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            _fail(error, path, where, "expected a finite number, got an empty value")
        if not _NUMBER.fullmatch(text):
            _fail(error, path, where, f"expected a finite number, got {_quote(value)}")
        value = text
    try:
        number = float(value)  # type: ignore[arg-type]
    except (OverflowError, ValueError):
        _fail(error, path, where, f"expected a finite number, got {_quote(value)} (too large)")
    if not math.isfinite(number):
        detail = " (too large)" if isinstance(value, str) else ""
        _fail(error, path, where, f"expected a finite number, got {_quote(value)}{detail}")
    return number
