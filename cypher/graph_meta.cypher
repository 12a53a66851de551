// The graph's own record (the GraphMeta node whose id is $meta): `version`, the number of
// acknowledged writes so far (0 for a new graph), and `loadedFrom`, the "slot=digest" entries
// of the datasets applied at start-up (docs/operations.md). One row, also for a graph without it.
OPTIONAL MATCH (m:GraphMeta {id: $meta})
RETURN coalesce(m.version, 0) AS version, coalesce(m.loadedFrom, []) AS loadedFrom
