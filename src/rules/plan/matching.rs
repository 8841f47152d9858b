//! 与上年比对: each item of a plan matched to the items of the same issuer's plan of the year
//! before, by the likeness of their texts and the overlap of their units, and labelled
//! `continued` (near the same), `changed` (the same item reworded, or with other units) or
//! `new`; last year's items left without a match are `dropped`.
//!
//! The method, measured on the 2022 plan (see the tests): a text is reduced to its letters
//! (Chinese characters, Latin letters, digits — every digit read as `0`, so that 剑网2022 and
//! 剑网2023 are alike; punctuation and spaces dropped) and compared as a set of character
//! bigrams by the Dice coefficient, `2|A∩B| / (|A|+|B|)`: Chinese has no spaces to split
//! words, and two-character pairs carry most of its words. Pairs are taken greedily, the most
//! alike first, each item at most once, by a score that is the text's likeness with the units'
//! overlap (Jaccard) to break near ties. Pure: no database, no clock.

use serde::Serialize;
use std::collections::HashSet;

/// Below this likeness two items are not the same item. Measured on the 2022 plan's 91 items
/// (`matching_tests.rs`): two different items are at most 0.45 alike (1.1.1 and 2.3.2), the
/// median item 0.21 to its nearest other; an item reworded as offices reword it keeps 0.82 or
/// more (a clause added: 0.82–; a clause cut: 0.88–0.97; 进一步 put in front: 0.93–0.99; 开展
/// become 深入推进: 0.86–0.99). 0.55 leaves a margin on both sides.
pub const MATCH_MIN: f64 = 0.55;

/// At or above this likeness, and with the same units, an item is `continued`: the same words,
/// punctuation, spacing and numbers aside (a year moved on is 1.0). Any rewording measured
/// above stays below it (at most 0.99), so a reworded item is `changed`.
pub const CONTINUED_MIN: f64 = 0.995;

/// How much the units' overlap counts in the score that orders the pairs.
const UNITS_WEIGHT: f64 = 0.15;

/// One item as matching reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub code: String,
    pub text: String,
    /// Its units (lead and co-responsible), by name.
    pub units: Vec<String>,
}

/// What an item of the new plan is to last year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Continued,
    Changed,
    New,
    Dropped,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Continued => "continued",
            Label::Changed => "changed",
            Label::New => "new",
            Label::Dropped => "dropped",
        }
    }

    /// The label in the interface.
    pub fn label(self) -> &'static str {
        match self {
            Label::Continued => "延续",
            Label::Changed => "调整",
            Label::New => "新增",
            Label::Dropped => "未延续",
        }
    }
}

/// The proposal for one item of the new plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub code: String,
    /// Last year's item it continues, if any.
    pub previous: Option<String>,
    pub label: Label,
    /// The texts' likeness, 0 to 1 (rounded to two places), where matched.
    pub similarity: Option<f64>,
    /// The units' overlap (Jaccard), 0 to 1, where matched.
    pub units_overlap: Option<f64>,
}

/// The whole proposal: one line per new item, in its order; last year's items left over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matching {
    pub items: Vec<Proposal>,
    pub dropped: Vec<String>,
}

impl Matching {
    pub fn count(&self, label: Label) -> usize {
        if label == Label::Dropped {
            return self.dropped.len();
        }
        self.items.iter().filter(|p| p.label == label).count()
    }
}

/// The text's letters, digits read as `0`.
fn letters(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                '0'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let l = letters(text);
    l.windows(2).map(|w| (w[0], w[1])).collect()
}

fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// How alike two texts are, 0 to 1.
pub fn similarity(a: &str, b: &str) -> f64 {
    dice(&bigrams(a), &bigrams(b))
}

/// The units' overlap: shared over all (1 for two empty lists).
pub fn units_overlap(a: &[String], b: &[String]) -> f64 {
    let a: HashSet<&str> = a.iter().map(String::as_str).collect();
    let b: HashSet<&str> = b.iter().map(String::as_str).collect();
    let all = a.union(&b).count();
    if all == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / all as f64
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Matches `next`'s items to `previous`'s.
pub fn match_plans(previous: &[Item], next: &[Item]) -> Matching {
    let prev_grams: Vec<_> = previous.iter().map(|i| bigrams(&i.text)).collect();
    let next_grams: Vec<_> = next.iter().map(|i| bigrams(&i.text)).collect();
    // Every pair alike enough, the most alike first (ties in the plans' order).
    let mut pairs = Vec::new();
    for (n, ng) in next_grams.iter().enumerate() {
        for (p, pg) in prev_grams.iter().enumerate() {
            let text = dice(ng, pg);
            if text >= MATCH_MIN {
                let units = units_overlap(&next[n].units, &previous[p].units);
                pairs.push((text + UNITS_WEIGHT * units, text, units, n, p));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.3.cmp(&b.3)).then(a.4.cmp(&b.4)));
    let mut taken_next = vec![None; next.len()];
    let mut taken_prev = vec![false; previous.len()];
    for (_, text, units, n, p) in pairs {
        if taken_next[n].is_none() && !taken_prev[p] {
            taken_next[n] = Some((p, text, units));
            taken_prev[p] = true;
        }
    }
    let items = next
        .iter()
        .zip(taken_next)
        .map(|(item, found)| match found {
            Some((p, text, units)) => Proposal {
                code: item.code.clone(),
                previous: Some(previous[p].code.clone()),
                label: if text >= CONTINUED_MIN && units >= 1.0 {
                    Label::Continued
                } else {
                    Label::Changed
                },
                similarity: Some(round2(text)),
                units_overlap: Some(round2(units)),
            },
            None => Proposal {
                code: item.code.clone(),
                previous: None,
                label: Label::New,
                similarity: None,
                units_overlap: None,
            },
        })
        .collect();
    let dropped = previous
        .iter()
        .zip(taken_prev)
        .filter(|(_, taken)| !taken)
        .map(|(i, _)| i.code.clone())
        .collect();
    Matching { items, dropped }
}

/// A parsed plan's items as matching reads them.
pub fn items_of(plan: &super::Plan) -> Vec<Item> {
    plan.tasks()
        .map(|(_, _, t)| Item {
            code: t.code.clone(),
            text: t.text.clone(),
            units: t.leads.iter().chain(&t.co).cloned().collect(),
        })
        .collect()
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
