"""Conversion of ConfigService messages."""

from __future__ import annotations

from typing import Any

from dataaccess.v1 import configs_pb2
from dataaccess_server.api.convert.times import set_times
from dataaccess_server.domain.model.configs import ActivatedConfig, ConfigVersion, CreatedConfig


def config_to_proto(config: ConfigVersion) -> configs_pb2.ConfigVersion:
    """The message of one version."""
    message = configs_pb2.ConfigVersion(
        name=config.name,
        version=config.version,
        yaml=config.yaml,
        sha256=config.sha256,
        size_bytes=config.size_bytes,
        created_by=config.created_by,
        active=config.active,
    )
    set_times(message, create_time=config.created_at)
    return message


def expected_from_proto(request: Any) -> int | None:
    """``expected_active_version`` of an Activate or Rollback request: None when unset
    (no check), 0 for "nothing active"."""
    if request.HasField("expected_active_version"):
        return int(request.expected_active_version)
    return None


def created_to_proto(created: CreatedConfig) -> configs_pb2.CreateConfigVersionResponse:
    """The answer of CreateConfigVersion."""
    return configs_pb2.CreateConfigVersionResponse(
        config=config_to_proto(created.config),
        replayed=created.replayed,
        revision=created.revision,
    )


def activation_fields(activated: ActivatedConfig) -> dict[str, Any]:
    """The fields Activate and Rollback answers share (config, revision, previous)."""
    return {
        "config": config_to_proto(activated.config),
        "revision": activated.revision,
        "previous_version": activated.previous_version or 0,
    }
