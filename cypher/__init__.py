"""Every Cypher statement the project runs, as named ``.cypher`` files.

The registry (:mod:`cypher.registry`) is the only way code gets Cypher text, so a reviewer
finds every statement here, one statement per file, the way aiosql and sqlc keep SQL.
"""
