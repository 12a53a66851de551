// The towns and subdistricts at or under region $region, each with what the sources say of
// its claims on list $list where they give only a count (`summary`, relationship properties
// or null) and whether an enforcement bureau sits in it (`hasBureau`). Rows by town name.
// The walk starts at $region; `collect` then `UNWIND`, as in claim_matrix_claim_modes, keeps
// the planners walking from those towns. The bureau is matched without its label: with
// `:Body`, Neo4j at times planned it from the Body(kind) index (every body in the country:
// 89,000 rows for a county of 11 towns) instead of the town's few IN_REGION edges.
MATCH (root:Region {id: $region})
WITH root
MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
WITH collect(town) AS towns
UNWIND towns AS town
OPTIONAL MATCH (town)-[summary:CLAIMED_COUNT]->(:PowerList {id: $list})
OPTIONAL MATCH (town)<-[:IN_REGION]-(bureau)
WHERE bureau.kind = 'ENFORCEMENT_BUREAU'
WITH town, summary, count(bureau) AS bureaus
RETURN properties(town) AS town, properties(summary) AS summary, bureaus > 0 AS hasBureau
ORDER BY town.name
