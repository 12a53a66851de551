// Neo4j DDL template: a range index on one label's property, created only if missing.
// Filled by graph_store.neo4j_store.ddl from graph_store.schema_spec, identifiers checked.
CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{property})
