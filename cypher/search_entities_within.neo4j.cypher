// search_entities narrowed to the subtree of region $under and to list $list (either may be
// null): nodes whose name, title, aliases, signboards, or statistic label or metric contain $text, or whose official code
// starts with $code (regions; null when $text is not digits) (any label in $labels, or every
// kind search finds when null; never a Source, as in search_entities), optionally of level
// $level, body kind $kind, power type $powerType, valid at date $validAt (ISO string). One
// row: `total` (how many match) and `page`, the first $limit of them by name as maps of
// `labels` and `props`.
// Candidates come from the full-text index on
// `searchGrams` (index `entity_search`; $terms: the grams of $text, space-separated, each made
// required with Lucene's `+`; see graph_store/search_terms.py), never from a scan of every Entity.
// :maps
CALL db.index.fulltext.queryNodes('entity_search', reduce(q = '', t IN split($terms, ' ') | q + ' +' + t))
YIELD node
WITH node AS n
WHERE (($labels IS NULL AND NOT n:Source) OR any(l IN labels(n) WHERE l IN $labels))
  AND (n.searchText CONTAINS $text
       OR ($code IS NOT NULL AND n.code STARTS WITH $code))
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
