use super::scalars::is_core_number;
use super::*;

fn slice(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn parse(text: &str) -> Node {
    parse_yaml(text).unwrap_or_else(|e| panic!("{e:?} in {text:?}"))
}

fn value<'n>(node: &'n Node, key: &str) -> &'n Node {
    &node
        .get(key)
        .unwrap_or_else(|| panic!("no key {key}"))
        .value
}

fn items(node: &Node) -> &[Node] {
    match &node.kind {
        NodeKind::Array(items) => items,
        other => panic!("not an array: {other:?}"),
    }
}

fn keys(node: &Node) -> Vec<&str> {
    node.entries()
        .unwrap()
        .iter()
        .map(|e| e.key.as_str())
        .collect()
}

#[test]
fn key_and_value_spans_slice_the_text() {
    let text = "a: 1\nb:  'two'\nc: \"th\\\"ree\"\nd:\n  e: [x, {f: g}]\n";
    let root = parse(text);
    assert_eq!(keys(&root), ["a", "b", "c", "d"]);
    for entry in root.entries().unwrap() {
        assert_eq!(slice(text, entry.key_span), entry.key);
    }
    assert_eq!(slice(text, value(&root, "b").span), "'two'");
    assert_eq!(value(&root, "b").as_str(), Some("two"));
    assert_eq!(slice(text, value(&root, "c").span), "\"th\\\"ree\"");
    assert_eq!(value(&root, "c").as_str(), Some("th\"ree"));
    let d = value(&root, "d");
    assert_eq!(slice(text, d.span), "e: [x, {f: g}]");
    let e = value(d, "e");
    assert_eq!(slice(text, e.span), "[x, {f: g}]");
    assert_eq!(slice(text, items(e)[1].span), "{f: g}");
    assert_eq!(slice(text, value(&items(e)[1], "f").span), "g");
    assert_eq!(slice(text, root.span), text.trim_end());
}

#[test]
fn spans_are_bytes_after_multibyte_text() {
    let text = "é: \"🎉 ok\"\nnamé: [ü, x]\nz: 🦀🦀\n";
    let root = parse(text);
    let entries = root.entries().unwrap();
    assert_eq!(slice(text, entries[0].key_span), "é");
    assert_eq!(slice(text, entries[0].value.span), "\"🎉 ok\"");
    assert_eq!(slice(text, entries[1].key_span), "namé");
    assert_eq!(slice(text, items(&entries[1].value)[1].span), "x");
    assert_eq!(slice(text, entries[2].value.span), "🦀🦀");
    assert_eq!(entries[2].value.as_str(), Some("🦀🦀"));
}

#[test]
fn bom_and_crlf_keep_file_coordinates() {
    let text = "\u{feff}a: 1\r\nb: [x]\r\n";
    let root = parse(text);
    assert_eq!(slice(text, root.get("a").unwrap().key_span), "a");
    assert_eq!(slice(text, value(&root, "b").span), "[x]");
}

#[test]
fn plain_scalars_follow_the_yaml_1_2_core_schema() {
    let text = "on: push\nyes: no\nt: True\nf: FALSE\nn: ~\nn2: NULL\nempty:\n\
                i: -12\nh: 0x1F\no: 0o17\nfl: 3.10\nexp: 1e-3\ndot: .5\ninf: -.inf\nnan: .NaN\n\
                ver: 1.2.3\nq: 'true'\nlit: |\n  42\nsep: 1_000\n";
    let root = parse(text);
    assert_eq!(keys(&root)[0], "on");
    assert_eq!(value(&root, "on").as_str(), Some("push"));
    assert_eq!(value(&root, "yes").as_str(), Some("no"));
    assert_eq!(value(&root, "t").kind, NodeKind::Bool(true));
    assert_eq!(value(&root, "f").kind, NodeKind::Bool(false));
    for null in ["n", "n2", "empty"] {
        assert_eq!(value(&root, null).kind, NodeKind::Null, "{null}");
    }
    for (key, number) in [
        ("i", "-12"),
        ("h", "0x1F"),
        ("o", "0o17"),
        ("fl", "3.10"),
        ("exp", "1e-3"),
        ("dot", ".5"),
        ("inf", "-.inf"),
        ("nan", ".NaN"),
    ] {
        assert_eq!(value(&root, key).kind, NodeKind::Number(number.into()));
    }
    for (key, string) in [
        ("ver", "1.2.3"),
        ("q", "true"),
        ("lit", "42\n"),
        ("sep", "1_000"),
    ] {
        assert_eq!(value(&root, key).as_str(), Some(string), "{key}");
    }
    // Keys keep their text whatever their type.
    let root = parse("true: 1\n~: 2\n1.0: 3\n");
    assert_eq!(keys(&root), ["true", "~", "1.0"]);
}

#[test]
fn block_scalars_span_their_content() {
    let text = "run: |\n  echo hi\n  echo there\n\nnext: >-\n  folded\n  text\nlast: |\n";
    let root = parse(text);
    let run = value(&root, "run");
    assert_eq!(run.as_str(), Some("echo hi\necho there\n"));
    assert_eq!(slice(text, run.span), "echo hi\n  echo there");
    let next = value(&root, "next");
    assert_eq!(next.as_str(), Some("folded text"));
    assert_eq!(slice(text, next.span), "folded\n  text");
    assert_eq!(value(&root, "last").as_str(), Some(""));
    let text = "a: !Sub |  # keep\n  ${X}\n";
    let root = parse(text);
    let NodeKind::Tagged { tag, value: inner } = &value(&root, "a").kind else {
        panic!("not tagged")
    };
    assert_eq!(tag, "!Sub");
    assert_eq!(inner.as_str(), Some("${X}\n"));
    assert_eq!(slice(text, inner.span), "${X}");
    assert_eq!(
        slice(text, value(&root, "a").span),
        "!Sub |  # keep\n  ${X}"
    );
}

#[test]
fn sequence_spans_start_at_the_first_dash() {
    let text = "k:\n- a\n- b\nj:\n  - &x c\n  - - d\n    - e\nl: &s\n- f\n";
    let root = parse(text);
    assert_eq!(slice(text, value(&root, "k").span), "- a\n- b");
    let j = value(&root, "j");
    assert_eq!(slice(text, j.span), "- &x c\n  - - d\n    - e");
    assert_eq!(slice(text, items(j)[0].span), "c");
    assert_eq!(slice(text, items(j)[1].span), "- d\n    - e");
    assert_eq!(slice(text, value(&root, "l").span), "- f");
}

#[test]
fn duplicate_keys_are_kept_with_their_spans() {
    let text = "sub: a\nother: 1\nsub: b\n";
    let root = parse(text);
    let entries = root.entries().unwrap();
    assert_eq!(keys(&root), ["sub", "other", "sub"]);
    assert_eq!(entries[0].key_span, Span::new(0, 3));
    assert_eq!(entries[2].key_span, Span::new(16, 19));
    assert_eq!(slice(text, entries[2].value.span), "b");
    assert_eq!(root.get("sub").unwrap().value.as_str(), Some("b"));
}

#[test]
fn aliases_copy_the_anchored_node() {
    let text = "base: &b {x: 1}\nname: &n hello\nuse: *b\nagain: *n\nlist: [*n, *n]\n";
    let root = parse(text);
    let used = value(&root, "use");
    assert_eq!(used, value(&root, "base"));
    // The copy keeps the anchor's spans.
    assert_eq!(slice(text, used.span), "{x: 1}");
    assert_eq!(value(&root, "again").as_str(), Some("hello"));
    assert_eq!(slice(text, value(&root, "again").span), "hello");
    assert_eq!(items(value(&root, "list")).len(), 2);
    // An alias used as a key has its scalar's text and the alias's span.
    let text = "a: &k name\n*k : v\n";
    let root = parse(text);
    let entry = &root.entries().unwrap()[1];
    assert_eq!(entry.key, "name");
    assert_eq!(slice(text, entry.key_span), "*k");
    // A redefined anchor refers to its latest definition.
    let root = parse("a: &x 1\nb: *x\nc: &x 2\nd: *x\n");
    assert_eq!(value(&root, "b").kind, NodeKind::Number("1".into()));
    assert_eq!(value(&root, "d").kind, NodeKind::Number("2".into()));
}

#[test]
fn merge_keys_put_merged_entries_first_and_let_own_keys_win() {
    let text = "defaults: &d\n  runs-on: ubuntu\n  timeout: 5\nextra: &e\n  env: x\n  timeout: 9\n\
                job:\n  <<: *d\n  runs-on: windows\nboth:\n  <<: [*e, *d]\n  name: n\n";
    let root = parse(text);
    let job = value(&root, "job");
    assert_eq!(keys(job), ["timeout", "runs-on"]);
    assert_eq!(value(job, "runs-on").as_str(), Some("windows"));
    assert_eq!(value(job, "timeout").kind, NodeKind::Number("5".into()));
    assert_eq!(slice(text, job.span), "<<: *d\n  runs-on: windows");
    let both = value(&root, "both");
    // The first merged mapping wins over the second.
    assert_eq!(keys(both), ["env", "timeout", "runs-on", "name"]);
    assert_eq!(value(both, "timeout").kind, NodeKind::Number("9".into()));
    // A flow mapping merges too; a quoted "<<" is an ordinary key.
    let root = parse("m: {<<: {a: 1}, b: 2}\nq: {'<<': 1}\n");
    assert_eq!(keys(value(&root, "m")), ["a", "b"]);
    assert_eq!(keys(value(&root, "q")), ["<<"]);
    let err = parse_yaml("s: &s 1\nm:\n  <<: *s\n").unwrap_err();
    assert!(err.message.contains("merge key"), "{}", err.message);
    assert_eq!(err.span, Span::new(17, 19));
}

#[test]
fn billion_laughs_fails_fast() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let started = std::time::Instant::now();
    let err = parse_yaml(&text).unwrap_err();
    assert!(started.elapsed() < std::time::Duration::from_millis(500));
    assert!(err.message.contains("alias bomb"), "{}", err.message);
    assert!(slice(&text, err.span).starts_with('*'), "{:?}", err.span);
}

#[test]
fn nested_anchors_cannot_multiply_memory() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!("{}- &a{i}\n", "  ".repeat(i)));
    }
    text.push_str(&format!("{}- [{}]\n", "  ".repeat(200), "1,".repeat(2000)));
    text.push_str(&(0..200).map(|i| format!("- *a{i}\n")).collect::<String>());
    let err = parse_yaml(&text).unwrap_err();
    assert!(err.message.contains("alias bomb"), "{}", err.message);
}

#[test]
fn recursive_alias_is_an_error() {
    let err = parse_yaml("a: &x [1, *x]\n").unwrap_err();
    assert!(err.message.contains("contains it"), "{}", err.message);
    assert_eq!(err.span, Span::new(10, 12));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "[".repeat(100_000),
        "{a: ".repeat(100_000),
        "- ".repeat(100_000) + "x",
        // A `*` anywhere makes the anchor pass run over the same text.
        "- ".repeat(100_000) + "x # *",
    ] {
        assert!(parse_yaml(&text).is_err());
    }
    let err = parse_yaml(&("- ".repeat(300) + "x")).unwrap_err();
    assert!(err.message.contains("nesting"), "{}", err.message);
    assert_eq!(err.span.start, 2 * MAX_DEPTH);
    assert!(parse_yaml(&("- ".repeat(MAX_DEPTH) + "x")).is_ok());
    // An alias may not carry a deep value deeper than the limit.
    let deep = "[".repeat(200) + &"]".repeat(200);
    let text = format!("a: &d {deep}\nb: {}*d{}\n", "[".repeat(60), "]".repeat(60));
    let err = parse_yaml(&text).unwrap_err();
    assert!(err.message.contains("nesting limit"), "{}", err.message);
}

#[test]
fn syntax_errors_point_at_the_problem() {
    for (text, at_line) in [
        ("a:\n\tb: 1\n", 2),
        ("a: 1\nb: \"unclosed\n", 2),
        ("a:\n  b: 1\n c: 2\n", 3),
        ("a: [1, 2\n", 2),
        ("é: *nothing\n", 1),
    ] {
        let err = parse_yaml(text).unwrap_err();
        let line = text[..err.span.start].matches('\n').count() + 1;
        assert_eq!(line, at_line, "{text:?}: {err:?}");
        assert!(text.is_char_boundary(err.span.start));
    }
}

#[test]
fn documents_empty_and_multiple() {
    for empty in ["", "# only a comment\n", "\n\n"] {
        assert_eq!(
            parse(empty),
            Node {
                kind: NodeKind::Null,
                span: Span::new(0, 0)
            }
        );
    }
    let root = parse("a: 1\n---\nb: 2\n");
    assert_eq!(keys(&root), ["a"]);
    let root = parse("---\nname: x\n...\n--- [unclosed\n");
    assert_eq!(keys(&root), ["name"]);
}

#[test]
fn tags() {
    let text = "s: !!str 123\ni: !!int 7\nb: !!bool nope\nr: !Ref MyRole\ng: !GetAtt [R, Arn]\n\
                j: !Join\n  - ''\n  - [a, b]\nn: ! 12\nm: !!map {a: 1}\n";
    let root = parse(text);
    assert_eq!(value(&root, "s").as_str(), Some("123"));
    assert_eq!(slice(text, value(&root, "s").span), "123");
    assert_eq!(value(&root, "i").kind, NodeKind::Number("7".into()));
    assert_eq!(value(&root, "n").as_str(), Some("12"));
    assert!(value(&root, "m").entries().is_some());
    let tagged = |key: &str| match &value(&root, key).kind {
        NodeKind::Tagged { tag, value } => (tag.clone(), (**value).clone()),
        other => panic!("{key}: {other:?}"),
    };
    let (tag, inner) = tagged("r");
    assert_eq!((tag.as_str(), inner.as_str()), ("!Ref", Some("MyRole")));
    assert_eq!(slice(text, inner.span), "MyRole");
    assert_eq!(slice(text, value(&root, "r").span), "!Ref MyRole");
    let (tag, inner) = tagged("g");
    assert_eq!(tag, "!GetAtt");
    assert_eq!(slice(text, inner.span), "[R, Arn]");
    let (tag, inner) = tagged("j");
    assert_eq!(tag, "!Join");
    assert_eq!(items(&inner).len(), 2);
    assert_eq!(
        slice(text, value(&root, "j").span),
        "!Join\n  - ''\n  - [a, b]"
    );
    let (tag, inner) = tagged("b");
    assert_eq!(tag, "tag:yaml.org,2002:bool");
    assert_eq!(inner.as_str(), Some("nope"));
    assert_eq!(value(&root, "r").type_name(), "an unresolved YAML tag");
}

#[test]
fn github_workflow() {
    let text = r#"name: deploy
on: {push: {branches: [main]}}
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Configure AWS
        uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: eu-west-1
      - run: |
          aws sts get-caller-identity
"#;
    let root = parse(text);
    assert_eq!(keys(&root), ["name", "on", "permissions", "jobs"]);
    let on = value(&root, "on");
    let branches = value(value(on, "push"), "branches");
    assert_eq!(slice(text, branches.span), "[main]");
    assert_eq!(items(branches)[0].as_str(), Some("main"));
    let permissions = value(&root, "permissions");
    assert_eq!(value(permissions, "id-token").as_str(), Some("write"));
    assert_eq!(
        slice(text, permissions.span),
        "id-token: write\n  contents: read"
    );
    let steps = items(value(value(value(&root, "jobs"), "deploy"), "steps"));
    assert_eq!(steps.len(), 3);
    assert_eq!(
        value(&steps[1], "uses").as_str(),
        Some("aws-actions/configure-aws-credentials@v4")
    );
    let with = value(&steps[1], "with");
    let role = with.get("role-to-assume").unwrap();
    assert_eq!(slice(text, role.key_span), "role-to-assume");
    assert_eq!(
        slice(text, role.value.span),
        "arn:aws:iam::123456789012:role/deploy"
    );
    assert_eq!(slice(text, steps[0].span), "uses: actions/checkout@v4");
    assert_eq!(
        value(&steps[2], "run").as_str(),
        Some("aws sts get-caller-identity\n")
    );
}

#[test]
fn complex_keys_use_their_text() {
    let text = "? [a, b]\n: v\n{x: 1}: 2\n!Ref k: 3\n";
    let root = parse(text);
    let entries = root.entries().unwrap();
    assert_eq!(keys(&root), ["[a, b]", "{x: 1}", "!Ref k"]);
    for entry in entries {
        assert_eq!(slice(text, entry.key_span), entry.key);
    }
}

#[test]
fn core_numbers() {
    for yes in [
        "0", "-1", "+7", "1.", "1.5e10", "2E+3", ".inf", "+.INF", "0xff", "0o7",
    ] {
        assert!(is_core_number(yes), "{yes}");
    }
    for no in [
        "", ".", "-", "1e", "0x", "0o8", "1.2.3", "+0x1", "e3", "inf", "1_0", "-.nan",
    ] {
        assert!(!is_core_number(no), "{no}");
    }
}

fn check_spans(text: &str, node: &Node) {
    let valid = |span: Span| {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    };
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        assert!(valid(node.span), "{:?} in {text:?}", node.span);
        match &node.kind {
            NodeKind::Array(items) => stack.extend(items),
            NodeKind::Object(entries) => {
                for entry in entries {
                    assert!(valid(entry.key_span), "{:?} in {text:?}", entry.key_span);
                    stack.push(&entry.value);
                }
            }
            NodeKind::Tagged { value, .. } => stack.push(value),
            _ => {}
        }
    }
}

const TOKENS: &[&str] = &[
    "a", "b", "on", "1", "true", ":", ": ", "-", "- ", "[", "]", "{", "}", ", ", "&a ", "*a",
    "&b ", "*b", "!Ref ", "!!str ", "!!int ", "| ", ">- ", "'", "\"", " #c", "? ", "<<: ", "~",
    " ", "  ", "\n", "\r\n", "\t", "é", "🦀", "\n  ", "\n- ", "\n  - ", "---\n",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    #[test]
    fn never_panics_and_spans_are_valid(
        tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..40)
    ) {
        let text = tokens.concat();
        if let Ok(node) = parse_yaml(&text) {
            check_spans(&text, &node);
        }
    }
}
