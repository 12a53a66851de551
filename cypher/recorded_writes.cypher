// The reform events recorded through the API (applyMerger), with what they did: `id`, the
// JSON `recorded` (kind and parameters, graph_loaders/recorded.py) and `seq`, the write version
// that recorded them, in that order: an import replays them after its own steps.
MATCH (e:ReformEvent)
WHERE e.recorded IS NOT NULL
RETURN e.id AS id, e.recorded AS recorded, e.recordedSeq AS seq
ORDER BY seq, id
