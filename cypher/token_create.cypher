// Keep a new token's record (its hash, never the token), unless its name has an active one.
// @param hash "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
// @param name "alice"
// @param role "approver"
// @param created_at "2026-01-31T09:30:00+00:00"
// A name holds one active token at a time: created is false when it holds one already.
OPTIONAL MATCH (active:ApiToken {name: $name})
WHERE active.revoked_at IS NULL
WITH count(active) = 0 AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END |
  CREATE (:ApiToken {hash: $hash, name: $name, role: $role, created_at: $created_at}))
RETURN free AS created
