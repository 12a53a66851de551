"""Failure paths: every kind of bad input becomes a Problem naming file, location and field."""

from __future__ import annotations

import json
from pathlib import Path

from graph_loaders.checks import check_dataset
from graph_loaders.dataset import Region, json_schema
from graph_loaders.dataset_reader import read_dataset_files
from graph_loaders.problems import Problem

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
SRC = "002_2abc6b63f845ad0d.txt"
GOOD_QUOTE = "乌海市海勃湾区机构改革完成情况"

HEADER = f"""format: reformgraph/v1
sources:
  - {{id: source:002, file: {SRC}, title: report, kind: REPORT}}
"""


def _region(rid: str, extra: str = "", quote: str = GOOD_QUOTE) -> str:
    return f"""  - id: {rid}
    name: N
    level: LEAGUE_CITY
{extra}    provenance:
      - {{source: {SRC}, quote: "{quote}"}}
"""


def _run(tmp_path: Path, text: str | bytes, name: str = "x.yaml") -> list[Problem]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    ds, problems = read_dataset_files([path])
    return problems + check_dataset(ds, CORPUS)


def _only(problems: list[Problem], field: str) -> Problem:
    found = [p for p in problems if p.field == field]
    assert len(found) == 1, problems
    return found[0]


def test_valid_file_has_no_problems(tmp_path: Path) -> None:
    assert _run(tmp_path, HEADER + "regions:\n" + _region("region:a")) == []


def test_bad_enum(tmp_path: Path) -> None:
    text = HEADER + "regions:\n" + _region("region:a").replace("LEAGUE_CITY", "CITY")
    p = _only(_run(tmp_path, text), "level")
    assert p.location == "regions[0]"
    assert p.file.endswith("x.yaml")
    assert p.line == 7
    assert "LEAGUE_CITY" in p.reason
    assert str(p).endswith("x.yaml: regions[0] (row 7): level: " + p.reason)


def test_unknown_reference(tmp_path: Path) -> None:
    text = HEADER + "regions:\n" + _region("region:a", "    parent: region:foo\n")
    p = _only(_run(tmp_path, text), "parent")
    assert p.location == "regions[0]"
    assert "region:foo" in p.reason
    assert p.line == 8


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HEADER + "regions:\n" + _region("region:a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "format: reformgraph/v1\nregions:\n" + _region("region:a"), encoding="utf-8"
    )
    ds, problems = read_dataset_files([tmp_path / "a.yaml", tmp_path / "b.yaml"])
    problems += check_dataset(ds, CORPUS)
    p = _only(problems, "id")
    assert p.file.endswith("b.yaml")
    assert p.location == "regions[0]"
    assert "duplicate" in p.reason


def test_missing_provenance(tmp_path: Path) -> None:
    text = HEADER + "regions:\n  - {id: region:a, name: N, level: LEAGUE_CITY}\n"
    p = _only(_run(tmp_path, text), "provenance")
    assert p.location == "regions[0]"
    assert "without provenance" in p.reason


def test_missing_quote_key(tmp_path: Path) -> None:
    text = (
        HEADER
        + "regions:\n  - {id: region:a, name: N, level: LEAGUE_CITY,\n"
        + f"     provenance: [{{source: {SRC}}}]}}\n"
    )
    p = _only(_run(tmp_path, text), "provenance[0].quote")
    assert "required" in p.reason


def test_quote_not_in_source(tmp_path: Path) -> None:
    text = HEADER + "regions:\n" + _region("region:a", quote="这句话不在文件里")
    p = _only(_run(tmp_path, text), "provenance[0].quote")
    assert p.location == "regions[0]"
    assert "not found" in p.reason
    assert p.line is not None


def test_source_not_in_corpus(tmp_path: Path) -> None:
    text = HEADER + "regions:\n" + _region("region:a").replace(f"source: {SRC}", "source: 999.txt")
    p = _only(_run(tmp_path, text), "provenance[0].source")
    assert "points at nothing" in p.reason


def test_synthetic_records(tmp_path: Path) -> None:
    synthetic = (
        "format: reformgraph/v1\nsynthetic: true\n"
        "regions:\n  - {id: region:s, name: S, level: TOWNSHIP}\n"
    )
    assert _run(tmp_path, synthetic) == []
    with_quote = "format: reformgraph/v1\nsynthetic: true\nregions:\n" + _region("region:s")
    assert "synthetic" in _only(_run(tmp_path, with_quote), "provenance").reason


def test_bad_encoding(tmp_path: Path) -> None:
    problems = _run(
        tmp_path, "format: reformgraph/v1\nregions:\n  - name: 千里山镇\n".encode("gb18030")
    )
    assert len(problems) == 1
    assert "UTF-8" in problems[0].reason
    assert problems[0].line == 3


def test_bom_is_accepted(tmp_path: Path) -> None:
    text = (HEADER + "regions:\n" + _region("region:a")).encode("utf-8-sig")
    assert _run(tmp_path, text) == []


def test_yaml_syntax_error(tmp_path: Path) -> None:
    problems = _run(tmp_path, "format: reformgraph/v1\nregions:\n  - id: [unclosed\n")
    assert len(problems) == 1
    assert "YAML syntax error" in problems[0].reason
    assert problems[0].line is not None


def test_wrong_top_level_and_format(tmp_path: Path) -> None:
    assert "mapping" in _run(tmp_path, "- a\n- b\n")[0].reason
    assert _only(_run(tmp_path, "regions: []\n"), "format").reason.startswith("required")


def test_a_day_that_does_not_exist_is_refused_with_field_value_and_why(tmp_path: Path) -> None:
    statistic = (
        "  - {id: s1, metric: m, label: l, scope_region: region:a, unit: u, value: 1, "
        "date: %s, provenance: [{source: " + SRC + ", quote: " + GOOD_QUOTE + "}]}\n"
    )
    text = HEADER + "regions:\n" + _region("region:a") + "statistics:\n"
    p = _only(_run(tmp_path, text + statistic % "2019-02-29"), "date")
    assert p.location == "statistics[0]"
    assert "'2019-02-29' is not a date: 2019 is not a leap year, so February has 28 days" in (
        p.reason
    )
    assert _run(tmp_path, text + statistic % "2020-02-29") == []  # a leap year's is a day
    p = _only(_run(tmp_path, text + statistic % '"2021-13-99"'), "date")
    assert "'2021-13-99' is not a date: month 13 is not 01-12" in p.reason


def test_unknown_key(tmp_path: Path) -> None:
    text = HEADER + "regions:\n" + _region("region:a", "    colour: red\n")
    p = _only(_run(tmp_path, text), "colour")
    assert "unknown key" in p.reason
    assert p.line == 8
    assert "unknown section" in _only(_run(tmp_path, HEADER + "things: []\n"), "things").reason


def test_all_problems_reported_together(tmp_path: Path) -> None:
    text = (
        HEADER
        + "regions:\n"
        + _region("region:a", "    parent: region:nowhere\n")
        + _region("region:b").replace("LEAGUE_CITY", "VILLAGE")
        + _region("region:a", quote="不在文件里")
        + _region("region:c", "    colour: red\n")
        + "statistics:\n"
        + "  - {id: s1, metric: m, label: l, scope_region: region:a, unit: u, date: 2019-13}\n"
    )
    problems = _run(tmp_path, text)
    got = {(p.location, p.field) for p in problems}
    assert {
        ("regions[0]", "parent"),
        ("regions[1]", "level"),
        ("regions[2]", "id"),
        ("regions[2]", "provenance[0].quote"),
        ("regions[3]", "colour"),
        ("statistics[0]", "date"),
    } <= got
    assert all(p.line is not None for p in problems)


def test_json_accepted_with_lines(tmp_path: Path) -> None:
    doc = {"format": "reformgraph/v1", "regions": [{"id": "region:a", "name": "N", "level": "X"}]}
    problems = _run(tmp_path, json.dumps(doc, indent=2, ensure_ascii=False), "x.json")
    assert _only(problems, "level").line == 7


def test_chinese_mode_and_schema() -> None:
    from graph_loaders.dataset import Claim

    claim = Claim.model_validate(
        {"region": "r", "list": "l", "item": "i", "mode": "交办", "synthetic": True}
    )
    assert claim.mode.value == "ASSIGN"
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["format"]
    # files name the modes in English; the Chinese words are accepted on reading only
    assert schema["$defs"]["ClaimMode"]["enum"] == ["CONFIRM", "ASSIGN"]
    assert schema["$defs"]["Claim"]["required"] == ["region", "list", "item", "mode"]
    assert Region.model_fields["level"].is_required()


def test_schema_file_is_current() -> None:
    path = Path(__file__).resolve().parent.parent / "docs" / "data-format.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == json_schema()
