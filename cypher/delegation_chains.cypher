// The delegation chains of each PowerItem in $items, walked in one statement: one row per
// item found, with `item` (its properties), `list` ([labels, properties] of the list it is
// LISTED_IN, or null), `townFound` (whether $town names a Region), `holdings` ([holder id,
// HOLDS properties] each) and `chains`: per chain [[labels, properties] of where it starts
// (the list, or a holder), [labels, properties] of each receiver, the DELEGATES properties
// of each hop, [labels, properties, EXERCISES properties] of each body exercising the item
// where the chain ends (that node, or a body IN_REGION it)].
// A chain follows DELEGATES carrying the item (naming it, or naming no item but its list)
// from the list or a holder, never through a node twice, as far as it goes (at most 6 hops,
// schema.limits.MAX_CHAIN_HOPS): only paths with no onward delegation, or of 6 hops, are
// chains. With $town (not null) only the chains in which the town, or a body in it,
// receives a delegation: filtered in the walk, so a town's chain does not carry the item's
// chains to every other town.
// :maps
UNWIND $items AS itemId
MATCH (item:PowerItem {id: itemId})
OPTIONAL MATCH (item)-[:LISTED_IN]->(list:PowerList)
WITH item, collect(list)[0] AS list
OPTIONAL MATCH (town:Region {id: $town})
OPTIONAL MATCH (placed:Entity)-[:IN_REGION]->(town)
WITH item, list, town IS NOT NULL AS townFound, collect(placed.id) AS inTown
OPTIONAL MATCH (holder:Entity)-[:HOLDS]->(item)
WITH item, list, townFound, inTown,
     collect(holder) + CASE WHEN list IS NULL THEN [] ELSE [list] END AS starts
UNWIND CASE WHEN size(starts) = 0 THEN [null] ELSE starts END AS start
OPTIONAL MATCH p = (start)-[:DELEGATES*1..6]->(end)
WHERE ($town IS NULL OR any(n IN tail(nodes(p)) WHERE n.id = $town OR n.id IN inTown))
  AND all(d IN relationships(p)
          WHERE d.item = item.id OR (coalesce(d.item, '') = '' AND d.list = list.id))
  AND all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
WITH item, list, townFound, start, end, nodes(p) AS ns, relationships(p) AS ds
OPTIONAL MATCH (end)-[next:DELEGATES]->(after)
WHERE (next.item = item.id OR (coalesce(next.item, '') = '' AND next.list = list.id))
  AND NOT after IN ns
WITH item, list, townFound, start, end, ns, ds,
     ns IS NOT NULL AND (size(ds) = 6 OR count(after) = 0) AS kept
OPTIONAL MATCH (body:Entity)-[:IN_REGION*0..1]->(end)
WHERE kept
OPTIONAL MATCH (body)-[ex:EXERCISES]->(item)
WITH item, list, townFound, start, ns, ds, kept,
     collect(CASE WHEN ex IS NULL THEN null
             ELSE [labels(body), properties(body), properties(ex)] END) AS exercisers
WITH item, list, townFound,
     collect(CASE WHEN kept THEN [
       [labels(start), properties(start)],
       [n IN tail(ns) | [labels(n), properties(n)]],
       [d IN ds | properties(d)],
       exercisers] END) AS chains
RETURN properties(item) AS item,
       CASE WHEN list IS NULL THEN null ELSE [labels(list), properties(list)] END AS list,
       townFound,
       [(holder:Entity)-[held:HOLDS]->(item) | [holder.id, properties(held)]] AS holdings,
       chains
