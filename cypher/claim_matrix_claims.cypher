// Item-level claims on list $list by towns and subdistricts at or under region $region:
// rows of `town`, `item` (ids), `mode`, `date`, `status`, `synthetic`, `sources`, `quotes`
// (scalars and lists, not a map: the client decodes a map per row much more slowly).
// The walk starts at $region.
MATCH (root:Region {id: $region})
WITH root
MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WITH town
WHERE town.level IN ['TOWNSHIP', 'SUBDISTRICT']
MATCH (town)-[claim:CLAIMS]->(item:PowerItem)
WHERE claim.list = $list
RETURN town.id AS town, item.id AS item, claim.mode AS mode, claim.date AS date,
       claim.status AS status, claim.synthetic AS synthetic, claim.sources AS sources,
       claim.quotes AS quotes
