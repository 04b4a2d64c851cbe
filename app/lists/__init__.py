"""Lists as people see them: search, filters, sort, pages and the CSV download of the same rows.
Owns the list definitions of the coordinators' workspace, the shared list queries and the CSV
writer; may import models, services and i18n, never a blueprint."""
