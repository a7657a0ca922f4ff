//! A scripted network and a fake clock for `ClientDriver` (sleeping jumps the clock to
//! the deadline): the n-th request gets the n-th script. Shared by the driver's tests
//! (`client_machine`) and its tracing test (`client_tracing`, a binary of its own).

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use sse_core::SourceEvent;
use sse_core::client::{
    ClientDriver, ClientIo, ClientRequest, Item, Progress, ResponseHead, TransportError,
};

use crate::support::*;

/// One thing the network does on a connection.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Head(u16, Option<&'static str>, Option<&'static str>),
    Data(&'static [u8]),
    End,
    Fail(&'static str),
    /// These bytes, again and again, at once.
    Forever(&'static [u8]),
    /// The request cannot be sent at all (`connect` fails); must be a script's only
    /// step.
    Unsendable(&'static str),
}

pub(crate) fn stream_head() -> Step {
    Step::Head(200, Some("text/event-stream"), None)
}

pub(crate) fn redirect(status: u16, to: &'static str) -> Step {
    Step::Head(status, None, Some(to))
}

/// The network: the n-th request gets the n-th script (nothing happens on
/// requests past the scripts). Sleeping moves the clock to the deadline.
pub(crate) struct Network {
    pub(crate) now: Instant,
    pub(crate) start: Instant,
    pub(crate) scripts: VecDeque<Vec<Step>>,
    pub(crate) current: VecDeque<Step>,
    pub(crate) sent: Vec<ClientRequest>,
    pub(crate) disconnects: usize,
    pub(crate) progress_polls: usize,
}

impl Network {
    pub(crate) fn new(clock: Clock, scripts: Vec<Vec<Step>>) -> Self {
        Network {
            now: clock.ms(0),
            start: clock.ms(0),
            scripts: scripts.into(),
            current: VecDeque::new(),
            sent: Vec::new(),
            disconnects: 0,
            progress_polls: 0,
        }
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    pub(crate) fn sent_header(&self, n: usize, name: &str) -> Option<String> {
        self.sent[n]
            .header_value(name)
            .map(|v| String::from_utf8(v.to_vec()).unwrap())
    }
}

impl ClientIo for Network {
    fn connect(&mut self, request: &ClientRequest) -> Result<(), TransportError> {
        self.sent.push(request.clone());
        self.current = self.scripts.pop_front().unwrap_or_default().into();
        if let Some(Step::Unsendable(why)) = self.current.front() {
            let error = TransportError::new(*why);
            self.current.clear();
            return Err(error);
        }
        Ok(())
    }

    fn disconnect(&mut self) {
        self.disconnects += 1;
        self.current.clear();
    }

    fn poll_progress(&mut self, _: &mut Context<'_>) -> Poll<Progress<'_>> {
        self.progress_polls += 1;
        let Some(step) = self.current.pop_front() else {
            return Poll::Pending;
        };
        Poll::Ready(match step {
            Step::Head(status, content_type, location) => Progress::Head(ResponseHead {
                status,
                content_type: content_type.map(|v| v.as_bytes().to_vec()),
                location: location.map(|v| v.as_bytes().to_vec()),
            }),
            Step::Data(bytes) => Progress::Data(bytes),
            Step::End => Progress::End,
            Step::Fail(what) | Step::Unsendable(what) => {
                Progress::Failed(TransportError::new(what))
            }
            Step::Forever(bytes) => {
                self.current.push_front(Step::Forever(bytes));
                Progress::Data(bytes)
            }
        })
    }

    fn poll_sleep(&mut self, _: &mut Context<'_>, deadline: Instant) -> Poll<()> {
        self.now = self.now.max(deadline);
        Poll::Ready(())
    }

    fn now(&self) -> Instant {
        self.now
    }
}

/// Counts wake-ups.
#[derive(Default)]
pub(crate) struct Wakes(pub(crate) AtomicUsize);

impl Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub(crate) struct Run {
    pub(crate) driver: ClientDriver,
    pub(crate) net: Network,
    pub(crate) wakes: Arc<Wakes>,
}

impl Run {
    pub(crate) fn new(
        config: ClientConfig,
        request: ClientRequest,
        scripts: Vec<Vec<Step>>,
    ) -> Run {
        let clock = Clock::new();
        let machine = ClientMachine::new(config, clock.ms(0), 7);
        Run {
            driver: ClientDriver::new(machine, request),
            net: Network::new(clock, scripts),
            wakes: Arc::default(),
        }
    }

    pub(crate) fn poll(&mut self) -> Poll<Item> {
        let waker = Waker::from(self.wakes.clone());
        let mut cx = Context::from_waker(&waker);
        self.driver.poll_next(&mut self.net, &mut cx)
    }

    pub(crate) fn next(&mut self) -> Item {
        match self.poll() {
            Poll::Ready(item) => item,
            Poll::Pending => panic!("pending after {:?}", self.net.elapsed()),
        }
    }

    pub(crate) fn message(&mut self) -> (String, String, String) {
        match self.next() {
            Some(Ok(SourceEvent::Message(event))) => describe(&event),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    pub(crate) fn reconnecting(&mut self) -> Disconnect {
        match self.next() {
            Some(Ok(SourceEvent::Reconnecting { cause, .. })) => cause,
            other => panic!("expected a reconnection, got {other:?}"),
        }
    }
}

pub(crate) fn get(url: &str) -> ClientRequest {
    ClientRequest::get(url).unwrap()
}
