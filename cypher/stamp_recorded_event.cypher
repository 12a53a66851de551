// Number the event $id just recorded through the API with the write version its write will
// have (the current one plus one; graph_meta_advance then moves the version to it), unless it
// has its number already (a replay). Locks the GraphMeta node first, like graph_meta_advance,
// so concurrent writers get distinct numbers. Returns `seq`.
MATCH (e:ReformEvent {id: $id})
WHERE e.recordedSeq IS NULL
MERGE (m:GraphMeta {id: $meta})
SET m.writeLock = true
WITH e, m, coalesce(m.version, 0) + 1 AS seq
SET e.recordedSeq = seq
REMOVE m.writeLock
RETURN seq
