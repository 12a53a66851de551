// A claim matrix in one statement: list $list against the towns and subdistricts at or under
// region $region. One row, always: `list` and `region` (their properties, null when no
// PowerList / Region has that id), `items` (the list's named items' properties, in no set
// order: the resolver orders them; with $wholeItems false only their id, seq and name, all
// that the resolver orders them by, when the query does not select the items: a county's 99
// items with every property took 2 of FalkorDB's 7 ms, decoding included) and `towns`, by
// town name, each [town properties, what the sources say of its claims where they give only
// a count (CLAIMED_COUNT properties, or null), whether an
// enforcement bureau sits in it, its item-level claims on the list]. Without $cells (the
// compact matrix) the claims are one string of `item=MODE` words (ids have no `=` or space;
// a claim without a mode ends in `=`): the `falkordb` client parses every value in Python,
// about 2 us each, and a league's 7,000 claims as [item id, mode] pairs took 24 of the
// statement's 36 ms to decode, as a string per town about 2. The string is
// joined with `reduce`: Neo4j has no `string.join` without APOC (twins:
// cypher/COMPAT.md).
// With $cells a claim is [item id, mode, date, status, synthetic, sources, quotes].
// Lists, not a row per claim or per item: Neo4j's Python driver decodes each record as a
// message of its own (a county's 708 claims: 40-130 ms as rows, 5-12 ms as 12 town rows;
// cypher/COMPAT.md). The towns are passed on through `collect` then `UNWIND`, so that the
// planner walks from the county's towns and not from the Region(level) index (every town in
// the country; the level is read through `coalesce` so that no index can answer the test:
// a quick bench of 2026-11-30 saw Neo4j's planner scan that index and join), and the bureau is matched without its label (not from the Body(kind) index).
// No large value is a grouping key of an aggregation (the items are read last, in a pattern
// comprehension): FalkorDB hashes every grouping key per record, and with the items' list
// carried through the claims' `collect` a county took 1.1 s instead of 5 ms.
// :maps
OPTIONAL MATCH (list:PowerList {id: $list})
OPTIONAL MATCH (root:Region {id: $region})
WITH list, root
OPTIONAL MATCH (root)<-[:PART_OF*0..4]-(town:Region)
WHERE coalesce(town.level, '') IN ['TOWNSHIP', 'SUBDISTRICT']
WITH list, root, collect(town) AS towns
UNWIND CASE WHEN size(towns) = 0 THEN [null] ELSE towns END AS town
OPTIONAL MATCH (town)-[summary:CLAIMED_COUNT]->(list)
OPTIONAL MATCH (town)<-[:IN_REGION]-(bureau)
WHERE bureau.kind = 'ENFORCEMENT_BUREAU'
WITH list, root, town, summary, count(bureau) > 0 AS hasBureau
OPTIONAL MATCH (town)-[claim:CLAIMS]->(claimed:PowerItem)
WHERE claim.list = $list
WITH list, root, town, summary, hasBureau,
     collect(CASE
       WHEN claim IS NULL THEN null
       WHEN $cells THEN [claimed.id, claim.mode, claim.date, claim.status, claim.synthetic,
                         claim.sources, claim.quotes]
       ELSE claimed.id + '=' + coalesce(claim.mode, '') END) AS claims
ORDER BY town.name
WITH list, root,
     collect(CASE WHEN town IS NULL THEN null
             ELSE [properties(town), properties(summary), hasBureau,
                   CASE WHEN $cells THEN claims
                   ELSE reduce(joined = '', c IN claims | joined + c + ' ') END]
             END) AS towns
RETURN properties(list) AS list,
       properties(root) AS region,
       CASE WHEN list IS NULL THEN []
            WHEN $wholeItems THEN [(item:PowerItem)-[:LISTED_IN]->(list) | properties(item)]
            ELSE [(item:PowerItem)-[:LISTED_IN]->(list) | item {.id, .seq, .name}] END AS items,
       towns
