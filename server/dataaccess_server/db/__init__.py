"""Storage layer: the database cluster, migrations and SQL. Only this package imports psycopg."""
