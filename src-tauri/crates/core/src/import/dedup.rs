//! A transaction's identity for dedup: its id AND time, amount, direction and type (without an
//! id, the whole normalised row), kept as a 16-byte digest (`identity`, migration 0008), and the
//! set of identities an import checks rows against.

use super::layout::Columns;
use super::normalise::Txn;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt::Write;
use std::hash::{BuildHasherDefault, Hasher};

/// Field separator inside a dedup key (a control character no bill cell holds).
pub(super) const SEP: char = '\u{1f}';

/// The identity of a transaction: id AND time, amount, direction and type; without an id,
/// the whole normalised row (ids alone are not unique — see the format notes). Stored as its
/// [`identity`] digest.
pub(crate) fn dedup_key(out: &mut String, t: &Txn, c: &Columns, utc: &str) {
    out.clear();
    let id = t.text(c.txn_id);
    let _ = write!(
        out,
        "{id}{SEP}{utc}{SEP}{}{SEP}{}{SEP}{}",
        t.amount.fen(),
        t.direction.as_str(),
        t.text(c.txn_type)
    );
    if id.is_empty() {
        for col in [
            c.merchant_id,
            c.counterparty,
            c.goods,
            c.method,
            c.status,
            c.note,
        ] {
            let _ = write!(out, "{SEP}{}", t.text(col));
        }
    }
}

/// A dedup key's stored form (migration 0008): the first 16 bytes of its SHA-256.
pub fn identity(key: &str) -> Identity {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = [0; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

pub type Identity = [u8; 16];

/// Hashes an [`Identity`] by its first 8 bytes: it is already a uniform digest, so hashing it
/// again (SipHash) would only cost time.
#[derive(Default)]
pub(crate) struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Hash for [u8; 16] writes the 16 bytes in one call.
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }
}

/// Identities already stored or seen in this bill.
pub(super) type KnownSet = HashSet<Identity, BuildHasherDefault<DigestHasher>>;
