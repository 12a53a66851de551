"""Uploading a file to the service as a front-end does: the GraphQL multipart request spec
(an ``operations`` part, a ``map`` part, then the file), over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx

#: importDelegationList with everything the tests look at.
IMPORT_LIST = """
mutation($file: Upload!, $county: String!, $listId: String!, $title: String!,
         $dryRun: Boolean!) {
  importDelegationList(file: $file, county: $county, listId: $listId, title: $title,
                       dryRun: $dryRun) { ...result }
}"""

#: importClaimsTable, the same selection.
IMPORT_CLAIMS = """
mutation($file: Upload!, $dryRun: Boolean!) {
  importClaimsTable(file: $file, dryRun: $dryRun) { ...result }
}"""

RESULT = """
fragment count on ImportCount { total new existing }
fragment result on ImportResult {
  applied kind file listKey canApply
  problems { file row location field message severity }
  warnings { file row location field message severity }
  counts {
    lists { ...count } items { ...count } holdings { ...count } delegations { ...count }
    claims { ...count } bodiesCreated { ...count }
  }
  items { row key seq name powerType mode holder { key name } towns { key name } new }
  claims { row town { key name } list item { key name } seq mode date new }
}"""


async def post_upload(
    base_url: str,
    query: str,
    variables: dict[str, Any],
    name: str,
    content: bytes,
    *,
    token: str | None = None,
    preflight: bool = True,
) -> httpx.Response:
    """POST ``query`` with the file ``name``/``content`` as ``$file`` (multipart)."""
    operations = {"query": query + RESULT, "variables": {**variables, "file": None}}
    headers = {"graphql-require-preflight": "1"} if preflight else {}
    if token:
        headers["authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        return await client.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": (name, content, "application/octet-stream")},
            headers=headers,
        )


async def upload(
    base_url: str,
    query: str,
    variables: dict[str, Any],
    name: str,
    content: bytes,
    *,
    token: str | None = None,
) -> dict[str, Any]:
    """The decoded JSON answer of :func:`post_upload` (which must be 200)."""
    response = await post_upload(base_url, query, variables, name, content, token=token)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
