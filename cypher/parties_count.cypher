// How many parties of one kind (null: any) match $needle (null: all).
// @param kind "office"
// @param needle "security"
MATCH (n:Party)
WHERE ($kind IS NULL OR n.kind = $kind)
  AND ($needle IS NULL OR n.search CONTAINS $needle)
RETURN count(n) AS count
