"""The portfolio service (app/services/portfolio/)."""
