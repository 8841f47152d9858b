//! Word documents (.docx) the office issues, in the national layout for official documents
//! (GB/T 9704-2012): the 通报, the 督办单 and 催办单, and a unit's one-page brief. Each kind
//! takes plain data and gives the file's bytes; the same data gives the same bytes.

mod brief;
mod bulletin;
pub mod fonts;
pub mod layout;
mod official;
mod slips;

pub use brief::{BriefRow, UnitBrief, brief};
pub use bulletin::bulletin;
pub use official::{Inline, Official, clean};
pub use slips::{Slip, SlipKind, slip};

/// The content type of a .docx.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What every document carries above its title and in its header.
#[derive(Debug, Clone)]
pub struct Masthead {
    /// 发文字号; `None` while a draft.
    pub number: Option<String>,
    /// A draft: 草稿 in the header.
    pub draft: bool,
    /// 成文日期, `2022年10月20日`.
    pub date: String,
}

/// A document that could not be written (an internal fault of the zip writer).
#[derive(Debug, thiserror::Error)]
#[error("写出 Word 文件失败：{0}")]
pub struct DocxError(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::bulletin::{Draft, Piece, SectionDraft, Source};
    use std::io::Read;

    fn part(docx: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
        let mut s = String::new();
        z.by_name(name)
            .expect("the part")
            .read_to_string(&mut s)
            .expect("utf-8");
        s
    }

    fn draft() -> Draft {
        Draft {
            title: "关于<w:p>“测试”&工作要点落实情况的通报（第1期）".into(),
            opening: "截至2022年10月20日，共有任务3项。".into(),
            sections: vec![SectionDraft {
                heading: "（一）加强制度建设".into(),
                paragraphs: vec![vec![
                    Piece::Text("（任务1.1）司法部：".into()),
                    Piece::Sourced {
                        text: format!("</w:t></w:r>{}\u{1}。", "长".repeat(300)),
                        n: 1,
                    },
                ]],
            }],
            reporting: vec!["全部按时。".into()],
            red: vec![],
            red_rows: vec![],
            requests: vec![],
            closing: "请继续推进。".into(),
            sources: vec![Source {
                n: 1,
                code: "1.1".into(),
                unit: "司法部".into(),
                version: "2022年第三季度第1版".into(),
                sentence: "起草。".into(),
            }],
        }
    }

    #[test]
    fn a_bulletin_is_laid_out_to_gb_t_9704() {
        let m = Masthead {
            number: Some("打假办通〔2022〕1号".into()),
            draft: false,
            date: "2022年10月20日".into(),
        };
        let bytes = bulletin(&draft(), &m).unwrap();
        let doc = part(&bytes, "word/document.xml");
        assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "{doc}");
        assert!(doc.contains(r#"w:top="2098""#) && doc.contains(r#"w:left="1587""#));
        assert!(doc.contains(r#"w:linePitch="579""#));
        assert!(doc.contains("打假办通〔2022〕1号"));
        // Markup in a text stays text; the control character is gone.
        assert!(doc.contains("&lt;w:p&gt;"));
        assert!(doc.contains("&lt;/w:t&gt;&lt;/w:r&gt;"));
        assert!(!doc.contains('\u{1}'));
        assert!(docx_rs::read_docx(&bytes).is_ok());
        let fonts = part(&bytes, "word/fontTable.xml");
        assert!(fonts.contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>"#));
        // The same content gives the same bytes; a draft says so in its header.
        assert_eq!(bytes, bulletin(&draft(), &m).unwrap());
        let d = bulletin(
            &draft(),
            &Masthead {
                number: None,
                draft: true,
                ..m
            },
        )
        .unwrap();
        let z = zip::ZipArchive::new(std::io::Cursor::new(&d)).unwrap();
        let header = z
            .file_names()
            .filter_map(Result::ok)
            .find(|n| n.starts_with("word/header"))
            .map(|n| n.to_string());
        assert!(part(&d, &header.expect("a header")).contains("草稿"));
    }
}
