"""Generated protobuf messages and gRPC stubs of dataaccess.v1 (run `make proto`)."""
