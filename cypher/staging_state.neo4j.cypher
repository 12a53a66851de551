// The generation a batched import claimed on the GraphMeta node $meta (`holder`, null if
// none). One row.
OPTIONAL MATCH (m:GraphMeta {id: $meta})
RETURN m.staging AS holder
