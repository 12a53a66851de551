// The source documents whose file is in $files (what provenance names): rows of `file` and
// `props`.
// :maps
MATCH (s:Source)
WHERE s.file IN $files
RETURN s.file AS file, properties(s) AS props
