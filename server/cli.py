"""The ``reformgraph`` command line: serve the API, export the schema, load and validate data."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
import uvicorn
from strawberry.printer import print_schema

from graph_loaders.dataset import Dataset
from graph_loaders.delegation_lists import list_kind_named
from graph_loaders.importer import import_dataset
from graph_loaders.pipeline import ListOptions, Validated, dataset_files, validate
from graph_loaders.problems import format_problems
from graph_loaders.synthetic import PROFILES, generate, stats, write_dataset
from graph_store.local_engine import port_in_use
from schema import build_schema
from schema.auth import hash_key
from server.app import create_app
from server.cookbook import COOKBOOK_PAGE, read_recipes, render
from server.dataset import load_dataset_dir
from server.load_report import GRAPH_FAILURES, failure_line, loaded_lines
from server.runtime import open_runtime
from server.settings import ConfigurationError, Settings, load_settings
from server.timeouts import uvicorn_options
from server.workers import LOG_FORMAT, serve_workers

SCHEMA_FILE = Path("schema.graphql")
#: The shortest API key ``hash-key`` accepts: 32 characters (e.g. ``openssl rand -hex 16``).
MIN_KEY_LENGTH = 32


def settings_or_exit(**overrides: Any) -> Settings:
    """The settings from the environment (and ``overrides``); a bad one stops the command
    with what is wrong under each variable's name, and never the value (it may be a secret)."""
    try:
        return load_settings(**overrides)
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(
    help="reformgraph: a GraphQL service over the knowledge graph of Inner Mongolia's "
    "2019-2021 institutional reform (bodies, enforcement teams, delegated powers, regions).\n\n"
    "Configuration comes from REFORMGRAPH_* environment variables; set NEO4J_URI, "
    "NEO4J_USER and NEO4J_PASSWORD to use Neo4j instead of the local FalkorDB engine."
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format=LOG_FORMAT,
    )


@main.command(
    help="Start the HTTP service: GraphQL (and GraphiQL in a browser) at /graphql, plus "
    "/healthz, /readyz and /metrics. Without NEO4J_URI it starts a local FalkorDB engine "
    "under ./.reformgraph/. It applies the dataset folder (data/) unless the graph already "
    "has it unchanged, keeping the mergers recorded since (docs/operations.md). Stop with "
    "Ctrl-C or SIGTERM; the engine stops with the service."
)
@click.option("--host", default=None, help="Listen address (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Listen port (default 8000).")
@click.option(
    "--dataset",
    type=click.Path(path_type=Path),
    default=None,
    help="Dataset folder to apply at start-up if it changed (default data/).",
)
@click.option(
    "--workers",
    default=None,
    metavar="N|auto",
    help="API processes on the port (default 1, or REFORMGRAPH_WORKERS); `auto`: one per "
    "core. They share one engine, started once, and the dataset is applied once; SIGTERM "
    "stops every worker, then the engine.",
)
def serve(host: str | None, port: int | None, dataset: Path | None, workers: str | None) -> None:
    overrides: dict[str, object] = {}
    if workers is not None:
        overrides["workers"] = workers
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if dataset is not None:
        overrides["dataset_dir"] = dataset
    settings = settings_or_exit(**overrides)
    if port_in_use(settings.host, settings.port):
        raise click.ClickException(
            f"port {settings.port} on {settings.host} is already in use; stop what holds it "
            "or pass --port (or set REFORMGRAPH_PORT)"
        )
    count = settings.worker_count
    if count > 1:
        serve_workers(settings, count)
        return
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        **uvicorn_options(settings),
    )


def _context(context_dir: Path | None, files: tuple[Path, ...]) -> list[Path]:
    if context_dir is None or not context_dir.is_dir():
        return []
    return [
        p for p in dataset_files(context_dir) if p.resolve() not in {f.resolve() for f in files}
    ]


def _validated(
    files: tuple[Path, ...],
    context_dir: Path | None,
    corpus: Path,
    options: ListOptions,
    *,
    writing: bool,
) -> Validated:
    """Validate; print every problem and warning; on any error (not a warning) exit 1."""
    validated = validate(list(files), corpus, _context(context_dir, files), options)
    if validated.problems:
        click.echo(format_problems(validated.problems), err=True)
    if validated.errors:
        if writing:
            click.echo("nothing was written", err=True)
        raise SystemExit(1)
    _echo_lists(validated, files)
    return validated


def _echo_lists(validated: Validated, files: tuple[Path, ...]) -> None:
    """The power lists read from tables among FILES, with the ids to query them by."""
    names = {str(f) for f in files}
    for power_list in validated.dataset.power_lists:
        origin = power_list.origin
        if origin is None or origin.file not in names:
            continue
        click.echo(
            f"list {power_list.id}: {power_list.title} ({power_list.kind.value}, "
            f"{power_list.item_count} items, region {power_list.scope_region})"
        )


_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
_CONTEXT = click.option(
    "--context",
    "context_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Dataset folder the files may refer to (validated and loaded with them).",
)
_NO_CONTEXT = click.option(
    "--no-context", is_flag=True, help="Validate and load the files on their own."
)


_LIST_KINDS = ("delegated", "statutory", "power-and-responsibility")


def _list_options(function: Any) -> Any:
    """--county, --list-id, --list-title and --list-kind: what a power list does not say."""
    for option in reversed(
        (
            click.option(
                "--county",
                help="The county a power list belongs to: its name (清水河县), its code "
                "(150124) or its key.",
            ),
            click.option(
                "--list-id",
                help="Id to give a power list, e.g. list:haibowan:2020 (default: made from "
                "the county and the title, so loading it again updates it).",
            ),
            click.option(
                "--list-title", help="Title of a power list (default: the file's title row)."
            ),
            click.option(
                "--list-kind",
                type=click.Choice(_LIST_KINDS),
                help="What the list is, when its title and headers do not say: delegated "
                "(赋权), statutory (法定) or power-and-responsibility (权责).",
            ),
        )
    ):
        function = option(function)
    return function


def _options(
    county: str | None, list_id: str | None, list_title: str | None, list_kind: str | None
) -> ListOptions:
    kind = list_kind_named(list_kind) if list_kind else None
    return ListOptions(county, list_id, list_title, kind)


_CORPUS = click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("data/corpus"),
    show_default=True,
    help="Folder of source documents that provenance quotes are checked against.",
)


@main.command(
    "validate",
    help="Check FILES without writing anything: dataset files (YAML or JSON), power lists as "
    "counties publish them (CSV, XLSX or XLS: delegated 赋权, statutory 法定 or "
    "power-and-responsibility 权责 lists; give --county) and claims tables (CSV, XLSX or XLS: "
    "town, list, item, mode, date). Every problem is listed with file, row, record and field "
    "(unknown references, duplicate ids, bad enums, missing or unmatched quotes, encoding, "
    "wrong headers), and so is every warning (a column the list's shape lacks). Exits 1 if "
    "there is an error; warnings alone do not fail.",
)
@_FILES
@_CONTEXT
@_NO_CONTEXT
@_CORPUS
@_list_options
def validate_command(
    files: tuple[Path, ...],
    context_dir: Path,
    no_context: bool,
    corpus: Path,
    county: str | None,
    list_id: str | None,
    list_title: str | None,
    list_kind: str | None,
) -> None:
    options = _options(county, list_id, list_title, list_kind)
    validated = _validated(
        files, None if no_context else context_dir, corpus, options, writing=False
    )
    found = (
        f"no errors, {len(validated.warnings)} warning(s)" if validated.warnings else "no problems"
    )
    click.echo(f"ok: {len(files)} file(s), {found}")


@main.command(
    "load",
    help="Validate FILES, then import them into the graph in one atomic step: everything "
    "or nothing. Loading the same files twice changes nothing; a corrected file updates "
    "the records in place; mergers recorded through the API are replayed after it, so none "
    "is undone. Safe while services write to the same graph: if writes keep coming in while "
    "it runs, it stops without importing anything and says so (exit 1). Uses Neo4j when "
    "NEO4J_URI is set, else the graph of REFORMGRAPH_FALKORDB_PORT, else a local engine "
    "(whose folder must not be in use by `serve` at the same time).",
)
@_FILES
@_CONTEXT
@_NO_CONTEXT
@_CORPUS
@_list_options
def load_command(
    files: tuple[Path, ...],
    context_dir: Path,
    no_context: bool,
    corpus: Path,
    county: str | None,
    list_id: str | None,
    list_title: str | None,
    list_kind: str | None,
) -> None:
    options = _options(county, list_id, list_title, list_kind)
    validated = _validated(
        files, None if no_context else context_dir, corpus, options, writing=True
    )

    settings = settings_or_exit()
    rows = _import_on_the_graph(validated.dataset, settings)
    context = None if no_context else context_dir
    for line in loaded_lines(validated.dataset, files, context, rows):
        click.echo(line)


def _import_on_the_graph(dataset: Dataset, settings: Settings) -> int:
    """Import ``dataset`` into the graph ``settings`` name; the rows written. A failure of the
    graph stops the command with one line saying what, why and what to do (exit 1), not a
    traceback."""

    async def run() -> int:
        async with open_runtime(settings) as runtime:
            return (await import_dataset(runtime.store, dataset)).row_count

    try:
        return asyncio.run(run())
    except GRAPH_FAILURES as exc:
        raise click.ClickException(failure_line(exc, settings)) from None


@main.command(
    help="Regenerate docs/cookbook.md: run every recipe of docs/cookbook/ on the documented "
    "dataset (a temporary local engine with data/ loaded) and write it with its answer."
)
def cookbook() -> None:
    async def run() -> str:
        with tempfile.TemporaryDirectory() as folder:
            # a local engine of its own, whatever the environment names
            settings = settings_or_exit(
                data_dir=Path(folder), dataset_dir=None, neo4j_uri=None, falkordb_port=None
            )
            async with open_runtime(settings) as runtime:
                await load_dataset_dir(runtime.store, Path("data"))
                return await render(runtime.store, read_recipes())

    COOKBOOK_PAGE.write_text(asyncio.run(run()), encoding="utf-8")
    click.echo(f"wrote {COOKBOOK_PAGE}")


@main.command(
    help="Generate a synthetic dataset shaped like the real reform (deterministic for a "
    "profile, seed and scale): inner-mongolia (12 leagues, ~103 counties, ~1,000 towns) or "
    "national (~2,800 counties, ~38,000 towns, ~3.8 million claims). Everything it makes is "
    "marked synthetic (ids start with syn:). Writes a JSON dataset file with --output, or "
    "imports straight into the graph with --load (better for the national profile)."
)
@click.option("--profile", type=click.Choice(PROFILES), default="inner-mongolia", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--scale", type=float, default=1.0, show_default=True, help="Shrink or grow counts.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--load", "load_it", is_flag=True, help="Import into the graph instead.")
def generate_command(
    profile: str, seed: int, scale: float, output: Path | None, load_it: bool
) -> None:
    if (output is None) == (not load_it):
        raise click.ClickException("give exactly one of --output FILE or --load")
    dataset = generate(profile, seed, scale=scale)  # type: ignore[arg-type]
    counts = ", ".join(f"{k} {v:,}" for k, v in stats(dataset).items() if v)
    if output is not None:
        write_dataset(dataset, output)
        click.echo(f"wrote {output}: {counts}")
        return

    rows = _import_on_the_graph(dataset, settings_or_exit())
    click.echo(f"loaded {rows:,} rows: {counts}")


@main.command(
    "hash-key",
    help="Print the SHA-256 hash of an API key for REFORMGRAPH_API_KEY_HASHES (the key itself "
    "is never stored). Reads the key from standard input if none is given. Surrounding "
    f"spaces are dropped (clients send the key trimmed); keys under {MIN_KEY_LENGTH} "
    "characters are refused: make one with `openssl rand -hex 32`.",
)
@click.argument("key", required=False)
def hash_key_command(key: str | None) -> None:
    # trimmed: `Authorization: Bearer <key>` arrives trimmed, so a key hashed with its
    # spaces could never match
    key = (key if key is not None else sys.stdin.readline()).strip()
    if len(key) < MIN_KEY_LENGTH:
        raise click.ClickException(
            f"an API key needs at least {MIN_KEY_LENGTH} characters (this one has {len(key)}); "
            "make one with `openssl rand -hex 32`"
        )
    click.echo(hash_key(key))


@main.command(
    "export-schema",
    help="Write the GraphQL schema (SDL) to schema.graphql, or to OUTPUT ('-' for stdout). "
    "The test suite fails when the checked-in file differs from the code.",
)
@click.argument("output", type=click.Path(path_type=Path), default=SCHEMA_FILE)
def export_schema(output: Path) -> None:
    sdl = print_schema(build_schema()) + "\n"
    if str(output) == "-":
        sys.stdout.write(sdl)
    else:
        output.write_text(sdl, encoding="utf-8")
        click.echo(f"wrote {output}")


if __name__ == "__main__":
    main()
