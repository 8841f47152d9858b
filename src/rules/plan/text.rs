//! Small text helpers for reading a transcribed document.

/// Full-width punctuation mapped to its ASCII twin, one char for one char, so that char
/// positions in the normalised text are positions in the original.
pub fn normalize_char(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '，' => ',',
        '；' => ';',
        '：' => ':',
        '．' => '.',
        '\u{3000}' => ' ',
        _ => c,
    }
}

pub fn normalize(s: &str) -> String {
    s.chars().map(normalize_char).collect()
}

/// A line without Markdown heading marks, bold marks and surrounding blanks.
pub fn strip_marks(line: &str) -> String {
    let t = line.trim();
    let t = t.trim_start_matches('#').trim_start();
    let t = t.trim_start_matches('>').trim_start();
    t.replace("**", "").replace("__", "").trim().to_string()
}

/// Removes every blank: headings and titles are split by layout, never by meaning.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `---`, `***`, `___`: a Markdown thematic break (page rule in the transcription).
pub fn is_rule(content: &str) -> bool {
    let t = squeeze(content);
    t.len() >= 3
        && (t.chars().all(|c| c == '-')
            || t.chars().all(|c| c == '*')
            || t.chars().all(|c| c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_heading_and_bold_marks() {
        assert_eq!(
            strip_marks("## **五、聚力增强社会保护意识**"),
            "五、聚力增强社会保护意识"
        );
        assert_eq!(
            strip_marks("#### (四)开展重点渠道治理。  "),
            "(四)开展重点渠道治理。"
        );
        assert_eq!(strip_marks("plain"), "plain");
    }

    #[test]
    fn normalizes_full_width_punctuation_char_for_char() {
        let s = "（公安部，海关总署）";
        assert_eq!(normalize(s), "(公安部,海关总署)");
        assert_eq!(normalize(s).chars().count(), s.chars().count());
    }

    #[test]
    fn recognises_rules() {
        assert!(is_rule("---"));
        assert!(is_rule("* * *"));
        assert!(!is_rule("--"));
        assert!(!is_rule("-a-"));
    }
}
