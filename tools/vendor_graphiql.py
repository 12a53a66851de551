"""Vendor GraphiQL (and the React it runs on) from npm into ``server/graphiql/vendor/``.

The IDE at ``/graphql`` used to load React and GraphiQL from a CDN: offline, or on an intranet
that cannot reach one, it stayed on "Loading…". The service now serves these files from its
own origin (``server/graphiql/``); this script is how they got there and how they change:

    python -m tools.vendor_graphiql                    # runs `npm pack` for the pinned versions
    python -m tools.vendor_graphiql --packages DIR     # offline: the .tgz files already in DIR

It takes the browser builds the packages ship (GraphiQL's ``graphiql.min.js`` and
``graphiql.min.css``, React's and ReactDOM's UMD production builds) and their licences,
straight from the npm tarballs, unchanged, and writes ``VERSIONS.json``: each package's
version, the tarball's integrity as the registry gives it, and the SHA-384 of every file (the
page's ``integrity`` attributes; ``tests/test_graphiql.py`` checks the files against it). The
versions are GraphiQL's last release with a browser build (3.8.3; 4 and later ship modules to
bundle) and the React it was built and tested with (18.2.0), as Strawberry's own page used.
The service and the tests never run this.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: package → (version, files taken from its tarball, relative to ``package/``)
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "graphiql": ("3.8.3", ("graphiql.min.js", "graphiql.min.css", "LICENSE")),
    "react": ("18.2.0", ("umd/react.production.min.js", "LICENSE")),
    "react-dom": ("18.2.0", ("umd/react-dom.production.min.js", "LICENSE")),
}
OUT_DIR = Path(__file__).resolve().parent.parent / "server" / "graphiql" / "vendor"
MANIFEST = "VERSIONS.json"


def sri(data: bytes) -> str:
    """A Subresource Integrity value (``sha384-…``) of ``data``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def tarball_name(package: str, version: str) -> str:
    return f"{package}-{version}.tgz"


def npm_pack(folder: Path) -> dict[str, str]:
    """Fetch the pinned tarballs into ``folder`` with npm (which checks their integrity);
    returns each package's integrity as the registry states it."""
    specs = [f"{name}@{version}" for name, (version, _) in PACKAGES.items()]
    done = subprocess.run(
        ["npm", "pack", *specs, "--json", "--pack-destination", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return {entry["name"]: entry["integrity"] for entry in json.loads(done.stdout)}


def tarball_integrity(path: Path) -> str:
    """The npm-style integrity (``sha512-…``) of a tarball on disk."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def vendor(
    packages_dir: Path, integrity: dict[str, str], out_dir: Path = OUT_DIR
) -> dict[str, object]:
    """Copy the files out of the tarballs in ``packages_dir`` into ``out_dir``/<package>/ and
    write the manifest; returns it."""
    manifest: dict[str, object] = {}
    for name, (version, files) in PACKAGES.items():
        tarball = packages_dir / tarball_name(name, version)
        found = tarball_integrity(tarball)
        if name in integrity and integrity[name] != found:
            raise SystemExit(
                f"{tarball}: integrity {found} is not the registry's {integrity[name]}"
            )
        target = out_dir / name
        target.mkdir(parents=True, exist_ok=True)
        hashes: dict[str, str] = {}
        with tarfile.open(tarball) as archive:
            for file in files:
                member = archive.extractfile(f"package/{file}")
                if member is None:
                    raise SystemExit(f"{tarball}: no {file}")
                data = member.read()
                written = target / Path(file).name
                written.write_bytes(data)
                hashes[written.name] = sri(data)
        manifest[name] = {"version": version, "tarball": found, "files": hashes}
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--packages", type=Path, help="folder holding the .tgz files (default: npm pack them)"
    )
    args = parser.parse_args(argv)
    if args.packages is not None:
        manifest = vendor(args.packages, {})
    else:
        with tempfile.TemporaryDirectory() as folder:
            manifest = vendor(Path(folder), npm_pack(Path(folder)))
    for name, entry in manifest.items():
        print(f"{name}: {entry}", file=sys.stderr)
    print(f"wrote {OUT_DIR}")


if __name__ == "__main__":
    main()
