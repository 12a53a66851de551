// Wait (up to 300 s) until the staging index of ddl_staging_index is online, so a batched
// import's first statements already use it. Fixed text, no values.
CALL db.awaitIndex('staged_generation_id', 300)
