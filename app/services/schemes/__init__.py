"""Accreditation schemes and principle frameworks as data: the YAML files' shape (`schema`), safe
reading (`files`), loading as append-only revisions (`loader`) and the catalogue pages' queries.
Imports models and the ground floor only."""
