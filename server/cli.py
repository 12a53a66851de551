"""The ``reformgraph`` command line: serve the API, export the schema, load and validate data."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
import uvicorn
from strawberry.printer import print_schema

from graph_store.local_engine import port_in_use
from schema import build_schema
from server.app import create_app
from server.settings import Settings

SCHEMA_FILE = Path("schema.graphql")


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
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.command(
    help="Start the HTTP service: GraphQL (and GraphiQL in a browser) at /graphql, plus "
    "/healthz, /readyz and /metrics. Without NEO4J_URI it starts a local FalkorDB engine "
    "under ./.reformgraph/ and loads the dataset folder (data/) into it. Stop with Ctrl-C "
    "or SIGTERM; the engine stops with the service."
)
@click.option("--host", default=None, help="Listen address (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Listen port (default 8000).")
@click.option(
    "--dataset",
    type=click.Path(path_type=Path),
    default=None,
    help="Dataset folder to load at start-up (default data/).",
)
def serve(host: str | None, port: int | None, dataset: Path | None) -> None:
    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if dataset is not None:
        overrides["dataset_dir"] = dataset
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if port_in_use(settings.host, settings.port):
        raise click.ClickException(
            f"port {settings.port} on {settings.host} is already in use; stop what holds it "
            "or pass --port (or set REFORMGRAPH_PORT)"
        )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


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
