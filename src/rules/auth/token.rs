//! API tokens: `dbn_` and 64 hex characters from the OS's random source. Only a SHA-256 of
//! the token is stored.

use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

pub struct ApiToken {
    /// The token as given to its holder; shown once.
    pub secret: String,
    pub hash: String,
    /// The first characters, to tell tokens apart in lists.
    pub prefix: String,
}

impl ApiToken {
    pub fn generate() -> ApiToken {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        let secret = format!("dbn_{}", hex::encode(bytes));
        ApiToken {
            hash: hash_token(&secret),
            prefix: secret[..12].to_string(),
            secret,
        }
    }
}

pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = ApiToken::generate();
        let b = ApiToken::generate();
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret.len(), 68);
        assert!(a.secret.starts_with(&a.prefix));
        assert_eq!(hash_token(&a.secret), a.hash);
        assert_eq!(a.hash.len(), 64);
    }
}
