"""jwtaudit: a security linter and audit scanner for JWT and API-key integrations."""

__version__ = "0.1.0"
