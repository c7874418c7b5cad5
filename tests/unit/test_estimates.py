"""Duration and credit estimates a user sees before paying for a render."""

import pytest

from heygen_studio.domain import estimates


def test_counts_words_with_apostrophes_and_hyphens() -> None:
    assert estimates.count_words("It's a well-known fact, isn't it?") == 6


def test_150_words_take_a_minute_at_normal_speed() -> None:
    assert estimates.spoken_seconds("word " * 150) == pytest.approx(60.0)


def test_faster_voice_takes_less_time() -> None:
    assert estimates.spoken_seconds("word " * 150, speed=2.0) == pytest.approx(30.0)


def test_empty_script_takes_no_time_and_one_word_at_least_a_second() -> None:
    assert estimates.spoken_seconds("   ") == 0.0
    assert estimates.spoken_seconds("Hi") == 1.0


def test_credits_are_billed_in_30_second_steps() -> None:
    assert estimates.avatar_iv_credits(1.0) == 10.0
    assert estimates.avatar_iv_credits(30.0) == 10.0
    assert estimates.avatar_iv_credits(31.0) == 20.0
    assert estimates.avatar_iv_credits(0.0) == 0.0


def test_rejects_non_positive_speed() -> None:
    with pytest.raises(ValueError):
        estimates.spoken_seconds("hello", speed=0)


def test_billed_seconds_round_up_to_the_next_30_second_step() -> None:
    assert estimates.billed_seconds(0.0) == 0.0
    assert estimates.billed_seconds(1.0) == 30.0
    assert estimates.billed_seconds(30.0) == 30.0
    assert estimates.billed_seconds(30.5) == 60.0
