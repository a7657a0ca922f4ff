//! `cargo xtask features`: every published crate builds with the feature sets users
//! pick: no default features, its defaults, and each feature alone.
//!
//! The published crates and their features come from `cargo metadata`, so a new crate
//! or feature is checked without editing this file. Each set is one `cargo check -p
//! CRATE` (library and binaries, no tests) in the usual target dir; sets that name the
//! same features are checked once.
//!
//! `cargo xtask features [--package NAME]...`

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::steps::{cargo, workspace_root};

/// One crate's features as `cargo metadata` lists them.
struct Package {
    name: String,
    /// What `default` turns on (empty when the crate has no `default`).
    defaults: BTreeSet<String>,
    /// Every feature except `default`.
    features: Vec<String>,
}

/// One `cargo check` to run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Check {
    package: String,
    /// The features turned on, `default` features off.
    features: BTreeSet<String>,
}

impl Check {
    fn args(&self) -> Vec<String> {
        let mut args = vec![
            "check".to_owned(),
            "--quiet".to_owned(),
            "--package".to_owned(),
            self.package.clone(),
            "--no-default-features".to_owned(),
        ];
        if !self.features.is_empty() {
            args.push("--features".to_owned());
            args.push(self.features.iter().cloned().collect::<Vec<_>>().join(","));
        }
        args
    }

    fn describe(&self) -> String {
        if self.features.is_empty() {
            format!("{} (no features)", self.package)
        } else {
            let list: Vec<&str> = self.features.iter().map(String::as_str).collect();
            format!("{} ({})", self.package, list.join(", "))
        }
    }
}

/// Runs every check; `Err` names the feature sets that did not build.
pub fn run(args: &[String]) -> Result<(), String> {
    let only = parse(args)?;
    let started = Instant::now();
    let packages = published_packages()?;
    let known: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
    if let Some(unknown) = only.iter().find(|name| !known.contains(&name.as_str())) {
        return Err(format!("no published crate named `{unknown}`"));
    }
    let checks: BTreeSet<Check> = packages
        .iter()
        .filter(|p| only.is_empty() || only.contains(&p.name))
        .flat_map(checks_of)
        .collect();
    let mut failed = Vec::new();
    for check in &checks {
        let check_started = Instant::now();
        let status = Command::new(cargo())
            .args(check.args())
            .current_dir(workspace_root())
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        let verdict = if status.success() { "ok" } else { "FAILED" };
        println!(
            "xtask features: {:<48} {verdict:<6} {:>6.1?}",
            check.describe(),
            check_started.elapsed()
        );
        if !status.success() {
            failed.push(check.describe());
        }
    }
    println!(
        "xtask features: {} feature sets of {} crates in {:.1?}",
        checks.len(),
        packages.len(),
        started.elapsed()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "these feature sets do not build: {}",
            failed.join("; ")
        ))
    }
}

fn parse(args: &[String]) -> Result<Vec<String>, String> {
    let mut only = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--package" | "-p" => match args.next() {
                Some(name) => only.push(name.clone()),
                None => return Err("--package needs a crate name".into()),
            },
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(only)
}

/// No default features, the defaults, and each feature alone (duplicates removed by
/// the caller's set).
fn checks_of(package: &Package) -> Vec<Check> {
    let check = |features: BTreeSet<String>| Check {
        package: package.name.clone(),
        features,
    };
    let mut checks = vec![check(BTreeSet::new()), check(package.defaults.clone())];
    checks.extend(
        package
            .features
            .iter()
            .map(|feature| check(BTreeSet::from([feature.clone()]))),
    );
    checks
}

/// The workspace members that are published (no `publish = false`), with features.
fn published_packages() -> Result<Vec<Package>, String> {
    let output = Command::new(cargo())
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let packages = metadata
        .get("packages")
        .and_then(Value::as_array)
        .ok_or("cargo metadata lists no packages")?;
    Ok(packages.iter().filter_map(published).collect())
}

/// `Some` for a published package: `publish` is `null` (anywhere) or a registry list
/// that is not empty (`publish = false` is `[]`).
fn published(package: &Value) -> Option<Package> {
    let publishable = match package.get("publish") {
        None | Some(Value::Null) => true,
        Some(Value::Array(registries)) => !registries.is_empty(),
        Some(_) => false,
    };
    if !publishable {
        return None;
    }
    let name = package.get("name")?.as_str()?.to_owned();
    let table = package.get("features")?.as_object()?;
    let names = |value: &Value| -> BTreeSet<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let defaults = table.get("default").map(names).unwrap_or_default();
    let features = table
        .keys()
        .filter(|name| name.as_str() != "default")
        .cloned()
        .collect();
    Some(Package {
        name,
        defaults,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_none_defaults_and_each_alone() {
        let package = Package {
            name: "p".into(),
            defaults: BTreeSet::from(["a".to_owned()]),
            features: vec!["a".into(), "b".into()],
        };
        let checks: BTreeSet<Check> = checks_of(&package).into_iter().collect();
        let sets: Vec<Vec<&str>> = checks
            .iter()
            .map(|c| c.features.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            sets,
            [vec![], vec!["a"], vec!["b"]],
            "defaults == {{a}} once"
        );
        let b = checks.iter().last().unwrap();
        assert_eq!(
            b.args(),
            [
                "check",
                "--quiet",
                "--package",
                "p",
                "--no-default-features",
                "--features",
                "b"
            ]
        );
    }

    #[test]
    fn publish_false_is_left_out() {
        let mut package = serde_json::json!({"name": "x", "features": {}, "publish": []});
        assert!(published(&package).is_none());
        package["publish"] = Value::Null;
        assert!(published(&package).is_some());
    }
}
