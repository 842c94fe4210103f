"""One projection follower per store: the lock that elects it among the workers."""

from __future__ import annotations

from ledger.store.follower_lock import follower_lock
from tests.llr import Llr
from tests.stores import settings_of


def test_only_one_holder_of_the_follower_lock_at_a_time_and_the_next_takes_over(
    ready: Llr, database_url: str
) -> None:
    env = settings_of(database_url).store_env(create_tables=False)
    with follower_lock(env) as first, follower_lock(env) as second:
        assert (first, second) == (True, False)
    with follower_lock(env) as after:
        assert after


def test_a_store_in_memory_has_one_process_and_so_always_its_follower() -> None:
    with follower_lock(settings_of("memory").store_env()) as held:
        assert held
