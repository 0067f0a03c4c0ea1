"""Database schema (SQLAlchemy 2). Alembic migrations in db/ create it; nothing calls create_all outside tests.

The seven raw Home Credit tables keep the exact original (upper-case) column names and are derived from
`homecredit`, the one description of the raw data. Everything the product itself writes uses typed ORM classes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from credit_core import homecredit

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


_SQL_TYPES: dict[homecredit.Kind, Any] = {
    homecredit.Kind.KEY: sa.BigInteger,
    homecredit.Kind.TARGET: sa.SmallInteger,
    homecredit.Kind.NUM: sa.Double,
    homecredit.Kind.CAT: sa.Text,
}


def _raw_table(spec: homecredit.Table) -> sa.Table:
    columns = [
        sa.Column(
            c.name, _SQL_TYPES[c.kind], primary_key=c.name in spec.primary_key, nullable=c.name not in spec.primary_key
        )
        for c in spec.columns
    ]
    indexes = [sa.Index(None, name) for name in spec.indexes]
    checks = [
        sa.CheckConstraint(f'"{c.name}" IN (0, 1)', name="target_binary")
        for c in spec.columns
        if c.kind is homecredit.Kind.TARGET
    ]
    return sa.Table(spec.name, Base.metadata, *columns, *indexes, *checks)


RAW_TABLES: dict[str, sa.Table] = {spec.name: _raw_table(spec) for spec in homecredit.TABLES}


class ClientFeature(Base):
    """Per-client model features, one row per client, for one feature-set version.

    Storage is compact for fast reads by the scoring service: `numeric` is the float64 little-endian vector
    of the catalogue's numeric features (NaN = missing) and `categorical` the catalogue's categorical
    features, both in catalogue order; `category_hashes` and `feature_hash` are derived from them when the
    row is written (see credit_core.feature_store).
    """

    __tablename__ = "client_feature"
    # Rows (~2 KB) stay uncompressed: decompressing them cost more than a third of a batch read (migration 0004).
    __table_args__ = ({"postgresql_with": {"toast_tuple_target": "8160"}},)

    sk_id_curr: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    feature_set_version: Mapped[str] = mapped_column(sa.Text)
    numeric: Mapped[bytes] = mapped_column(sa.LargeBinary)
    categorical: Mapped[list[str | None]] = mapped_column(pg.ARRAY(sa.Text))
    category_hashes: Mapped[bytes] = mapped_column(sa.LargeBinary)  # derived from categorical (migration 0005)
    feature_hash: Mapped[bytes] = mapped_column(sa.LargeBinary)  # sha256 of numeric + categorical
    target: Mapped[int | None] = mapped_column(sa.SmallInteger)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class ClientShap(Base):
    """Exact SHAP values per model version and client, precomputed in batches by the explain service.

    `shap` is the float64 little-endian vector over the bundle's feature order (log-odds contributions).
    """

    __tablename__ = "client_shap"

    model_version: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    sk_id_curr: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    base_value: Mapped[float] = mapped_column(sa.Double)
    shap: Mapped[bytes] = mapped_column(sa.LargeBinary)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class ModelVersion(Base):
    """Registry of trained model bundles; exactly one row is active (partial unique index)."""

    __tablename__ = "model_version"

    version: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    path: Mapped[str] = mapped_column(sa.Text)
    feature_set_version: Mapped[str] = mapped_column(sa.Text)
    threshold: Mapped[float] = mapped_column(sa.Double)
    metrics: Mapped[dict[str, Any]] = mapped_column(pg.JSONB)
    details: Mapped[dict[str, Any]] = mapped_column(pg.JSONB)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # The challenger scored in the shadow of the active version (`credit model shadow`); at most one.
    is_challenger: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    activated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.Index("uq_model_version_one_active", "is_active", unique=True, postgresql_where=sa.text("is_active")),
        sa.Index("uq_model_version_one_challenger", "is_challenger", unique=True,
                 postgresql_where=sa.text("is_challenger")),
    )


class Decision(Base):
    """Audit trail: every decision a service returned, written before the response leaves."""

    __tablename__ = "decision"
    __table_args__ = (
        sa.Index("ix_decision_client_id_id", "client_id", "id"),  # a client's latest decisions
        sa.CheckConstraint("purpose IN ('view', 'decision', 'letter', 'api')", name="purpose"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    client_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    application_hash: Mapped[str | None] = mapped_column(sa.Text)
    model_version: Mapped[str] = mapped_column(sa.Text)
    probability: Mapped[float] = mapped_column(sa.Double)
    threshold: Mapped[float] = mapped_column(sa.Double)
    decision: Mapped[str] = mapped_column(sa.Text)
    feature_hash: Mapped[str] = mapped_column(sa.Text)
    caller: Mapped[str] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    # Why the score was computed (credit_core.scoring.audit.PURPOSES): a dashboard view is audited, but is not a
    # decision.
    purpose: Mapped[str] = mapped_column(sa.Text, server_default="api")


class ApiKey(Base):
    """API keys of internal callers. Only a SHA-256 of the (random, high-entropy) key is stored."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(sa.Integer, sa.Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text, unique=True)
    key_hash: Mapped[str] = mapped_column(sa.Text, unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AppUser(Base):
    """Dashboard users (advisors and admins); passwords hashed with argon2."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(sa.Integer, sa.Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(sa.Text, unique=True)
    password_hash: Mapped[str] = mapped_column(sa.Text)
    role: Mapped[str] = mapped_column(sa.Text)  # "advisor" | "admin"
    display_name: Mapped[str | None] = mapped_column(sa.Text, nullable=True)  # signs letters (not the login)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class AdvisorDecision(Base):
    """The advisor's final decision on a client: follow the model, or override it with a reason."""

    __tablename__ = "advisor_decision"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id"))
    model_decision: Mapped[str] = mapped_column(sa.Text)
    final_decision: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    username: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    display_name: Mapped[str | None] = mapped_column(sa.Text)  # the advisor's name as the letter signs it


class WebSession(Base):
    """A signed-in dashboard session (server side: deleting the row ends it at once).

    The browser's cookie carries the session id; only its sha256 is stored. `stamp` fingerprints the user's
    password hash and role at sign-in: a session whose user has since changed either no longer counts.
    Used when REDIS_URL is unset (credit_web.session_store)."""

    __tablename__ = "web_session"

    id_hash: Mapped[bytes] = mapped_column(sa.LargeBinary, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    stamp: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


class LoginThrottle(Base):
    """Recent failed sign-ins per throttle key (an HMAC of the client address, or of address + username)."""

    __tablename__ = "login_throttle"

    key: Mapped[bytes] = mapped_column(sa.LargeBinary, primary_key=True)
    failures: Mapped[int] = mapped_column(sa.Integer)
    last_failure_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


class DecisionShadow(Base):
    """The challenger's score of a live decision, written in the background after the answer (migration 0010)."""

    __tablename__ = "decision_shadow"

    # decision.id, without a foreign key: its check would lock the decision row per shadow row (append-only audit)
    decision_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    model_version: Mapped[str] = mapped_column(sa.Text, index=True)
    probability: Mapped[float] = mapped_column(sa.Double)
    threshold: Mapped[float] = mapped_column(sa.Double)
    decision: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


class DecisionOutcome(Base):
    """An observed outcome (defaulted or repaid) of a client, or of one decision (`credit outcomes ingest`)."""

    __tablename__ = "decision_outcome"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    client_id: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    defaulted: Mapped[bool] = mapped_column(sa.Boolean)
    outcome_date: Mapped[date] = mapped_column(sa.Date)
    source: Mapped[str] = mapped_column(sa.Text)
    ingested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())

    __table_args__ = (
        sa.CheckConstraint("(client_id IS NULL) <> (decision_id IS NULL)", name="client_or_decision"),
    )


class DecisionEvent(Base):
    """The transactional outbox: one row per decision to announce, written in the audit row's transaction and
    marked published by the relay once the broker acknowledged it (credit_core.events)."""

    __tablename__ = "decision_event"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    decision_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    advisor_decision_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.CheckConstraint("(decision_id IS NULL) <> (advisor_decision_id IS NULL)", name="one_subject"),
        sa.Index("ix_decision_event_unpublished", "id", postgresql_where=sa.text("published_at IS NULL")),
    )


class DriftReport(Base):
    """A stored drift report: its summary, and where its full HTML report is (credit_core.monitoring)."""

    __tablename__ = "drift_report"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    model_version: Mapped[str] = mapped_column(sa.Text, index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    window_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    source: Mapped[str] = mapped_column(sa.Text)
    n_current: Mapped[int] = mapped_column(sa.Integer)
    drifted_share: Mapped[float] = mapped_column(sa.Double)
    summary: Mapped[dict[str, Any]] = mapped_column(pg.JSONB)
    html_path: Mapped[str | None] = mapped_column(sa.Text)


class ClientLink(Base):
    """A link to a client's own view (`/c/{token}`) an advisor issued (migration 0011).

    The token is signed with the web service's secret and carries the client id, its issue time and a random
    nonce; only the nonce's sha256 is stored here, so the row can be found from a token (and revoked) but a
    token cannot be rebuilt from the row. Expiry and revocation are decided here, not by the token alone."""

    __tablename__ = "client_link"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    nonce_hash: Mapped[bytes] = mapped_column(sa.LargeBinary, unique=True)
    client_id: Mapped[int] = mapped_column(sa.BigInteger, index=True)
    issued_by: Mapped[str] = mapped_column(sa.Text)  # the advisor's username
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    lang: Mapped[str] = mapped_column(sa.Text)  # the language the link was issued in
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.Text)


class ClientLinkUse(Base):
    """Each use of a client link: the page, or a download of the client's data (the audit of the link)."""

    __tablename__ = "client_link_use"
    __table_args__ = (
        sa.Index("ix_client_link_use_link_id_used_at", "link_id", "used_at"),
        sa.CheckConstraint("kind IN ('page', 'json', 'csv')", name="kind"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    link_id: Mapped[int] = mapped_column(sa.ForeignKey("client_link.id", ondelete="CASCADE"))
    used_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.Text)  # the same id as the audited score's `decision` row
