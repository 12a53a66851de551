// Staging twin of upsert_regions (Neo4j only, cypher/COMPAT.md "Batched imports on Neo4j"): the same
// rows written into the import's staged generation $generation, which readers never see. The
// node is labelled only Staged; the labels upsert_regions gives (Entity, Region) wait in
// `stagedLabels` until the generation is promoted. A node of the generation that already has
// this id with other labels is marked `stagedClash` (the live statement's MERGE would fail
// there on the unique id), and the promotion refuses to go ahead. Returns `written`.
UNWIND $rows AS row
MERGE (n:Staged {generation: $generation, id: row.id})
WITH n, row, coalesce(n.stagedLabels, ['Entity', 'Region']) AS labels
SET n = row.props,
    n.generation = $generation,
    n.stagedLabels = labels,
    n.stagedClash = CASE WHEN all(l IN ['Entity', 'Region'] WHERE l IN labels) THEN null ELSE true END
RETURN count(n) AS written
