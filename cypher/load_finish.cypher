// Mark a load as finished: the last statement of every load.
// @param run "9b2c4e1f0a7d4c3b8e5f6a1d2c3b4a5e"
// Only this load's own marker: 0 marked means another load began meanwhile and took it.
MATCH (m:LoadMarker {run: $run})
SET m.finished = timestamp()
RETURN count(m) AS marked
