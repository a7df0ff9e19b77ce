"""A Redis that is away: nothing listens on port 1, so connections are refused at once."""

CLOSED = "redis://127.0.0.1:1/0"
# Fotfeste's own cache (config/cache.py) pointed at it.
CACHE_AWAY = {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": CLOSED}}
