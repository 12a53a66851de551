// Remove the structural relationships that the records $ids declare about themselves
// (parent, region, superior, list, event outputs, statistic scope) before they are written
// again, so a corrected file moves a record instead of adding a second link. Returns `removed`.
UNWIND $ids AS id
MATCH (n:Entity {id: id})-[r]->()
WHERE type(r) IN ['PART_OF', 'IN_REGION', 'SUBORDINATE_TO', 'LISTED_IN', 'RESULTED_IN', 'FOLLOWS',
                  'ABOUT']
DELETE r
RETURN count(r) AS removed
