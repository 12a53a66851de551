// Give up the claim of the generation $generation on the GraphMeta node, if it still holds it
// (after its promotion, or after it failed). Returns `released` (0 or 1).
MATCH (m:GraphMeta {id: $meta})
WHERE m.staging = $generation
REMOVE m.staging
RETURN count(m) AS released
