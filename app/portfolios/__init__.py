"""The accreditation portfolio: asked for on an enrolment, prepared in the background, sent as
a PDF."""
