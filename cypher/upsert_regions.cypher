// Create or update regions from $rows (id, name, level, aliases, synthetic, sources, quotes);
// returns the number of rows written as `written`.
UNWIND $rows AS row
MERGE (r:Region {id: row.id})
SET r.name = row.name,
    r.level = row.level,
    r.aliases = row.aliases,
    r.synthetic = row.synthetic,
    r.sources = row.sources,
    r.quotes = row.quotes
RETURN count(r) AS written
