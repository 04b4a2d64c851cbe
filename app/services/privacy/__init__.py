"""Privacy: film retention (clips deleted when consent ends), subject access (everything held
about a person) and erasure (a person erased, with what the association must keep kept).
Imports models, evidence, people, portfolio and the ground floor; nothing web."""
