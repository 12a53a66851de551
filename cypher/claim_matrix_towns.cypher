// The towns and subdistricts at or under region $region, each with what the sources say of
// its claims on list $list where they give only a count (`summary`, relationship properties
// or null) and whether an enforcement bureau sits in it (`hasBureau`). Rows by town name.
// The walk starts at $region (WITH keeps the planner from scanning every town by level).
MATCH (root:Region {id: $region})
WITH root
MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WITH town
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
OPTIONAL MATCH (town)-[summary:CLAIMED_COUNT]->(:PowerList {id: $list})
OPTIONAL MATCH (bureau:Body {kind: 'ENFORCEMENT_BUREAU'})-[:IN_REGION]->(town)
WITH town, summary, count(bureau) AS bureaus
RETURN properties(town) AS town, properties(summary) AS summary, bureaus > 0 AS hasBureau
ORDER BY town.name
