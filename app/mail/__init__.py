"""E-mail Attune sends: rendering and sending through SMTP (`sending`), the account messages
(invitations, resets), notifications and the daily digest, and absolute links built from
BASE_URL. Imports services and models; never a feature (blueprint)."""
