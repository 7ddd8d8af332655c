// Merge a batch of parties as (:Party:Actor) or (:Party:Body) keyed by id; count the new ones.
// @param rows [{"id": "wipo-director-general", "label": "Actor", "props": {"kind": "office", "ordinal": 0, "name_json": "{\"en\": \"Director General\"}", "name_en": "Director General", "search": "wipo-director-general"}}]
// @param fingerprint "3f1c0d5e"
UNWIND $rows AS row
OPTIONAL MATCH (old:Party {id: row.id})
WITH row, old IS NOT NULL AS existed
MERGE (p:Party {id: row.id})
SET p += row.props, p.loaded = $fingerprint
FOREACH (_ IN CASE WHEN row.label = 'Body' THEN [1] ELSE [] END | SET p:Body REMOVE p:Actor)
FOREACH (_ IN CASE WHEN row.label = 'Actor' THEN [1] ELSE [] END | SET p:Actor REMOVE p:Body)
RETURN sum(CASE WHEN existed THEN 0 ELSE 1 END) AS created, count(*) AS total
