// Every node readers see (label Entity), with how many relationships leave it (`degree`):
// a batched import copies them into its staged generation in batches of about the same number
// of relationships. Neo4j only (COUNT {}).
MATCH (n:Entity)
RETURN n.id AS id, COUNT { (n)-->() } AS degree
