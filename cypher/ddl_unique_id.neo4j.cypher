// Neo4j DDL template: a uniqueness constraint on one label's property (which also indexes it).
// Labels cannot be parameters, so graph_store.neo4j_store.ddl fills {name}, {label}, {property}
// from graph_store.schema_spec only, after checking each is a plain identifier.
CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{property} IS UNIQUE
