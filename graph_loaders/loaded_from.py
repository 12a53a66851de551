"""What the graph was loaded from: digests of the datasets applied at start-up.

The service applies its dataset folder (and, if configured, a synthetic sample) at every
start, but the graph is the system of record once running: it must not re-apply an unchanged
dataset over live edits. So an import at start-up carries a :class:`LoadMark` — a slot
(``dataset``, ``synthetic``) and a digest — which the graph keeps on its ``GraphMeta`` node in
the same atomic write; the next start compares digests and skips a dataset already applied
(``docs/operations.md``).

A digest covers everything that decides what the import writes:

* for a folder, **every file under it**, recursively, by relative path and content, except
  hidden entries and ``__pycache__``: the dataset files ``dataset_files`` reads, the tables,
  any vendored data a loader reads from there (such as a region tree under ``data/``), and
  ``corpus/``, which quotes are checked against;
* for a synthetic sample, its profile, seed and scale;
* for both, the loader code (``graph_loaders/*.py``) and the Cypher (``cypher/*.cypher``), so
  that a new version of the service that writes differently applies the dataset again.

Applying a dataset again is always safe: an import replays the recorded writes
(:mod:`graph_loaders.recorded`).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cypher.registry import CYPHER_DIR

_LOADERS_DIR = Path(__file__).resolve().parent
_SKIPPED_DIRS = frozenset({"__pycache__"})


@dataclass(frozen=True)
class LoadMark:
    """A start-up dataset's slot in the graph's record and the digest of what it applied."""

    slot: str
    digest: str

    @property
    def prefix(self) -> str:
        return f"{self.slot}="

    @property
    def entry(self) -> str:
        return f"{self.slot}={self.digest}"


def _files_under(directory: Path) -> list[Path]:
    """Every regular file under ``directory``, sorted by relative path; hidden entries and
    caches left out (they do not change what is imported)."""
    files = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory).parts
        if any(part.startswith(".") or part in _SKIPPED_DIRS for part in relative):
            continue
        if path.is_file():
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(directory).as_posix())


def _add_files(digest: hashlib._Hash, directory: Path, files: list[Path]) -> None:
    for path in files:
        name = path.relative_to(directory).as_posix().encode()
        content = path.read_bytes()
        # lengths first: no two different file sets give the same byte stream
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)


@functools.cache
def code_digest() -> str:
    """The digest of the code that decides what an import writes (loaders and Cypher)."""
    digest = hashlib.sha256(b"reformgraph-loader-code\n")
    loaders = sorted(_LOADERS_DIR.glob("*.py"))
    _add_files(digest, _LOADERS_DIR, loaders)
    _add_files(digest, CYPHER_DIR, sorted(CYPHER_DIR.glob("*.cypher")))
    return digest.hexdigest()


def folder_digest(directory: Path) -> str:
    """The digest of a dataset folder: every file under it, and the loader code."""
    digest = hashlib.sha256(b"reformgraph-dataset-folder\n")
    digest.update(code_digest().encode())
    _add_files(digest, directory, _files_under(directory))
    return digest.hexdigest()


def synthetic_digest(profile: str, seed: int, scale: float) -> str:
    """The digest of a synthetic sample: what generates it, and the loader code."""
    text = f"reformgraph-synthetic\n{profile}\n{seed}\n{scale!r}\n{code_digest()}"
    return hashlib.sha256(text.encode()).hexdigest()
