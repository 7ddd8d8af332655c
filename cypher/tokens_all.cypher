// Every token's record, revoked ones too, by name and then creation.
MATCH (t:ApiToken)
RETURN t {.name, .role, .hash, .created_at, .revoked_at} AS token
ORDER BY token.name, token.created_at
