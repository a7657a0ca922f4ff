//! `cargo xtask test`: the steps CI runs, each a cargo command, timed.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// One step: a name and the cargo arguments (plus environment) that run it.
struct Step {
    name: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        name: "format",
        args: &["fmt", "--all", "--check"],
        env: &[],
    },
    Step {
        name: "clippy",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        name: "no_std build and tests of sse-core",
        args: &["test", "-p", "sse-core", "--no-default-features"],
        env: &[],
    },
    Step {
        name: "feature sets",
        args: &["run", "--quiet", "--package", "xtask", "--", "features"],
        env: &[],
    },
    Step {
        name: "tests and doc tests",
        args: &["test", "--workspace", "--all-features"],
        env: &[],
    },
    Step {
        name: "docs",
        args: &["doc", "--workspace", "--no-deps", "--all-features"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    Step {
        name: "compat",
        args: &["run", "--quiet", "--package", "xtask", "--", "compat"],
        env: &[],
    },
];

/// Runs every step; `--skip STEP` (repeatable) leaves one out, for local iteration.
pub fn test(args: &[String]) -> Result<(), String> {
    let skipped = skip_list(args)?;
    let root = workspace_root();
    let started = Instant::now();
    let mut timings = Vec::new();
    for step in STEPS {
        if skipped.iter().any(|s| s == step.name) {
            println!("xtask: skipping `{}` (--skip)", step.name);
            continue;
        }
        let step_started = Instant::now();
        println!("\nxtask: == {} == cargo {}", step.name, step.args.join(" "));
        let status = Command::new(cargo())
            .args(step.args)
            .envs(step.env.iter().copied())
            .current_dir(&root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let took = step_started.elapsed();
        timings.push((step.name, took));
        if !status.success() {
            return Err(format!("step `{}` failed ({status})", step.name));
        }
    }
    println!("\nxtask: all steps passed in {:.0?}", started.elapsed());
    for (name, took) in timings {
        println!("  {name:<28} {took:>8.1?}");
    }
    Ok(())
}

fn skip_list(args: &[String]) -> Result<Vec<String>, String> {
    let mut skipped = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--skip" => match args.next() {
                Some(name) if STEPS.iter().any(|s| s.name == name) => skipped.push(name.clone()),
                Some(name) => return Err(format!("no step named `{name}`")),
                None => return Err("--skip needs a step name".into()),
            },
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(skipped)
}

/// The cargo that runs xtask (so toolchain overrides carry through).
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The workspace root: xtask's manifest directory's parent.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
