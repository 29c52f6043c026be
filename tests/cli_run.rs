//! `switchyard run FILE.js`: console output, timers and promises, exit codes.

mod support;

use std::io::Write;

fn run(script: &str) -> std::process::Output {
    let mut file = tempfile::Builder::new().suffix(".js").tempfile().unwrap();
    file.write_all(script.as_bytes()).unwrap();
    support::switchyard()
        .arg("run")
        .arg(file.path())
        .output()
        .unwrap()
}

#[test]
fn prints_console_output_after_timers_and_promises() {
    let output = run(r#"
        console.log('start', 1 + 1);
        setTimeout(() => console.log('timer'), 50);
        Promise.resolve().then(() => console.log('microtask'));
        const id = setInterval(() => { console.log('tick'); clearInterval(id); }, 10);
    "#);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", support::all_output(&output));
    assert_eq!(stdout, "start 2\nmicrotask\ntick\ntimer\n");
}

#[test]
fn an_uncaught_error_exits_non_zero() {
    let output = run("throw new Error('bad script')");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad script"));
}

#[test]
fn an_unhandled_rejection_exits_non_zero() {
    let output = run("setTimeout(() => Promise.reject(new Error('late rejection')), 10)");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("late rejection"));
}

#[test]
fn the_global_scope_is_the_edge_runtimes() {
    let output = run(r#"
        console.log(typeof Response, typeof fetch === 'undefined' ? 'nofetch' : 'fetch', process.env.NEXT_RUNTIME, typeof require);
        try { eval('1') } catch (e) { console.log(e.name) }
    "#);
    assert!(output.status.success(), "{}", support::all_output(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("function "), "{stdout}");
    assert!(stdout.contains("edge undefined"), "{stdout}");
    assert!(stdout.contains("EvalError"), "{stdout}");
}
