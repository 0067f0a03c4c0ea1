"""The web service's routers: shell (auth, pages) and the dashboard's panels, model page, decisions, letter."""
