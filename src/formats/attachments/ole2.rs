//! OLE2 compound files (复合文档, doc/xls): the stream names in the root storage, read with
//! every chain bounded so a hostile file cannot loop or read out of bounds.

use super::Kind;
use super::bytes::{le_u16, le_u32};

pub(super) const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const MAX_REG_SECT: u32 = 0xFFFF_FFFA;
pub(super) const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
pub(super) const NO_STREAM: u32 = 0xFFFF_FFFF;
pub(super) const DIR_ENTRY_LEN: usize = 128;
pub(super) const OLE_STREAM: u8 = 2;
pub(super) const OLE_ROOT: u8 = 5;

struct Ole2<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// Sector ids of the FAT sectors, in order.
    fat_sectors: Vec<u32>,
    /// No chain can be longer than the number of sectors the file holds.
    max_sectors: usize,
}

impl<'a> Ole2<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        if !bytes.starts_with(OLE2_MAGIC) || le_u16(bytes, 28)? != 0xFFFE {
            return None;
        }
        let sector_size = match le_u16(bytes, 30)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let max_sectors = bytes.len() / sector_size + 1;
        let fat_count = usize::try_from(le_u32(bytes, 44)?).ok()?;
        if fat_count > max_sectors {
            return None;
        }
        let mut ole = Ole2 {
            bytes,
            sector_size,
            fat_sectors: Vec::with_capacity(fat_count),
            max_sectors,
        };
        // The first 109 FAT sector ids are in the header, the rest in the DIFAT chain.
        for i in 0..fat_count.min(109) {
            ole.fat_sectors.push(le_u32(bytes, 76 + 4 * i)?);
        }
        let mut difat = le_u32(bytes, 68)?;
        let per_difat = sector_size / 4 - 1;
        let mut hops = 0;
        while ole.fat_sectors.len() < fat_count {
            hops += 1;
            if difat > MAX_REG_SECT || hops > max_sectors {
                return None;
            }
            let sector = ole.sector(difat)?;
            for i in 0..per_difat {
                if ole.fat_sectors.len() == fat_count {
                    break;
                }
                ole.fat_sectors.push(le_u32(sector, 4 * i)?);
            }
            difat = le_u32(sector, 4 * per_difat)?;
        }
        Some(ole)
    }

    /// The bytes of sector `id`; a final sector cut short by a writer that did not pad the
    /// file is returned as far as it goes.
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        if id > MAX_REG_SECT {
            return None;
        }
        let start = (usize::try_from(id).ok()?.checked_add(1)?).checked_mul(self.sector_size)?;
        if start >= self.bytes.len() {
            return None;
        }
        let end = start.saturating_add(self.sector_size).min(self.bytes.len());
        Some(&self.bytes[start..end])
    }

    fn next_sector(&self, id: u32) -> Option<u32> {
        let per_fat = self.sector_size / 4;
        let id = usize::try_from(id).ok()?;
        let fat_sector = *self.fat_sectors.get(id / per_fat)?;
        le_u32(self.sector(fat_sector)?, (id % per_fat) * 4)
    }

    /// All directory entries, following the directory chain from the header.
    fn directory(&self) -> Option<Vec<DirEntry>> {
        let mut entries = Vec::new();
        let mut id = le_u32(self.bytes, 48)?;
        let mut hops = 0;
        while id != END_OF_CHAIN {
            hops += 1;
            if hops > self.max_sectors {
                return None;
            }
            let sector = self.sector(id)?;
            entries.extend(
                sector
                    .chunks_exact(DIR_ENTRY_LEN)
                    .filter_map(DirEntry::parse),
            );
            id = self.next_sector(id)?;
        }
        Some(entries)
    }
}

struct DirEntry {
    name: String,
    kind: u8,
    left: u32,
    right: u32,
    child: u32,
}

impl DirEntry {
    fn parse(raw: &[u8]) -> Option<Self> {
        let name_bytes = usize::from(le_u16(raw, 64)?);
        // The length counts the terminating NUL; at most 32 UTF-16 units in 64 bytes.
        let units = (name_bytes / 2).saturating_sub(1).min(31);
        let utf16 = (0..units).map(|i| le_u16(raw, 2 * i).unwrap_or(0));
        let name = char::decode_utf16(utf16)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        Some(DirEntry {
            name,
            kind: *raw.get(66)?,
            left: le_u32(raw, 68)?,
            right: le_u32(raw, 72)?,
            child: le_u32(raw, 76)?,
        })
    }
}

pub(super) fn sniff_ole2(bytes: &[u8]) -> Option<Kind> {
    let ole = Ole2::parse(bytes)?;
    let entries = ole.directory()?;
    let root = entries.first()?;
    if root.kind != OLE_ROOT {
        return None;
    }
    // The children of a storage form a tree through their left/right sibling links.
    let (mut word, mut excel) = (false, false);
    let mut visited = vec![false; entries.len()];
    let mut stack = vec![root.child];
    while let Some(id) = stack.pop() {
        if id == NO_STREAM {
            continue;
        }
        let Ok(index) = usize::try_from(id) else {
            continue;
        };
        let Some(entry) = entries.get(index) else {
            continue;
        };
        if std::mem::replace(&mut visited[index], true) {
            continue;
        }
        stack.push(entry.left);
        stack.push(entry.right);
        if entry.kind == OLE_STREAM {
            let name = entry.name.as_str();
            if name.eq_ignore_ascii_case("WordDocument") {
                word = true;
            } else if name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book") {
                excel = true;
            }
        }
        // Sub-storages (embedded objects such as a chart's workbook) are not entered.
    }
    match (word, excel) {
        (true, false) => Some(Kind::Doc),
        (false, true) => Some(Kind::Xls),
        _ => None,
    }
}
#[cfg(test)]
#[path = "ole2_tests.rs"]
mod tests;
