"""The domain's entities and result types, one module per resource.

Plain frozen dataclasses and enums, no I/O: the storage layer maps rows to them and the
API layer maps them to messages, so neither ever sees the other's types.
"""
