"""Replica lag measured against the primary's WAL history (pure, no database)."""

from __future__ import annotations

from dataaccess_server.db.wal import WalHistory
from dataaccess_server.domain.model.wal import format_lsn, parse_lsn


def test_a_replica_with_everything_the_primary_had_has_no_lag() -> None:
    history = WalHistory(horizon=60)
    history.record(100.0, 1000)
    history.record(101.0, 1000)  # primary idle: no advance, no sample
    assert history.lag(replayed=1000, now=500.0) == 0.0  # however old the last commit


def test_lag_is_the_age_of_the_oldest_primary_position_not_replayed() -> None:
    history = WalHistory(horizon=60)
    for second, lsn in [(100.0, 1000), (101.0, 2000), (102.0, 3000), (103.0, 4000)]:
        history.record(second, lsn)
    assert history.lag(replayed=2500, now=104.0) == 2.0  # lacks WAL held since 102
    assert history.lag(replayed=999, now=104.0) == 4.0
    assert history.lag(replayed=4000, now=104.0) == 0.0


def test_history_older_than_the_horizon_is_dropped_but_the_newest_kept() -> None:
    history = WalHistory(horizon=10)
    history.record(0.0, 1000)
    history.record(5.0, 2000)
    history.record(100.0, 2000)  # no advance: nothing recorded, old samples trimmed
    assert history.known
    assert history.lag(replayed=0, now=100.0) == 95.0  # bounded by what is kept
    history.record(101.0, 3000)
    assert history.lag(replayed=0, now=101.0) == 96.0


def test_lsn_text_round_trip() -> None:
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert format_lsn(parse_lsn("16/B374D848")) == "16/B374D848"
    assert format_lsn(parse_lsn("0/0")) == "0/0"
