"""The deployment files say what the README promises: Neo4j 5 with a health check and named
volumes, credentials from the environment, and the API started only once Neo4j is healthy."""

from __future__ import annotations

from typing import Any

import yaml

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
