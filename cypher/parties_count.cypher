// How many parties of one kind (null: any) match $needle (null: all).
// @param kind "office"
// @param needle "security"
// @param as_of "2009-01-01"
// On the day $as_of (an ISO date; null: whatever the dates) only parties valid that day.
MATCH (n:Party)
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($needle IS NULL OR n.search CONTAINS $needle)
  AND ($as_of IS NULL OR ((n.valid_from IS NULL OR n.valid_from <= $as_of)
                          AND (n.valid_to IS NULL OR n.valid_to >= $as_of)))
RETURN count(n) AS count
