// The towns and subdistricts at or under region $region, each with what the sources say of
// its claims on list $list where they give only a count (`summary`, relationship properties
// or null) and whether an enforcement bureau sits in it (`hasBureau`). Rows by town name.
MATCH (root:Region {id: $region})
MATCH (town:Region)-[:PART_OF*0..4]->(root)
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
OPTIONAL MATCH (town)-[summary:CLAIMED_COUNT]->(:PowerList {id: $list})
OPTIONAL MATCH (bureau:Body {kind: 'ENFORCEMENT_BUREAU'})-[:IN_REGION]->(town)
WITH town, summary, count(bureau) AS bureaus
RETURN properties(town) AS town, properties(summary) AS summary, bureaus > 0 AS hasBureau
ORDER BY town.name
