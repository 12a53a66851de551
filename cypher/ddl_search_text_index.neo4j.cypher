// Neo4j: the text index name search seeks $text in (search_entities): Entity.searchText,
// trigram-indexed (text-2.0), so `searchText CONTAINS $text` is an index seek.
CREATE TEXT INDEX entity_search_text IF NOT EXISTS FOR (n:Entity) ON (n.searchText)
