//! Chinese numerals as used in section and subsection markers (一 … 九十九).

/// Reads `一`..`九十九`; `None` for anything else.
pub fn parse_chinese_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [d] if *d == '十' => Some(10),
        [d] => digit(*d),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Writes 1..=99 as a Chinese numeral (for messages and display).
pub fn to_chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// `一、扎实开展重点难点治理`
pub fn section_label(number: i32, title: &str) -> String {
    format!("{}、{title}", to_chinese_numeral(number.max(0) as u32))
}

/// `(一)开展互联网领域治理`
pub fn subsection_label(number: i32, title: &str) -> String {
    format!("({}){title}", to_chinese_numeral(number.max(0) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_one_to_ninety_nine() {
        for n in 1..=99 {
            assert_eq!(
                parse_chinese_numeral(&to_chinese_numeral(n)),
                Some(n),
                "{n}"
            );
        }
    }

    #[test]
    fn refuses_non_numerals() {
        for s in ["", "零", "十十", "一一", "百", "a", "二十一十"] {
            assert_eq!(parse_chinese_numeral(s), None, "{s}");
        }
    }
}
