"""The pseudo-locale (en-XA): every message accented, bracketed and a third longer, generated
from the catalogue template, so a browser walk shows text left untranslated and layouts that
break with longer words. Offered only when PSEUDO_LOCALE is on (never in production)."""
