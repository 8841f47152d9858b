//! Why zxcvbn finds a password easy to guess, told in Chinese: its warnings and suggestions
//! translated, so that the user learns what to change.

use zxcvbn::feedback::{Feedback, Suggestion, Warning};

/// The reasons and advice for a weak password, each a sentence ending in “。”.
pub fn why_weak(feedback: Option<&Feedback>) -> String {
    let mut text = String::new();
    if let Some(w) = feedback.and_then(Feedback::warning) {
        text.push_str(warning(w));
    }
    for s in feedback.map_or(&[][..], Feedback::suggestions) {
        if let Some(s) = suggestion(*s) {
            text.push_str(s);
        }
    }
    if text.is_empty() {
        text.push_str("它可能在较短时间内被猜出。");
    }
    text
}

fn warning(w: Warning) -> &'static str {
    match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => "键盘上连成一排的按键很容易被猜到。",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "较短的键盘组合很容易被猜到。",
        Warning::RepeatsLikeAaaAreEasyToGuess => "“aaa”这样的重复字符很容易被猜到。",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "“abcabcabc”这样的重复只比“abc”难猜一点。"
        }
        Warning::ThisIsATop10Password => "这是最常用的 10 个密码之一。",
        Warning::ThisIsATop100Password => "这是最常用的 100 个密码之一。",
        Warning::ThisIsACommonPassword => "这是一个非常常用的密码。",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "这与一个常用密码很相似。",
        Warning::SequencesLikeAbcAreEasyToGuess => "“abc”“6543”这样的顺序很容易被猜到。",
        Warning::RecentYearsAreEasyToGuess => "最近的年份很容易被猜到。",
        Warning::AWordByItselfIsEasyToGuess => "单个词语很容易被猜到。",
        Warning::DatesAreOftenEasyToGuess => "日期往往很容易被猜到。",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "单独的姓名很容易被猜到。",
        Warning::CommonNamesAndSurnamesAreEasyToGuess => "常见的姓名很容易被猜到。",
    }
}

/// `None` for advice that would only confuse here (zxcvbn's “no need for symbols”).
fn suggestion(s: Suggestion) -> Option<&'static str> {
    Some(match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases => "可以用几个词组合，避免常见的说法。",
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => return None,
        Suggestion::AddAnotherWordOrTwo => "再加一两个词，不常见的词更好。",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "改变大小写帮助不大。",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "全部大写和全部小写几乎一样容易被猜到。"
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => "把词倒过来写并不更难猜。",
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "用“@”代替“a”这类可预料的替换帮助不大。"
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => "键盘组合要更长、转折更多。",
        Suggestion::AvoidRepeatedWordsAndCharacters => "避免重复的词和字符。",
        Suggestion::AvoidSequences => "避免顺序排列的字符。",
        Suggestion::AvoidRecentYears => "避免最近的年份。",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "避免与您有关的年份。",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => "避免与您有关的日期和年份。",
    })
}
