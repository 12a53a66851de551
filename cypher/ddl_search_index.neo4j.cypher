// Neo4j: the full-text index name search reads (search_entities): Entity.searchGrams, split
// on whitespace only (the terms are character grams, not words: no stop words, no stemming).
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS FOR (n:Entity) ON EACH [n.searchGrams]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}
