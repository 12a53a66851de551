// Create or update body nodes (labels Entity:Body) from $rows of {id, props}; props replaces
// every property, so a corrected file updates in place. Returns `written`. All labels are
// given in the MERGE: adding one afterwards (SET n:Label) grows slower with the graph on
// FalkorDB (measured by bench/import_bench.py).
UNWIND $rows AS row
MERGE (n:Entity:Body {id: row.id})
SET n = row.props
RETURN count(n) AS written
