// Nodes whose name, title, aliases, signboards, or statistic label or metric contain $text, or whose official code starts
// with $code (regions; $code is null unless $text is digits), of any label in $labels (every
// kind search finds when null), optionally of level $level, body kind $kind, power type
// $powerType, and valid at date $validAt (ISO string); search_entities_within also filters by
// region and list.
// One row: `total` (how many match) and `page`, the first $limit of them by name as maps of
// `labels` and `props` (a page of 20 need not carry thousands of matches to count them).
// Candidates come from the full-text index on
// `searchGrams` ($terms: the grams of $text, space-separated, which RediSearch reads as AND;
// see graph_store/search_terms.py), never from a scan of every Entity.
// ($text and searchText in one form: simplified, lower case; graph_store/search_terms.py)
// Never a Source: source documents carry searchGrams too (their titles). $labels is null when
// every kind is asked for (schema/query.py), and then the fixed test `NOT n:Source` keeps
// them out: cheaper than matching labels(n) against the list of every kind, and made only
// when $labels is null (a list of kinds never names Source).
// The index yields each node once (one RediSearch document per node), so no DISTINCT. The
// page is a top-$limit (LIMIT after ORDER BY) over the collected matches, not a sort of all
// of them. With no match, the [null] row still makes the one row, and collect() leaves the
// null out of the page.
// :maps
CALL db.idx.fulltext.queryNodes('Entity', $terms) YIELD node
WITH node AS n
WHERE (($labels IS NULL AND NOT n:Source) OR any(l IN labels(n) WHERE l IN $labels))
  AND (n.searchText CONTAINS $text
       OR ($code IS NOT NULL AND n.code STARTS WITH $code))
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
