"""The benchmark's service runs apart from the benchmark, on the settings it was given."""

from __future__ import annotations

import json
import os

import httpx
import pytest
from pydantic import SecretStr

from bench.service import Service, settings_payload
from graph_store import GraphStore
from server.settings import Settings
from tests.conftest import GraphTarget


@pytest.mark.anyio
async def test_the_service_answers_from_its_own_process_and_stops_with_it(
    graph_target: GraphTarget, store: GraphStore
) -> None:
    with Service(graph_target.settings) as service:
        assert service.pid != os.getpid()
        assert service.process is not None
        assert service.process.poll() is None  # running
        async with httpx.AsyncClient(base_url=service.url) as client:
            query = "{ regions { name } }"
            response = await client.post("/graphql", json={"query": query})
        assert response.json()["data"] == {"regions": []}
    assert service.process is not None
    assert service.process.poll() is not None  # gone: no service left behind


def test_the_settings_reach_the_service_whole_secret_included() -> None:
    settings = Settings(
        neo4j_uri="bolt://db:7687",
        neo4j_password=SecretStr("s3cret"),
        graph_name="bench-x",
        dataset_dir=None,
        batching=False,
    )
    received = Settings(**json.loads(settings_payload(settings)))
    assert received.neo4j_password.get_secret_value() == "s3cret"
    assert received.model_dump() == settings.model_dump()
