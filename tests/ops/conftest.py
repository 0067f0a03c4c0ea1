"""Ops fixtures: the fault tests use the session's `stack` (tests/conftest.py: seeded database, scoring, explain
and web under uvicorn, the same one as tests/web). They stop and restart its services, and always restore them."""
