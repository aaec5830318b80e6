"""Conversion of OperationsService messages."""

from __future__ import annotations

from google.protobuf import duration_pb2

from dataaccess.v1 import operations_pb2 as ops_pb2
from dataaccess_server.api.convert.times import timestamp
from dataaccess_server.domain.model.operations import DatabaseStatus, NodeStatus, Role
from dataaccess_server.domain.model.wal import format_lsn

_ROLES = {Role.PRIMARY: ops_pb2.NODE_ROLE_PRIMARY, Role.REPLICA: ops_pb2.NODE_ROLE_REPLICA}


def database_status_to_proto(status: DatabaseStatus) -> ops_pb2.GetDatabaseStatusResponse:
    """GetDatabaseStatusResponse for a domain snapshot."""
    response = ops_pb2.GetDatabaseStatusResponse(
        nodes=[node_to_proto(node) for node in status.nodes],
        schema=ops_pb2.SchemaStatus(latest_version=status.latest_version),
    )
    schema = status.schema
    if schema is not None:
        response.schema.known = True
        response.schema.current_version = schema.current_version
        response.schema.pending_migrations.extend(
            ops_pb2.Migration(version=item.version, name=item.name) for item in schema.pending
        )
        response.schema.drifted_migrations.extend(
            ops_pb2.Migration(version=item.version, name=item.name) for item in schema.drifted
        )
    return response


def node_to_proto(node: NodeStatus) -> ops_pb2.DatabaseNode:
    """DatabaseNode for one node's snapshot."""
    message = ops_pb2.DatabaseNode(
        name=node.name,
        dsn=node.dsn,
        configured_role=_ROLES[node.configured_role],
        observed_role=(
            _ROLES[node.observed_role]
            if node.observed_role is not None
            else ops_pb2.NODE_ROLE_UNSPECIFIED
        ),
        reachable=node.reachable,
        last_error=node.last_error,
        server_version=node.server_version,
        pool=ops_pb2.PoolStats(**node.pool_stats),
        in_rotation=node.in_rotation,
        rotation_reason=node.rotation_reason,
        wal_lsn=format_lsn(node.wal_lsn) if node.wal_lsn is not None else "",
    )
    if node.last_check_time is not None:
        message.last_check_time.CopyFrom(timestamp(node.last_check_time.timestamp()))
    if node.replay_lag_seconds is not None:
        lag = duration_pb2.Duration()
        lag.FromNanoseconds(int(node.replay_lag_seconds * 1e9))
        message.replay_lag.CopyFrom(lag)
    if node.replay_lag_bytes is not None:
        message.replay_lag_bytes = node.replay_lag_bytes
    return message
