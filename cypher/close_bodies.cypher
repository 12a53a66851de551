// Mark the bodies $ids as ended on $date (validTo), after they went into a merger.
// Returns `closed`.
UNWIND $ids AS id
MATCH (b:Body {id: id})
SET b.validTo = $date
RETURN count(b) AS closed
