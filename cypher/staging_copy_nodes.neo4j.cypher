// Copy the live nodes $ids into the staged generation $generation: same properties, their
// labels kept in `stagedLabels` until the generation is promoted. Returns `copied`.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CREATE (s:Staged)
SET s = properties(n), s.generation = $generation, s.stagedLabels = labels(n)
RETURN count(s) AS copied
