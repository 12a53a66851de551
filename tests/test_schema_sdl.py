"""The checked-in SDL is the schema the code serves; `reformgraph export-schema` rewrites it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from strawberry.printer import print_schema

from schema import build_schema
from server.cli import main
from tests.conftest import REPO_ROOT


def test_checked_in_sdl_matches_the_code() -> None:
    checked_in = (REPO_ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == print_schema(build_schema()) + "\n", (
        "schema.graphql is out of date: run `reformgraph export-schema` (or `make schema`)"
    )


def test_export_schema_writes_the_sdl(tmp_path: Path) -> None:
    target = tmp_path / "out.graphql"
    result = CliRunner().invoke(main, ["export-schema", str(target)])
    assert result.exit_code == 0, result.output
    assert "type Region" in target.read_text(encoding="utf-8")
