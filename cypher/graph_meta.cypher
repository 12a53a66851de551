// The graph's own record (the single GraphMeta node): `version`, the number of acknowledged
// writes so far (0 for a new graph), and `loadedFrom`, the "slot=digest" entries of the
// datasets applied at start-up (docs/operations.md). One row, also for a graph without it.
OPTIONAL MATCH (m:GraphMeta {id: 'graph'})
RETURN coalesce(m.version, 0) AS version, coalesce(m.loadedFrom, []) AS loadedFrom
