"""Subject access: a person's data as a ZIP, for themselves or made by a coordinator."""
