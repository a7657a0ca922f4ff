//! The shared behaviour suite against every entry of the adapter list: each entry's
//! `hub` serves that adapter's own `hub_endpoint`, and the shared route every entry
//! serves for the compat matrix and the bench is checked too. A new entry is covered
//! without touching this file.

use std::panic::{AssertUnwindSafe, catch_unwind};

use sse_adapters::{ADAPTERS, Adapter, Route, Site};
use sse_testkit::suite::{CHECKS, Serve, serving};

fn endpoint(adapter: &'static Adapter) -> Serve {
    serving(adapter.hub)
}

fn route(adapter: &'static Adapter) -> Serve {
    serving(move |listener, hub| (adapter.serve)(listener, Site::new(Route::hub(hub))))
}

#[test]
fn every_adapter_passes_the_suite() {
    let mut failures = Vec::new();
    for adapter in ADAPTERS {
        for (how, serve) in [
            ("hub_endpoint", endpoint(adapter)),
            ("route", route(adapter)),
        ] {
            for (name, check) in CHECKS {
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| check(&serve))) {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    failures.push(format!("{} ({how}): {name}: {message}", adapter.name));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "failed checks:\n{}",
        failures.join("\n")
    );
}
