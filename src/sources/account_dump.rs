//! IAM account dumps: the JSON of `aws iam get-account-authorization-details`
//! (`RoleDetailList[*]`), `aws iam get-role` (`Role`) and `aws iam list-roles` (`Roles[*]`).
//!
//! The AWS CLI prints `AssumeRolePolicyDocument` as a JSON object; the raw API (and some export
//! tools) give it as a URL-encoded JSON string. Such a string is percent-decoded and parsed; its
//! nodes cannot map one to one onto the file, so every node of the decoded document carries the
//! span of the string value: findings in it point at the string.

use super::{respan, EmbeddedPolicy};
use crate::source::{parse_json, Node, NodeKind};

/// The trust policies of every role of a dump, or `None` when the document is not a dump.
pub fn extract(label_path: &str, root: &Node) -> Option<Vec<EmbeddedPolicy>> {
    let roles: Vec<&Node> = if let Some(list) = root.get("RoleDetailList") {
        array_items(&list.value)?
    } else if let Some(list) = root.get("Roles") {
        array_items(&list.value)?
    } else if let Some(role) = root.get("Role") {
        vec![&role.value]
    } else {
        return None;
    };
    // A dump's roles have an `AssumeRolePolicyDocument` (or at least a `RoleName`): anything
    // else under these keys is some other JSON.
    let is_role =
        |r: &&Node| r.get("AssumeRolePolicyDocument").is_some() || r.get("RoleName").is_some();
    if !roles.is_empty() && !roles.iter().any(is_role) {
        return None;
    }
    let mut out = Vec::new();
    for (index, role) in roles.into_iter().enumerate() {
        let Some(document) = role.get("AssumeRolePolicyDocument") else {
            continue;
        };
        let name = role.get("RoleName").and_then(|n| n.value.as_str());
        let role_span = role
            .get("RoleName")
            .map(|n| n.value.span)
            .unwrap_or(role.span);
        let shown = name
            .map(str::to_string)
            .unwrap_or_else(|| format!("role {}", index + 1));
        let mut notes = Vec::new();
        let node = match &document.value.kind {
            NodeKind::String(encoded) => match decode_document(encoded) {
                Ok(decoded) => {
                    notes.push((
                        document.value.span,
                        "the document is a URL-encoded string: findings in it point at the whole string".to_string(),
                    ));
                    respan(&decoded, document.value.span)
                }
                // Leave the string as it is: the policy model reports it as invalid.
                Err(message) => {
                    notes.push((document.value.span, message));
                    document.value.clone()
                }
            },
            _ => document.value.clone(),
        };
        out.push(EmbeddedPolicy {
            label: format!("{label_path}: {shown}"),
            role_name: name.map(str::to_string),
            role_span,
            document: node,
            notes,
            problems: Vec::new(),
        });
    }
    Some(out)
}

fn array_items(node: &Node) -> Option<Vec<&Node>> {
    match &node.kind {
        NodeKind::Array(items) => Some(items.iter().collect()),
        _ => None,
    }
}

/// Percent-decodes and parses a URL-encoded policy document.
fn decode_document(encoded: &str) -> Result<Node, String> {
    let decoded = percent_decode(encoded)
        .ok_or_else(|| "the document string is not valid URL-encoded UTF-8".to_string())?;
    parse_json(&decoded)
        .map_err(|e| format!("the decoded document is not valid JSON: {}", e.message))
}

/// `%XX` escapes decoded (a `+` stays a `+`: IAM encodes a space as `%20`).
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(
            percent_decode("%7B%22a%22%3A%20%22b+c%22%7D").as_deref(),
            Some("{\"a\": \"b+c\"}")
        );
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn reads_all_three_dump_shapes() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let details = format!(
            r#"{{"RoleDetailList": [{{"RoleName": "a", "AssumeRolePolicyDocument": {doc}}}, {{"RoleName": "b"}}], "UserDetailList": []}}"#
        );
        let found = extract("d.json", &parse_json(&details).unwrap()).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].label, "d.json: a");
        assert!(found[0].document.get("Statement").is_some());

        let get_role =
            format!(r#"{{"Role": {{"RoleName": "r", "AssumeRolePolicyDocument": {doc}}}}}"#);
        assert_eq!(
            extract("g.json", &parse_json(&get_role).unwrap())
                .unwrap()
                .len(),
            1
        );

        let encoded: String = doc
            .bytes()
            .map(|b| match b {
                b'{' | b'}' | b'"' | b':' | b'[' | b']' | b',' => format!("%{b:02X}"),
                _ => (b as char).to_string(),
            })
            .collect();
        let list = format!(
            r#"{{"Roles": [{{"RoleName": "e", "AssumeRolePolicyDocument": "{encoded}"}}]}}"#
        );
        let root = parse_json(&list).unwrap();
        let found = extract("l.json", &root).unwrap();
        let string_span = root.get("Roles").unwrap().value.clone();
        let NodeKind::Array(items) = &string_span.kind else {
            panic!()
        };
        let span = items[0].get("AssumeRolePolicyDocument").unwrap().value.span;
        assert_eq!(found[0].document.span, span);
        assert_eq!(found[0].document.get("Statement").unwrap().key_span, span);
    }

    #[test]
    fn other_json_is_not_a_dump() {
        for text in [
            r#"{"Statement": []}"#,
            r#"{"Roles": ["admin"]}"#,
            r#"{"Roles": 3}"#,
        ] {
            assert!(extract("x", &parse_json(text).unwrap()).is_none(), "{text}");
        }
    }
}
