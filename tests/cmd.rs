//! The command's error messages as a user sees them, one reviewed snapshot per scenario
//! (`tests/cmd/*.toml`, run with trycmd, as the `rage` project does): the usage errors
//! and the common mistakes (no key, a key file that is not there, a bad URL, a bad time, a
//! bad key pair ID, key material where a path or an ID goes). Each file holds the
//! arguments, the exit status and the exact stdout and stderr; its first line says why the
//! scenario exists. Every scenario uses a fixed `--now` and paths relative to the
//! repository, so no snapshot depends on the machine or the day.
//!
//! After an intended change of a message: `TRYCMD=overwrite cargo test --test cmd`, then
//! review the diff of `tests/cmd/` like code.

mod common;

#[test]
fn cli_error_snapshots() {
    // Test keys readable by others would add a warning to every snapshot.
    common::protect_test_keys();
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("cfsign", std::path::Path::new(common::bin()))
        .default_bin_name("cfsign");
    // An empty variable counts as unset for cfsign: none of the user's settings leak in.
    for var in common::CFSIGN_VARS {
        cases.env(var, "");
    }
    cases.case("tests/cmd/*.toml");
}
