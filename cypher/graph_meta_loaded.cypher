// Record that the dataset of slot $prefix (e.g. "dataset=") was applied with the digest in
// $entry ("dataset=<sha256>"), replacing that slot's previous entry. Returns `loadedFrom`.
MERGE (m:GraphMeta {id: $meta})
SET m.loadedFrom = [entry IN coalesce(m.loadedFrom, []) WHERE NOT (entry STARTS WITH $prefix)]
                   + [$entry]
RETURN m.loadedFrom AS loadedFrom
