"""Client side of the dataaccess gRPC API: generated stubs in ``dataaccess.v1``."""
