"""The README's example queries give the answers it shows, on the documented dataset."""

from __future__ import annotations

import json
import re

import pytest

from graph_loaders.pipeline import dataset_files, load
from graph_store import GraphStore
from server.cookbook import Recipe, answer
from tests.conftest import REPO_ROOT
from tests.datasets import DATA_DIR

pytestmark = pytest.mark.anyio
EXAMPLE = re.compile(r"```graphql\n(.*?)\n```\s*```json\n(.*?)\n```", re.S)


async def test_readme_examples_answer_as_shown(store: GraphStore) -> None:
    examples = EXAMPLE.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(examples) >= 3
    await load(store, dataset_files(DATA_DIR), DATA_DIR / "corpus")
    for query, shown in examples:
        actual = await answer(store, Recipe("readme", "readme", "", query))
        assert json.loads(actual) == json.loads(shown), query
