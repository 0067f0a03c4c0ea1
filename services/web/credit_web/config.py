"""Web-service knobs on top of the shared settings (all from the environment)."""

from __future__ import annotations

from functools import lru_cache

from credit_core.settings import Settings


class WebSettings(Settings):
    # Timeouts of the calls to scoring and explain: connect fails fast, reads leave room for SHAP recomputes.
    backend_connect_timeout: float = 1.0
    backend_timeout: float = 10.0
    backend_max_connections: int = 50
    # Set when the dashboard is served over HTTPS (directly or behind a TLS proxy): cookies get `Secure`.
    web_tls: bool = False
    session_max_age_seconds: int = 8 * 3600  # a session ends this long after sign-in at the latest
    session_idle_seconds: int = 3600  # ... or this long after its last request
    # Sessions and the sign-in throttle live in Redis when set (redis://host:6379/0), else in PostgreSQL.
    redis_url: str = ""
    redis_prefix: str = "pad:"  # every key the web service writes in Redis starts with this
    # Development only: accept an empty SESSION_SECRET by generating a throwaway one (sessions die on restart).
    web_dev_insecure_secret: bool = False
    web_db_pool_size: int = 5
    # The address clients open their links at (https://credit.example.com), when the web is behind a proxy that
    # does not pass its own host; empty: the address the advisor's request came to.
    web_public_url: str = ""


@lru_cache
def get_web_settings() -> WebSettings:
    return WebSettings()
