// Mark a load as begun: the graph's one load marker names it, with finished null.
// @param dataset "wipo-a46-11"
// @param version "3f1c0d5e"
// @param run "9b2c4e1f0a7d4c3b8e5f6a1d2c3b4a5e"
// The first statement of every load. Until load_finish sets finished, the stores answer
// that the graph is partial (the load was interrupted, or is still running). Times are
// the server's clock, in milliseconds since 1970 (UTC).
MERGE (m:LoadMarker)
SET m.dataset = $dataset, m.version = $version, m.run = $run, m.started = timestamp(),
    m.finished = null
RETURN m.started AS started
