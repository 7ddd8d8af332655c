// Revoke the active token of a name; its record as it now is (no row: it has none).
// @param name "alice"
// @param at "2026-02-01T10:00:00+00:00"
MATCH (t:ApiToken {name: $name})
WHERE t.revoked_at IS NULL
SET t.revoked_at = $at
RETURN t {.name, .role, .hash, .created_at, .revoked_at} AS token
