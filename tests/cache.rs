//! `kiln run`'s compiled-program cache, driving the real binary with `KILN_CACHE_DIR` set
//! to a fresh directory per test and `KILN_CACHE_LOG=1`, so each run says on stderr
//! whether it used the cache: hit, miss, invalidation on a source or option change,
//! damaged and foreign entries, `--no-cache`, and a cache that cannot be written.

mod common;

use common::{kiln_command, run, scratch_dir, Run, ScratchDir};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A cache directory and a directory of programs, both fresh.
struct Setup {
    cache: PathBuf,
    programs: PathBuf,
    /// Holds both; removed when the test ends.
    _root: ScratchDir,
}

impl Setup {
    fn new(label: &str) -> Setup {
        let root = scratch_dir(label);
        let (cache, programs) = (root.join("cache"), root.join("programs"));
        fs::create_dir_all(&programs).expect("create the programs directory");
        Setup {
            cache,
            programs,
            _root: root,
        }
    }

    /// Write a program file; its path.
    fn program(&self, name: &str, text: &str) -> PathBuf {
        let path = self.programs.join(name);
        fs::write(&path, text).expect("write a program");
        path
    }

    /// `kiln run FILE ARGS...` with this cache directory.
    fn run(&self, file: &Path, args: &[&str]) -> Run {
        run_with_cache(&self.cache, file, args)
    }

    /// The cache's entries, sorted.
    fn entries(&self) -> Vec<PathBuf> {
        entries(&self.cache)
    }

    /// The only entry; fails if there is not exactly one.
    #[track_caller]
    fn entry(&self) -> PathBuf {
        match self.entries().as_slice() {
            [one] => one.clone(),
            other => panic!("expected one cache entry, found {other:?}"),
        }
    }
}

fn run_with_cache(cache: &Path, file: &Path, args: &[&str]) -> Run {
    let mut command = kiln_command();
    command
        .arg("run")
        .arg(file)
        .args(args)
        .env("KILN_CACHE_DIR", cache)
        .env("KILN_CACHE_LOG", "1");
    run(&mut command, None)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|list| {
            list.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "kobj"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

impl Run {
    /// The cache trace line, without `cache: `.
    #[track_caller]
    fn trace(&self) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter_map(|l| l.strip_prefix("cache: "))
            .collect();
        match lines.as_slice() {
            [one] => one,
            _ => panic!("expected one `cache: ` line:\n{self:?}"),
        }
    }

    /// Stderr without the trace line.
    fn diagnostics(&self) -> String {
        self.stderr
            .lines()
            .filter(|l| !l.starts_with("cache: "))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    #[track_caller]
    fn succeeded_with(&self, stdout: &str) -> &Self {
        assert_eq!(
            (self.status, self.stdout.as_str()),
            (Some(0), stdout),
            "{self:?}"
        );
        self
    }

    #[track_caller]
    fn hit(&self, entry: &Path) -> &Self {
        assert_eq!(self.trace(), format!("hit {}", entry.display()), "{self:?}");
        self
    }
}

const FIB: &str = "fn fibs(a: i64, b: i64) -> string =\n    \
                   if(b >= 1000, string(a), string(a) + \" \" + fibs(b, a + b));\n\
                   fibs(0, 1)\n";
const FIB_OUT: &str = "0 1 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987\n";

#[test]
fn the_first_run_stores_an_entry_and_the_second_uses_it() {
    let s = Setup::new("cache-hit");
    let file = s.program("fib.expr", FIB);
    let first = s.run(&file, &[]);
    first.succeeded_with(FIB_OUT);
    let entry = s.entry();
    assert_eq!(first.trace(), format!("miss, stored {}", entry.display()));
    assert_eq!(first.diagnostics(), "");
    let name = entry.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.len() == 32 + 5 && name.ends_with(".kobj"),
        "entry name {name}"
    );
    let second = s.run(&file, &[]);
    second.succeeded_with(FIB_OUT).hit(&entry);
    assert_eq!(second.diagnostics(), "");
    assert_eq!(s.entries(), [entry], "a hit writes nothing new");
}

#[test]
fn a_program_that_faults_faults_the_same_way_on_a_hit() {
    let s = Setup::new("cache-fault");
    let file = s.program(
        "fault.expr",
        "fn z(x: i64) -> i64 = x - x;\nprint(\"before\");\nlet a = 10;\na / z(3)\n",
    );
    let miss = s.run(&file, &[]);
    let hit = s.run(&file, &[]);
    hit.hit(&s.entry());
    for r in [&miss, &hit] {
        assert_eq!(r.status, Some(3), "{r:?}");
        assert_eq!(r.stdout, "before\n", "{r:?}");
        assert!(r.stderr.contains("error[E0601]"), "{r:?}");
    }
    assert_eq!(miss.diagnostics(), hit.diagnostics());
}

#[test]
fn params_and_warnings_apply_on_a_hit() {
    let s = Setup::new("cache-params");
    // `unused` draws a warning (W0001); `n` comes from the command line.
    let file = s.program("p.expr", "param n: i64;\nlet unused = 1;\nn * 2\n");
    let miss = s.run(&file, &["--param", "n=3"]);
    miss.succeeded_with("6\n");
    let entry = s.entry();
    let hit = s.run(&file, &["--param", "n=21"]);
    hit.succeeded_with("42\n").hit(&entry);
    assert!(hit.stderr.contains("warning["), "{hit:?}");
    assert_eq!(miss.diagnostics(), hit.diagnostics());
    // A bad value is still a usage error on a hit.
    let bad = s.run(&file, &["--param", "n=x"]);
    assert_eq!(bad.status, Some(2), "{bad:?}");
    bad.hit(&entry);
}

#[test]
fn a_changed_source_or_level_is_a_new_entry() {
    let s = Setup::new("cache-change");
    let file = s.program("v.expr", "1 + 2\n");
    s.run(&file, &[]).succeeded_with("3\n");
    let first = s.entry();
    s.program("v.expr", "1 + 3\n");
    let changed = s.run(&file, &[]);
    changed.succeeded_with("4\n");
    assert!(changed.trace().starts_with("miss, stored "), "{changed:?}");
    assert_eq!(s.entries().len(), 2);
    let o0 = s.run(&file, &["-O0"]);
    o0.succeeded_with("4\n");
    assert!(o0.trace().starts_with("miss, stored "), "{o0:?}");
    assert_eq!(s.entries().len(), 3);
    // The old source's entry is still there and still used.
    s.program("v.expr", "1 + 2\n");
    s.run(&file, &[]).succeeded_with("3\n").hit(&first);
}

#[test]
fn a_program_with_errors_never_reaches_the_cache() {
    let s = Setup::new("cache-error");
    let file = s.program("bad.expr", "1 + nope\n");
    let r = s.run(&file, &[]);
    assert_eq!(r.status, Some(1), "{r:?}");
    assert!(r.stderr.contains("error[E0101]"), "{r:?}");
    assert!(!r.stderr.contains("cache: "), "{r:?}");
    assert!(s.entries().is_empty());
}

#[test]
fn a_program_denied_for_its_warnings_is_not_cached() {
    let s = Setup::new("cache-deny");
    let file = s.program("w.expr", "let unused = 1;\n2\n");
    let r = s.run(&file, &["--deny-warnings"]);
    assert_eq!(r.status, Some(1), "{r:?}");
    assert!(r.stderr.contains("error[W0001]"), "{r:?}");
    assert!(r.stderr.contains("--deny-warnings"), "{r:?}");
    assert!(!r.stderr.contains("cache: "), "{r:?}");
    assert!(s.entries().is_empty());
    // Without the flag it runs, warns and is cached.
    let r = s.run(&file, &[]);
    r.succeeded_with("2\n");
    assert!(r.stderr.contains("warning[W0001]"), "{r:?}");
    assert_eq!(s.entries().len(), 1);
}

/// Damage the only entry with `damage`, then check the next run notices (`why` in the
/// trace), runs correctly, rewrites the entry, and the run after that is a hit.
#[track_caller]
fn damaged_entry_is_rebuilt(s: &Setup, file: &Path, damage: impl FnOnce(&Path), why: &str) {
    let entry = s.entry();
    damage(&entry);
    let r = s.run(file, &[]);
    r.succeeded_with(FIB_OUT);
    assert_eq!(r.diagnostics(), "", "nothing but the trace on stderr");
    let want = format!("invalid entry ({why}");
    assert!(r.trace().starts_with(&want), "want {want:?}:\n{r:?}");
    assert!(
        r.trace()
            .ends_with(&format!("), rebuilt {}", entry.display())),
        "{r:?}"
    );
    s.run(file, &[]).succeeded_with(FIB_OUT).hit(&entry);
}

#[test]
fn a_truncated_entry_is_detected_and_rebuilt() {
    let s = Setup::new("cache-truncated");
    let file = s.program("fib.expr", FIB);
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    let truncate = |p: &Path| {
        let bytes = fs::read(p).unwrap();
        fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
    };
    damaged_entry_is_rebuilt(&s, &file, truncate, "payload of ");
    let empty = |p: &Path| fs::write(p, b"").unwrap();
    damaged_entry_is_rebuilt(&s, &file, empty, "truncated header");
}

#[test]
fn a_flipped_byte_in_the_object_is_detected_and_rebuilt() {
    let s = Setup::new("cache-flipped");
    let file = s.program("fib.expr", FIB);
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    let flip = |p: &Path| {
        let mut bytes = fs::read(p).unwrap();
        // The object is the end of the entry; its middle is machine code or tables.
        let at = bytes.len() - 200;
        bytes[at] ^= 0x01;
        fs::write(p, bytes).unwrap();
    };
    damaged_entry_is_rebuilt(&s, &file, flip, "checksum mismatch");
}

#[test]
fn another_programs_entry_under_this_key_is_detected_and_rebuilt() {
    let s = Setup::new("cache-foreign");
    let file = s.program("fib.expr", FIB);
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    let other = s.program("other.expr", "\"not fib\"\n");
    s.run(&other, &[]).succeeded_with("not fib\n");
    let entries = s.entries();
    assert_eq!(entries.len(), 2);
    // Whichever entry is fib's: overwrite it with the other one.
    let probe = s.run(&file, &[]);
    let fib_entry = PathBuf::from(probe.trace().strip_prefix("hit ").unwrap());
    let other_entry = entries.iter().find(|e| **e != fib_entry).unwrap().clone();
    fs::copy(&other_entry, &fib_entry).unwrap();
    fs::remove_file(&other_entry).unwrap();
    damaged_entry_is_rebuilt(&s, &file, |_| {}, "made for key ");
}

#[test]
fn a_file_that_is_not_an_entry_is_detected_and_rebuilt() {
    let s = Setup::new("cache-garbage");
    let file = s.program("fib.expr", FIB);
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    let garbage = |p: &Path| fs::write(p, "#!/bin/sh\necho pwned\n").unwrap();
    damaged_entry_is_rebuilt(&s, &file, garbage, "not a Kiln cache entry");
}

/// An entry whose header and checksum are right but whose object is not one (as a
/// buggy writer could make): ORC refuses it, and it is rebuilt, never run.
#[test]
fn an_object_orc_refuses_is_detected_and_rebuilt() {
    let s = Setup::new("cache-refused");
    let file = s.program("fib.expr", FIB);
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    let break_object = |p: &Path| {
        let mut bytes = fs::read(p).unwrap();
        let elf = bytes
            .windows(4)
            .position(|w| w == b"\x7fELF")
            .expect("the entry holds an ELF object");
        bytes[elf + 1..elf + 4].copy_from_slice(b"BAD");
        // Header: magic 8, version 4, key 16, length 8, then the payload's checksum.
        let checksum = xxhash_rust::xxh3::xxh3_64(&bytes[44..]);
        bytes[36..44].copy_from_slice(&checksum.to_le_bytes());
        fs::write(p, bytes).unwrap();
    };
    damaged_entry_is_rebuilt(&s, &file, break_object, "object refused: ");
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let s = Setup::new("cache-off");
    let file = s.program("fib.expr", FIB);
    let off = s.run(&file, &["--no-cache"]);
    off.succeeded_with(FIB_OUT);
    assert_eq!(off.trace(), "off");
    assert!(s.entries().is_empty(), "{:?}", s.entries());
    // With an entry present, `--no-cache` still does not use it.
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    let entry = s.entry();
    fs::write(&entry, b"damaged").unwrap();
    let off = s.run(&file, &["--no-cache"]);
    off.succeeded_with(FIB_OUT);
    assert_eq!(off.trace(), "off");
    assert_eq!(fs::read(&entry).unwrap(), b"damaged", "not rewritten");
}

#[test]
fn a_cache_directory_that_cannot_be_made_means_no_cache() {
    let s = Setup::new("cache-unmakeable");
    let file = s.program("fib.expr", FIB);
    // A regular file where the directory should be: it cannot be created, whoever runs.
    let blocker = s.programs.join("not-a-dir");
    fs::write(&blocker, b"").unwrap();
    for dir in [blocker.clone(), blocker.join("kiln")] {
        let r = run_with_cache(&dir, &file, &[]);
        r.succeeded_with(FIB_OUT);
        assert!(r.trace().starts_with("off (cannot create "), "{r:?}");
    }
    assert_eq!(fs::read(&blocker).unwrap(), b"");
}

#[test]
fn a_read_only_cache_directory_still_runs() {
    use std::os::unix::fs::PermissionsExt;
    let s = Setup::new("cache-read-only");
    let file = s.program("fib.expr", FIB);
    fs::create_dir_all(&s.cache).unwrap();
    fs::set_permissions(&s.cache, fs::Permissions::from_mode(0o555)).unwrap();
    let r = s.run(&file, &[]);
    fs::set_permissions(&s.cache, fs::Permissions::from_mode(0o755)).unwrap();
    r.succeeded_with(FIB_OUT);
    // Root writes anyway; anyone else cannot, and is told so.
    if s.entries().is_empty() {
        assert!(r.trace().starts_with("miss, not stored ("), "{r:?}");
    } else {
        assert!(r.trace().starts_with("miss, stored "), "{r:?}");
    }
}

#[test]
fn an_entry_that_cannot_be_written_still_runs() {
    let s = Setup::new("cache-unwritable");
    let file = s.program("fib.expr", FIB);
    s.run(&file, &[]).succeeded_with(FIB_OUT);
    // A directory where the entry should be: it can be neither read nor replaced
    // (whatever the user's permissions; the tests may run as root).
    let entry = s.entry();
    fs::remove_file(&entry).unwrap();
    fs::create_dir(&entry).unwrap();
    for _ in 0..2 {
        let r = s.run(&file, &[]);
        r.succeeded_with(FIB_OUT);
        assert!(
            r.trace().starts_with("invalid entry (unreadable: "),
            "{r:?}"
        );
        assert!(r.trace().contains("), not stored ("), "{r:?}");
    }
    assert!(entry.is_dir());
    let leftovers: Vec<_> = fs::read_dir(&s.cache).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary files are left: {leftovers:?}"
    );
}

/// Set a file's modification time `days` days back.
fn age(path: &Path, days: u64) {
    let then = SystemTime::now() - Duration::from_secs(days * 24 * 60 * 60);
    let file = fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_modified(then).unwrap();
}

#[test]
fn storing_removes_entries_unused_for_a_month_and_a_hit_keeps_one() {
    let s = Setup::new("cache-prune");
    let fib = s.program("fib.expr", FIB);
    s.run(&fib, &[]).succeeded_with(FIB_OUT);
    let fib_entry = s.entry();
    // A hit refreshes an old entry, so the next store keeps it.
    age(&fib_entry, 40);
    s.run(&fib, &[]).succeeded_with(FIB_OUT).hit(&fib_entry);
    let one = s.program("one.expr", "1\n");
    s.run(&one, &[]).succeeded_with("1\n");
    assert!(fib_entry.exists());
    let one_entry = s.entries().into_iter().find(|e| *e != fib_entry).unwrap();
    // Unused for 40 days: removed by the next store, with a dead writer's temporary
    // file; a young entry, and files that are not the cache's, stay.
    age(&fib_entry, 40);
    age(&one_entry, 20);
    let name = fib_entry
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let temp = s.cache.join(format!(".{name}.99.12345.tmp"));
    let young_temp = s.cache.join(format!(".{name}.98.12345.tmp"));
    let stranger = s.cache.join("notes.txt");
    for f in [&temp, &young_temp, &stranger] {
        fs::write(f, b"x").unwrap();
    }
    age(&temp, 1);
    age(&stranger, 400);
    let two = s.program("two.expr", "2\n");
    s.run(&two, &[]).succeeded_with("2\n");
    assert!(!fib_entry.exists() && !temp.exists());
    assert!(one_entry.exists() && young_temp.exists() && stranger.exists());
    assert_eq!(s.entries().len(), 2);
    // The removed program is simply compiled again.
    let again = s.run(&fib, &[]);
    again.succeeded_with(FIB_OUT);
    assert!(again.trace().starts_with("miss, stored "), "{again:?}");
}

#[test]
fn only_kiln_run_uses_the_cache() {
    let s = Setup::new("cache-eval");
    let mut command = kiln_command();
    command
        .args(["eval", "1 + 2"])
        .env("KILN_CACHE_DIR", &s.cache)
        .env("KILN_CACHE_LOG", "1");
    let r = run(&mut command, None);
    r.succeeded_with("3\n");
    assert!(!r.stderr.contains("cache: "), "{r:?}");
    assert!(s.entries().is_empty());
}

/// Issue 15: a cached object holds no address of a compiled pattern (its literal-pattern
/// slots start empty), so a hit in a new process matches like the miss did, and a bad
/// computed pattern faults the same way.
#[test]
fn regex_programs_match_alike_on_a_hit() {
    let s = Setup::new("cache-regex");
    let file = s.program(
        "re.expr",
        "param p: string;\nprint(matches(\"abc12\", \"^[a-z]+\\\\d{2}$\"));\n\
         print(captures(\"2024-03\", \"(\\\\d+)-(\\\\d+)(x)?\"));\n\
         print(split_re(\"a, b,,c\", \",\\\\s*\"));\nmatches(\"abc\", p)\n",
    );
    let out = "true\n[\"2024-03\", \"2024\", \"03\", none]\n[\"a\", \"b\", \"\", \"c\"]\n";
    let miss = s.run(&file, &["--param", "p=b"]);
    miss.succeeded_with(&format!("{out}true\n"));
    let entry = s.entry();
    s.run(&file, &["--param", "p=^b"])
        .succeeded_with(&format!("{out}false\n"))
        .hit(&entry);
    let bad = s.run(&file, &["--param", "p=(b"]);
    bad.hit(&entry);
    assert_eq!((bad.status, bad.stdout.as_str()), (Some(3), out), "{bad:?}");
    assert!(bad.diagnostics().contains("error[E0614]"), "{bad:?}");
}
