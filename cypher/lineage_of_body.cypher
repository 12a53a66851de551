// The lineage of the Body $body, in one statement: one row, none when $body names no Body,
// with `body` (its properties), `predecessors` and `successors`, each a list of
// [depth, properties] of every ReformEvent at most $depth events away, `depth` being the
// fewest events on a walk from the body (1: an event the body came out of, or went into).
// Backwards, a walk goes from a body to the event that RESULTED_IN it, from an event to the
// bodies that were INPUT_OF it, and from an event to the earlier event it FOLLOWS (where the
// bodies between them are only counted); forwards, the other way round. The two directions
// follow types that point different ways, so each is one undirected variable-length match
// (at most 19 relationships: 10 events, schema.limits.MAX_LINEAGE_DEPTH, and the bodies
// between them) with each relationship's direction checked at its place in the path. A walk
// that comes back to where it has been is longer than one that did not, so cycles in the
// data change no depth.
// :maps
MATCH (body:Body {id: $body})
OPTIONAL MATCH back = (body)-[:RESULTED_IN|INPUT_OF|FOLLOWS*1..19]-(before:ReformEvent)
WHERE all(i IN range(0, length(back) - 1) WHERE
          CASE type(relationships(back)[i])
            WHEN 'FOLLOWS' THEN startNode(relationships(back)[i]) = nodes(back)[i]
            ELSE endNode(relationships(back)[i]) = nodes(back)[i] END)
WITH body, before,
     min(size([r IN relationships(back) WHERE type(r) <> 'INPUT_OF'])) AS depth
WITH body,
     collect(CASE WHEN depth <= $depth THEN [depth, properties(before)] END) AS predecessors
OPTIONAL MATCH ahead = (body)-[:RESULTED_IN|INPUT_OF|FOLLOWS*1..19]-(after:ReformEvent)
WHERE all(i IN range(0, length(ahead) - 1) WHERE
          CASE type(relationships(ahead)[i])
            WHEN 'FOLLOWS' THEN endNode(relationships(ahead)[i]) = nodes(ahead)[i]
            ELSE startNode(relationships(ahead)[i]) = nodes(ahead)[i] END)
WITH body, predecessors, after,
     min(size([r IN relationships(ahead) WHERE type(r) <> 'RESULTED_IN'])) AS depth
RETURN properties(body) AS body,
       predecessors,
       collect(CASE WHEN depth <= $depth THEN [depth, properties(after)] END) AS successors
