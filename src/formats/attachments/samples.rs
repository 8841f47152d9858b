//! Sample files built byte by byte for the attachment tests: every allowed kind, hostile ZIPs
//! and OLE2 compound files, and a small deterministic random generator.

use super::Kind;
use super::ole2::{DIR_ENTRY_LEN, END_OF_CHAIN, NO_STREAM, OLE_ROOT, OLE_STREAM};
use super::sniff::{OLE2_MAGIC, PNG_MAGIC, ZIP64_EOCD_SIG, ZIP64_LOCATOR_SIG};

pub const OLE_STORAGE: u8 = 1;

pub fn push16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
pub fn push32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
pub fn push64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// A ZIP built by hand: each entry is stored with the given bytes as data, but the
/// headers claim `claimed_size` as the uncompressed size and deflate as the method,
/// so a reader that trusted them would try to inflate garbage into a huge buffer.
pub fn zip_claiming(entries: &[(&str, &[u8])], claimed_size: u32, zip64: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for (name, data) in entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(b"PK\x03\x04");
        push16(&mut out, 20); // version needed
        push16(&mut out, 0); // flags
        push16(&mut out, 8); // method: deflate
        push16(&mut out, 0); // time
        push16(&mut out, 0x21); // date
        push32(&mut out, 0); // crc
        push32(&mut out, data.len() as u32);
        push32(&mut out, claimed_size);
        push16(&mut out, name.len() as u16);
        push16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
    }
    let cd_start = out.len();
    for ((name, data), offset) in entries.iter().zip(&offsets) {
        out.extend_from_slice(b"PK\x01\x02");
        push16(&mut out, 20); // version made by
        push16(&mut out, 20); // version needed
        push16(&mut out, 0);
        push16(&mut out, 8);
        push16(&mut out, 0);
        push16(&mut out, 0x21);
        push32(&mut out, 0);
        push32(&mut out, data.len() as u32);
        push32(&mut out, claimed_size);
        push16(&mut out, name.len() as u16);
        push16(&mut out, 0); // extra
        push16(&mut out, 0); // comment
        push16(&mut out, 0); // disk
        push16(&mut out, 0); // internal attrs
        push32(&mut out, 0); // external attrs
        push32(&mut out, *offset);
        out.extend_from_slice(name.as_bytes());
    }
    let cd_size = out.len() - cd_start;
    if zip64 {
        let record = out.len();
        push32(&mut out, ZIP64_EOCD_SIG);
        push64(&mut out, 44);
        push16(&mut out, 45);
        push16(&mut out, 45);
        push32(&mut out, 0);
        push32(&mut out, 0);
        push64(&mut out, entries.len() as u64);
        push64(&mut out, entries.len() as u64);
        push64(&mut out, cd_size as u64);
        push64(&mut out, cd_start as u64);
        push32(&mut out, ZIP64_LOCATOR_SIG);
        push32(&mut out, 0);
        push64(&mut out, record as u64);
        push32(&mut out, 1);
    }
    out.extend_from_slice(b"PK\x05\x06");
    push16(&mut out, 0);
    push16(&mut out, 0);
    let (count, size, offset) = if zip64 {
        (u16::MAX, u32::MAX, u32::MAX)
    } else {
        (entries.len() as u16, cd_size as u32, cd_start as u32)
    };
    push16(&mut out, count);
    push16(&mut out, count);
    push32(&mut out, size);
    push32(&mut out, offset);
    push16(&mut out, 0); // comment length
    out
}

pub fn zip(names: &[&str]) -> Vec<u8> {
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"<x/>"[..])).collect();
    zip_claiming(&entries, 4, false)
}

pub fn docx() -> Vec<u8> {
    zip(&[
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "docProps/core.xml",
    ])
}

pub fn xlsx() -> Vec<u8> {
    zip(&[
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
    ])
}

/// (name, object type, left, right, child)
pub type Entry<'a> = (&'a str, u8, u32, u32, u32);

pub fn dir_entry(out: &mut Vec<u8>, (name, kind, left, right, child): Entry) {
    let start = out.len();
    let units: Vec<u16> = name.encode_utf16().collect();
    for u in &units {
        push16(out, *u);
    }
    out.resize(start + 64, 0);
    push16(out, ((units.len() + 1) * 2) as u16);
    out.push(kind);
    out.push(1); // colour: black
    push32(out, left);
    push32(out, right);
    push32(out, child);
    out.resize(start + DIR_ENTRY_LEN, 0);
}

/// A minimal compound file: header, one FAT sector (id 0), one directory sector (id 1).
pub fn ole2_with_shift(entries: &[Entry], shift: u16) -> Vec<u8> {
    let ss = 1usize << shift;
    let mut out = Vec::new();
    out.extend_from_slice(OLE2_MAGIC);
    out.resize(24, 0);
    push16(&mut out, 0x3E); // minor version
    push16(&mut out, if shift == 9 { 3 } else { 4 });
    push16(&mut out, 0xFFFE);
    push16(&mut out, shift);
    push16(&mut out, 6); // mini sector shift
    out.resize(44, 0);
    push32(&mut out, 1); // FAT sectors
    push32(&mut out, 1); // first directory sector
    push32(&mut out, 0); // transaction
    push32(&mut out, 4096); // mini stream cutoff
    push32(&mut out, END_OF_CHAIN); // mini FAT
    push32(&mut out, 0);
    push32(&mut out, END_OF_CHAIN); // DIFAT
    push32(&mut out, 0);
    push32(&mut out, 0); // DIFAT[0] = sector 0 holds the FAT
    while out.len() < 512 {
        push32(&mut out, NO_STREAM);
    }
    out.resize(ss, 0);
    // sector 0: FAT
    push32(&mut out, 0xFFFF_FFFD); // sector 0 is a FAT sector
    push32(&mut out, END_OF_CHAIN); // directory chain ends at sector 1
    while out.len() < 2 * ss {
        push32(&mut out, NO_STREAM);
    }
    // sector 1: directory
    for e in entries {
        dir_entry(&mut out, *e);
    }
    while out.len() < 3 * ss {
        dir_entry(&mut out, ("", 0, NO_STREAM, NO_STREAM, NO_STREAM));
    }
    out
}

pub fn ole2(entries: &[Entry]) -> Vec<u8> {
    ole2_with_shift(entries, 9)
}

pub const N: u32 = NO_STREAM;

pub fn doc() -> Vec<u8> {
    ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 2),
        ("1Table", OLE_STREAM, N, N, N),
        ("WordDocument", OLE_STREAM, 1, 3, N),
        ("\u{5}SummaryInformation", OLE_STREAM, N, N, N),
    ])
}

pub fn xls() -> Vec<u8> {
    ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 1),
        ("Workbook", OLE_STREAM, N, 2, N),
        ("\u{5}DocumentSummaryInformation", OLE_STREAM, N, N, N),
    ])
}

pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec()
}
pub fn png() -> Vec<u8> {
    let mut v = PNG_MAGIC.to_vec();
    v.extend_from_slice(b"\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0");
    v
}
pub fn jpeg() -> Vec<u8> {
    b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9".to_vec()
}
pub fn gif() -> Vec<u8> {
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00!\xF9\x04\x01;".to_vec()
}
pub fn webp() -> Vec<u8> {
    b"RIFF\x1A\x00\x00\x00WEBPVP8L\x0D\x00\x00\x00\x2F\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xFE\x07\x00"
        .to_vec()
}

pub fn samples() -> Vec<(Kind, Vec<u8>)> {
    vec![
        (Kind::Pdf, pdf()),
        (Kind::Doc, doc()),
        (Kind::Docx, docx()),
        (Kind::Xls, xls()),
        (Kind::Xlsx, xlsx()),
        (Kind::Png, png()),
        (Kind::Jpeg, jpeg()),
        (Kind::Gif, gif()),
        (Kind::Webp, webp()),
    ]
}

/// xorshift64*: deterministic, good enough to throw bytes at a parser.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
