//! The password policy and Argon2id hashing. Passwords are never logged or echoed.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use rand::rngs::OsRng;

use super::strength;

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 200;
/// A login this long or longer may not appear inside the password (shorter ones, such as
/// `li`, are common letter pairs; zxcvbn still weighs them as the user's own words).
const LOGIN_INSIDE_MIN_CHARS: usize = 3;
/// zxcvbn's score a password needs: 3 means it takes at least 10^8 guesses.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要 {MIN_CHARS} 个字符")]
    TooShort,
    #[error("密码不能超过 {MAX_CHARS} 个字符")]
    TooLong,
    #[error("密码不能与登录名相同")]
    SameAsLogin,
    #[error("密码不能包含登录名，请换一个与登录名无关的密码。")]
    ContainsLogin,
    /// zxcvbn's score is below [`MIN_SCORE`]; the text says why, in Chinese.
    #[error("密码太容易被猜到：{0}请使用更长、更不规则的密码，例如几个不相关的词加上数字。")]
    Weak(String),
}

/// Checks a new password against the policy: its length, not the login nor built on it, and
/// hard to guess (zxcvbn score of at least 3, the login and the display name counting as words
/// an attacker tries first).
pub fn validate_password(
    login: &str,
    display_name: &str,
    password: &str,
) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    let login = login.trim().to_lowercase();
    let lowered = password.trim().to_lowercase();
    if lowered == login {
        return Err(PasswordError::SameAsLogin);
    }
    if login.chars().count() >= LOGIN_INSIDE_MIN_CHARS && lowered.contains(&login) {
        return Err(PasswordError::ContainsLogin);
    }
    let entropy = zxcvbn::zxcvbn(password, &[login.as_str(), display_name.trim()]);
    if entropy.score() < MIN_SCORE {
        return Err(PasswordError::Weak(strength::why_weak(entropy.feedback())));
    }
    Ok(())
}

/// Argon2id with the crate's default parameters and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Verifies against a stored PHC string. A malformed stored hash verifies nothing.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// [`verify_password`] off the async worker threads, a few at a time: each check takes tens of
/// milliseconds and 19 MiB, and a burst of sign-ins (a quarter's end) must not stall every other
/// request of the process.
pub async fn verify_password_off_thread(password: &str, stored: &str) -> bool {
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);
    let Ok(_slot) = SLOTS.acquire().await else {
        return false;
    };
    let (password, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false)
}

/// A random one-time password: 16 characters without look-alikes (0/O, 1/l/I).
pub fn new_one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A one-time password that passes the policy for this user: drawn again in the rare case
/// that the random letters spell the login.
pub fn new_one_time_password_for(login: &str, display_name: &str) -> String {
    let mut password = new_one_time_password();
    for _ in 0..64 {
        if validate_password(login, display_name, &password).is_ok() {
            break;
        }
        password = new_one_time_password();
    }
    password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        let check = |login: &str, password: &str| validate_password(login, "张三", password);
        assert_eq!(check("zhang", "short"), Err(PasswordError::TooShort));
        assert_eq!(
            check("zhangsan01", "ZhangSan01"),
            Err(PasswordError::SameAsLogin)
        );
        assert_eq!(
            check("zhang", &"x".repeat(201)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            check("zhangsan", "Zhangsan@Office#2024"),
            Err(PasswordError::ContainsLogin)
        );
        assert_eq!(check("zhang", "mellow-Tiger-harbour-37"), Ok(()));
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
        assert!(!verify_password("correct horse", "not a hash"));
        assert_ne!(h, hash_password("correct horse").unwrap(), "salted");
    }

    #[test]
    fn one_time_passwords_pass_the_policy() {
        let p = new_one_time_password();
        assert_eq!(p.chars().count(), 16);
        assert_ne!(p, new_one_time_password());
        // Every one drawn for a user passes, whatever the login (a short one included).
        for login in ["admin", "abc", "zhang", "li"] {
            for _ in 0..50 {
                let p = new_one_time_password_for(login, "系统管理员");
                assert_eq!(
                    validate_password(login, "系统管理员", &p),
                    Ok(()),
                    "{login}"
                );
            }
        }
    }

    #[test]
    fn weak_passwords_say_why_in_chinese() {
        let check = |p: &str| validate_password("zhang", "张三", p);
        for (weak, reason) in [
            ("1234567890", "这是最常用的 100 个密码之一。"),
            ("aaaaaaaaaa", "“aaa”这样的重复字符很容易被猜到。"),
            ("abcdefghijk", "“abc”“6543”这样的顺序很容易被猜到。"),
        ] {
            match check(weak) {
                Err(PasswordError::Weak(why)) => assert!(why.starts_with(reason), "{weak}: {why}"),
                other => panic!("{weak}: {other:?}"),
            }
            let message = check(weak).unwrap_err().to_string();
            assert!(message.starts_with("密码太容易被猜到：") && message.ends_with("。"));
        }
        // The display name is a word an attacker tries first too.
        assert!(matches!(
            validate_password("xm", "wangxiaoming", "wangxiaoming1"),
            Err(PasswordError::Weak(_))
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any text, of any script, is judged without a panic.
        #[test]
        fn any_text_is_judged_without_panic(p in "\\PC{0,60}", login in "[a-z0-9._-]{2,12}") {
            let _ = validate_password(&login, "张三", &p);
        }
    }
}
