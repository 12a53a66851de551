"""Read dataset files (YAML or JSON) into a :class:`~graph_loaders.dataset.Dataset`.

Users fix dataset files by hand, so the reader reports every problem it can find in one pass,
each with file, record, field and line, and never stops at the first: an unreadable file does
not stop the other files, and a bad record does not stop the other records of its file. The
valid records are returned merged, so :func:`graph_loaders.checks.check_dataset` can still
check references among them; a caller that imports data must refuse to import when either step
reports a problem.

Line numbers come from YAML node marks: the document is composed into a node tree first and
then constructed, and the tree gives the line of every record and field. JSON files are parsed
with :mod:`json` (exact JSON semantics) and, where YAML can also read them, marked the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graph_loaders.dataset import FORMAT, SECTIONS, Dataset, Model, Origin
from graph_loaders.problems import Problem

#: File name endings the reader accepts in a dataset folder.
DATASET_SUFFIXES = (".yaml", ".yml", ".json")

_Lines = dict[str, int]


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, with dates left as the text they are written as: the format's
    validators check them (a partial date, a real calendar day), so an unquoted ``2019-02-29``
    is reported as a problem with its field instead of stopping the reader."""


def _date_text(loader: _Loader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_text)


def read_dataset_dir(directory: Path | str) -> tuple[Dataset, list[Problem]]:
    """Read every ``*.yaml``/``*.yml``/``*.json`` file directly in ``directory`` (not below)."""
    folder = Path(directory)
    if not folder.is_dir():
        return Dataset(), [Problem(str(folder), "", "", "not a folder")]
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in DATASET_SUFFIXES)
    if not paths:
        return Dataset(), [Problem(str(folder), "", "", "no dataset files (*.yaml, *.json)")]
    return read_dataset_files(paths)


def read_dataset_files(paths: Iterable[Path | str]) -> tuple[Dataset, list[Problem]]:
    """Read and validate dataset files; return the merged valid records and every problem."""
    problems: list[Problem] = []
    sections: dict[str, list[Model]] = {name: [] for name in SECTIONS}
    synthetic_flags: list[bool] = []
    for path in paths:
        file_synthetic = _read_one(Path(path), sections, problems)
        if file_synthetic is not None:
            synthetic_flags.append(file_synthetic)
    synthetic = bool(synthetic_flags) and all(synthetic_flags)
    dataset = Dataset.model_validate({"format": FORMAT, "synthetic": synthetic, **sections})
    return dataset, problems


def _read_one(path: Path, sections: dict[str, list[Model]], problems: list[Problem]) -> bool | None:
    """Validate one file into ``sections``; returns its ``synthetic`` flag, None if unusable."""
    name = str(path)
    loaded = _load(path, name, problems)
    if loaded is None:
        return None
    data, node = loaded
    top_lines = _key_lines(node)
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        problems.append(
            Problem(
                name, "", "", f"top level must be a mapping with `format: {FORMAT}`, not {kind}", 1
            )
        )
        return None
    _report_duplicate_keys(node, name, "", problems)

    start = len(problems)
    fmt = data.get("format")
    if fmt is None:
        problems.append(Problem(name, "", "format", f"required: `format: {FORMAT}`", 1))
    elif fmt != FORMAT:
        problems.append(
            Problem(
                name,
                "",
                "format",
                f"unsupported format {fmt!r}; expected {FORMAT!r}",
                top_lines.get("format"),
            )
        )
    synthetic = data.get("synthetic", False)
    if not isinstance(synthetic, bool):
        problems.append(
            Problem(name, "", "synthetic", "must be true or false", top_lines.get("synthetic"))
        )
        synthetic = False
    for key in data:
        if key not in SECTIONS and key not in ("format", "synthetic"):
            problems.append(
                Problem(
                    name,
                    "",
                    str(key),
                    f"unknown section; expected one of format, synthetic, {', '.join(SECTIONS)}",
                    top_lines.get(str(key)),
                )
            )
    if len(problems) > start and fmt != FORMAT:
        return None  # not a reformgraph/v1 file: its records would only produce noise

    section_nodes = _children(node)
    for section, model in SECTIONS.items():
        if section not in data or data[section] is None:
            continue
        records = data[section]
        section_node = section_nodes.get(section)
        if not isinstance(records, list):
            problems.append(
                Problem(name, section, "", "must be a list of records", top_lines.get(section))
            )
            continue
        item_nodes = section_node.value if isinstance(section_node, yaml.SequenceNode) else []
        for index, raw in enumerate(records):
            record_node = item_nodes[index] if index < len(item_nodes) else None
            location = f"{section}[{index}]"
            line = _line(record_node)
            if not isinstance(raw, dict):
                problems.append(Problem(name, location, "", "must be a mapping (key: value)", line))
                continue
            field_lines = _field_lines(record_node)
            try:
                record = model.model_validate(raw)
            except ValidationError as error:
                problems += _translate(error, raw, name, location, line, field_lines)
                continue
            if synthetic and "synthetic" in type(record).model_fields:
                record = record.model_copy(update={"synthetic": True})
            origin = Origin(
                file=name, section=section, index=index, line=line, field_lines=field_lines
            )
            sections[section].append(record.with_origin(origin))
    return bool(synthetic)


def _load(path: Path, name: str, problems: list[Problem]) -> tuple[Any, yaml.Node | None] | None:
    """Bytes → text → data and (when available) the YAML node tree, or a problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, "", "", f"cannot read file: {error.strerror or error}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                name,
                "",
                "",
                f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
                "save the file as UTF-8",
                line,
            )
        )
        return None
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(Problem(name, "", "", f"JSON syntax error: {error.msg}", error.lineno))
            return None
        try:
            node = _compose(text)
        except yaml.YAMLError:
            node = None  # valid JSON that YAML cannot mark: no line numbers, nothing else lost
        return data, node
    try:
        loader = _Loader(text)  # refuses control characters right here
    except yaml.YAMLError as error:
        problems.append(Problem(name, "", "", f"YAML error: {error}"))
        return None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = " ".join(str(part) for part in (error.context, error.problem) if part)
        problems.append(
            Problem(name, "", "", f"YAML syntax error: {reason}", mark.line + 1 if mark else None)
        )
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(name, "", "", f"YAML error: {error}"))
        return None
    finally:
        loader.dispose()
    return data, node


def _compose(text: str) -> yaml.Node | None:
    loader = yaml.SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _children(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _key_lines(node: yaml.Node | None) -> _Lines:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _field_lines(node: yaml.Node | None, prefix: str = "") -> _Lines:
    """``{"parent": 12, "provenance[0].quote": 15, ...}`` for one record's node."""
    lines: _Lines = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = f"{prefix}.{key.value}" if prefix else str(key.value)
            lines.setdefault(path, key.start_mark.line + 1)
            lines.update({k: v for k, v in _field_lines(value, path).items() if k not in lines})
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = f"{prefix}[{index}]"
            lines.setdefault(path, item.start_mark.line + 1)
            lines.update({k: v for k, v in _field_lines(item, path).items() if k not in lines})
    return lines


def _report_duplicate_keys(
    node: yaml.Node | None, name: str, path: str, problems: list[Problem]
) -> None:
    """YAML keeps the last of two equal keys silently; a hand-edited file means a mistake."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            key_text = str(key.value)
            child = f"{path}.{key_text}" if path else key_text
            if key_text in seen:
                location, _, field = child.partition(".")
                problems.append(
                    Problem(
                        name,
                        location if field else "",
                        field or key_text,
                        "duplicate key: the earlier value would be ignored",
                        key.start_mark.line + 1,
                    )
                )
            seen.add(key_text)
            _report_duplicate_keys(value, name, child, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _report_duplicate_keys(item, name, f"{path}[{index}]", problems)


_MESSAGES = {
    "extra_forbidden": "unknown key (not part of the reformgraph/v1 format)",
    "missing": "required field is missing",
}


def _translate(
    error: ValidationError,
    raw: dict[str, Any],
    name: str,
    location: str,
    record_line: int | None,
    field_lines: _Lines,
) -> list[Problem]:
    """pydantic errors → one Problem per field, with ``field[0].sub`` paths and lines."""
    by_field: dict[str, list[str]] = {}
    for detail in error.errors(include_url=False):
        field = _field_path(raw, detail["loc"], keep_missing=detail["type"] == "missing")
        message = _MESSAGES.get(detail["type"], detail["msg"])
        if (
            detail["type"] not in _MESSAGES
            and "input" in detail
            and not isinstance(detail["input"], dict | list)
        ):
            message += f" (got {detail['input']!r})"
        messages = by_field.setdefault(field, [])
        if message not in messages:
            messages.append(message)
    problems = []
    for field, messages in by_field.items():
        line = _nearest_line(field, field_lines, record_line)
        problems.append(Problem(name, location, field, "; ".join(messages), line))
    return problems


def _field_path(raw: Any, loc: Sequence[int | str], keep_missing: bool) -> str:
    """Follow the error location through the input, dropping pydantic's union-member tags."""
    path = ""
    current: Any = raw
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            path = f"{path}.{part}" if path else part
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            path = f"{path}[{part}]"
        else:
            if keep_missing and isinstance(part, str) and isinstance(current, dict):
                path = f"{path}.{part}" if path else part
            break
    return path


def _nearest_line(field: str, field_lines: _Lines, record_line: int | None) -> int | None:
    """The line of the field, or of its closest enclosing field, or of the record."""
    probe = field
    while probe:
        if probe in field_lines:
            return field_lines[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return record_line
