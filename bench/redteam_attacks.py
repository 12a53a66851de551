"""What the red team (:mod:`bench.redteam`) sends: the hostile documents, bodies and files of
issue 14, and a bounded, seeded fuzzer. Pure functions of their arguments (no network), shared
with the regression tests where a test replays the same attack.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

# --------------------------------------------------------------------- hostile documents


def doubling_fragments(levels: int, leaf: str = "name") -> str:
    """Fragments that spread the next fragment twice per level: 1.3 KB at 30 levels, 2**30
    spreads (22 levels stalled the service for 17 s when every spread was walked again)."""
    fragments = "\n".join(
        f"fragment F{i} on Region {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"{{ regions {{ ...F0 }} }}\n{fragments}\nfragment F{levels} on Region {{ {leaf} }}"


def nested_connections(aliases: int) -> str:
    """Aliases of connections nested three deep, ``first: 500`` at each level: 5.5 KB at 30,
    inside every limit but the price (36 s and about 1 GB on the demo graph before it)."""
    one = (
        'search(text: "局", first: 500) { edges { node { ... on Body { subordinates(first: 500) '
        "{ edges { node { name holds(first: 500) { edges { node { name } } } } } } } } } }"
    )
    return "{ " + " ".join(f"a{i}: {one}" for i in range(aliases)) + " }"


def chained_fragments(count: int) -> str:
    """``count`` fragments each spreading the next (550 hit Python's recursion limit)."""
    chain = "\n".join(f"fragment F{i} on Region {{ ...F{i + 1} }}" for i in range(count))
    return f"{{ regions {{ ...F0 }} }}\n{chain}\nfragment F{count} on Region {{ name }}"


MERGER_IMPACT = 'query($b: [String!]!) { mergerImpact(bodies: $b, newName: "x") { targetName } }'


def merger_impact_bodies(count: int) -> dict[str, object]:
    """A ``mergerImpact`` request naming ``count`` bodies (2,062 took 5.6 s before the cap)."""
    return {"query": MERGER_IMPACT, "variables": {"b": [f"body:{i}" for i in range(count)]}}


#: Bodies that are not a GraphQL request in JSON (plain-text 500s before issue 14).
MALFORMED_BODIES: dict[str, bytes] = {
    "JSON nested 1,000 deep": b'{"query": ' + b"[" * 1_000 + b"]" * 1_000 + b"}",
    "JSON nested 100,000 deep": b'{"query": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "null": b"null",
    "a number": b"42",
    "a string": b'"{ regions { name } }"',
    "invalid UTF-8": b'{"query": "{ regions { name } }", "variables": {"k": "\xff\xfe"}}',
    "not JSON": b"{ regions { name } }",
    "empty": b"",
    "a batch": b'[{"query": "{ regions { name } }"}]',
    "operationName a list": b'{"query": "{ regions { name } }", "operationName": [null]}',
    "variables a list": b'{"query": "{ regions { name } }", "variables": [1]}',
    "query a number": b'{"query": 42}',
}

#: Client mistakes inside well-formed requests: (name, query, variables).
CLIENT_MISTAKES: list[tuple[str, str, dict[str, object]]] = [
    ("query { }", "query { }", {}),
    ("unknown fragment", "{ regions { ...Nope } }", {}),
    ("550 chained fragments", chained_fragments(550), {}),
    ("bad cursor", '{ reformEvents(first: 2, after: "not-a-cursor") { totalCount } }', {}),
    (
        "NUL byte in an argument",
        "query($t: String!) { search(text: $t) { totalCount } }",
        {"t": "执法\x00局"},
    ),
    (
        "lone surrogate in an argument",
        "query($t: String!) { search(text: $t) { totalCount } }",
        {"t": "执法\ud800"},
    ),
    ("selections nested 300 deep", "{ regions " + "{ parent " * 300 + "{ name" + " }" * 302, {}),
]


def client_mistake_body(query: str, variables: dict[str, object]) -> bytes:
    """The request as a client's JSON encoder sends it (a lone surrogate as its escape)."""
    return json.dumps({"query": query, "variables": variables}).encode()


# --------------------------------------------------------------------------------- uploads

LIST_HEADER = (
    "序号",
    "赋权事项",
    "权力类型",
    "法律法规依据",
    "责任主体",
    "原实施主体",
    "乡镇/街道",
)


def _list_row(number: int) -> tuple[str, ...]:
    return (
        str(number),
        f"对未按规定设置户外广告的处罚（{number}）",
        "行政处罚",
        "《城市市容和环境卫生管理条例》第三十六条",
        "镇综合执法局",
        "海勃湾区城市管理综合行政执法局",
        "千里山镇",
    )


def list_csv(target_bytes: int) -> bytes:
    """A delegation list of 海勃湾区 as CSV, rows added until it holds ``target_bytes``
    (invented items, real towns: the shape of ``tests/fixtures/tabular/haibowan_list.csv``)."""
    lines = [
        "海勃湾区赋予镇（街道）行政权力事项清单（红队测试用，虚构内容）",
        ",".join(LIST_HEADER),
    ]
    size = sum(len(line.encode()) + 1 for line in lines)
    number = 1
    while True:
        line = ",".join(_list_row(number))
        if size + len(line.encode()) + 1 > target_bytes:
            break
        lines.append(line)
        size += len(line.encode()) + 1
        number += 1
    return ("\n".join(lines) + "\n").encode()


def _small_workbook() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(LIST_HEADER))
    sheet.append(list(_list_row(1)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rewrite_sheet(transform: object) -> bytes:
    """The small workbook with its first sheet's XML passed through ``transform``, deflated
    at the highest level (a bomb's archive is small because its XML repeats itself)."""
    assert callable(transform)
    source = zipfile.ZipFile(io.BytesIO(_small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = transform(content)
            archive.writestr(info.filename, content)
    return out.getvalue()


def xlsx_merged_bomb() -> bytes:
    """A 5 KB workbook whose one merged range covers the whole sheet (16,384 columns ×
    1,048,576 rows): a reader that fills in merged cells makes 17 billion of them."""
    return _rewrite_sheet(
        lambda xml: xml.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>',
        )
    )


def xlsx_cell_bomb(rows: int, columns: int) -> bytes:
    """A workbook of ``rows`` × ``columns`` cells of one inline string (a few hundred KB for
    millions of cells: the XML repeats itself, so it deflates about 400 to 1)."""
    cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
    row = b"<row>" + cell * columns + b"</row>"
    return _rewrite_sheet(lambda xml: xml.replace(b"</sheetData>", row * rows + b"</sheetData>"))


def xlsx_far_cell() -> bytes:
    """A workbook with one more cell, at the sheet's last row and column (XFD1048576): a
    reader that walks the used range walks 17 billion cells."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite_sheet(lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>"))


# ------------------------------------------------------------------------------ the fuzzer

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?|\S')
_POOL = [
    "{", "}", "(", ")", ":", "...", "$x", "@skip", '"', "!", "[", "]", "first: 500",
    "__typename", "fragment", "on", "query", "mutation", "subscription", "null", "0", "-1",
    "2147483648", "1e400", '"\\u0000"', '"\\ud800"', "#", ",", "=", "|", "&", "__schema",
    "node(id: \"\")", "...on Body", "$", "@include(if: $x)",
]  # fmt: skip
_WEIRD_TEXT = ["", "\x00", "\ud800", "\udfff", "\u202e", "'", '"', "\\", "局" * 300, "%s%n", "\n"]


@dataclass(frozen=True)
class FuzzRequest:
    """One fuzzed request: what kind of mutation made it, its body and content type."""

    kind: str
    body: bytes
    content_type: str = "application/json"


def _random_json(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randrange(9 if depth < 5 else 5)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([0, -1, 2**31, 2**63, -(2**53) - 1, 10**30])
    if choice == 3:
        return rng.choice([0.5, 1e308, -0.0])
    if choice == 4:
        return rng.choice(_WEIRD_TEXT) + "".join(
            chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(8))
        )
    if choice in (5, 6):
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["query", "variables", "operationName", "extensions", "b", "t", "k", "first"]
    return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(4))}


def mutate_query(rng: random.Random, query: str) -> str:
    """``query`` with one to five token-level mutations: a token deleted, duplicated, swapped
    with another, or one of :data:`_POOL` inserted."""
    tokens = _TOKEN.findall(query)
    for _ in range(rng.randint(1, 5)):
        if not tokens:
            tokens = [rng.choice(_POOL)]
        i = rng.randrange(len(tokens))
        operation = rng.randrange(4)
        if operation == 0:
            del tokens[i]
        elif operation == 1:
            tokens.insert(i, tokens[i])
        elif operation == 2:
            j = rng.randrange(len(tokens))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:
            tokens.insert(i, rng.choice(_POOL))
    return " ".join(tokens)


def fuzz_requests(rng: random.Random, count: int, queries: list[str]) -> Iterator[FuzzRequest]:
    """``count`` requests of five kinds, in a reproducible order for a seeded ``rng``: random
    bytes, random JSON, mutated ``queries``, ``queries`` with random variables and operation
    names, and ``queries`` under a wrong content type."""
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:
            size = rng.choice([0, 1, 16, 256, 4096])
            yield FuzzRequest("bytes", bytes(rng.randrange(256) for _ in range(size)))
        elif kind == 1:
            try:
                body = json.dumps(_random_json(rng)).encode()
            except ValueError:
                body = b"{}"
            yield FuzzRequest("json", body)
        elif kind == 2:
            mutated = mutate_query(rng, rng.choice(queries))
            yield FuzzRequest("mutated query", json.dumps({"query": mutated}).encode())
        elif kind == 3:
            request = {
                "query": rng.choice(queries),
                "variables": {k: _random_json(rng) for k in ("first", "t", "b", "key")},
                "operationName": rng.choice([None, "", "Nope", "\ud800", "x" * 300]),
            }
            yield FuzzRequest("random variables", json.dumps(request).encode())
        else:
            content_type = rng.choice(
                [
                    "text/plain",
                    "multipart/form-data",
                    "multipart/form-data; boundary=x",
                    "application/x-www-form-urlencoded",
                    "application/graphql",
                    "",
                ]
            )
            body = json.dumps({"query": rng.choice(queries)}).encode()
            yield FuzzRequest("content type", body, content_type)
