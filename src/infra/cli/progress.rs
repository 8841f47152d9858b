//! 进度条 for long CLI work (the large data load): drawn on stderr only when stderr is a
//! terminal, hidden otherwise, so that tests, pipes and CI logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar of `len` steps titled `title`; hidden unless stderr is a terminal.
pub fn steps(len: u64, title: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}（已用 {elapsed}）")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(title);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Moves the bar on to the step `name` (the steps before it are done).
pub fn step(bar: &ProgressBar, name: &'static str) {
    if bar.message().is_empty() && bar.position() == 0 {
        bar.set_message(format!("正在写入{name}"));
        return;
    }
    bar.inc(1);
    bar.set_message(format!("正在写入{name}"));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_is_hidden_when_stderr_is_not_a_terminal() {
        use std::io::IsTerminal;
        // Under the test harness stderr is captured or piped: nothing may be drawn.
        if !std::io::stderr().is_terminal() {
            assert!(super::steps(3, "测试").is_hidden());
        }
    }
}
