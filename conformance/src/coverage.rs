//! Coverage of the properties: every property the spec declares appears in the
//! values both directions draw, and every nullable one also as `null`.
//!
//! This is what makes a new property tested by the suite without anyone writing a
//! test: property b's JSON comes from the spec's schemas and property a's values
//! from the generated types, and this check fails, naming the property, if either
//! never produces it (a strategy that forgot a field, a type without the field).

use std::collections::BTreeMap;

use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;

use crate::location::Location;
use crate::openapi::{named_schemas, schema_nodes};
use crate::spec::Spec;
use crate::strategy::for_schema;
use crate::suite::{Report, Suite};

/// Values drawn per schema and direction. Optional properties appear half the
/// time, so missing one by chance has odds of 2⁻²⁰⁰; the runner is deterministic.
pub const SAMPLES: usize = 200;

/// A declared property: where it is defined, and what must be seen of it.
#[derive(Clone, Debug, Default)]
struct Site {
    required: bool,
    nullable: bool,
    /// Per direction (a, b): seen present, seen null.
    seen: [(bool, bool); 2],
}

const RUST: usize = 0;
const SPEC: usize = 1;
const DIRECTIONS: [&str; 2] = [
    "property a (values of the Rust type)",
    "property b (JSON from the schema)",
];

/// Every declared property of every named schema appears in both directions.
pub fn both_directions(suite: &Suite) -> Report {
    let spec = suite.spec();
    let mut sites = declared_sites(spec);
    let mut failures = Vec::new();
    for name in named_schemas(spec) {
        let root = Location::root().join_all(["components", "schemas", &name]);
        match for_schema(spec, &root) {
            Ok(strategy) => sample_into(spec, &root, &strategy, SPEC, &mut sites),
            Err(why) => failures.push(format!("{}: {why}", root.dotted())),
        }
        // Property a itself reports a type it cannot draw; here only the
        // properties it never produced are listed.
        if let Ok(Ok(values)) = suite.codecs().entry(&name).map(|entry| entry.rust_values) {
            sample_into(spec, &root, &(values.sample)(), RUST, &mut sites);
        }
    }
    for (at, site) in &sites {
        for (direction, name) in DIRECTIONS.iter().enumerate() {
            let (present, null) = site.seen[direction];
            if !present {
                failures.push(format!(
                    "{at}: never present in {name}, {SAMPLES} values per schema"
                ));
            }
            let null_expected = site.nullable && (direction == SPEC || site.required);
            if present && null_expected && !null {
                failures.push(format!(
                    "{at}: nullable, but never null in {name}, {SAMPLES} values per schema"
                ));
            }
        }
    }
    Report::from_failures(sites.len() * DIRECTIONS.len(), failures)
}

/// Every `properties` entry under a named schema, by its dotted location.
fn declared_sites(spec: &Spec) -> BTreeMap<String, Site> {
    let mut sites = BTreeMap::new();
    for name in named_schemas(spec) {
        let root = Location::root().join_all(["components", "schemas", &name]);
        for node in schema_nodes(spec, &root) {
            let segments = node.segments();
            let [parent @ .., properties, key] = segments else {
                continue;
            };
            if properties != "properties" {
                continue;
            }
            let parent = Location::root().join_all(parent);
            let required = spec
                .get(&parent.join("required"))
                .and_then(Value::as_array)
                .is_some_and(|names| names.iter().any(|n| n.as_str() == Some(key)));
            let nullable = spec
                .resolve(&node)
                .is_ok_and(|(_, schema)| schema.get("nullable") == Some(&Value::Bool(true)));
            sites.insert(
                node.dotted(),
                Site {
                    required,
                    nullable,
                    ..Site::default()
                },
            );
        }
    }
    sites
}

fn sample_into(
    spec: &Spec,
    root: &Location,
    strategy: &BoxedStrategy<Value>,
    direction: usize,
    sites: &mut BTreeMap<String, Site>,
) {
    let mut runner = TestRunner::deterministic();
    for _ in 0..SAMPLES {
        if let Ok(tree) = strategy.new_tree(&mut runner) {
            record(spec, root, &tree.current(), direction, sites, 0);
        }
    }
}

/// Marks the declared properties present in `value`, read through the schema at
/// `at` (following `$ref`s).
fn record(
    spec: &Spec,
    at: &Location,
    value: &Value,
    direction: usize,
    sites: &mut BTreeMap<String, Site>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let Ok((at, node)) = spec.resolve(at) else {
        return;
    };
    match value {
        Value::Object(object) => {
            let Some(Value::Object(properties)) = node.get("properties") else {
                return;
            };
            for (key, member) in object {
                if !properties.contains_key(key) {
                    continue;
                }
                let property = at.join_all(["properties", key.as_str()]);
                if let Some(site) = sites.get_mut(&property.dotted()) {
                    site.seen[direction].0 = true;
                    site.seen[direction].1 |= member.is_null();
                }
                record(spec, &property, member, direction, sites, depth + 1);
            }
        }
        Value::Array(items) if node.get("items").is_some() => {
            for item in items {
                record(spec, &at.join("items"), item, direction, sites, depth + 1);
            }
        }
        _ => {}
    }
}
