// Point each region of $rows (id, parent) at its parent with PART_OF, replacing any earlier
// parent link, so a corrected file moves a region instead of giving it two parents.
UNWIND $rows AS row
MATCH (child:Region {id: row.id})
OPTIONAL MATCH (child)-[old:PART_OF]->(:Region)
DELETE old
WITH DISTINCT child, row
MATCH (parent:Region {id: row.parent})
MERGE (child)-[:PART_OF]->(parent)
RETURN count(*) AS linked
