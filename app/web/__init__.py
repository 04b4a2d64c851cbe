"""The web layer every feature shares: forms and their fields, running a service for a request
(`commit`), safe redirects, error pages, the request guard, security headers, signed-in browsers
and translated labels. Imports services and models; never a feature (blueprint)."""
