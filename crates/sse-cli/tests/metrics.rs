//! `GET /metrics` of a real `sse serve` process: the OpenMetrics text parsed strictly
//! (see `exposition`), and the figures checked against what the test did.

mod harness;

use std::collections::{BTreeMap, HashSet};
use std::thread;
use std::time::{Duration, Instant};

use harness::TIMEOUT;
use harness::http::{EventStream, get, publish};
use harness::process::Server;

/// A parsed scrape: every sample by name and label text (`{a="b"}`, or empty).
#[derive(Debug)]
struct Scrape {
    types: BTreeMap<String, String>,
    samples: BTreeMap<(String, String), f64>,
}

impl Scrape {
    fn value(&self, name: &str, labels: &str) -> f64 {
        *self
            .samples
            .get(&(name.to_owned(), labels.to_owned()))
            .unwrap_or_else(|| panic!("no sample {name}{labels} in {:#?}", self.samples))
    }
}

/// A strict reader of the OpenMetrics text format, as far as this server uses it:
/// `# HELP`/`# TYPE`/`# UNIT` lines before their family's samples, each family once,
/// valid metric and label names, escaped label values, numeric values, sample names
/// that fit the family's type (`_total` for counters, `_bucket`/`_sum`/`_count` for
/// histograms), no duplicate series, histogram buckets with increasing bounds,
/// cumulative counts that never decrease and a `+Inf` bucket equal to `_count`, and
/// `# EOF` as the last line.
fn exposition(text: &str) -> Scrape {
    let body = text
        .strip_suffix("# EOF\n")
        .unwrap_or_else(|| panic!("the text must end with `# EOF`: {text:?}"));
    let mut scrape = Scrape {
        types: BTreeMap::new(),
        samples: BTreeMap::new(),
    };
    let mut family: Option<(String, String)> = None;
    let mut helped = HashSet::new();
    let mut buckets: Vec<(f64, f64)> = Vec::new();
    for line in body.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let (keyword, rest) = rest.split_once(' ').expect("keyword and name");
            let (name, value) = rest.split_once(' ').expect("name and text");
            assert!(valid_name(name), "metric name {name:?}");
            match keyword {
                "HELP" => {
                    assert!(helped.insert(name.to_owned()), "HELP twice for {name}");
                    assert!(!value.is_empty(), "empty HELP for {name}");
                }
                "TYPE" => {
                    assert!(
                        ["counter", "gauge", "histogram"].contains(&value),
                        "type {value:?}"
                    );
                    assert!(helped.contains(name), "TYPE before HELP for {name}");
                    let previous = scrape.types.insert(name.to_owned(), value.to_owned());
                    assert!(previous.is_none(), "family {name} twice");
                    check_histogram_end(&family, &mut buckets, &scrape);
                    family = Some((name.to_owned(), value.to_owned()));
                }
                "UNIT" => {
                    assert!(
                        name.ends_with(&format!("_{value}")),
                        "unit {value} of {name}"
                    );
                }
                other => panic!("unknown line kind {other:?}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample and its value");
        let (name, labels) = match series.find('{') {
            Some(at) => series.split_at(at),
            None => (series, ""),
        };
        assert!(valid_name(name), "sample name {name:?}");
        let pairs = parse_labels(labels);
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            number => number
                .parse()
                .unwrap_or_else(|_| panic!("value {number:?} of {series}")),
        };
        let (family_name, kind) = family.as_ref().expect("a sample before any TYPE");
        let suffix = name
            .strip_prefix(family_name.as_str())
            .unwrap_or_else(|| panic!("sample {name} outside its family {family_name}"));
        match kind.as_str() {
            "counter" => {
                assert_eq!(suffix, "_total", "counter sample {name}");
                assert!(value >= 0.0 && value.fract() == 0.0, "{name} = {value}");
            }
            "gauge" => assert_eq!(suffix, "", "gauge sample {name}"),
            _ => {
                assert!(
                    ["_bucket", "_sum", "_count"].contains(&suffix),
                    "histogram sample {name}"
                );
                if suffix == "_bucket" {
                    let le = pairs
                        .iter()
                        .find(|(k, _)| k == "le")
                        .map(|(_, v)| v.as_str())
                        .expect("a bucket has `le`");
                    let bound = if le == "+Inf" {
                        f64::INFINITY
                    } else {
                        le.parse().expect("numeric le")
                    };
                    buckets.push((bound, value));
                }
            }
        }
        let key = (name.to_owned(), labels.to_owned());
        assert!(
            scrape.samples.insert(key, value).is_none(),
            "series {series} twice"
        );
    }
    check_histogram_end(&family, &mut buckets, &scrape);
    scrape
}

/// At the end of a histogram family: bounds increase, counts never decrease, the last
/// bound is `+Inf` and its count is `_count`.
fn check_histogram_end(
    family: &Option<(String, String)>,
    buckets: &mut Vec<(f64, f64)>,
    scrape: &Scrape,
) {
    let Some((name, kind)) = family else { return };
    if kind != "histogram" {
        return;
    }
    assert!(
        buckets.windows(2).all(|w| w[0].0 < w[1].0),
        "{name} bounds increase"
    );
    assert!(
        buckets.windows(2).all(|w| w[0].1 <= w[1].1),
        "{name} counts are cumulative"
    );
    let last = buckets
        .last()
        .unwrap_or_else(|| panic!("{name} has no buckets"));
    assert_eq!(last.0, f64::INFINITY, "{name} ends with +Inf");
    assert_eq!(
        last.1,
        scrape.value(&format!("{name}_count"), ""),
        "{name} +Inf == count"
    );
    assert!(scrape.value(&format!("{name}_sum"), "") >= 0.0);
    buckets.clear();
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `{k="v",…}` into pairs, checking names and escapes (`\\`, `\"`, `\n` only).
fn parse_labels(text: &str) -> Vec<(String, String)> {
    if text.is_empty() {
        return Vec::new();
    }
    let inner = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or_else(|| panic!("labels {text:?}"));
    let mut pairs = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (key, after) = rest
            .split_once("=\"")
            .unwrap_or_else(|| panic!("label in {text:?}"));
        assert!(valid_name(key) && !key.contains(':'), "label name {key:?}");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => panic!("bad escape {other:?} in {text:?}"),
                },
                Some((at, '"')) => break at,
                Some((_, '\n')) => panic!("raw line feed in {text:?}"),
                Some((_, c)) => value.push(c),
                None => panic!("unterminated label value in {text:?}"),
            }
        };
        assert!(
            pairs.iter().all(|(k, _): &(String, String)| k != key),
            "label {key} twice"
        );
        pairs.push((key.to_owned(), value));
        rest = &after[end + 1..];
        rest = match rest.strip_prefix(',') {
            Some(next) => {
                assert!(!next.is_empty(), "trailing comma in {text:?}");
                next
            }
            None => {
                assert!(rest.is_empty(), "junk after a label in {text:?}");
                rest
            }
        };
    }
    pairs
}

fn scrape(server: &Server) -> Scrape {
    let response = get(server.addr, "/metrics", &[]);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    exposition(&response.text())
}

/// Scrapes until `check` accepts (deliveries are counted per batch, after the frames
/// went out), bounded by the timeout.
fn scrape_until(server: &Server, what: &str, check: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let scrape = scrape(server);
        if check(&scrape) {
            return scrape;
        }
        assert!(
            Instant::now() < deadline,
            "metrics never showed {what}: {scrape:#?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

fn open(server: &Server, target: &str) -> EventStream {
    EventStream::open(server.addr, target, &[])
        .unwrap_or_else(|r| panic!("GET {target}: {} {}", r.status, r.text()))
}

#[test]
fn metrics_count_what_the_server_did() {
    let server = Server::start(&["--max-subscribers", "3"]);
    let fresh = scrape(&server);
    assert_eq!(fresh.value("sse_events_published_total", ""), 0.0);
    assert_eq!(fresh.value("sse_subscribers", ""), 0.0);
    assert_eq!(fresh.value("sse_publish_duration_seconds_count", ""), 0.0);
    for (name, kind) in [
        ("sse_deliveries", "counter"),
        ("sse_gaps_signalled", "counter"),
        ("sse_lag_drops", "counter"),
        ("sse_connections_timed_out", "counter"),
        ("sse_topic_subscribers", "gauge"),
        ("sse_delivery_delay_seconds", "histogram"),
    ] {
        assert_eq!(
            fresh.types.get(name).map(String::as_str),
            Some(kind),
            "{name}"
        );
    }

    let mut pets = open(&server, "/subscribe/pets");
    let mut all = open(&server, "/subscribe?topics=*");
    let _resumer = open(&server, "/subscribe/news?lastEventId=not-an-id");
    let refused = EventStream::open(server.addr, "/subscribe/pets", &[])
        .err()
        .expect("a fourth subscriber is refused");
    assert_eq!(refused.status, 503);

    publish(server.addr, "pets/dogs", "woof");
    assert_eq!(pets.data(1), ["woof"]);
    assert_eq!(all.data(1), ["woof"]);
    scrape_until(&server, "2 deliveries", |s| {
        s.value("sse_deliveries_total", "") == 2.0
    });
    // Both subscribers wait now: the next publish wakes them, and they measure the
    // delay from it.
    publish(server.addr, "pets", "meow");
    publish(server.addr, "pets", "purr");
    assert_eq!(pets.data(2), ["meow", "purr"]);
    assert_eq!(all.data(2), ["meow", "purr"]);
    let s = scrape_until(&server, "6 deliveries", |s| {
        s.value("sse_deliveries_total", "") == 6.0
    });

    assert_eq!(s.value("sse_events_published_total", ""), 3.0);
    let status = get(server.addr, "/status", &[]).json();
    let bytes = status["events"]["bytes"].as_f64().unwrap();
    assert!(bytes > 0.0);
    assert_eq!(s.value("sse_encoded_bytes_total", ""), bytes);
    assert_eq!(s.value("sse_replays_total", "{outcome=\"unknown\"}"), 1.0);
    assert_eq!(s.value("sse_replays_total", "{outcome=\"resumed\"}"), 0.0);
    assert_eq!(s.value("sse_replays_total", "{outcome=\"expired\"}"), 0.0);
    assert_eq!(s.value("sse_subscribers_refused_total", ""), 1.0);
    assert_eq!(s.value("sse_lag_drops_total", ""), 0.0);
    // The unknown id was told with an `sse-gap` event.
    assert_eq!(s.value("sse_gaps_signalled_total", ""), 1.0);
    assert_eq!(s.value("sse_connections_timed_out_total", ""), 0.0);
    assert_eq!(s.value("sse_subscribers", ""), 3.0);
    assert_eq!(s.value("sse_subscribers_all_topics", ""), 1.0);
    assert_eq!(s.value("sse_topic_subscribers", "{topic=\"pets\"}"), 1.0);
    assert_eq!(s.value("sse_topic_subscribers", "{topic=\"news\"}"), 1.0);
    assert_eq!(s.value("sse_topic_subscribers_omitted", ""), 0.0);
    assert_eq!(s.value("sse_window_events", ""), 3.0);
    assert_eq!(s.value("sse_publish_duration_seconds_count", ""), 3.0);
    // Each wake-up of a waiting subscriber that brought frames is one observation:
    // at least one per subscriber after the second publish, at most one per frame.
    let delays = s.value("sse_delivery_delay_seconds_count", "");
    assert!((2.0..=6.0).contains(&delays), "{delays} delivery delays");
}

#[test]
fn metrics_need_the_subscribe_token() {
    let server = Server::start(&["--token", "sub-secret"]);
    assert_eq!(get(server.addr, "/metrics", &[]).status, 401);
    assert_eq!(get(server.addr, "/metrics?token=nope", &[]).status, 401);
    let by_header = get(
        server.addr,
        "/metrics",
        &[("X-Authorization", "sub-secret")],
    );
    assert_eq!(by_header.status, 200);
    exposition(&by_header.text());
    assert_eq!(
        get(server.addr, "/metrics?token=sub-secret", &[]).status,
        200
    );
}

#[test]
fn the_strict_reader_rejects_malformed_text() {
    let good = "# HELP a_x A.\n# TYPE a_x counter\na_x_total 1\n# EOF\n";
    exposition(good);
    for bad in [
        "# HELP a_x A.\n# TYPE a_x counter\na_x_total 1\n",
        "# HELP a_x A.\n# TYPE a_x counter\na_x 1\n# EOF\n",
        "# HELP a_x A.\n# TYPE a_x gauge\na_x{t=\"un\"closed\"} 1\n# EOF\n",
        "# HELP a_x A.\n# TYPE a_x gauge\na_x one\n# EOF\n",
        "# HELP h A.\n# TYPE h histogram\nh_sum 1\nh_count 2\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n# EOF\n",
        "# HELP h A.\n# TYPE h histogram\nh_sum 1\nh_count 2\nh_bucket{le=\"+Inf\"} 1\n# EOF\n",
    ] {
        let outcome = std::panic::catch_unwind(|| exposition(bad));
        assert!(outcome.is_err(), "accepted {bad:?}");
    }
}
