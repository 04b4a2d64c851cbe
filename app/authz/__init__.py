"""Who may do what, decided in one place. `actions` names every action; `relations` says who is
whose (trainee, supervisor, assessor); `rules` holds `can`, `ensure` and who may hold which part;
`scopes` narrows list queries. These import models only; `web` (guards, `load_or_404`) is above."""
