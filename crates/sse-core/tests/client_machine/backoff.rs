//! Exponential backoff, its reset, `max_retries` and seeded jitter.

use super::support::*;

#[test]
fn failures_back_off_exponentially_up_to_the_cap_and_reset_on_open() {
    let clock = Clock::new();
    let config = ClientConfig::default()
        .initial_retry(ms(1000))
        .max_delay(ms(10_000));
    let mut machine = connecting(config, clock);
    let mut now = clock.ms(0);
    let caps = [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000];
    for (attempt, cap) in (1..).zip(caps) {
        machine.handle_error(now, refused());
        let (delay, reported, cause) = reconnecting(&mut machine);
        assert_eq!(reported, attempt);
        assert_eq!(cause, Disconnect::Transport(refused()));
        assert!(
            ms(cap / 2) <= delay && delay <= ms(cap),
            "attempt {attempt}: {delay:?} outside [{}, {cap}] ms",
            cap / 2
        );
        let (connect, at) = wait_for_connect(&mut machine, delay, now);
        assert_eq!(connect, connect_with(None));
        now = at;
    }

    // Reaching Open resets the count: the next failure is attempt 1 again.
    machine.handle_response(now, 200, SSE);
    assert_eq!(drain(&mut machine), [Action::Open]);
    machine.handle_error(now, refused());
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!(attempt, 1);
    assert!(ms(500) <= delay && delay <= ms(1000), "{delay:?}");
}

#[test]
fn a_failure_after_end_of_stream_is_the_second_attempt() {
    let clock = Clock::new();
    let config = ClientConfig::default().initial_retry(ms(1000));
    let mut machine = open(config, clock);
    machine.handle_end(clock.ms(0));
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!(attempt, 1);
    let (_, now) = wait_for_connect(&mut machine, delay, clock.ms(0));
    machine.handle_error(now, refused());
    let (delay, attempt, _) = reconnecting(&mut machine);
    assert_eq!(attempt, 2);
    assert!(ms(1000) <= delay && delay <= ms(2000), "{delay:?}");
}

#[test]
fn retries_are_exhausted_after_max_retries_consecutive_failures() {
    let clock = Clock::new();
    let config = ClientConfig::default().max_retries(Some(2));
    let mut machine = connecting(config, clock);
    let mut now = clock.ms(0);
    for attempt in 1..=2 {
        machine.handle_error(now, refused());
        let (delay, reported, _) = reconnecting(&mut machine);
        assert_eq!(reported, attempt);
        now = wait_for_connect(&mut machine, delay, now).1;
    }
    machine.handle_error(now, refused());
    let reason = stopped(&mut machine);
    assert_eq!(
        reason,
        StopReason::RetriesExhausted {
            attempts: 2,
            last: Disconnect::Transport(refused())
        }
    );
    assert_eq!(
        reason.to_string(),
        "gave up after 2 reconnection attempts; last failure: transport error: connection refused"
    );
    assert!(std::error::Error::source(&reason).is_some());
}

#[test]
fn zero_max_retries_never_reconnects() {
    let clock = Clock::new();
    let config = ClientConfig::default().max_retries(Some(0));
    let mut machine = open(config, clock);
    machine.handle_end(clock.ms(1));
    assert_eq!(
        stopped(&mut machine),
        StopReason::RetriesExhausted {
            attempts: 0,
            last: Disconnect::EndOfStream
        }
    );
}

#[test]
fn max_retries_counts_only_consecutive_failures() {
    let clock = Clock::new();
    let config = ClientConfig::default().max_retries(Some(1));
    let mut machine = connecting(config, clock);
    let mut now = clock.ms(0);
    // Each failure is followed by a successful open: never two in a row.
    for _ in 0..5 {
        machine.handle_error(now, refused());
        let (delay, attempt, _) = reconnecting(&mut machine);
        assert_eq!(attempt, 1);
        now = wait_for_connect(&mut machine, delay, now).1;
        machine.handle_response(now, 200, SSE);
        assert_eq!(drain(&mut machine), [Action::Open]);
    }
    // Two in a row exhaust a budget of one retry.
    machine.handle_error(now, refused());
    let (delay, _, _) = reconnecting(&mut machine);
    now = wait_for_connect(&mut machine, delay, now).1;
    machine.handle_error(now, refused());
    assert!(matches!(
        stopped(&mut machine),
        StopReason::RetriesExhausted { attempts: 1, .. }
    ));
}

#[test]
fn same_seed_gives_same_delays_and_seeds_differ() {
    fn delays(seed: u64) -> Vec<Duration> {
        let clock = Clock::new();
        let mut machine = ClientMachine::new(ClientConfig::default(), clock.ms(0), seed);
        let mut now = clock.ms(0);
        let mut delays = Vec::new();
        for _ in 0..6 {
            assert!(matches!(
                machine.poll_action(),
                Some(Action::Connect { .. })
            ));
            machine.handle_error(now, refused());
            let (delay, _, _) = reconnecting(&mut machine);
            delays.push(delay);
            now += delay;
            machine.handle_timeout(now);
        }
        delays
    }
    assert_eq!(delays(42), delays(42));
    assert_ne!(delays(42), delays(43));
}
