// The last statement of every transaction of a batched import on Neo4j before its promotion.
// Takes the GraphMeta node's write lock (as graph_meta_advance does) and reads the graph's
// write version and the generation being staged (`staging`). The claim moves to $generation
// only if the version is still $expected and the claim is still the one the caller saw
// ($seen: null or a dead import's generation for the first transaction, $generation itself
// afterwards). Returns `version` and the `holder` it found; the adapter goes on only if
// version = $expected and holder = $seen. The version does not move.
MERGE (m:GraphMeta {id: $meta})
SET m.writeLock = true
WITH m, coalesce(m.version, 0) AS version, m.staging AS holder
SET m.staging = CASE WHEN version = $expected AND coalesce(holder, '') = coalesce($seen, '')
                     THEN $generation ELSE holder END
REMOVE m.writeLock
RETURN version, holder
