//! Where a node's content starts in the text: past its properties (anchor, tag), the separation
//! around them, a block scalar's header, a sequence entry's dash.

/// The start of a node's content after `count` properties (anchor, tag) and the separation
/// (spaces, line breaks, comments) around them, not past `bound`.
pub(super) fn skip_properties(text: &str, mut pos: usize, mut count: usize, bound: usize) -> usize {
    let bytes = text.as_bytes();
    if count == 0 {
        return pos;
    }
    loop {
        pos = skip_separation(bytes, pos, bound);
        if count == 0 || pos >= bound || !matches!(bytes[pos], b'!' | b'&') {
            return pos.min(bound);
        }
        count -= 1;
        if bytes[pos..].starts_with(b"!<") {
            // A verbatim tag may hold flow indicators.
            while pos < bound && bytes[pos] != b'>' {
                pos += 1;
            }
        }
        while pos < bound
            && !matches!(
                bytes[pos],
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            )
        {
            pos += 1;
        }
    }
}

fn skip_separation(bytes: &[u8], mut pos: usize, bound: usize) -> usize {
    while pos < bound {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                while pos < bound && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    pos
}

/// From a block scalar's `|`/`>` header to its first content character, not past `bound`.
pub(super) fn skip_block_header(text: &str, pos: usize, bound: usize) -> usize {
    let bytes = text.as_bytes();
    if pos >= bound || !matches!(bytes[pos], b'|' | b'>') {
        return pos;
    }
    let line_end = bytes[pos..bound]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bound, |i| pos + i);
    line_end
        + bytes[line_end..bound]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count()
}

/// For a block sequence whose start event points past its first `- `, the `-`.
pub(super) fn dash_before(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(pos) == Some(&b'-') {
        return pos;
    }
    let mut at = pos;
    while at > 0 && matches!(bytes[at - 1], b' ' | b'\t') {
        at -= 1;
    }
    if at > 0 && bytes[at - 1] == b'-' {
        at - 1
    } else {
        pos
    }
}
