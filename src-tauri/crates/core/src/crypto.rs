//! The app lock's key material and file encryption (no storage here: `store` keys the database
//! with the passphrase, `vault` encrypts originals with a [`VaultKey`], `lock` converts).
//!
//! The database is SQLCipher's business (its own key derivation from the passphrase, its own
//! salt in the file). The vault's files are sealed with a random 256-bit data key; that key is
//! stored in the (encrypted) database wrapped by a key derived from the passphrase with
//! Argon2id, so changing the passphrase re-wraps one small value instead of every file.
//!
//! A sealed file is `MAGIC`, a 19-byte random nonce prefix, then the plaintext in chunks of
//! `CHUNK` bytes, each sealed with XChaCha20-Poly1305 under the nonce prefix + a 32-bit chunk
//! counter + a last-chunk flag (the STREAM construction): a chunk cannot be dropped, moved or
//! cut off without the read failing.

use crate::error::{CoreError, Result};
use crate::Field;
use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use zeroize::{Zeroize, Zeroizing};

/// What a sealed file starts with.
pub const MAGIC: &[u8; 8] = b"TIXVLT01";
/// Plaintext bytes per sealed chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const PREFIX: usize = 19;
/// Header length: magic and nonce prefix.
pub const HEADER: usize = MAGIC.len() + PREFIX;
/// The shortest passphrase `lock set` and `lock change` accept.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The passphrase as typed, wiped from memory when dropped; never printed.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Any non-empty text (unlocking takes whatever was set).
    pub fn new(text: impl Into<String>, field: Field) -> Result<Passphrase> {
        let text = Zeroizing::new(text.into());
        if text.is_empty() {
            return Err(CoreError::invalid(
                field,
                "请输入密码",
                "enter the passphrase",
            ));
        }
        Ok(Passphrase(text))
    }

    /// A new passphrase: at least [`MIN_PASSPHRASE_CHARS`] characters, not only spaces.
    pub fn new_chosen(text: impl Into<String>, field: Field) -> Result<Passphrase> {
        let p = Passphrase::new(text, field.clone())?;
        if p.0.chars().count() < MIN_PASSPHRASE_CHARS || p.0.trim().is_empty() {
            return Err(CoreError::invalid(
                field,
                format!("密码至少需要 {MIN_PASSPHRASE_CHARS} 个字符"),
                format!("the passphrase needs at least {MIN_PASSPHRASE_CHARS} characters"),
            ));
        }
        Ok(p)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// The vault's data key, wiped from memory when dropped.
#[derive(Clone, Zeroize, zeroize::ZeroizeOnDrop)]
pub struct VaultKey([u8; 32]);

impl VaultKey {
    pub fn random() -> Result<VaultKey> {
        Ok(VaultKey(random_bytes()?))
    }

    /// Whether two keys are the same (every byte compared, whatever differs first).
    pub fn same_as(&self, other: &VaultKey) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(…)")
    }
}

/// Argon2id settings stored beside the wrapped key (so stronger ones can come later).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    /// 64 MiB, three passes, one lane (RFC 9106's second recommended setting, one lane).
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };
}

/// The vault's data key sealed under a key derived from the passphrase: what the database
/// stores (setting `lock.vault_key`, as JSON with hex strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub kdf: String,
    pub params: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub sealed: String,
}

impl WrappedKey {
    pub fn wrap(key: &VaultKey, passphrase: &Passphrase) -> Result<WrappedKey> {
        let salt: [u8; 16] = random_bytes()?;
        let nonce: [u8; 24] = random_bytes()?;
        let params = KdfParams::DEFAULT;
        let kek = derive(passphrase, &salt, params)?;
        let mut sealed = key.0.to_vec();
        let tag = kek
            .cipher()
            .encrypt_in_place_detached(XNonce::from_slice(&nonce), b"tixian vault key", &mut sealed)
            .map_err(|_| CoreError::Internal("sealing the vault key failed".into()))?;
        sealed.extend_from_slice(&tag);
        Ok(WrappedKey {
            kdf: "argon2id".into(),
            params,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    /// The data key, or a wrong-passphrase error on `field`.
    pub fn unwrap_key(&self, passphrase: &Passphrase, field: Field) -> Result<VaultKey> {
        let broken = || CoreError::Internal("the stored vault key is malformed".into());
        if self.kdf != "argon2id" {
            return Err(broken());
        }
        let salt = hex::decode(&self.salt).map_err(|_| broken())?;
        let nonce = hex::decode(&self.nonce).map_err(|_| broken())?;
        let sealed = Zeroizing::new(hex::decode(&self.sealed).map_err(|_| broken())?);
        if nonce.len() != 24 || sealed.len() != 32 + TAG {
            return Err(broken());
        }
        let kek = derive(passphrase, &salt, self.params)?;
        let mut plain = Zeroizing::new(sealed[..32].to_vec());
        kek.cipher()
            .decrypt_in_place_detached(
                XNonce::from_slice(&nonce),
                b"tixian vault key",
                &mut plain,
                sealed[32..].into(),
            )
            .map_err(|_| wrong_passphrase(field))?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&plain);
        Ok(VaultKey(key))
    }
}

/// The error for a passphrase that does not open the lock.
pub fn wrong_passphrase(field: Field) -> CoreError {
    CoreError::invalid(field, "密码不正确", "wrong passphrase")
}

fn derive(passphrase: &Passphrase, salt: &[u8], p: KdfParams) -> Result<VaultKey> {
    let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(32))
        .map_err(|e| CoreError::Internal(format!("Argon2 parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    argon
        .hash_password_into(passphrase.expose().as_bytes(), salt, &mut out)
        .map_err(|e| CoreError::Internal(format!("Argon2: {e}")))?;
    Ok(VaultKey(out))
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)
        .map_err(|e| CoreError::Internal(format!("no random numbers from the system: {e}")))?;
    Ok(b)
}

fn chunk_nonce(prefix: &[u8], counter: u32, last: bool) -> XNonce {
    let mut n = [0u8; 24];
    n[..PREFIX].copy_from_slice(prefix);
    n[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    n[23] = last as u8;
    n.into()
}

/// Writes `src` sealed into `dst`; returns the plaintext length. Every chunk but the last holds
/// exactly [`CHUNK`] bytes and the last fewer (an empty one when the length is a multiple), so
/// a reader knows the last chunk by its size and a file cut at a chunk boundary fails.
pub fn seal_stream(key: &VaultKey, src: &mut dyn Read, dst: &mut dyn Write) -> Result<u64> {
    let cipher = key.cipher();
    let prefix: [u8; PREFIX] = random_bytes()?;
    dst.write_all(MAGIC)?;
    dst.write_all(&prefix)?;
    let mut buf = Zeroizing::new(vec![0u8; CHUNK]);
    let mut total = 0u64;
    for counter in 0u32.. {
        let len = read_full(src, &mut buf)?;
        let last = len < CHUNK;
        let tag = cipher
            .encrypt_in_place_detached(&chunk_nonce(&prefix, counter, last), MAGIC, &mut buf[..len])
            .map_err(|_| CoreError::Internal("sealing a vault file failed".into()))?;
        dst.write_all(&buf[..len])?;
        dst.write_all(&tag)?;
        total += len as u64;
        if last {
            break;
        }
    }
    Ok(total)
}

fn read_full(src: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match src.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads a sealed stream back (after its header): each chunk is checked as it is read; a
/// changed, cut or reordered file is an `InvalidData` error.
pub struct Opener<R: Read> {
    src: R,
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    counter: u32,
    plain: Zeroizing<Vec<u8>>,
    pos: usize,
    done: bool,
}

impl<R: Read> Opener<R> {
    /// `header` is the first [`HEADER`] bytes, already read from `src`.
    pub fn new(key: &VaultKey, header: &[u8], src: R) -> Opener<R> {
        let mut prefix = [0u8; PREFIX];
        prefix.copy_from_slice(&header[MAGIC.len()..HEADER]);
        Opener {
            src,
            cipher: key.cipher(),
            prefix,
            counter: 0,
            plain: Zeroizing::new(Vec::with_capacity(CHUNK + TAG)),
            pos: 0,
            done: false,
        }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
        self.plain.resize(CHUNK + TAG, 0);
        let n = read_full(&mut self.src, &mut self.plain)?;
        if n < TAG {
            return Err(bad("a sealed vault file was cut short"));
        }
        let last = n < CHUNK + TAG;
        let len = n - TAG;
        let tag: [u8; TAG] = self.plain[len..n].try_into().expect("16 bytes");
        self.plain.truncate(len);
        self.cipher
            .decrypt_in_place_detached(
                &chunk_nonce(&self.prefix, self.counter, last),
                MAGIC,
                &mut self.plain,
                (&tag).into(),
            )
            .map_err(|_| {
                bad("a sealed vault file does not open with this key (changed, or another key)")
            })?;
        self.counter = self
            .counter
            .checked_add(1)
            .ok_or_else(|| bad("a sealed vault file is too long"))?;
        self.pos = 0;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> VaultKey {
        VaultKey([7u8; 32])
    }

    fn open_all(key: &VaultKey, sealed: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Opener::new(key, &sealed[..HEADER], &sealed[HEADER..]).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn sealed_files_of_every_length_around_a_chunk_open_to_what_went_in() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut sealed = Vec::new();
            assert_eq!(
                seal_stream(&key(), &mut &plain[..], &mut sealed).unwrap(),
                len as u64
            );
            assert!(sealed.starts_with(MAGIC));
            assert_eq!(open_all(&key(), &sealed).unwrap(), plain, "length {len}");
        }
    }

    #[test]
    fn a_changed_cut_or_wrongly_keyed_file_does_not_open() {
        let plain = vec![42u8; 2 * CHUNK + 10];
        let mut sealed = Vec::new();
        seal_stream(&key(), &mut &plain[..], &mut sealed).unwrap();
        let mut flipped = sealed.clone();
        flipped[HEADER + 100] ^= 1;
        assert!(open_all(&key(), &flipped).is_err());
        // Cut after the first full chunk: the reader takes the second for the last and fails.
        let cut = &sealed[..HEADER + 2 * (CHUNK + TAG)];
        assert!(open_all(&key(), cut).is_err());
        assert!(open_all(&VaultKey([8u8; 32]), &sealed).is_err());
    }

    #[test]
    fn the_wrapped_key_opens_with_its_passphrase_only() {
        let pass = Passphrase::new_chosen("correct horse", Field::Passphrase).unwrap();
        let wrapped = WrappedKey::wrap(&key(), &pass).unwrap();
        let json = serde_json::to_string(&wrapped).unwrap();
        let back: WrappedKey = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.unwrap_key(&pass, Field::Passphrase).unwrap().0,
            key().0
        );
        let wrong = Passphrase::new("battery staple", Field::Passphrase).unwrap();
        let e = back.unwrap_key(&wrong, Field::Passphrase).unwrap_err();
        assert_eq!((e.exit_code(), e.field_name()), (2, Some("passphrase")));
    }

    #[test]
    fn a_short_new_passphrase_is_refused_naming_its_field() {
        let e = Passphrase::new_chosen("short", Field::NewPassphrase).unwrap_err();
        assert_eq!(e.field_name(), Some("new_passphrase"));
        assert!(Passphrase::new("", Field::Passphrase).is_err());
        assert!(Passphrase::new_chosen("        ", Field::Passphrase).is_err());
        assert_eq!(
            format!(
                "{:?}",
                Passphrase::new("secret!!", Field::Passphrase).unwrap()
            ),
            "Passphrase(…)"
        );
    }
}
