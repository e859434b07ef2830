"""Command line: `python -m analysis validate | list | run SCENARIO [--json] | align SCENARIO
[--json] | render | sweep | data build`.

Exit statuses: 0 done, 1 some brief failed to render, 2 bad input (a malformed file, an
option that cannot be honoured, an output folder that cannot be written), 3 internal error
(a bug: run again with --debug for the traceback)."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import InputError

if TYPE_CHECKING:  # the analysis stack is imported by the commands that need it
    from analysis.world import World

#: Exit statuses (README, "Bad input").
EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
#: Memory a sweep may plan for unless `--max-memory` says otherwise.
DEFAULT_MAX_MEMORY = 2 * 2**30


class OptionError(Exception):
    """A command-line option that cannot be honoured: reported in one line, exit status 2."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")


def validate(world: World) -> str:
    """Load every scenario and check that implications name scenarios that exist."""
    from analysis.world import load_scenario, scenario_ids

    ids = scenario_ids(world)
    for ident in ids:
        load_scenario(ident, world)
    path = world.data_dir / "implications.yaml"
    for iid, row in world.implications.iterrows():
        for field in ("scenario", "reference"):
            if isinstance(row[field], str) and row[field] not in ids:
                raise InputError(
                    path, f"id {iid!r}, field '{field}'", f"unknown scenario {row[field]!r}"
                )
    return (
        f"ok: {len(world.actors)} actors, {len(world.facts)} facts, "
        f"{len(world.trade)} trade dyads, "
        f"{len(world.groupings)} groupings, {len(world.claims)} claims, "
        f"{len(world.implications)} implications, {len(ids)} scenarios"
    )


def _list(world: World) -> str:
    from analysis.world import load_scenario, scenario_ids

    lines = []
    for ident in scenario_ids(world):
        scenario = load_scenario(ident, world)
        parent = f" (extends {scenario.lineage[1]})" if len(scenario.lineage) > 1 else ""
        lines.append(f"{ident:<24} {scenario.title}{parent}")
    return "\n".join(lines)


def _run(world: World, ident: str, as_json: bool) -> str:
    from analysis.model import format_value, run
    from analysis.world import load_scenario

    result = run(load_scenario(ident, world), world)
    if as_json:
        return json.dumps(result.headline(), indent=2, ensure_ascii=False)
    lines = [result.scenario.title, "", f"alliance: {', '.join(result.scenario.alliance)}"]
    lines.append(f"rivals:   {', '.join(result.scenario.rivals)}")
    lines += [f"{k:<36} {format_value(k, v)}" for k, v in result.values.items()]
    lines.append("")
    lines += [
        f"[{f['verdict']}] {f['id']}: {f['evidence']}" for f in result.findings.to_dict("records")
    ]
    return "\n".join(lines)


def _align(world: World, ident: str, as_json: bool) -> str:
    """Would the scenario's split hold (landscape theory), who would move, what it takes."""
    from analysis.model import run
    from analysis.report.alignment import hold_words, movers_table, predicted_table
    from analysis.world import load_scenario

    result = run(load_scenario(ident, world), world)
    if as_json:
        return json.dumps(result.headline()["alignment"], indent=2, ensure_ascii=False)
    lines = [result.scenario.title, "", hold_words(result).data.replace("**", ""), ""]
    lines += [movers_table(result).to_string(), "", "Predicted alignments (published model):"]
    lines.append(predicted_table(result).to_string())
    return "\n".join(lines)


def _positive(text: str) -> int:
    """A whole number >= 1 (for --draws and --jobs)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def _memory(text: str) -> int:
    """A memory size in bytes: '2GiB', '512MiB', '1.5G', '4000000' (binary units: K, M, G, T,
    with or without 'i' and 'B')."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])i?)?b?\s*", text, re.IGNORECASE)
    if not found:
        raise argparse.ArgumentTypeError(f"expected a size such as 4GiB or 512MiB, got {text!r}")
    value = int(float(found.group(1)) * _UNITS[(found.group(2) or "").lower()])
    if value < 2**20:
        raise argparse.ArgumentTypeError(f"must be at least 1MiB, got {text!r}")
    return value


def _size(value: float) -> str:
    """Bytes in binary units for a message: '2 GiB', '1.5 GiB', '512 MiB'."""
    for unit, factor in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= factor:
            return f"{value / factor:.3g} {unit}"
    return f"{value:.0f} B"


def _check_out(path: Path, option: str, *, folder: bool) -> None:
    """Refuse, before any work starts, an output that cannot be written: `path` is a folder to
    create or fill (`folder`) or a file to create or replace. Nothing is created here."""
    if folder and path.exists() and not path.is_dir():
        raise InputError(path, option, "is a file; expected a folder to write into")
    if not folder and path.is_dir():
        raise InputError(path, option, "is a folder; expected a file name to write")
    existing = path if folder else path.parent
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise InputError(path, option, f"cannot create a folder under {existing}: it is a file")
    if not existing.is_dir():
        raise InputError(path, option, f"cannot write under {existing}: not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(path, option, f"cannot write into {existing}: permission denied")


def _sweep_chunk(world: World, scenario, args: argparse.Namespace) -> int:
    """The chunk size that keeps the sweep within --max-memory; refuses too many draws."""
    from analysis.model import sampling

    chunk = sampling.fit_chunk(scenario, world, args.draws, args.max_memory)
    if chunk is None:
        need = sampling.sweep_bytes(scenario, world, args.draws, sampling.MIN_CHUNK)
        most = sampling.max_draws(scenario, world, args.max_memory)
        allows = (
            f"which allows at most {most:,} draws; ask for fewer draws or raise --max-memory"
            if most
            else "which is too small for any sweep: raise --max-memory"
        )
        raise OptionError(
            "--draws",
            f"{args.draws:,} draws of {scenario.id} need about {_size(need)} of memory, over the "
            f"budget of {_size(args.max_memory)} (--max-memory), {allows}",
        )
    return chunk


def _sweep(world: World, args: argparse.Namespace) -> str:
    from analysis.model import format_value, sampling
    from analysis.world import load_scenario

    scenario = load_scenario(args.scenario, world)
    if not sampling.uncertain_inputs(scenario, world):
        raise InputError(
            scenario.path, "field 'uncertainty'", "nothing to sweep: no uncertain input"
        )
    chunk = _sweep_chunk(world, scenario, args)
    client = None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler)
    try:
        table = sampling.sweep(
            scenario, world, args.draws, args.seed, sampler=args.sampler, client=client,
            progress=True, chunk=chunk,
        )  # fmt: skip
    finally:
        if client is not None:
            client.close()
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        sampling.save(table, args.out)
    bands = sampling.bands(table)
    lines = [f"{scenario.title}: {args.draws} draws, seed {args.seed}, {args.sampler}"]
    lines += [
        f"{name:<36} {format_value(name, row.p05):>12} {format_value(name, row.p50):>12} "
        f"{format_value(name, row.p95):>12}"
        for name, row in bands.iterrows()
    ]
    if args.out:
        lines.append(f"wrote {args.out}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on any error, show the full traceback (for bug reports) instead of one line",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check data/ and every scenario")
    commands.add_parser("list", help="list the scenarios")
    run_cmd = commands.add_parser("run", help="measure one scenario")
    run_cmd.add_argument("scenario", help="scenario id or path to a .yaml file")
    run_cmd.add_argument("--json", action="store_true", help="print the headline as JSON")
    align_cmd = commands.add_parser("align", help="would the scenario's alignment hold?")
    align_cmd.add_argument("scenario", help="scenario id or path to a .yaml file")
    align_cmd.add_argument("--json", action="store_true", help="print the answer as JSON")
    render_cmd = commands.add_parser("render", help="render HTML briefs and the index page")
    render_cmd.add_argument(
        "scenarios", nargs="*", help="scenario ids or files (default: every scenario and overview)"
    )
    render_cmd.add_argument("--out", type=Path, default=Path("rendered"), help="output folder")
    render_cmd.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        help="parallel warm kernels, at least 1 (default: number of cores)",
    )
    render_cmd.add_argument("--force", action="store_true", help="re-render unchanged briefs too")
    render_cmd.add_argument("--scheduler", help="dask.distributed scheduler address to run jobs on")
    render_cmd.add_argument(
        "--pdf", action="store_true", help="also print each page to <id>.pdf (system Chromium)"
    )
    data_cmd = commands.add_parser("data", help="rebuild facts.csv and trade.csv from data/raw/")
    data_cmd.add_argument("action", choices=["build"], help="build: regenerate from data/raw/")
    data_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: data/)")
    sweep_cmd = commands.add_parser("sweep", help="sample a scenario's uncertainty")
    sweep_cmd.add_argument("scenario", help="scenario id or path to a .yaml file")
    sweep_cmd.add_argument(
        "--draws",
        type=_positive,
        default=10_000,
        help="number of draws (default 10,000); at most what fits in --max-memory by the "
        "memory estimate (README, 'Bad input'): for the shipped scenarios (12 inputs, 16 "
        "actors) about 2.4 million draws with the default 2 GiB on 2 cores",
    )
    sweep_cmd.add_argument(
        "--max-memory",
        type=_memory,
        default=DEFAULT_MAX_MEMORY,
        metavar="SIZE",
        help="memory the sweep may plan for, e.g. 4GiB or 512MiB (default 2GiB); raise it to "
        "allow more draws",
    )
    sweep_cmd.add_argument("--seed", type=int, default=20261126)
    sweep_cmd.add_argument("--sampler", choices=["lhs", "mc", "sobol"], default="lhs")
    sweep_cmd.add_argument("--out", type=Path, help="write inputs and outcomes to Parquet")
    sweep_cmd.add_argument("--scheduler", help="dask.distributed scheduler address")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every anticipated failure becomes one `error:` line on stderr and an
    exit status (see the module docstring). With --debug the exception propagates after its
    line, so Python prints the full traceback."""
    args = build_parser().parse_args(argv)
    try:
        if args.data is not None and not args.data.is_dir():
            raise InputError(args.data, "--data", "no such data folder")
        if getattr(args, "out", None) is not None:  # before any work starts
            _check_out(args.out, "--out", folder=args.command != "sweep")
        if args.command == "data":  # rebuilds the data: must not need the data to load
            from analysis.world.build import build
            from analysis.world.data import DATA_DIR

            root = args.data if args.data is not None else DATA_DIR
            out = args.out if args.out is not None else root
            build(root / "raw", out)
            print(f"built {out / 'facts.csv'}, {out / 'trade.csv'} and {out / 'gravity_fit.yaml'}")
            return 0
        if args.command == "render":  # decides what changed before loading anything heavy
            return _render(args)
        from analysis.model import load_world

        world = load_world(args.data)
        if args.command == "validate":
            print(validate(world))
        elif args.command == "list":
            print(_list(world))
        elif args.command == "run":
            print(_run(world, args.scenario, args.json))
        elif args.command == "align":
            print(_align(world, args.scenario, args.json))
        elif args.command == "sweep":
            print(_sweep(world, args))
    except (InputError, OptionError) as exc:
        return _fail(args, exc, str(exc), EXIT_INPUT)
    except MemoryError as exc:
        message = "out of memory; ask for less work (e.g. fewer --draws) or free memory"
        return _fail(args, exc, message, EXIT_INPUT)
    except OSError as exc:  # e.g. a full disk, or a file removed while rendering
        place = f"{exc.filename}: " if exc.filename else ""
        reason = (exc.strerror or str(exc) or type(exc).__name__).lower()
        return _fail(args, exc, f"{place}{reason}", EXIT_INPUT)
    except KeyboardInterrupt as exc:
        return _fail(args, exc, "interrupted", 130)
    except Exception as exc:  # a bug: one line; the traceback only with --debug
        message = f"internal error: {type(exc).__name__}: {exc}"
        if not args.debug:
            message += " (run with --debug for the traceback)"
        return _fail(args, exc, message, EXIT_INTERNAL)
    return 0


def _render(args: argparse.Namespace) -> int:
    """Render the briefs, overviews and index (all of them unless scenarios are named)."""
    from analysis.pipeline.cache import DATA_DIR
    from analysis.pipeline.render import NOTEBOOKS, REPORTS, render

    data = args.data if args.data is not None else DATA_DIR
    reports = () if args.scenarios else tuple(
        r for r in REPORTS if (NOTEBOOKS / f"{r}.ipynb").exists()
    )  # fmt: skip
    scenarios = args.scenarios or sorted(p.stem for p in (data / "scenarios").glob("*.yaml"))
    report = render(
        data, scenarios, args.out, jobs=args.jobs, force=args.force,
        scheduler=args.scheduler, reports=reports, pdf=args.pdf,
    )  # fmt: skip
    print(report.summary())
    return 0 if report.ok else 1


def _fail(args: argparse.Namespace, exc: BaseException, message: str, status: int) -> int:
    """Print `message` as one `error:` line; re-raise `exc` under --debug, else return."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    if args.debug:
        raise exc
    return status
