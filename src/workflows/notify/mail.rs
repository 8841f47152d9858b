//! A notification as a mail: subject, plain text and HTML, from askama templates.

use crate::db::notices::Claimed;
use askama::Template;

struct Item {
    title: String,
    body: String,
    paragraphs: Vec<String>,
    url: String,
}

#[derive(Template)]
#[template(path = "mail/notice.txt", escape = "none")]
struct Text<'a> {
    messages: &'a [Item],
    settings_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
struct Html<'a> {
    subject: &'a str,
    messages: &'a [Item],
    settings_url: &'a str,
}

/// Subject, text and HTML of one mail for `group` (one notification, or a digest's parts).
pub fn render(public_url: &str, group: &[Claimed]) -> (String, String, String) {
    let items: Vec<Item> = group
        .iter()
        .map(|c| Item {
            title: c.title.clone(),
            body: c.body.clone(),
            paragraphs: c
                .body
                .split('\n')
                .filter(|p| !p.trim().is_empty())
                .map(str::to_string)
                .collect(),
            url: format!("{public_url}{}", c.link),
        })
        .collect();
    let subject = if group.len() == 1 {
        group[0].title.clone()
    } else {
        format!("【督办】每日通知汇总（{}条）", group.len())
    };
    // Titles are one line by construction; a subject must be, whatever a later kind sends.
    let subject = crate::rules::notices::one_line(&subject);
    let settings_url = format!("{public_url}/account/notifications");
    let text = Text {
        messages: &items,
        settings_url: &settings_url,
    }
    .render()
    .unwrap_or_default();
    let html = Html {
        subject: &subject,
        messages: &items,
        settings_url: &settings_url,
    }
    .render()
    .unwrap_or_default();
    (subject, text, html)
}
