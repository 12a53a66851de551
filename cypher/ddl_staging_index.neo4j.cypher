// The index a batched import on Neo4j looks its staged nodes up by (generation, id): the
// staging twins (staged_*) MERGE and MATCH on it. Fixed text, no values.
CREATE INDEX staged_generation_id IF NOT EXISTS FOR (n:Staged) ON (n.generation, n.id)
