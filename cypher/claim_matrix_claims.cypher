// Item-level claims on list $list by towns and subdistricts at or under region $region:
// rows of `town` (id), `item` (id) and `claim` (relationship properties: mode, date, status,
// provenance).
MATCH (root:Region {id: $region})
MATCH (town:Region)-[:PART_OF*0..4]->(root)
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
MATCH (town)-[claim:CLAIMS]->(item:PowerItem)-[:LISTED_IN]->(:PowerList {id: $list})
RETURN town.id AS town, item.id AS item, properties(claim) AS claim
