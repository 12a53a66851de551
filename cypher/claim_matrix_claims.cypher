// Item-level claims on list $list by towns and subdistricts at or under region $region: one
// row per town with claims, `town` (id) and `claims`, a list of [item id, mode, date, status,
// synthetic, sources, quotes] (lists, not maps: the client decodes a map much more slowly;
// one row per town, not per claim, and the walk as in claim_matrix_claim_modes).
MATCH (root:Region {id: $region})
WITH root
MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
WITH collect(town) AS towns
UNWIND towns AS town
MATCH (town)-[claim:CLAIMS]->(item:PowerItem)
WHERE claim.list = $list
RETURN town.id AS town,
       collect([item.id, claim.mode, claim.date, claim.status, claim.synthetic, claim.sources,
                claim.quotes]) AS claims
