//! The files duban reads and writes: the Excel round trip, the exports, report attachments.

pub mod attachments;
pub mod docx;
pub mod export;
pub mod roundtrip;
