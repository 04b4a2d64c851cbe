"""The portfolio for accreditation: `gather` reads an enrolment's record (cases via
`case_records`) into the frozen `entries`, whose digest keys the `cache` of rendered PDFs.
Imports models, progress, evidence, supervision, signoff; rendering lives in app/documents."""
