// The item-level claims of claim_matrix_claims reduced to what the compact matrix shows: one
// row per town or subdistrict with claims on list $list under region $region: `town` (id) and
// `claims`, a list of [item id, mode] pairs. Read when a query asks for no claim cell (no
// date, status or provenance): a third of the values to send and decode.
// One row per town, not per claim: Neo4j's Python driver decodes each record as a message of
// its own, and a county's 708 claims took 40-130 ms as rows against 5-12 ms as 12 town rows
// (FalkorDB: the same either way; cypher/COMPAT.md).
// The walk starts at $region, and `collect` then `UNWIND` hands the next MATCH towns it knows
// nothing about: given `town.level` there, Neo4j planned the claims of every town in the
// country from the Region(level) index and joined them to the county's (national at 0.05:
// 500,000 db hits, 150 ms, against 6,900 and 8 ms), depending on its statistics.
MATCH (root:Region {id: $region})
WITH root
MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
WITH collect(town) AS towns
UNWIND towns AS town
MATCH (town)-[claim:CLAIMS]->(item:PowerItem)
WHERE claim.list = $list
RETURN town.id AS town, collect([item.id, claim.mode]) AS claims
