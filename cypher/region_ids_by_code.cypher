// The regions with the given official codes ($codes, short form: 6 or 9 digits): rows of
// `code` and `id`, by code then id (a code names one region; the loader takes the first).
// Missing codes return no row. Reads the Region.code index.
// :maps
UNWIND $codes AS code
MATCH (r:Region {code: code})
RETURN code, r.id AS id
ORDER BY code, id
