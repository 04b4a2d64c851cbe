"""Whether the local Redis answers (tests that need it are skipped otherwise)."""

import redis


def redis_available() -> bool:
    """True when Redis on 127.0.0.1:6379 answers a ping."""
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False
