//! Rule pages are what `trustlint explain` prints and what SARIF carries as help, so they travel
//! to users who have nothing but the page: a page must not cite a file outside the repository
//! (a sibling folder, a build machine's absolute path), and every source it names must carry a
//! public URL.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn pages() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "rules/*.md");
    pages
}

/// Whether a link target written in `rules/<page>.md` stays inside the repository (and exists).
fn link_stays_inside(target: &str) -> bool {
    let target = target.split('#').next().unwrap_or_default();
    if target.is_empty() {
        return true; // an anchor on the same page
    }
    if target.contains("://") || target.starts_with('/') || target.starts_with('~') {
        return false;
    }
    // Resolved from `rules/`: leaving the repository root is outside, whatever follows.
    let mut inside: Vec<&std::ffi::OsStr> = vec!["rules".as_ref()];
    for part in Path::new(target).components() {
        match part {
            std::path::Component::ParentDir => {
                if inside.pop().is_none() {
                    return false;
                }
            }
            std::path::Component::Normal(name) => inside.push(name),
            std::path::Component::CurDir => {}
            _ => return false,
        }
    }
    inside
        .iter()
        .fold(root().to_path_buf(), |p, c| p.join(c))
        .exists()
}

/// Every citation of a path outside the repository in `text`.
fn outside_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    for cap in link.captures_iter(text) {
        let target = &cap[1];
        let public = target.starts_with("https://") || target.starts_with("http://");
        if !public && !link_stays_inside(target) {
            found.push(target.to_string());
        }
    }
    let autolink = regex::Regex::new(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>").unwrap();
    for cap in autolink.captures_iter(text) {
        let target = &cap[1];
        if !(target.starts_with("https://") || target.starts_with("http://")) {
            found.push(target.to_string());
        }
    }
    // Bare paths: `../x/y`, `~/x/y`, `/x/y` (two segments at least, not part of a URL), a
    // Windows drive, a file: URL, and the sibling folder the project once cited.
    let bare = regex::Regex::new(
        r"(?:^|[\s(`'\x22\[])((?:\.\./|~/|/)[\w.@-]+(?:/[\w.@-]*)+|[A-Za-z]:\\[^\s`]+|file:[^\s`)>]+)",
    )
    .unwrap();
    for cap in bare.captures_iter(text) {
        found.push(cap[1].to_string());
    }
    // Spelled in two halves so that this checker does not itself name the folder it forbids.
    let notes = concat!("shared", "/reference");
    let schemas = concat!("shared", "/schemas");
    if text.contains(notes) || text.contains(schemas) {
        found.push("shared/…".to_string());
    }
    found
}

/// The bullets of the page's `## Sources` section (continuation lines joined).
fn sources(text: &str) -> Vec<String> {
    let section = text
        .split("\n## Sources\n")
        .nth(1)
        .expect("a Sources section");
    let section = section.split("\n## ").next().unwrap();
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        if let Some(item) = line.strip_prefix("- ") {
            items.push(item.to_string());
        } else if !line.trim().is_empty() {
            let last = items.last_mut().expect("text before the first bullet");
            last.push(' ');
            last.push_str(line.trim());
        }
    }
    items
}

#[test]
fn no_rule_page_cites_a_path_outside_the_repository() {
    let mut problems = Vec::new();
    for (name, text) in pages() {
        for path in outside_paths(&text) {
            problems.push(format!("rules/{name}: {path}"));
        }
    }
    assert!(
        problems.is_empty(),
        "rule pages cite paths users do not have; cite the public source (title and URL):\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_source_of_every_rule_page_has_a_public_url() {
    let url = regex::Regex::new(r"<https://[^>\s]+>|\]\(https://[^)\s]+\)").unwrap();
    for (name, text) in pages() {
        let items = sources(&text);
        assert!(!items.is_empty(), "rules/{name}: no sources");
        for item in items {
            assert!(
                url.is_match(&item),
                "rules/{name}: a source without an https URL: {item}"
            );
            let (title, fact) = item.split_once(">: ").unwrap_or_else(|| {
                panic!("rules/{name}: `- Title, <URL>: the fact it supports`: {item}")
            });
            assert!(title.len() > 10, "rules/{name}: a title: {item}");
            assert!(
                fact.len() > 3,
                "rules/{name}: say what the source supports: {item}"
            );
        }
    }
}

#[test]
fn the_check_catches_paths_outside_the_repository() {
    for bad in [
        concat!(
            "- ../",
            "shared",
            "/reference/github-oidc-token.md, \"`aud`\"."
        ),
        concat!("see /work/", "shared", "/reference/x.md"),
        "notes in `/home/ci/notes/iam.md`",
        "[notes](../../elsewhere/notes.md)",
        "[notes](/etc/notes.md)",
        "<file:///tmp/notes.md>",
        "in C:\\Users\\ci\\notes.md",
        concat!("the shared", "/reference notes"),
    ] {
        assert!(!outside_paths(bad).is_empty(), "not caught: {bad}");
    }
    for good in [
        "- GitHub Docs, \"OpenID Connect reference\", <https://docs.github.com/en/actions/reference/security/oidc>: the `sub` claim.",
        "`repo:octo-org/octo-app:ref:refs/heads/main` and `HOSTNAME/_services/token:sub`",
        "[the README](../README.md) and [another page](missing-sub-condition.md#fix)",
        "a `*` matches `/` and `:`",
    ] {
        assert_eq!(outside_paths(good), Vec::<String>::new(), "{good}");
    }
}
