//! The checks. Each reads a [`Suite`] and returns a [`Report`]; failure messages
//! name the example or spec place, and the JSON path of the first difference.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::codecs::{OpenEnum, REGISTRY_FIX};
use crate::compare::first_difference;
use crate::contradictions;
use crate::location::{JsonPath, Location};
use crate::openapi::{self, Example, named_schemas, schema_roots};
use crate::sample::sample;
use crate::suite::{Report, Suite};

pub use crate::coverage::both_directions as properties_covered;
pub use crate::properties::{rust_values, spec_round_trip, unknown_values_round_trip};

/// The extension that marks an enum the SDK keeps open.
pub const EXTENSIBLE: &str = "x-extensible-enum";

/// Every named schema has a Rust type in the (generated) registry, and every
/// registry entry names a schema that exists.
pub fn registry_covers_every_schema(suite: &Suite) -> Report {
    let names = named_schemas(suite.spec());
    let missing = names
        .iter()
        .filter_map(|name| suite.codecs().get(name).err());
    let stale = suite
        .codecs()
        .names()
        .filter(|entry| !names.iter().any(|n| n == entry))
        .map(|entry| {
            format!(
                "registry entry `{entry}` names no schema in components.schemas: {REGISTRY_FIX}"
            )
        });
    let failures = missing.chain(stale).collect();
    Report::from_failures(names.len(), failures)
}

/// The named schemas the spec marks `x-extensible-enum: true`.
pub fn open_enum_schemas(spec: &crate::spec::Spec) -> Vec<String> {
    named_schemas(spec)
        .into_iter()
        .filter(|name| {
            let at = Location::root().join_all(["components", "schemas", name, EXTENSIBLE]);
            spec.get(&at) == Some(&Value::Bool(true))
        })
        .collect()
}

/// Every example in the spec is valid against its schema.
pub fn examples_are_valid(suite: &Suite) -> Report {
    let examples = match openapi::examples(suite.spec()) {
        Ok(examples) => examples,
        Err(err) => return Report::failed(0, err.to_string()),
    };
    let failures = examples
        .iter()
        .filter_map(|example| {
            suite
                .validator()
                .validate_at(&example.schema, &example.value)
                .err()
                .map(|why| {
                    format!(
                        "example {}: not valid against {}: {why}",
                        example.name,
                        example.schema.dotted()
                    )
                })
        })
        .collect();
    Report::from_failures(examples.len(), failures)
}

/// Every response body example, and every example of a named schema, survives
/// deserialisation into its Rust type and serialisation back.
pub fn examples_round_trip(suite: &Suite) -> Report {
    let examples = match openapi::examples(suite.spec()) {
        Ok(examples) => examples,
        Err(err) => return Report::failed(0, err.to_string()),
    };
    let mut cases = 0;
    let mut failures = Vec::new();
    for example in &examples {
        match typed_schema(suite, example) {
            Ok(None) => {}
            Ok(Some(name)) => {
                cases += 1;
                if let Err(why) = round_trip_example(suite, example, &name) {
                    failures.push(format!("example {}: {why}", example.name));
                }
            }
            Err(why) => failures.push(format!("example {}: {why}", example.name)),
        }
    }
    Report::from_failures(cases, failures)
}

/// The named schema an example is typed by: response bodies must have one; other
/// examples have one when their schema is (or refers to) a named schema.
fn typed_schema(suite: &Suite, example: &Example) -> Result<Option<String>, String> {
    let (target, _) = suite
        .spec()
        .resolve(&example.schema)
        .map_err(|err| err.to_string())?;
    match target.component_schema_name() {
        Some(name) => Ok(Some(name.to_owned())),
        None if example.response_body => Err(format!(
            "the response body schema at {} is inline: give it a name under components.schemas so it \
             maps to a Rust type",
            target.dotted()
        )),
        None => Ok(None),
    }
}

fn round_trip_example(suite: &Suite, example: &Example, schema_name: &str) -> Result<(), String> {
    let round_trip = suite.codecs().get(schema_name)?;
    let back = round_trip(&example.value)?;
    let at = Location::root().join_all(["components", "schemas", schema_name]);
    match first_difference(suite.spec(), &at, &example.value, &back) {
        None => Ok(()),
        Some(difference) => Err(format!(
            "round trip through the Rust type of {schema_name} changed it: {difference}"
        )),
    }
}

/// An enum in a named schema: where its value sits in an instance of that schema.
#[derive(Clone, Debug)]
struct EnumSite {
    /// The named schema.
    schema_name: String,
    /// The schema node with the `enum`.
    at: Location,
    /// Where the value sits in an instance of the named schema.
    path: JsonPath,
    /// The documented values.
    values: Vec<Value>,
}

impl EnumSite {
    /// Whether the spec says the enum is open (`x-extensible-enum: true` on the named
    /// schema itself): its Rust type must keep values outside the list.
    fn is_open(&self, suite: &Suite) -> bool {
        self.path.steps().is_empty()
            && suite.spec().get(&self.at.join(EXTENSIBLE)) == Some(&Value::Bool(true))
    }
}

/// Every enum of every named schema. Enums in inline schemas (parameters,
/// headers) have no Rust type of their own to check and are reported.
fn enum_sites(suite: &Suite) -> Result<Vec<EnumSite>, Vec<String>> {
    let spec = suite.spec();
    let mut sites = Vec::new();
    for name in named_schemas(spec) {
        let root = Location::root().join_all(["components", "schemas", &name]);
        push_enum_sites(suite, &name, &root, &JsonPath::root(), &mut sites);
    }
    let inline: Vec<String> = schema_roots(spec)
        .iter()
        .filter(|root| root.component_schema_name().is_none())
        .flat_map(|root| openapi::schema_nodes(spec, root))
        .filter(|node| spec.get(&node.join("enum")).is_some())
        .map(|node| {
            format!(
                "{}: an inline enum has no Rust type to check; move it into components.schemas",
                node.dotted()
            )
        })
        .collect();
    if inline.is_empty() {
        Ok(sites)
    } else {
        Err(inline)
    }
}

fn push_enum_sites(
    suite: &Suite,
    name: &str,
    at: &Location,
    path: &JsonPath,
    sites: &mut Vec<EnumSite>,
) {
    let Some(node) = suite.spec().get(at) else {
        return;
    };
    if node.get("$ref").is_some() {
        return;
    }
    if let Some(Value::Array(values)) = node.get("enum") {
        sites.push(EnumSite {
            schema_name: name.to_owned(),
            at: at.clone(),
            path: path.clone(),
            values: values.clone(),
        });
    }
    let properties: Vec<String> = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for key in properties {
        push_enum_sites(
            suite,
            name,
            &at.join_all(["properties", &key]),
            &path.key(&key),
            sites,
        );
    }
    if node.get("items").is_some() {
        push_enum_sites(suite, name, &at.join("items"), &path.index(0), sites);
    }
}

/// A sample of the site's named schema with `value` planted at the enum's place.
fn instance_with(suite: &Suite, site: &EnumSite, value: &Value) -> Result<Value, String> {
    let root = Location::root().join_all(["components", "schemas", &site.schema_name]);
    let mut instance = sample(suite.spec(), &root)?;
    let slot = instance.pointer_mut(&site.path.pointer()).ok_or_else(|| {
        format!(
            "{}: the sample has no place {}",
            site.at.dotted(),
            site.path
        )
    })?;
    *slot = value.clone();
    Ok(instance)
}

/// Every enum value in the spec, one by one, survives its Rust type unchanged.
pub fn enum_values_round_trip(suite: &Suite) -> Report {
    let sites = match enum_sites(suite) {
        Ok(sites) => sites,
        Err(failures) => return Report::from_failures(0, failures),
    };
    let mut cases = 0;
    let mut failures = Vec::new();
    for site in &sites {
        for (index, value) in site.values.iter().enumerate() {
            cases += 1;
            if let Err(why) = round_trip_enum_value(suite, site, value) {
                failures.push(format!(
                    "{}.enum[{index}] = {value}: {why}",
                    site.at.dotted()
                ));
            }
        }
    }
    Report::from_failures(cases, failures)
}

fn round_trip_enum_value(suite: &Suite, site: &EnumSite, value: &Value) -> Result<(), String> {
    let instance = instance_with(suite, site, value)?;
    let round_trip = suite.codecs().get(&site.schema_name)?;
    let back = round_trip(&instance)?;
    let root = Location::root().join_all(["components", "schemas", &site.schema_name]);
    match first_difference(suite.spec(), &root, &instance, &back) {
        None => Ok(()),
        Some(difference) => Err(format!(
            "changed by the Rust type of {}: {difference}",
            site.schema_name
        )),
    }
}

/// A value outside an enum: a closed Rust enum rejects it with an error naming the
/// value; an open one (`x-extensible-enum: true`) keeps it unchanged.
pub fn outside_values(suite: &Suite) -> Report {
    let sites = match enum_sites(suite) {
        Ok(sites) => sites,
        Err(failures) => return Report::from_failures(0, failures),
    };
    let failures = sites
        .iter()
        .filter_map(|site| {
            check_outside_value(suite, site)
                .err()
                .map(|why| format!("{}: {why}", site.at.dotted()))
        })
        .collect();
    Report::from_failures(sites.len(), failures)
}

fn check_outside_value(suite: &Suite, site: &EnumSite) -> Result<(), String> {
    let outside = outside_value(&site.values);
    let instance = instance_with(suite, site, &outside)?;
    let round_trip = suite.codecs().get(&site.schema_name)?;
    match (site.is_open(suite), round_trip(&instance)) {
        (true, Ok(back)) if back == instance => Ok(()),
        (true, Ok(back)) => Err(format!("open enum changed {outside} into {back}")),
        (true, Err(why)) => Err(format!("open enum rejected {outside}: {why}")),
        (false, Ok(_)) => Err(format!(
            "closed enum accepted {outside}, a value the spec does not list"
        )),
        (false, Err(why)) if why.contains(outside.as_str().unwrap_or_default()) => Ok(()),
        (false, Err(why)) => Err(format!(
            "rejected {outside}, but the error does not name the value: {why}"
        )),
    }
}

/// A string no enum lists.
fn outside_value(values: &[Value]) -> Value {
    let mut candidate = "undocumented_value".to_owned();
    while values.contains(&Value::from(candidate.as_str())) {
        candidate.push('_');
    }
    Value::from(candidate)
}

/// Every open enum and the spec agree: each schema marked `x-extensible-enum` has an
/// open Rust type; every spec value is a named variant (not `Unknown`) with that wire
/// form; every named variant is in the spec; and an unknown value round-trips
/// unchanged.
pub fn open_enums_match_spec(suite: &Suite) -> Report {
    let fix = "run `cargo xtask generate` and commit the generated files";
    let schemas = open_enum_schemas(suite.spec());
    let (opens, mut failures) = open_enums_of(suite);
    let mut cases = 0;
    for (schema, open) in opens {
        let at = Location::root().join_all(["components", "schemas", schema.as_str(), "enum"]);
        let spec_values: BTreeSet<&str> = match suite.spec().get(&at) {
            Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).collect(),
            _ => {
                failures.push(format!(
                    "{} is missing: the open enum has nothing to match",
                    at.dotted()
                ));
                continue;
            }
        };
        for value in &spec_values {
            cases += 1;
            let (known, written) = (open.read)(value);
            if !known || written != *value {
                failures.push(format!(
                    "spec value `{value}` is not a named {} variant (it would be Unknown): {fix}",
                    open.rust
                ));
            }
        }
        for known in (open.known)() {
            cases += 1;
            if !spec_values.contains(known) {
                failures.push(format!(
                    "{}::KNOWN has `{known}`, which the spec does not list: {fix}",
                    open.rust
                ));
            }
        }
        cases += 1;
        if let Err(why) = unknown_value_is_kept(open, "a_value_veriff_adds_later") {
            failures.push(why);
        }
    }
    for open in suite.codecs().open_enums() {
        if !schemas.iter().any(|s| s == open.schema) {
            failures.push(format!(
                "{} is an open enum, but the spec no longer marks {} {EXTENSIBLE}: {fix}",
                open.rust, open.schema
            ));
        }
    }
    Report::from_failures(cases, failures)
}

/// The open enum of every schema the spec marks `x-extensible-enum`, and a failure
/// for each that has none (the Rust types are older than the spec).
pub fn open_enums_of(suite: &Suite) -> (Vec<(String, &OpenEnum)>, Vec<String>) {
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for schema in open_enum_schemas(suite.spec()) {
        match suite.codecs().open_enum(&schema) {
            Some(open) => found.push((schema, open)),
            None => failures.push(format!(
                "{schema} is marked {EXTENSIBLE} but its Rust type is not an open enum: {REGISTRY_FIX}"
            )),
        }
    }
    (found, failures)
}

/// A value an open enum does not name is read as unknown and written back unchanged.
pub fn unknown_value_is_kept(open: &OpenEnum, text: &str) -> Result<(), String> {
    let (known, written) = (open.read)(text);
    if known || written != text {
        return Err(format!(
            "{}: undocumented value {text:?} read as known={known}, written back as {written:?}",
            open.rust
        ));
    }
    let json = Value::from(text);
    match (open.round_trip)(&json) {
        Ok(back) if back == json => Ok(()),
        Ok(back) => Err(format!("{}: {json} written back as {back}", open.rust)),
        Err(why) => Err(format!("{}: {json} rejected: {why}", open.rust)),
    }
}

/// Contradictions between the vendor page and its examples are all on the known
/// list (with how the SDK handles them), and the list has no stale entry.
pub fn contradictions_are_known(suite: &Suite) -> Report {
    match contradiction_comparison(suite) {
        Ok((scanned, comparison)) => Report::from_failures(scanned, comparison.failures()),
        Err(why) => Report::failed(0, why),
    }
}

/// The comparison of found and known contradictions; also the number of examples scanned.
pub fn contradiction_comparison(
    suite: &Suite,
) -> Result<(usize, contradictions::Comparison), String> {
    let examples = openapi::examples(suite.spec()).map_err(|err| err.to_string())?;
    let found = contradictions::find(suite.spec(), &examples);
    Ok((
        examples.len(),
        contradictions::compare(found, suite.known()),
    ))
}
