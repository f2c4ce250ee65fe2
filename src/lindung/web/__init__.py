"""The web application: server-rendered pages (Jinja2 + HTMX), the REST API and the counter."""
