"""Acked work in the store, on a real SQLite file and a real PostgreSQL server: recorded once, leased to
one instance at a time, handed over on shutdown; a failing database is reported, and a refused record
costs only itself."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
import sqlalchemy as sa

from bot.store import QuestionRecord, StoreUnavailable
from bot.store.sql import SqlStore, open_store

LONG_AGO = datetime(2000, 1, 1)


def test_work_is_recorded_once_and_removed_when_finished(database_url):
    store = open_store(database_url)
    assert store.accept_work("event:Ev1", '{"event_id": "Ev1"}', "a", time.time() + 30) is True
    assert store.accept_work("event:Ev1", '{"event_id": "Ev1"}', "b", time.time() + 30) is False  # a re-delivery
    assert store.unfinished_work() == 1
    store.finish_work("event:Ev1")
    assert store.unfinished_work() == 0


def test_work_is_taken_up_only_once_its_lease_has_run_out(database_url):
    store = open_store(database_url)
    store.accept_work("event:live", "{}", "a", time.time() + 30)
    store.accept_work("event:dead", "{}", "gone", time.time() - 1)  # its instance stopped renewing
    assert store.take_work("b", time.time() + 30) == [("event:dead", "{}")]
    assert store.take_work("c", time.time() + 30) == []  # now leased to b


def test_released_work_is_taken_at_once_and_renewed_work_is_not(database_url):
    store = open_store(database_url)
    store.accept_work("event:1", "{}", "a", time.time() + 0.2)
    store.accept_work("event:2", "{}", "a", time.time() + 0.2)
    store.renew_work("a", time.time() + 30)
    store.release_work("a", ["event:2"])  # shutting down: event:1 still running, event:2 left
    assert [key for key, _ in store.take_work("b", time.time() + 30)] == ["event:2"]


def test_each_piece_of_orphaned_work_goes_to_exactly_one_instance(database_url):
    stores = [open_store(database_url) for _ in range(2)]
    for n in range(40):
        stores[0].accept_work(f"event:{n}", "{}", "gone", 0.0)
    barrier = threading.Barrier(4)

    def take(n: int) -> list[str]:
        barrier.wait()
        return [key for key, _ in stores[n % 2].take_work(f"instance-{n}", time.time() + 30, limit=40)]

    with ThreadPoolExecutor(4) as pool:
        taken = [key for keys in pool.map(take, range(4)) for key in keys]
    assert sorted(taken) == sorted(f"event:{n}" for n in range(40))  # all of them, none twice


def record(text: str | None, surface: str = "slash") -> QuestionRecord:
    return QuestionRecord(surface, "out_of_scope", "decline", None, None, 0.0, "h" * 64, text)


def test_a_nul_byte_in_one_question_costs_no_record(database_url):
    store = open_store(database_url)
    store.record_questions([record("first"), record("who patches\x00 ec2?"), record("third")])
    assert [q.text for q in store.questions(since=LONG_AGO)] == ["first", "who patches\ufffd ec2?", "third"]


def test_a_record_the_database_refuses_is_dropped_alone(database_url, caplog):
    store = open_store(database_url)
    too_long = record("second", surface="s" * 40)  # past the column's 16 characters: PostgreSQL refuses it
    store.record_questions([record("first"), too_long, record("third")])
    kept = [q.text for q in store.questions(since=LONG_AGO)]
    assert kept[0] == "first" and kept[-1] == "third"  # SQLite does not check lengths and keeps all three
    if database_url.startswith("postgresql"):
        assert kept == ["first", "third"] and "dropped one question record" in caplog.text


def test_a_hung_database_fails_within_the_timeout_then_recovers(database_url):
    store = open_store(database_url, timeout=1)
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:  # another client holding the table, as a hung database would
        if database_url.startswith("sqlite"):
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.execute(sa.text("LOCK TABLE srm_claims IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.claim("event:held")
        assert time.monotonic() - started < 5
        assert store.check() is False and not store.healthy
        connection.rollback()
    engine.dispose()
    assert store.check() is True and store.healthy
    assert store.claim("event:after") is True


def test_batched_claims_are_purged_like_single_ones(database_url):
    store = SqlStore(open_store(database_url).engine, claim_ttl=0.0)  # every claim expires at once
    store.claim_all([f"signature:v0=old{n}" for n in range(600)])
    time.sleep(0.01)  # the next batch is claimed later
    store.claim_all([f"signature:v0=new{n}" for n in range(600)])  # past PURGE_EVERY: the expired go
    assert set(store.claims_since("signature:", 0)) == {f"signature:v0=new{n}" for n in range(600)}
