//! The cache entry file: a header that names what it holds and checks it, then the
//! payload.
//!
//! ```text
//! offset  size  field
//!      0     8  magic "KILNOBJ\0"
//!      8     4  format version (u32, little-endian)
//!     12    16  the full cache key (u128, little-endian)
//!     28     8  payload length in bytes (u64)
//!     36     8  xxh3-64 checksum of the payload (u64)
//!     44     …  payload: suffix (u32 length + UTF-8), columns flag (u8), spans (u32
//!               count + that many u32 pairs lo, hi), object (u64 length + bytes)
//! ```
//!
//! [`decode`] accepts an entry only if every field checks out and the payload decodes
//! exactly, with nothing left over; anything else is an error saying why.

use crate::jit::ObjectCode;
use crate::span::Span;
use std::io::Write;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

const MAGIC: &[u8; 8] = b"KILNOBJ\0";
/// The entry layout's version; also hashed into every key (`super::key`).
pub(super) const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 44;

/// The bytes of an entry holding `code` under `key`.
pub(super) fn encode(key: u128, code: &ObjectCode) -> Vec<u8> {
    let mut payload = Vec::with_capacity(code.object.len() + 16 + 8 * code.spans.len());
    payload.extend_from_slice(&(code.suffix.len() as u32).to_le_bytes());
    payload.extend_from_slice(code.suffix.as_bytes());
    payload.push(u8::from(code.columns));
    payload.extend_from_slice(&(code.spans.len() as u32).to_le_bytes());
    for span in &code.spans {
        payload.extend_from_slice(&span.lo.to_le_bytes());
        payload.extend_from_slice(&span.hi.to_le_bytes());
    }
    payload.extend_from_slice(&(code.object.len() as u64).to_le_bytes());
    payload.extend_from_slice(&code.object);
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    bytes
}

/// Reads little-endian fields off the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("truncated".to_owned());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, String> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Result<u64, String> {
        self.array().map(u64::from_le_bytes)
    }

    /// `n` (a length read from the input) as a `usize` no larger than what is left.
    fn len(&self, n: u64) -> Result<usize, String> {
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.0.len())
            .ok_or_else(|| "a length runs past the end".to_owned())
    }
}

/// The object code in an entry's `bytes`, if it is a valid entry for `key`.
pub(super) fn decode(bytes: &[u8], key: u128) -> Result<ObjectCode, String> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len()).map_err(|_| "truncated header")? != MAGIC {
        return Err("not a Kiln cache entry".to_owned());
    }
    let version = r.u32().map_err(|_| "truncated header")?;
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, expected {FORMAT_VERSION}"
        ));
    }
    let stored_key = u128::from_le_bytes(r.array().map_err(|_| "truncated header")?);
    if stored_key != key {
        return Err(format!("made for key {stored_key:032x}"));
    }
    let length = r.u64().map_err(|_| "truncated header")?;
    let checksum = r.u64().map_err(|_| "truncated header")?;
    if length != r.0.len() as u64 {
        return Err(format!(
            "payload of {} bytes, header says {length}",
            r.0.len()
        ));
    }
    if xxh3_64(r.0) != checksum {
        return Err("checksum mismatch".to_owned());
    }
    decode_payload(r).map_err(|why| format!("payload does not decode: {why}"))
}

fn decode_payload(mut r: Reader<'_>) -> Result<ObjectCode, String> {
    let n = r.u32()?;
    let n = r.len(n.into())?;
    let suffix = std::str::from_utf8(r.take(n)?)
        .map_err(|_| "the symbol suffix is not UTF-8")?
        .to_owned();
    let columns = match r.array::<1>()? {
        [0] => false,
        [1] => true,
        [b] => return Err(format!("columns flag {b}")),
    };
    let count = r.u32()?;
    // Each span takes 8 bytes: a count that cannot fit is refused before allocating.
    r.len(u64::from(count) * 8)?;
    let mut spans = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let (lo, hi) = (r.u32()?, r.u32()?);
        if lo > hi {
            return Err(format!("span {lo}..{hi} is reversed"));
        }
        spans.push(Span { lo, hi });
    }
    let n = r.u64()?;
    let n = r.len(n)?;
    let object = r.take(n)?.to_vec();
    if !r.0.is_empty() {
        return Err(format!("{} bytes after the object", r.0.len()));
    }
    Ok(ObjectCode {
        object,
        spans,
        suffix,
        columns,
    })
}

/// What a file in the cache directory is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FileKind {
    /// `<32 hex digits>.kobj`
    Entry,
    /// `.<32 hex digits>.kobj.<tag>.tmp`, from [`write_atomically`]: the tag is
    /// [`TEMP_TAG_LEN`] random ASCII letters and digits.
    Temporary,
}

/// How many random letters and digits name a temporary file apart from its entry.
const TEMP_TAG_LEN: usize = 12;

/// The kind of a file named `name`, if it is one of the cache's. Temporary files named
/// `.<entry>.<pid>.<nanos>.tmp` by earlier Kiln builds count too, so pruning removes them.
pub(super) fn file_kind(name: &str) -> Option<FileKind> {
    let is_key = |s: &str| s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(key) = name.strip_suffix(".kobj") {
        return is_key(key).then_some(FileKind::Entry);
    }
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (entry, tag) = rest.split_at_checked(32 + 5)?;
    let tag = tag.strip_prefix('.')?;
    let random = tag.len() == TEMP_TAG_LEN && tag.bytes().all(|b| b.is_ascii_alphanumeric());
    let legacy = tag
        .split_once('.')
        .is_some_and(|(pid, nanos)| is_number(pid) && is_number(nanos));
    (file_kind(entry) == Some(FileKind::Entry) && (random || legacy)).then_some(FileKind::Temporary)
}

/// A new temporary file beside `path`, named so that [`file_kind`] knows it.
fn temporary_for(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .rand_bytes(TEMP_TAG_LEN)
        .tempfile_in(dir)
}

/// Write `bytes` to `path` atomically: into a fresh temporary file in the same directory
/// (a random name, created exclusively, so no other writer thread or process can share it),
/// then renamed over `path`. Readers see the old entry or the new one, never a part.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut temp = temporary_for(path).map_err(|e| e.to_string())?;
    temp.write_all(bytes).map_err(|e| e.to_string())?;
    // On failure the temporary file is removed when `persist`'s error drops it.
    temp.persist(path)
        .map(drop)
        .map_err(|e| e.error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> ObjectCode {
        ObjectCode {
            object: b"\x7fELF pretend object".to_vec(),
            spans: vec![Span { lo: 0, hi: 3 }, Span { lo: 4, hi: 9 }],
            suffix: "kfeed".to_owned(),
            columns: true,
        }
    }

    #[test]
    fn an_entry_decodes_to_what_was_encoded() {
        let bytes = encode(7, &code());
        assert_eq!(decode(&bytes, 7), Ok(code()));
    }

    #[test]
    fn every_damaged_or_foreign_entry_is_refused_with_a_reason() {
        let good = encode(7, &code());
        let flipped = |at: usize| {
            let mut b = good.clone();
            b[at] ^= 0x20;
            b
        };
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", vec![], "truncated header"),
            ("magic", flipped(0), "not a Kiln cache entry"),
            ("version", flipped(8), "format version"),
            ("key", flipped(12), "made for key"),
            ("length", flipped(28), "header says"),
            ("checksum", flipped(36), "checksum mismatch"),
            ("object byte", flipped(good.len() - 1), "checksum mismatch"),
            ("truncated", good[..good.len() - 5].to_vec(), "header says"),
            ("other key", encode(8, &code()), "made for key"),
        ];
        for (what, bytes, why) in cases {
            let err = decode(&bytes, 7).expect_err(what);
            assert!(err.contains(why), "{what}: {err}");
        }
    }

    /// A payload with a valid checksum that does not decode (as a buggy or foreign
    /// writer could produce) is refused too.
    #[test]
    fn a_payload_that_does_not_decode_is_refused() {
        let with_payload = |payload: &[u8]| {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            b.extend_from_slice(&7u128.to_le_bytes());
            b.extend_from_slice(&(payload.len() as u64).to_le_bytes());
            b.extend_from_slice(&xxh3_64(payload).to_le_bytes());
            b.extend_from_slice(payload);
            b
        };
        let good = encode(7, &code());
        let payload = &good[HEADER_LEN..];
        let mut trailing = payload.to_vec();
        trailing.push(0);
        let mut huge_count = payload.to_vec();
        // The span count follows the 4-byte suffix length, 5-byte suffix and flag.
        huge_count[10..14].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut flag = payload.to_vec();
        flag[9] = 2;
        for (what, bytes) in [
            ("trailing byte", trailing),
            ("span count", huge_count),
            ("columns flag", flag),
            ("cut short", payload[..payload.len() - 1].to_vec()),
        ] {
            let err = decode(&with_payload(&bytes), 7).expect_err(what);
            assert!(err.starts_with("payload does not decode"), "{what}: {err}");
        }
    }

    #[test]
    fn only_the_caches_own_file_names_are_recognised() {
        let key = "0123456789abcdef0123456789ABCDEF";
        assert_eq!(file_kind(&format!("{key}.kobj")), Some(FileKind::Entry));
        assert_eq!(
            file_kind(&format!(".{key}.kobj.42.123456.tmp")),
            Some(FileKind::Temporary)
        );
        assert_eq!(
            file_kind(&format!(".{key}.kobj.aZ09bY18cX27.tmp")),
            Some(FileKind::Temporary)
        );
        for other in [
            "notes.txt".to_owned(),
            ".kobj".to_owned(),
            format!("{key}0.kobj"),
            format!("{}.kobj", &key[1..]),
            format!("{key}.kobj.tmp"),
            format!(".{key}.kobj.42.tmp"),
            format!(".{key}.kobj.x.1.tmp"),
            format!(".{key}.kobj.aZ09bY18cX2.tmp"),
            format!(".{key}.kobj.aZ09bY18cX2-.tmp"),
            format!(".{key}.kobj.1.2.tmp.old"),
            format!(".{}g.kobj.1.2.tmp", &key[1..]),
        ] {
            assert_eq!(file_kind(&other), None, "{other}");
        }
    }

    #[test]
    fn writing_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.kobj");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_files_are_distinct_and_recognised_as_the_caches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("0123456789abcdef0123456789abcdef.kobj");
        let (a, b) = (temporary_for(&path).unwrap(), temporary_for(&path).unwrap());
        assert_ne!(a.path(), b.path());
        for temp in [&a, &b] {
            let name = temp.path().file_name().unwrap().to_str().unwrap();
            assert_eq!(file_kind(name), Some(FileKind::Temporary), "{name}");
        }
    }
}
