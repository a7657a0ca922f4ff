//! Property: no input sequence breaks the machine's promises.

use proptest::prelude::*;

use super::support::*;

#[derive(Debug, Clone)]
enum Input {
    Response(u16, Option<&'static [u8]>),
    Data(Vec<u8>),
    End,
    Error,
    /// Advance the clock by this many ms, then `handle_timeout`.
    Tick(u64),
    /// Jump to the machine's deadline, then `handle_timeout`.
    Deadline,
    Close,
    /// Poll one action only (leave the rest queued).
    PollOne,
}

fn input() -> impl Strategy<Value = Input> {
    let status = prop::sample::select(vec![200u16, 200, 200, 204, 301, 404, 429, 500, 503]);
    let content_type = prop::sample::select(vec![
        Some(&b"text/event-stream"[..]),
        Some(b"text/event-stream;charset=utf-8"),
        Some(b"text/html"),
        None,
    ]);
    let chunk = prop::sample::select(vec![
        &b"data: x\n"[..],
        b"data: whole\n\n",
        b"id: 9\ndata: with id\n\n",
        b"\n",
        b"retry: 0\n",
        b"retry: 99999999\n",
        b"retry: 10\n",
        b"id: 5\n",
        b"id\n",
        b":\n",
        b"\r",
        b"event: e\n",
        b"data: a very long line indeed that breaks small limits\n",
        b"\xEF\xBB\xBF",
        b"data: \xFF\xFE\n",
    ]);
    // Mostly valid responses, so that sequences get past the first one.
    prop_oneof![
        3 => Just(Input::Response(200, Some(&b"text/event-stream"[..]))),
        1 => (status, content_type).prop_map(|(s, c)| Input::Response(s, c)),
        5 => prop::collection::vec(chunk, 0..5).prop_map(|parts| Input::Data(parts.concat())),
        2 => Just(Input::End),
        2 => Just(Input::Error),
        2 => (0u64..120_000).prop_map(Input::Tick),
        3 => Just(Input::Deadline),
        1 => Just(Input::PollOne),
        1 => prop::bool::weighted(0.2).prop_map(|close| if close { Input::Close } else { Input::End }),
    ]
}

/// A configuration, and the delay floor and ceiling it sets.
fn config() -> impl Strategy<Value = (ClientConfig, Duration, Duration)> {
    (
        0u64..5_000,
        0u64..2_000,
        0u64..100_000,
        prop::option::of(0u32..4),
        prop::option::of(1u64..30_000),
        any::<bool>(),
        prop::option::weighted(0.2, 8usize..64),
    )
        .prop_map(|(initial, min, max, retries, idle, server, line)| {
            let limits = line.map_or(Limits::default(), |l| Limits::default().max_line(l));
            let config = ClientConfig::default()
                .initial_retry(ms(initial))
                .min_delay(ms(min))
                .max_delay(ms(max))
                .max_retries(retries)
                .idle_timeout(idle.map(ms))
                .reconnect_on_server_error(server)
                .limits(limits);
            (config, ms(min), ms(max).max(ms(min)))
        })
}

/// What the adapter believes, checked against what the machine says.
struct Observer {
    min_delay: Duration,
    max_delay: Duration,
    open: bool,
    stopped: bool,
}

impl Observer {
    fn see(&mut self, machine: &ClientMachine, action: &Action) {
        assert!(!self.stopped, "an action after Stopped: {action:?}");
        match action {
            Action::Connect { last_event_id } => {
                assert!(!self.open, "Connect while open");
                assert_eq!(machine.ready_state(), ReadyState::Connecting);
                assert_ne!(last_event_id.as_ref().map(|id| id.is_empty()), Some(true));
            }
            Action::Open => self.open = true,
            Action::Event(_) => assert!(self.open, "an event outside an open stream"),
            Action::Reconnecting { delay, attempt, .. } => {
                assert!(*delay >= self.min_delay, "{delay:?} below the floor");
                assert!(*delay <= self.max_delay, "{delay:?} above the ceiling");
                assert!(*attempt >= 1);
                self.open = false;
            }
            Action::Stopped(_) => {
                self.stopped = true;
                self.open = false;
            }
            _ => {}
        }
    }

    fn drain(&mut self, machine: &mut ClientMachine) {
        while let Some(action) = machine.poll_action() {
            self.see(machine, &action);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_inputs_keep_the_promises(
        (config, min_delay, max_delay) in config(),
        seed in any::<u64>(),
        inputs in prop::collection::vec(input(), 0..60),
    ) {
        let clock = Clock::new();
        let mut now = clock.ms(0);
        let mut observer = Observer {
            min_delay,
            max_delay,
            open: false,
            stopped: false,
        };
        let mut machine = ClientMachine::new(config, now, seed);
        for input in inputs {
            match input {
                Input::Response(status, content_type) => {
                    machine.handle_response(now, status, content_type)
                }
                Input::Data(bytes) => machine.handle_data(now, &bytes),
                Input::End => machine.handle_end(now),
                Input::Error => machine.handle_error(now, refused()),
                Input::Tick(offset) => {
                    now += ms(offset);
                    machine.handle_timeout(now);
                }
                Input::Deadline => {
                    if let Some(deadline) = machine.poll_timeout() {
                        now = now.max(deadline);
                    }
                    machine.handle_timeout(now);
                }
                Input::Close => machine.close(),
                Input::PollOne => {
                    if let Some(action) = machine.poll_action() {
                        observer.see(&machine, &action);
                    }
                    continue;
                }
            }
            observer.drain(&mut machine);
        }
        observer.drain(&mut machine);
        if observer.stopped {
            prop_assert_eq!(machine.ready_state(), ReadyState::Closed);
            prop_assert_eq!(machine.poll_timeout(), None);
        }
    }
}
