//! The evolution test: Veriff changes its docs, the maintainer changes the spec (and
//! the saved page) and nothing else, and everything still builds and passes.
//!
//! For each change a maintainer meets (a new optional property, a new required
//! property with the examples carrying it, a new value of the attempt status enum,
//! a new named example, a new error status using the error schema), it makes the
//! change in a scratch copy of the workspace, in the spec and (where the page shows
//! it) in the saved vendor page, as the maintainer's path goes, then runs there: `cargo xtask
//! generate`, `generate --check`, the build of everything the conformance job links,
//! the conformance crate's tests and `cargo xtask conformance`, and checks from the
//! job's JUnit report that the new element is covered (more cases, new rows). Then
//! all changes at once with the whole `cargo test --workspace`; then Veriff's
//! compatible changes against cargo-semver-checks (minor, not major); and first of
//! all, that the generator repairs a deleted or conflicted generated file.
//!
//! It takes minutes (it builds a second workspace), so it is `#[ignore]`d:
//! `cargo test -p xtask --test evolution -- --ignored --nocapture` (CI runs it).
//! The scratch copy and its target directory live under `target/tmp/evolution`
//! and are reused between runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SPEC: &str = "openapi/veriff-attempts.yaml";
const PAGE: &str = "openapi/vendor-page.txt";
const GENERATED: &str = "sdk/src/generated.rs";

/// The scratch area: a pristine copy, the working copy, and their target dir.
struct Scratch {
    pristine: PathBuf,
    ws: PathBuf,
    /// Where the copy's binaries and reports go.
    target: PathBuf,
    /// Where the copy's intermediate artifacts go: a build directory of its own.
    /// Sharing this workspace's would save compiling the dependencies again, but
    /// cargo hashes workspace members by their path relative to the workspace root,
    /// so the copy's `sdk`, `conformance`, ... would land on the same artifacts and
    /// fingerprints as this workspace's, and this workspace's later builds would
    /// find them fresh and link the copy's code (seen: the main job reading the
    /// copy's spec after the evolution test).
    build_dir: PathBuf,
}

fn scratch() -> Scratch {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let base = tmp.join("evolution");
    Scratch {
        pristine: base.join("pristine"),
        ws: base.join("workspace"),
        target: base.join("target"),
        build_dir: base.join("build"),
    }
}

fn fail(what: &str) -> ! {
    panic!("{what}")
}

/// The files of the workspace: tracked, plus new ones not ignored.
fn workspace_files(root: &Path) -> Vec<PathBuf> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .unwrap_or_else(|err| fail(&format!("git ls-files: {err}")));
    String::from_utf8_lossy(&output.stdout)
        .split('\0')
        .filter(|name| !name.is_empty())
        .map(PathBuf::from)
        .filter(|name| root.join(name).is_file())
        .collect()
}

fn copy_tree(from: &Path, to: &Path, files: &[PathBuf]) {
    for name in files {
        let target = to.join(name);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|err| fail(&format!("{err}")));
        }
        std::fs::copy(from.join(name), &target)
            .unwrap_or_else(|err| fail(&format!("copy {}: {err}", name.display())));
    }
}

impl Scratch {
    /// A fresh pristine copy of this workspace, and the working copy made equal to
    /// it (files it differs in are rewritten, so cargo rebuilds only those).
    fn prepare(&self) -> Vec<PathBuf> {
        let root = codegen::workspace_root();
        let files = workspace_files(&root);
        if self.pristine.exists() {
            std::fs::remove_dir_all(&self.pristine).unwrap_or_else(|err| fail(&format!("{err}")));
        }
        copy_tree(&root, &self.pristine, &files);
        self.reset(&files);
        self.commit("the workspace as it is");
        files
    }

    /// The working copy is a git repository of its own, its HEAD the pristine copy,
    /// as a maintainer's clone is before an edit (`spec-diff` compares with HEAD;
    /// `semver` finds its baseline in the history).
    fn commit(&self, message: &str) {
        let git = |args: &[&str]| {
            let status = Command::new("git")
                .arg("-C")
                .arg(&self.ws)
                .args([
                    "-c",
                    "user.name=evolution",
                    "-c",
                    "user.email=evolution@localhost",
                ])
                .args(args)
                .output()
                .unwrap_or_else(|err| fail(&format!("git {}: {err}", args.join(" "))));
            if !status.status.success() {
                fail(&format!(
                    "git {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&status.stderr)
                ));
            }
        };
        if !self.ws.join(".git").exists() {
            git(&["init", "-q"]);
            git(&["add", "-A"]);
            // The release commit of the crate's version, and a commit after it.
            git(&["commit", "-q", "--allow-empty", "-m", "a release"]);
        }
        git(&["add", "-A"]);
        git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// Makes the working copy equal to the pristine one again.
    fn reset(&self, files: &[PathBuf]) {
        for name in files {
            let want = std::fs::read(self.pristine.join(name)).unwrap_or_default();
            let have = std::fs::read(self.ws.join(name)).ok();
            if have.as_deref() != Some(want.as_slice()) {
                let target = self.ws.join(name);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).unwrap_or_else(|err| fail(&format!("{err}")));
                }
                std::fs::write(&target, want).unwrap_or_else(|err| fail(&format!("{err}")));
            }
        }
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.ws.join(name))
            .unwrap_or_else(|err| fail(&format!("{name}: {err}")))
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.ws.join(name), text)
            .unwrap_or_else(|err| fail(&format!("{name}: {err}")));
    }

    /// Runs a cargo command in the working copy; returns (success, stdout, stderr).
    fn cargo(&self, args: &[&str], envs: &[(&str, &str)]) -> (bool, String, String) {
        let started = Instant::now();
        let output = Command::new(env!("CARGO"))
            .current_dir(&self.ws)
            .args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_BUILD_BUILD_DIR", &self.build_dir)
            .envs(envs.iter().copied())
            .output()
            .unwrap_or_else(|err| fail(&format!("cargo {}: {err}", args.join(" "))));
        let (out, err) = (
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        );
        println!(
            "    cargo {} ({:.1} s): {}",
            args.join(" "),
            started.elapsed().as_secs_f64(),
            if output.status.success() {
                "ok"
            } else {
                "FAILED"
            }
        );
        (output.status.success(), out, err)
    }

    /// Like [`cargo`](Self::cargo), failing the test with the output's tail.
    fn cargo_ok(&self, args: &[&str], envs: &[(&str, &str)]) -> String {
        let (ok, out, err) = self.cargo(args, envs);
        if !ok {
            fail(&format!(
                "`cargo {}` failed in the scratch copy {}:\n{}\n{}",
                args.join(" "),
                self.ws.display(),
                tail(&out, 80),
                tail(&err, 60)
            ));
        }
        out
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Replaces `anchor` (which must occur exactly once) in a file of the copy.
fn edit(scratch: &Scratch, file: &str, anchor: &str, replacement: &str) {
    let text = scratch.read(file);
    let count = text.matches(anchor).count();
    assert_eq!(
        count, 1,
        "{file}: the anchor must occur once, found {count} times: {anchor:?} (the test's edit no longer fits the spec)"
    );
    scratch.write(file, &text.replacen(anchor, replacement, 1));
}

/// One change a maintainer makes, in the spec and, where the page shows it, in the
/// saved page.
struct Change {
    name: &'static str,
    apply: fn(&Scratch),
    /// Checks on the job's report (row name → cases) against the unchanged one.
    covered: fn(&Report, &Report),
    /// What spec-diff must say about it.
    spec_diff: &'static [&'static str],
}

/// The `cargo xtask conformance` report: row name → cases, from its JUnit XML.
#[derive(Clone, Debug, Default)]
struct Report(BTreeMap<String, u64>);

impl Report {
    fn parse(xml: &str) -> Self {
        let mut rows = BTreeMap::new();
        for case in xml.split("<testcase ").skip(1) {
            // ` name="…"`, not the `name="…"` inside `classname="…"`.
            let case = format!(" {case}");
            let name = case
                .split(" name=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .replace("&gt;", ">")
                .replace("&lt;", "<")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            let cases = case
                .split("cases: ")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            rows.insert(name, cases);
        }
        Self(rows)
    }

    /// The cases of the row whose name starts with `prefix`.
    fn cases(&self, prefix: &str) -> u64 {
        self.0
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .map(|(_, cases)| *cases)
            .unwrap_or_else(|| {
                fail(&format!(
                    "no report row starts with {prefix:?}: {:#?}",
                    self.0.keys()
                ))
            })
    }

    fn has_row(&self, fragment: &str) -> bool {
        self.0.keys().any(|name| name.contains(fragment))
    }
}

fn grew(before: &Report, after: &Report, row: &str, by: u64) {
    assert_eq!(
        after.cases(row),
        before.cases(row) + by,
        "row {row:?} should have {by} more case(s)"
    );
}

// --- The changes --------------------------------------------------------------

/// The end of `SessionAttemptsResponseVerification.properties` (its last property,
/// `createdTime`, ends where the next schema begins).
const AFTER_ATTEMPT_PROPERTIES: &str = "    AttemptStatus:\n      type: string\n";
/// On the page, the end of the attempt's fields (its last field's example line
/// ends just before): the next status.
const PAGE_AFTER_ATTEMPT_FIELDS: &str = "\n400\n\nBad request\n";

/// A field the page prints after the attempt's last one: name, type line,
/// description, example (the page's layout).
fn page_field(scratch: &Scratch, name: &str, ty: &str, description: &str, example: &str) {
    edit(
        scratch,
        PAGE,
        PAGE_AFTER_ATTEMPT_FIELDS,
        &format!("\n{name}\n{ty}\n\n{description}\n\nExample{example}{PAGE_AFTER_ATTEMPT_FIELDS}"),
    );
}

fn optional_property(scratch: &Scratch) {
    page_field(
        scratch,
        "riskScore",
        "number",
        "Risk score of the attempt.",
        "0.25",
    );
    edit(
        scratch,
        SPEC,
        AFTER_ATTEMPT_PROPERTIES,
        &format!(
            "        riskScore:\n          type: number\n          description: Risk score of the attempt.\n          example: 0.25\n{AFTER_ATTEMPT_PROPERTIES}"
        ),
    );
}

fn required_property(scratch: &Scratch) {
    page_field(
        scratch,
        "attemptNumber",
        "integer",
        "Number of the attempt in its session, from 1.",
        "1",
    );
    // Every documented attempt carries it, on the page (JSON) and in the spec.
    let page = scratch.read(PAGE);
    let mut updated = String::with_capacity(page.len() + 512);
    for line in page.lines() {
        if line.trim_start().starts_with("\"createdTime\": ") && !line.ends_with(',') {
            updated.push_str(line);
            updated.push_str(",\n      \"attemptNumber\": 1\n");
        } else {
            updated.push_str(line);
            updated.push('\n');
        }
    }
    assert!(
        updated.len() > page.len(),
        "no documented attempt found on the page"
    );
    scratch.write(PAGE, &updated);
    edit(
        scratch,
        SPEC,
        AFTER_ATTEMPT_PROPERTIES,
        &format!(
            "        attemptNumber:\n          type: integer\n          description: Number of the attempt in its session, from 1.\n          example: 1\n{AFTER_ATTEMPT_PROPERTIES}"
        ),
    );
    edit(
        scratch,
        SPEC,
        "required: [id, status, userDefinedData, createdTime]",
        "required: [id, status, userDefinedData, createdTime, attemptNumber]",
    );
    let text = scratch.read(SPEC);
    let mut out = String::with_capacity(text.len() + 512);
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if line.starts_with("                        createdTime: ") {
            out.push_str("                        attemptNumber: 1\n");
        }
    }
    assert!(
        out.len() > text.len(),
        "no documented attempt found to update"
    );
    scratch.write(SPEC, &out);
}

fn enum_value(scratch: &Scratch) {
    edit(
        scratch,
        SPEC,
        "        - review\n",
        "        - review\n        - inflow_completed\n",
    );
}

fn named_example(scratch: &Scratch) {
    edit(
        scratch,
        PAGE,
        "}\nExpand All\n",
        "}\nattempt_resubmission_requested\n\nAttempt whose resubmission was requested\n\n{\n  \"status\": \"success\",\n  \"verifications\": [\n    {\n      \"id\": \"5d0a5a6e-7a1b-4c2d-9e3f-4a5b6c7d8e9f\",\n      \"status\": \"resubmission_requested\",\n      \"userDefinedData\": [],\n      \"createdTime\": \"2024-03-01T10:00:00.000Z\"\n    }\n  ]\n}\nExpand All\n",
    );
    edit(
        scratch,
        SPEC,
        "        \"400\":\n",
        "                attempt_resubmission_requested:\n                  summary: Attempt whose resubmission was requested\n                  value:\n                    status: success\n                    verifications:\n                      - id: 5d0a5a6e-7a1b-4c2d-9e3f-4a5b6c7d8e9f\n                        status: resubmission_requested\n                        userDefinedData: []\n                        createdTime: \"2024-03-01T10:00:00.000Z\"\n        \"400\":\n",
    );
}

fn error_status(scratch: &Scratch) {
    edit(
        scratch,
        PAGE,
        "404\n\nSession not found\n",
        "403\n\nForbidden - the integration is not active\n\nHeaders\nContent-Type\nstring\nResponse content type.\nExampleapplication/json\nX-AUTH-CLIENT\nstring\nAPI key echoed back in response.\nExampleyour-api-key\nX-HMAC-SIGNATURE\nstring\nResponse body signed with the shared secret key.\nobject\nstatus\nstring\nValid values[ \"fail\" ]\nExamplefail\ncode\nstring\nExample1804\nmessage\nstring\nExampleIntegration with the API key is not active.\n404\n\nSession not found\n",
    );
    edit(
        scratch,
        SPEC,
        "        \"404\":\n",
        "        \"403\":\n          description: Forbidden - the integration is not active\n          headers:\n            Content-Type:\n              $ref: \"#/components/headers/ContentType\"\n            X-AUTH-CLIENT:\n              $ref: \"#/components/headers/AuthClientEcho\"\n            X-HMAC-SIGNATURE:\n              $ref: \"#/components/headers/ErrorResponseSignature\"\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/ErrorResponse\"\n              examples:\n                integration_not_active:\n                  summary: The page's field examples of the 403 response\n                  x-vendor-page-field-examples: true\n                  value:\n                    status: fail\n                    code: \"1804\"\n                    message: Integration with the API key is not active.\n        \"404\":\n",
    );
}

/// The changes; applied all at once in this order, so the required property comes
/// last and reaches every documented attempt, the new example's too.
fn changes() -> Vec<Change> {
    vec![
        Change {
            name: "a new optional property",
            apply: optional_property,
            covered: |before, after| {
                // One more property, seen in both directions, and on the page.
                grew(before, after, "coverage: every property", 2);
                assert!(after.cases("vendor page:") > before.cases("vendor page:"));
            },
            spec_diff: &[
                "compatible  /components/schemas/SessionAttemptsResponseVerification/properties/riskScore",
                "risk_score: Option<f64> added (minor",
                "version bump: minor",
            ],
        },
        Change {
            name: "a new value of the attempt status enum",
            apply: enum_value,
            covered: |before, after| {
                grew(before, after, "enums: every value round-trips", 1);
                grew(before, after, "open enums: Rust variants == spec enum", 2);
            },
            spec_diff: &[
                "value \"inflow_completed\" added (open enum)",
                "variant AttemptStatus::InflowCompleted added (minor",
            ],
        },
        Change {
            name: "a new named example",
            apply: named_example,
            covered: |before, after| {
                grew(before, after, "examples: valid against their schema", 1);
                grew(before, after, "examples: round-trip through Rust", 1);
                grew(
                    before,
                    after,
                    "reference server: each documented 200 example",
                    1,
                );
            },
            spec_diff: &[
                "example `attempt_resubmission_requested` added",
                "version bump: patch",
            ],
        },
        Change {
            name: "a new error status using the error schema",
            apply: error_status,
            covered: |before, after| {
                grew(
                    before,
                    after,
                    "reference server: every documented error status",
                    1,
                );
                assert!(
                    after.has_row("fault: status 403 -> Api 403 1804"),
                    "{:#?}",
                    after.0.keys()
                );
                assert!(after.has_row("fault: status 403, bad signature -> SignatureInvalid 403"));
            },
            spec_diff: &[
                "response status 403 added (signed, schema ErrorResponse)",
                "version bump: minor",
            ],
        },
        Change {
            name: "a new required property, the examples carrying it",
            apply: required_property,
            covered: |before, after| {
                grew(before, after, "coverage: every property", 2);
                // The property's own example is checked too.
                grew(before, after, "examples: valid against their schema", 1);
            },
            spec_diff: &[
                "property `attemptNumber` added (required, integer)",
                "attempt_number: i64 added (minor",
            ],
        },
    ]
}

// --- The run ------------------------------------------------------------------

/// Cases per property in the per-change runs (the combined run uses the default).
const QUICK: (&str, &str) = ("PROPTEST_CASES", "256");

fn conformance_report(scratch: &Scratch, envs: &[(&str, &str)]) -> Report {
    let junit = scratch.target.join("conformance.xml");
    let junit_arg = junit.display().to_string();
    scratch.cargo_ok(&["xtask", "conformance", "--junit", &junit_arg], envs);
    Report::parse(&std::fs::read_to_string(&junit).unwrap_or_default())
}

fn generate(scratch: &Scratch) {
    let out = scratch.cargo_ok(&["xtask", "generate"], &[]);
    assert!(
        out.contains("wrote sdk/src/generated.rs"),
        "the spec change did not reach the SDK: {out}"
    );
    scratch.cargo_ok(&["xtask", "generate", "--check"], &[]);
}

#[test]
#[ignore = "builds a scratch workspace (minutes): cargo test -p xtask --test evolution -- --ignored --nocapture"]
fn spec_only_changes_need_no_hand_edit() {
    let started = Instant::now();
    let scratch = scratch();
    let files = scratch.prepare();
    println!(
        "scratch copy: {} files in {}",
        files.len(),
        scratch.ws.display()
    );

    println!("\n== the generator repairs whatever state its output is in");
    let pristine = scratch.read(GENERATED);
    scratch.write(
        GENERATED,
        "<<<<<<< ours\nfn left() {}\n=======\nfn right() {}\n>>>>>>> theirs\n",
    );
    let (ok, _, err) = scratch.cargo(&["xtask", "generate", "--check"], &[]);
    assert!(
        !ok && err.contains("is stale") && err.contains("cargo xtask generate"),
        "{err}"
    );
    let (ok, _, err) = scratch.cargo(&["xtask", "conformance"], &[]);
    assert!(
        !ok && err.contains("is stale") && !err.contains("error[E"),
        "not a compile error: {err}"
    );
    scratch.cargo_ok(&["xtask", "generate"], &[]);
    assert_eq!(
        scratch.read(GENERATED),
        pristine,
        "conflict markers repaired"
    );
    std::fs::remove_file(scratch.ws.join(GENERATED)).unwrap_or_else(|err| fail(&format!("{err}")));
    scratch.cargo_ok(&["xtask", "generate"], &[]);
    assert_eq!(scratch.read(GENERATED), pristine, "deleted file recreated");

    println!("\n== the unchanged workspace (the baseline of the reports)");
    scratch.cargo_ok(&["build", "-p", "xtask-jobs"], &[]);
    let baseline = conformance_report(&scratch, &[QUICK]);

    for change in changes() {
        println!("\n== {}", change.name);
        scratch.reset(&files);
        (change.apply)(&scratch);
        let diff = scratch.cargo_ok(&["xtask", "spec-diff"], &[]);
        for expected in change.spec_diff {
            assert!(
                diff.contains(expected),
                "spec-diff of {}: {expected:?} missing from:\n{diff}",
                change.name
            );
        }
        print!(
            "{}",
            diff.lines()
                .map(|l| format!("    | {l}\n"))
                .collect::<String>()
        );
        generate(&scratch);
        scratch.cargo_ok(&["build", "-p", "xtask-jobs"], &[]);
        scratch.cargo_ok(&["test", "-p", "conformance"], &[QUICK]);
        let report = conformance_report(&scratch, &[QUICK]);
        (change.covered)(&baseline, &report);
    }

    println!("\n== all changes at once: the whole test suite and the main job");
    scratch.reset(&files);
    for change in changes() {
        (change.apply)(&scratch);
    }
    generate(&scratch);
    scratch.cargo_ok(&["test", "--workspace"], &[]);
    conformance_report(&scratch, &[]);

    println!(
        "\n== Veriff's compatible changes are minor changes of the crate (cargo-semver-checks)"
    );
    scratch.reset(&files);
    optional_property(&scratch);
    enum_value(&scratch);
    generate(&scratch);
    let (installed, _, _) = scratch.cargo(&["semver-checks", "--version"], &[]);
    if installed {
        let baseline_root = scratch.pristine.join("sdk").display().to_string();
        let (ok, out, err) = scratch.cargo(
            &[
                "semver-checks",
                "--package",
                "veriff-attempts",
                "--baseline-root",
                &baseline_root,
            ],
            &[],
        );
        print!(
            "{}",
            format!("{out}{err}")
                .lines()
                .filter(|l| l.contains("Checked") || l.contains("Summary") || l.contains("failure"))
                .map(|l| format!("    | {}\n", l.trim()))
                .collect::<String>()
        );
        assert!(
            ok,
            "cargo-semver-checks calls a compatible spec change major:\n{}\n{}",
            tail(&out, 60),
            tail(&err, 40)
        );
        assert!(!format!("{out}{err}").contains("requires new major version"));
    } else if std::env::var_os("EVOLUTION_REQUIRE_SEMVER").is_some() {
        fail("cargo-semver-checks is not installed: cargo install --locked cargo-semver-checks");
    } else {
        println!("    cargo-semver-checks is not installed: skipped (CI installs it)");
    }
    scratch.reset(&files);
    println!(
        "\nevolution test: every change passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_report_parser_reads_rows_and_cases() {
    let xml = "<testcase classname=\"a\" name=\"fault: status 403 -&gt; Api 403\" time=\"0\"><system-out>cases: 2\ndrift: x</system-out></testcase>\n<testcase name=\"b\"><system-out>cases: 17</system-out></testcase>";
    let report = Report::parse(xml);
    assert_eq!(report.cases("fault: status 403 -> Api"), 2);
    assert_eq!(report.cases("b"), 17);
    assert!(report.has_row("403 -> Api 403"));
}
