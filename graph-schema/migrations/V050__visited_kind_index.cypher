// Layers place a home at its ~1 km cell when ANY source calls it one, a residence trace included.
// They look the places with a residence trace up once per answer through this index instead of
// walking every visit of every counted place (`RESIDENCE_PLACES` in server/src/repositories/layers.ts).
CREATE INDEX visited_kind IF NOT EXISTS FOR ()-[r:VISITED]-() ON (r.kind);
