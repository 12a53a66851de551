// The first statement of every write transaction on Neo4j (graph_store/neo4j_store.py): take
// the write lock of the GraphMeta node $meta before the transaction reads anything, and hold
// it to the commit. Writers then run one after the other from their first read on, so none
// can match a record, wait for its lock, and write it after another writer's commit replaced
// it (a staged import's promotion retires every live node: a merger that had matched one
// would have written to the retired generation and been lost). Setting and removing
// `writeLock` takes the lock and changes nothing. Returns `meta`.
MERGE (m:GraphMeta {id: $meta})
SET m.writeLock = true
REMOVE m.writeLock
RETURN m.id AS meta
