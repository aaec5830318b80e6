"""Transport layer: servicers, conversion, status mapping. The only package importing grpc."""
