"""Progress: what each stage has and still needs. `facts` are plain values, `snapshots` reads
them from the database, `rules` counts each requirement, `evaluate` puts stages together, and
`expected_dates` and `text` (plain words) build on it. Imports models and the ground floor only."""
