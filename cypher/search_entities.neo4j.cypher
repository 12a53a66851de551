// Nodes whose name, title, aliases, signboards, or statistic label or metric contain $text, or whose official code starts
// with $code (regions; $code is null unless $text is digits), of any label in $labels (every
// kind search finds when null), optionally of level $level, body kind $kind, power type
// $powerType, and valid at date $validAt (ISO string); search_entities_within also filters by
// region and list.
// One row: `total` (how many match) and `page`, the first $limit of them by name as maps of
// `labels` and `props` (a page of 20 need not carry thousands of matches to count them).
// Candidates: on Neo4j, the nodes whose `searchText` contains $text, from the text index
// `entity_search_text` (trigrams: a CONTAINS seek, cheaper than asking the full-text index for
// every gram and filtering its hits: 3.0-3.5 against 3.9-4.2 ms of server CPU for 执法局 at
// Inner Mongolia 1.0); and, only when $code is given, the hits of the full-text index
// `entity_search` on `searchGrams` ($terms: the grams of $text, each required with Lucene's
// `+`; graph_store/search_terms.py) whose code starts with it. Never a scan of every Entity.
// ($text and searchText in one form: simplified, lower case; graph_store/search_terms.py)
// Never a Source: source documents carry searchGrams too (their titles). $labels is null when
// every kind is asked for (schema/query.py), and then the fixed test `NOT n:Source` keeps
// them out: cheaper than matching labels(n) against the list of every kind, and made only
// when $labels is null (a list of kinds never names Source).
// UNION yields each node once (a region found by its text and its code too), so no DISTINCT. The page is
// a top-$limit (LIMIT after ORDER BY) over the collected matches, not a sort of all of them.
// With no match, the [null] row still makes the one row, and collect() leaves the null out of
// the page.
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
WITH collect(n) AS found
UNWIND CASE WHEN size(found) = 0 THEN [null] ELSE found END AS m
WITH size(found) AS total, m
ORDER BY coalesce(m.name, m.title), m.id
LIMIT $limit
RETURN total, [x IN collect(m) | {labels: labels(x), props: properties(x)}] AS page
