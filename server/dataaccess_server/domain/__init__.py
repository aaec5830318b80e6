"""Domain layer: the rules of each resource. Imports neither grpc nor psycopg."""
