"""The retry schedule of undelivered messages: growing pauses with jitter, given up after about three days."""

from datetime import timedelta

from domain.outbox_delivery import BACKOFF, GIVE_UP_AFTER, JITTER, MAX_ATTEMPTS, retry_delay

S, M, H = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)


def test_pauses_grow_from_seconds_to_hours():
    middle = lambda: 0.5  # noqa: E731  no jitter
    assert [retry_delay(attempt, chance=middle) for attempt in range(1, 10)] == [
        5 * S, 30 * S, 2 * M, 10 * M, 1 * H, 3 * H, 6 * H, 6 * H, 6 * H]


def test_jitter_stretches_or_shrinks_a_pause_by_at_most_a_fifth():
    assert retry_delay(1, chance=lambda: 0.0) == 4 * S
    assert retry_delay(1, chance=lambda: 0.999999) > 5.99 * S
    assert retry_delay(2, chance=lambda: 0.0) == 24 * S
    assert JITTER == 0.2


def test_a_message_is_given_up_after_about_three_days_of_attempts():
    pauses = sum((retry_delay(attempt, chance=lambda: 0.5) for attempt in range(1, MAX_ATTEMPTS)), timedelta())
    assert GIVE_UP_AFTER <= pauses < GIVE_UP_AFTER + BACKOFF[-1]
    assert MAX_ATTEMPTS == 19


def test_even_the_unluckiest_jitter_keeps_retrying_for_more_than_two_days():
    shortest = sum((retry_delay(attempt, chance=lambda: 0.0) for attempt in range(1, MAX_ATTEMPTS)), timedelta())
    assert shortest > timedelta(days=2)
