// Remove the edges, duties and parties an earlier load held and this one did not.
// @param fingerprint "3f1c0d5e"
// Everything a load writes carries its stamp $fingerprint; what carries another is stale.
OPTIONAL MATCH (:Party)-[r]->(:Party)
WHERE r.loaded <> $fingerprint
WITH collect(r) AS stale_edges
FOREACH (r IN stale_edges | DELETE r)
WITH size(stale_edges) AS edges
OPTIONAL MATCH (d:Responsibility)
WHERE d.loaded <> $fingerprint
WITH edges, collect(d) AS stale_duties
FOREACH (d IN stale_duties | DETACH DELETE d)
WITH edges, size(stale_duties) AS responsibilities
OPTIONAL MATCH (p:Party)
WHERE p.loaded <> $fingerprint
WITH edges, responsibilities, collect(p) AS stale_parties
FOREACH (p IN stale_parties | DETACH DELETE p)
RETURN size(stale_parties) AS parties, edges, responsibilities
