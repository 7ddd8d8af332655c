// One change set, as the JSON of everything about it (no row: there is none by that id).
// @param id "cs-0a1b2c3d4e"
MATCH (c:ChangeSet {id: $id})
RETURN c.body AS body
