//! 成员单位名录: the data file of member units' short and full names (`seeds/units.toml`).

use serde::Deserialize;

/// One leading group's member units, in the directory's order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UnitDirectory {
    /// The leading group whose members these are (matches a plan's issuer).
    pub issuer: String,
    /// `[short name, full name]` pairs.
    pub units: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct UnitsFile {
    #[serde(default, rename = "directory")]
    pub directories: Vec<UnitDirectory>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("第{line}行: {message}")]
pub struct UnitDirectoryError {
    pub line: usize,
    pub message: String,
}

impl UnitsFile {
    pub fn parse(text: &str) -> Result<Self, UnitDirectoryError> {
        let file: UnitsFile = toml::from_str(text).map_err(|e| UnitDirectoryError {
            line: e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].lines().count().max(1)
            }),
            message: e.message().to_string(),
        })?;
        for d in &file.directories {
            let mut seen = std::collections::HashSet::new();
            for (short, full) in &d.units {
                let at = || line_of(text, short);
                if short.trim().is_empty() || full.trim().is_empty() {
                    return Err(UnitDirectoryError {
                        line: at(),
                        message: "单位简称和全称都不能为空".into(),
                    });
                }
                if !seen.insert(short.as_str()) {
                    return Err(UnitDirectoryError {
                        line: at(),
                        message: format!("单位简称“{short}”重复"),
                    });
                }
            }
        }
        Ok(file)
    }

    pub fn directory(&self, issuer: &str) -> Option<&UnitDirectory> {
        self.directories.iter().find(|d| d.issuer == issuer)
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| !needle.is_empty() && l.contains(needle))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_directory() {
        let f = UnitsFile::parse(include_str!("../../../seeds/units.toml")).expect("parses");
        let d = f
            .directory(super::super::NATIONAL_ISSUER)
            .expect("national directory");
        assert_eq!(d.units.len(), 27);
        assert_eq!(d.units[0], ("中央宣传部".into(), "中共中央宣传部".into()));
        assert!(
            d.units
                .contains(&("知识产权局".into(), "国家知识产权局".into()))
        );
    }

    #[test]
    fn refuses_duplicates_with_line() {
        let text = "[[directory]]\nissuer = \"x\"\nunits = [\n  [\"甲\", \"甲全称\"],\n  [\"甲\", \"又一个\"],\n]\n";
        let e = UnitsFile::parse(text).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("重复"));
    }

    #[test]
    fn refuses_malformed_toml_with_line() {
        let e = UnitsFile::parse("[[directory]]\nissuer = \n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
