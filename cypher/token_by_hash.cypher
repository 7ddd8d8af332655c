// The record of the token with this hash (no row: no such token).
// @param hash "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
MATCH (t:ApiToken {hash: $hash})
RETURN t {.name, .role, .hash, .created_at, .revoked_at} AS token
