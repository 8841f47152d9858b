//! The password policy and Argon2id hashing. Passwords are never logged or echoed.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;
use rand::rngs::OsRng;

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要 {MIN_CHARS} 个字符")]
    TooShort,
    #[error("密码不能超过 {MAX_CHARS} 个字符")]
    TooLong,
    #[error("密码不能与登录名相同")]
    SameAsLogin,
}

/// Checks a new password against the policy.
pub fn validate_password(login: &str, password: &str) -> Result<(), PasswordError> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if n > MAX_CHARS {
        return Err(PasswordError::TooLong);
    }
    if password.trim().eq_ignore_ascii_case(login.trim()) {
        return Err(PasswordError::SameAsLogin);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(
            validate_password("zhang", "short"),
            Err(PasswordError::TooShort)
        );
        assert_eq!(
            validate_password("zhangsan01", "ZhangSan01"),
            Err(PasswordError::SameAsLogin)
        );
        assert_eq!(
            validate_password("zhang", &"x".repeat(201)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(validate_password("zhang", "密码是十个汉字长的吧"), Ok(()));
        assert_eq!(validate_password("zhang", "correct horse"), Ok(()));
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
        assert_eq!(validate_password("admin", &p), Ok(()));
        assert_ne!(p, new_one_time_password());
    }
}
