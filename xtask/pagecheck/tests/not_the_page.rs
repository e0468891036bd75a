//! Input that is not the vendor page is refused (exit 2 of `cargo xtask
//! page-check`) with a message naming what is missing, never a panic and never
//! a list of differences.

mod support;

use support::{check, refusal, saved};

/// The saved page cut after its first `lines` lines.
fn first_lines(lines: usize) -> String {
    saved()
        .split('\n')
        .take(lines)
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_mentions(message: &str, needles: &[&str]) {
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in: {message}");
    }
}

#[test]
fn an_empty_file() {
    assert_mentions(&refusal(""), &["the file is empty", "select all, copy"]);
    assert_mentions(&refusal(" \n\n\t\n"), &["the file is empty"]);
}

#[test]
fn a_binary_file() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    assert_mentions(&refusal(png), &["not text", "NUL byte", "line 3"]);
    let latin1 = b"List attempts IDs\n\nPrev Next\nG\xe9t\n";
    assert_mentions(&refusal(latin1), &["not text", "invalid UTF-8", "line 4"]);
}

#[test]
fn another_vendors_page() {
    let other = "Retrieve an applicant\n\nGET https://api.example.com/v3.6/applicants/{applicant_id}\n\n\
                 Path parameters\napplicant_id string required\n\nResponses\n200 OK\n\
                 Returns the applicant object.\n";
    assert_mentions(
        &refusal(other),
        &["no method and path", "`Get`", "/v1/sessions/{id}/attempts"],
    );
}

#[test]
fn another_page_with_a_path_but_no_responses() {
    let other = "Create a session\n\nPost\n/v1/sessions\n\nCreates a session.\n\nRequest body\nverification\nobject\n";
    assert_mentions(&refusal(other), &["no `Responses` section", "line 4"]);
}

/// The (1-based) number of the first line equal to `line`.
fn line_number(line: &str) -> usize {
    saved()
        .split('\n')
        .position(|l| l == line)
        .map_or_else(|| panic!("no line {line:?} on the page"), |index| index + 1)
}

#[test]
fn a_copy_truncated_before_the_responses() {
    assert_mentions(
        &refusal(first_lines(line_number("Responses") - 1)),
        &["no `Responses` section"],
    );
}

#[test]
fn a_copy_truncated_inside_the_schema_tree() {
    let cut = line_number("Expand All") + 20;
    assert_mentions(
        &refusal(first_lines(cut)),
        &[
            &format!("the text ends at line {cut}"),
            "before the page's changelog",
            "truncated",
        ],
    );
}

#[test]
fn a_copy_truncated_inside_an_example() {
    // A few lines into the page's first named example's JSON.
    let example = saved()
        .split('\n')
        .position(|l| l == "{")
        .unwrap_or_else(|| panic!("no example JSON on the page"));
    let name = saved()
        .split('\n')
        .nth(example.saturating_sub(4))
        .unwrap_or_default()
        .to_owned();
    assert_mentions(
        &refusal(first_lines(example + 5)),
        &[&format!("example `{name}`"), "never closes", "truncated"],
    );
}

#[test]
fn a_copy_truncated_at_the_changelog_heading() {
    let cut = saved()
        .find("Date\n")
        .map(|at| saved()[..at].to_owned())
        .unwrap_or_default();
    assert_mentions(&refusal(cut), &["changelog", "no dated entry", "truncated"]);
}

#[test]
fn every_cut_before_the_first_changelog_entry_is_refused_and_none_panics() {
    let page = saved();
    let lines: Vec<&str> = page.split('\n').collect();
    let first_entry = lines
        .iter()
        .position(|l| *l == "Apr 24, 2026")
        .unwrap_or(lines.len());
    for count in 0..lines.len() {
        let cut = lines[..count].join("\n");
        let result = check(&cut);
        if count <= first_entry {
            assert!(
                result.is_err(),
                "cut after {count} lines was read as the page"
            );
        }
    }
}

#[test]
fn dropping_any_single_line_never_panics() {
    let page = saved();
    let lines: Vec<&str> = page.split('\n').collect();
    for skip in 0..lines.len() {
        let text: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != skip)
            .map(|(_, line)| *line)
            .collect();
        let text = text.join("\n");
        // Either refused or compared: what matters is no panic. Reading every
        // variant is cheap; the full comparison runs on every third one.
        let _ = pagecheck::parse::parse(text.as_bytes());
        if skip % 3 == 0 {
            let _ = check(text);
        }
    }
}
