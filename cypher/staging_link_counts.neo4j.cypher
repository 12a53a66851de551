// How many relationships of each type a batched import can create afresh (fresh_link_*) the
// graph already holds, from Neo4j's count store (one database hit each, no scan). Run once
// the import holds its claim, before the live graph is copied: a type the graph has none of
// cannot exist in the staged generation before the import writes it, so its rows are
// CREATEd instead of MERGEd (cypher/COMPAT.md "Batched imports on Neo4j"). It counts every
// relationship of the type, live or not: a stray one only sends the import the slower way.
// Neo4j only (the staging machinery). One row, a column per type.
RETURN COUNT { ()-[:HOLDS]->() } AS HOLDS,
       COUNT { ()-[:EXERCISES]->() } AS EXERCISES,
       COUNT { ()-[:DELEGATES]->() } AS DELEGATES,
       COUNT { ()-[:CLAIMS]->() } AS CLAIMS,
       COUNT { ()-[:CLAIMED_COUNT]->() } AS CLAIMED_COUNT
