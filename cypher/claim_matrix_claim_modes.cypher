// The item-level claims of claim_matrix_claims reduced to what the compact matrix shows:
// rows of `town`, `item` (ids) and `mode`. Read when a query asks for no claim cell (no
// date, status or provenance): a third of the values to send and decode.
// The walk starts at $region.
MATCH (root:Region {id: $region})
WITH root
MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WITH town
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
MATCH (town)-[claim:CLAIMS]->(item:PowerItem)
WHERE claim.list = $list
RETURN town.id AS town, item.id AS item, claim.mode AS mode
