// FalkorDB: the full-text index name search reads (search_entities): Entity.searchGrams, with
// no stop words (a single letter such as "a" is a term here) and no stemming (the terms are
// character grams, not words). Run only when `CALL db.indexes()` shows it missing.
CALL db.idx.fulltext.createNodeIndex({label: 'Entity', stopwords: []}, {field: 'searchGrams', nostem: true})
