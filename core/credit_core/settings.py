"""Configuration shared by the CLI and the three services, read from the environment (and `.env`).

Secrets come only from the environment. Each service adds its own knobs in a small subclass.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # postgresql+asyncpg://user:pass@host:port/db. Empty: start the embedded server in `data_dir/pg`.
    database_url: str = ""
    data_dir: Path = PROJECT_ROOT / ".data"
    models_dir: Path = PROJECT_ROOT / "models"

    # Business cost of errors: a missed default costs about ten times a wrongly refused good client.
    cost_false_negative: float = 10.0
    cost_false_positive: float = 1.0

    # How often services re-read the registry to pick up a newly activated model (seconds).
    model_poll_seconds: float = 2.0
    db_pool_size: int = 10

    scoring_url: str = "http://127.0.0.1:8001"
    explain_url: str = "http://127.0.0.1:8002"
    web_port: int = 8000
    # Key the web service uses to call scoring and explain (the run command creates one).
    service_api_key: str = Field(default="", repr=False)
    session_secret: str = Field(default="", repr=False)

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pg"

    @property
    def features_parquet(self) -> Path:
        return self.data_dir / "features" / "features.parquet"


@lru_cache
def get_settings() -> Settings:
    return Settings()
