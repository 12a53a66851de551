// search_entities narrowed to the subtree of region $under and to list $list (either may be
// null): nodes whose name, title, aliases, signboards, or statistic label or metric contain $text, or whose official code
// starts with $code (regions; null when $text is not digits) (any label in $labels, or every
// kind search finds when null; never a Source, as in search_entities), optionally of level
// $level, body kind $kind, power type $powerType, valid at date $validAt (ISO string). One
// row: `total` (how many match) and `page`, the first $limit of them by name as maps of
// `labels` and `props`.
// Candidates: on Neo4j, the nodes whose `searchText` contains $text, from the text index
// `entity_search_text` (trigrams: a CONTAINS seek, cheaper than asking the full-text index for
// every gram and filtering its hits: 3.0-3.5 against 3.9-4.2 ms of server CPU for 执法局 at
// Inner Mongolia 1.0); and, only when $code is given, the hits of the full-text index
// `entity_search` on `searchGrams` ($terms: the grams of $text, each required with Lucene's
// `+`; graph_store/search_terms.py) whose code starts with it. Never a scan of every Entity.
// :maps
CALL () {
  MATCH (n:Entity) WHERE n.searchText CONTAINS $text RETURN n
  UNION
  WITH $code AS code WHERE code IS NOT NULL
  CALL db.index.fulltext.queryNodes('entity_search', reduce(q = '', t IN split($terms, ' ') | q + ' +' + t))
  YIELD node
  WITH node AS n, code WHERE n.code STARTS WITH code
  RETURN n
}
WITH n
WHERE (($labels IS NULL AND NOT n:Source) OR any(l IN labels(n) WHERE l IN $labels))
  AND ($level IS NULL OR n.level = $level)
  AND ($kind IS NULL OR n.kind = $kind)
  AND ($powerType IS NULL OR n.powerType = $powerType)
  AND ($validAt IS NULL OR ((n.validFrom IS NULL OR n.validFrom <= $validAt)
                            AND (n.validTo IS NULL OR n.validTo > $validAt)))
// A separate statement because these walks ran from every candidate even with $under and
// $list null (a common name searched 4 to 9 times slower), and neither CASE nor a pattern
// comprehension in WHERE skips them on FalkorDB (cypher/COMPAT.md).
// ($text and searchText in one form: simplified, lower case; graph_store/search_terms.py)
// DISTINCT because a node can reach $under by more than one path. The page is a top-$limit
// over the collected matches, as in search_entities.
OPTIONAL MATCH scope = (n)-[:IN_REGION|ABOUT|PART_OF*0..6]->(:Entity {id: $under})
WITH n, scope
WHERE $under IS NULL OR scope IS NOT NULL
OPTIONAL MATCH listed = (n)-[:LISTED_IN]->(:Entity {id: $list})
WITH n, listed
WHERE $list IS NULL OR listed IS NOT NULL
WITH DISTINCT n
WITH collect(n) AS found
UNWIND CASE WHEN size(found) = 0 THEN [null] ELSE found END AS m
WITH size(found) AS total, m
ORDER BY coalesce(m.name, m.title), m.id
LIMIT $limit
RETURN total, [x IN collect(m) | {labels: labels(x), props: properties(x)}] AS page
