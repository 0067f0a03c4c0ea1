"""The session store in Redis (REDIS_URL): same contract as the PostgreSQL one (credit_web.session_store).

Keys, all under `prefix` (several deployments or test runs can share one Redis):
- `session:<sha256 hex>`: hash {user_id, stamp, created, seen}, expiring when the session does;
- `user:<id>`: set of the user's session hashes (to end them all), expiring with the longest session;
- `throttle:<key hex>`: hash {failures, last}, expiring `forget` seconds after its last failure.
Every key expires by itself: memory stays bounded with no sweeping and no wholesale reset. Throttle updates are
optimistic transactions (WATCH/MULTI), atomic across web workers.
"""

from __future__ import annotations

import redis.asyncio as redis
from redis.exceptions import WatchError

from credit_web.session_store import TOUCH_SECONDS, Lifetimes, SessionRecord, hash_id, new_session_id
from credit_web.throttle import Attempts, Policy

MAX_TRANSACTION_RETRIES = 50  # concurrent attempts on one key retry; beyond this something is wrong


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisSessionStore:
    def __init__(self, url: str, lifetimes: Lifetimes, *, prefix: str, forget: float) -> None:
        self.redis = redis.Redis.from_url(url)
        self.lifetimes, self.prefix, self.forget = lifetimes, prefix, forget

    def _session(self, key: bytes) -> str:
        return f"{self.prefix}session:{key.hex()}"

    def _user(self, user_id: int) -> str:
        return f"{self.prefix}user:{user_id}"

    def _throttle(self, key: bytes) -> str:
        return f"{self.prefix}throttle:{key.hex()}"

    async def create(self, user_id: int, stamp: str, now: float) -> str:
        session_id = new_session_id()
        key = hash_id(session_id)
        expires = self.lifetimes.expires_at(now, now)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._session(key), mapping={"user_id": user_id, "stamp": stamp, "created": repr(now),
                                                   "seen": repr(now)})
            pipe.pexpireat(self._session(key), _ms(expires))
            pipe.sadd(self._user(user_id), key.hex())
            pipe.pexpire(self._user(user_id), _ms(self.lifetimes.absolute))
            await pipe.execute()
        return session_id

    async def get(self, session_id: str, now: float) -> SessionRecord | None:
        key = self._session(hash_id(session_id))
        fields = await self.redis.hgetall(key)
        if not fields:
            return None
        created, seen = float(fields[b"created"]), float(fields[b"seen"])
        if now >= self.lifetimes.expires_at(created, seen):
            return None
        if now - seen >= TOUCH_SECONDS:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hset(key, "seen", repr(now))
                pipe.pexpireat(key, _ms(self.lifetimes.expires_at(created, now)))
                await pipe.execute()
        return SessionRecord(int(fields[b"user_id"]), _text(fields[b"stamp"]), created, seen)

    async def delete(self, session_id: str) -> None:
        key = hash_id(session_id)
        user_id = await self.redis.hget(self._session(key), "user_id")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._session(key))
            if user_id is not None:
                pipe.srem(self._user(int(user_id)), key.hex())
            await pipe.execute()

    async def delete_user(self, user_id: int) -> int:
        members = await self.redis.smembers(self._user(user_id))
        if not members:
            return 0
        keys = [f"{self.prefix}session:{_text(m)}" for m in members]
        removed = int(await self.redis.delete(*keys))
        await self.redis.delete(self._user(user_id))
        return removed

    async def delete_all(self) -> int:
        sessions = [name async for name in self.redis.scan_iter(match=f"{self.prefix}session:*", count=500)]
        users = [name async for name in self.redis.scan_iter(match=f"{self.prefix}user:*", count=500)]
        removed = 0
        for start in range(0, len(sessions), 500):
            removed += int(await self.redis.delete(*sessions[start:start + 500]))
        for start in range(0, len(users), 500):
            await self.redis.delete(*users[start:start + 500])
        return removed

    async def count_user(self, user_id: int, now: float) -> int:
        members = await self.redis.smembers(self._user(user_id))
        if not members:
            return 0
        return int(await self.redis.exists(*[f"{self.prefix}session:{_text(m)}" for m in members]))

    async def reserve(self, keys: list[tuple[bytes, Policy]], now: float) -> float:
        names = [self._throttle(key) for key, _ in keys]
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(MAX_TRANSACTION_RETRIES):
                try:
                    await pipe.watch(*names)
                    current = [await self._attempts(pipe, name) for name in names]
                    wait = max(policy.wait(attempts, now) for (_, policy), attempts in zip(keys, current, strict=True))
                    if wait > 0:
                        await pipe.unwatch()  # type: ignore[no-untyped-call]
                        return wait
                    pipe.multi()  # type: ignore[no-untyped-call]
                    for name, (_, policy), attempts in zip(names, keys, current, strict=True):
                        counted = policy.counted(attempts, now)
                        pipe.hset(name, mapping={"failures": counted.failures, "last": repr(counted.last_failure_at)})
                        pipe.pexpire(name, _ms(policy.forget))
                    await pipe.execute()
                    return 0.0
                except WatchError:
                    continue
        raise RuntimeError("login throttle: too many concurrent updates of one key")

    @staticmethod
    async def _attempts(pipe: redis.client.Pipeline, name: str) -> Attempts | None:
        failures, last = await pipe.hmget(name, ["failures", "last"])
        if failures is None or last is None or int(failures) <= 0:
            return None
        return Attempts(int(failures), float(last))

    async def forgive(self, cleared: bytes, decremented: bytes) -> None:
        name = self._throttle(decremented)
        async with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(MAX_TRANSACTION_RETRIES):
                try:
                    await pipe.watch(name)
                    failures = await pipe.hget(name, "failures")
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.delete(self._throttle(cleared))
                    if failures is not None and int(failures) > 0:
                        pipe.hset(name, "failures", int(failures) - 1)  # keeps the key's expiry
                    await pipe.execute()
                    return
                except WatchError:
                    continue

    async def purge(self, now: float) -> int:
        return 0  # every key expires by itself

    async def close(self) -> None:
        await self.redis.aclose()
