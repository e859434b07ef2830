"""Command line: `python -m analysis validate | list | run SCENARIO [--json] | align SCENARIO
[--json] | render | sweep | data build`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis.errors import InputError
from analysis.model import format_value, load_world, run
from analysis.world import World, load_scenario, scenario_ids


def validate(world: World) -> str:
    """Load every scenario and check that implications name scenarios that exist."""
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
    lines = []
    for ident in scenario_ids(world):
        scenario = load_scenario(ident, world)
        parent = f" (extends {scenario.lineage[1]})" if len(scenario.lineage) > 1 else ""
        lines.append(f"{ident:<24} {scenario.title}{parent}")
    return "\n".join(lines)


def _run(world: World, ident: str, as_json: bool) -> str:
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
    from analysis.report.alignment import hold_words, movers_table, predicted_table

    result = run(load_scenario(ident, world), world)
    if as_json:
        return json.dumps(result.headline()["alignment"], indent=2, ensure_ascii=False)
    lines = [result.scenario.title, "", hold_words(result).data.replace("**", ""), ""]
    lines += [movers_table(result).to_string(), "", "Predicted alignments (published model):"]
    lines.append(predicted_table(result).to_string())
    return "\n".join(lines)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def _sweep(world: World, args: argparse.Namespace) -> str:
    from analysis.model import sampling

    scenario = load_scenario(args.scenario, world)
    client = None
    if args.scheduler:
        from distributed import Client

        client = Client(args.scheduler)
    try:
        table = sampling.sweep(
            scenario, world, args.draws, args.seed, sampler=args.sampler, client=client,
            progress=True,
        )  # fmt: skip
    finally:
        if client is not None:
            client.close()
    if args.out:
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
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="data folder (default: data/)")
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
        "--jobs", type=int, default=None, help="parallel warm kernels (default: number of cores)"
    )
    render_cmd.add_argument("--force", action="store_true", help="re-render unchanged briefs too")
    render_cmd.add_argument("--scheduler", help="dask.distributed scheduler address to run jobs on")
    data_cmd = commands.add_parser("data", help="rebuild facts.csv and trade.csv from data/raw/")
    data_cmd.add_argument("action", choices=["build"], help="build: regenerate from data/raw/")
    data_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: data/)")
    sweep_cmd = commands.add_parser("sweep", help="sample a scenario's uncertainty")
    sweep_cmd.add_argument("scenario", help="scenario id or path to a .yaml file")
    sweep_cmd.add_argument("--draws", type=_positive, default=10_000)
    sweep_cmd.add_argument("--seed", type=int, default=20261126)
    sweep_cmd.add_argument("--sampler", choices=["lhs", "mc", "sobol"], default="lhs")
    sweep_cmd.add_argument("--out", type=Path, help="write inputs and outcomes to Parquet")
    sweep_cmd.add_argument("--scheduler", help="dask.distributed scheduler address")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "data":  # rebuilds the data: must not need the data to load
            from analysis.world.build import build
            from analysis.world.data import DATA_DIR

            root = args.data if args.data is not None else DATA_DIR
            out = args.out if args.out is not None else root
            build(root / "raw", out)
            print(f"built {out / 'facts.csv'}, {out / 'trade.csv'} and {out / 'gravity_fit.yaml'}")
            return 0
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
        elif args.command == "render":
            from analysis.pipeline.render import NOTEBOOKS, REPORTS, render

            reports = () if args.scenarios else tuple(
                r for r in REPORTS if (NOTEBOOKS / f"{r}.ipynb").exists()
            )  # fmt: skip
            report = render(
                world, args.scenarios or scenario_ids(world), args.out,
                jobs=args.jobs, force=args.force, scheduler=args.scheduler, reports=reports,
            )  # fmt: skip
            print(report.summary())
            return 0 if report.ok else 1
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # e.g. a scenario without uncertainty to sweep
        if args.command != "sweep":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
