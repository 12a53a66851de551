// The disagreements about any of $about (a record's id, or a statistic's metric): rows of
// `about` and `props`, by id.
// :maps
MATCH (d:Disagreement)
WHERE d.about IN $about
WITH d
ORDER BY d.id
RETURN d.about AS about, properties(d) AS props
