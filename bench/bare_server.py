"""The floor of bench/hot_path.py: a bare grpc.aio server with grpc.health.v1 only (no
interceptor, no options, no other service), as its own process. It prints the bound
port as ``serving gRPC on HOST:PORT`` on stdout; SIGTERM ends it."""

import asyncio

from grpc import aio
from grpc_health.v1 import health, health_pb2_grpc


async def main() -> None:
    server = aio.server()
    # The servicer answers SERVING for the server as a whole ("") from the start.
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    print(f"serving gRPC on 127.0.0.1:{port}", flush=True)
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.run(main())
