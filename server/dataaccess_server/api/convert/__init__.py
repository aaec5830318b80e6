"""Conversion between protobuf messages and domain objects: one module per service,
and the field types they share (``times``). Conversion never sees a storage row."""
