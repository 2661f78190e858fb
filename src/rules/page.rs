//! Rule pages: `rules/<id>.md`, one per rule, with a fixed outline.
//!
//! ```text
//! # <id>
//!
//! **Severity:** <severity>
//!
//! <summary paragraph>
//!
//! ## Why … ## Bad … ## Good … ## Fix … ## Sources
//! ```

/// Sections every page has, in this order.
pub const SECTIONS: &[&str] = &["## Why", "## Bad", "## Good", "## Fix", "## Sources"];

/// The first paragraph that is neither the title nor the severity line, joined into one line.
pub fn summary(page: &str) -> String {
    let mut lines = page
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.starts_with('#') || l.starts_with("**Severity"));
    let mut out = Vec::new();
    for line in lines.by_ref() {
        if line.trim().is_empty() || line.starts_with('#') {
            break;
        }
        out.push(line.trim());
    }
    out.join(" ")
}

/// The severity named on the page's `**Severity:**` line.
pub fn declared_severity(page: &str) -> Option<&str> {
    page.lines()
        .find_map(|l| l.strip_prefix("**Severity:**"))
        .map(|rest| rest.split_whitespace().next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_first_paragraph() {
        let page = "# x\n\n**Severity:** high\n\nReports a thing\nthat spans lines.\n\n## Why\n";
        assert_eq!(summary(page), "Reports a thing that spans lines.");
        assert_eq!(declared_severity(page), Some("high"));
    }
}
