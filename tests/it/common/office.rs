//! LibreOffice for the tests: a file converted to PDF headless, with a profile of its own so
//! that conversions at once do not clash (`scripts/test` installs LibreOffice where missing).

use std::path::PathBuf;

/// `bytes` saved as `name` (its extension tells LibreOffice what it is) and converted to PDF;
/// the folder holding both, and the PDF's path.
pub fn to_pdf(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let profile = dir.path().join("profile");
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .output()
        .expect("LibreOffice (soffice; scripts/test installs libreoffice-*-nogui)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = file.with_extension("pdf");
    assert!(
        pdf.exists(),
        "LibreOffice wrote no PDF: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    (dir, pdf)
}
