// One page of parties in id order, optionally of one kind and matching a search.
// @param after "wipo-director-general"
// @param kind "office"
// @param needle "security"
// @param limit 51
// $after is the previous page's last id (null: from the start); $needle is matched in the
// case-folded search text; $limit is the page size plus one, to tell whether more follow.
MATCH (n:Party)
WHERE ($after IS NULL OR n.id > $after)
  AND ($kind IS NULL OR n.kind = $kind)
  AND ($needle IS NULL OR n.search CONTAINS $needle)
WITH n
ORDER BY n.id
LIMIT $limit
RETURN n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .valid_from, .valid_to} AS party
