// The generations whose batched import is still running (`alive`): a process that stages a
// generation keeps a transaction open for as long as it stages, whose metadata names the
// generation (`reformgraph_staging`); a process that died has no such transaction any more,
// so its generation is not listed. One row. Neo4j only (SHOW TRANSACTIONS).
SHOW TRANSACTIONS YIELD metaData
WHERE metaData.reformgraph_staging IS NOT NULL
RETURN collect(metaData.reformgraph_staging) AS alive
