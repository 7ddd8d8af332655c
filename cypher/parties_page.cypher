// One page of parties in id order, optionally of one kind and matching a search.
// @param after "wipo-director-general"
// @param kind "office"
// @param needle "security"
// @param limit 51
// @param as_of "2009-01-01"
// $after is the previous page's last id (null: from the start); $needle is matched in the
// case-folded search text; $limit is the page size plus one, to tell whether more follow.
// On the day $as_of (an ISO date; null: whatever the dates) only parties valid that day.
// The ordinal (the dataset's order) is for snapshots, which page through every party.
MATCH (n:Party)
WHERE ($after IS NULL OR n.id > $after)
  AND ($kind IS NULL OR n.kind = $kind)
  AND ($needle IS NULL OR n.search CONTAINS $needle)
  AND ($as_of IS NULL OR ((n.valid_from IS NULL OR n.valid_from <= $as_of)
                          AND (n.valid_to IS NULL OR n.valid_to >= $as_of)))
WITH n
ORDER BY n.id
LIMIT $limit
RETURN n {.id, .kind, .name_json, .aliases_json, .description_json, .facts_json, .apex,
          .apex_reason_json, .name_in_source, .name_note_json, .valid_from, .valid_to, .ordinal} AS party
