"""Printed documents: HTML templates (templates/pdf/) rendered to PDF with WeasyPrint, and what
each document prints (the portfolio's sections). Used by any feature that prints; may import
models, services and i18n, never a blueprint."""
