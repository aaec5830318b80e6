"""Test harness: real services for the tests (PostgreSQL now; the gRPC server later).

Nothing here is mocked: fixtures in ``tests/conftest.py`` build on these modules.
"""
