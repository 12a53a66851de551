// Nodes of the staged generation $generation that a staging upsert found with other labels
// (`stagedClash`, where the live MERGE would have failed on the unique id): the promotion is
// refused if there is any. Returns `id` and `labels`, at most 10.
MATCH (n:Staged {generation: $generation})
WHERE n.stagedClash
RETURN n.id AS id, n.stagedLabels AS labels
ORDER BY id
LIMIT 10
