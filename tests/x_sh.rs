//! Tests of `x.sh`'s set-up logic: how it finds LLVM 19, when and how it installs it,
//! and what it says when it cannot. Each test runs `x.sh setup` with a PATH of fake
//! tools (`cargo`, `id`, `apt-get`, `sudo`, `llvm-config`) in a scratch directory and
//! `KILN_LLVM_DEFAULT_PREFIX` pointing into it, so nothing is installed for real and
//! the LLVM on this machine stays out of sight.

#![cfg(unix)]

mod common;

use common::{root, run, scratch_dir, ScratchDir};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A real tool, found on the test's own PATH.
fn which(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("`{name}` is not on PATH"))
}

fn write_script(path: &Path, body: &str) {
    fs::create_dir_all(path.parent().expect("a parent directory")).expect("mkdir");
    fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("write a fake tool");
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// The text of a fake `llvm-config` of `version` living in `prefix`.
fn llvm_config_body(version: &str, prefix: &Path) -> String {
    format!(
        "case \"$1\" in --version) echo {version} ;; --prefix) echo {0} ;; \
         --libdir) echo {0}/lib ;; esac",
        prefix.display()
    )
}

/// A scratch machine: `bin/` is the whole PATH; `log` records what fake tools ran.
struct Sandbox {
    root: ScratchDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let root = scratch_dir("x-sh");
        fs::create_dir_all(root.join("bin")).expect("mkdir bin");
        for tool in ["dirname", "sed", "env"] {
            std::os::unix::fs::symlink(which(tool), root.join("bin").join(tool))
                .expect("link a real tool");
        }
        let sandbox = Sandbox { root };
        sandbox.tool("cargo", "exit 0");
        sandbox.tool("c++", "exit 0");
        sandbox.tool("id", "echo 0");
        sandbox
    }

    fn bin(&self) -> PathBuf {
        self.root.join("bin")
    }

    /// Where `x.sh` is told Debian's LLVM would be.
    fn default_prefix(&self) -> PathBuf {
        self.root.join("usr-lib-llvm-19")
    }

    fn log(&self) -> String {
        fs::read_to_string(self.root.join("log")).unwrap_or_default()
    }

    fn tool(&self, name: &str, body: &str) {
        write_script(&self.bin().join(name), body);
    }

    fn remove_tool(&self, name: &str) {
        fs::remove_file(self.bin().join(name)).expect("remove a fake tool");
    }

    /// An `apt-get` that logs its arguments; `install` creates an LLVM 19 llvm-config
    /// in the default prefix when `works`.
    fn apt_get(&self, works: bool) {
        let prefix = self.default_prefix();
        let config = prefix.join("bin/llvm-config");
        let install = if works {
            format!(
                "{mkdir} -p {dir} && printf '%s\\n' '#!/bin/sh' '{body}' > {config} && {chmod} +x {config}",
                mkdir = which("mkdir").display(),
                chmod = which("chmod").display(),
                dir = config.parent().expect("bin dir").display(),
                body = llvm_config_body("19.1.7", &prefix),
                config = config.display(),
            )
        } else {
            "true".to_owned()
        };
        self.tool(
            "apt-get",
            &format!(
                "echo \"DEBIAN_FRONTEND=$DEBIAN_FRONTEND apt-get $*\" >> {log}\n\
                 if [ \"$1\" = install ]; then {install}; fi",
                log = self.root.join("log").display()
            ),
        );
    }

    fn run(&self, args: &[&str], env: &[(&str, &Path)]) -> (Option<i32>, String) {
        let mut command = Command::new(which("bash"));
        command
            .arg(root().join("x.sh"))
            .args(args)
            .env_clear()
            .env("PATH", self.bin())
            .env("KILN_LLVM_DEFAULT_PREFIX", self.default_prefix());
        for (key, value) in env {
            command.env(key, value);
        }
        let done = run(&mut command, None);
        (done.status, done.stdout + &done.stderr)
    }

    fn setup(&self) -> (Option<i32>, String) {
        self.run(&["setup"], &[])
    }
}

#[test]
fn finds_llvm_in_the_default_prefix() {
    let sandbox = Sandbox::new();
    let prefix = sandbox.default_prefix();
    write_script(
        &prefix.join("bin/llvm-config"),
        &llvm_config_body("19.1.7", &prefix),
    );
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains(&format!("({})", prefix.display())), "{text}");
    assert_eq!(sandbox.log(), "", "nothing is installed");
}

#[test]
fn finds_llvm_config_19_on_path() {
    let sandbox = Sandbox::new();
    let prefix = sandbox.root.join("elsewhere");
    sandbox.tool("llvm-config-19", &llvm_config_body("19.1.0", &prefix));
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains(&format!("({})", prefix.display())), "{text}");
}

#[test]
fn finds_llvm_through_llvm_sys_191_prefix() {
    let sandbox = Sandbox::new();
    let prefix = sandbox.root.join("homebrew-llvm");
    write_script(
        &prefix.join("bin/llvm-config"),
        &llvm_config_body("19.1.7", &prefix),
    );
    let (status, text) = sandbox.run(&["setup"], &[("LLVM_SYS_191_PREFIX", &prefix)]);
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains(&format!("({})", prefix.display())), "{text}");
}

#[test]
fn an_llvm_of_another_version_does_not_count() {
    let sandbox = Sandbox::new();
    let prefix = sandbox.default_prefix();
    write_script(
        &prefix.join("bin/llvm-config"),
        &llvm_config_body("18.1.8", &prefix),
    );
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(1), "{text}");
    assert!(text.contains("LLVM 19"), "{text}");
}

#[test]
fn without_apt_get_it_explains_what_to_install() {
    let sandbox = Sandbox::new();
    let fake = sandbox.root.join("no-such-prefix");
    let (status, text) = sandbox.run(&["setup"], &[("LLVM_SYS_191_PREFIX", &fake)]);
    assert_eq!(status, Some(1), "{text}");
    for needle in [
        "LLVM 19",
        "llvm-19-dev libzstd-dev zlib1g-dev",
        "brew install llvm@19",
        "LLVM_SYS_191_PREFIX",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn with_apt_get_it_installs_llvm_19() {
    let sandbox = Sandbox::new();
    sandbox.apt_get(true);
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(0), "{text}");
    assert_eq!(
        sandbox.log(),
        "DEBIAN_FRONTEND=noninteractive apt-get update -q\n\
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
         llvm-19-dev libzstd-dev zlib1g-dev\n"
    );
    assert!(
        text.contains(&format!("({})", sandbox.default_prefix().display())),
        "{text}"
    );
}

#[test]
fn without_a_cxx_compiler_it_installs_g_plus_plus() {
    // build.rs compiles the LLVM shim with `c++`.
    let sandbox = Sandbox::new();
    sandbox.remove_tool("c++");
    sandbox.apt_get(true);
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(0), "{text}");
    assert!(
        sandbox
            .log()
            .ends_with("apt-get install -y -q --no-install-recommends g++\n"),
        "{}",
        sandbox.log()
    );
}

#[test]
fn an_install_that_leaves_llvm_missing_fails_clearly() {
    let sandbox = Sandbox::new();
    sandbox.apt_get(false);
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(1), "{text}");
    assert!(text.contains("did not work"), "{text}");
    assert!(text.contains("llvm-19-dev"), "{text}");
}

#[test]
fn a_user_that_is_not_root_installs_with_sudo() {
    let sandbox = Sandbox::new();
    sandbox.apt_get(true);
    sandbox.tool("id", "echo 1000");
    sandbox.tool(
        "sudo",
        &format!(
            "echo sudo >> {}\nexec \"$@\"",
            sandbox.root.join("log").display()
        ),
    );
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(0), "{text}");
    let log = sandbox.log();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 4, "{log}");
    assert_eq!(lines[0], "sudo");
    assert!(lines[1].ends_with("apt-get update -q"), "{log}");
    assert_eq!(lines[2], "sudo");
    assert!(lines[3].contains("apt-get install"), "{log}");
}

#[test]
fn a_user_that_is_not_root_and_has_no_sudo_is_told_so() {
    let sandbox = Sandbox::new();
    sandbox.apt_get(true);
    sandbox.tool("id", "echo 1000");
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(1), "{text}");
    assert!(text.contains("sudo"), "{text}");
    assert_eq!(sandbox.log(), "", "apt-get must not run");
}

#[test]
fn missing_cargo_is_reported() {
    let sandbox = Sandbox::new();
    sandbox.remove_tool("cargo");
    let (status, text) = sandbox.setup();
    assert_eq!(status, Some(1), "{text}");
    assert!(text.contains("cargo was not found"), "{text}");
}

#[test]
fn help_and_unknown_commands() {
    let sandbox = Sandbox::new();
    let (status, text) = sandbox.run(&["help"], &[]);
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains("./x.sh run FILE.expr"), "{text}");
    let (status, text) = sandbox.run(&["frobnicate"], &[]);
    assert_eq!(status, Some(2), "{text}");
    assert!(text.contains("unknown command: frobnicate"), "{text}");
}

/// A sandbox with LLVM 19 in the default prefix, its static libraries `static_libs`
/// (file names under its `lib/`), a `cargo` that logs its arguments, and an `apt-get`
/// whose install of libpolly-19-dev creates `libPolly.a`.
fn with_llvm_for_kiln(static_libs: &[&str]) -> Sandbox {
    let sandbox = Sandbox::new();
    let prefix = sandbox.default_prefix();
    write_script(
        &prefix.join("bin/llvm-config"),
        &llvm_config_body("19.1.7", &prefix),
    );
    let lib = prefix.join("lib");
    fs::create_dir_all(&lib).expect("mkdir lib");
    for name in static_libs {
        fs::write(lib.join(name), "").expect("a static library");
    }
    let log = sandbox.root.join("log");
    sandbox.tool("cargo", &format!("echo \"cargo $*\" >> {}", log.display()));
    sandbox.tool(
        "apt-get",
        &format!(
            "echo \"apt-get $*\" >> {log}\n\
             case \"$*\" in *libpolly-19-dev*) : > {polly} ;; esac",
            log = log.display(),
            polly = lib.join("libPolly.a").display()
        ),
    );
    sandbox
}

/// The cargo command `x.sh kiln --version` ran, from the sandbox's log.
fn cargo_line(log: &str) -> &str {
    log.lines()
        .find(|l| l.starts_with("cargo "))
        .unwrap_or_else(|| panic!("cargo did not run:\n{log}"))
}

#[test]
fn the_release_kiln_links_llvm_statically_when_its_libraries_are_there() {
    let sandbox = with_llvm_for_kiln(&["libLLVMCore.a", "libPolly.a"]);
    let (status, text) = sandbox.run(&["kiln", "--version"], &[]);
    assert_eq!(status, Some(0), "{text}");
    let log = sandbox.log();
    assert_eq!(
        cargo_line(&log),
        "cargo run --release --quiet -p kiln --bin kiln --no-default-features \
         --features static-llvm -- --version"
    );
    assert!(!log.contains("apt-get"), "{log}");
}

#[test]
fn a_missing_polly_is_installed_for_the_static_kiln() {
    let sandbox = with_llvm_for_kiln(&["libLLVMCore.a"]);
    let (status, text) = sandbox.run(&["kiln", "--version"], &[]);
    assert_eq!(status, Some(0), "{text}");
    let log = sandbox.log();
    assert!(
        log.contains("apt-get install -y -q --no-install-recommends libpolly-19-dev"),
        "{log}"
    );
    assert!(cargo_line(&log).contains("--features static-llvm"), "{log}");
}

#[test]
fn without_static_libraries_kiln_links_the_shared_llvm() {
    let sandbox = with_llvm_for_kiln(&[]);
    let (status, text) = sandbox.run(&["kiln", "--version"], &[]);
    assert_eq!(status, Some(0), "{text}");
    assert!(text.contains("static libraries"), "{text}");
    let log = sandbox.log();
    assert_eq!(
        cargo_line(&log),
        "cargo run --release --quiet -p kiln --bin kiln -- --version"
    );
    assert!(!log.contains("apt-get"), "nothing to install from: {log}");
}
