// The last statement of every write: count it in the graph's write version. The version
// moves from `previous` to `version` unless $expected is given and differs from `previous`
// (a write came in between: the caller rolls back, nothing is applied). Setting `writeLock`
// first takes the node's write lock before the version is read (Neo4j's documented way to
// avoid a lost update), so concurrent write transactions are serialised on this node and
// each reads the version the one before it committed.
MERGE (m:GraphMeta {id: $meta})
SET m.writeLock = true
WITH m, coalesce(m.version, 0) AS previous
SET m.version = CASE WHEN $expected IS NULL OR previous = $expected THEN previous + 1
                     ELSE previous END
REMOVE m.writeLock
RETURN previous, m.version AS version
